"""Cursor pagination whose bad input is a 400 naming the parameter. DRF's cursor is plain
base64 (a client could forge any position, and a position of the wrong type would reach the
database), answers a malformed one with a 404 and silently caps a huge page size: here the
cursor is signed, and both are a 400."""

from base64 import b64decode
from binascii import Error as Base64Error
from urllib import parse

from django.core import signing
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
        except (signing.BadSignature, Base64Error, UnicodeDecodeError, ValueError) as error:
            raise ValidationError(
                {self.cursor_query_param: [_("Not a cursor this API gave out: follow “next”.")]}
            ) from error
        offset = max(0, min(offset, self.offset_cutoff))
        # The stubs say int; DRF keeps the position as the text of the first sort key.
        return Position(offset=offset, reverse=reverse, position=position)  # type: ignore[arg-type]

    def get_ordering(self, request, queryset, view) -> tuple:
        """The view's sort (`sort_ordering`), if it has one; else by id."""
        ordering = getattr(view, "sort_ordering", None)
        return tuple(ordering) if ordering else self.ordering
