"""The dashboard and a plan's page: figures with their sources, projects, proposals."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django_tables2 import RequestConfig

from ..asof import as_of_or_message
from ..history import trends
from ..models import WorkPlan
from ..permissions import (
    readable,
)
from ..reconcile import reconciliations
from ..selectors import (
    dashboard_bodies,
    pending_proposals,
    plan_progress,
    plan_projects,
)
from ..tables.projects import ProjectTable
from ..targets import all_milestones, all_targets, milestone_rows

# The dashboard lists the latest few proposals and links to all of them.
LATEST_PROPOSALS = 5


@readable
def dashboard(request: HttpRequest) -> HttpResponse:
    as_of = as_of_or_message(request)
    bodies = dashboard_bodies(as_of=as_of)
    progresses = [progress for group in bodies for progress in group.shown]
    proposals = pending_proposals()
    context = {
        "bodies": bodies,
        "proposals": proposals[:LATEST_PROPOSALS],
        "proposals_count": proposals.count(),
        "trends": trends(progresses, timezone.localdate()),
        "as_of": as_of,
    }
    return render(request, "workplans/dashboard.html", context)


@readable
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    as_of = as_of_or_message(request)
    plans = WorkPlan.objects.filter(slug=slug).select_related("predecessor")
    found = plan_progress(plans, as_of)
    if not found:
        raise Http404
    progress = found[0]
    # Reconciliation compares the latest report with the live count: now only.
    reconciled = reconciliations(plans) if progress.report and progress.live and not as_of else []
    plan = progress.plan
    table = ProjectTable(plan_projects(plan, as_of))
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    context = {
        "plan": plan,
        "progress": progress,
        "table": table,
        "reports": plan.reports.select_related("meeting", "recorded_by"),
        "areas": plan.areas.select_related("proposed_by"),
        "proposals": plan.projects.proposals().select_related("proposed_by"),
        "targets": plan.targets.all(),
        "milestones": milestone_rows(plan.milestones.all(), timezone.localdate()),
        "successors": plan.successors.all(),
        "reconciliation": reconciled[0] if reconciled else None,
        "trend": trends([progress], timezone.localdate())[plan.pk],
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
