"""What the table pages share: stable ordering, export links and the export itself (their pages: paging.py)."""

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_tables2.tables import Table

from .. import throttle
from ..tables import exports, writers
from ..tables.filters import TableFilterSet


def stable(queryset: QuerySet) -> QuerySet:
    """The table's ordering plus the primary key, so that ties always come out the same way:
    in the direction of the last key, so that an index on (column, id) serves either way."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    return queryset.order_by(*ordering, "-pk" if descending(ordering[-1]) else "pk")


def descending(key) -> bool:
    """Whether an ordering key ('-title', F('status').desc()…) sorts descending."""
    return key.startswith("-") if isinstance(key, str) else bool(getattr(key, "descending", False))


def url_without(request: HttpRequest, *keys: str, **values) -> str:
    query = request.GET.copy()
    for key in keys:
        query.pop(key, None)
    for key, value in values.items():
        query[key] = value
    return f"{request.path}?{query.urlencode()}" if query else request.path


def export_links(request: HttpRequest) -> list[dict]:
    return [
        {
            "format": fmt,
            "label": exports.FORMAT_LABELS[fmt],
            "url": url_without(request, "page", _export=fmt),
        }
        for fmt in exports.FORMATS
    ]


def stem(slug: str) -> str:
    return slug if slug.startswith("accsm") else f"accsm-{slug}"


def export(
    request: HttpRequest,
    table: Table,
    filterset: TableFilterSet | None,
    export_format: str,
    export: exports.Export,
) -> HttpResponseBase:
    if export_format not in exports.FORMATS:
        raise Http404(_("Unknown export format."))
    if filterset is not None and not filterset.form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(url_without(request, "_export"))
    try:
        return throttle.limited(request, lambda: writers.response(table, export_format, export))
    except exports.ExportTooLarge as error:
        messages.error(request, str(error))
        return redirect(url_without(request, "_export"))
