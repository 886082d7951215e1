"""Spreadsheet imports: itemize a plan (Secretariat) and batch status updates (officials).

Upload → read (size, type, encoding, formulas) → validate every row → preview → confirm →
apply in one transaction through the services, so permissions, transitions, version checks
and the audit trail are those of a single update. A file with any error applies nothing.
"""

from .apply import apply
from .columns import (
    HELP_TEXT,
    ITEMIZE,
    KINDS,
    MAX_ROWS,
    STATUS,
    FileRefused,
    ImportConflict,
    columns,
    status_choices,
)
from .readers import read_upload
from .render import change_rows
from .rows import Preview
from .templates import TEMPLATE_FORMATS, TITLES, template
from .validate import build_preview

__all__ = [
    "HELP_TEXT",
    "ITEMIZE",
    "KINDS",
    "MAX_ROWS",
    "STATUS",
    "TEMPLATE_FORMATS",
    "TITLES",
    "FileRefused",
    "ImportConflict",
    "Preview",
    "apply",
    "build_preview",
    "change_rows",
    "columns",
    "read_upload",
    "status_choices",
    "template",
]
