"""A project's statuses, and every rule that depends on the status alone."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing or annual")
    COMPLETED = "completed", _("Completed")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")
