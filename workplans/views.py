from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django_tables2 import RequestConfig

from .access import readable
from .models import Project, WorkPlan
from .selectors import dashboard_bodies, pending_proposals, plan_progress, plan_projects
from .tables import ProjectTable


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
        "reports": plan.reports.select_related("meeting"),
        "areas": plan.areas.all(),
        "proposals": plan.projects.proposals().select_related("proposed_by"),
        "targets": plan.targets.all(),
        "milestones": plan.milestones.all(),
        "successors": plan.successors.all(),
    }
    return render(request, "workplans/plan_detail.html", context)


@readable
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(
        Project.objects.select_related(
            "plan__body", "priority_area", "carried_over_from__plan", "proposed_by", "adopted_at"
        ).prefetch_related("lead_countries"),
        pk=pk,
    )
    changes = project.changes.select_related("changed_by", "meeting")
    return render(
        request, "workplans/project_detail.html", {"project": project, "changes": changes}
    )
