"""Validating every row of a sheet into a preview: nothing is written here."""

import re
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from .. import transitions
from ..models import Project, WorkPlan
from ..permissions import can_update_project
from .columns import (
    ITEMIZE,
    MAX_YEAR,
    MIN_YEAR,
    STATUS,
    columns,
    header_names,
    normalise,
    status_choices,
)
from .readers import Sheet
from .rows import Change, Context, Issue, Preview, concrete_user, text_cell, whole_number


@dataclass(frozen=True)
class Row:
    """The cells every kind of import reads, once read and checked."""

    number: int
    code: str | None
    project: Project | None
    status: str | None
    raw_status: str | None
    note: str


def build_preview(
    *, kind: str, plan: WorkPlan, sheet: Sheet, file_name: str, digest: str, by: User
) -> Preview:
    """Validate every row; the preview lists what each would change and every issue."""
    preview = Preview(kind=kind, plan_id=plan.pk, file_name=file_name, digest=digest)
    issues = preview.issues
    names = header_names(kind)
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
        name = names.get(normalise(header))
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

    by = concrete_user(by)
    context = Context(plan, kind, by)
    validate_row = VALIDATORS[kind]
    seen: dict[str, int] = {}
    for number, cells in sheet.rows:
        cell = {name: (cells[i] if i < len(cells) else None) for name, i in positions.items()}
        change = validate_row(number, cell, context, by, issues, labels)
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


def _read_row(kind: str, number: int, cell: dict, context: Context, issues: list[Issue]) -> Row:
    """The cells both kinds share: the code, the status and its note."""
    count = len(issues)
    code = text_cell(cell.get("code"), column="code", row=number, issues=issues, max_length=30)
    if code is None and len(issues) == count:
        issues.append(Issue(number, "code", _("The code is missing.")))
    status = None
    raw_status = text_cell(cell.get("status"), column="status", row=number, issues=issues)
    if raw_status is not None:
        status = context.statuses.get(normalise(raw_status))
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
    elif kind == STATUS:  # the one kind whose status column is required
        issues.append(Issue(number, "status", _("The new status is missing.")))
    note = text_cell(cell.get("note"), column="note", row=number, issues=issues) or ""
    project = context.projects.get(code) if code else None
    return Row(number, code, project, status, raw_status, note)


def _status_row(number, cell, context: Context, by: User, issues, labels) -> Change | None:
    """A batch status update: an existing project, its new status, a note and evidence."""
    row = _read_row(STATUS, number, cell, context, issues)
    evidence = (
        text_cell(
            cell.get("evidence"), column="evidence", row=number, issues=issues, max_length=500
        )
        or ""
    )
    if evidence:
        try:
            URLValidator()(evidence)
        except ValidationError:
            issues.append(Issue(number, "evidence", _("The evidence is not a valid web address.")))
    if row.code is None:
        return None
    if row.project is None:
        issues.append(
            Issue(
                number,
                "code",
                _("No project %(code)s in %(plan)s.") % {"code": row.code, "plan": context.plan},
            )
        )
        return None
    change = Change(row=number, code=row.code, action="unchanged", evidence=evidence)
    return _settle_status(change, row, context, by, issues, labels)


def _itemize_row(number, cell, context: Context, by: User, issues, labels) -> Change | None:
    """A row of a plan's projects: a new project, or new details for an existing one."""
    row = _read_row(ITEMIZE, number, cell, context, issues)
    if row.code is None:
        return None
    change = _itemize_details(number, row.code, cell, row.project, context, issues)
    return _settle_status(change, row, context, by, issues, labels)


# One validator per kind of import.
VALIDATORS = {STATUS: _status_row, ITEMIZE: _itemize_row}


def _settle_status(change: Change, row: Row, context: Context, by: User, issues, labels) -> Change:
    """Who may change the project, and whether its new status is a transition they may make."""
    project, status, note, number = row.project, row.status, row.note, row.number
    if project is not None:
        change.project_id, change.version = project.pk, project.version
        change.old_status = project.status
        if not can_update_project(by, project):
            issues.append(
                Issue(
                    number,
                    "code",
                    _("You may not change %(code)s: your country does not lead it.")
                    % {"code": row.code},
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
                    context.status_labels[project.status],
                    context.status_labels[status],
                ]
            )
    elif project is None and change.action == "create" and (status or not row.raw_status):
        change.status = status or Project.Status.PLANNED  # the default for a new project
        if not note and (missing := transitions.note_error(change.status)):
            issues.append(Issue(number, "note", " ".join(missing.messages)))
        change.diffs.append([str(labels["status"]), "", context.status_labels[change.status]])
    change.note = note
    if change.action == "unchanged" and (change.status or change.details):
        change.action = "update"
    return change


def _itemize_details(number, code, cell, project, context: Context, issues) -> Change:
    """The details of a row to itemize: what is new, and what it replaces."""
    title = text_cell(cell.get("title"), column="title", row=number, issues=issues, max_length=400)
    description = text_cell(
        cell.get("description"), column="description", row=number, issues=issues
    )
    year = whole_number(cell.get("year"), column="year", row=number, issues=issues)
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        issues.append(
            Issue(
                number,
                "year",
                _("%(year)s is not a plausible year.") % {"year": year},
            )
        )
        year = None
    area_number = whole_number(
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
    raw_countries = text_cell(
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
