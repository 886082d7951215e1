"""Writes. Every status change goes through project_set_status: web, admin, import and CLI."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Meeting, Project, StatusChange
from .permissions import can_update_any, can_update_project

NOTE_REQUIRED = {Project.Status.POSTPONED, Project.Status.CANCELLED}


class StaleVersionError(Exception):
    """The project changed since the form was read; `current` is the project as it is now."""

    def __init__(self, current: Project):
        self.current = current
        super().__init__(
            _("This project was changed since you opened it: it is now “%(status)s”.")
            % {"status": current.get_status_display()}
        )


def check_transition(*, project: Project, status: str, by, note: str) -> None:
    """Raise ValidationError when moving `project` to `status` is not allowed for `by`."""
    if status not in Project.Status.values:
        raise ValidationError(
            _("“%(status)s” is not a status. Use one of: %(allowed)s.")
            % {"status": status, "allowed": ", ".join(Project.Status.values)},
            code="unknown_status",
        )
    if status == project.status:
        raise ValidationError(
            _("The project is already “%(status)s”.")
            % {"status": project.get_status_display()},
            code="unchanged",
        )
    if Project.Status.PROPOSED in (status, project.status):
        raise ValidationError(
            _(
                "Proposals are adopted or declined by the Secretariat, not set by a status change."
            ),
            code="proposal",
        )
    if project.status == Project.Status.COMPLETED and not can_update_any(by):
        raise ValidationError(
            _("Only the Secretariat may move a completed project back."), code="reopen"
        )
    if status in NOTE_REQUIRED and not note.strip():
        raise ValidationError(
            _("A note is required when a project is %(status)s.")
            % {"status": Project.Status(status).label.lower()},
            code="note_required",
        )


@transaction.atomic
def project_set_status(
    *,
    project: Project,
    status: str,
    by,
    expected_version: int,
    note: str = "",
    evidence_url: str = "",
    channel: str = StatusChange.Channel.WEB,
    meeting: Meeting | None = None,
) -> StatusChange:
    """Check permission and transition, refuse a stale version, save and audit the change."""
    if not can_update_project(by, project):
        raise PermissionDenied(
            _("You may not change the status of %(code)s.") % {"code": project.code}
        )
    if project.version != expected_version:
        raise StaleVersionError(_current(project))
    check_transition(project=project, status=status, by=by, note=note)
    if evidence_url:
        URLValidator(message=_("The evidence link is not a valid web address."))(
            evidence_url
        )

    now = timezone.now()
    # Compare-and-set: of concurrent writers from one version, exactly one updates a row.
    updated = Project.objects.filter(pk=project.pk, version=expected_version).update(
        status=status,
        version=F("version") + 1,
        status_changed_at=now,
        status_changed_by=by,
    )
    if not updated:
        raise StaleVersionError(_current(project))

    from_status = project.status
    project.status, project.version = status, expected_version + 1
    project.status_changed_at, project.status_changed_by = now, by
    return StatusChange.objects.create(
        project=project,
        from_status=from_status,
        to_status=status,
        note=note.strip(),
        evidence_url=evidence_url,
        meeting=meeting,
        changed_by=by,
        channel=channel,
        version=project.version,
    )


def _current(project: Project) -> Project:
    return Project.objects.select_related("status_changed_by").get(pk=project.pk)
