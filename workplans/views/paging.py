"""How the table pages are paged: by groups of rows that share a plan or an area
(GroupPaginator), with a known count (CountedPaginator), or counting a text search's
matches only up to a cap (CappedPaginator); `paginate` chooses."""

from collections.abc import Callable

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property
from django_tables2.rows import BoundRows
from django_tables2.tables import Table

from ..models import PriorityArea
from ..tables.projects import AREA, BY_PLAN


class CountedPaginator(Paginator):
    """A paginator told how many rows there are (known from the figures): no COUNT query."""

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = count

    @property
    def count(self) -> int:
        return self.known_count


def capped_count(projects: QuerySet, cap: int) -> int:
    """How many rows `projects` has, counted up to `cap` + 1 (no further)."""
    return projects.order_by().values("pk")[: cap + 1].count()  # no columns to compute


class CappedPaginator(Paginator):
    """A paginator that counts rows up to `cap`, and says whether there are more: a text
    search matching most of 200,000 projects would read each of them to count them exactly
    (its index finds the matches, it does not count them), to offer pages nobody reads."""

    def __init__(self, rows, per_page, *, cap: int, **kwargs):
        super().__init__(rows, per_page, **kwargs)
        self.projects = rows.data.data  # the table's queryset, filtered and ordered
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        return capped_count(self.projects, self.cap)

    @property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """Whether more rows match than were counted (the page then says "more than")."""
        return self._counted > self.cap


def walked_counts(projects: QuerySet, plans: list, needed: int) -> dict[int, int]:
    """The rows of `projects` in each of `plans`, plan by plan in that order until `needed`
    rows are counted (PostgreSQL: one recursive query, each step counting one plan's rows
    through the plan's index): the pages up to there, without counting every row."""
    matches, params = projects.order_by().values("plan_id").query.sql_with_params()
    # The plans' ids as one array literal, named once: as a list, psycopg2 would send an
    # ARRAY[…] of a thousand expressions for the planner to fold, ten times the walk's time.
    # OFFSET 0 keeps the step's count one subquery, though two columns read it.
    sql = f"""
        WITH RECURSIVE listed (plans) AS (SELECT %s::bigint[]),
        walk (i, plan_id, n, total) AS (
            SELECT 0, NULL::bigint, 0::bigint, 0::bigint
            UNION ALL
            SELECT w.i + 1, step.plan_id, step.n, w.total + step.n
            FROM walk w CROSS JOIN LATERAL (
                SELECT p.plan_id,
                    (SELECT COUNT(*) FROM ({matches}) m WHERE m.plan_id = p.plan_id) AS n
                FROM (SELECT (SELECT plans FROM listed)[w.i + 1] AS plan_id) p
                OFFSET 0
            ) step
            WHERE w.total < %s AND w.i < %s
        )
        SELECT plan_id, n FROM walk WHERE i > 0 AND n > 0"""
    listed = "{" + ",".join(str(int(plan)) for plan in plans) + "}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [listed, *params, needed, len(plans)])
        return dict(cursor.fetchall())


def area_counts(projects: QuerySet) -> dict:
    """Area number → how many of `projects` are in an area of that number (None: no area).
    Counted per area first, from the index on the area, then added up by number: joining
    every project to its area to count by number costs twice as much."""
    per_area = projects.order_by().values("priority_area_id").annotate(n=Count("*"))
    sql, params = per_area.query.sql_with_params()
    areas = PriorityArea._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.number, SUM(c.n) FROM ({sql}) c"
            f" LEFT JOIN {areas} a ON a.id = c.priority_area_id GROUP BY a.number",
            params,
        )
        return {number: int(n) for number, n in cursor.fetchall()}


# A page spanning at most this many groups, holding more than SORTED_ROWS rows between them,
# reads each group's part on its own (UNION ALL); fewer rows are read and sorted in one query.
UNION_GROUPS = 3
SORTED_ROWS = 2_000


