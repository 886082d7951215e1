"""A country's list in one aggregate: the plans where it leads projects (the filter's
choices and the list's order), its projects per plan (the pages), how many need an update,
and how far it has reported in each open round. One query, whatever the number of projects.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Min, Q

from .models import Country, ReportingRound
from .rounds import RoundDue, reported
from .selectors import projects_led_by
from .statuses import ACTIVE
from .tables.choices import PlanChoice

# Each plan's fields, read in its group: Min() of a value the group's rows share, so the
# database groups by the plan's id and sorts a thousand plans, not every project's text.
PLAN_FIELDS = {
    "slug": Min("plan__slug"),
    "title": Min("plan__title"),
    "title_vi": Min("plan__title_vi"),
    "body_code": Min("plan__body__code"),
    "body_name": Min("plan__body__short_name"),
    "position": Min("plan__body__position"),
    "start_year": Min("plan__start_year"),
}
CHOICE_FIELDS = ("plan_id", "slug", "title", "title_vi", "body_code", "body_name")
# The tables' PLAN_ORDER, on those fields.
ORDER = ("position", "body_name", "-start_year", "title", "plan_id")


@dataclass
class CountryOverview:
    plans: list[PlanChoice]  # where the country leads projects, in the tables' PLAN_ORDER
    counts: dict[int, int]  # projects per plan
    stale: int
    rounds: list[RoundDue]


def country_overview(
    country: Country, rounds: list[ReportingRound], as_of: date | None = None
) -> CountryOverview:
    """The overview of the projects `country` leads (now, or as of a day), asked of by each
    of the open `rounds`."""
    asked, done = {}, {}
    for round_ in rounds:
        body, reported_in = Q(plan__body=round_.meeting.body_id), Q(reported(round_))
        asked[f"asked_{round_.pk}"] = Count(
            "pk", filter=body & (Q(status__in=ACTIVE) | reported_in)
        )
        done[f"done_{round_.pk}"] = Count("pk", filter=body & reported_in)
    rows: list[Any] = list(
        projects_led_by(country, as_of)
        .order_by()
        .values("plan_id")
        .annotate(
            **PLAN_FIELDS,
            projects=Count("pk"),
            stale=Count("pk", filter=Q(is_stale=True)),
            **asked,
            **done,
        )
        .order_by(*ORDER)
    )
    dues = []
    for round_ in rounds:
        total = sum(row[f"asked_{round_.pk}"] for row in rows)
        if total:
            outstanding = total - sum(row[f"done_{round_.pk}"] for row in rows)
            dues.append(RoundDue(round_, outstanding, total))
    return CountryOverview(
        plans=[PlanChoice(*(row[name] for name in CHOICE_FIELDS)) for row in rows],
        counts={row["plan_id"]: row["projects"] for row in rows},
        stale=sum(row["stale"] for row in rows),
        rounds=dues,
    )
