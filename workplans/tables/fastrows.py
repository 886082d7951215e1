"""The project tables' export rows read as plain values: the same cells as the tables'
value_<column> methods (exports.table_rows), without building a model instance per row.

One query streams the rows' values as tuples (sorted by plan: one per group of plans,
byplan.py); the plans' titles and bodies and the areas' numbers are not joined to each row
but read once per export, by id; per chunk of rows, one query reads their lead countries. Each
column is worked out over the whole chunk at once (a label looked up, a date converted),
mostly by C loops (map, zip), not by Python code per cell. A table with a column this module
does not know is exported the general way.
"""

import itertools
import operator
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

from ..localize import localized
from ..models import Country, PriorityArea, Project, WorkPlan
from ..querysets import status_field
from . import byplan, exports
from .exports import Chunk, ExportColumn
from .projects import CountryProjectTable, ProjectListTable, ProjectTable

# A chunk's values by field name, each a column (one value per row); and the chunk's lead
# countries, one "VN; JP" per row.
Fields = Mapping[str, Sequence]
Maker = Callable[[Fields, Sequence[str]], Sequence]


class _Plan:
    """A plan's two titles, as localized() reads them from a model."""

    def __init__(self, title: str, title_vi: str):
        self.title, self.title_vi = title, title_vi


class _Titles(dict):
    """(title, title_vi) -> the plan's title in the active language, worked out once per plan."""

    def __missing__(self, key: tuple[str, str]) -> str:
        title = self[key] = localized(_Plan(*key), "title")
        return title


class _ById(dict):
    """id -> what rows show of their plan or priority area: all read when first needed, then
    any added since (one query each time), so that the rows' query joins neither."""

    def __init__(self, read: Callable[[Collection[int] | None], Iterable[tuple[int, Any]]]):
        super().__init__()
        self.read, self.complete = read, False

    def of(self, ids: Sequence[int | None]) -> list:
        if not self.complete:
            self.update(self.read(None))
            self.complete = True
        missing = {pk for pk in set(ids).difference(self) if pk is not None}
        if missing:
            self.update(self.read(missing))
        return list(map(self.get, ids))


def _field(name: str) -> tuple[tuple[str, ...], Maker]:
    """A column that shows a field as it is: an empty value is an empty cell (None)."""

    def make(fields: Fields, leads) -> Sequence:
        values = fields[name]
        if "" not in values:  # one C loop; None stays None
            return values
        return [None if value == "" else value for value in values]

    return (name,), make


def _cells(status: str, using: str) -> dict[str, tuple[tuple[str, ...], Maker]]:
    """Per column: the values_list() fields it needs, and its cells from the chunk's fields
    and lead countries. Labels are translated once, here, in the language of the request."""
    labels = {value: str(label) for value, label in Project.Status.choices}
    titles = _Titles()
    zone = timezone.get_current_timezone()

    def read_plans(ids: Collection[int] | None) -> Iterator[tuple[int, tuple]]:
        plans = WorkPlan.objects.using(using)
        if ids is not None:
            plans = plans.filter(pk__in=ids)
        for pk, title, title_vi, body in plans.values_list(
            "pk", "title", "title_vi", "body__short_name"
        ):
            # The plan's title in the active language; an empty short name, an empty cell.
            yield pk, (titles[title, title_vi], body or None)

    def read_areas(ids: Collection[int] | None) -> Iterable[tuple[int, int]]:
        areas = PriorityArea.objects.using(using)
        return (areas if ids is None else areas.filter(pk__in=ids)).values_list("pk", "number")

    plans, areas = _ById(read_plans), _ById(read_areas)

    def day(fields: Fields, leads) -> Sequence:
        # timezone.localdate() of each moment, in the zone of the request
        return [None if at is None else at.astimezone(zone).date() for at in fields["last_update"]]

    return {
        "body": (
            ("plan_id",),
            lambda fields, leads: list(map(_SECOND, plans.of(fields["plan_id"]))),
        ),
        "plan": (
            ("plan_id",),
            lambda fields, leads: list(map(_FIRST, plans.of(fields["plan_id"]))),
        ),
        "code": _field("code"),
        "title": _field("title"),
        "lead_countries": ((), lambda fields, leads: leads),
        "priority_area": (
            ("priority_area_id",),
            lambda fields, leads: areas.of(fields["priority_area_id"]),
        ),
        "year": _field("year"),
        "status": ((status,), lambda fields, leads: list(map(labels.__getitem__, fields[status]))),
        "status_changed_at": (("last_update",), day),
        "last_update": (("last_update",), day),
    }


_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)


# A chunk's projects are read by ranges of ids (an index range scan each) when they fall in
# at most this many, gaps of at most RANGE_GAP ids bridged: projects itemized together have
# neighbouring ids, so a chunk of a plan-by-plan export is a few ranges. Otherwise by list.
MAX_RANGES, RANGE_GAP = 32, 16


def _ranges(ids: Sequence[int]) -> list[tuple[int, int]]:
    ordered = sorted(ids)
    ranges = []
    low = high = ordered[0]
    for value in ordered[1:]:
        if value - high > RANGE_GAP:
            ranges.append((low, high))
            low = value
        high = value
    ranges.append((low, high))
    return ranges


