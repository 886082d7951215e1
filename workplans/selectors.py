"""Reads for the pages: plans with their figures, grouped by body, in a constant number of queries."""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Prefetch, QuerySet

from .models import Body, Project, StatusReport, WorkPlan
from .progress import Progress


@dataclass
class PlanProgress:
    """A plan's figures: live (counted from its projects) and/or the latest reported ones."""

    plan: WorkPlan
    live: Progress | None
    reported: Progress | None
    report: StatusReport | None
    pending: int

    @property
    def figures(self) -> Progress | None:
        """The figures to show first: live when the plan is itemized, else the latest report."""
        return self.live or self.reported

    @property
    def differs(self) -> bool:
        return bool(self.live and self.reported and self.live != self.reported)


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
