"""Projects and activities of a plan, and the audit trail of their changes."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..querysets import ProjectQuerySet
from ..statuses import ProjectStatus
from .bodies import Country
from .meetings import Meeting
from .plans import PriorityArea, WorkPlan


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
    # The last update: the status set, or confirmed unchanged in a reporting round.
    status_changed_at = models.DateTimeField(_("last update"), null=True, blank=True)
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
    # The tables sort by the first lead country (its code, "" for none); at 200,000 projects
    # only a column of their own, indexed, sorts fast. Kept whenever the lead countries or a
    # country's code change (signals.lead_countries_changed), never written by a save().
    lead_key = models.CharField(
        _("first lead country"), max_length=2, blank=True, default="", editable=False
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        # What the pages count, filter and sort by at 200,000 projects (see the benchmark's
        # EXPLAIN). The tables break ties by id in the sort's direction, so (column, id) read
        # forwards or backwards gives a page of any sort on a column without sorting.
        indexes = [
            models.Index(fields=["plan", "status"], name="workplans_project_plan_status"),
            models.Index(fields=["title", "id"], name="workplans_project_title"),
            models.Index(fields=["code", "id"], name="workplans_project_code"),
            # Sorts by year or status; with the plan and area beside each entry, PostgreSQL
            # counts a filtered table's rows per plan from the index alone (GroupPaginator).
            models.Index(
                fields=["year", "id"],
                include=["plan", "priority_area"],
                name="workplans_project_year_plan",
            ),
            models.Index(
                fields=["status", "id"],
                include=["plan", "priority_area"],
                name="workplans_project_status_plan",
            ),
            models.Index(fields=["status_changed_at", "id"], name="workplans_project_updated"),
            models.Index(fields=["lead_key", "id"], name="workplans_project_lead_key"),
            # The few adopted projects (added to a report's figures) and pending proposals.
            models.Index(
                fields=["plan", "adopted_on"],
                condition=Q(adopted_on__isnull=False),
                name="workplans_project_adopted",
            ),
            models.Index(
                fields=["created_at", "id"],
                condition=Q(status="proposed"),
                name="workplans_project_proposals",
            ),
        ]
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

    def save(self, *args, **kwargs):
        # An instance's lead_key may be older than the lead countries it was read with: an
        # update writes every field but it (update_lead_keys keeps it).
        updating = self.pk is not None and not self._state.adding and not kwargs.get("force_insert")
        if updating and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "lead_key"
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("workplans:project_detail", args=[self.pk])

    def lead_codes(self) -> str:
        """'VN; JP': the lead countries as spreadsheets (exports, import templates) write them.

        Reads `lead_countries.all()`, so a prefetch serves it without a query.
        """
        return "; ".join(country.code for country in self.lead_countries.all())


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
        CONFIRMED = "confirmed", _("Status confirmed")
        SUBMITTED = "submitted", _("Submitted for review")
        RETURNED = "returned", _("Returned by the reviewer")
        DELETED = "deleted", _("Deleted")

    # The actions that update a project: its status set, or confirmed unchanged. They date
    # its last update, and report it in a reporting round.
    UPDATES = (Action.STATUS, Action.CONFIRMED)

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
        _("action"), max_length=10, choices=Action.choices, default=Action.STATUS
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

    @property
    def proposed_label(self) -> str:
        """For a change submitted or returned in review: the status it asks for."""
        status = self.values.get("status", "") if self.action in ("submitted", "returned") else ""
        return str(ProjectStatus(status).label) if status in ProjectStatus.values else ""
