"""Ends a session at an absolute age, however active it is (the idle limit is the cookie age)."""

import time

from django.conf import settings
from django.contrib.auth import logout

SESSION_STARTED_KEY = "accsm_session_started"


def absolute_session_limit(get_response):
    def middleware(request):
        if request.user.is_authenticated:
            started = request.session.setdefault(SESSION_STARTED_KEY, time.time())
            if time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return get_response(request)

    return middleware
