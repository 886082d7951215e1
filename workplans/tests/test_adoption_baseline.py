"""Adopting Japan's seminar keeps the ACCSM+3 plan's reported baseline, everywhere it is shown."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from workplans.models import Meeting, Project, WorkPlan
from workplans.progress import Progress
from workplans.selectors import Basis, plan_progress
from workplans.services import proposal_adopt

from .conftest import make_user

PLUS_THREE = "accsm-plus-3-work-plan-2021-2025"
BASIS = "32 reported at SOM+3, ACCSM 21, 2–6 August 2022 + 1 adopted since"


@pytest.fixture
def adopted(sources):
    """The Secretariat adopts Japan's proposed seminar at the HEAD+3 of ACCSM 21."""
    secretariat = make_user("secretariat", "Secretariat")
    seminar = Project.objects.get(code="JP-2023-SEM")
    head3 = Meeting.objects.get(body__code="accsm-plus-3", kind=Meeting.Kind.HEAD_PLUS_3)
    proposal_adopt(project=seminar, meeting=head3, by=secretariat, expected_version=1)
    return secretariat


def test_the_plan_keeps_its_reported_figures_plus_the_adopted_seminar(adopted):
    [progress] = plan_progress(WorkPlan.objects.filter(slug=PLUS_THREE))
    assert progress.basis == Basis.REPORT_PLUS
    assert progress.figures == Progress(completed=7, ongoing=4, planned=22)
    assert str(progress.figures.completion) == "21.2"


def test_dashboard_and_plan_page_show_33_counted_with_the_basis_in_words(client, adopted):
    dashboard = client.get(reverse("workplans:dashboard")).content.decode()
    assert BASIS in dashboard
    assert "33 projects and activities counted across its plans" in dashboard
    plan_page = client.get(reverse("workplans:plan_detail", args=[PLUS_THREE])).content.decode()
    assert BASIS in plan_page
    assert 'data-figure="total">33<' in plan_page
    assert 'data-figure="completion">21.2 %<' in plan_page


def test_progress_table_xlsx_and_annex_agree(client, adopted):
    response = client.get(reverse("workplans:progress_table"), {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    header_row = next(r for r in sheet.iter_rows(values_only=True) if r and "Total" in r)
    headers = list(header_row)
    rows = {
        row[headers.index("Work plan")]: dict(zip(headers, row, strict=True))
        for row in sheet.iter_rows(values_only=True)
        if row and row[headers.index("Work plan")]
    }
    plus_three = rows["ACCSM+3 Work Plan 2021–2025"]
    assert (plus_three["Total"], plus_three["Completed"]) == (33, 7)
    assert plus_three["Source of the figures"].startswith(BASIS)
    # 31 (ACCSM) + 33 (ACCSM+3) + 1 (Viet Nam's scheme): nothing dropped.
    assert rows["Total, all bodies"]["Total"] == 65

    annex = client.get(reverse("workplans:annex")).content.decode()
    assert BASIS in annex and "21.2 %" in annex


def test_adoption_is_offered_only_at_the_plans_bodys_meetings_latest_first(client, sources):
    secretariat = make_user("secretariat", "Secretariat")
    client.force_login(secretariat)
    seminar = Project.objects.get(code="JP-2023-SEM")
    form = client.get(reverse("workplans:project_detail", args=[seminar.pk])).context["adopt_form"]
    meetings = list(form.fields["meeting"].queryset)
    assert meetings and {m.body.code for m in meetings} == {"accsm-plus-3"}
    assert [m.start_date for m in meetings] == sorted(
        (m.start_date for m in meetings), reverse=True
    )
    assert "2–6 August 2022" in form.fields["meeting"].label_from_instance(meetings[0])


def test_the_service_refuses_a_meeting_of_another_body(client, sources):
    secretariat = make_user("secretariat", "Secretariat")
    seminar = Project.objects.get(code="JP-2023-SEM")
    conference = Meeting.objects.get(body__code="vn-moha", start_date="2021-10-29")
    with pytest.raises(ValidationError) as refused:
        proposal_adopt(project=seminar, meeting=conference, by=secretariat, expected_version=1)
    assert "meeting" in refused.value.message_dict
    seminar.refresh_from_db()
    assert seminar.status == Project.Status.PROPOSED and seminar.version == 1
    # And through the form: the meeting is not among the choices.
    client.force_login(secretariat)
    response = client.post(
        reverse("workplans:proposal_adopt", args=[seminar.pk]),
        {"version": 1, "meeting": conference.pk},
    )
    assert response.context["adopt_form"].errors["meeting"]


def test_a_total_says_which_dates_it_mixes(client, sources):
    from django.utils import timezone
    from django.utils.formats import date_format

    from workplans.progress_rows import progress_rows

    today = date_format(timezone.localdate(), "DATE_FORMAT")
    rows = {row.label: row for row in progress_rows(WorkPlan.objects.all())}
    # One body, one date: said, not hidden.
    assert rows["Subtotal, ACCSM"].source == "Sum of the figures of its plans (2–6 August 2022)"
    # All bodies: the reports of August 2022 and Viet Nam's live count of today.
    total = rows["Total, all bodies"].source
    assert total.startswith("Sum of the subtotals. The sum mixes figures of different dates:")
    assert "2–6 August 2022" in total and today in total
    # The dashboard's body totals say it only where a body's plans differ (none here).
    html = client.get(reverse("workplans:dashboard")).content.decode()
    assert "data-mixed-dates" not in html


def test_the_dashboard_says_when_a_bodys_plans_hold_on_different_dates(client, sources):
    from workplans.models import Body

    scheme = WorkPlan.objects.get(slug="vn-scheme-1439-2019-2025")
    scheme.body = Body.objects.get(code="accsm")  # a live plan beside a reported one
    scheme.save()
    html = client.get(reverse("workplans:dashboard")).content.decode()
    assert "The sum mixes figures of different dates: 2–6 August 2022;" in html
