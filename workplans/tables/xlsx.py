"""A streaming XLSX writer for the exports: one worksheet of typed cells, written chunk by
chunk as SpreadsheetML into a zip file, so a million rows take the memory of one chunk.

It writes the file openpyxl's write-only workbook wrote for the exports (the same inline
strings, styles, column widths and frozen panes; its theme and date serials), but builds
each chunk's XML with a few string operations per column instead of a cell object and an
XML element per cell: the exports are many times faster. openpyxl (a dependency anyway, for
reading imports) still reads what this writes in the tests, cell by cell.

Cells are typed: text stays text whatever it begins with ("=..." is never a formula; a
quote prefix keeps it text when edited), numbers are numbers, dates are dates with a date
format, percentages are fractions with a percent format.
"""

import operator
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from math import isfinite
from typing import IO
from xml.sax.saxutils import quoteattr

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.writer.theme import theme_xml

from .exports import FORMULA_STARTS, Chunk, any_formula_like

# Excel keeps at most this many characters in a cell (openpyxl cut longer text here too).
MAX_TEXT = 32_767

# cellXfs of STYLES, by index: the `s` of a cell.
HEADING, HEADER, QUOTED, DATE, PERCENT, DATETIME, HEADING_QUOTED, HEADER_QUOTED = range(1, 9)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

