"""The choices of the project tables' filters, read in two queries whatever the data: the
plans with their bodies in one, the countries in one (which also name the lead countries in
the table's rows).

A form accepts any plan, but lists only the chosen body's plans, or every plan while there
are at most PLAN_OPTIONS: a list of a thousand plans helps nobody and costs a page its speed.
"""

from typing import NamedTuple

from django.db.models import QuerySet
from django_filters import ChoiceFilter
from django_filters.fields import ChoiceField

from ..localize import in_vietnamese, localized
from ..models import Country, WorkPlan
from . import widgets

PLAN_OPTIONS = 60


class PlanChoice(NamedTuple):
    """A plan as the filters list it (a tuple: a thousand are made per page)."""

    pk: int
    slug: str
    title: str
    title_vi: str
    body_code: str
    body_name: str


def plan_labels(catalogue: list[PlanChoice]) -> dict[str, str]:
    """slug → the plan's title in the active language (asked once, not once per plan)."""
    vietnamese = in_vietnamese()
    return {p.slug: localized(p, "title", vietnamese) for p in catalogue}


def plan_catalogue(plans: QuerySet[WorkPlan] | None = None) -> list[PlanChoice]:
    """The plans (all, or those of `plans`) with their bodies, in the dashboard's order (the
    project tables' PLAN_ORDER)."""
    plans = WorkPlan.objects.all() if plans is None else plans
    rows = plans.order_by("body__position", "body__short_name", "-start_year", "title", "pk")
    fields = ("pk", "slug", "title", "title_vi", "body__code", "body__short_name")
    return list(map(PlanChoice._make, rows.values_list(*fields)))


def countries() -> list[Country]:
    return list(Country.objects.all())


class ListedChoiceField(ChoiceField):
    """A choice among `valid` (value → label), of which only some are listed as options."""

    widget = widgets.Select

    def __init__(self, *args, valid: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.labels = valid or {}

    def valid_value(self, value) -> bool:
        return str(value) in self.labels


class ListedChoiceFilter(ChoiceFilter):
    field_class = ListedChoiceField


def body_options(catalogue: list[PlanChoice]) -> dict[str, str]:
    """The bodies that hold plans, in order: code → short name."""
    return {plan.body_code: plan.body_name for plan in catalogue}


def plan_options(
    catalogue: list[PlanChoice], labels: dict[str, str], body: str | None, plan: str | None
) -> tuple[list, bool]:
    """The plans to list, grouped by body: the chosen body's, else all while they are few
    (else only the chosen plan, if any); and whether the list was cut."""
    listed = [p for p in catalogue if p.body_code == body] if body else catalogue
    cut = len(listed) > PLAN_OPTIONS
    if cut:
        listed = [p for p in listed if p.slug == plan]
    groups: dict[str, list] = {}
    for choice in listed:
        groups.setdefault(choice.body_name, []).append((choice.slug, labels[choice.slug]))
    return list(groups.items()), cut
