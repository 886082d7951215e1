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
