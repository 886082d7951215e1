"""The reporting round before a meeting: who still has to report, reminders, and review."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..statuses import ProjectStatus
from .meetings import Meeting
from .projects import Project


class ReportingRound(models.Model):
    """Before a meeting, the Secretariat asks the member states for their updates by a date.

    A project is reported in the round when its status was changed or confirmed while the
    round was open, or a change of it waits for review. Closed (the meeting's figures are
    recorded), the round is locked: nothing more is dated to its meeting until the
    Secretariat reopens it, with a reason.
    """

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="round"
    )
    due_on = models.DateField(_("due date"))
    remind_days = models.PositiveSmallIntegerField(
        _("remind from (days before the due date)"), default=7
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")

    def __str__(self) -> str:
        return str(_("Reporting round before %(meeting)s") % {"meeting": self.meeting})

    def get_absolute_url(self) -> str:
        return reverse("workplans:round_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RoundEvent(models.Model):
    """The audit trail of a round: opened, closed, reopened (with the reason)."""

    class Action(models.TextChoices):
        OPENED = "opened", _("Opened")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")

    round = models.ForeignKey(
        ReportingRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("round event")
        verbose_name_plural = _("round events")

    def __str__(self) -> str:
        return f"{self.round}: {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class StatusSubmission(models.Model):
    """Where a body reviews updates: an official's status change, waiting for the Secretariat.

    It counts only once approved (then applied as a status change); returned, it carries the
    Secretariat's comment, which the official answers by submitting again.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="submissions"
    )
    status = models.CharField(_("proposed status"), max_length=10, choices=ProjectStatus.choices)
    note = models.TextField(_("note"), blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    base_version = models.PositiveIntegerField(_("project version when submitted"))
    round = models.ForeignKey(
        ReportingRound,
        verbose_name=_("round"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
    )
    answers = models.ForeignKey(
        "self",
        verbose_name=_("answers"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answered_by",
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="status_submissions",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("status submission")
        verbose_name_plural = _("status submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(state="pending"),
                name="workplans_one_pending_submission_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} → {self.status} ({self.state})"


class Reminder(models.Model):
    """A reminder e-mailed to an official in a round: at most one a day."""

    round = models.ForeignKey(
        ReportingRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    sent_on = models.DateField(_("sent on"))
    projects = models.PositiveIntegerField(_("outstanding projects"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "user", "sent_on"], name="workplans_one_reminder_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.round} ({self.sent_on})"
