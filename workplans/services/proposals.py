"""Proposals: a country proposes an activity; the Secretariat adopts it at a meeting or declines it."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Country, Meeting, Project, StatusChange, WorkPlan
from ..permissions import (
    can_decide_proposals,
    can_record_proposals,
    user_country,
)
from .projects import StaleVersionError, _apply_change, _audit, _current


def _next_proposal_code(plan: WorkPlan) -> str:
    """PROP-01, PROP-02…: a placeholder code the Secretariat may replace on adoption."""
    taken = set(plan.projects.filter(code__startswith="PROP-").values_list("code", flat=True))
    number = 1
    while f"PROP-{number:02}" in taken:
        number += 1
    return f"PROP-{number:02}"


@transaction.atomic
def project_propose(
    *,
    plan: WorkPlan,
    title: str,
    by: User,
    country: Country | None = None,
    description: str = "",
    year: int | None = None,
    note: str = "",
    channel: str = StatusChange.Channel.WEB,
) -> Project:
    """Record a country's proposal of a new activity: proposed, led by it, not yet counted.

    An official proposes for their own country; the Secretariat records a proposal on a
    country's behalf (`country`). The country must be a member of the plan's body.
    """
    if not can_record_proposals(by):
        raise PermissionDenied(_("You may not propose activities."))
    own = user_country(by)
    if country is None:
        country = own
    if country is None:
        raise ValidationError(_("Say which country proposes the activity."), code="no_country")
    if country != own and not can_decide_proposals(by):
        raise PermissionDenied(_("You may propose activities only on behalf of your own country."))
    if not plan.body.members.filter(pk=country.pk).exists():
        raise ValidationError(
            _("%(country)s is not a member of %(body)s, which owns this plan.")
            % {"country": country, "body": plan.body},
            code="not_a_member",
        )
    if year is not None and not (plan.start_year or year) <= year <= plan.end_year:
        raise ValidationError(
            {
                "year": _("The year must fall within the plan, %(period)s.")
                % {"period": plan.period}
            },
            code="year_outside_plan",
        )

    # Proposals to one plan are numbered one at a time: the plan's row is the lock, held
    # until this transaction ends, so simultaneous proposals never pick the same code.
    WorkPlan.objects.select_for_update().filter(pk=plan.pk).exists()
    project = Project(
        plan=plan,
        code=_next_proposal_code(plan),
        title=title.strip(),
        description=description.strip(),
        year=year,
        status=Project.Status.PROPOSED,
        proposed_by=country,
        status_changed_at=timezone.now(),
        status_changed_by=by,
    )
    project.full_clean()
    project.save()
    project.lead_countries.add(country)
    _audit(
        project,
        StatusChange.Action.CREATED,
        by=by,
        channel=channel,
        to_status=Project.Status.PROPOSED,
        note=note,
    )
    return project


def _check_decision(*, project: Project, by: User, expected_version: int) -> None:
    if not can_decide_proposals(by):
        raise PermissionDenied(_("Only the Secretariat adopts or declines proposals."))
    if project.version != expected_version:
        raise StaleVersionError(_current(project))
    if project.status != Project.Status.PROPOSED:
        raise ValidationError(
            _("%(code)s is not a pending proposal: it is “%(status)s”.")
            % {"code": project.code, "status": project.get_status_display()},
            code="not_a_proposal",
        )


@transaction.atomic
def proposal_adopt(
    *,
    project: Project,
    meeting: Meeting,
    by: User,
    expected_version: int,
    note: str = "",
    channel: str = StatusChange.Channel.WEB,
) -> StatusChange:
    """The Secretariat records the meeting that adopted a proposal; it becomes planned."""
    _check_decision(project=project, by=by, expected_version=expected_version)
    if meeting is None:
        raise ValidationError(
            {"meeting": _("Say which meeting adopted the proposal.")},
            code="meeting_required",
        )
    if meeting.body_id != project.plan.body_id:
        raise ValidationError(
            {
                "meeting": _(
                    "%(meeting)s is a meeting of %(other)s; proposals for this plan are "
                    "adopted at meetings of %(body)s."
                )
                % {"meeting": meeting, "other": meeting.body, "body": project.plan.body}
            },
            code="meeting_of_other_body",
        )
    return _apply_change(
        project=project,
        status=Project.Status.PLANNED,
        by=by,
        expected_version=expected_version,
        note=note,
        channel=channel,
        meeting=meeting,
        adopted_at=meeting,
        adopted_on=timezone.now(),
    )


@transaction.atomic
def proposal_decline(
    *,
    project: Project,
    reason: str,
    by: User,
    expected_version: int,
    meeting: Meeting | None = None,
    channel: str = StatusChange.Channel.WEB,
) -> StatusChange:
    """The Secretariat declines a proposal, with a reason; it becomes cancelled."""
    _check_decision(project=project, by=by, expected_version=expected_version)
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Give the reason the proposal is declined.")},
            code="reason_required",
        )
    return _apply_change(
        project=project,
        status=Project.Status.CANCELLED,
        by=by,
        expected_version=expected_version,
        note=reason,
        channel=channel,
        meeting=meeting,
    )
