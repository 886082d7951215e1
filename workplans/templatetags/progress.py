from django import template
from django.utils import timezone
from django.utils.formats import localize, number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

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


# A plan's figures, drawn by these two tags rather than by included templates: a dashboard
# draws them for every card, and Python writes them several times faster.


@register.simple_tag
def progress_bar(progress) -> str:
    """A stacked bar sized by counts: an SVG scaled to the total keeps exact proportions with
    no inline style (CSP) and no JavaScript. Its coordinates are never localized."""
    segments = progress.segments()
    described = [f"{s['label']}: {localize(s['count'])} ({pct(s['percent'])})" for s in segments]
    rects = format_html_join(
        "",
        '<rect class="seg-{}" x="{}" width="{}" height="1"><title>{}</title></rect>',
        (
            (s["status"], s["offset"], s["count"], text)
            for s, text in zip(segments, described, strict=True)
            if s["count"]
        ),
    )
    if not progress.total:
        rects = format_html('<rect class="seg-empty" width="1" height="1"></rect>')
    return format_html(
        '<svg class="bar" viewBox="0 0 {} 1" preserveAspectRatio="none" role="img" '
        'aria-label="{}">{}</svg>',
        progress.total or 1,
        ", ".join(described) or _("Nothing counted"),
        rects,
    )


@register.simple_tag
def figures_table(progress) -> str:
    """The counts and percentages of each status, with the total, as a one-row table."""
    segments = progress.segments()
    headers = format_html_join(
        "",
        '<th scope="col"><span class="swatch seg-{}"></span>{}</th>',
        ((s["status"], s["label"]) for s in segments),
    )
    cells = format_html_join(
        "",
        '<td class="num" data-figure="{}">{} <span class="muted">({})</span></td>',
        ((s["status"], localize(s["count"]), pct(s["percent"])) for s in segments),
    )
    return format_html(
        '<div class="scroll" tabindex="0" role="region" aria-label="{}"><table class="figures">'
        '<thead><tr><th scope="col">{}</th>{}</tr></thead><tbody><tr>'
        '<td class="num" data-figure="total">{}</td>{}</tr></tbody></table></div>',
        _("Figures by status"),
        _("Total"),
        headers,
        localize(progress.total),
        cells,
    )
