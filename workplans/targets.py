"""Targets and milestones of plans, with where each stands today as far as the sources say."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import pgettext_lazy

from .models import Milestone, Target


class MilestoneState:
    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"

    LABELS = {
        DONE: pgettext_lazy("milestone state", "done"),
        DUE: pgettext_lazy("milestone state", "due"),
        OVERDUE: pgettext_lazy("milestone state", "overdue, no outcome reported"),
    }


@dataclass
class MilestoneRow:
    milestone: Milestone
    state: str

    @property
    def label(self) -> str:
        return str(MilestoneState.LABELS[self.state])


def milestone_state(milestone: Milestone, today: date) -> str:
    """Done once an outcome or a date of achievement is reported; else due, then overdue."""
    if milestone.outcome or milestone.achieved_on:
        return MilestoneState.DONE
    return MilestoneState.DUE if milestone.due_date >= today else MilestoneState.OVERDUE


def milestone_rows(milestones: Iterable[Milestone], today: date) -> list[MilestoneRow]:
    return [MilestoneRow(m, milestone_state(m, today)) for m in milestones]


def all_targets() -> QuerySet[Target]:
    return Target.objects.select_related("plan__body").order_by(
        "plan__body__position", "plan__title", "pk"
    )


def all_milestones() -> QuerySet[Milestone]:
    return Milestone.objects.select_related("plan__body").order_by(
        "plan__body__position", "plan__title", "due_date"
    )
