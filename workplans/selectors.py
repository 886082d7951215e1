"""Reads for the pages: plans with their figures, grouped by body, in a constant number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from itertools import groupby
from operator import attrgetter
from typing import Generic, NamedTuple, TypeVar

from django.conf import settings
from django.db.models import Count, Func, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from .models import Body, Country, Profile, Project, StatusReport, StatusSubmission, WorkPlan
from .progress import NAMES, Progress
from .provenance import Basis
from .querysets import (
    ProjectQuerySet,
    WorkPlanQuerySet,
    end_of,
    every_plan,
    project_counts,
    stale_q,
    status_field,
)
from .statuses import COUNTED

NOTHING = Progress()  # frozen: every plan with nothing added shares it

# Up to this many plans, their projects are counted by naming their ids (progress_of).
MANY_PLANS = 5000


class PlanRow(NamedTuple):
    """What a body's total needs of a plan. The dashboard reads every plan as these and whole
    plans only for its cards: a thousand rows take a third of the time of as many models."""

    pk: int
    body_id: int
    end_year: int
    report_pk: int | None


P = TypeVar("P", bound=WorkPlan | PlanRow)


@dataclass
class PlanProgress(Generic[P]):
    """A plan's figures: live (counted from its projects) and/or the latest reported ones."""

    plan: P
    live: Progress | None
    reported: Progress | None
    report: StatusReport | None
    pending: int
    added: Progress = field(default_factory=Progress)
    as_of: date | None = None  # the day the live figures hold on; None: now
    itemized: int = 0  # projects besides proposals, cancelled ones included

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
        if basis == Basis.REPORT_PLUS and self.reported:
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


def few(plans: Iterable[P]) -> list[P]:
    """The plans of a body a dashboard card shows: a few, those still running first, each
    group in the dashboard's order (the latest first)."""
    this_year = timezone.localdate().year
    ordered = sorted(plans, key=lambda plan: plan.end_year < this_year)  # stable
    return ordered[: settings.ACCSM_DASHBOARD_PLANS]


@dataclass
class BodyProgress(Generic[P]):
    body: Body
    plans: list[PlanProgress[P]] = field(default_factory=list)

    @cached_property
    def total(self) -> Progress:
        return Progress.sum(p.figures for p in self.plans if p.figures)

    @cached_property
    def shown(self) -> list[PlanProgress[P]]:
        """The plans a dashboard card shows (few())."""
        chosen = {plan.pk for plan in few(p.plan for p in self.plans)}
        return [p for p in self.plans if p.plan.pk in chosen]


def plan_progress(plans: WorkPlanQuerySet, as_of: date | None = None) -> list[PlanProgress]:
    """Figures for every plan of `plans`: the plans with their latest reports, one aggregate
    query for their projects' counts, and one for the reports' sources.

    With `as_of`, the figures at the end of that day: each project by its status then, the
    latest report reported by then.
    """
    return progress_of(list(plans.with_reports(as_of)), as_of, plans.values("pk"))


@dataclass
class _Counts:
    live: dict = field(default_factory=dict)
    added: dict = field(default_factory=dict)
    pending: int = 0
    itemized: int = 0

    @staticmethod
    def progress(counts: dict) -> Progress:
        if not counts:
            return NOTHING
        return Progress(**{name: counts.get(name, 0) for name in NAMES})


