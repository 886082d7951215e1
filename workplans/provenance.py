"""Where a figure comes from, in words: one rendering of each source, for pages and exports."""

from datetime import date

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .dates import date_range, day_label
from .models import StatusReport


class Basis:
    """Where a plan's headline figures come from."""

    LIVE = "live"  # its itemized projects account for the whole latest report, or no report
    REPORT = "report"  # the latest report; fewer projects are itemized than it counted
    REPORT_PLUS = "report_plus"  # the latest report plus the projects adopted since


def report_when(report: StatusReport) -> str:
    """The report's date as precisely as known: a day, or the range the sources give."""
    return date_range(report.reported_on, report.reported_until)


def report_label(report: StatusReport) -> str:
    """'Reported at SOM, ACCSM 21, 2–6 August 2022' (or 'Reported on 2 August 2022')."""
    if report.recorded_by_id and report.recorded_at:
        return _("Recorded from the tracker at %(meeting)s by %(user)s on %(date)s") % {
            "meeting": report.meeting,
            "user": report.recorded_by,
            "date": day_label(timezone.localdate(report.recorded_at)),
        }
    if report.meeting:
        return _("Reported at %(meeting)s, %(dates)s") % {
            "meeting": report.meeting,
            "dates": report_when(report),
        }
    return _("Reported on %(date)s") % {"date": report_when(report)}


def report_source(report: StatusReport) -> str:
    """The label and the source document, as plain text (exports, the progress table)."""
    text = report_label(report)
    if report.source_title:
        text += f" — {report.source_title}"
    return text


def report_source_html(report: StatusReport) -> str:
    """report_source() for a page: the source document links to where it is published."""
    if not (report.source_title and report.source_url):
        return format_html('<span class="source">{}</span>', report_source(report))
    return format_html(
        '<span class="source">{} — <a href="{}" rel="noopener">{}</a></span>',
        report_label(report),
        report.source_url,
        report.source_title,
    )


def added_since(progress) -> str:
    """'32 reported at SOM+3, ACCSM 21, 2–6 August 2022 + 1 adopted since'."""
    report = progress.report
    where = (
        _("%(count)s reported at %(meeting)s, %(dates)s")
        % {
            "count": progress.reported.total,
            "meeting": report.meeting,
            "dates": report_when(report),
        }
        if report.meeting
        else _("%(count)s reported on %(date)s")
        % {"count": progress.reported.total, "date": report_when(report)}
    )
    added = ngettext("%(count)s adopted since", "%(count)s adopted since", progress.added.total)
    return f"{where} + {added % {'count': progress.added.total}}"


def figures_when(progress, today: date) -> str:
    """When a plan's figures hold: today (live), the report's dates, or both (report + adopted).

    Figures computed as of a past day hold on that day, not today.
    """
    today = progress.as_of or today
    if progress.basis == Basis.LIVE:
        return day_label(today)
    if progress.basis == Basis.REPORT_PLUS:
        return _("%(report)s; adoptions to %(today)s") % {
            "report": report_when(progress.report),
            "today": day_label(today),
        }
    return report_when(progress.report) if progress.report else ""


def mixed_dates_note(dates: list[str]) -> str:
    """A sum's warning when its parts hold on different dates ('' when they agree)."""
    dates = list(dict.fromkeys(d for d in dates if d))
    if len(dates) <= 1:
        return ""
    return _("The sum mixes figures of different dates: %(dates)s.") % {"dates": "; ".join(dates)}


def sum_note(progresses, today: date) -> str:
    return mixed_dates_note([figures_when(p, today) for p in progresses if p.figures])
