"""The filtered tables (projects, progress), their exports and the printable meeting annex."""

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from .. import throttle
from ..annex_pdf import pdf_available
from ..annex_pdf import response as annex_pdf_response
from ..asof import as_of_described, as_of_from, as_of_or_message, as_of_suffix
from ..models import Body, WorkPlan
from ..permissions import readable
from ..progress_rows import annex_rows, progress_rows
from ..selectors import listed_projects
from ..tables import exports
from ..tables.filters import PlanFilter, ProjectFilter
from ..tables.projects import ProgressTable, ProjectListTable
from . import listing, paging

# Rows of the progress table per page (its exports hold them all).
PROGRESS_ROWS = 25
# The annex of every body lists a body's plans up to this many; beyond, its own annex does.
ANNEX_PLANS = 50

# ---------------------------------------------------------------------------------
# Views.


@readable
def project_list(request: HttpRequest, slug: str | None = None) -> HttpResponseBase:
    """Projects across all plans, or within one (/plans/<slug>/projects/), filtered and sorted."""
    plan = None
    as_of = as_of_or_message(request)
    queryset = listed_projects(as_of)
    if slug is not None:
        plan = get_object_or_404(WorkPlan.objects.select_related("body"), slug=slug)
        queryset = queryset.filter(plan=plan)

    filterset = ProjectFilter(request.GET, queryset=queryset, plan=plan)
    valid = filterset.form.is_valid()
    table = ProjectListTable(
        filterset.qs if valid else queryset.none(),
        exclude=("body", "plan") if plan else (),
    )
    RequestConfig(request, paginate=False).configure(table)
    table.data.data = listing.stable(table.data.data)

    described = filterset.describe() + as_of_described(as_of)
    export_format = request.GET.get("_export")
    if export_format is not None:
        # What the file is of: the plan (given or chosen), else the chosen body, else all.
        chosen = (plan.slug, str(plan)) if plan else filterset.chosen("plan")
        body = None if plan else filterset.chosen("body")
        stem, subject = chosen or body or ("accsm", None)
        title = _("Projects and activities")
        if subject:
            title = f"{title} — {subject}"
        export = exports.Export(
            title=title,
            filename_stem=f"{listing.stem(stem)}-projects{as_of_suffix(as_of)}",
            sheet_name=_("Projects"),
            filters=[item for item in described if not (chosen and item[1] == subject)],
        )
        return listing.export(request, table, filterset, export_format, export)

    searched = valid and bool(filterset.form.cleaned_data.get("q"))
    plans = filterset.listed_plans()
    # Across plans, now: a lead country's projects alone, or a body's, counted more cheaply.
    counter = filterset.quick_count if plan is None and as_of is None else None
    paging.paginate(request, table, filterset.page_size, plans, searched=searched, counter=counter)
    context = {
        "plan": plan,
        "filter": filterset,
        "table": table,
        "described": described,
        "export_links": listing.export_links(request),
        "sort": request.GET.get("sort", ""),
        "as_of": as_of,
    }
    return render(request, "workplans/tables/projects.html", context)


@readable
def progress_table(request: HttpRequest) -> HttpResponseBase:
    """One row per plan, subtotals per body: the table that goes into meeting papers."""
    filterset = PlanFilter(request.GET, queryset=WorkPlan.objects.all())
    valid = filterset.form.is_valid()
    as_of = as_of_or_message(request)
    rows = progress_rows(filterset.qs if valid else WorkPlan.objects.none(), as_of)
    table = ProgressTable(rows)
    RequestConfig(request, paginate=False).configure(table)

    described = filterset.describe() + as_of_described(as_of)
    export_format = request.GET.get("_export")
    if export_format is not None:
        body = filterset.form.cleaned_data.get("body") if valid else None
        stem = f"{listing.stem(body.code if body else 'accsm')}-progress"
        export = exports.Export(
            title=_("Progress of the work plans"),
            filename_stem=stem + as_of_suffix(as_of),
            sheet_name=_("Progress"),
            filters=described,
        )
        return listing.export(request, table, filterset, export_format, export)

    # A page of rows at a time; the sums (each body's, and all) above, whatever the page.
    paging.paginate(request, table, PROGRESS_ROWS)
    sums = [row for row in rows if row.kind != "plan"]
    context = {
        "filter": filterset,
        "table": table,
        "sums": ProgressTable(sums) if table.paginator.num_pages > 1 else None,
        "subtotals": [row for row in sums if row.kind == "subtotal"],
        "described": described,
        "export_links": listing.export_links(request),
        "as_of": as_of,
    }
    return render(request, "workplans/tables/progress.html", context)


def _annex_context(request: HttpRequest, body_code: str | None) -> dict:
    body = get_object_or_404(Body, code=body_code) if body_code else None
    plans = WorkPlan.objects.filter(body=body) if body else WorkPlan.objects.all()
    # The period comes from the query string; the body from the address.
    filterset = PlanFilter({"period": request.GET.get("period", "")}, queryset=plans)
    as_of, _error = as_of_from(request)  # the annex page and its PDF: no messages there
    rows = progress_rows(filterset.qs if filterset.form.is_valid() else plans.none(), as_of)
    if body is None:
        rows = annex_rows(rows, ANNEX_PLANS)
    return {
        "as_of": as_of,
        "body": body,
        "rows": rows,
        "period": filterset.describe(),
        "generated_at": timezone.localtime(),
        "pdf_available": pdf_available(),
        "query": request.GET.urlencode(),
    }


@readable
def annex(request: HttpRequest, body_code: str | None = None) -> HttpResponse:
    """The meeting annex: a print-ready page per body (or for all), no navigation."""
    return render(request, "workplans/annex.html", _annex_context(request, body_code))


@readable
def annex_pdf(request: HttpRequest, body_code: str | None = None) -> HttpResponseBase:
    if not pdf_available():
        raise Http404(_("PDF output is not installed on this server."))
    return throttle.limited(request, lambda: annex_pdf_response(_annex_context(request, body_code)))
