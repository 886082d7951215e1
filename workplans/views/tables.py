"""The filtered tables (projects, progress), their exports and the printable meeting annex."""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig
from django_tables2.tables import Table

from .. import throttle
from ..models import Body, Project, WorkPlan
from ..permissions import readable
from ..progress import Progress
from ..provenance import added_since, figures_when, mixed_dates_note, report_source
from ..selectors import Basis, PlanProgress, dashboard_bodies
from ..statuses import COUNTED
from ..tables import exports
from ..tables.filters import PlanFilter, ProjectFilter, TableFilterSet
from ..tables.projects import ProgressTable, ProjectListTable

# ---------------------------------------------------------------------------------
# The progress rows: one per plan, a subtotal per body, a total when several bodies.


@dataclass
class ProgressRow:
    kind: str  # "plan", "subtotal" or "total"
    body: Body | None
    label: str
    plan: WorkPlan | None = None
    period: str = ""
    progress: Progress | None = None
    pending: int | None = None
    source: str = ""
    figures_date: str = ""
    differs: bool = False

    def __post_init__(self):
        # The table and the annex read `completed`, `completed_pct`… straight off the row.
        p = self.progress
        self.total = p.total if p else None
        for status in COUNTED:
            setattr(self, status.value, p.count(status) if p else None)
            setattr(self, f"{status.value}_pct", p.percent(status) if p else None)
        self.segments = p.segments() if p else []


def _plan_source(progress: PlanProgress, today: date) -> str:
    basis = progress.basis
    if basis == Basis.LIVE:
        text = _("Live count of the plan's itemized projects, as of %(date)s") % {
            "date": date_format(today, "DATE_FORMAT")
        }
        if progress.report and progress.differs:
            text += "; " + _("differs from the latest report (%(source)s: %(total)s counted)") % {
                "source": report_source(progress.report),
                "total": progress.reported.total,
            }
        return text
    if basis == Basis.REPORT_PLUS:
        text = added_since(progress)
        if progress.report.source_title:
            text += f" — {progress.report.source_title}"
        return text
    if progress.report:
        return report_source(progress.report)
    return _("No figures yet: no projects are itemized and no counts have been reported.")


def _sum_source(rows: list[ProgressRow], what: str) -> str:
    """A sum says when its parts hold: their one date, or each of the dates it mixes."""
    dates = [row.figures_date for row in rows if row.progress]
    note = mixed_dates_note(dates)
    if note:
        return f"{what}. {note}"
    return f"{what} ({dates[0]})" if dates else what


def progress_rows(plans: QuerySet[WorkPlan]) -> list[ProgressRow]:
    """Rows of the progress table, from the dashboard's reads (a constant number of queries)."""
    today = timezone.localdate()
    bodies = dashboard_bodies(plans)
    rows, plan_rows = [], []
    for group in bodies:
        body_rows = []
        for item in group.plans:
            body_rows.append(
                ProgressRow(
                    kind="plan",
                    body=group.body,
                    label=item.plan.title,
                    plan=item.plan,
                    period=item.plan.period,
                    progress=item.figures,
                    pending=item.pending,
                    source=_plan_source(item, today),
                    figures_date=figures_when(item, today),
                    differs=item.differs,
                )
            )
        rows += body_rows
        plan_rows += body_rows
        rows.append(
            ProgressRow(
                kind="subtotal",
                body=group.body,
                label=_("Subtotal, %(body)s") % {"body": group.body.short_name},
                progress=group.total,
                pending=sum(item.pending for item in group.plans),
                source=_sum_source(body_rows, _("Sum of the figures above")),
            )
        )
    if len(bodies) > 1:
        rows.append(
            ProgressRow(
                kind="total",
                body=None,
                label=_("Total, all bodies"),
                progress=sum((group.total for group in bodies), Progress()),
                pending=sum(row.pending for row in rows if row.kind == "subtotal"),
                source=_sum_source(plan_rows, _("Sum of the subtotals")),
            )
        )
    return rows


# ---------------------------------------------------------------------------------
# Helpers shared by the table pages.


