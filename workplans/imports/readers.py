"""Reading an uploaded file (XLSX or CSV) into rows of cells, refusing what is unsafe."""

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from .columns import MAX_COLUMNS, MAX_ROWS, FileRefused

# What openpyxl raises on a malformed workbook (XML parse errors are SyntaxErrors).
MALFORMED = (
    InvalidFileException,
    zipfile.BadZipFile,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    OSError,
    SyntaxError,
)


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list]]  # (row number as the spreadsheet shows it, cells)
    formulas: list[tuple[int, int, str]] = field(default_factory=list)  # row, col, text


def read_upload(upload: UploadedFile) -> tuple[Sheet, str]:
    """The sheet of an uploaded .xlsx or .csv, and the SHA-256 of its bytes."""
    limit = settings.ACCSM_IMPORT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise FileRefused(
            _("The file is %(size)s; the largest accepted is %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(limit)}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise FileRefused(
            _("The file is larger than %(max)s, the largest accepted.")
            % {"max": filesizeformat(limit)}
        )
    if not data.strip():
        raise FileRefused(_("The file is empty."))
    digest = hashlib.sha256(data).hexdigest()
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix == ".xlsx":
        sheet = read_xlsx(data)
    elif suffix in (".csv", ".txt"):
        sheet = read_csv(data)
    elif suffix in (".xls", ".ods", ".xlsm", ".numbers"):
        raise FileRefused(
            _(
                "%(type)s files are not accepted: save the sheet as Excel workbook "
                "(.xlsx) or as CSV UTF-8 (.csv)."
            )
            % {"type": suffix}
        )
    else:
        raise FileRefused(
            _("This is not a spreadsheet: upload an Excel workbook (.xlsx) or a CSV file.")
        )
    if not sheet.headers or not any(sheet.headers):
        raise FileRefused(_("The first row must hold the column names; it is empty."))
    if not sheet.rows:
        raise FileRefused(_("The file has column names but no rows of data."))
    return sheet, digest


def _blank(cells: Iterable) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in cells)


def read_xlsx(data: bytes) -> Sheet:
    import openpyxl

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise FileRefused(
            _("This file is not a spreadsheet: it is not a valid Excel workbook (.xlsx).")
        )
    try:
        # data_only=False: formulas come back as formulas, so they can be refused.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except MALFORMED as error:
        raise FileRefused(
            _("This file is not a spreadsheet that can be read (%(error)s).")
            % {"error": type(error).__name__}
        ) from error
    try:
        if not workbook.worksheets:
            raise FileRefused(_("The workbook has no sheets."))
        worksheet = workbook.worksheets[0]
        sheet = Sheet(headers=[], rows=[])
        for number, cells in enumerate(worksheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            values = []
            for col, cell in enumerate(cells, start=1):
                value = cell.value
                if getattr(cell, "data_type", None) == "f" or (
                    isinstance(value, str) and value.startswith("=")
                ):
                    sheet.formulas.append((number, col, str(value)))
                    value = None
                values.append(value)
            if number == 1:
                sheet.headers = ["" if v is None else str(v).strip() for v in _trim(values)]
                continue
            if _blank(values):
                continue
            if len(sheet.rows) >= MAX_ROWS:
                raise FileRefused(
                    _("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS}
                )
            sheet.rows.append((number, values))
        return sheet
    finally:
        workbook.close()


def _trim(values: list) -> list:
    while values and (values[-1] is None or str(values[-1]).strip() == ""):
        values = values[:-1]
    return values


def read_csv(data: bytes) -> Sheet:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(
            _(
                "The CSV file is in UTF-16 (“Unicode text”). Save it as "
                "“CSV UTF-8 (comma delimited)” and upload it again."
            )
        )
    if b"\x00" in data:
        raise FileRefused(_("This file is not a spreadsheet: it holds binary data, not CSV text."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileRefused(
            _(
                "The CSV file is not UTF-8 text (first bad byte on line %(line)s). "
                "Save it as “CSV UTF-8 (comma delimited)” and upload it again."
            )
            % {"line": line}
        ) from error
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if first_line else ","
    sheet = Sheet(headers=[], rows=[])
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, values in enumerate(reader, start=1):
            cells: list[str | None] = list(values[:MAX_COLUMNS])
            for col, value in enumerate(values[:MAX_COLUMNS], start=1):
                if value.startswith("="):
                    sheet.formulas.append((number, col, value))
                    cells[col - 1] = None
            if number == 1:
                sheet.headers = [str(v or "").strip() for v in _trim(cells)]
                continue
            if _blank(cells):
                continue
            if len(sheet.rows) >= MAX_ROWS:
                raise FileRefused(
                    _("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS}
                )
            sheet.rows.append((number, cells))
    except csv.Error as error:
        raise FileRefused(
            _("This CSV file cannot be read: %(error)s.") % {"error": error}
        ) from error
    return sheet
