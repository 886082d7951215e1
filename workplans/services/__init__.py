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
from .reviews import status_submit, status_update, submission_approve, submission_return
from .rounds import project_confirm, round_close, round_open, round_reopen

__all__ = [
    "StaleVersionError",
    "project_confirm",
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
    "round_close",
    "round_open",
    "round_reopen",
    "status_submit",
    "status_update",
    "submission_approve",
    "submission_return",
]
