"""The templates to download and fill in: the columns, the rows one may change, the help.

No example row: an invented code in the data sheet would be imported as a project. The
instructions sheet shows each column's example instead.
"""

import csv
import io

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Country, Project, WorkPlan
from ..permissions import can_update_project
from ..tables.exports import neutralise
from .columns import HELP_TEXT, ITEMIZE, MAX_ROWS, STATUS, Column, columns, status_choices

TITLES = {
    ITEMIZE: gettext_lazy("Itemize a plan"),
    STATUS: gettext_lazy("Batch status update"),
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TEMPLATE_FORMATS = tuple(CONTENT_TYPES)


def template(
    kind: str, fmt: str, *, plan: WorkPlan | None, by: User
) -> tuple[bytes | str, str, str]:
    """The template's content, content type and file name."""
    cols = columns(kind)
    rows = template_rows(kind, plan, by=by)
    stem = "accsm-import-" + ("plan-projects" if kind == ITEMIZE else "status-updates")
    if plan:
        stem += f"-{plan.slug}"
    content = _csv(cols, rows) if fmt == "csv" else _xlsx(kind, plan, cols, rows)
    return content, CONTENT_TYPES[fmt], f"{stem}-template.{fmt}"


def template_rows(kind: str, plan: WorkPlan | None, *, by: User) -> list[list]:
    """Rows to fill in: the plan's projects `by` may change; none without a plan."""
    cols = columns(kind)
    if plan is None:
        return []
    projects = (
        plan.projects.exclude(status=Project.Status.PROPOSED)
        .select_related("priority_area")
        .prefetch_related("lead_countries")
    )
    rows = []
    for project in projects:
        if kind == STATUS and not can_update_project(by, project):
            continue
        values = {
            "code": project.code,
            "title": project.title,
            "lead_countries": project.lead_codes(),
            "priority_area": project.priority_area.number if project.priority_area else "",
            "year": project.year or "",
            "status": str(project.get_status_display()),
            "description": project.description,
        }
        rows.append([values.get(c.name, "") for c in cols])
    return rows


def _csv(cols: list[Column], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.name for c in cols])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return "\ufeff" + buffer.getvalue()


def _xlsx(kind: str, plan: WorkPlan | None, columns: list[Column], rows: list[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Projects") if kind == ITEMIZE else _("Status updates")
    sheet.append([c.name for c in columns])
    for cell in sheet[1]:
        cell.font = bold
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = (
            48
            if column.name
            in (
                "title",
                "description",
                "note",
                "evidence",
            )
            else 16
        )
    statuses = [str(label) for _v, label in status_choices(kind)]
    status_col = [c.name for c in columns].index("status") + 1
    letter = sheet.cell(row=1, column=status_col).column_letter
    # A drop-down list of statuses (data validation, not a formula in any cell).
    validation = DataValidation(
        type="list", formula1='"' + ",".join(statuses) + '"', allow_blank=True
    )
    validation.error = _("Choose one of the statuses in the list.")
    sheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")

    notes = workbook.create_sheet(_("Instructions"))
    notes.append([str(TITLES[kind])])
    notes["A1"].font = Font(bold=True, size=13)
    notes.append([str(HELP_TEXT[kind])])
    notes.append(
        [
            _(
                "Fill in the first sheet, one row per project, and keep its first row "
                "(the column names). Type values, not formulas. Upload it as .xlsx, or "
                "as CSV UTF-8."
            )
        ]
    )
    notes.append([])
    notes.append([_("Column"), _("Required"), _("What to enter"), _("Example")])
    for cell in notes[notes.max_row]:
        cell.font = bold
    for column in columns:
        notes.append(
            [
                column.name,
                _("yes") if column.required else _("no"),
                column.help,
                column.example,
            ]
        )
    notes.append([])
    notes.append([_("Allowed statuses"), _("Code")])
    notes.cell(row=notes.max_row, column=1).font = bold
    for value, label in status_choices(kind):
        notes.append([str(label), value])
    if kind == ITEMIZE:
        notes.append([])
        notes.append([_("Country codes"), _("Country")])
        notes.cell(row=notes.max_row, column=1).font = bold
        for country in Country.objects.all():
            notes.append([country.code, country.name])
    if plan is not None and kind == ITEMIZE:
        notes.append([])
        notes.append([_("Priority areas of %(plan)s") % {"plan": plan}])
        notes.cell(row=notes.max_row, column=1).font = bold
        for area in plan.areas.all():
            notes.append([area.number, area.local_title])
    notes.append([])
    notes.append([_("Template made on %(date)s.") % {"date": timezone.localdate().isoformat()}])
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["C"].width = 70
    notes.column_dimensions["D"].width = 40

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
