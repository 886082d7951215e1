"""Reusable reads. Figures are counted by the database, in the query that lists the rows."""

from datetime import date, datetime, time, timedelta

from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .statuses import ACTIVE, COUNTED, ProjectStatus

# A report holds one count per counted status, in fields named after them.
# `until`: the last day the report may hold on (a meeting's last day when only its dates are known).
REPORT_FIELDS = ("pk", "reported_on", "until", *(status.value for status in COUNTED))


def stale_q(cutoff, prefix: str = "") -> Q:
    """Projects (reached through `prefix`) still active and not updated since `cutoff`."""
    return Q(**{f"{prefix}status__in": ACTIVE}) & (
        Q(**{f"{prefix}status_changed_at__lt": cutoff})
        | Q(
            **{
                f"{prefix}status_changed_at__isnull": True,
                f"{prefix}created_at__lt": cutoff,
            }
        )
    )


def end_of(day: date) -> datetime:
    """The first instant after `day` ends, in the tracker's time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def latest_reports(plan, by: date | None = None):
    """A plan's reports, latest first (reported by `by`, if given), each with `until`."""
    from .models import StatusReport

    reports = StatusReport.objects.filter(plan=plan)
    if by is not None:
        reports = reports.filter(reported_on__lte=by)
    return reports.annotate(until=Coalesce("reported_until", "reported_on")).order_by(
        "-reported_on", "-pk"
    )


class WorkPlanQuerySet(models.QuerySet):
    def with_progress(self, as_of: date | None = None):
        """Annotate live counts per status and the figures of the latest report, in one query.

        With `as_of`, each project counts by its status at the end of that day, rebuilt from
        the audit trail; projects created later are left out, and the latest report is the
        latest reported by then.
        """
        if as_of is not None:
            return self._with_progress_as_of(as_of)
        live = {
            f"live_{status.value}": Count("projects", filter=Q(projects__status=status))
            for status in COUNTED
        }
        latest = latest_reports(OuterRef("pk"))
        reported = {
            f"report_{field}": Subquery(latest.values(field)[:1]) for field in REPORT_FIELDS
        }
        # Projects adopted after the latest report: added to its figures, not among them.
        added = {
            f"added_{status.value}": Count(
                "projects",
                filter=Q(
                    projects__status=status,
                    projects__adopted_on__date__gt=F("report_until"),
                ),
            )
            for status in COUNTED
        }
        return (
            self.select_related("body")
            .annotate(**live, **reported)
            .annotate(
                **added,
                pending=Count("projects", filter=Q(projects__status=ProjectStatus.PROPOSED)),
                itemized=Count("projects", filter=~Q(projects__status=ProjectStatus.PROPOSED)),
            )
        )

    def _with_progress_as_of(self, day: date):
        from .models import Project

        def count(condition: Q, *, added: bool = False):
            projects = Project.objects.filter(plan=OuterRef("pk")).as_of(day).filter(condition)
            if added:  # adopted after the report, by the end of the day
                projects = projects.filter(
                    adopted_on__lt=end_of(day), adopted_on__date__gt=OuterRef("report_until")
                )
            counted = projects.order_by().values("plan").annotate(n=Count("pk")).values("n")
            return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

        latest = latest_reports(OuterRef("pk"), by=day)
        reported = {
            f"report_{field}": Subquery(latest.values(field)[:1]) for field in REPORT_FIELDS
        }
        live = {f"live_{s.value}": count(Q(status_then=s)) for s in COUNTED}
        added = {f"added_{s.value}": count(Q(status_then=s), added=True) for s in COUNTED}
        return (
            self.select_related("body")
            .annotate(**reported)
            .annotate(
                **live,
                **added,
                pending=count(Q(status_then=ProjectStatus.PROPOSED)),
                itemized=count(~Q(status_then=ProjectStatus.PROPOSED)),
            )
        )


class ProjectQuerySet(models.QuerySet):
    def as_of(self, day: date):
        """The projects that existed at the end of `day`, with `status_then`: their status then.

        Rebuilt from the audit trail: the status set by the last change made by then; else,
        if the project changed only later, the status its first change started from; else
        its status now. Computed by the database, in the query that lists the projects.
        """
        from .models import StatusChange

        end = end_of(day)
        changes = StatusChange.objects.filter(project=OuterRef("pk")).exclude(to_status="")
        last_before = (
            changes.filter(changed_at__lt=end).order_by("-changed_at", "-pk").values("to_status")
        )
        first_after = (
            StatusChange.objects.filter(
                project=OuterRef("pk"), changed_at__gte=end, action=StatusChange.Action.STATUS
            )
            .order_by("changed_at", "pk")
            .values("from_status")
        )
        return self.filter(created_at__lt=end).annotate(
            status_then=Coalesce(Subquery(last_before[:1]), Subquery(first_after[:1]), F("status"))
        )

    def counted(self):
        return self.filter(status__in=COUNTED)

    def proposals(self):
        return self.filter(status=ProjectStatus.PROPOSED)

    def led_by(self, country):
        return self.filter(lead_countries=country)

    def with_updates(self, day: date | None = None):
        """Annotate `last_update` and `last_update_by` (a username): the last status set or
        confirmed, by the end of `day` if given (None: never updated)."""
        if day is None:
            return self.annotate(
                last_update=F("status_changed_at"),
                last_update_by=F("status_changed_by__username"),
            )
        from .models import StatusChange

        changes = StatusChange.objects.filter(
            project=OuterRef("pk"),
            action__in=StatusChange.UPDATES,
            changed_at__lt=end_of(day),
        ).order_by("-changed_at", "-pk")
        return self.annotate(
            last_update=Subquery(changes.values("changed_at")[:1]),
            last_update_by=Subquery(changes.values("changed_by__username")[:1]),
        )

    def with_staleness(self, cutoff):
        """After with_updates() (and as_of(), if any): annotate `is_stale`, True for a project
        still active and not updated since `cutoff`."""
        status = status_field(self)
        stale = Q(**{f"{status}__in": ACTIVE}) & (
            Q(last_update__lt=cutoff) | Q(last_update__isnull=True, created_at__lt=cutoff)
        )
        return self.annotate(
            is_stale=Case(
                When(stale, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )


def status_field(projects: models.QuerySet) -> str:
    """The field that holds the status the rows show: then (after as_of()) or now."""
    return "status_then" if "status_then" in projects.query.annotations else "status"
