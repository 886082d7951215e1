"""The dashboard and a plan's page: figures with their sources, projects, proposals."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django_tables2 import RequestConfig

from .. import inline
from ..asof import as_of_or_message
from ..history import plan_trend
from ..models import Milestone, PriorityArea, Target, WorkPlan
from ..permissions import (
    readable,
)
from ..reconcile import reconcile
from ..selectors import (
    dashboard_cards,
    latest_proposals,
    pending_proposals,
    plan_projects,
    progress_of,
)
from ..tables.projects import ProjectTable
from ..targets import all_milestones, all_targets, milestone_rows
from .paging import CountedPaginator


@readable
def dashboard(request: HttpRequest) -> HttpResponse:
    as_of = as_of_or_message(request)
    context = {"as_of": as_of, "figures": dashboard_figures(request, as_of)}
    return render(request, "workplans/dashboard.html", context)


def dashboard_figures(request: HttpRequest, as_of) -> str:
    """The bodies' cards and the pending proposals, rendered. Anonymous visitors of the public
    dashboard (at a meeting, every delegate opens it) get a copy at most
    ACCSM_PUBLIC_CACHE_SECONDS old; whoever is logged in, and so may change figures, gets them
    as they are."""
    seconds = settings.ACCSM_PUBLIC_CACHE_SECONDS
    if request.user.is_authenticated or not seconds:
        return _render_figures(request, as_of)
    key = f"accsm:dashboard:{get_language()}:{as_of}:{timezone.localdate()}"
    figures = cache.get(key)
    if figures is None:
        figures = _render_figures(request, as_of)
        cache.set(key, figures, seconds)
    return figures


def _render_figures(request: HttpRequest, as_of) -> str:
    bodies, history = dashboard_cards(as_of)
    # The proposals pending now: the sum of the plans' figures, unless they are of a past day.
    proposals = pending_proposals()
    if as_of:
        pending = proposals.count()
    else:
        pending = sum(progress.pending for group in bodies for progress in group.plans)
    today = timezone.localdate()
    context = {
        "bodies": bodies,
        "proposals": proposals[: settings.ACCSM_LATEST_PROPOSALS] if pending else [],
        "proposals_count": pending,
        "trends": {
            p.plan.pk: plan_trend(p, history.get(p.plan.pk, []), today)
            for group in bodies
            for p in group.shown
        },
        "as_of": as_of,
    }
    return render_to_string("workplans/includes/dashboard_figures.html", context, request=request)


def _plan_and_successors(slug: str, as_of) -> tuple[WorkPlan, list[WorkPlan]]:
    """The plan, with its latest report's figures and its areas, targets and milestones
    inline, and the plans that follow it: one query."""
    rows = (
        WorkPlan.objects.filter(Q(slug=slug) | Q(predecessor__slug=slug))
        .with_reports(as_of)
        .select_related("predecessor")
        .annotate(
            area_rows=inline.rows_of(PriorityArea.objects.all(), "plan", ("proposed_by",)),
            target_rows=inline.rows_of(Target.objects.all(), "plan"),
            milestone_rows=inline.rows_of(Milestone.objects.all(), "plan"),
        )
    )
    plans = {row.slug: row for row in rows}
    plan = plans.pop(slug, None)
    if plan is None:
        raise Http404
    return plan, sorted(plans.values(), key=lambda p: (p.start_year or 0, p.title))


@readable
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    as_of = as_of_or_message(request)
    plan, successors = _plan_and_successors(slug, as_of)
    reports = list(plan.reports.select_related("meeting", "recorded_by"))
    progress = progress_of([plan], as_of, reports={r.pk: r for r in reports})[0]
    # Reconciliation compares the latest report with the live count: now only.
    reconciled = reconcile([progress]) if not as_of else []
    # The projects' number is known from the figures: the table's pages need no COUNT.
    table = ProjectTable(plan_projects(plan, as_of))
    RequestConfig(
        request,
        paginate={"per_page": 25, "paginator_class": CountedPaginator, "count": progress.itemized},
    ).configure(table)
    today = timezone.localdate()
    lists = vars(plan)  # the annotations of _plan_and_successors, by name
    context = {
        "plan": plan,
        "progress": progress,
        "table": table,
        "reports": reports,
        "areas": inline.instances(PriorityArea, lists["area_rows"], "number"),
        "proposals": latest_proposals(plan, progress.pending),
        "targets": inline.instances(Target, lists["target_rows"], "pk"),
        "milestones": milestone_rows(
            inline.instances(Milestone, lists["milestone_rows"], "due_date"), today
        ),
        "successors": successors,
        "reconciliation": reconciled[0] if reconciled else None,
        "trend": plan_trend(progress, reports, today),
        "as_of": as_of,
    }
    return render(request, "workplans/plan_detail.html", context)


@readable
def targets(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "targets": all_targets(),
        "milestones": milestone_rows(all_milestones(), today),
        "today": today,
    }
    return render(request, "workplans/targets.html", context)
