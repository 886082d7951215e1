"""Each country's projects: an official's own list, and the Secretariat's view by country.

The lists are the project table of /projects/, scoped to the country: paginated, sorted,
filtered and exported the same way, so they cost the same at 100 projects or 200,000.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from ..asof import as_of_described, as_of_or_message, as_of_suffix
from ..countries import country_overview
from ..models import Country
from ..permissions import AuthenticatedRequest, can_update_any, is_official, user_country
from ..rounds import open_rounds, returned_to
from ..selectors import countries_status, projects_led_by
from ..tables import exports
from ..tables.filters import CountryProjectFilter
from ..tables.projects import CountryProjectTable
from . import listing, paging


def _country_page(request: HttpRequest, country: Country, *, mine: bool) -> HttpResponseBase:
    as_of = as_of_or_message(request)
    queryset = projects_led_by(country, as_of)
    rounds = list(open_rounds().order_by("due_on"))
    overview = country_overview(country, rounds, as_of)
    filterset = CountryProjectFilter(
        request.GET, queryset=queryset, country=country, rounds=rounds, catalogue=overview.plans
    )
    valid = filterset.form.is_valid()
    table = CountryProjectTable(filterset.qs if valid else queryset.none(), user=request.user)
    if as_of:
        table.columns.hide("update")  # a past day's list: nothing to update there
    RequestConfig(request, paginate=False).configure(table)
    table.data.data = listing.stable(table.data.data)
    described = filterset.describe() + as_of_described(as_of)

    export_format = request.GET.get("_export")
    if export_format is not None:
        export = exports.Export(
            title=_("Projects and activities led by %(country)s") % {"country": country},
            filename_stem=f"accsm-{country.code.lower()}-projects{as_of_suffix(as_of)}",
            sheet_name=_("Projects"),
            filters=described,
        )
        return listing.export(request, table, filterset, export_format, export)

    # Unfiltered, the pages' counts per plan are the overview's.
    counts = None if described else overview.counts
    paging.paginate(request, table, filterset.page_size, [p.pk for p in overview.plans], counts)
    context = {
        "country": country,
        "mine": mine,
        "filter": filterset,
        "table": table,
        "described": described,
        "export_links": listing.export_links(request),
        "sort": request.GET.get("sort", ""),
        "stale_only": valid and bool(filterset.form.cleaned_data.get("stale")),
        "stale_days": settings.ACCSM_STALE_DAYS,
        "stale_total": overview.stale,
        "as_of": as_of,
        "rounds": overview.rounds,
        "returned": returned_to(country),
    }
    return render(request, "workplans/country_projects.html", context)


@login_required
def my_projects(request: AuthenticatedRequest) -> HttpResponseBase:
    """An official's list to clear before each SOM: their country's projects, stale ones flagged."""
    country = user_country(request.user)
    if not is_official(request.user) or country is None:
        raise PermissionDenied(
            _(
                "“My projects” lists the projects of an official's country; "
                "your account has no country."
            )
        )
    return _country_page(request, country, mine=True)


@login_required
def country_projects(request: AuthenticatedRequest, code: str) -> HttpResponseBase:
    country = get_object_or_404(Country, code=code.upper())
    if not (can_update_any(request.user) or user_country(request.user) == country):
        raise PermissionDenied(
            _("Only the Secretariat and that country's officials see this list.")
        )
    return _country_page(request, country, mine=False)


@login_required
def status_by_country(request: AuthenticatedRequest) -> HttpResponse:
    """For the Secretariat: per country, projects led, the last update and how many are stale."""
    if not can_update_any(request.user):
        raise PermissionDenied(_("This page is for the Secretariat."))
    rows = list(countries_status())
    context = {
        "rows": rows,
        "stale_days": settings.ACCSM_STALE_DAYS,
        "stale_total": sum(row.stale for row in rows),  # type: ignore[attr-defined]  # annotated
    }
    return render(request, "workplans/status_by_country.html", context)
