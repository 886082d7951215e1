"""The tracker's middleware: refuse NUL bytes; end a session at an absolute age."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

SESSION_STARTED_KEY = "accsm_session_started"


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
