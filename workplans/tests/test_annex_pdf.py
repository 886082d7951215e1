"""The meeting annex as PDF, read back (pypdf): every row of the progress table with the same
figures and percentages, the headers on every page, the as-of note and the notes, in the
active language; a download, built in a constant number of queries, fetching nothing."""

import io
import os
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.formats import localize
from pypdf import PdfReader

from workplans import annex_pdf
from workplans.models import Body, Project, WorkPlan
from workplans.progress_rows import annex_rows, progress_rows
from workplans.templatetags.progress import pct
from workplans.views import tables

from .conftest import make_body, make_meeting, make_plan, make_report

S = Project.Status
LONG_TITLE = (
    "Action Plan of ACCSM and ACCSM+3 to implement the Declaration on Strengthening the "
    "Adaptability of the Civil Service to the Challenges of the Future"
)
HEADERS = [
    "Work plan",
    "Period",
    "Total counted",
    "Projects and activities by status: number (%)",
    "Completed",
    "Ongoing or annual",
    "Planned",
    "Postponed",
    "Proposals pending",
    "Source and date of the figures",
]
NOTES = [
    "The total counted leaves out proposals (pending until adopted) and cancelled projects.",
    "Percentages are each status's share of the total counted, computed to one decimal "
    "place; “—” means nothing is counted.",
    "Live counts come from the plan's itemized projects on the date shown; reported figures "
    "are as presented at the meeting named.",
]


@pytest.fixture(autouse=True)
def pdf_output():
    """CI installs ReportLab and DejaVu Sans: there these tests fail rather than skip."""
    if not annex_pdf.pdf_available():
        message = "PDF output is not installed (ReportLab, or DejaVu Sans: fonts-dejavu-core)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def bodies(db):
    """Two bodies: reported plans, an itemized plan, a plan of no figures, a long title."""
    accsm = make_body("accsm", name="ASEAN Cooperation on Civil Service Matters")
    plus3 = make_body("accsm-plus-3", short_name="ACCSM+3", position=1)
    wp = make_plan(accsm, "accsm-work-plan-2021-2025")
    make_report(wp, make_meeting(accsm), completed=7, ongoing=5, planned=19)
    wp3 = make_plan(plus3, "accsm-plus-3-work-plan-2021-2025", statuses=[S.PROPOSED])
    make_report(wp3, make_meeting(plus3, kind="som3"), completed=7, ongoing=4, planned=21)
    make_plan(
        accsm,
        "itemized",
        statuses=[S.COMPLETED, S.ONGOING, S.PLANNED, S.PLANNED, S.POSTPONED, S.CANCELLED],
        start_year=2016,
    )
    long = make_plan(accsm, "long", start_year=2019)
    WorkPlan.objects.filter(pk=long.pk).update(title=LONG_TITLE)
    return accsm, plus3


