"""The tracker's data: who cooperates, their work plans, projects, meetings and reports."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .localize import localized
from .progress import Progress
from .querysets import ProjectQuerySet, WorkPlanQuerySet


class CountryGroup(models.TextChoices):
    ASEAN = "asean", _("ASEAN member state")
    PLUS_THREE = "plus3", _("Plus Three partner")
    DIALOGUE = "dialogue", _("Dialogue partner")
    APPLICANT = "applicant", _("Observer or applicant")


class Country(models.Model):
    Group = CountryGroup

    code = models.CharField(_("ISO 3166 code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_vi = models.CharField(_("name in Vietnamese"), max_length=100, blank=True)
    group = models.CharField(_("group"), max_length=12, choices=Group.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=Q(group__in=CountryGroup.values),
                name="workplans_country_group_valid",
            ),
        ]

    def __str__(self) -> str:
        return localized(self, "name")


class Body(models.Model):
    """A cooperation (ACCSM, ACCSM+3), a network (PSTI) or a national agency that owns plans."""

    class Kind(models.TextChoices):
        COOPERATION = "cooperation", _("Regional cooperation")
        NETWORK = "network", _("Regional network")
        NATIONAL = "national", _("National agency")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="national_bodies",
        help_text=_("For a national agency: its country."),
    )
    members = models.ManyToManyField(
        Country, verbose_name=_("member countries"), related_name="bodies", blank=True
    )
    founded = models.PositiveSmallIntegerField(_("founded (year)"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["position", "short_name"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")

    def __str__(self) -> str:
        return self.short_name


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
        return reverse("plan_detail", args=[self.slug])

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


class MeetingKind(models.TextChoices):
    SOM = "som", _("SOM")
    SOM_PLUS_3 = "som3", _("SOM+3")
    HEAD = "head", _("HEAD")
    HEAD_PLUS_3 = "head3", _("HEAD+3")
    FORUM = "forum", _("Good Governance Forum")
    OTHER = "other", pgettext_lazy("meeting kind", "Other")


class Meeting(models.Model):
    Kind = MeetingKind

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    edition = models.CharField(
        _("edition"), max_length=40, blank=True, help_text=_("For example ACCSM 21.")
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    date_note = models.CharField(
        _("note on the dates"),
        max_length=200,
        blank=True,
        help_text=_("Say here when the sources give only the dates of the whole event."),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    online = models.BooleanField(_("held online"), default=False)
    host_country = models.ForeignKey(
        Country,
        verbose_name=_("host country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_meetings",
    )
    theme = models.CharField(_("theme"), max_length=400, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["-start_date", "body__position", "kind"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="workplans_meeting_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MeetingKind.values),
                name="workplans_meeting_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        name = self.title or self.get_kind_display()
        return f"{name}, {self.edition}" if self.edition else str(name)


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing or annual")
    COMPLETED = "completed", _("Completed")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


class Project(models.Model):
    """A project or activity of a work plan; its status is what officials keep current."""

    Status = ProjectStatus

    plan = models.ForeignKey(
        WorkPlan,
        verbose_name=_("work plan"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    lead_countries = models.ManyToManyField(
        Country,
        verbose_name=_("lead countries"),
        related_name="led_projects",
        blank=True,
    )
    priority_area = models.ForeignKey(
        PriorityArea,
        verbose_name=_("priority area"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    year = models.PositiveSmallIntegerField(_("planned year"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    is_recurring = models.BooleanField(_("annual or recurring"), default=False)
    carried_over_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_over_to",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProjectStatus.choices,
        default=ProjectStatus.PLANNED,
    )
    # Optimistic concurrency: every status change bumps it; a form carries the one it read.
    version = models.PositiveIntegerField(_("version"), default=1)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_by = models.ForeignKey(
        Country,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposed_projects",
    )
    adopted_at = models.ForeignKey(
        Meeting,
        verbose_name=_("adopted at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adopted_projects",
    )
    # When the adoption was recorded: a project adopted after a plan's latest report is
    # added to the reported figures rather than assumed to be among them.
    adopted_on = models.DateTimeField(_("adoption recorded at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    # Statuses that make up a plan's counted total; proposals and cancellations do not.
    COUNTED = (
        ProjectStatus.PLANNED,
        ProjectStatus.ONGOING,
        ProjectStatus.COMPLETED,
        ProjectStatus.POSTPONED,
    )

    class Meta:
        ordering = ["plan", "code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"], name="workplans_project_code_unique_in_plan"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values),
                name="workplans_project_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="workplans_project_dates_ordered",
            ),
        ]
        permissions = [
            (
                "update_status",
                _("Can update the status of projects their country leads"),
            ),
            ("update_any_status", _("Can update the status of any project")),
            ("propose_project", _("Can propose a project for a plan")),
            ("decide_proposal", _("Can adopt or decline proposed projects")),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("project_detail", args=[self.pk])


class StatusChange(models.Model):
    """The audit trail: one row per creation, status change or deletion of a project."""

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        ADMIN = "admin", _("Admin")
        IMPORT = "import", _("Spreadsheet import")
        COMMAND = "command", _("Command line")

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status changed")
        DELETED = "deleted", _("Deleted")

    # SET_NULL: a deleted project's records survive it, readable through `project_label`.
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
    )
    project_label = models.CharField(_("project (code and title)"), max_length=440, blank=True)
    action = models.CharField(
        _("action"), max_length=8, choices=Action.choices, default=Action.STATUS
    )
    # On creation and deletion: the project's values then (plan, code, title, leads…).
    values = models.JSONField(_("values"), default=dict, blank=True)
    from_status = models.CharField(
        _("from status"), max_length=10, choices=Project.Status.choices, blank=True
    )
    to_status = models.CharField(
        _("to status"), max_length=10, choices=Project.Status.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_changes",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    version = models.PositiveIntegerField(_("version after the change"))

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        get_latest_by = "changed_at"

    def __str__(self) -> str:
        code = self.project_label.split(" ", 1)[0]
        return f"{code}: {self.from_status or '—'} → {self.to_status or '—'}"


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
        return Progress(
            completed=self.completed,
            ongoing=self.ongoing,
            planned=self.planned,
            postponed=self.postponed,
        )


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


class Chairmanship(models.Model):
    """Who chaired a body (ACCSM 21: Viet Nam) or a network (PSTI), and when."""

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="chairs"
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="chairs",
    )
    edition = models.CharField(_("edition"), max_length=40, blank=True)
    start_year = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    handed_over_on = models.CharField(_("handed over"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["body__position", "start_year"]
        verbose_name = _("chairmanship")
        verbose_name_plural = _("chairmanships")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="workplans_chairmanship_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.start_year or '?'}–{self.end_year or '?'}"
        label = self.edition or str(self.body)
        return f"{label}: {self.country} ({period})"


class Profile(models.Model):
    """What the tracker knows about a user beyond Django's auth: the country they speak for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
    )

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.country or '—'})"
