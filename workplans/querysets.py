"""Reusable reads. Figures are counted by the database, in the query that lists the rows."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import models
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    Count,
    DateField,
    F,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, TruncDate
from django.utils import timezone

from .localize import localized
from .statuses import ACTIVE, COUNTED, ProjectStatus


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


class Joined(Aggregate):
    """The values of a group joined into one text by `separator` (in no particular order)."""

    function = "STRING_AGG"
    output_field = TextField()

    def __init__(self, expression, separator: str):
        super().__init__(expression, Value(separator, output_field=TextField()))

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


# Separators no country name holds: between a lead's fields, and between leads.
_FIELD, _LEAD = "\x1f", "\x1e"


class Lead:
    """A lead country as the tables show it, read from ProjectQuerySet.with_leads()."""

    def __init__(self, code: str, name: str, name_vi: str):
        self.code, self.name, self.name_vi = code, name, name_vi

    def __str__(self) -> str:
        return localized(self, "name")


def leads_of(text: str | None) -> list[Lead]:
    """The leads of a row's `leads` annotation, in the countries' order (by name)."""
    if not text:
        return []
    leads = [Lead(*lead.split(_FIELD)) for lead in text.split(_LEAD)]
    return sorted(leads, key=lambda lead: (lead.name, lead.code))


class WorkPlanQuerySet(models.QuerySet):
    def with_reports(self, as_of: date | None = None):
        """Annotate `report_pk`: each plan's latest report (the latest reported by `as_of`, if
        given), by one subquery per plan."""
        latest = latest_reports(OuterRef("pk"), by=as_of)
        return self.select_related("body").annotate(report_pk=Subquery(latest.values("pk")[:1]))


def every_plan(plans) -> bool:
    """Whether `plans` (a queryset, or a list of ids) is a query of every plan."""
    return isinstance(plans, models.QuerySet) and not (plans.query.where or plans.query.is_sliced)


def project_counts(plans, as_of: date | None = None) -> list[tuple]:
    """Rows (plan id, status, adopted day, number of projects) for the projects of `plans` (a
    queryset or a list of ids), counted by the database in one query: a row per plan and
    status with the day None, then, for the few adopted projects, a row per day of adoption
    (already among the first rows' numbers).

    With `as_of`, each project counts by its status at the end of that day, rebuilt from the
    audit trail; projects created later are left out.
    """
    from .models import Project

    projects = Project.objects.all()
    if not every_plan(plans):  # all of them: no need to join the plans
        projects = projects.filter(plan__in=plans)
    if as_of is not None:
        projects = projects.as_of(as_of)
    status = status_field(projects)
    # Grouping every project by a third key costs three times as much: only adopted ones.
    every = projects.values_list("plan_id", status, Value(None, output_field=DateField()))
    adopted = projects.filter(adopted_on__isnull=False).values_list(
        "plan_id", status, TruncDate("adopted_on")
    )
    # COUNT(*): PostgreSQL counts from the (plan, status) index alone; COUNT(id) reads rows.
    counted = [rows.annotate(n=Count("*")).order_by() for rows in (every, adopted)]
    return list(counted[0].union(counted[1], all=True))


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

    def with_leads(self):
        """Annotate `leads`: the lead countries' codes and names in one text (leads_of() reads
        it), by a subquery per row, instead of a second query for a page's countries."""
        from .models import Project

        through = Project.lead_countries.through.objects.filter(project=OuterRef("pk"))
        fields = Concat(
            "country__code",
            Value(_FIELD),
            "country__name",
            Value(_FIELD),
            "country__name_vi",
            output_field=TextField(),
        )
        joined = through.order_by().values("project").annotate(text=Joined(fields, _LEAD))
        return self.annotate(leads=Subquery(joined.values("text")))  # type: ignore[misc]  # annotated

    def update_lead_keys(self) -> int:
        """Set each project's lead_key: its first lead country's code ("" for none), by the
        database."""
        from .models import Country

        first = Country.objects.filter(led_projects=OuterRef("pk")).order_by("code")
        return self.update(lead_key=Coalesce(Subquery(first.values("code")[:1]), Value("")))

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
            # A subquery, not a join: a count or an export that does not ask for the name
            # leaves it out, where a join would stay in every query of the table.
            by = User.objects.filter(pk=OuterRef("status_changed_by")).values("username")
            return self.annotate(last_update=F("status_changed_at"), last_update_by=Subquery(by))
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