def pdf_pages(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def flat(text: str) -> str:
    """Words as read, whatever the lines a cell was broken into."""
    return " ".join(text.split())


def row_text(row, every_body: bool) -> str:
    """A progress row as the annex page shows it, cell after cell."""
    cells = [row.label]
    if row.kind == "plan" and every_body:
        cells.append(row.body.short_name)
    if row.hidden_plans:
        cells.append(f"{row.hidden_plans} plans, listed in the annex of {row.body.short_name}")
    cells += [row.period, "—" if row.total is None else str(localize(row.total))]
    if row.segments:
        cells += [f"{localize(s['count'])} ({pct(s['percent'])})" for s in row.segments]
    else:
        cells += ["—"] * 4
    cells += [str(localize(row.pending)), row.source]
    return flat(" ".join(str(cell) for cell in cells if cell != ""))


def expected_rows(body: Body | None, as_of: date | None = None) -> list:
    plans = WorkPlan.objects.filter(body=body) if body else WorkPlan.objects.all()
    rows = progress_rows(plans, as_of)
    return annex_rows(rows, tables.ANNEX_PLANS) if body is None else rows


def test_every_row_with_its_figures_percentages_and_source(client, bodies):
    accsm, _ = bodies
    for url, body in (
        (reverse("workplans:annex_pdf"), None),
        (reverse("workplans:annex_body_pdf", args=["accsm"]), accsm),
    ):
        text = flat(" ".join(pdf_pages(client.get(url))))
        rows = expected_rows(body)
        assert {row.kind for row in rows} >= {"plan", "subtotal"}
        for row in rows:
            assert row_text(row, every_body=body is None) in text, row.label
        assert ("Total, all bodies" in text) is (body is None)
    # Spot checks, written out: the reported plan, the subtotal, the total.
    everything = flat(" ".join(pdf_pages(client.get(reverse("workplans:annex_pdf")))))
    assert "31 7 (22.6 %) 5 (16.1 %) 19 (61.3 %) 0 (0.0 %) 0 Reported at SOM, ACCSM 21" in (
        everything
    )
    assert re.search(r"Total, all bodies \d+ \d+ \(\d+\.\d %\)", everything)
    assert LONG_TITLE in everything  # broken into lines in its cell, every word kept


def test_title_meta_headers_as_of_note_and_notes(client, bodies):
    url = reverse("workplans:annex_body_pdf", args=["accsm"])
    as_of = date(2024, 1, 31)
    response = client.get(url, {"as_of": as_of.isoformat(), "period": "2021-2025"})
    text = flat(" ".join(pdf_pages(response)))
    assert text.startswith(
        "Annex PROGRESS OF THE WORK PLANS OF ASEAN COOPERATION ON CIVIL SERVICE MATTERS "
        "Prepared from the ACCSM work-plan tracker on "
    )
    assert "Period: 2021–2025." in text
    assert "Figures as of 31 January 2024, rebuilt from the audit trail." in text
    for header in HEADERS:
        assert header in text
    for number, note in enumerate(NOTES, start=1):
        assert f"{number}. {note}" in text
    for row in expected_rows(None, as_of):  # the period filter keeps the 2021–2025 plans
        if row.body and row.body.code == "accsm" and row.kind == "plan":
            assert (row_text(row, every_body=False) in text) is (row.period == "2021–2025")


def test_a_download_of_a4_landscape_pages_each_with_the_header_and_its_number(client, bodies):
    accsm, _ = bodies
    WorkPlan.objects.bulk_create(
        WorkPlan(body=accsm, title=f"Plan {i:03}", slug=f"p-{i:03}", start_year=2021, end_year=2025)
        for i in range(60)
    )
    response = client.get(reverse("workplans:annex_body_pdf", args=["accsm"]))
    assert response["Content-Disposition"].startswith('attachment; filename="accsm-meeting-annex-')
    assert response["Content-Disposition"].endswith('.pdf"')
    reader = PdfReader(io.BytesIO(response.content))
    pages = len(reader.pages)
    assert pages >= 3
    for number, page in enumerate(reader.pages, start=1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            842,
            595,
        )
        text = flat(page.extract_text())
        assert all(header in text for header in HEADERS), number
        assert text.endswith(f"{number} / {pages}")
    every = flat(" ".join(page.extract_text() for page in reader.pages))
    assert all(f"Plan {i:03} 2021–2025 — — — — — 0" in every for i in range(60))


def test_subtotals_and_the_total_are_bold(client, bodies):
    fonts: dict[str, set[str]] = {}

    def visit(text, cm, tm, font, size):
        if text.strip() and font:
            fonts.setdefault(text.strip(), set()).add(str(font["/BaseFont"]))

    content = client.get(reverse("workplans:annex_pdf")).content
    for page in PdfReader(io.BytesIO(content)).pages:
        page.extract_text(visitor_text=visit)
    for label in ("Subtotal, ACCSM", "Subtotal, ACCSM+3", "Total, all bodies"):
        assert all(name.endswith("-Bold") for name in fonts[label]), (label, fonts[label])
    assert not any(name.endswith("-Bold") for name in fonts["Plan itemized"])


def test_in_vietnamese(client, bodies):
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    text = flat(" ".join(pdf_pages(client.get(reverse("workplans:annex_pdf")))))
    for words in (
        "Phụ lục",  # Annex
        "TIẾN ĐỘ THỰC HIỆN CÁC KẾ HOẠCH LÀM VIỆC CỦA ACCSM VÀ ACCSM+3",
        "Lập từ hệ thống theo dõi Kế hoạch làm việc ACCSM ngày",
        "Kế hoạch làm việc",  # Work plan
        "Nguồn và ngày của số liệu",  # Source and date of the figures
        "Tổng cộng, tất cả tổ chức",  # Total, all bodies
        "7 (22,6 %)",  # the decimal comma
        "1. Tổng số được tính không bao gồm các đề xuất",  # the first note
    ):
        assert words in text, words
    assert "Work plan" not in text and "Subtotal" not in text
    with translation.override("vi"):
        for row in expected_rows(None):
            assert row_text(row, every_body=True) in text, row.label


def test_built_in_a_constant_number_of_queries(client, bodies):
    accsm, _ = bodies
    url = reverse("workplans:annex_body_pdf", args=["accsm"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for i in range(20):
        make_plan(accsm, f"more-{i}", statuses=[S.COMPLETED, S.PLANNED, S.PROPOSED])
    assert queries() == few


def test_names_are_text_never_markup_and_nothing_is_fetched(client, bodies, monkeypatch):
    from urllib.request import OpenerDirector

    from reportlab import rl_config

    assert not rl_config.trustedHosts  # ReportLab opens no URL of any host

    def refuse(*args, **kwargs):
        raise AssertionError("the PDF fetched something")

    monkeypatch.setattr(OpenerDirector, "open", refuse)
    hostile = '<img src="http://example.org/x.png"/> <b>Bold</b> & <font size="40">x</font>'
    Body.objects.filter(code="accsm").update(name=hostile, short_name="<i>S</i>")
    WorkPlan.objects.filter(slug="itemized").update(title='<a href="http://example.org">P</a>')
    everything = flat(" ".join(pdf_pages(client.get(reverse("workplans:annex_pdf")))))
    assert "Subtotal, <i>S</i>" in everything
    assert '<a href="http://example.org">P</a>' in everything
    own = flat(" ".join(pdf_pages(client.get(reverse("workplans:annex_body_pdf", args=["accsm"])))))
    assert hostile.upper() in own  # the title, upper-cased as the page's h1


def test_no_plans_match(client, bodies):
    response = client.get(reverse("workplans:annex_body_pdf", args=["accsm"]), {"period": "x"})
    assert "No work plans match." in flat(" ".join(pdf_pages(response)))


@pytest.mark.parametrize("missing", ["reportlab", "fonts"])
def test_404_and_no_link_when_pdf_output_is_not_installed(
    client, bodies, monkeypatch, tmp_path, missing
):
    if missing == "reportlab":
        monkeypatch.setitem(__import__("sys").modules, "reportlab", None)
    else:
        monkeypatch.setattr(annex_pdf, "FONT_DIRS", (tmp_path,))
    assert not annex_pdf.pdf_available()
    for url in (
        reverse("workplans:annex_pdf"),
        reverse("workplans:annex_body_pdf", args=["accsm"]),
    ):
        assert client.get(url).status_code == 404
    html = client.get(reverse("workplans:annex")).content.decode()
    assert "data-pdf" not in html and "Subtotal, ACCSM" in html
