"""Exports of exactly what a table shows: its visible columns, its rows in its order.

Rows come a chunk at a time from a database iterator (CHUNK_SIZE rows per round trip): CSV
and JSON stream them, XLSX writes them into a temporary file (xlsx.py), so a million rows
never sit in memory. ODS is built in memory by odfpy and so is capped. This module says
what an export holds (columns, values, rows); writers.py writes it in each format.
"""

import html
import inspect
import itertools
import operator
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tables2 import Column
from django_tables2.tables import Table
from django_tables2.utils import A

from ..errors import TrackerError

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
FORMATS = tuple(CONTENT_TYPES)
FORMAT_LABELS = {
    "xlsx": gettext_lazy("Excel (XLSX)"),
    "csv": gettext_lazy("CSV"),
    "json": gettext_lazy("JSON"),
    "ods": gettext_lazy("OpenDocument (ODS)"),
}

T = TypeVar("T")

# Rows fetched (and their lead countries read) per database round trip.
CHUNK_SIZE = 2000

# A spreadsheet runs a cell that begins with one of these as a formula (CSV injection).
# Single characters (any_formula_like reads them so).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportTooLarge(TrackerError):
    """The table has more rows than the format can hold in memory."""


@dataclass
class Export:
    """What is exported, said in the file name, the title row and the sheet name."""

    title: str
    filename_stem: str
    sheet_name: str
    filters: list[tuple[str, str]] = field(default_factory=list)
    exported_at: datetime = field(default_factory=timezone.localtime)

    def filename(self, export_format: str) -> str:
        return f"{self.filename_stem}-{self.exported_at:%Y-%m-%d}.{export_format}"

    @property
    def heading(self) -> str:
        """One line: what, which filters, when. It heads XLSX and ODS sheets."""
        parts = [self.title]
        if self.filters:
            parts.append("; ".join(f"{label}: {value}" for label, value in self.filters))
        when = date_format(self.exported_at, "Y-m-d H:i")
        parts.append(
            _("exported %(when)s (%(zone)s)")
            % {"when": when, "zone": timezone.get_current_timezone_name()}
        )
        return " — ".join(parts)


def neutralise(value):
    """Prefix an apostrophe to text a spreadsheet would run as a formula (CSV only: XLSX and
    ODS cells are typed, so their strings stay exactly as the tracker holds them)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _plain(value):
    """A cell's value as data: lazy strings resolved, the markup of a rendered cell dropped
    (a title that merely contains "<" stays as written), dates and numbers kept."""
    if isinstance(value, SafeData):
        return html.unescape(strip_tags(str(value)))
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value
    return value


@dataclass(frozen=True)
class ExportColumn:
    name: str
    header: str
    kind: str  # "percent" or "value"


def columns(table: Table) -> list[ExportColumn]:
    """The table's visible columns, in order, with plain-text headers."""
    return [
        ExportColumn(
            name=bound.name,
            header=strip_tags(str(bound.header)),
            kind=getattr(bound.column, "export_kind", "value"),
        )
        for bound in table.columns
        if not bound.column.exclude_from_export
    ]


def records(table: Table, fields: list[str] | None = None) -> Iterable:
    """The table's rows, ordered and filtered as shown, across all its pages; with `fields`,
    as tuples of those values (fastrows) rather than model instances."""
    data = table.data.data
    if fields is not None:
        plain = data.prefetch_related(None).values_list(*fields)
        return plain.iterator(chunk_size=CHUNK_SIZE)
    if isinstance(data, QuerySet):
        # Prefetches (lead countries) run once per chunk, not once per row.
        return data.iterator(chunk_size=CHUNK_SIZE)
    return data


def row_count(table: Table) -> int:
    data = table.data.data
    return data.count() if isinstance(data, QuerySet) else len(data)


