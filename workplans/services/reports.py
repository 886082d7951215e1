"""Writes to reported figures: recording a body's live figures at a meeting, and the audit of
every change to a report (a presented report is locked to the Secretariat)."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..models import Meeting, ReportChange, StatusReport, WorkPlan
from ..permissions import can_change_report, can_record_reports
from ..provenance import Basis
from ..selectors import PlanProgress, plan_progress
from ..statuses import COUNTED
from .rounds import close_rounds_of

# Live figures recorded today may be dated at a meeting at most this long after it ended:
# a report never looks older than the figures it holds.
RECORDING_GRACE_DAYS = 7

# The fields of a report that its audit trail follows.
AUDITED = ("meeting", "reported_on", "reported_until", *COUNTED, "source_title", "source_url")


@dataclass
class Recording:
    """What recording a body's figures at a meeting does to each of its plans."""

    progress: PlanProgress
    action: str  # "create", "update", "unchanged" or "skip"
    reason: str = ""
    report: StatusReport | None = None  # the plan's report at the meeting, if it has one


def recording_refused(meeting: Meeting) -> str:
    """Why today's live figures may not be recorded at `meeting` ('' when they may)."""
    last = meeting.end_date or meeting.start_date
    if last < timezone.localdate() - timedelta(days=RECORDING_GRACE_DAYS):
        return _(
            "%(meeting)s ended on %(date)s: today's live figures cannot be dated at it. "
            "Record them at the current or an upcoming meeting."
        ) % {"meeting": meeting, "date": date_format(last, "DATE_FORMAT")}
    return ""


def recording_plan(meeting: Meeting) -> list[Recording]:
    """For each plan of the meeting's body: recorded from its live figures, or why not."""
    existing = {r.plan_id: r for r in StatusReport.objects.filter(meeting=meeting)}
    result = []
    for progress in plan_progress(WorkPlan.objects.filter(body=meeting.body_id)):
        report = existing.get(progress.plan.pk)
        if progress.live is None:
            result.append(Recording(progress, "skip", _("no projects are itemized"), report))
        elif progress.basis != Basis.LIVE and (report is None or report != progress.report):
            result.append(
                Recording(
                    progress,
                    "skip",
                    _("fewer projects are itemized than its latest report counts"),
                    report,
                )
            )
        elif report is None:
            result.append(Recording(progress, "create"))
        elif report.progress == progress.live:
            result.append(Recording(progress, "unchanged", report=report))
        else:
            result.append(Recording(progress, "update", report=report))
    return result


@transaction.atomic
def reports_record_at_meeting(*, meeting: Meeting, by: User) -> list[Recording]:
    """Record the live figures of the body's itemized plans as their reports at `meeting`.

    One transaction: the plans are locked while their counts are read and written, so
    two recordings cannot interleave. Recording again updates the same reports in place.
    """
    if not can_record_reports(by):
        raise PermissionDenied(_("Only the Secretariat records the figures at a meeting."))
    if refusal := recording_refused(meeting):
        raise ValidationError(refusal, code="meeting_past")
    list(WorkPlan.objects.select_for_update().filter(body=meeting.body_id).values_list("pk"))
    recordings = recording_plan(meeting)
    now = timezone.now()
    until = meeting.end_date if meeting.end_date and meeting.end_date > meeting.start_date else None
    for item in recordings:
        if item.action not in ("create", "update"):
            continue
        live = item.progress.live
        assert live is not None  # recording_plan skips plans without a live count
        counts = {status.value: live.count(status) for status in COUNTED}
        report = item.report or StatusReport(plan=item.progress.plan, meeting=meeting)
        report_save(
            report=report,
            by=by,
            reported_on=meeting.start_date,
            reported_until=until,
            recorded_by=by,
            recorded_at=now,
            **counts,
        )
    close_rounds_of(meeting, by)  # what was reported for the meeting is now final
    return recordings


def _values(report: StatusReport) -> dict:
    values = {
        name: getattr(report, f"{name}_id" if name == "meeting" else name) for name in AUDITED
    }
    return {name: "" if value is None else str(value) for name, value in values.items()}


@transaction.atomic
def report_save(*, report: StatusReport, by: User, **fields) -> StatusReport:
    """Create or change a report, leaving who did it and its old and new values."""
    stored = StatusReport.objects.get(pk=report.pk) if report.pk else None
    if stored and not can_change_report(by, stored):
        raise PermissionDenied(
            _("This report was presented at a meeting: only the Secretariat changes it.")
        )
    before = _values(stored) if stored else {}
    for name, value in fields.items():
        setattr(report, name, value)
    report.full_clean()
    report.save()
    after = _values(report)
    changed = {k: [before.get(k, ""), v] for k, v in after.items() if before.get(k, "") != v}
    if changed:
        ReportChange.objects.create(
            plan=report.plan,
            report=report,
            action=ReportChange.Action.CHANGED if before else ReportChange.Action.RECORDED,
            changed_by=by,
            values=changed,
        )
    return report


@transaction.atomic
def report_delete(*, report: StatusReport, by: User) -> None:
    if not can_change_report(by, report):
        raise PermissionDenied(
            _("This report was presented at a meeting: only the Secretariat deletes it.")
        )
    ReportChange.objects.create(
        plan=report.plan,
        report=None,
        action=ReportChange.Action.DELETED,
        changed_by=by,
        values={k: [v, ""] for k, v in _values(report).items()},
    )
    report.delete()
