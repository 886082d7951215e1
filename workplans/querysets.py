"""Reusable reads. Figures are counted by the database, in the query that lists the rows."""

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery

# Kept as plain strings so that this module need not import the models that use it.
STATUSES = ("completed", "ongoing", "planned", "postponed")
REPORT_FIELDS = ("pk", "reported_on", *STATUSES)


class WorkPlanQuerySet(models.QuerySet):
    def with_progress(self):
        """Annotate live counts per status and the figures of the latest report, in one query."""
        from .models import StatusReport

        live = {
            f"live_{status}": Count("projects", filter=Q(projects__status=status))
            for status in STATUSES
        }
        latest = StatusReport.objects.filter(plan=OuterRef("pk")).order_by(
            "-reported_on", "-pk"
        )
        reported = {
            f"report_{field}": Subquery(latest.values(field)[:1])
            for field in REPORT_FIELDS
        }
        return (
            self.select_related("body")
            .annotate(**live, **reported)
            .annotate(
                pending=Count("projects", filter=Q(projects__status="proposed")),
                itemized=Count("projects", filter=~Q(projects__status="proposed")),
            )
        )


class ProjectQuerySet(models.QuerySet):
    def counted(self):
        return self.exclude(status__in=["proposed", "cancelled"])

    def proposals(self):
        return self.filter(status="proposed")

    def led_by(self, country):
        return self.filter(lead_countries=country)
