"""Writes. Every status change goes through project_set_status: web, admin, import and CLI.

A batch (an import) goes through its `_many` form, which checks each change as the single
service does and writes them all in a constant number of queries."""

from .projects import (
    ChangeRefused,
    StaleVersionError,
    StatusRequest,
    project_create,
    project_delete,
    project_record_created,
    project_set_status,
    project_set_statuses,
    project_update_details,
    project_values,
)
from .proposals import project_propose, proposal_adopt, proposal_decline
from .reports import report_delete, report_save, reports_record_at_meeting
from .reviews import (
    status_submit,
    status_submit_many,
    status_update,
    status_update_checks,
    status_update_many,
    submission_approve,
    submission_return,
)
from .rounds import project_confirm, round_close, round_open, round_reopen

__all__ = [
    "ChangeRefused",
    "StaleVersionError",
    "StatusRequest",
    "project_confirm",
    "project_create",
    "project_delete",
    "project_propose",
    "project_record_created",
    "project_set_status",
    "project_set_statuses",
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
    "status_submit_many",
    "status_update",
    "status_update_checks",
    "status_update_many",
    "submission_approve",
    "submission_return",
]
