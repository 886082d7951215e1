"""The rows of a project table sorted by plan (PLAN_ORDER, either way), read a few plans at a
time: one query for every row would have PostgreSQL sort them all (on disk, beyond work_mem)
before the first came, where each group's rows come in the order of the index on (plan, code).

The plans come in the catalogue's order (PLAN_ORDER's keys, sorted by the same database), cut
into groups of neighbouring plans. A group's query gives each plan's rows together, by code,
the plans by id; they are handed on plan by plan in the catalogue's order. So the rows and
their order are those of the one query, and no more than a group is held in memory.
"""

import itertools
import operator
from collections.abc import Iterable, Iterator

from django.db.models import Count, QuerySet

from ..models import WorkPlan
from .projects import PLAN_ORDER

# Rows per query, about (a plan is never split: one of more rows is read alone, streamed).
GROUP_ROWS = 5000


def _flip(key: str) -> str:
    return key[1:] if key.startswith("-") else f"-{key}"


# The tables' order by plan (listing.stable adds the primary key), and its reverse.
ASCENDING = (*PLAN_ORDER, "pk")
DESCENDING = tuple(map(_flip, ASCENDING))
# The plans in that order: PLAN_ORDER's keys of the plan, read on the plans themselves.
PLANS_ORDER = tuple(
    key.replace("plan__", "").replace("plan_id", "pk") for key in PLAN_ORDER if "plan" in key
)


def groups(data: QuerySet) -> list[list[int]] | None:
    """The plans of these projects in the table's order, cut into groups of about GROUP_ROWS
    rows; None where the projects are not sorted by plan."""
    order = tuple(data.query.order_by)
    if order not in (ASCENDING, DESCENDING):
        return None
    # One index-only scan where nothing is filtered (COUNT(*), as paging.GroupPaginator).
    counts = dict(data.order_by().values_list("plan_id").annotate(n=Count("*")))
    plans = WorkPlan.objects.using(data.db).order_by(*PLANS_ORDER).values_list("pk", flat=True)
    ordered = [plan for plan in plans.iterator() if plan in counts]
    if order == DESCENDING:
        ordered.reverse()
    cut: list[list[int]] = []
    group: list[int] = []
    held = 0
    for plan in ordered:
        if counts[plan] >= GROUP_ROWS:  # alone
            cut.extend([group, [plan]] if group else [[plan]])
            group, held = [], 0
            continue
        group.append(plan)
        held += counts[plan]
        if held >= GROUP_ROWS:
            cut.append(group)
            group, held = [], 0
    if group:
        cut.append(group)
    return cut


def records(data: QuerySet, fields: list[str], chunk_size: int) -> Iterator[tuple] | None:
    """These projects' `fields` (plan_id among them) as tuples, in the table's order, a group
    of plans at a time; None where they are not sorted by plan."""
    cut = groups(data)
    if cut is None:
        return None
    # Within a plan: by code, then id, as the table (the unique index on plan and code).
    within = tuple(data.query.order_by)[-3:]
    plain = data.prefetch_related(None).values_list(*fields).order_by(*within)
    plan_of = operator.itemgetter(fields.index("plan_id"))

    def blocks() -> Iterator[Iterable[tuple]]:
        for group in cut:
            rows = plain.filter(plan__in=group)
            if len(group) == 1:  # a plan of any size: streamed
                yield rows.iterator(chunk_size=chunk_size)
                continue
            # Fewer than 2 × GROUP_ROWS rows: fetched at once, not through a server-side
            # cursor (which, outside a transaction, stores every row before the first comes).
            plans = {plan: list(block) for plan, block in itertools.groupby(rows, plan_of)}
            for plan in group:
                yield plans.pop(plan, ())

    # The rows pulled one by one in C, block after block.
    return itertools.chain.from_iterable(blocks())
