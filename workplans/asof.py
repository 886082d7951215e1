"""The `?as_of=YYYY-MM-DD` parameter: figures at the end of a past day."""

import re
from datetime import date

from django.contrib import messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def as_of_from(request: HttpRequest) -> tuple[date | None, str]:
    """The day asked for (None: now) and, if the parameter is wrong, what is wrong with it."""
    raw = request.GET.get("as_of", "").strip()
    if not raw:
        return None, ""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise ValueError(raw)
        day = date.fromisoformat(raw)
    except ValueError:
        return None, _("as_of: “%(value)s” is not a date. Write it as YYYY-MM-DD.") % {
            "value": raw[:40]
        }
    today = timezone.localdate()
    if day > today:
        return None, _("as_of: %(date)s is in the future; the figures are known up to today.") % {
            "date": date_format(day, "DATE_FORMAT")
        }
    return (None if day == today else day), ""


def as_of_or_message(request: HttpRequest) -> date | None:
    """as_of_from() for a page: a wrong parameter is said in a message, the figures are now's."""
    as_of, error = as_of_from(request)
    if error:
        messages.error(request, error)
    return as_of


def as_of_described(as_of: date | None) -> list[tuple[str, str]]:
    """The day as a described filter: in an export's heading, beside the other filters."""
    return [(_("As of"), date_format(as_of, "DATE_FORMAT"))] if as_of else []


def as_of_suffix(as_of: date | None) -> str:
    """The day in an export's file name: "-as-of-2024-02-29" (nothing for now)."""
    return f"-as-of-{as_of.isoformat()}" if as_of else ""