STYLES = (
    _DECLARATION + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="0.0%"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="166" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
    '<fonts count="3"><font><name val="Calibri"/><family val="2"/><color theme="1"/>'
    '<sz val="11"/><scheme val="minor"/></font>'
    '<font><b val="1"/><sz val="12"/></font><font><b val="1"/></font></fonts>'
    '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/>'
    "</fill></fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="9">'
    + "".join(
        f'<xf numFmtId="{number}" fontId="{font}" fillId="0" borderId="0" xfId="0"'
        + (' applyNumberFormat="1"' if number else "")
        + (' applyFont="1"' if font else "")
        + (' quotePrefix="1"' if quoted else "")
        + "/>"
        for number, font, quoted in (
            (0, 0, False),  # plain
            (0, 1, False),  # HEADING: bold, 12 pt
            (0, 2, False),  # HEADER: bold
            (0, 0, True),  # QUOTED: text that looks like a formula
            (165, 0, False),  # DATE
            (164, 0, False),  # PERCENT
            (166, 0, False),  # DATETIME
            (0, 1, True),  # HEADING_QUOTED
            (0, 2, True),  # HEADER_QUOTED
        )
    )
    + "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)

CONTENT_TYPES = (
    _DECLARATION + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/theme/theme1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.theme+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.extended-properties+xml"/>'
    "</Types>"
)

PACKAGE_RELS = (
    _DECLARATION + f'<Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELS}/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_DOC_RELS}/extended-properties" '
    'Target="docProps/app.xml"/>'
    "</Relationships>"
)

WORKBOOK_RELS = (
    _DECLARATION + f'<Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_DOC_RELS}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{_DOC_RELS}/theme" Target="theme/theme1.xml"/>'
    "</Relationships>"
)

APP = (
    _DECLARATION + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties"><Application>ACCSM work-plan tracker</Application></Properties>'
)


def _workbook(sheet_name: str) -> str:
    return (
        _DECLARATION + f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f'<sheets><sheet name={quoteattr(sheet_name)} sheetId="1" r:id="rId1"/></sheets>'
        '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _core(created: datetime) -> str:
    moment = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        _DECLARATION + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
        '2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{moment}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{moment}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _sheet_start(widths: Sequence[float]) -> str:
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{width:.16g}" customWidth="1"/>'
        for i, width in enumerate(widths, start=1)
    )
    return (
        _DECLARATION + f'<worksheet xmlns="{_MAIN}">'
        '<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/><pageSetUpPr/></sheetPr>'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
        '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + "<sheetData>"
    )


_SHEET_END = (
    "</sheetData>"
    '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
    "</worksheet>"
)


def _escape(text: str) -> str:
    """Text escaped for XML, a carriage return kept as one (raw, it would be read back as a
    line feed)."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


_FIRST, _LAST = operator.itemgetter(slice(0, 1)), operator.itemgetter(slice(-1, None))
_PRESERVE = ' xml:space="preserve"'  # the spaces a text begins or ends with are its own


def _plain_cells(texts: Sequence[str], letter: str) -> str | None:
    """The template of these texts' cells when all go in as they are: nothing to escape or
    cut, no quote prefix, no empty one, no space at either end. Else None (they go cell by
    cell). One pass over them all in C, rather than checks per cell."""
    joined = "".join(texts)
    if (
        joined.isprintable()  # no control character (nor \t, \n, \r: those take the long way)
        and "&" not in joined
        and "<" not in joined
        and ">" not in joined
        and all(texts)  # an empty string is an empty cell
        and (len(joined) <= MAX_TEXT or max(map(len, texts)) <= MAX_TEXT)
        and not any_formula_like(texts)
        and " " not in set(map(_FIRST, texts)) | set(map(_LAST, texts))  # the only printable space
    ):
        return f'<c r="{letter}%d" t="inlineStr"><is><t>%s</t></is></c>'
    return None


def _text_cell(ref: str, text: str, style: int = 0, quoted: int = QUOTED) -> str:
    """A text cell; with a quote prefix where the text looks like a formula."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_TEXT]
    if text.startswith(FORMULA_STARTS):
        style = quoted
    s = f' s="{style}"' if style else ""
    if not text:  # an empty string is an empty cell (openpyxl wrote it so)
        return f'<c r="{ref}"{s} t="inlineStr"/>' if style else ""
    space = _PRESERVE if text[:1].isspace() or text[-1:].isspace() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


def _number(value) -> str:
    """A number as openpyxl wrote it: 16 significant digits of its float ("" if not finite)."""
    value = float(value)
    return format(value, ".16g") if isfinite(value) else ""


class _Serials(dict):
    """date or datetime -> its Excel serial number, as openpyxl writes it; computed once per
    value (the same days come back row after row), at most MAX_SERIALS kept."""

    MAX_SERIALS = 10_000

    def __missing__(self, value):
        if len(self) >= self.MAX_SERIALS:
            self.clear()
        serial = self[value] = _number(to_excel(value))
        return serial


def _cell(ref: str, value, percent: bool, serials: _Serials) -> str:
    """One cell, whatever its value: the general (slower) way. A cell is a number unless
    typed otherwise (t="n", the default, is left out)."""
    if value is None:
        return ""
    if percent:
        return f'<c r="{ref}" s="{PERCENT}"><v>{_number(Decimal(value) / 100)}</v></c>'
    if isinstance(value, str):
        return _text_cell(ref, value)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"><v>{_number(value)}</v></c>'
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise TypeError("Excel has no time zones: export a naive datetime or a date.")
        return f'<c r="{ref}" s="{DATETIME}"><v>{serials[value]}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DATE}"><v>{serials[value]}</v></c>'
    raise TypeError(f"Cannot write {value!r} to an XLSX cell.")


_NONE = type(None)
_DATES = {date, _NONE}


def _column_cells(
    values: Sequence, letter: str, rows: range, percent: bool, serials: _Serials
) -> Sequence[str]:
    """Each cell of one column over a chunk's rows ("" where empty). Columns of one simple
    type (text, whole numbers, dates, with or without empty cells) are formatted in a few
    passes over the whole column; anything else goes cell by cell through _cell()."""
    if percent:
        return [
            _cell(f"{letter}{row}", value, True, serials)
            for row, value in zip(rows, values, strict=True)
        ]
    kinds = set(map(type, values))
    if kinds == {_NONE}:
        return [""] * len(values)
    if kinds == {str} and (text := _plain_cells(values, letter)):
        return list(map(text.__mod__, zip(rows, values, strict=True)))
    if kinds == {str, _NONE} and (
        text := _plain_cells([v for v in values if v is not None], letter)
    ):
        return ["" if v is None else text % (row, v) for row, v in zip(rows, values, strict=True)]
    number = f'<c r="{letter}%d"><v>%.16g</v></c>'
    if kinds == {int}:
        return list(map(number.__mod__, zip(rows, values, strict=True)))
    if kinds == {int, _NONE}:
        return ["" if v is None else number % (row, v) for row, v in zip(rows, values, strict=True)]
    if kinds <= _DATES:
        day = f'<c r="{letter}%d" s="{DATE}"><v>%s</v></c>'
        return [
            "" if v is None else day % (row, serials[v])
            for row, v in zip(rows, values, strict=True)
        ]
    return [
        _cell(f"{letter}{row}", value, False, serials)
        for row, value in zip(rows, values, strict=True)
    ]


def write(
    file: IO[bytes],
    *,
    sheet_name: str,
    heading: str,
    headers: Sequence[str],
    percent: Sequence[bool],
    widths: Sequence[float],
    chunks: Iterable[Chunk],
    created: datetime,
) -> None:
    """The workbook into `file`: the heading in A1 (bold, 12 pt), the headers in row 2
    (bold), frozen below them, then the rows of each chunk, typed."""
    letters = [get_column_letter(i) for i in range(1, len(headers) + 1)]
    serials = _Serials()
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", PACKAGE_RELS)
        package.writestr("docProps/app.xml", APP)
        package.writestr("docProps/core.xml", _core(created))
        package.writestr("xl/workbook.xml", _workbook(sheet_name))
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        package.writestr("xl/styles.xml", STYLES)
        package.writestr("xl/theme/theme1.xml", theme_xml)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = _text_cell("A1", heading, HEADING, HEADING_QUOTED)
            names = "".join(
                _text_cell(f"{letter}2", header, HEADER, HEADER_QUOTED)
                for letter, header in zip(letters, headers, strict=True)
            )
            sheet.write(
                (_sheet_start(widths) + f'<row r="1">{head}</row><row r="2">{names}</row>').encode()
            )
            first = 3
            for chunk in chunks:
                rows = range(first, first + chunk.size)
                cells = Chunk(
                    chunk.size,
                    [
                        _column_cells(values, letter, rows, is_percent, serials)
                        for values, letter, is_percent in zip(
                            chunk.columns, letters, percent, strict=True
                        )
                    ],
                ).rows()
                xml = "".join(
                    map('<row r="%d">%s</row>'.__mod__, zip(rows, map("".join, cells), strict=True))
                )
                sheet.write(xml.encode())
                first += chunk.size
            sheet.write(_SHEET_END.encode())
