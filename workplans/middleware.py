"""Ends a session at an absolute age, however active it is (the idle limit is the cookie age)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

SESSION_STARTED_KEY = "accsm_session_started"


def absolute_session_limit(get_response):
    def middleware(request):
        if request.user.is_authenticated:
            started = request.session.setdefault(SESSION_STARTED_KEY, time.time())
            if time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                request.accsm_session_expired = True  # say "expired", not "logged out"
                logout(request)
                messages.info(request, _("Your session has expired. Please log in again."))
        return get_response(request)

    return middleware


def session_started(sender, request, user, **kwargs) -> None:
    """On login: start the absolute limit's clock (user_logged_in receiver)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = time.time()


def logged_out(sender, request, user, **kwargs) -> None:
    """On logout: confirm it, on the next page (user_logged_out receiver)."""
    if getattr(request, "accsm_session_expired", False):
        return
    if request is not None and hasattr(request, "_messages"):
        messages.info(request, _("You have logged out."))
