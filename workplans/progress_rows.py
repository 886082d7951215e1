"""The progress rows: one per plan, a subtotal per body, a total when several bodies; the
table that goes into meeting papers (/progress/, its exports, the annex)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _

from .dates import day_label
from .models import Body, WorkPlan
from .progress import Progress
from .provenance import Basis, added_since, figures_when, mixed_dates_note, report_source
from .querysets import WorkPlanQuerySet
from .selectors import PlanProgress, dashboard_bodies
from .statuses import COUNTED


@dataclass
class ProgressRow:
    kind: str  # "plan", "subtotal" or "total"
    body: Body | None
    label: str
    plan: WorkPlan | None = None
    period: str = ""
    progress: Progress | None = None
    pending: int | None = None
    sum_source: str = ""  # a sum's source; a plan's is worked out when shown (`source`)
    figures_date: str = ""
    differs: bool = False
    item: PlanProgress | None = None
    today: date | None = None
    hidden_plans: int = 0  # a body's subtotal in the annex of every body: plans left out

    @cached_property
    def source(self) -> str:
        if self.item is None or self.today is None:
            return self.sum_source
        return _plan_source(self.item, self.today)

    @property
    def total(self) -> int | None:
        return self.progress.total if self.progress else None

    @cached_property
    def segments(self) -> list[dict]:
        return self.progress.segments() if self.progress else []

    # The table and the annex read `completed`, `completed_pct`… straight off the row; worked
    # out when read, so a page of 25 rows does not work out those of a thousand plans.
    def __getattr__(self, name: str):
        status, _, pct = name.partition("_")
        if status in COUNTED and pct in ("", "pct"):
            progress = self.__dict__.get("progress")
            if progress is None:
                return None
            return progress.percent(status) if pct else progress.count(status)
        raise AttributeError(name)


def _plan_source(progress: PlanProgress, today: date) -> str:
    basis = progress.basis
    if basis == Basis.LIVE:
        if progress.as_of:
            text = _(
                "Count of the plan's itemized projects as of %(date)s, rebuilt from the audit trail"
            ) % {"date": day_label(progress.as_of)}
        else:
            text = _("Live count of the plan's itemized projects, as of %(date)s") % {
                "date": day_label(today)
            }
        if progress.report and progress.reported and progress.differs:
            text += "; " + _("differs from the latest report (%(source)s: %(total)s counted)") % {
                "source": report_source(progress.report),
                "total": progress.reported.total,
            }
        return text
    if basis == Basis.REPORT_PLUS and progress.report:
        text = added_since(progress)
        if progress.report.source_title:
            text += f" — {progress.report.source_title}"
        return text
    if progress.report:
        return report_source(progress.report)
    return _("No figures yet: no projects are itemized and no counts have been reported.")


def _sum_source(rows: list[ProgressRow], what: str) -> str:
    """A sum says when its parts hold: their one date, or each of the dates it mixes."""
    dates = [row.figures_date for row in rows if row.progress]
    note = mixed_dates_note(dates)
    if note:
        return f"{what}. {note}"
    return f"{what} ({dates[0]})" if dates else what


def progress_rows(plans: WorkPlanQuerySet, as_of: date | None = None) -> list[ProgressRow]:
    """Rows of the progress table, from the dashboard's reads (a constant number of queries)."""
    today = as_of or timezone.localdate()
    bodies = dashboard_bodies(plans, as_of)
    rows, plan_rows = [], []
    for group in bodies:
        body_rows = []
        for item in group.plans:
            body_rows.append(
                ProgressRow(
                    kind="plan",
                    body=group.body,
                    label=str(item.plan),
                    plan=item.plan,
                    period=item.plan.period,
                    progress=item.figures,
                    pending=item.pending,
                    figures_date=figures_when(item, today),
                    differs=item.differs,
                    item=item,
                    today=today,
                )
            )
        rows += body_rows
        plan_rows += body_rows
        rows.append(
            ProgressRow(
                kind="subtotal",
                body=group.body,
                label=_("Subtotal, %(body)s") % {"body": group.body.short_name},
                progress=group.total,
                pending=sum(item.pending for item in group.plans),
                # Of its plans, not "above": a page of the table may show the sums alone.
                sum_source=_sum_source(body_rows, _("Sum of the figures of its plans")),
            )
        )
    if len(bodies) > 1:
        rows.append(
            ProgressRow(
                kind="total",
                body=None,
                label=_("Total, all bodies"),
                progress=sum((group.total for group in bodies), Progress()),
                pending=sum(row.pending or 0 for row in rows if row.kind == "subtotal"),
                sum_source=_sum_source(plan_rows, _("Sum of the subtotals")),
            )
        )
    return rows


def annex_rows(rows: list[ProgressRow], most: int) -> list[ProgressRow]:
    """The annex of every body lists each body's plans, or, for a body of more than `most`
    plans, its subtotal alone: that body's own annex lists them."""
    plans = Counter(row.body.pk for row in rows if row.kind == "plan" and row.body)
    shown = []
    for row in rows:
        many = plans[row.body.pk] if row.body and plans[row.body.pk] > most else 0
        if row.kind == "subtotal":
            row.hidden_plans = many
        if not (many and row.kind == "plan"):
            shown.append(row)
    return shown
