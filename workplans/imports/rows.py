"""A preview's parts (issues, changes) and the parsing of one cell."""

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

from ..models import Country, WorkPlan
from .columns import status_vocabulary


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


def text_cell(value, *, column: str, row: int, issues: list, max_length: int | None = None):
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


def whole_number(value, *, column: str, row: int, issues: list) -> int | None:
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


class Context:
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
