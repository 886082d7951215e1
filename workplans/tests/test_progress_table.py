"""The progress table and the printable meeting annex: figures per plan, subtotals, sources."""

from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workplans.models import Body, Project, WorkPlan
from workplans.views.tables import pdf_available

from .conftest import make_body, make_meeting, make_plan, make_report

S = Project.Status


@pytest.fixture
def bodies(db):
    """The sources' two reported plans, an itemized plan, and a plan of another period."""
    accsm = make_body("accsm", name="ASEAN Cooperation on Civil Service Matters")
    plus3 = make_body("accsm-plus-3", short_name="ACCSM+3", position=1)
    wp = make_plan(accsm, "accsm-work-plan-2021-2025")
    make_report(wp, make_meeting(accsm), completed=7, ongoing=5, planned=19)
    wp3 = make_plan(plus3, "accsm-plus-3-work-plan-2021-2025", statuses=[S.PROPOSED])
    make_report(wp3, make_meeting(plus3, kind="som3"), completed=7, ongoing=4, planned=21)
    make_plan(
        accsm,
        "itemized",
        statuses=[
            S.COMPLETED,
            S.ONGOING,
            S.PLANNED,
            S.PLANNED,
            S.CANCELLED,
            S.PROPOSED,
        ],
        start_year=2016,
    )
    return accsm, plus3


def rows(client, **query):
    response = client.get(reverse("workplans:progress_table"), query)
    assert response.status_code == 200
    return response, list(response.context["table"].data)


def test_one_row_per_plan_with_subtotals_and_a_total(client, bodies):
    _, table = rows(client)
    assert [(r.kind, r.label) for r in table] == [
        ("plan", "Plan accsm-work-plan-2021-2025"),
        ("plan", "Plan itemized"),
        ("subtotal", "Subtotal, ACCSM"),
        ("plan", "Plan accsm-plus-3-work-plan-2021-2025"),
        ("subtotal", "Subtotal, ACCSM+3"),
        ("total", "Total, all bodies"),
    ]
    reported, itemized, subtotal, plus3, _, total = table
    assert (reported.total, reported.completed, reported.completed_pct) == (
        31,
        7,
        D("22.6"),
    )
    assert (reported.ongoing_pct, reported.planned_pct) == (D("16.1"), D("61.3"))
    assert "Reported at SOM, ACCSM 21" in reported.source
    assert reported.figures_date == "2 August 2022"  # the meeting's day, as known
    assert (plus3.completed_pct, plus3.ongoing_pct, plus3.planned_pct) == (
        D("21.9"),
        D("12.5"),
        D("65.6"),
    )
    assert plus3.pending == 1  # Japan's proposal: listed, not counted
    assert (itemized.total, itemized.completed, itemized.pending) == (4, 1, 1)
    assert itemized.source.startswith("Live count of the plan")
    assert (subtotal.total, subtotal.completed, subtotal.pending) == (35, 8, 1)
    assert (total.total, total.completed, total.pending) == (67, 15, 2)


def test_the_page_shows_counts_percentages_and_sources(client, bodies):
    response, _ = rows(client)
    html = response.content.decode()
    for text in (
        "22.6 %",
        "16.1 %",
        "61.3 %",
        "65.6 %",
        "Reported at SOM+3, ACCSM 21",
        "row-subtotal",
    ):
        assert text in html
    assert reverse("workplans:annex_body", args=["accsm"]) in html


def test_filter_by_body_and_by_period(client, bodies):
    _, table = rows(client, body="accsm-plus-3")
    assert [r.kind for r in table] == ["plan", "subtotal"]
    _, table = rows(client, period="2016-2020")
    assert [r.label for r in table] == ["Plan itemized", "Subtotal, ACCSM"]
    response, table = rows(client, period="1900-1901")
    assert table == [] and response.context["filter"].form.errors


def test_annex_is_a_print_page_per_body_without_navigation(client, bodies):
    html = client.get(reverse("workplans:annex_body", args=["accsm"])).content.decode()
    assert "Progress of the work plans of ASEAN Cooperation on Civil Service Matters" in html
    assert 'class="site-nav"' not in html and "css/annex.css" in html
    assert "22.6 %" in html and "Reported at SOM, ACCSM 21" in html
    assert "Reported at SOM, ACCSM 21, 2 August 2022" in html
    assert "ACCSM+3" not in html
    everything = client.get(reverse("workplans:annex")).content.decode()
    assert "Subtotal, ACCSM+3" in everything and "Total, all bodies" in everything
    assert client.get(reverse("workplans:annex_body", args=["nope"])).status_code == 404


def test_the_annex_escapes_what_plans_and_bodies_are_called(client, bodies):
    accsm, _plus3 = bodies
    accsm.short_name = 'A<b>"&'
    accsm.save()
    WorkPlan.objects.filter(slug="itemized").update(title="<script>x</script> & 'co'")
    html = client.get(reverse("workplans:annex")).content.decode()
    assert "<script>x" not in html and "<b>" not in html
    assert "&lt;script&gt;x&lt;/script&gt; &amp; &#x27;co&#x27;" in html
    assert "A&lt;b&gt;&quot;&amp;" in html


@pytest.mark.skipif(not pdf_available(), reason="PDF output (ReportLab, fonts) not installed")
def test_annex_as_pdf(client, bodies):
    response = client.get(reverse("workplans:annex_body_pdf", args=["accsm"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith('attachment; filename="accsm-meeting-annex-')


def test_query_counts_do_not_grow_with_the_plans(client, bodies):
    urls = [
        reverse("workplans:progress_table"),
        reverse("workplans:progress_table") + "?_export=xlsx",
        reverse("workplans:annex"),
        reverse("workplans:annex_body", args=["accsm"]),
    ]

    def measure():
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
                b"".join(response.streaming_content) if response.streaming else response.content
            counts.append(len(captured))
        return counts

    small = measure()
    accsm = Body.objects.get(code="accsm")
    for i in range(20):
        plan = make_plan(accsm, f"more-{i}", statuses=[S.COMPLETED, S.PLANNED, S.PROPOSED])
        make_report(plan, make_meeting(accsm, day=f"2023-01-{i + 1:02}"), completed=2)
    assert measure() == small


def test_generated_synthetic_data_is_labelled(db):
    call_command("generate_synthetic", plans=2, projects_per_plan=30, verbosity=0)
    body = Body.objects.get(code="synthetic")
    assert body.name == "SYNTHETIC — generated test data"
    assert WorkPlan.objects.filter(body=body).count() == 2
    projects = Project.objects.filter(plan__body=body)
    assert projects.count() == 60
    assert all(
        title.startswith("[Synthetic]") for title in projects.values_list("title", flat=True)
    )
    assert projects.filter(lead_countries__isnull=False).distinct().count() == 60
    call_command("generate_synthetic", delete=True, verbosity=0)
    assert not Body.objects.filter(code="synthetic").exists()
