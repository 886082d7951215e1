"""A project's statuses (the model's choices), and every rule that depends on the status alone.

It imports no model, so that querysets and progress may use it. Everything else (tables,
figures, the stale flag, transitions, imports) derives from these.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing or annual")
    COMPLETED = "completed", _("Completed")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


S = ProjectStatus

# The statuses that make up a plan's counted total, in the order tables and bars show them.
# A proposal is not adopted yet and a cancelled project is no longer planned: neither counts.
COUNTED: tuple[ProjectStatus, ...] = (S.COMPLETED, S.ONGOING, S.PLANNED, S.POSTPONED)
# Statuses someone still has to keep current; completed and cancelled projects never go stale.
ACTIVE: tuple[ProjectStatus, ...] = (S.PLANNED, S.ONGOING, S.POSTPONED)
# Closed: only the Secretariat moves a project out of these.
CLOSED: tuple[ProjectStatus, ...] = (S.COMPLETED, S.CANCELLED)
# Moving a project to one of these needs a note saying why.
NOTE_REQUIRED: tuple[ProjectStatus, ...] = (S.POSTPONED, S.CANCELLED)

# The IATI ActivityStatus code of each status (https://iatistandard.org/en/iati-standard/203/
# codelists/activitystatus/). Completed is 3 "Finalisation" (physical activity complete):
# the sources never say that an activity's accounts are closed (4).
IATI_ACTIVITY_STATUS: dict[str, int] = {
    S.PROPOSED: 1,
    S.PLANNED: 1,
    S.ONGOING: 2,
    S.COMPLETED: 3,
    S.POSTPONED: 6,
    S.CANCELLED: 5,
}
