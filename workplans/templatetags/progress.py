from django import template
from django.utils import timezone
from django.utils.formats import number_format

from workplans import provenance
from workplans.dates import date_range

register = template.Library()


@register.filter
def pct(value) -> str:
    """22.6 → '22.6 %' in the active locale's number format; None → '—' (nothing counted)."""
    if value is None:
        return "—"
    return f"{number_format(value, 1)} %"


@register.filter
def report_label(report) -> str:
    """'Reported at SOM, ACCSM 21, 2–6 August 2022': the one wording, from provenance.py."""
    return provenance.report_label(report) if report else ""


@register.simple_tag
def report_source(report) -> str:
    """The report's label and source document, linked: the same words as in the exports."""
    return provenance.report_source_html(report) if report else ""


@register.filter
def added_since(progress) -> str:
    return provenance.added_since(progress)


@register.filter
def daterange(start, end=None) -> str:
    return date_range(start, end) if start else ""


@register.filter
def report_when(report) -> str:
    return provenance.report_when(report) if report else ""


@register.simple_tag
def mixed_dates(progresses) -> str:
    """The warning a body's total carries when its plans' figures hold on different dates."""
    return provenance.sum_note(progresses, timezone.localdate())


@register.filter
def trend_for(trends: dict, plan) -> object:
    """The trend of `plan` among the page's trends (None when it has none)."""
    return trends.get(plan.pk) if trends else None


@register.simple_tag(takes_context=True)
def now_url(context) -> str:
    """This page with the same filters, at the figures now (no `as_of`, back to page 1)."""
    from ..views.listing import url_without

    return url_without(context["request"], "as_of", "page", "_export")
