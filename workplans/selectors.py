"""Reads for the pages: plans with their figures, grouped by body, in a constant number of queries."""

from dataclasses import dataclass, field
from datetime import timedelta
from itertools import groupby

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Body, Country, Project, StatusReport, WorkPlan
from .progress import Progress
from .querysets import stale_q
from .statuses import COUNTED


class Basis:
    """Where a plan's headline figures come from."""

    LIVE = "live"  # its itemized projects account for the whole latest report, or no report
    REPORT = "report"  # the latest report; fewer projects are itemized than it counted
    REPORT_PLUS = "report_plus"  # the latest report plus the projects adopted since


@dataclass
class PlanProgress:
    """A plan's figures: live (counted from its projects) and/or the latest reported ones."""

    plan: WorkPlan
    live: Progress | None
    reported: Progress | None
    report: StatusReport | None
    pending: int
    added: Progress = field(default_factory=Progress)

    @property
    def basis(self) -> str | None:
        """Live counts take over only once the itemized projects account for the report."""
        if self.reported is None:
            return Basis.LIVE if self.live else None
        if self.live is None:
            return Basis.REPORT
        if self.live.total - self.added.total >= self.reported.total:
            return Basis.LIVE
        return Basis.REPORT_PLUS if self.added.total else Basis.REPORT

    @property
    def figures(self) -> Progress | None:
        """The figures to show first, on the basis above."""
        basis = self.basis
        if basis == Basis.LIVE:
            return self.live
        if basis == Basis.REPORT_PLUS:
            return self.reported + self.added
        return self.reported

    @property
    def itemized_of_report(self) -> int:
        """How many of the reported projects are itemized so far (adopted ones aside)."""
        return self.live.total - self.added.total if self.live else 0

    @property
    def differs(self) -> bool:
        """A fully itemized plan whose live count no longer matches its latest report."""
        return bool(self.basis == Basis.LIVE and self.reported and self.live != self.reported)


@dataclass
class BodyProgress:
    body: Body
    plans: list[PlanProgress] = field(default_factory=list)

    @property
    def total(self) -> Progress:
        return sum((p.figures for p in self.plans if p.figures), Progress())


def plan_progress(plans: QuerySet[WorkPlan]) -> list[PlanProgress]:
    """Figures for every plan of `plans`: one aggregate query, plus one for the reports' sources."""
    rows = list(plans.with_progress())
    reports = StatusReport.objects.select_related("meeting").in_bulk(
        [row.report_pk for row in rows if row.report_pk]
    )
    result = []
    for row in rows:
        live = Progress.from_row(row, "live_")
        result.append(
            PlanProgress(
                plan=row,
                # A plan is itemized when it holds any project besides proposals.
                live=live if row.itemized else None,
                reported=Progress.from_row(row, "report_"),
                report=reports.get(row.report_pk),
                pending=row.pending,
                added=Progress.from_row(row, "added_") or Progress(),
            )
        )
    return result


def dashboard_bodies(plans: QuerySet[WorkPlan] | None = None) -> list[BodyProgress]:
    """Plans with their figures, grouped by body in display order."""
    plans = plans if plans is not None else WorkPlan.objects.all()
    progress = plan_progress(plans.order_by("body__position", "body__short_name", "-start_year"))
    return [
        BodyProgress(body=body, plans=list(items))
        for body, items in groupby(progress, key=lambda p: p.plan.body)
    ]


def pending_proposals() -> QuerySet[Project]:
    return (
        Project.objects.proposals()
        .select_related("plan", "proposed_by")
        .prefetch_related("lead_countries")
        .order_by("plan__start_year", "code")
    )


def plan_projects(plan: WorkPlan) -> QuerySet[Project]:
    return (
        plan.projects.exclude(status=Project.Status.PROPOSED)
        .select_related("priority_area")
        .prefetch_related(Prefetch("lead_countries"))
    )


def stale_cutoff():
    """Projects not updated since this moment are stale (settings.ACCSM_STALE_DAYS ago)."""
    return timezone.now() - timedelta(days=settings.ACCSM_STALE_DAYS)


def projects_led_by(country: Country) -> QuerySet[Project]:
    """The projects `country` leads (proposals included), stale ones flagged: for its table."""
    return (
        Project.objects.led_by(country)
        .with_staleness(stale_cutoff())
        .select_related("plan__body", "priority_area", "status_changed_by")
        .prefetch_related("lead_countries")
    )


def stale_count(country: Country) -> int:
    """How many of the projects `country` leads need an update: one COUNT."""
    return Project.objects.led_by(country).filter(stale_q(stale_cutoff())).count()


def countries_status() -> QuerySet[Country]:
    """Per country leading anything: projects led, stale, completed, proposals, last update.

    One aggregate query. Counts are distinct because two relations are joined at once.
    """
    cutoff = stale_cutoff()
    led = Q(led_projects__status__in=COUNTED)
    return (
        Country.objects.annotate(
            led=Count("led_projects", filter=led, distinct=True),
            completed=Count(
                "led_projects",
                filter=Q(led_projects__status=Project.Status.COMPLETED),
                distinct=True,
            ),
            stale=Count("led_projects", filter=stale_q(cutoff, "led_projects__"), distinct=True),
            proposals=Count(
                "led_projects",
                filter=Q(led_projects__status=Project.Status.PROPOSED),
                distinct=True,
            ),
            # Recorded status changes only: loading the facts is not an update.
            last_update=Max("led_projects__status_changed_at"),
            officials_count=Count(
                "officials", filter=Q(officials__user__is_active=True), distinct=True
            ),
        )
        .filter(Q(led__gt=0) | Q(proposals__gt=0))
        .order_by("-stale", "name")
    )
