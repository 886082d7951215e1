"""Writes of the reporting round: open, close and reopen a round (each audited), and an
official's confirmation that a project's status is unchanged."""

from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Meeting, Project, ReportingRound, RoundEvent, StatusChange
from ..permissions import can_run_rounds, can_update_project
from ..statuses import ACTIVE
from .projects import StaleVersionError, _audit, _current


def _require(by: User) -> None:
    if not can_run_rounds(by):
        raise PermissionDenied(_("Only the Secretariat runs reporting rounds."))


@transaction.atomic
def round_open(*, meeting: Meeting, due_on: date, by: User, remind_days: int = 7) -> ReportingRound:
    """Open the round before `meeting`: from now, what its body's projects report counts."""
    _require(by)
    today = timezone.localdate()
    if (meeting.end_date or meeting.start_date) < today:
        raise ValidationError(
            _("%(meeting)s is over: open a round for a coming meeting.") % {"meeting": meeting},
            code="meeting_past",
        )
    if due_on < today:
        raise ValidationError(_("The due date is in the past."), code="due_past")
    if due_on > (meeting.end_date or meeting.start_date):
        raise ValidationError(
            _("The due date falls after the meeting (%(dates)s).") % {"dates": meeting.dates},
            code="due_after_meeting",
        )
    try:
        with transaction.atomic():  # one round per meeting: the database's constraint decides
            round_ = ReportingRound.objects.create(
                meeting=meeting, due_on=due_on, remind_days=remind_days, opened_by=by
            )
    except IntegrityError as error:
        raise ValidationError(
            _("%(meeting)s already has a reporting round.") % {"meeting": meeting},
            code="round_exists",
        ) from error
    RoundEvent.objects.create(round=round_, action=RoundEvent.Action.OPENED, by=by)
    return round_


def _locked(round_: ReportingRound) -> ReportingRound:
    return ReportingRound.objects.select_for_update().select_related("meeting").get(pk=round_.pk)


@transaction.atomic
def round_close(*, round: ReportingRound, by: User) -> ReportingRound:
    """Close the round: what was reported in it is final, and its meeting is locked."""
    _require(by)
    stored = _locked(round)
    if not stored.is_open:
        raise ValidationError(_("This round is already closed."), code="closed")
    stored.closed_at = timezone.now()
    stored.save(update_fields=["closed_at"])
    RoundEvent.objects.create(round=stored, action=RoundEvent.Action.CLOSED, by=by)
    return stored


@transaction.atomic
def round_reopen(*, round: ReportingRound, by: User, reason: str) -> ReportingRound:
    """Reopen a closed round; only with a reason, which the round's history keeps."""
    _require(by)
    if not reason.strip():
        raise ValidationError(_("Say why the round is reopened."), code="reason_required")
    stored = _locked(round)
    if stored.is_open:
        raise ValidationError(_("This round is open."), code="open")
    stored.closed_at = None
    stored.save(update_fields=["closed_at"])
    RoundEvent.objects.create(
        round=stored, action=RoundEvent.Action.REOPENED, by=by, reason=reason.strip()
    )
    return stored


def close_rounds_of(meeting: Meeting, by: User) -> None:
    """The meeting's figures are recorded: its round, if open, closes."""
    round_ = ReportingRound.objects.filter(meeting=meeting, closed_at=None).first()
    if round_ is not None:
        round_close(round=round_, by=by)


@transaction.atomic
def project_confirm(
    *,
    project: Project,
    by: User,
    expected_version: int,
    note: str = "",
    channel: str = StatusChange.Channel.WEB,
) -> StatusChange:
    """Confirm that an active project's status still holds: it counts as reported."""
    if not can_update_project(by, project):
        raise PermissionDenied(
            _("You may not change the status of %(code)s.") % {"code": project.code}
        )
    if project.status not in ACTIVE:
        raise ValidationError(
            _(
                "Only a planned, ongoing or postponed project is confirmed; %(code)s is “%(status)s”."
            )
            % {"code": project.code, "status": project.get_status_display()},
            code="not_active",
        )
    now = timezone.now()
    updated = Project.objects.filter(pk=project.pk, version=expected_version).update(
        version=F("version") + 1, status_changed_at=now, status_changed_by=by
    )
    if not updated:
        raise StaleVersionError(_current(project))
    project.version = expected_version + 1
    project.status_changed_at, project.status_changed_by = now, by
    return _audit(
        project,
        StatusChange.Action.CONFIRMED,
        by=by,
        channel=channel,
        from_status=project.status,
        to_status=project.status,
        note=note,
    )
