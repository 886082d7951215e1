"""Writes. Every status change goes through project_set_status: web, admin, import and CLI."""

from .projects import (
    StaleVersionError,
    project_create,
    project_delete,
    project_record_created,
    project_set_status,
    project_update_details,
    project_values,
)
from .proposals import project_propose, proposal_adopt, proposal_decline
from .reports import report_delete, report_save, reports_record_at_meeting

__all__ = [
    "StaleVersionError",
    "project_create",
    "project_delete",
    "project_propose",
    "project_record_created",
    "project_set_status",
    "project_update_details",
    "project_values",
    "proposal_adopt",
    "proposal_decline",
    "report_delete",
    "report_save",
    "reports_record_at_meeting",
]
