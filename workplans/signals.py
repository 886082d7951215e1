"""Receivers of Django's signals, connected in WorkplansConfig.ready()."""

import time

from django.contrib import messages
from django.utils.translation import gettext as _

from .middleware import SESSION_RENEWED_KEY, SESSION_STARTED_KEY


def session_started(sender, request, user, **kwargs) -> None:
    """On login: start the absolute limit's clock, and the idle limit's (the login writes the
    session with a fresh expiry) (user_logged_in receiver)."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_STARTED_KEY] = now
        request.session[SESSION_RENEWED_KEY] = now


def logged_out(sender, request, user, **kwargs) -> None:
    """On logout: confirm it, on the next page (user_logged_out receiver)."""
    if getattr(request, "accsm_session_expired", False):
        return
    if request is not None and hasattr(request, "_messages"):
        messages.info(request, _("You have logged out."))


def lead_countries_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A project's lead countries changed, from either side (m2m_changed receiver): keep the
    projects' lead_key, the tables' sort key."""
    from .models import Project

    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        projects = Project.objects.filter(pk=instance.pk)
    elif action == "post_clear":  # a country's projects were cleared: its pks are gone
        projects = Project.objects.filter(lead_key=instance.code)
    else:
        projects = Project.objects.filter(pk__in=pk_set)
    projects.update_lead_keys()


def country_saved(sender, instance, created, raw, **kwargs) -> None:
    """A country's code may have changed: keep the lead_key of the projects it leads."""
    from .models import Project

    if not created and not raw:
        Project.objects.filter(lead_countries=instance).update_lead_keys()


def project_loaded(sender, instance, raw, **kwargs) -> None:
    """A fixture's row was written as it stands, lead_key (absent from it) included: keep the
    key of the lead countries the row already has (post_save receiver)."""
    if raw:
        type(instance).objects.filter(pk=instance.pk).update_lead_keys()