def _getter(table: Table, name: str):
    """record -> the cell's export value, as django-tables2's BoundRow.get_cell_value gives
    it (value_<name>, else render_<name>, else the column's value(), of the accessor's value
    or a choice's label), but set up once per column rather than once per cell."""
    bound = table.columns[name]
    column = bound.column
    accessor = A(bound.accessor)
    method = getattr(table, f"value_{name}", None) or getattr(table, f"render_{name}", None)
    if method is None and not (
        type(column).value is Column.value and type(column).render is Column.render
    ):
        method = column.value  # a column class of its own: ask it
    wanted = set(inspect.signature(method).parameters) if method else set()
    choices = False
    model = getattr(table._meta, "model", None)
    if model is not None:
        try:
            choices = bool(getattr(accessor.get_field(model), "choices", None))
        except FieldDoesNotExist:
            choices = False

    def get(record):
        try:
            if choices:
                holder, remainder = accessor.penultimate(record)
                value = getattr(holder, f"get_{remainder}_display")()
            else:
                value = accessor.resolve(record)
        except (AttributeError, KeyError, IndexError, TypeError, ValueError):
            value = None
        if value in column.empty_values:
            return None
        if method is None:
            return value
        arguments = {
            "value": value,
            "record": record,
            "column": column,
            "bound_column": bound,
            "table": table,
        }
        return method(**{k: v for k, v in arguments.items() if k in wanted})

    return get


def primed(values: Iterator[T]) -> Iterator[T]:
    """Run the first query now, in the view: if the database fails, the client gets the
    error page, not a 200 whose body stops short. A later failure propagates out of the
    stream, so the server aborts the transfer instead of ending it cleanly."""
    first = list(itertools.islice(values, 1))
    return itertools.chain(first, values)


class Chunk(NamedTuple):
    """Some of an export's rows, column by column: `columns[c][r]` is the value of row r in
    column c. Writers convert a column at a time (one kind of value, one conversion)."""

    size: int
    columns: list[Sequence]

    @classmethod
    def of_rows(cls, rows: Sequence[Sequence]) -> "Chunk":
        return cls(len(rows), [list(column) for column in zip(*rows, strict=True)])

    def rows(self) -> Iterator[tuple]:
        return zip(*self.columns, strict=True) if self.columns else iter([()] * self.size)

    def piece(self, start: int, stop: int) -> "Chunk":
        """Rows start to stop (not included)."""
        stop = min(stop, self.size)
        return Chunk(max(stop - start, 0), [column[start:stop] for column in self.columns])


@contextmanager
def snapshot(using: str):
    """On PostgreSQL, one REPEATABLE READ, read-only transaction around an export: its rows
    come in several queries (groups of plans, each chunk's lead countries), and all of them
    then read the data as it was at the first, whatever is written meanwhile (a project
    moved to another plan is neither missed nor listed twice). Elsewhere, or within a
    transaction already, the queries run as they come."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def chunks(table: Table, cols: list[ExportColumn]) -> Iterator[Chunk]:
    """The export's rows (each row's values as the table computes them for export, its
    value_<column> methods), up to CHUNK_SIZE rows at a time; the project tables' by plain
    values (fastrows: the same cells, many times faster)."""
    from .fastrows import fast_chunks  # it imports the tables, which import this module

    fast = fast_chunks(table, cols)
    if fast is not None:
        return fast
    return map(Chunk.of_rows, batched(table_rows(table, cols), CHUNK_SIZE))


def rows(table: Table, cols: list[ExportColumn]) -> Iterator[Sequence]:
    """The export's rows one by one (see chunks)."""
    return itertools.chain.from_iterable(chunk.rows() for chunk in chunks(table, cols))


def batched(values: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(values)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


_FIRST = operator.itemgetter(slice(0, 1))
_FORMULA_FIRST = frozenset(FORMULA_STARTS)


def any_formula_like(texts: Iterable[str]) -> bool:
    """Whether any of these texts begins as a formula would: one C pass over their first
    characters rather than a startswith() per text."""
    return not _FORMULA_FIRST.isdisjoint(map(_FIRST, texts))


def table_rows(table: Table, cols: list[ExportColumn]) -> Iterator[list]:
    """Each row's values as the table computes them, cell by cell (the general way)."""
    getters = [_getter(table, col.name) for col in cols]
    for record in records(table):
        yield [_plain(get(record)) for get in getters]