def progress_of(
    rows: list, as_of: date | None = None, plans=None, reports: dict | None = None
) -> list[PlanProgress]:
    """PlanProgress for plans read with `with_reports(as_of)` (a page of them, say): one
    aggregate query for their projects' counts, one for their reports' sources unless
    `reports` (pk → report) holds them. `plans`: the same plans as a query, if at hand: when
    it is every plan, the counts need not name them.
    """
    if reports is None:
        reports = StatusReport.objects.select_related("plan", "meeting", "recorded_by").in_bulk(
            [row.report_pk for row in rows if row.report_pk]
        )
    counts = {row.pk: _Counts() for row in rows}
    # The last day each plan's latest report holds on (its meeting's last, if only known so).
    until = {
        row.pk: report.reported_until or report.reported_on
        for row in rows
        if (report := reports.get(row.report_pk))
    }
    # Named by their ids, a few thousand at most, the plans' projects are counted from the
    # (plan, status) index in its order; joined to a query of them, PostgreSQL hashes every
    # project (81 → 33 ms for 1,000 plans of 200 projects).
    named = plans is None or (len(counts) <= MANY_PLANS and not every_plan(plans))
    for plan_id, status, adopted_day, number in project_counts(
        list(counts) if named else plans, as_of
    ):
        plan = counts.get(plan_id)
        if plan is None:  # a plan added since the plans were read: listed by the next read
            continue
        if adopted_day is not None:
            # Adopted after the latest report (and by the as-of day): added to its figures.
            report_until = until.get(plan_id)
            if (
                status in COUNTED
                and report_until
                and report_until < adopted_day <= (as_of or adopted_day)
            ):
                plan.added[status] = plan.added.get(status, 0) + number
            continue
        if status == Project.Status.PROPOSED:
            plan.pending += number
            continue
        plan.itemized += number
        if status not in COUNTED:
            continue
        plan.live[status] = plan.live.get(status, 0) + number
    return [
        PlanProgress(
            plan=row,
            # A plan is itemized when it holds any project besides proposals.
            live=_Counts.progress(counts[row.pk].live) if counts[row.pk].itemized else None,
            reported=report.progress if (report := reports.get(row.report_pk)) else None,
            report=report,
            pending=counts[row.pk].pending,
            added=_Counts.progress(counts[row.pk].added),
            as_of=as_of,
            itemized=counts[row.pk].itemized,
        )
        for row in rows
    ]


# The dashboard's order: bodies as they rank, each one's latest plans first.
DASHBOARD_ORDER = ("body__position", "body__short_name", "-start_year")


def dashboard_bodies(
    plans: WorkPlanQuerySet | None = None, as_of: date | None = None
) -> list[BodyProgress[WorkPlan]]:
    """Plans with their figures (as of a day, if given), grouped by body in display order."""
    plans = (plans if plans is not None else WorkPlan.objects.all()).order_by(*DASHBOARD_ORDER)
    progress = progress_of(list(plans.with_reports(as_of)), as_of, plans.values("pk"))
    return [
        BodyProgress(body=body, plans=list(items))
        for body, items in groupby(progress, key=lambda p: p.plan.body)
    ]


def dashboard_cards(
    as_of: date | None = None,
) -> tuple[list[BodyProgress[WorkPlan | PlanRow]], dict[int, list[StatusReport]]]:
    """Every body's figures for the dashboard (as of a day, if given), in display order, and
    the reports of the plans its cards show (BodyProgress.shown), for their trends.

    A body's total adds up the figures of all its plans, but a card shows a few: the others
    are read as PlanRow, and whole plans (with their bodies) only for the cards. The reports
    are the plans' latest and the cards' plans' others, in one query.
    """
    plans = WorkPlan.objects.order_by(*DASHBOARD_ORDER).with_reports(as_of)
    rows = [PlanRow(*row) for row in plans.values_list(*PlanRow._fields)]
    shown = [
        plan.pk for _, group in groupby(rows, key=attrgetter("body_id")) for plan in few(group)
    ]
    cards = WorkPlan.objects.select_related("body").in_bulk(shown)
    reports = list(
        StatusReport.objects.filter(
            Q(pk__in=[row.report_pk for row in rows if row.report_pk]) | Q(plan__in=shown)
        ).select_related("meeting", "recorded_by")
    )
    figures: list[PlanProgress[WorkPlan | PlanRow]] = progress_of(
        rows, as_of, WorkPlan.objects.values("pk"), reports={r.pk: r for r in reports}
    )
    for progress in figures:
        if progress.plan.pk in cards:
            progress.plan = cards[progress.plan.pk]
    bodies = []
    for _, items in groupby(figures, key=lambda p: p.plan.body_id):
        group = list(items)
        body = cards[next(p.plan.pk for p in group if p.plan.pk in cards)].body
        bodies.append(BodyProgress(body=body, plans=group))
    history: dict[int, list[StatusReport]] = {}
    for report in reports:
        if report.plan_id in cards:
            history.setdefault(report.plan_id, []).append(report)
    return bodies, history


