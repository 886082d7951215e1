"""The dashboard and a plan's page: figures with their sources, projects, proposals."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django_tables2 import RequestConfig

from ..models import WorkPlan
from ..permissions import (
    readable,
)
from ..selectors import (
    dashboard_bodies,
    pending_proposals,
    plan_progress,
    plan_projects,
)
from ..tables.projects import ProjectTable


@readable
def dashboard(request: HttpRequest) -> HttpResponse:
    context = {"bodies": dashboard_bodies(), "proposals": pending_proposals()}
    return render(request, "workplans/dashboard.html", context)


@readable
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    found = plan_progress(WorkPlan.objects.filter(slug=slug).select_related("predecessor"))
    if not found:
        raise Http404
    progress = found[0]
    plan = progress.plan
    table = ProjectTable(plan_projects(plan))
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    context = {
        "plan": plan,
        "progress": progress,
        "table": table,
        "reports": plan.reports.select_related("meeting", "recorded_by"),
        "areas": plan.areas.all(),
        "proposals": plan.projects.proposals().select_related("proposed_by"),
        "targets": plan.targets.all(),
        "milestones": plan.milestones.all(),
        "successors": plan.successors.all(),
    }
    return render(request, "workplans/plan_detail.html", context)