def _stable(queryset: QuerySet) -> QuerySet:
    """The table's ordering plus the primary key, so that ties always come out the same way."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    return queryset.order_by(*ordering, "pk")


def _paginate(request: HttpRequest, table: Table, per_page: int) -> None:
    try:
        table.paginate(page=request.GET.get("page", 1), per_page=per_page)
    except (EmptyPage, PageNotAnInteger):
        table.paginate(page=1, per_page=per_page)


def _url_without(request: HttpRequest, *keys: str, **values) -> str:
    query = request.GET.copy()
    for key in keys:
        query.pop(key, None)
    for key, value in values.items():
        query[key] = value
    return f"{request.path}?{query.urlencode()}" if query else request.path


def _export_links(request: HttpRequest) -> list[dict]:
    return [
        {
            "format": fmt,
            "label": exports.FORMAT_LABELS[fmt],
            "url": _url_without(request, "page", _export=fmt),
        }
        for fmt in exports.FORMATS
    ]


def _stem(slug: str) -> str:
    return slug if slug.startswith("accsm") else f"accsm-{slug}"


def _export(
    request: HttpRequest,
    table: Table,
    filterset: TableFilterSet,
    export_format: str,
    export: exports.Export,
) -> HttpResponse:
    if export_format not in exports.FORMATS:
        raise Http404(_("Unknown export format."))
    if not filterset.form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(_url_without(request, "_export"))
    try:
        return throttle.limited(request, lambda: exports.response(table, export_format, export))
    except exports.ExportTooLarge as error:
        messages.error(request, str(error))
        return redirect(_url_without(request, "_export"))


# ---------------------------------------------------------------------------------
# Views.


@readable
def project_list(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Projects across all plans, or within one (/plans/<slug>/projects/), filtered and sorted."""
    plan = None
    queryset = Project.objects.select_related("plan__body", "priority_area").prefetch_related(
        "lead_countries"
    )
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
    table.data.data = _stable(table.data.data)

    described = filterset.describe()
    export_format = request.GET.get("_export")
    if export_format is not None:
        chosen = plan or (filterset.form.cleaned_data.get("plan") if valid else None)
        body = filterset.form.cleaned_data.get("body") if valid and not plan else None
        subject = chosen.title if chosen else (body.short_name if body else None)
        title = _("Projects and activities")
        if subject:
            title = f"{title} — {subject}"
        stem = chosen.slug if chosen else (body.code if body else "accsm")
        export = exports.Export(
            title=title,
            filename_stem=f"{_stem(stem)}-projects",
            sheet_name=_("Projects"),
            filters=[item for item in described if not (chosen and item[1] == subject)],
        )
        return _export(request, table, filterset, export_format, export)

    _paginate(request, table, filterset.page_size)
    context = {
        "plan": plan,
        "filter": filterset,
        "table": table,
        "described": described,
        "export_links": _export_links(request),
        "sort": request.GET.get("sort", ""),
    }
    return render(request, "workplans/tables/projects.html", context)


@readable
def progress_table(request: HttpRequest) -> HttpResponse:
    """One row per plan, subtotals per body: the table that goes into meeting papers."""
    filterset = PlanFilter(request.GET, queryset=WorkPlan.objects.all())
    valid = filterset.form.is_valid()
    rows = progress_rows(filterset.qs if valid else WorkPlan.objects.none())
    table = ProgressTable(rows)
    RequestConfig(request, paginate=False).configure(table)

    described = filterset.describe()
    export_format = request.GET.get("_export")
    if export_format is not None:
        body = filterset.form.cleaned_data.get("body") if valid else None
        export = exports.Export(
            title=_("Progress of the work plans"),
            filename_stem=f"{_stem(body.code if body else 'accsm')}-progress",
            sheet_name=_("Progress"),
            filters=described,
        )
        return _export(request, table, filterset, export_format, export)

    context = {
        "filter": filterset,
        "table": table,
        "described": described,
        "export_links": _export_links(request),
    }
    return render(request, "workplans/tables/progress.html", context)


def _annex_context(request: HttpRequest, body_code: str | None) -> dict:
    body = get_object_or_404(Body, code=body_code) if body_code else None
    plans = WorkPlan.objects.filter(body=body) if body else WorkPlan.objects.all()
    # The period comes from the query string; the body from the address.
    filterset = PlanFilter({"period": request.GET.get("period", "")}, queryset=plans)
    rows = progress_rows(filterset.qs if filterset.form.is_valid() else plans.none())
    return {
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


def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: the package is there but not Pango
        return False
    return True


def _refuse_fetch(url: str, *args, **kwargs):
    # The annex is self-contained: the PDF renderer never fetches anything.
    raise ValueError(f"Refusing to fetch {url}")


@readable
def annex_pdf(request: HttpRequest, body_code: str | None = None) -> HttpResponse:
    if not pdf_available():
        raise Http404(_("PDF output is not installed on this server."))
    return throttle.limited(request, lambda: _annex_pdf_response(request, body_code))


def _annex_pdf_response(request: HttpRequest, body_code: str | None) -> HttpResponse:
    import weasyprint

    context = _annex_context(request, body_code)
    html = render_to_string("workplans/annex.html", {**context, "for_pdf": True}, request=request)
    # The stylesheet is read from disk: the renderer fetches nothing over the network.
    css = weasyprint.CSS(filename=finders.find("css/annex.css"), url_fetcher=_refuse_fetch)
    pdf = weasyprint.HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(stylesheets=[css])
    stem = _stem(context["body"].code if context["body"] else "accsm")
    filename = f"{stem}-meeting-annex-{context['generated_at']:%Y-%m-%d}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    # A download (the button says so), not a page the browser opens in place of the annex.
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
