from decimal import Decimal
from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format, localize, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from workplans import provenance
from workplans.dates import date_range
from workplans.markup import escaped as _html

register = template.Library()


@register.filter
def pct(value) -> str:
    """22.6 → '22.6 %' in the active locale's number format; None → '—' (nothing counted)."""
    return _pct(value, _decimal_separator(get_language()))


def _pct(value, separator: str) -> str:
    """pct() with the locale's decimal mark given: asked once by whoever writes many."""
    if value is None:
        return "—"
    if isinstance(value, Decimal) and value.as_tuple().exponent == -1:
        # A percentage of progress.percent(): its one decimal place, in the locale's mark
        # (number_format costs more than the rest of a thousand-row annex together).
        return f"{str(value).replace('.', separator)} %"
    return f"{number_format(value, 1)} %"


@lru_cache(maxsize=8)
def _decimal_separator(language: str | None) -> str:
    return get_format("DECIMAL_SEPARATOR")


def whole(value: int) -> str:
    """A count as a template shows it (localize), without localize's cost where no thousands
    separator is used."""
    return localize(value) if settings.USE_THOUSAND_SEPARATOR else str(value)


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
    described = [f"{s['label']}: {whole(s['count'])} ({pct(s['percent'])})" for s in segments]
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
        rects = mark_safe('<rect class="seg-empty" width="1" height="1"></rect>')
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
        ((s["status"], whole(s["count"]), pct(s["percent"])) for s in segments),
    )
    return format_html(
        '<div class="scroll" tabindex="0" role="region" aria-label="{}"><table class="figures">'
        '<thead><tr><th scope="col">{}</th>{}</tr></thead><tbody><tr>'
        '<td class="num" data-figure="total">{}</td>{}</tr></tbody></table></div>',
        _("Figures by status"),
        _("Total"),
        headers,
        whole(progress.total),
        cells,
    )


@register.simple_tag
def annex_rows(rows, body=None, query: str = "") -> str:
    """The annex table's rows: built here, not by a template loop, because a body's annex
    lists every one of its plans (a thousand rows drew in half a second)."""
    if not rows:
        return format_html('<tr><td colspan="9">{}</td></tr>', _("No work plans match."))
    separator = _decimal_separator(get_language())
    return mark_safe("\n".join(_annex_row(row, body, query, separator) for row in rows))  # noqa: S308 (rows of _annex_row)


def _annex_row(row, body, query: str, separator: str) -> str:
    name = _html(row.label)
    if row.kind == "plan" and not body:
        name = f'{name}<br><span class="pct">{_html(row.body.short_name)}</span>'
    if row.hidden_plans:
        listed = ngettext(
            "%(counter)s plan, listed in the annex of %(body)s",
            "%(counter)s plans, listed in the annex of %(body)s",
            row.hidden_plans,
        ) % {"counter": row.hidden_plans, "body": row.body.short_name}
        url = reverse("workplans:annex_body", args=[row.body.code]) + (f"?{query}" if query else "")
        name = (
            f'{name}<br><span class="pct" data-hidden-plans="{_html(row.hidden_plans)}">'
            f'{_html(listed)}: <a href="{_html(url)}">{_html(_("open it"))}</a></span>'
        )
    if row.segments:
        figures = "".join(
            f'<td class="num" data-figure="{_html(s["status"])}">{_html(whole(s["count"]))} '
            f'<span class="pct">({_html(_pct(s["percent"], separator))})</span></td>'
            for s in row.segments
        )
    else:
        figures = '<td class="num">—</td>' * 4
    plan = f' data-plan="{_html(row.plan.slug)}"' if row.plan else ""
    total = "—" if row.total is None else _html(whole(row.total))
    pending = "—" if row.pending is None else _html(whole(row.pending))
    kind = _html(row.kind)
    return mark_safe(  # noqa: S308 (every value above escaped by _html)
        f'<tr class="row-{kind}" data-kind="{kind}"{plan}><td>{name}</td>'
        f'<td>{_html(row.period)}</td><td class="num" data-figure="total">{total}</td>'
        f'{figures}<td class="num">{pending}</td><td class="source">{_html(row.source)}</td></tr>'
    )
