"""Dates as precise as their source: a day, or the range of days an event took."""

from datetime import date
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.translation import get_language


def day_label(day: date) -> str:
    """'1 December 2026' in the active language; a page of a thousand plans asks it once."""
    return _day_label(day, get_language())


@lru_cache(maxsize=256)
def _day_label(day: date, language: str | None) -> str:
    return date_format(day, "DATE_FORMAT")


def date_range(start: date, end: date | None = None) -> str:
    """'2 August 2022', '2–6 August 2022', '30 July – 2 August 2022' in the active language."""
    if end is None or end == start:
        return day_label(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{date_format(end, 'DATE_FORMAT')}"
    if start.year == end.year:
        return f"{date_format(start, 'MONTH_DAY_FORMAT')} – {date_format(end, 'DATE_FORMAT')}"
    return f"{date_format(start, 'DATE_FORMAT')} – {date_format(end, 'DATE_FORMAT')}"
