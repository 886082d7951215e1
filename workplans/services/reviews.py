"""Review of officials' updates, where a body turns it on: submit, approve, return.

`status_update` is the one entry for a status change made by a person (web form, import):
applied at once, or submitted for review. Each step leaves an audit row on the project.
`status_update_many` is the same for a batch (an import): the same checks, row by row, and
a constant number of queries whatever the number of rows.
"""

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import transitions
from ..models import Meeting, Project, ReportingRound, StatusChange, StatusSubmission
from ..permissions import can_review, needs_review
from ..rounds import open_round_of
from .projects import (
    ChangeRefused,
    SetChecks,
    StaleVersionError,
    StatusRequest,
    _apply_change,
    _apply_changes,
    _audit,
    _audit_record,
    _current,
    check_change,
    one_of_a_batch,
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
    request = StatusRequest(project, status, expected_version, note, evidence_url)
    with one_of_a_batch():
        return status_update_many([request], by=by, channel=channel, meeting=meeting)[0]


@transaction.atomic
def status_update_many(
    requests: Sequence[StatusRequest],
    *,
    by: User,
    channel: str = StatusChange.Channel.WEB,
    meeting: Meeting | None = None,
) -> list[StatusChange | StatusSubmission]:
    """status_update for a batch, all or nothing: each change is checked as it would be
    alone, in order (the first refused raises ChangeRefused and nothing is written), then
    those applied at once are written together, and those submitted for review together."""
    reviewed = status_update_checks(requests, by=by, meeting=meeting)
    applied = _apply_changes(
        [r for r, review in zip(requests, reviewed, strict=True) if not review],
        by=by,
        channel=channel,
        meeting=meeting,
    )
    submitted = _submit_checked(
        [(i, r) for i, (r, review) in enumerate(zip(requests, reviewed, strict=True)) if review],
        by=by,
        channel=channel,
    )
    results: list[StatusChange | StatusSubmission] = []
    applied_left, submitted_left = iter(applied), iter(submitted)
    for review in reviewed:
        results.append(next(submitted_left) if review else next(applied_left))
    return results


def status_update_checks(
    requests: Sequence[StatusRequest], *, by: User, meeting: Meeting | None = None
) -> list[bool]:
    """Check each change of a batch as status_update would, in order, writing nothing: the
    first refused raises ChangeRefused. For each, whether it is submitted for review."""
    reviewed = [needs_review(by, r.project) for r in requests]
    set_checks = SetChecks(by, meeting)
    submit_checks = SubmitChecks(
        by, [r for r, review in zip(requests, reviewed, strict=True) if review]
    )
    for index, (request, review) in enumerate(zip(requests, reviewed, strict=True)):
        (submit_checks if review else set_checks)(index, request)
    return reviewed


def pending_error(project: Project) -> ValidationError:
    return ValidationError(
        _("A change of %(code)s is already waiting for review.") % {"code": project.code},
        code="pending",
    )


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
    request = StatusRequest(project, status, expected_version, note, evidence_url)
    with one_of_a_batch():
        return status_submit_many([request], by=by, channel=channel)[0]


@transaction.atomic
def status_submit_many(
    requests: Sequence[StatusRequest],
    *,
    by: User,
    channel: str = StatusChange.Channel.WEB,
) -> list[StatusSubmission]:
    """status_submit for a batch, all or nothing, like project_set_statuses."""
    check = SubmitChecks(by, requests)
    for index, request in enumerate(requests):
        check(index, request)
    return _submit_checked(list(enumerate(requests)), by=by, channel=channel)


class SubmitChecks:
    """The checks of a change submitted for review, in a batch's order: check_change, and no
    change of the project already waiting. Made with the batch's submissions (one query)."""

    def __init__(self, by: User, requests: Sequence[StatusRequest]):
        self.by = by
        self.pending = (
            set(
                StatusSubmission.objects.filter(
                    project__in=[r.project.pk for r in requests],
                    state=StatusSubmission.State.PENDING,
                ).values_list("project_id", flat=True)
            )
            if requests
            else set()
        )

    def __call__(self, index: int, request: StatusRequest) -> None:
        project = request.project
        try:
            check_change(
                project,
                request.status,
                self.by,
                request.expected_version,
                request.note,
                request.evidence_url,
            )
            if project.pk in self.pending:
                raise pending_error(project)
        except (PermissionDenied, ValidationError, StaleVersionError) as error:
            raise ChangeRefused(index, error) from error


def _submit_checked(
    indexed: list[tuple[int, StatusRequest]], *, by: User, channel: str
) -> list[StatusSubmission]:
    """Write checked submissions (each with its index in the batch) and their audit rows:
    a constant number of queries. Call it inside a transaction."""
    if not indexed:
        return []
    pks = [request.project.pk for _i, request in indexed]
    answered: dict[int, StatusSubmission] = {}
    for returned in StatusSubmission.objects.filter(
        project__in=pks, state=StatusSubmission.State.RETURNED, answered_by=None
    ).order_by("-submitted_at", "-pk"):
        answered.setdefault(returned.project_id, returned)  # the latest returned
    rounds: dict[int, ReportingRound | None] = {}
    for _i, request in indexed:
        body = request.project.plan.body_id
        if body not in rounds:
            rounds[body] = open_round_of(request.project)
    submissions = [
        StatusSubmission(
            project=request.project,
            status=request.status,
            note=request.note.strip(),
            evidence_url=request.evidence_url,
            base_version=request.expected_version,
            round=rounds[request.project.plan.body_id],
            answers=answered.get(request.project.pk),
            submitted_by=by,
        )
        for _i, request in indexed
    ]
    try:
        with transaction.atomic():  # the constraint: one pending submission per project
            StatusSubmission.objects.bulk_create(submissions)
    except IntegrityError as error:
        # Another submission came in since the check: the first of the batch it concerns.
        pending = set(
            StatusSubmission.objects.filter(
                project__in=pks, state=StatusSubmission.State.PENDING
            ).values_list("project_id", flat=True)
        )
        index, request = next(((i, r) for i, r in indexed if r.project.pk in pending), indexed[0])
        raise ChangeRefused(index, pending_error(request.project)) from error
    StatusChange.objects.bulk_create(
        [
            _audit_record(
                request.project,
                StatusChange.Action.SUBMITTED,
                by=by,
                channel=channel,
                from_status=request.project.status,
                note=request.note,
                evidence_url=request.evidence_url,
                values={"status": request.status, "submission": submission.pk},
            )
            for (_i, request), submission in zip(indexed, submissions, strict=True)
        ]
    )
    return submissions


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
