"""Each export format written from an export's columns and rows; `response` picks one.

The rows come in chunks (exports.chunks) and each chunk is written a column at a time: a
column of one simple type (text, whole numbers, dates) is converted by a few C loops over
it (map, join, a search), so a cell costs a fraction of a Python call; other values go cell
by cell the general way. The bytes are those the cell-by-cell writers gave.
"""

import csv
import itertools
import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from json.encoder import encode_basestring

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django_tables2.tables import Table

from . import xlsx
from .exports import (
    CONTENT_TYPES,
    Chunk,
    Export,
    ExportTooLarge,
    any_formula_like,
    chunks,
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

_NONE = type(None)
_DATES = {date, _NONE}  # a column of days (not datetimes), some empty


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


def _pieces(chunks: Iterable[Chunk], size: int) -> Iterator[Chunk]:
    """The rows again, at most `size` at a time: one piece of a streamed response each."""
    for chunk in chunks:
        if chunk.size <= size:
            yield chunk
            continue
        for start in range(0, chunk.size, size):
            yield chunk.piece(start, start + size)


# CSV ------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() hands back what it is given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value) -> str:
    """A value as csv.writer writes it: None empty, dates in ISO 8601, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _csv_column(values: Sequence) -> Sequence[str]:
    """Each value of a column as _csv_cell gives it."""
    kinds = set(map(type, values))
    if kinds == {str, _NONE}:
        values = ["" if value is None else value for value in values]
        kinds = {str}
    if kinds == {str}:
        if any_formula_like(values):
            return [neutralise(value) for value in values]
        return values
    if kinds == {int}:
        return list(map(str, values))
    if kinds == {int, _NONE}:
        return ["" if value is None else str(value) for value in values]
    if kinds == {_NONE}:
        return [""] * len(values)
    if kinds <= _DATES:
        return ["" if value is None else value.isoformat() for value in values]
    return [_csv_cell(value) for value in values]


def _csv_lines(chunk: Chunk, writer) -> str:
    """The rows as csv.writer writes them (excel dialect): joined with commas where no
    field needs quoting, by the writer itself where one does."""
    width = len(chunk.columns)
    texts = list(Chunk(chunk.size, [_csv_column(values) for values in chunk.columns]).rows())
    if width < 2:  # one field: csv writes an empty one as "" (none: an empty line)
        return "".join(map(writer.writerow, texts))
    lines = list(map(",".join, texts))
    text = "\r\n".join(lines) + "\r\n"
    count = len(lines)
    if (
        '"' not in text
        and text.count("\n") == count
        and text.count("\r") == count
        and text.count(",") == count * (width - 1)
    ):
        return text
    # A comma, a quote or a line break in a field: those lines are quoted by csv itself.
    return "".join(
        writer.writerow(fields)
        if '"' in line or "\n" in line or "\r" in line or line.count(",") != width - 1
        else line + "\r\n"
        for line, fields in zip(lines, texts, strict=True)
    )


def csv_response(table: Table, export: Export) -> StreamingHttpResponse:
    cols = columns(table)
    table_chunks = primed(chunks(table, cols))

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        # The byte-order mark tells Excel the file is UTF-8 (Vietnamese names survive).
        yield "\ufeff" + writer.writerow([neutralise(c.header) for c in cols])
        for piece in _pieces(table_chunks, LINES_PER_CHUNK):
            yield _csv_lines(piece, writer)

    return StreamingHttpResponse(lines(), content_type=CONTENT_TYPES["csv"])


# JSON -----------------------------------------------------------------------------

_JSON = json.JSONEncoder(ensure_ascii=False)


def _json_cell(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _json_column(values: Sequence) -> tuple[Sequence[str], bool]:
    """Each value of a column as json.dumps(_json_cell(value), ensure_ascii=False) gives it;
    or, with True, the strings themselves where json.dumps would only put them in quotes."""
    kinds = set(map(type, values))
    if kinds == {str}:
        joined = "".join(values)
        if '"' not in joined and "\\" not in joined and joined.isprintable():
            return values, True  # nothing to escape (no quote, backslash, control character)
        return list(map(encode_basestring, values)), False
    if kinds == {str, _NONE}:
        return ["null" if value is None else encode_basestring(value) for value in values], False
    if kinds == {int}:
        return list(map(int.__repr__, values)), False
    if kinds == {int, _NONE}:
        return ["null" if value is None else int.__repr__(value) for value in values], False
    if kinds == {_NONE}:
        return ["null"] * len(values), False
    if kinds <= _DATES:  # ISO 8601 has nothing to escape
        return ["null" if value is None else f'"{value.isoformat()}"' for value in values], False
    return [_JSON.encode(_json_cell(value)) for value in values], False


def _json_items(chunk: Chunk, keys: list[str]) -> Iterable[str]:
    """Each row as json.dumps gives the object of its values keyed by the columns' headers
    (`keys`: each header as JSON, % doubled), by one template per chunk."""
    slots, columns = [], []
    for key, values in zip(keys, chunk.columns, strict=True):
        column, quoted = _json_column(values)
        slots.append(f'{key}: "%s"' if quoted else f"{key}: %s")
        columns.append(column)
    template = "{" + ", ".join(slots) + "}"
    return map(template.__mod__, Chunk(chunk.size, columns).rows())


def json_response(table: Table, export: Export) -> StreamingHttpResponse:
    """A list of objects keyed by the column headers, streamed like the CSV."""
    cols = columns(table)
    headers = [c.header for c in cols]
    keys = [encode_basestring(header).replace("%", "%%") for header in headers]
    table_chunks = primed(chunks(table, cols))

    def items(chunk: Chunk) -> Iterable[str]:
        if len(set(headers)) < len(headers):  # a repeated header: one key, as a dict has it
            return (
                json.dumps(
                    dict(zip(headers, map(_json_cell, row), strict=True)), ensure_ascii=False
                )
                for row in chunk.rows()
            )
        return _json_items(chunk, keys)

    def lines() -> Iterator[str]:
        yield "["
        separator = "\n"
        for piece in _pieces(table_chunks, LINES_PER_CHUNK):
            yield separator + ",\n".join(items(piece))
            separator = ",\n"
        yield "\n]\n"

    return StreamingHttpResponse(lines(), content_type=CONTENT_TYPES["json"])


# XLSX -----------------------------------------------------------------------------

# Column widths in characters: from the header and the first rows, within these bounds.
XLSX_MIN_WIDTH, XLSX_MAX_WIDTH, XLSX_SAMPLE_ROWS = 8, 60, 200


def xlsx_response(table: Table, export: Export) -> FileResponse:
    """Written chunk by chunk (xlsx.py) into a temporary file, then streamed."""
    cols = columns(table)
    table_chunks = chunks(table, cols)
    # The widths come before the rows in the file: read the first rows first.
    read: list[Chunk] = []
    sample: list[Sequence] = []
    for chunk in table_chunks:
        read.append(chunk)
        sample.extend(chunk.piece(0, XLSX_SAMPLE_ROWS - len(sample)).rows())
        if len(sample) >= XLSX_SAMPLE_ROWS:
            break
    widths = []
    for index, col in enumerate(cols):
        longest = max([len(col.header), *(len(_width_text(row[index])) for row in sample)])
        widths.append(min(max(longest + 2, XLSX_MIN_WIDTH), XLSX_MAX_WIDTH))

    # The file, not memory, holds the workbook; FileResponse streams and closes it.
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    xlsx.write(
        spool,
        sheet_name=_sheet_title(export.sheet_name),
        heading=export.heading,
        headers=[c.header for c in cols],
        percent=[c.kind == "percent" for c in cols],
        widths=widths,
        chunks=itertools.chain(read, table_chunks),
        created=export.exported_at,
    )
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
