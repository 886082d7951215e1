"""Reads of the reporting round: which projects a round asks for, who has reported, and the
rule that locks a closed round's meeting. Writes are in services/rounds.py."""

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from .models import Country, Meeting, Project, ReportingRound, StatusChange, StatusSubmission
from .statuses import ACTIVE


def open_rounds() -> QuerySet[ReportingRound]:
    return ReportingRound.objects.filter(closed_at=None).select_related("meeting__body")


def open_round_of(project: Project) -> ReportingRound | None:
    """The open round of the project's body, if any (the latest opened)."""
    return open_rounds().filter(meeting__body=project.plan.body_id).first()


def reported(round_: ReportingRound) -> ExpressionWrapper:
    """True for a project reported in the round: a status set or confirmed while it was
    open, or a change submitted then and not returned."""
    window = Q(changed_at__gte=round_.opened_at)
    submitted = Q(submitted_at__gte=round_.opened_at)
    if round_.closed_at:
        window &= Q(changed_at__lt=round_.closed_at)
        submitted &= Q(submitted_at__lt=round_.closed_at)
    changes = StatusChange.objects.filter(
        window, project=OuterRef("pk"), action__in=StatusChange.UPDATES
    )
    submissions = StatusSubmission.objects.filter(submitted, project=OuterRef("pk")).exclude(
        state=StatusSubmission.State.RETURNED
    )
    return ExpressionWrapper(Exists(changes) | Exists(submissions), output_field=BooleanField())


def round_projects(round_: ReportingRound) -> QuerySet[Project]:
    """What the round asks for: the body's projects still active, and those reported in it
    (a project completed in the round stays in it), each with `in_round_reported`."""
    return (
        Project.objects.filter(plan__body=round_.meeting.body_id)
        .annotate(in_round_reported=reported(round_))
        .filter(Q(status__in=ACTIVE) | Q(in_round_reported=True))
    )


def outstanding(round_: ReportingRound, country: Country) -> QuerySet[Project]:
    """The country's projects the round still waits for."""
    projects = round_projects(round_).filter(lead_countries=country)
    return projects.filter(in_round_reported=False)  # type: ignore[misc]  # annotated


@dataclass
class CountryRound:
    """How far one country has reported in a round."""

    country: Country
    total: int
    reported: int
    officials: list[User] = field(default_factory=list)

    @property
    def outstanding(self) -> int:
        return self.total - self.reported

    @property
    def percent(self) -> float:
        return round(100 * self.reported / self.total, 1) if self.total else 100.0


def round_progress(round_: ReportingRound) -> list[CountryRound]:
    """Per lead country: projects asked for and reported, and its officials. Two queries."""
    counts = (
        round_projects(round_)
        .values("lead_countries")
        .annotate(
            total=Count("pk", distinct=True),
            done=Count("pk", filter=Q(in_round_reported=True), distinct=True),
        )
        .filter(lead_countries__isnull=False)
        .order_by()
    )
    by_country = {row["lead_countries"]: row for row in counts}
    countries = Country.objects.filter(pk__in=by_country).prefetch_related("officials__user")
    rows = [
        CountryRound(
            country=country,
            total=by_country[country.pk]["total"],
            reported=by_country[country.pk]["done"],
            officials=[p.user for p in country.officials.all() if p.user.is_active],
        )
        for country in countries
    ]
    return sorted(rows, key=lambda row: (-row.outstanding, str(row.country)))


def locked_meeting_error(meeting: Meeting | None) -> ValidationError | None:
    """A change dated to a meeting whose round is closed is refused until it is reopened."""
    if meeting is None:
        return None
    if ReportingRound.objects.filter(meeting=meeting).exclude(closed_at=None).exists():
        return ValidationError(
            _(
                "The reporting round of %(meeting)s is closed: nothing more is dated to it "
                "unless the Secretariat reopens the round."
            )
            % {"meeting": meeting},
            code="round_closed",
        )
    return None


@dataclass
class RoundDue:
    """On a country's list: an open round, and how many of its projects are still to report."""

    round: ReportingRound
    outstanding: int
    total: int


def returned_to(country: Country) -> QuerySet[StatusSubmission]:
    """Changes of the country's projects returned by the reviewer and not yet answered."""
    return StatusSubmission.objects.filter(
        project__lead_countries=country,
        state=StatusSubmission.State.RETURNED,
        answered_by=None,
    ).select_related("project", "decided_by")
