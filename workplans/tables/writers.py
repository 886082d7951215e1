"""Each export format written from an export's columns and rows; `response` picks one."""

import csv
import itertools
import json
import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django_tables2.tables import Table
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .exports import (
    CONTENT_TYPES,
    FORMULA_STARTS,
    Export,
    ExportTooLarge,
    columns,
    neutralise,
    primed,
    row_count,
    rows,
)

# Rows per chunk of a streamed response.
LINES_PER_CHUNK = 500
# odfpy holds the whole document in memory: beyond this, CSV or XLSX.
ODS_MAX_ROWS = 20_000


def response(table: Table, export_format: str, export: Export) -> HttpResponseBase:
    writer = {
        "csv": csv_response,
        "xlsx": xlsx_response,
        "json": json_response,
        "ods": ods_response,
    }[export_format]
    result = writer(table, export)
    result["Content-Disposition"] = content_disposition_header(True, export.filename(export_format))
    result["Cache-Control"] = "no-store"
    return result


# CSV ------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() hands back what it is given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value, kind: str):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value)


def csv_response(table: Table, export: Export) -> StreamingHttpResponse:
    cols = columns(table)
    table_rows = primed(rows(table, cols))

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        # The byte-order mark tells Excel the file is UTF-8 (Vietnamese names survive).
        yield "\ufeff" + writer.writerow([neutralise(c.header) for c in cols])
        chunk = []
        for values in table_rows:
            chunk.append(
                writer.writerow([_csv_cell(v, c.kind) for v, c in zip(values, cols, strict=True)])
            )
            if len(chunk) >= LINES_PER_CHUNK:
                yield "".join(chunk)
                chunk = []
        if chunk:
            yield "".join(chunk)

    return StreamingHttpResponse(lines(), content_type=CONTENT_TYPES["csv"])


# JSON -----------------------------------------------------------------------------


def _json_cell(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def json_response(table: Table, export: Export) -> StreamingHttpResponse:
    """A list of objects keyed by the column headers, streamed like the CSV."""
    cols = columns(table)
    headers = [c.header for c in cols]
    table_rows = primed(rows(table, cols))

    def lines() -> Iterator[str]:
        yield "["
        chunk, separator = [], "\n"
        for values in table_rows:
            item = dict(zip(headers, map(_json_cell, values), strict=True))
            chunk.append(separator + json.dumps(item, ensure_ascii=False))
            separator = ",\n"
            if len(chunk) >= LINES_PER_CHUNK:
                yield "".join(chunk)
                chunk = []
        yield "".join(chunk) + "\n]\n"

    return StreamingHttpResponse(lines(), content_type=CONTENT_TYPES["json"])


# XLSX -----------------------------------------------------------------------------


def _xlsx_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


# Column widths in characters: from the header and the first rows, within these bounds.
XLSX_MIN_WIDTH, XLSX_MAX_WIDTH, XLSX_SAMPLE_ROWS = 8, 60, 200


def xlsx_response(table: Table, export: Export) -> FileResponse:
    """Written row by row by a write-only workbook into a temporary file, then streamed."""
    cols = columns(table)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(export.sheet_name))
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
        """A string cell holding exactly the text: never a formula, whatever it begins with.

        openpyxl would store a leading "=" as a formula; the type is set back to string, and
        Excel's quote prefix keeps the text a text if someone edits the cell.
        """
        cell = styled(_xlsx_text(value), font)
        if value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True
        return cell

    # The widths must be set before the first row of a write-only sheet: read a sample first.
    values_iter = rows(table, cols)
    sample = list(itertools.islice(values_iter, XLSX_SAMPLE_ROWS))
    for index, col in enumerate(cols, start=1):
        longest = max(
            [len(col.header), *(len(_width_text(row[index - 1])) for row in sample)], default=0
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
                cells.append(value)  # numbers as numbers, dates as dates
        sheet.append(cells)

    # The file, not memory, holds the workbook; FileResponse streams and closes it.
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, content_type=CONTENT_TYPES["xlsx"])


def _width_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _sheet_title(name: str) -> str:
    # Excel refuses these characters in sheet names, and names longer than 31.
    for char in "[]:*?/\\":
        name = name.replace(char, " ")
    return name[:31] or "Sheet"


# ODS ------------------------------------------------------------------------------


def ods_response(table: Table, export: Export) -> HttpResponse:
    """The ODS file, written with odfpy directly: tablib's ODS format has no percentage cells
    and no heading row above the column names, so going through it would change the file."""
    from io import BytesIO

    from odf import number, opendocument, style
    from odf import table as odf_table
    from odf import text as odf_text

    if row_count(table) > ODS_MAX_ROWS:
        raise ExportTooLarge(
            _(
                "This table has more than %(max)s rows, too many for an ODS file. "
                "Export it as XLSX or CSV, or filter it first."
            )
            % {"max": f"{ODS_MAX_ROWS:,}"}
        )
    cols = columns(table)
    document = opendocument.OpenDocumentSpreadsheet()

    bold = style.Style(name="bold", family="table-cell")
    bold.addElement(style.TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)

    date_style = number.DateStyle(name="iso-date")
    for part in (
        number.Year(style="long"),
        number.Text(text="-"),
        number.Month(style="long"),
        number.Text(text="-"),
        number.Day(style="long"),
    ):
        date_style.addElement(part)
    document.styles.addElement(date_style)
    date_cell = style.Style(name="date", family="table-cell", datastylename="iso-date")
    document.automaticstyles.addElement(date_cell)

    percent_style = number.PercentageStyle(name="percent")
    percent_style.addElement(number.Number(decimalplaces="1", minintegerdigits="1"))
    percent_style.addElement(number.Text(text="%"))
    document.styles.addElement(percent_style)
    percent_cell = style.Style(name="percent-cell", family="table-cell", datastylename="percent")
    document.automaticstyles.addElement(percent_cell)

    sheet = odf_table.Table(name=_sheet_title(export.sheet_name))
    document.spreadsheet.addElement(sheet)

    def text_cell(value: str, stylename=None):
        # A string cell is text and nothing else (a formula is a table:formula attribute):
        # the exact text, with no apostrophe.
        cell = odf_table.TableCell(valuetype="string", stylename=stylename)
        cell.addElement(odf_text.P(text=value))
        return cell

    def add_row(cells):
        row = odf_table.TableRow()
        for cell in cells:
            row.addElement(cell)
        sheet.addElement(row)

    add_row([text_cell(export.heading, bold)])
    add_row([text_cell(c.header, bold) for c in cols])
    for values in rows(table, cols):
        cells = []
        for value, col in zip(values, cols, strict=True):
            if value is None:
                cells.append(odf_table.TableCell())
            elif col.kind == "percent":
                ratio = Decimal(value) / 100
                cell = odf_table.TableCell(
                    valuetype="percentage", value=str(ratio), stylename=percent_cell
                )
                cell.addElement(odf_text.P(text=f"{value}%"))
                cells.append(cell)
            elif isinstance(value, bool):
                cells.append(text_cell(_("yes") if value else _("no")))
            elif isinstance(value, int | float | Decimal):
                cell = odf_table.TableCell(valuetype="float", value=str(value))
                cell.addElement(odf_text.P(text=str(value)))
                cells.append(cell)
            elif isinstance(value, date):
                cell = odf_table.TableCell(
                    valuetype="date", datevalue=value.isoformat(), stylename=date_cell
                )
                cell.addElement(odf_text.P(text=value.isoformat()))
                cells.append(cell)
            else:
                cells.append(text_cell(str(value)))
        add_row(cells)

    buffer = BytesIO()
    document.save(buffer)
    return HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES["ods"])
