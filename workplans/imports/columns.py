"""What an import reads: its kinds, columns, status words, limits and help."""

import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import transitions
from ..errors import TrackerError
from ..models import Project

ITEMIZE = "itemize"
STATUS = "status"
KINDS = (ITEMIZE, STATUS)

# Rows one file may hold (a plan has tens of projects): bounds memory and the session.
MAX_ROWS = 2000
# Columns read from a sheet; anything further right is not looked at.
MAX_COLUMNS = 40
MIN_YEAR, MAX_YEAR = 1980, 2100


class FileRefused(TrackerError):
    """The upload cannot be read as a sheet of rows at all; the message says why."""


class ImportConflict(TrackerError):
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
    return [(status.value, str(status.label)) for status in transitions.settable()]


def normalise(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", str(text)).strip().casefold()


def header_names(kind: str) -> dict[str, str]:
    """Accepted spellings of each column: its code and its English and current labels."""
    names = {}
    for column in columns(kind):
        names[normalise(column.name)] = column.name
        names[normalise(column.label)] = column.name
    with translation.override("en"):
        for column in columns(kind):
            names[normalise(column.label)] = column.name
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
        words[normalise(value)] = value
        words[normalise(str(label))] = value
    with translation.override("en"):
        for value, label in Project.Status.choices:
            words[normalise(str(label))] = value
    return words


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
