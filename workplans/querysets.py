"""Reusable reads. Figures are counted by the database, in the query that lists the rows."""

from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

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


class WorkPlanQuerySet(models.QuerySet):
    def with_progress(self):
        """Annotate live counts per status and the figures of the latest report, in one query."""
        from .models import StatusReport

        live = {
            f"live_{status.value}": Count("projects", filter=Q(projects__status=status))
            for status in COUNTED
        }
        latest = (
            StatusReport.objects.filter(plan=OuterRef("pk"))
            .annotate(until=Coalesce("reported_until", "reported_on"))
            .order_by("-reported_on", "-pk")
        )
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


class ProjectQuerySet(models.QuerySet):
    def counted(self):
        return self.filter(status__in=COUNTED)

    def proposals(self):
        return self.filter(status=ProjectStatus.PROPOSED)

    def led_by(self, country):
        return self.filter(lead_countries=country)

    def with_staleness(self, cutoff):
        """Annotate `last_update` (None: never updated) and `is_stale` before `cutoff`."""
        return self.annotate(
            last_update=F("status_changed_at"),
            is_stale=Case(
                When(stale_q(cutoff), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
