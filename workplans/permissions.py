"""Who may do what. Roles are Django groups; these helpers read their permissions."""

from django.contrib.auth.models import AnonymousUser, User

from .models import Country, Project

SECRETARIAT = "Secretariat"
OFFICIALS = "Officials"
VIEWERS = "Viewers"


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
