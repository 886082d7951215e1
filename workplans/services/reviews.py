"""Review of officials' updates, where a body turns it on: submit, approve, return.

`status_update` is the one entry for a status change made by a person (web form, import):
applied at once, or submitted for review. Each step leaves an audit row on the project.
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import transitions
from ..models import Meeting, Project, StatusChange, StatusSubmission
from ..permissions import can_review, needs_review
from ..rounds import open_round_of
from .projects import (
    StaleVersionError,
    _apply_change,
    _audit,
    _current,
    check_change,
    project_set_status,
)


def status_update(
    *,
    project: Project,
    status: str,
    by: User,
    expected_version: int,
    note: str = "",
    evidence_url: str = "",
    channel: str = StatusChange.Channel.WEB,
    meeting: Meeting | None = None,
) -> StatusChange | StatusSubmission:
    """Apply the change, or, where the project's body reviews updates, submit it."""
    if needs_review(by, project):
        return status_submit(
            project=project,
            status=status,
            by=by,
            expected_version=expected_version,
            note=note,
            evidence_url=evidence_url,
            channel=channel,
        )
    return project_set_status(
        project=project,
        status=status,
        by=by,
        expected_version=expected_version,
        note=note,
        evidence_url=evidence_url,
        channel=channel,
        meeting=meeting,
    )


def pending_error(project: Project) -> ValidationError:
    return ValidationError(
        _("A change of %(code)s is already waiting for review.") % {"code": project.code},
        code="pending",
    )


@transaction.atomic
def status_submit(
    *,
    project: Project,
    status: str,
    by: User,
    expected_version: int,
    note: str = "",
    evidence_url: str = "",
    channel: str = StatusChange.Channel.WEB,
) -> StatusSubmission:
    """Submit a status change for review: checked as a change is, applied only once approved."""
    check_change(project, status, by, expected_version, note, evidence_url)
    if project.submissions.filter(state=StatusSubmission.State.PENDING).exists():
        raise pending_error(project)
    answered = project.submissions.filter(
        state=StatusSubmission.State.RETURNED, answered_by=None
    ).first()
    try:
        with transaction.atomic():  # the constraint: one pending submission per project
            submission = StatusSubmission.objects.create(
                project=project,
                status=status,
                note=note.strip(),
                evidence_url=evidence_url,
                base_version=expected_version,
                round=open_round_of(project),
                answers=answered,
                submitted_by=by,
            )
    except IntegrityError as error:
        raise pending_error(project) from error
    _audit(
        project,
        StatusChange.Action.SUBMITTED,
        by=by,
        channel=channel,
        from_status=project.status,
        note=note,
        evidence_url=evidence_url,
        values={"status": status, "submission": submission.pk},
    )
    return submission


def _decide(submission: StatusSubmission, by: User, state: str) -> StatusSubmission:
    """Compare-and-set the decision: of two reviewers deciding at once, one wins."""
    if not can_review(by):
        raise PermissionDenied(_("Only the Secretariat reviews submitted changes."))
    decided = StatusSubmission.objects.filter(
        pk=submission.pk, state=StatusSubmission.State.PENDING
    ).update(state=state, decided_by=by, decided_at=timezone.now())
    if not decided:
        raise ValidationError(
            _("This change was already decided: reload the review queue."), code="decided"
        )
    return StatusSubmission.objects.select_related("project", "round", "submitted_by").get(
        pk=submission.pk
    )


@transaction.atomic
def submission_approve(*, submission: StatusSubmission, by: User) -> StatusChange:
    """Apply a submitted change: refused if the project changed since it was submitted."""
    stored = _decide(submission, by, StatusSubmission.State.APPROVED)
    if stored.round and not stored.round.is_open:
        raise ValidationError(
            _(
                "The reporting round of %(meeting)s is closed: reopen it to approve this "
                "change, or return the change."
            )
            % {"meeting": stored.round.meeting},
            code="round_closed",
        )
    project = stored.project
    if project.version != stored.base_version:
        raise StaleVersionError(_current(project))
    transitions.check(project=project, status=stored.status, by=by, note=stored.note)
    return _apply_change(
        project=project,
        status=stored.status,
        by=by,
        expected_version=stored.base_version,
        note=stored.note,
        evidence_url=stored.evidence_url,
        channel=StatusChange.Channel.WEB,
        audit_values={
            "submission": stored.pk,
            "submitted_by": stored.submitted_by.get_username(),
        },
    )


@transaction.atomic
def submission_return(*, submission: StatusSubmission, by: User, comment: str) -> StatusSubmission:
    """Send a change back to the official with a comment; nothing is applied."""
    if not comment.strip():
        raise ValidationError(
            _("Say what the official should change: the comment is required."),
            code="comment_required",
        )
    stored = _decide(submission, by, StatusSubmission.State.RETURNED)
    stored.comment = comment.strip()
    stored.save(update_fields=["comment"])
    _audit(
        stored.project,
        StatusChange.Action.RETURNED,
        by=by,
        channel=StatusChange.Channel.WEB,
        from_status=stored.project.status,
        note=stored.comment,
        values={"status": stored.status, "submission": stored.pk},
    )
    return stored
