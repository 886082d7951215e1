"""The meeting cycle's pages: meetings of every body, one meeting's business, chairs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..meetings import MeetingFilter, chair_rotation, meeting_business, meetings
from ..models import Meeting
from ..permissions import AuthenticatedRequest, can_record_reports, readable
from ..services.reports import recording_plan, recording_refused, reports_record_at_meeting

MEETINGS_PER_PAGE = 50


@readable
def meeting_list(request: HttpRequest) -> HttpResponse:
    filterset = MeetingFilter(request.GET, queryset=meetings())
    queryset = filterset.qs if filterset.form.is_valid() else Meeting.objects.none()
    page = Paginator(queryset, MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    context = {
        "filter": filterset,
        "page": page,
        "upcoming": [m for m in page if m.start_date > today],
        "past": [m for m in page if m.start_date <= today],
    }
    return render(request, "workplans/meetings/list.html", context)


@readable
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(meetings(), pk=pk)
    context = {
        "meeting": meeting,
        "business": meeting_business(meeting),
        "can_record": can_record_reports(request.user),
    }
    return render(request, "workplans/meetings/detail.html", context)


@readable
def chairs(request: HttpRequest) -> HttpResponse:
    bodies, years = chair_rotation(timezone.localdate())
    return render(request, "workplans/meetings/chairs.html", {"bodies": bodies, "years": years})


@login_required
def record_figures(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Show what recording the body's live figures at this meeting would do; POST records it."""
    meeting = get_object_or_404(meetings(), pk=pk)
    if not can_record_reports(request.user):
        raise PermissionDenied(_("Only the Secretariat records the figures at a meeting."))
    refusal = recording_refused(meeting)
    if request.method == "POST" and not refusal:
        recordings = reports_record_at_meeting(meeting=meeting, by=request.user)
        done = sum(1 for r in recordings if r.action in ("create", "update"))
        messages.success(
            request,
            ngettext(
                "Recorded the figures of %(count)s plan at %(meeting)s.",
                "Recorded the figures of %(count)s plans at %(meeting)s.",
                done,
            )
            % {"count": done, "meeting": meeting},
        )
        return redirect(meeting)
    context = {"meeting": meeting, "recordings": recording_plan(meeting), "refusal": refusal}
    status = 400 if request.method == "POST" else 200  # a POST that got here was refused
    return render(request, "workplans/meetings/record.html", context, status=status)
