"""Reconciliation for the Secretariat: reported figures beside live counts, plan by plan."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ..models import StatusReport, WorkPlan
from ..permissions import AuthenticatedRequest, can_update_any
from ..reconcile import reconciliations

PLANS_PER_PAGE = 25


@login_required
def reconcile(request: AuthenticatedRequest) -> HttpResponse:
    if not can_update_any(request.user):
        raise PermissionDenied(_("This page is for the Secretariat."))
    # Plans with a report and an itemized project, paginated before their figures are read.
    candidates = (
        WorkPlan.objects.filter(pk__in=StatusReport.objects.values("plan"))
        .exclude(projects__isnull=True)
        .distinct()
        .order_by("body__position", "title")
    )
    page = Paginator(candidates.values_list("pk", flat=True), PLANS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    items = reconciliations(
        WorkPlan.objects.filter(pk__in=list(page)).order_by("body__position", "title")
    )
    return render(request, "workplans/reconcile.html", {"page": page, "items": items})
