"""Which statuses a user may set on a project, and what each requires: asked by every channel.

The status service, the status form, the import's validation and the project page all ask
these functions; none repeats a rule. Whether the user may update the project at all (its
lead countries) is permissions.can_update_project's question, asked before these.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Project
from .permissions import AnyUser, can_update_any
from .statuses import CLOSED, NOTE_REQUIRED, ProjectStatus

S = ProjectStatus

# The form field a transition error belongs on, by its code (the others are about the status).
ERROR_FIELDS = {"note_required": "note"}


@dataclass(frozen=True)
class Option:
    """A status the user may set, and whether setting it needs a note."""

    status: ProjectStatus
    note_required: bool

    @property
    def label(self) -> str:
        return str(self.status.label)


def closed_to(project: Project, by: AnyUser) -> bool:
    """A completed or cancelled project only the Secretariat may reopen, and `by` is not it."""
    return project.status in CLOSED and not can_update_any(by)


def options(project: Project, by: AnyUser) -> list[Option]:
    """The statuses `by` may move `project` to. Proposals are adopted or declined instead."""
    if project.status == S.PROPOSED or closed_to(project, by):
        return []
    return [
        Option(status, status in NOTE_REQUIRED)
        for status in S
        if status not in (S.PROPOSED, project.status)
    ]


def settable() -> list[ProjectStatus]:
    """Every status a change or an import may name: all but proposed."""
    return [status for status in S if status != S.PROPOSED]


def note_error(status: str) -> ValidationError | None:
    """The error for setting `status` without a note, if it needs one."""
    if status not in NOTE_REQUIRED:
        return None
    return ValidationError(
        _("A note is required when a project is %(status)s.") % {"status": S(status).label.lower()},
        code="note_required",
    )


def check(*, project: Project, status: str, by: User, note: str) -> None:
    """Raise ValidationError when moving `project` to `status` is not allowed for `by`."""
    if status not in S.values:
        raise ValidationError(
            _("“%(status)s” is not a status. Use one of: %(allowed)s.")
            % {"status": status, "allowed": ", ".join(S.values)},
            code="unknown_status",
        )
    if status == project.status:
        raise ValidationError(
            _("The project is already “%(status)s”.") % {"status": project.get_status_display()},
            code="unchanged",
        )
    if S.PROPOSED in (status, project.status):
        raise ValidationError(
            _("Proposals are adopted or declined by the Secretariat, not set by a status change."),
            code="proposal",
        )
    if closed_to(project, by):
        if project.status == S.COMPLETED:
            message = _("Only the Secretariat may move a completed project back.")
        else:
            # Else a declined proposal (cancelled) could be made planned, and counted, unadopted.
            message = _("Only the Secretariat may reopen a cancelled project.")
        raise ValidationError(message, code="reopen")
    if not note.strip() and (error := note_error(status)):
        raise error