class _Joined(dict):
    """A project's lead countries (their ids) -> their codes in the tables' order, "JP; VN",
    worked out once per set of countries. KeyError: a country not yet read."""

    def __init__(self, codes: dict[int, str], ranks: dict[int, int]):
        super().__init__()
        self.codes, self.ranks = codes, ranks  # country -> its code, its place in the order

    def __missing__(self, key: tuple[int, ...]) -> str:
        joined = "; ".join(map(self.codes.__getitem__, sorted(key, key=self.ranks.__getitem__)))
        self[key] = joined
        return joined


class _LeadCountries:
    """The lead countries' codes of a chunk's projects, "VN; JP", in the order the tables
    list them: one query per chunk for the pairs (project, country), the codes and their
    order from the countries read once per export, each set of countries joined once."""

    def __init__(self, using: str):
        self.connection = connections[using]
        through = Project.lead_countries.through._meta
        quote = self.connection.ops.quote_name
        self.project = quote(through.get_field("project").column)
        country, table = quote(through.get_field("country").column), quote(through.db_table)
        self.select = f"SELECT {self.project}, {country} FROM {table} WHERE "
        self.joined = _Joined({}, {})

    def _read_countries(self) -> None:
        countries = Country.objects.using(self.connection.alias).values_list("pk", "code", "name")
        # The tables' order of a row's leads (querysets.leads_of): by name, then code.
        ordered = sorted(countries, key=lambda country: (country[2], country[1]))
        codes = {pk: code for pk, code, _ in ordered}
        self.joined = _Joined(codes, {pk: rank for rank, (pk, _, _) in enumerate(ordered)})

    def _pairs(self, ids: Sequence[int]) -> list[tuple[int, int]]:
        """(project, country) for each of these projects' lead countries, and maybe for a
        few projects between them. Plain SQL: the ORM's __in would prepare each id."""
        ranges = _ranges(ids)
        if len(ranges) <= MAX_RANGES:
            where = " OR ".join([f"{self.project} BETWEEN %s AND %s"] * len(ranges))
            params: list = [bound for pair in ranges for bound in pair]
        elif self.connection.vendor == "postgresql":
            where, params = f"{self.project} = ANY(%s)", [list(ids)]
        else:
            where, params = f"{self.project} IN ({', '.join(['%s'] * len(ids))})", list(ids)
        with self.connection.cursor() as cursor:
            cursor.execute(self.select + where, params)
            return cursor.fetchall()

    def of(self, ids: Sequence[int]) -> Sequence[str]:
        """The codes of each of these projects' lead countries ("" for none), in order."""
        pairs = self._pairs(ids)
        try:
            codes = self._codes(pairs)
        except KeyError:  # the first chunk, or a country added since
            self._read_countries()
            codes = self._codes(pairs)
        return list(map(codes.get, ids, itertools.repeat("")))

    def _codes(self, pairs: list[tuple[int, int]]) -> dict[int, str]:
        led: dict[int, tuple[int, ...]] = {}
        for project, country in pairs:  # tuples, not lists: half the time
            if project in led:
                led[project] += (country,)
            else:
                led[project] = (country,)
        return dict(zip(led, map(self.joined.__getitem__, led.values()), strict=True))


def fast_chunks(table, cols: list[ExportColumn]) -> Iterator[Chunk] | None:
    """The export rows of a project table, a chunk at a time, or None where this module
    cannot give them."""
    data = table.data.data
    if type(table) not in (ProjectTable, ProjectListTable, CountryProjectTable):
        return None
    if not isinstance(data, QuerySet) or data.model is not Project:
        return None
    cells = _cells(status_field(data), data.db)
    if any(col.name not in cells for col in cols):
        return None
    # The plan of each row too: byplan reads rows sorted by plan a few plans at a time.
    needed = sorted({field for col in cols for field in cells[col.name][0]} | {"pk", "plan_id"})
    makers = [cells[col.name][1] for col in cols]
    leads = _LeadCountries(data.db) if any(col.name == "lead_countries" for col in cols) else None

    def generate() -> Iterator[Chunk]:
        with exports.snapshot(data.db):  # every query of the export, one view of the data
            by_plan = byplan.records(data, needed, exports.CHUNK_SIZE)
            values = iter(exports.records(table, needed) if by_plan is None else by_plan)
            while chunk := list(itertools.islice(values, exports.CHUNK_SIZE)):
                fields = dict(zip(needed, zip(*chunk, strict=True), strict=True))
                codes = leads.of(fields["pk"]) if leads is not None else ()
                yield Chunk(len(chunk), [make(fields, codes) for make in makers])

    return generate()


def fast_rows(table, cols: list[ExportColumn]) -> Iterator[list] | None:
    """The export rows of a project table one by one, as exports.table_rows gives them, or
    None where this module cannot give them."""
    chunks = fast_chunks(table, cols)
    if chunks is None:
        return None
    return (list(row) for chunk in chunks for row in chunk.rows())
