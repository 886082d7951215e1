"""A project's page, its status form, and proposals: proposed, adopted, declined."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .. import services, transitions
from ..forms import (
    AdoptForm,
    ConfirmForm,
    DeclineForm,
    ProposalForm,
    StatusForm,
    add_service_errors,
)
from ..models import Country, Project, StatusChange, StatusSubmission, WorkPlan
from ..permissions import (
    AuthenticatedRequest,
    can_decide_proposals,
    can_propose,
    can_update_project,
    needs_review,
    readable,
    user_country,
)
from ..rounds import open_round_of
from ..services import (
    StaleVersionError,
    project_propose,
)
from ..statuses import ACTIVE


def _get_project_for_user(request: HttpRequest, pk: int) -> tuple[Project, bool]:
    """The project and whether the user may change its status. Unknown → 404.

    Every project is readable by whoever may read the pages; the caller turns a False
    into a 403 where a change is asked for.
    """
    project = get_object_or_404(
        Project.objects.select_related(
            "plan__body",
            "priority_area",
            "carried_over_from__plan",
            "proposed_by",
            "adopted_at",
            "status_changed_by",
        ).prefetch_related("lead_countries"),
        pk=pk,
    )
    return project, can_update_project(request.user, project)


def _safe_next(request: HttpRequest, default: str) -> str:
    """Where the user came from (`next`), if it is a page of this site; else `default`."""
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


def _project_page(
    request: HttpRequest,
    project: Project,
    can_edit: bool,
    *,
    status_form: StatusForm | None = None,
    adopt_form: AdoptForm | None = None,
    decline_form: DeclineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    if status_form is None and can_edit and transitions.options(project, user):
        status_form = StatusForm(project=project, user=user)
    deciding = project.status == Project.Status.PROPOSED and can_decide_proposals(user)
    if deciding:
        adopt_form = adopt_form or AdoptForm(project=project)
        decline_form = decline_form or DeclineForm(project=project)
    submissions = list(project.submissions.select_related("submitted_by", "decided_by")[:1])
    latest = submissions[0] if submissions else None
    if latest and latest.state == StatusSubmission.State.PENDING and needs_review(user, project):
        status_form = None  # one change waits for review at a time
    context = {
        "project": project,
        "pending": latest if latest and latest.state == StatusSubmission.State.PENDING else None,
        "returned": latest if latest and latest.state == StatusSubmission.State.RETURNED else None,
        "confirm_form": ConfirmForm(project=project)
        if can_edit and project.status in ACTIVE
        else None,
        "round": open_round_of(project) if can_edit else None,
        "changes": project.changes.select_related("changed_by", "meeting"),
        "can_edit": can_edit,
        "closed_to_user": can_edit and transitions.closed_to(project, user),
        "status_form": status_form,
        "adopt_form": adopt_form if deciding else None,
        "decline_form": decline_form if deciding else None,
        "next": _safe_next(request, ""),
    }
    return render(request, "workplans/project_detail.html", context, status=status)


def _refuse_stale(request: HttpRequest, error: StaleVersionError, form) -> HttpResponse:
    """Nothing was written: say what the project is now and who changed it, offer the form again.

    The user's input is kept, but with the current version: submitting again is a
    deliberate choice made after seeing the other change.
    """
    messages.error(request, str(error))
    project, can_edit = _get_project_for_user(request, error.current.pk)
    posted = {name: form.data.get(name) for name in form.fields if name != "version"}
    status_form = None
    if isinstance(form, StatusForm) and can_edit and transitions.options(project, request.user):
        status_form = StatusForm(project=project, user=request.user, initial=posted)
    return _project_page(request, project, can_edit, status=409, status_form=status_form)


def _post_only(view):
    """A change is made by POST; a GET (a reload, a bookmark) leads back to the project page."""

    @wraps(view)
    def wrapper(request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return redirect(reverse("workplans:project_detail", args=[pk]) + "#update")
        return view(request, pk)

    return wrapper


def _is_stale(form, project: Project) -> bool:
    """After form.is_valid(): the form was read at another version than the project's."""
    version = form.cleaned_data.get("version")
    return version is not None and version != project.version


@readable
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project, can_edit = _get_project_for_user(request, pk)
    return _project_page(request, project, can_edit)


