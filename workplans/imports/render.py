"""The preview's table of rows, written as HTML here rather than by a template loop.

A file may hold 2,000 rows: the template engine took about a second to render them (a few
dozen tags a row), this takes a few hundredths. Every value is escaped; the markup is the
one the template wrote (`templates/workplans/imports/preview.html` includes it).
"""

from collections.abc import Mapping

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .rows import Change, Preview


def change_rows(preview: Preview) -> SafeString:
    """The <tr> of each row of the preview, in the file's order."""
    problems = preview.problem_rows
    actions = {"create": _("Create"), "update": _("Update"), "unchanged": _("No change")}
    words = {
        "problem": escape(_("Problem: see above")),
        "note": escape(_("Note")),
        "evidence": escape(_("Evidence")),
    }
    html = []
    for change in preview.changes:
        if change.row in problems:
            action, label, extra = "problem", words["problem"], ""
        else:
            action = change.action
            label = escape(actions.get(action, action))
            extra = _extra(change, words)
        html.append(
            f'<tr class="action-{escape(action)}" data-row="{change.row}" '
            f'data-action="{escape(action)}"><td class="num">{change.row}</td>'
            f"<td>{escape(change.code)}</td><td>{label}</td>"
            f"<td>{_diffs(change)}{extra}</td></tr>\n"
        )
    return mark_safe("".join(html))  # noqa: S308 — each value above is escaped


def _diffs(change: Change) -> str:
    parts = []
    for label, old, new in change.diffs:
        before = f"<del>{escape(old)}</del> → " if old else ""
        parts.append(
            f'<div class="diff"><strong>{escape(label)}</strong>: {before}'
            f"<ins>{escape(new) if new else '—'}</ins></div>"
        )
    return "".join(parts)


def _extra(change: Change, words: Mapping[str, str]) -> str:
    parts = []
    if change.note:
        parts.append(f'<div class="muted">{words["note"]}: {escape(change.note)}</div>')
    if change.evidence:
        parts.append(f'<div class="muted">{words["evidence"]}: {escape(change.evidence)}</div>')
    return "".join(parts)
