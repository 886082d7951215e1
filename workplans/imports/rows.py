"""A preview's parts (issues, changes) and the parsing of one cell."""

import re
from dataclasses import MISSING, dataclass, field, fields
from datetime import date, datetime
from typing import cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from ..models import Country, Project, WorkPlan
from ..permissions import can_update_any
from .columns import ITEMIZE, status_vocabulary


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

    def transitions(self) -> list[tuple[str, str, int]]:
        """The status changes by kind, in the file's order: (from, to, rows) — the summary
        a long file is confirmed by. From is empty for a project to create."""
        counts: dict[tuple[str, str], int] = {}
        problems = self.problem_rows
        for change in self.changes:
            if change.status and change.row not in problems:
                key = (change.old_status or "", change.status)
                counts[key] = counts.get(key, 0) + 1
        return [(old, new, count) for (old, new), count in counts.items()]

    @property
    def actions(self) -> list[Change]:
        return [c for c in self.changes if c.action != "unchanged"]

    def counts(self) -> dict[str, int]:
        problems = self.problem_rows
        return {
            "create": sum(c.action == "create" for c in self.changes),
            "update": sum(c.action == "update" for c in self.changes),
            # Status changes of existing projects; a creation's first status is audited too.
            "status": sum(c.changes_status and c.action != "create" for c in self.changes),
            "unchanged": sum(
                c.action == "unchanged" and c.row not in problems for c in self.changes
            ),
        }

    def to_session(self) -> dict:
        """What confirming needs: the rows to apply, without what only the preview shows."""
        return {
            "kind": self.kind,
            "plan_id": self.plan_id,
            "file_name": self.file_name,
            "digest": self.digest,
            "changes": [
                {
                    name: value
                    for name, default in SESSION_FIELDS
                    if (value := getattr(c, name)) != default or default is REQUIRED
                }
                for c in self.changes
            ],
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


REQUIRED = object()
# A change as it waits in the session: every field but its diffs (shown, not applied), and
# each with its default: those equal to it are left out, so 2,000 rows stay small.
SESSION_FIELDS = tuple(
    (
        f.name,
        f.default
        if f.default is not MISSING
        else f.default_factory()
        if f.default_factory is not MISSING
        else REQUIRED,
    )
    for f in fields(Change)
    if f.name != "diffs"
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


def concrete_user(user: User) -> User:
    """The user itself, not request.user's lazy proxy, whose every attribute read costs a
    call: a batch of 2,000 rows reads them tens of thousands of times."""
    if isinstance(user, SimpleLazyObject):
        user.pk  # noqa: B018 — sets the proxy up, if it is not yet
        return cast(User, user._wrapped)
    return user


def projects_to_check(projects: QuerySet[Project], by: User) -> QuerySet[Project]:
    """The projects of a batch, with what checking a change of each by `by` reads: their
    lead countries, unless `by` may update any project (permissions.can_update_project:
    then they are not looked at), so that checking 2,000 rows costs no query each."""
    return projects if can_update_any(by) else projects.prefetch_related("lead_countries")


class Context:
    """What validation looks up, read once per file: a constant number of queries."""

    def __init__(self, plan: WorkPlan, kind: str, by: User):
        self.plan = plan
        projects = plan.projects.all()
        if kind == ITEMIZE:  # its diffs show the areas and lead countries
            projects = projects.select_related("priority_area").prefetch_related("lead_countries")
        self.projects = {p.code: p for p in projects_to_check(projects, by)}
        self.countries = {c.code.upper(): c for c in Country.objects.all()}
        self.areas = {a.number: a for a in plan.areas.all()}
        self.statuses = status_vocabulary()
        # Each status's label in the current language, translated once, not once a row.
        self.status_labels = {value: str(label) for value, label in Project.Status.choices}