@_post_only
@login_required
def project_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project, can_edit = _get_project_for_user(request, pk)
    if not can_edit:
        raise PermissionDenied(
            _("Only the Secretariat and officials of its lead countries may update %(code)s.")
            % {"code": project.code}
        )
    form = StatusForm(request.POST, project=project, user=request.user)
    valid = form.is_valid()
    # A stale form is refused first: its choices were made against an older state.
    if _is_stale(form, project):
        return _refuse_stale(request, StaleVersionError(project), form)
    if valid:
        try:
            result = form.apply(by=request.user, channel=StatusChange.Channel.WEB)
        except StaleVersionError as error:
            return _refuse_stale(request, error, form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if isinstance(result, StatusSubmission):
                message = _(
                    "Submitted for review: %(code)s becomes “%(status)s” once the Secretariat "
                    "approves it."
                ) % {"code": project.code, "status": result.get_status_display()}
            else:
                message = _("Saved: %(code)s is now “%(status)s”.") % {
                    "code": project.code,
                    "status": project.get_status_display(),
                }
            messages.success(request, message)
            return redirect(_safe_next(request, project.get_absolute_url()))
    return _project_page(request, project, can_edit, status_form=form)


@_post_only
@login_required
def project_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """An official confirms the status still holds: the project counts as reported."""
    project, can_edit = _get_project_for_user(request, pk)
    if not can_edit:
        raise PermissionDenied(
            _("Only the Secretariat and officials of its lead countries may update %(code)s.")
            % {"code": project.code}
        )
    form = ConfirmForm(request.POST, project=project)
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: the form was incomplete. Try again."))
        return redirect(project)
    try:
        services.project_confirm(
            project=project, by=request.user, expected_version=form.cleaned_data["version"]
        )
    except StaleVersionError as error:
        messages.error(request, str(error))
        return redirect(project)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(project)
    messages.success(
        request,
        _("Confirmed: %(code)s is still “%(status)s”.")
        % {"code": project.code, "status": project.get_status_display()},
    )
    return redirect(_safe_next(request, project.get_absolute_url()))


def _decide_proposal(request: HttpRequest, pk: int, form_class) -> HttpResponse:
    """Adopt or decline: one flow for both decisions; the form knows its service and message."""
    project, _can_edit = _get_project_for_user(request, pk)
    if not can_decide_proposals(request.user):
        raise PermissionDenied(_("Only the Secretariat adopts or declines proposals."))
    form = form_class(request.POST, project=project)
    valid = form.is_valid()
    if _is_stale(form, project):
        return _refuse_stale(request, StaleVersionError(project), form)
    if valid:
        try:
            form.apply(by=request.user)
        except StaleVersionError as error:
            return _refuse_stale(request, error, form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, form.success_message())
            return redirect(_safe_next(request, project.get_absolute_url()))
    return _project_page(
        request,
        project,
        False,
        adopt_form=form if isinstance(form, AdoptForm) else None,
        decline_form=form if isinstance(form, DeclineForm) else None,
    )


@_post_only
@login_required
def adopt_proposal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _decide_proposal(request, pk, AdoptForm)


@_post_only
@login_required
def decline_proposal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _decide_proposal(request, pk, DeclineForm)


@login_required
def propose(request: AuthenticatedRequest) -> HttpResponse:
    """An official proposes a new activity for a plan of a body their country belongs to."""
    user = request.user
    if not can_propose(user):
        raise PermissionDenied(
            _("Only officials of a member country and the Secretariat may propose activities.")
        )
    # The Secretariat records proposals on a country's behalf; an official, for their own.
    fixed_country = None if can_decide_proposals(user) else user_country(user)
    initial: dict[str, Country | WorkPlan | None] = {"country": user_country(user)}
    if slug := request.GET.get("plan"):
        initial["plan"] = WorkPlan.objects.filter(slug=slug).first()
    form = ProposalForm(request.POST or None, country=fixed_country, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = project_propose(
                plan=data["plan"],
                title=data["title"],
                country=data.get("country"),
                description=data["description"],
                year=data["year"],
                note=data["note"],
                by=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your proposal was recorded as %(code)s. It stays pending, and is not "
                    "counted, until the Secretariat adopts it at a meeting."
                )
                % {"code": project.code},
            )
            return redirect(project)
    return render(
        request,
        "workplans/proposal_form.html",
        {"form": form, "country": fixed_country},
    )
