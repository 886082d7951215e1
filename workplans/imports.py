"""Spreadsheet imports: itemize a plan (Secretariat) and batch status updates (officials).

Upload → read (size, type, encoding, formulas) → validate every row → preview → confirm →
apply in one transaction through the services, so permissions, transitions, version checks
and the audit trail are those of a single update. A file with any error applies nothing.
"""

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services, transitions
from .models import Country, PriorityArea, Project, StatusChange, WorkPlan
from .permissions import can_update_project

ITEMIZE = "itemize"
STATUS = "status"
KINDS = (ITEMIZE, STATUS)

# Rows one file may hold (a plan has tens of projects): bounds memory and the session.
MAX_ROWS = 2000
# Columns read from a sheet; anything further right is not looked at.
MAX_COLUMNS = 40
MIN_YEAR, MAX_YEAR = 1980, 2100


class FileRefused(Exception):
    """The upload cannot be read as a sheet of rows at all; the message says why."""


class ImportConflict(Exception):
    """Applying a confirmed import failed; nothing was applied. Says which row and why."""


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    required: bool
    help: str
    example: str


def columns(kind: str) -> list[Column]:
    """The columns of each kind of file, in template order."""
    code = Column(
        "code",
        _("Code"),
        True,
        _("The project's code, unique within the plan."),
        "AP-2021-01",
    )
    status = Column(
        "status",
        _("Status"),
        kind == STATUS,
        _("One of: %(statuses)s (the codes %(codes)s are accepted too).")
        % {
            "statuses": ", ".join(str(label) for _v, label in status_choices(kind)),
            "codes": ", ".join(value for value, _l in status_choices(kind)),
        },
        str(Project.Status.COMPLETED.label if kind == STATUS else Project.Status.PLANNED.label),
    )
    note = Column(
        "note",
        _("Note"),
        False,
        _("Recorded with the status change; required for postponed or cancelled."),
        _("Held in Hanoi, 2–6 August 2022.") if kind == STATUS else "",
    )
    if kind == STATUS:
        return [
            code,
            status,
            note,
            Column(
                "evidence",
                _("Evidence"),
                False,
                _("A web address (https://…) of a report or record, optional."),
                "https://example.org/report.pdf",
            ),
        ]
    return [
        code,
        Column(
            "title",
            _("Title"),
            True,
            _("Required for a new project; leave empty to keep an existing title."),
            _("Regional workshop on talent development"),
        ),
        Column(
            "lead_countries",
            _("Lead countries"),
            False,
            _("ISO 3166 codes separated by ; or , (e.g. VN; JP)."),
            "VN; JP",
        ),
        Column(
            "priority_area",
            _("Priority area"),
            False,
            _("The number of one of the plan's priority areas (action lines)."),
            "3",
        ),
        Column(
            "year",
            _("Planned year"),
            False,
            _("A year, e.g. 2023."),
            "2023",
        ),
        status,
        Column(
            "description",
            _("Description"),
            False,
            _("Free text; leave empty to keep an existing description."),
            "",
        ),
        note,
    ]


def status_choices(kind: str) -> list[tuple[str, str]]:
    # Proposals come in through the proposal form, not from a spreadsheet.
    return [(status.value, status.label) for status in transitions.settable()]


