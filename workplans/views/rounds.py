"""The reporting round (Secretariat): open a round before a meeting, follow who has reported,
close or reopen it; and the review queue of submitted changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..forms import OpenRoundForm, ReasonForm, ReturnForm, add_service_errors
from ..models import ReportingRound, StatusSubmission
from ..permissions import AuthenticatedRequest, can_review, can_run_rounds
from ..rounds import round_progress
from ..services import StaleVersionError
from ..tables import exports
from ..tables.rounds import RoundTable
from . import listing


def _require_secretariat(request: AuthenticatedRequest) -> None:
    if not can_run_rounds(request.user):
        raise PermissionDenied(_("Reporting rounds are run by the Secretariat."))


@login_required
def round_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_secretariat(request)
    today = timezone.localdate()
    form = OpenRoundForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.round_open(
                meeting=data["meeting"],
                due_on=data["due_on"],
                remind_days=data["remind_days"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Opened: %(round)s.") % {"round": round_})
            return redirect(round_)
    rounds = ReportingRound.objects.select_related("meeting__body", "opened_by")
    context = {"form": form, "rounds": rounds, "today": today}
    return render(
        request, "workplans/rounds/list.html", context, status=400 if form.errors else 200
    )


@login_required
def round_detail(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """Per country: how far it has reported in the round, and who has not; exportable."""
    _require_secretariat(request)
    round_ = get_object_or_404(ReportingRound.objects.select_related("meeting__body"), pk=pk)
    rows = round_progress(round_)
    table = RoundTable(rows)
    export_format = request.GET.get("_export")
    if export_format is not None:
        export = exports.Export(
            title=str(round_),
            filename_stem=f"accsm-round-{round_.meeting.start_date:%Y-%m-%d}-{round_.pk}",
            sheet_name=_("Round"),
        )
        return listing.export(request, table, None, export_format, export)
    context = {
        "round": round_,
        "table": table,
        "rows": rows,
        "reported": sum(row.reported for row in rows),
        "total": sum(row.total for row in rows),
        "events": round_.events.select_related("by"),
        "pending": round_.submissions.filter(state=StatusSubmission.State.PENDING).count(),
        "reason_form": ReasonForm(),
        "export_links": listing.export_links(request),
    }
    return render(request, "workplans/rounds/detail.html", context)


@require_POST
@login_required
def round_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _require_secretariat(request)
    round_ = get_object_or_404(ReportingRound, pk=pk)
    try:
        services.round_close(round=round_, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Closed: what was reported in the round is final."))
    return redirect(round_)


@require_POST
@login_required
def round_reopen(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _require_secretariat(request)
    round_ = get_object_or_404(ReportingRound, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.round_reopen(round=round_, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Reopened, with the reason kept in the round's history."))
    else:
        messages.error(request, " ".join(str(e) for e in form.errors["reason"]))
    return redirect(round_)


# ---------------------------------------------------------------------------------
# Review of submitted changes.


def _require_reviewer(request: AuthenticatedRequest) -> None:
    if not can_review(request.user):
        raise PermissionDenied(_("Only the Secretariat reviews submitted changes."))


@login_required
def review_queue(request: AuthenticatedRequest) -> HttpResponse:
    _require_reviewer(request)
    pending = StatusSubmission.objects.filter(state=StatusSubmission.State.PENDING).select_related(
        "project__plan__body", "submitted_by", "round__meeting", "answers"
    )
    page = Paginator(pending.order_by("submitted_at", "pk"), 25).get_page(request.GET.get("page"))
    returned = StatusSubmission.objects.filter(
        state=StatusSubmission.State.RETURNED, answered_by=None
    ).select_related("project", "submitted_by", "decided_by")[:10]
    context = {"page_obj": page, "returned": returned, "return_form": ReturnForm()}
    return render(request, "workplans/rounds/reviews.html", context)


@require_POST
@login_required
def review_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _require_reviewer(request)
    submission = get_object_or_404(StatusSubmission.objects.select_related("project"), pk=pk)
    try:
        services.submission_approve(submission=submission, by=request.user)
    except (StaleVersionError, ValidationError) as error:
        text = str(error) if isinstance(error, StaleVersionError) else " ".join(error.messages)
        messages.error(request, text)
    else:
        messages.success(
            request,
            _("Approved: %(code)s is now “%(status)s”.")
            % {"code": submission.project.code, "status": submission.get_status_display()},
        )
    return redirect("workplans:review_queue")


@require_POST
@login_required
def review_return(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _require_reviewer(request)
    submission = get_object_or_404(StatusSubmission.objects.select_related("project"), pk=pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors["comment"]))
        return redirect("workplans:review_queue")
    try:
        services.submission_return(
            submission=submission, by=request.user, comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Returned to %(user)s with your comment.")
            % {"user": submission.submitted_by.get_username()},
        )
    return redirect("workplans:review_queue")
