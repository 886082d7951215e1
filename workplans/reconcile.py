"""Reconciliation: a plan's latest report beside its live count, and what changed since."""

from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Subquery

from .models import StatusChange
from .querysets import WorkPlanQuerySet, latest_reports
from .selectors import PlanProgress, plan_progress
from .statuses import COUNTED


@dataclass
class StatusLine:
    status: str
    label: str
    reported: int
    live: int

    @property
    def difference(self) -> int:
        return self.live - self.reported


@dataclass
class Reconciliation:
    progress: PlanProgress
    changes: list[StatusChange] = field(default_factory=list)

    @property
    def lines(self) -> list[StatusLine]:
        reported, live = self.progress.reported, self.progress.live
        assert reported is not None and live is not None
        return [
            StatusLine(s.value, str(s.label), reported.count(s), live.count(s)) for s in COUNTED
        ]

    @property
    def total(self) -> StatusLine:
        reported, live = self.progress.reported, self.progress.live
        assert reported is not None and live is not None
        return StatusLine("total", "", reported.total, live.total)

    @property
    def agrees(self) -> bool:
        return self.progress.reported == self.progress.live


def reconciliations(plans: WorkPlanQuerySet) -> list[Reconciliation]:
    """Every plan of `plans` with both a report and itemized projects."""
    return reconcile(plan_progress(plans))


def reconcile(progresses: list[PlanProgress]) -> list[Reconciliation]:
    """The plans of `progresses` with both a report and itemized projects, each with the status
    changes made since its report: one query for all of them.

    A change counts as "since the report" when it was made after the report's last day
    (the meeting's last day when only the meeting's dates are known).
    """
    found = [Reconciliation(p) for p in progresses if p.report and p.live]
    if not found:
        return found
    latest_until = latest_reports(OuterRef("project__plan")).values("until")[:1]
    changes = (
        StatusChange.objects.filter(
            project__plan__in=[r.progress.plan.pk for r in found],
            action=StatusChange.Action.STATUS,
        )
        .annotate(since=Subquery(latest_until))
        .filter(changed_at__date__gt=F("since"))
        .select_related("project", "changed_by")
        .order_by("changed_at", "pk")
    )
    by_plan = {r.progress.plan.pk: r for r in found}
    for change in changes:
        if change.project:  # always: the filter goes through the project
            by_plan[change.project.plan_id].changes.append(change)
    return found