class GroupPaginator(Paginator):
    """Pages of a table sorted by a value many rows share (their plan, their area's number):
    the database counts the rows of each value, and a page reads the rows of the values it
    falls in, in the table's own order, instead of sorting every row to find them.

    `groups`: the values in the table's order (plans: tables.projects.PLAN_ORDER); by default
    the values counted, sorted as the database sorts them, empty ones where it puts NULLs.
    """

    def __init__(
        self,
        rows,
        per_page,
        *,
        field,
        reverse,
        groups=None,
        counts=None,
        cap=None,
        counter=None,
        empty=None,
        **kw,
    ):
        super().__init__(rows, per_page, **kw)
        self.table = rows.table
        self.projects = rows.data.data  # the table's queryset, filtered and ordered
        self.field, self.reverse, self.known = field, reverse, groups
        # The rows of the empty group (None), by a lookup an index serves if there is one.
        self.empty = empty or f"{field}__isnull"
        if counts is not None:
            self.counts = counts  # known already (the overview of a country's list)
        # A text search by plan, on PostgreSQL: counted up to `cap`; past it, each page
        # counts the plans' rows in order only as far as that page (walked_counts).
        walks = groups is not None and connection.vendor == "postgresql"
        self.cap = cap if walks else None
        # How to count the rows by a cheaper query (a lead country's or a body's alone), if
        # there is one: the first pages then count the plans' rows only as far as themselves.
        self.counter = counter if walks else None

    @cached_property
    def _counted(self) -> int | None:
        return None if self.cap is None else capped_count(self.projects, self.cap)

    @property
    def capped(self) -> bool:
        """Whether more rows match than were counted (the page then says "more than")."""
        return self.cap is not None and self._counted > self.cap

    @cached_property
    def counts(self) -> dict:
        if self.field == AREA:
            return area_counts(self.projects)
        # COUNT(*), not COUNT(id): PostgreSQL counts from an index alone, half the time.
        per_group = self.projects.order_by().values_list(self.field).annotate(n=Count("*"))
        return dict(per_group)

    @cached_property
    def groups(self) -> list:
        if self.known is not None:
            groups = list(self.known)
        else:
            values = sorted(value for value in self.counts if value is not None)
            empty = [None] if None in self.counts else []
            largest = connection.features.nulls_order_largest
            groups = values + empty if largest else empty + values
        return groups[::-1] if self.reverse else groups

    @cached_property
    def total(self) -> int | None:
        return None if self.counter is None else self.counter()

    @property
    def count(self) -> int:
        if self.cap is not None and self.capped:
            return self.cap
        if self.total is not None:
            return self.total
        return sum(self.counts.values())

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        walk = self.capped or (self.total is not None and self._walks_few_plans(top))
        counts = walked_counts(self.projects, self.groups, top) if walk else self.counts
        first, shown, seen = None, [], 0
        for group in self.groups:
            size = counts.get(group, 0)
            if size and seen + size > bottom and seen < top:
                first = seen if first is None else first
                shown.append(group)
            seen += size
        start, size = bottom - (first or 0), top - bottom
        compound = connection.features.supports_slicing_ordering_in_compound
        held = sum(counts.get(group, 0) for group in shown)
        if 1 < len(shown) <= UNION_GROUPS and held > SORTED_ROWS and compound:
            # Each group's part in one query (UNION ALL): within one group the database walks
            # an index in the table's order, where across large groups (areas of 40,000
            # projects) it would sort them all. A page of smaller groups (plans of a few
            # hundred projects) has few rows to sort, and one query costs a third to compile.
            parts = []
            for index, group in enumerate(shown):
                offset = start if index == 0 else 0
                rows = self.projects.filter(self._within([group]))
                parts.append(rows[offset : offset + size])
            position = {group: index for index, group in enumerate(shown)}
            records = list(parts[0].union(*parts[1:], all=True))
            # In the groups' order, whatever order the database appended the parts in.
            records.sort(key=lambda record: position[self._group_of(record)])
            records = records[:size]
        else:
            records = list(self.projects.filter(self._within(shown))[start : start + size])
        return Page(BoundRows(records, self.table), number, self)

    def _walks_few_plans(self, top: int) -> bool:
        """Whether the plans holding the first `top` rows are few, at the rows' mean density:
        walking a plan costs a third of a millisecond, where counting every plan's rows can
        take 50 ms."""
        return top * len(self.groups) <= WALKED_PLANS * max(self.total or 0, 1)

    def _group_of(self, record):
        """The record's value of the field the table is paged by (None if a link is empty)."""
        value = record
        for name in self.field.split("__"):
            value = getattr(value, name, None) if value is not None else None
        return value

    def _within(self, groups: list) -> Q:
        within = Q(**{f"{self.field}__in": [g for g in groups if g is not None]})
        if None in groups:
            within |= Q(**{self.empty: True})
        return within


# With the rows counted by a cheaper query, a page finds its plans by walked_counts when it
# is expected to walk at most this many plans (else every plan's rows are counted).
WALKED_PLANS = 50

# A text search counts its matches up to this many (CappedPaginator, GroupPaginator): 400
# pages of 25.
SEARCH_CAP = 10_000


def paginate(
    request: HttpRequest,
    table: Table,
    per_page: int,
    plans: list[int] | None = None,
    counts: dict[int, int] | None = None,
    searched: bool = False,
    counter: Callable[[], int | None] | None = None,
) -> None:
    """Paginate `table`. Sorted by plan or by area, group by group (GroupPaginator): the
    plans through `plans` (their ids, in order), holding `counts` projects each if known.
    The rows of a text search (`searched`) are counted up to SEARCH_CAP (by plan: on
    PostgreSQL); `counter`: counts the rows by a cheaper query, if there is one (None if
    not): by plan, on PostgreSQL, the first pages then count no plan beyond themselves."""
    sort = table.order_by[0] if table.order_by else ""
    name, reverse = sort.removeprefix("-"), sort.startswith("-")
    options: dict = {"per_page": per_page}
    if plans and name in BY_PLAN:
        grouped: dict = {"field": "plan_id", "groups": plans, "counts": counts, "counter": counter}
        if searched:
            grouped["cap"] = SEARCH_CAP
        options.update(paginator_class=GroupPaginator, reverse=reverse, **grouped)
    elif name == "priority_area":
        # No area number: no area (priority_area_id IS NULL, which its index finds).
        empty = "priority_area__isnull"
        options.update(paginator_class=GroupPaginator, reverse=reverse, field=AREA, empty=empty)
    elif searched:
        options.update(paginator_class=CappedPaginator, cap=SEARCH_CAP)
    try:
        table.paginate(page=request.GET.get("page", 1), **options)
    except (EmptyPage, PageNotAnInteger):
        table.page = table.paginator.page(1)  # the same paginator: the rows are counted once
