"""Who may read the API: as for the pages (public when ACCSM_PUBLIC_DASHBOARDS is on, else
logged in, by session or token), and the `as_of` parameter, checked as on the pages."""

from datetime import date

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission

from ..asof import as_of_from


class Readable(BasePermission):
    message = _("Log in, or send a token (Authorization: Token …), to read the API.")

    def has_permission(self, request, view) -> bool:
        return settings.ACCSM_PUBLIC_DASHBOARDS or bool(
            request.user and request.user.is_authenticated
        )


def as_of(request) -> date | None:
    """The `as_of` day of the request (None: now); a bad one is a 400 naming it."""
    day, error = as_of_from(request)
    if error:
        raise ValidationError({"as_of": [error]})
    return day