def _normalise(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", str(text)).strip().casefold()


def _header_names(kind: str) -> dict[str, str]:
    """Accepted spellings of each column: its code and its English and current labels."""
    names = {}
    for column in columns(kind):
        names[_normalise(column.name)] = column.name
        names[_normalise(column.label)] = column.name
    with translation.override("en"):
        for column in columns(kind):
            names[_normalise(column.label)] = column.name
    aliases = {
        "evidence url": "evidence",
        "evidence link": "evidence",
        "area": "priority_area",
    }
    names.update({k: v for k, v in aliases.items() if v in names.values()})
    return names


def status_vocabulary() -> dict[str, str]:
    """Status codes and labels (English and the current language), case-insensitive."""
    words = {}
    for value, label in Project.Status.choices:
        words[_normalise(value)] = value
        words[_normalise(label)] = value
    with translation.override("en"):
        for value, label in Project.Status.choices:
            words[_normalise(str(label))] = value
    return words


# ---------------------------------------------------------------------------------
# Reading a file into rows.


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
    except Exception as error:  # a malformed workbook raises many kinds of error
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
        for number, cells in enumerate(reader, start=1):
            cells = cells[:MAX_COLUMNS]
            for col, value in enumerate(cells, start=1):
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


# ---------------------------------------------------------------------------------
# Validating rows into a preview.


@dataclass
class Issue:
    row: int
    column: str
    message: str


@dataclass
class Change:
    """What confirming one row will do. Only JSON-safe values: it waits in the session."""

    row: int
    code: str
    action: str  # "create", "update" or "unchanged"
    project_id: int | None = None
    version: int | None = None  # read at preview; confirm passes it as expected_version
    before: dict = field(default_factory=dict)  # details as read at preview
    details: dict = field(default_factory=dict)  # new details: title, year, area_id…
    status: str | None = None  # new status, when it changes
    old_status: str | None = None
    note: str = ""
    evidence: str = ""
    diffs: list = field(default_factory=list)  # [label, old, new] for the preview

    @property
    def changes_status(self) -> bool:
        return self.status is not None


@dataclass
class Preview:
    kind: str
    plan_id: int
    file_name: str
    digest: str
    changes: list[Change] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.issues

    @property
    def problem_rows(self) -> set[int]:
        """Rows with an issue: neither 'unchanged' nor applied, whatever else they hold."""
        return {issue.row for issue in self.issues}

    @property
    def actions(self) -> list[Change]:
        return [c for c in self.changes if c.action != "unchanged"]

    def counts(self) -> dict[str, int]:
        return {
            "create": sum(c.action == "create" for c in self.changes),
            "update": sum(c.action == "update" for c in self.changes),
            # Status changes of existing projects; a creation's first status is audited too.
            "status": sum(c.changes_status and c.action != "create" for c in self.changes),
            "unchanged": sum(
                c.action == "unchanged" and c.row not in self.problem_rows for c in self.changes
            ),
        }

    def to_session(self) -> dict:
        return {
            "kind": self.kind,
            "plan_id": self.plan_id,
            "file_name": self.file_name,
            "digest": self.digest,
            "changes": [asdict(c) for c in self.changes],
        }

    @classmethod
    def from_session(cls, data: dict) -> "Preview":
        return cls(
            kind=data["kind"],
            plan_id=data["plan_id"],
            file_name=data["file_name"],
            digest=data["digest"],
            changes=[Change(**c) for c in data["changes"]],
        )


def _text(value, *, column: str, row: int, issues: list, max_length: int | None = None):
    """A cell as text, or None when empty; wrong types become issues."""
    if value is None:
        return None
    if isinstance(value, bool | datetime | date):
        issues.append(Issue(row, column, _("Expected text, found a date or a yes/no value.")))
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not text:
        return None
    if max_length and len(text) > max_length:
        issues.append(
            Issue(
                row,
                column,
                _("At most %(max)s characters (this has %(length)s).")
                % {"max": max_length, "length": len(text)},
            )
        )
        return None
    return text


def _whole_number(value, *, column: str, row: int, issues: list) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*\d+(\.0+)?\s*", value):
        number = int(float(value))
    else:
        number = None
    if number is None:
        issues.append(
            Issue(
                row,
                column,
                _("“%(value)s” is not a whole number.") % {"value": value},
            )
        )
    return number


class _Context:
    """What validation looks up, read once per file: a constant number of queries."""

    def __init__(self, plan: WorkPlan):
        self.plan = plan
        self.projects = {
            p.code: p
            for p in plan.projects.select_related("priority_area").prefetch_related(
                "lead_countries"
            )
        }
        self.countries = {c.code.upper(): c for c in Country.objects.all()}
        self.areas = {a.number: a for a in plan.areas.all()}
        self.statuses = status_vocabulary()


def build_preview(
    *, kind: str, plan: WorkPlan, sheet: Sheet, file_name: str, digest: str, by
) -> Preview:
    """Validate every row; the preview lists what each would change and every issue."""
    preview = Preview(kind=kind, plan_id=plan.pk, file_name=file_name, digest=digest)
    issues = preview.issues
    names = _header_names(kind)
    expected = columns(kind)
    labels = {c.name: c.label for c in expected}

    positions: dict[str, int] = {}
    for index, header in enumerate(sheet.headers):
        if not header:
            issues.append(
                Issue(
                    1,
                    _("column %(number)s") % {"number": index + 1},
                    _("This column has no name. Remove it or name it."),
                )
            )
            continue
        name = names.get(_normalise(header))
        if name is None:
            issues.append(
                Issue(
                    1,
                    header,
                    _("Unknown column “%(header)s”. The columns are: %(expected)s.")
                    % {
                        "header": header,
                        "expected": ", ".join(c.name for c in expected),
                    },
                )
            )
        elif name in positions:
            issues.append(Issue(1, header, _("This column appears twice.")))
        else:
            positions[name] = index
    for column in expected:
        if column.required and column.name not in positions:
            issues.append(
                Issue(
                    1,
                    column.name,
                    _("Missing column “%(name)s”.") % {"name": column.name},
                )
            )
    for row, col, text in sheet.formulas:
        header = sheet.headers[col - 1] if col <= len(sheet.headers) else str(col)
        issues.append(
            Issue(
                row,
                header or str(col),
                _("This cell holds a formula (%(formula)s). Type the value itself.")
                % {"formula": text[:40]},
            )
        )
    if any(issue.row == 1 for issue in issues):
        return preview  # the rows cannot be read without their columns

    context = _Context(plan)
    seen: dict[str, int] = {}
    for number, cells in sheet.rows:
        cell = {name: (cells[i] if i < len(cells) else None) for name, i in positions.items()}
        change = _validate_row(kind, number, cell, context, by, issues, labels)
        if change is None:
            continue
        if change.code in seen:
            issues.append(
                Issue(
                    number,
                    "code",
                    _("%(code)s appears twice: row %(first)s already has it.")
                    % {"code": change.code, "first": seen[change.code]},
                )
            )
            continue
        seen[change.code] = number
        preview.changes.append(change)
    return preview


def _validate_row(kind, number, cell, context: _Context, by, issues, labels) -> Change | None:
    count = len(issues)
    code = _text(cell.get("code"), column="code", row=number, issues=issues, max_length=30)
    if code is None and len(issues) == count:
        issues.append(Issue(number, "code", _("The code is missing.")))
    project = context.projects.get(code) if code else None

    status = None
    raw_status = _text(cell.get("status"), column="status", row=number, issues=issues)
    if raw_status is not None:
        status = context.statuses.get(_normalise(raw_status))
        if status is None or status == Project.Status.PROPOSED:
            issues.append(
                Issue(
                    number,
                    "status",
                    _("“%(value)s” is not a status here. Use one of: %(allowed)s.")
                    % {
                        "value": raw_status,
                        "allowed": ", ".join(str(label) for _v, label in status_choices(kind)),
                    },
                )
            )
            status = None
    elif kind == STATUS:
        issues.append(Issue(number, "status", _("The new status is missing.")))
    note = _text(cell.get("note"), column="note", row=number, issues=issues) or ""
    evidence = ""
    if kind == STATUS:
        evidence = (
            _text(
                cell.get("evidence"),
                column="evidence",
                row=number,
                issues=issues,
                max_length=500,
            )
            or ""
        )
        if evidence:
            try:
                URLValidator()(evidence)
            except ValidationError:
                issues.append(
                    Issue(
                        number,
                        "evidence",
                        _("The evidence is not a valid web address."),
                    )
                )

    if code is None:
        return None
    if kind == STATUS and project is None:
        issues.append(
            Issue(
                number,
                "code",
                _("No project %(code)s in %(plan)s.") % {"code": code, "plan": context.plan},
            )
        )
        return None

    if kind == ITEMIZE:
        change = _itemize_row(number, code, cell, project, context, issues)
    else:
        change = Change(row=number, code=code, action="unchanged")
    if project is not None:
        change.project_id, change.version = project.pk, project.version
        change.old_status = project.status
        if not can_update_project(by, project):
            issues.append(
                Issue(
                    number,
                    "code",
                    _("You may not change %(code)s: your country does not lead it.")
                    % {"code": code},
                )
            )
            return change

    if status is not None and project is not None and status != project.status:
        try:
            transitions.check(project=project, status=status, by=by, note=note)
        except ValidationError as error:
            issues.append(Issue(number, "status", " ".join(error.messages)))
        else:
            change.status = status
            change.diffs.append(
                [
                    str(labels["status"]),
                    str(project.get_status_display()),
                    str(Project.Status(status).label),
                ]
            )
    elif project is None and change.action == "create" and (status or not raw_status):
        change.status = status or Project.Status.PLANNED  # the default for a new project
        if not note and (error := transitions.note_error(change.status)):
            issues.append(Issue(number, "note", error.message))
        change.diffs.append([str(labels["status"]), "", str(Project.Status(change.status).label)])
    change.note, change.evidence = note, evidence
    if change.action == "unchanged" and (change.status or change.details):
        change.action = "update"
    return change


def _itemize_row(number, code, cell, project, context: _Context, issues) -> Change:
    """The details of a row to itemize: what is new, and what it replaces."""
    title = _text(cell.get("title"), column="title", row=number, issues=issues, max_length=400)
    description = _text(cell.get("description"), column="description", row=number, issues=issues)
    year = _whole_number(cell.get("year"), column="year", row=number, issues=issues)
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        issues.append(
            Issue(
                number,
                "year",
                _("%(year)s is not a plausible year.") % {"year": year},
            )
        )
        year = None
    area_number = _whole_number(
        cell.get("priority_area"), column="priority_area", row=number, issues=issues
    )
    area = None
    if area_number is not None:
        area = context.areas.get(area_number)
        if area is None:
            issues.append(
                Issue(
                    number,
                    "priority_area",
                    _("%(plan)s has no priority area %(number)s (it has: %(numbers)s).")
                    % {
                        "plan": context.plan,
                        "number": area_number,
                        "numbers": ", ".join(str(n) for n in context.areas) or "—",
                    },
                )
            )
    countries = None
    raw_countries = _text(
        cell.get("lead_countries"), column="lead_countries", row=number, issues=issues
    )
    if raw_countries is not None:
        codes = [c.strip().upper() for c in re.split(r"[;,]", raw_countries) if c.strip()]
        unknown = [c for c in codes if c not in context.countries]
        if unknown:
            issues.append(
                Issue(
                    number,
                    "lead_countries",
                    _("Unknown country code: %(codes)s. Use ISO 3166 codes such as VN or JP.")
                    % {"codes": ", ".join(unknown)},
                )
            )
        else:
            countries = sorted(set(codes))

    change = Change(row=number, code=code, action="create" if project is None else "unchanged")
    details: dict = {}
    if project is None:
        if title is None and not any(i.row == number and i.column == "title" for i in issues):
            issues.append(Issue(number, "title", _("A new project needs a title.")))
        details = {
            "title": title or "",
            "description": description or "",
            "year": year,
            "priority_area_id": area.pk if area else None,
            "lead_countries": countries or [],
        }
        change.details = details
        change.diffs = [
            [_("Title"), "", title or ""],
            [_("Lead countries"), "", "; ".join(countries or [])],
            [_("Priority area"), "", str(area_number) if area else ""],
            [_("Planned year"), "", str(year) if year else ""],
        ]
        return change

    current_countries = sorted(c.code for c in project.lead_countries.all())
    change.before = {
        "title": project.title,
        "description": project.description,
        "year": project.year,
        "priority_area_id": project.priority_area_id,
        "lead_countries": current_countries,
    }
    candidates = [
        ("title", _("Title"), title, project.title),
        ("description", _("Description"), description, project.description),
        ("year", _("Planned year"), year, project.year),
        (
            "priority_area_id",
            _("Priority area"),
            area.pk if area else None,
            project.priority_area_id,
        ),
        ("lead_countries", _("Lead countries"), countries, current_countries),
    ]
    for name, label, new, old in candidates:
        # An empty cell keeps what the project has.
        if new is None or new == old:
            continue
        details[name] = new
        if name == "priority_area_id":
            shown_old = str(project.priority_area.number) if project.priority_area else ""
            shown_new = str(area_number)
        elif name == "lead_countries":
            shown_old, shown_new = "; ".join(old), "; ".join(new)
        else:
            shown_old, shown_new = "" if old is None else str(old), str(new)
        change.diffs.append([str(label), shown_old, shown_new])
    change.details = details
    return change


# ---------------------------------------------------------------------------------
# Applying a confirmed preview.


def _describe(change: Change, message: str) -> str:
    return _("Row %(row)s (%(code)s): %(message)s") % {
        "row": change.row,
        "code": change.code,
        "message": message,
    }


def apply(preview: Preview, *, by) -> dict[str, int]:
    """Apply every change in one transaction through the services; all or nothing."""
    plan = WorkPlan.objects.filter(pk=preview.plan_id).first()
    if plan is None:
        raise ImportConflict(_("The plan no longer exists."))
    try:
        with transaction.atomic():
            ids = [c.project_id for c in preview.changes if c.project_id]
            current = {
                p.pk: p
                for p in Project.objects.select_for_update()
                .filter(pk__in=ids)
                .prefetch_related("lead_countries")
            }
            countries = {c.code: c for c in Country.objects.all()}
            areas = {a.pk: a for a in PriorityArea.objects.filter(plan=plan)}
            for change in preview.actions:
                _apply_change(change, plan, current, countries, areas, by)
    except ImportConflict:
        raise
    except services.StaleVersionError as error:
        raise ImportConflict(str(error)) from error
    except (PermissionDenied, ValidationError, DatabaseError) as error:
        message = " ".join(getattr(error, "messages", [str(error)]))
        raise ImportConflict(message) from error
    return preview.counts()


def _apply_change(change: Change, plan, current, countries, areas, by) -> None:
    details = dict(change.details)
    if "lead_countries" in details:
        details["lead_countries"] = [countries[code] for code in details["lead_countries"]]
    if "priority_area_id" in details:
        area_id = details.pop("priority_area_id")
        details["priority_area"] = areas.get(area_id) if area_id else None

    try:
        if change.action == "create":
            services.project_create(
                plan=plan,
                code=change.code,
                status=change.status,
                by=by,
                note=change.note,
                channel=StatusChange.Channel.IMPORT,
                **details,
            )
            return
        project = current.get(change.project_id)
        if project is None:
            raise ImportConflict(_describe(change, _("the project no longer exists.")))
        if project.version != change.version or _details(project) != {
            **_details(project),
            **change.before,
        }:
            raise ImportConflict(
                _describe(
                    change,
                    _("the project was changed since the preview. Upload the file again."),
                )
            )
        if details:
            services.project_update_details(
                project=project, by=by, expected_version=change.version, **details
            )
        if change.status:
            services.project_set_status(
                project=project,
                status=change.status,
                by=by,
                expected_version=change.version,
                note=change.note,
                evidence_url=change.evidence,
                channel=StatusChange.Channel.IMPORT,
            )
    except services.StaleVersionError as error:
        raise ImportConflict(_describe(change, str(error))) from error
    except (PermissionDenied, ValidationError) as error:
        message = " ".join(getattr(error, "messages", [str(error)]))
        raise ImportConflict(_describe(change, message)) from error


def _details(project: Project) -> dict:
    return {
        "title": project.title,
        "description": project.description,
        "year": project.year,
        "priority_area_id": project.priority_area_id,
        "lead_countries": sorted(c.code for c in project.lead_countries.all()),
    }


HELP_TEXT = {
    ITEMIZE: gettext_lazy(
        "Create or update the projects of a plan. Existing projects are matched by "
        "code; an empty cell keeps what the project has."
    ),
    STATUS: gettext_lazy(
        "Update the status of projects your country leads: project code, new status, "
        "a note and a link to evidence."
    ),
}
