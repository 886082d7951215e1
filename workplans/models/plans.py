"""Work plans, their priority areas, targets and milestones, and the reports of their figures."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..progress import Progress
from ..querysets import WorkPlanQuerySet
from ..statuses import COUNTED
from .bodies import Body
from .meetings import Meeting


class WorkPlan(models.Model):
    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="plans"
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"))
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("predecessor plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
    )
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)

    objects = WorkPlanQuerySet.as_manager()

    class Meta:
        ordering = ["body__position", "-start_year", "title"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")),
                name="workplans_workplan_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workplans:plan_detail", args=[self.slug])

    @property
    def period(self) -> str:
        return f"{self.start_year}–{self.end_year}"


class PriorityArea(models.Model):
    """An action line (priority area) of a plan, numbered within it."""

    plan = models.ForeignKey(
        WorkPlan,
        verbose_name=_("work plan"),
        on_delete=models.CASCADE,
        related_name="areas",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=400)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("priority area")
        verbose_name_plural = _("priority areas")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="workplans_priorityarea_number_unique_in_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class StatusReport(models.Model):
    """A plan's count of projects per status, as reported on a date (usually at a meeting)."""

    plan = models.ForeignKey(
        WorkPlan,
        verbose_name=_("work plan"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    reported_on = models.DateField(_("reported on"))
    completed = models.PositiveIntegerField(_("completed"), default=0)
    ongoing = models.PositiveIntegerField(_("ongoing or annual"), default=0)
    planned = models.PositiveIntegerField(_("planned"), default=0)
    postponed = models.PositiveIntegerField(_("postponed"), default=0)
    source_title = models.CharField(_("source document"), max_length=500, blank=True)
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["plan", "-reported_on", "-pk"]
        verbose_name = _("reported status counts")
        verbose_name_plural = _("reported status counts")
        get_latest_by = "reported_on"
        constraints = [
            models.CheckConstraint(
                condition=Q(completed__gte=0)
                & Q(ongoing__gte=0)
                & Q(planned__gte=0)
                & Q(postponed__gte=0),
                name="workplans_statusreport_counts_not_negative",
            ),
            models.UniqueConstraint(
                fields=["plan", "meeting"],
                name="workplans_statusreport_one_per_plan_and_meeting",
            ),
            models.CheckConstraint(
                condition=Q(meeting__isnull=False) | ~Q(source_title=""),
                name="workplans_statusreport_has_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} — {self.reported_on:%Y-%m-%d}"

    @property
    def progress(self) -> Progress:
        return Progress(**{status.value: getattr(self, status) for status in COUNTED})


class Target(models.Model):
    """A measurable target of a plan (e.g. 100% of civil servants trained by 2025)."""

    plan = models.ForeignKey(
        WorkPlan,
        verbose_name=_("work plan"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    description = models.CharField(_("description"), max_length=400)
    target_percent = models.DecimalField(_("target (%)"), max_digits=5, decimal_places=1)
    start_year = models.PositiveSmallIntegerField(_("from year"))
    end_year = models.PositiveSmallIntegerField(_("by year"))
    achieved_percent = models.DecimalField(
        _("achieved (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Leave empty while no result has been reported."),
    )
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_percent__gte=0) & Q(target_percent__lte=100),
                name="workplans_target_percent_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_percent}% — {self.description}"


class Milestone(models.Model):
    """A dated step of a plan; its outcome stays empty until a source reports it."""

    plan = models.ForeignKey(
        WorkPlan,
        verbose_name=_("work plan"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    description = models.CharField(_("description"), max_length=400)
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)
    due_label = models.CharField(_("due"), max_length=40, help_text=_("As the source says it."))
    due_date = models.DateField(_("due by"))
    outcome = models.TextField(
        _("outcome"),
        blank=True,
        help_text=_("Leave empty while no outcome has been reported."),
    )
    achieved_on = models.DateField(_("achieved on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["plan", "due_date"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.due_label}: {self.description}"