def latest_proposals(plan: WorkPlan, pending: int) -> list[Project]:
    """The latest few of a plan's `pending` proposals (no query when there are none)."""
    if not pending:
        return []
    return list(pending_proposals().filter(plan=plan)[: settings.ACCSM_LATEST_PROPOSALS])


def pending_proposals() -> QuerySet[Project]:
    """Proposals waiting for a decision, the latest first."""
    return (
        Project.objects.proposals()
        .select_related("plan", "proposed_by")
        .order_by("-created_at", "-pk")
    )


def plan_projects(plan: WorkPlan, as_of: date | None = None) -> QuerySet[Project]:
    """A plan's itemized projects (no proposals), now or at the end of `as_of`."""
    projects = plan.projects.all()
    if as_of:
        projects = projects.as_of(as_of)
    return (
        projects.exclude(**{status_field(projects): Project.Status.PROPOSED})
        .select_related("priority_area")
        .with_leads()
    )


def listed_projects(as_of: date | None = None) -> ProjectQuerySet:
    """Projects for the tables, now or at the end of `as_of`: the status and the last update
    then, with what the columns show joined or annotated (no query per row)."""
    projects = Project.objects.all()
    if as_of:
        projects = projects.as_of(as_of)
    return projects.with_updates(as_of).with_leads().select_related("plan__body", "priority_area")


def stale_cutoff(as_of: date | None = None):
    """Projects not updated since this moment are stale: settings.ACCSM_STALE_DAYS before now,
    or before the end of `as_of`."""
    moment = end_of(as_of) if as_of else timezone.now()
    return moment - timedelta(days=settings.ACCSM_STALE_DAYS)


def projects_led_by(country: Country, as_of: date | None = None) -> QuerySet[Project]:
    """The projects `country` leads (proposals included), stale ones flagged, now or at the
    end of `as_of`: for its table."""
    pending = StatusSubmission.objects.filter(
        project=OuterRef("pk"), state=StatusSubmission.State.PENDING
    ).values("status")[:1]
    return (
        listed_projects(as_of)
        .led_by(country)
        .with_staleness(stale_cutoff(as_of))
        .annotate(pending_review=Subquery(pending))
    )


def countries_status() -> list[Country]:
    """Per country leading anything: projects led, stale, completed, proposals, last update.

    Two queries. One aggregate of the lead countries' table joined to the projects, grouped
    by country (a project appears once per country it leads, so nothing is counted twice):
    grouped by the country's id alone, PostgreSQL counts 267,000 links in a third of the time
    it takes with each link joined to its country's row. Then the countries counted, their
    active officials by a subquery, the most stale first, then by name.
    """
    cutoff = stale_cutoff()
    rows = (
        Project.lead_countries.through.objects.order_by()
        .values("country_id")
        .annotate(
            led=Count("project_id", filter=Q(project__status__in=COUNTED)),
            completed=Count("project_id", filter=Q(project__status=Project.Status.COMPLETED)),
            stale=Count("project_id", filter=stale_q(cutoff, "project__")),
            proposals=Count("project_id", filter=Q(project__status=Project.Status.PROPOSED)),
            # Recorded status changes only: loading the facts is not an update.
            last_update=Max("project__status_changed_at"),
        )
        .filter(Q(led__gt=0) | Q(proposals__gt=0))
    )
    figures = {
        row["country_id"]: {name: value for name, value in row.items() if name != "country_id"}
        for row in rows
    }
    # COUNT as a plain function, not an aggregate: the subquery has no GROUP BY, so it gives
    # 0 for a country without officials.
    officials = (
        Profile.objects.filter(country=OuterRef("pk"), user__is_active=True)
        .order_by()
        .annotate(n=Func("pk", function="COUNT"))
        .values("n")
    )
    countries = list(
        Country.objects.filter(pk__in=list(figures))
        .annotate(officials_count=Subquery(officials, output_field=IntegerField()))
        .order_by("name")
    )
    for country in countries:
        vars(country).update(figures[country.pk])
    return sorted(countries, key=lambda country: -vars(country)["stale"])  # stable
