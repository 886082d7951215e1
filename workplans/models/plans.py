"""Work plans, their priority areas, targets and milestones, and the reports of their figures."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..dates import date_range
from ..localize import localized
from ..progress import Progress
from ..querysets import WorkPlanQuerySet
from ..statuses import COUNTED
from .bodies import Body, Country
from .meetings import Meeting


class WorkPlan(models.Model):
    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="plans"
    )
    title = models.CharField(_("title"), max_length=300)
    title_vi = models.CharField(_("title in Vietnamese"), max_length=400, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    start_year = models.PositiveSmallIntegerField(
        _("start year"), null=True, blank=True, help_text=_("Empty when the sources give none.")
    )
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
        return localized(self, "title")

    def get_absolute_url(self) -> str:
        return reverse("workplans:plan_detail", args=[self.slug])

    @property
    def period(self) -> str:
        """'2021–2025', or 'to 2025' when the sources give no start."""
        if self.start_year is None:
            return _("to %(year)s") % {"year": self.end_year}
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
    title_vi = models.CharField(_("title in Vietnamese"), max_length=400, blank=True)
    proposed_by = models.ForeignKey(
        Country,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Set while the sources report the area as proposed, not as adopted."),
    )
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
        return f"{self.number}. {self.local_title}"

    @property
    def local_title(self) -> str:
        return localized(self, "title")


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
    reported_on = models.DateField(
        _("reported on"), help_text=_("The day, or the first day when only a range is known.")
    )
    reported_until = models.DateField(
        _("reported until"),
        null=True,
        blank=True,
        help_text=_(
            "The last day when the sources give only a range (the dates of the meeting or "
            "event); empty when the day is known."
        ),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded from the tracker by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded from the tracker on"), null=True, blank=True)
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
            models.CheckConstraint(
                condition=Q(reported_until__isnull=True) | Q(reported_until__gt=F("reported_on")),
                name="workplans_statusreport_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} — {date_range(self.reported_on, self.reported_until)}"

    def clean(self):
        super().clean()
        meeting = self.meeting
        if meeting is None or self.reported_on is None:
            return
        last = meeting.end_date or meeting.start_date
        until = self.reported_until or self.reported_on
        if self.reported_on < meeting.start_date or until > last:
            raise ValidationError(
                {
                    "reported_on": _(
                        "A report presented at %(meeting)s holds on its dates, %(dates)s."
                    )
                    % {"meeting": meeting, "dates": meeting.dates}
                }
            )

    @property
    def presented(self) -> bool:
        """Presented at a meeting: locked, only the Secretariat changes it (and is audited)."""
        return self.meeting_id is not None

    @property
    def progress(self) -> Progress:
        return Progress(**{status.value: getattr(self, status) for status in COUNTED})


class ReportChange(models.Model):
    """The audit trail of reported figures: who recorded, changed or deleted a report, and what."""

    class Action(models.TextChoices):
        RECORDED = "recorded", _("recorded")
        CHANGED = "changed", _("changed")
        DELETED = "deleted", _("deleted")

    plan = models.ForeignKey(
        WorkPlan, verbose_name=_("work plan"), on_delete=models.CASCADE, related_name="+"
    )
    report = models.ForeignKey(
        StatusReport,
        verbose_name=_("report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    values = models.JSONField(
        _("values"), default=dict, help_text=_("Each changed field: [old value, new value].")
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("change of reported figures")
        verbose_name_plural = _("changes of reported figures")

    def __str__(self) -> str:
        return f"{self.plan} — {self.get_action_display()} {self.changed_at:%Y-%m-%d %H:%M}"


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
