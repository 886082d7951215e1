"""The tracker's middleware: refuse NUL bytes; the sessions' idle and absolute limits."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

SESSION_STARTED_KEY = "accsm_session_started"
SESSION_RENEWED_KEY = "accsm_session_renewed"


def _has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())


def refuse_nul_bytes(get_response):
    """A NUL in the path, a query value or a form field is a 400, before any view or query.

    PostgreSQL cannot store or compare a string holding NUL, so one would reach the database
    as a 500 from whichever view or lookup got it first. Uploaded files are not text fields and
    are left to the importer.
    """

    def middleware(request):
        if (
            "\x00" in request.path_info
            or _has_nul(request.GET)
            or (request.method == "POST" and _has_nul(request.POST))
        ):
            raise BadRequest("NUL byte in the request")
        return get_response(request)

    return middleware


def session_limits(get_response):
    """End a session at its absolute age; renew its idle limit as the user is active.

    Renewing means writing the session, so it is done at most once every
    SESSION_RENEW_SECONDS rather than on every request (a page then costs no write): the
    idle limit counts from the last request give or take that long.
    """

    def middleware(request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault(SESSION_STARTED_KEY, now)
            if now - started > settings.SESSION_ABSOLUTE_SECONDS:
                request.accsm_session_expired = True  # say "expired", not "logged out"
                logout(request)
                messages.info(request, _("Your session has expired. Please log in again."))
            elif now - session.get(SESSION_RENEWED_KEY, 0) > settings.SESSION_RENEW_SECONDS:
                session[SESSION_RENEWED_KEY] = now  # saved, with a new expiry, after the view
        return get_response(request)

    return middleware
