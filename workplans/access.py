"""Who may read: the dashboards are public unless ACCSM_PUBLIC_DASHBOARDS is off."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login


def readable(view):
    """Let anyone read when the dashboards are public; otherwise ask anonymous visitors to log in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.ACCSM_PUBLIC_DASHBOARDS and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
