"""Where a figure comes from, in words: one rendering of each source, for pages and exports."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .dates import date_range
from .models import StatusReport


def report_when(report: StatusReport) -> str:
    """The report's date as precisely as known: a meeting's dates, else the day reported."""
    if report.meeting:
        return date_range(report.meeting.start_date, report.meeting.end_date)
    return date_range(report.reported_on)


def report_label(report: StatusReport) -> str:
    """'Reported at SOM, ACCSM 21, 2–6 August 2022' (or 'Reported on 2 August 2022')."""
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
