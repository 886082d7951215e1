"""Cursor pagination whose bad input is a 400 naming the parameter. DRF's cursor is plain
base64 (a client could forge any position, and a position of the wrong type would reach the
database), answers a malformed one with a 404 and silently caps a huge page size: here the
cursor is signed, and both are a 400.

A cursor holds every key of the sort of the row it follows (the last key is the id), not
DRF's first key and an offset among the rows sharing it: sorted by plan, a body's 200,000
projects share their first key (the body's position), and past DRF's offset cap (1,000)
its pages repeated the same rows and never reached the rest.
"""

import json
from base64 import b64decode
from binascii import Error as Base64Error
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from urllib import parse

from django.core import signing
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor as Position
from rest_framework.pagination import CursorPagination
from rest_framework.utils.urls import replace_query_param

SIGNER = signing.Signer(salt="workplans.api.cursor")


class Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("pk",)

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("“%(value)s” is not a page size: give a whole number from 1 to %(max)s.")
                        % {"value": raw[:20], "max": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def encode_cursor(self, cursor: Position) -> str:
        url = super().encode_cursor(cursor)
        query = parse.parse_qs(parse.urlsplit(url).query)
        encoded = query[self.cursor_query_param][0]
        return replace_query_param(url, self.cursor_query_param, SIGNER.sign(encoded))

    def decode_cursor(self, request) -> Position | None:
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return None
        try:
            encoded = SIGNER.unsign(raw)
            # An empty position is a position (the first key may be empty text).
            tokens = parse.parse_qs(
                b64decode(encoded, validate=True).decode("ascii"), keep_blank_values=True
            )
            offset = int(tokens.get("o", ["0"])[0])
            reverse = bool(int(tokens.get("r", ["0"])[0]))
            position = tokens.get("p", [None])[0]
            held = json.loads(position or "null")
            # Every cursor given out holds its sort and keys, with no offset (nor one of an
            # older version of the API, which held the first key alone).
            if offset or not isinstance(held, dict) or not isinstance(held.get("keys"), list):
                raise ValueError(position)
        except (signing.BadSignature, Base64Error, UnicodeDecodeError, ValueError) as error:
            raise ValidationError(
                {self.cursor_query_param: [_("Not a cursor this API gave out: follow “next”.")]}
            ) from error
        self.held = held  # its sort and keys, read once (_keys_of)
        # The stubs say int; the position here is the JSON of the sort and its keys.
        return Position(offset=offset, reverse=reverse, position=position)  # type: ignore[arg-type]

    def get_ordering(self, request, queryset, view) -> tuple:
        """The view's sort (`sort_ordering`), if it has one; else by id."""
        ordering = getattr(view, "sort_ordering", None)
        return tuple(ordering) if ordering else self.ordering

    def paginate_queryset(self, queryset, request, view=None):
        """A page of rows after the cursor's (before it, going back), in the sort's order."""
        self.request, self.page_size = request, self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = cursor = self.decode_cursor(request)
        back = bool(cursor and cursor.reverse)
        rows = queryset.order_by(*(_reversed(self.ordering) if back else self.ordering))
        keys = None if cursor is None else self._keys_of()
        nullable: dict[str, str] = getattr(view, "sort_nullable", {})
        # The first key's values, if the view lists them (few, on another table: areas).
        values = view.sort_values() if hasattr(view, "sort_values") else None
        parts = beyond(self.ordering, keys, back, nullable, values)
        results: list = []
        for part in parts:  # mostly one query; two where a page reaches the next part
            wanted = self.page_size + 1 - len(results)
            if wanted <= 0:
                break
            chosen = rows.filter(part)
            if hasattr(view, "narrow"):  # the view knows where the page's rows are, if it can
                chosen = view.narrow(chosen, keys, back, wanted)
            results += chosen[:wanted]
        self.page = results[: self.page_size]
        more = len(results) > self.page_size
        if back:
            self.page.reverse()
        self.has_next = cursor is not None if back else more
        self.has_previous = more if back else cursor is not None
        self.display_page_controls = (self.has_next or self.has_previous) and bool(self.template)
        return self.page

    def get_next_link(self) -> str | None:
        return self._link(self.has_next, -1, reverse=False)

    def get_previous_link(self) -> str | None:
        return self._link(self.has_previous, 0, reverse=True)

    def _link(self, wanted: bool | None, index: int, reverse: bool) -> str | None:
        if not wanted:
            return None
        if self.page:
            keys = [_plain(getattr(self.page[index], name.lstrip("-"))) for name in self.ordering]
            position = json.dumps({"sort": list(self.ordering), "keys": keys})
        else:  # nothing beyond the cursor now: back (or on) from the same place
            assert self.cursor is not None  # an empty page has a link only from a cursor
            position = str(self.cursor.position)
        # The stubs say int; the position here is the JSON of the sort and its keys.
        cursor = Position(offset=0, reverse=reverse, position=position)  # type: ignore[arg-type]
        return self.encode_cursor(cursor)

    def _keys_of(self) -> list:
        """The keys the request's cursor holds, if it was given out for this sort (else a 400)."""
        held = self.held
        if held.get("sort") != list(self.ordering) or len(held["keys"]) != len(self.ordering):
            raise ValidationError(
                {
                    self.cursor_query_param: [
                        _("This cursor is of another sort: follow “next” from the first page.")
                    ]
                }
            )
        return held["keys"]


def _reversed(ordering: tuple) -> tuple:
    return tuple(name[1:] if name.startswith("-") else f"-{name}" for name in ordering)


def _plain(value):
    """A key as JSON holds it: a day or an instant in ISO 8601, to the microsecond."""
    return value.isoformat() if isinstance(value, date) else value


def beyond(
    ordering: tuple,
    keys: list | None,
    back: bool = False,
    nullable: Mapping[str, str] = MappingProxyType({}),
    values: list | None = None,
) -> list[Q]:
    """The rows after `keys` in `ordering` (before them, if `back`; every row if `keys` is
    None), as parts to read one after another until a page is full: a later first key, or
    the same and a later second, and so on. A key of a `nullable` field may be None: empty
    values sort where this database sorts NULLs (PostgreSQL: after every value; SQLite:
    before), as the tables; `nullable` gives the lookup that finds them (an area's number
    is empty where a project has no area, which the index on its area finds).

    The first key's empty values are a part of their own, so that no part says "or empty"
    of the first key: each is then a range of the index on it (a year's projects, and then
    those without a year), where one "or" had PostgreSQL read every row before the cursor.
    Given the first key's `values` (few: the area numbers), each value is a part of its own
    (SPLIT_VALUES of them, then the rest together): its rows come by the next key's index."""
    name = ordering[0]
    field, ascending = name.lstrip("-"), name.startswith("-") == back
    empties_last = connection.features.nulls_order_largest == ascending
    empty = _empty(field, nullable)
    empties = [empty] if field in nullable else []
    if keys is None:  # from the first row
        if values is None:
            return [Q()]
        later = _later(field, None, ascending, values, nullable)
        return [*later, *empties] if empties_last else [*empties, *later]
    key, rest = keys[0], _after(ordering[1:], keys[1:], back, nullable)
    if key is None:  # among the rows with no first key
        within = [] if rest is None else [empty & rest]
        return (
            within if empties_last else [*within, *_later(field, None, ascending, values, nullable)]
        )
    if values is None:
        lookup = "gt" if ascending else "lt"
        after = Q(**{f"{field}__{lookup}": key})
        if rest is not None:
            after |= Q(**{field: key}) & rest
        # The first key's range on its own too, so that an index on it finds the rows.
        parts = [Q(**{f"{field}__{lookup}e": key}) & after]
    else:
        within = [] if rest is None else [Q(**{field: key}) & rest]
        parts = [*within, *_later(field, key, ascending, values, nullable)]
    return [*parts, *empties] if empties_last else parts


# Of a first key's values, this many are read one by one, the rest together.
SPLIT_VALUES = 2


def _later(
    field: str, key, ascending: bool, values: list | None, nullable: Mapping[str, str]
) -> list[Q]:
    """The rows whose `field` is a value after `key` (any value if None), in that order:
    as one range, or, given the `values`, a part per value."""
    lookup = "gt" if ascending else "lt"
    if values is None:
        return [~_empty(field, nullable) if key is None else Q(**{f"{field}__{lookup}": key})]
    later = sorted((v for v in values if v is not None), reverse=not ascending)
    if key is not None:
        later = [v for v in later if (v > key if ascending else v < key)]
    alone, together = later[:SPLIT_VALUES], later[SPLIT_VALUES:]
    parts = [Q(**{field: value}) for value in alone]
    return [*parts, Q(**{f"{field}__in": together})] if together else parts


def _empty(field: str, nullable: Mapping[str, str]) -> Q:
    """The rows whose `field` is empty."""
    return Q(**{nullable.get(field, f"{field}__isnull"): True})


def _after(ordering: tuple, keys: list, back: bool, nullable: Mapping[str, str]) -> Q | None:
    """The rows after `keys` in `ordering`, among those equal on every key before (None:
    no row can be, with no key left or past the last empty value)."""
    after: Q | None = None
    same = Q()
    for name, key in zip(ordering, keys, strict=True):
        field, ascending = name.lstrip("-"), name.startswith("-") == back
        empties_last = connection.features.nulls_order_largest == ascending
        empty = _empty(field, nullable)
        if key is None:
            step = None if empties_last else ~empty
        else:
            step = Q(**{f"{field}__{'gt' if ascending else 'lt'}": key})
            if field in nullable and empties_last:
                step |= empty
        if step is not None:
            after = same & step if after is None else after | (same & step)
        same &= empty if key is None else Q(**{field: key})
    return after
