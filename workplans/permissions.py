"""Who may do what. Roles are Django groups; these helpers read their permissions.

Every "may this user…" question is answered here: views, forms, services and imports ask.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest

from .models import Country, Project, StatusReport

SECRETARIAT = "Secretariat"
OFFICIALS = "Officials"
VIEWERS = "Viewers"

# Whoever asks: anonymous visitors see public pages, and may do nothing.
AnyUser = User | AnonymousUser


class AuthenticatedRequest(HttpRequest):
    """The request of a view behind @login_required: its user is never anonymous."""

    user: User


def user_country(user: User | AnonymousUser) -> Country | None:
    """The country an official speaks for, or None."""
    if not user.is_authenticated:
        return None
    profile = getattr(user, "profile", None)
    return profile.country if profile else None


def can_update_any(user: User | AnonymousUser) -> bool:
    return user.is_active and user.has_perm("workplans.update_any_status")


def can_update_project(user: User | AnonymousUser, project: Project) -> bool:
    """Secretariat: any project. An official: projects their country leads."""
    if not user.is_authenticated or not user.is_active:
        return False
    if can_update_any(user):
        return True
    country = user_country(user)
    if country is None or not user.has_perm("workplans.update_status"):
        return False
    leads = getattr(project, "_prefetched_objects_cache", {}).get("lead_countries")
    if leads is not None:  # prefetched with the project (an import's rows): no query each
        return any(lead.pk == country.pk for lead in leads)
    return project.lead_countries.filter(pk=country.pk).exists()


def can_decide_proposals(user: User | AnonymousUser) -> bool:
    """The Secretariat adopts or declines proposals."""
    return user.is_active and user.has_perm("workplans.decide_proposal")


def can_propose(user: User | AnonymousUser) -> bool:
    """An official (for their country) or the Secretariat (on a country's behalf)."""
    if not user.is_active or not user.has_perm("workplans.propose_project"):
        return False
    return can_decide_proposals(user) or user_country(user) is not None


def is_official(user: User | AnonymousUser) -> bool:
    """Someone who updates the projects of one country: has a country and the permission."""
    return (
        user.is_active
        and user.has_perm("workplans.update_status")
        and user_country(user) is not None
    )


def _may(user: User | AnonymousUser, *codenames: str) -> bool:
    return user.is_active and user.has_perms([f"workplans.{name}" for name in codenames])


def can_add_projects(user: User | AnonymousUser) -> bool:
    return _may(user, "add_project")


def can_change_projects(user: User | AnonymousUser) -> bool:
    """Change a project's details (title, lead countries…), not its status."""
    return _may(user, "change_project")


def can_delete_projects(user: User | AnonymousUser) -> bool:
    return _may(user, "delete_project")


def can_record_reports(user: User | AnonymousUser) -> bool:
    """Record a body's live figures as its plans' reports at a meeting (the Secretariat)."""
    return _may(user, "add_statusreport", "change_statusreport") and can_update_any(user)


def can_change_report(user: User | AnonymousUser, report: StatusReport | None = None) -> bool:
    """A report presented at a meeting is locked: only the Secretariat changes it."""
    if not _may(user, "change_statusreport"):
        return False
    return report is None or not report.presented or can_update_any(user)


def can_run_rounds(user: User | AnonymousUser) -> bool:
    """Open, close and reopen reporting rounds, and follow them (the Secretariat)."""
    return _may(user, "add_reportinground", "change_reportinground") and can_update_any(user)


def can_review(user: User | AnonymousUser) -> bool:
    """Approve or return the status changes submitted where a body reviews updates."""
    return _may(user, "change_statussubmission") and can_update_any(user)


def needs_review(user: User | AnonymousUser, project: Project) -> bool:
    """Where the project's body reviews updates, an official's change waits for approval."""
    return project.plan.body.review_updates and not can_update_any(user)


def can_record_proposals(user: User | AnonymousUser) -> bool:
    """Holds the permission to propose; for which country is the proposal service's check."""
    return _may(user, "propose_project")


def can_itemize(user: User | AnonymousUser) -> bool:
    """Import a plan's projects from a spreadsheet: create and change them."""
    return user.is_authenticated and _may(user, "add_project", "change_project")


def can_import_statuses(user: User | AnonymousUser) -> bool:
    """Import status changes; each row is then checked like a single change."""
    return user.is_authenticated and _may(user, "update_status")


def readable(view):
    """Let anyone read when the dashboards are public; otherwise ask anonymous visitors to log in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.ACCSM_PUBLIC_DASHBOARDS and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
