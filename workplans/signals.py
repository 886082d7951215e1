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
