"""A row of the tracker's django-tables2 tables, drawn in Python (table.html uses it).

django-tables2's template works out every cell's attributes and renders every cell through
a few template nodes; for 25 rows of 9 columns that was most of a table page's time. This
draws the same markup: `<tr attrs><td attrs>cell</td>…</tr>`, each cell as `{{ cell }}` would.
"""

from django import template
from django.template.base import render_value_in_context
from django.utils.html import format_html, format_html_join

register = template.Library()


def _static(column) -> bool:
    """Whether a column's cell attributes are the same on every row (no callables)."""
    sources = (column._table.attrs, column.column.attrs)
    return not any(
        callable(value)
        for attrs in sources
        for key in ("td", "cell")
        for value in (attrs.get(key) or {}).values()
    )


@register.simple_tag(takes_context=True)
def table_row(context, row) -> str:
    table = row.table
    known = table.__dict__.setdefault("_td_attrs", {})
    cells = []
    for column, cell in row.items():
        if column.localize is not None:  # a column asking for (un)localized values
            raise ValueError(f"table_row does not localize {column.name}: use the template")
        attrs = known.get(column.name)
        if attrs is None:
            attrs = column.attrs["td"].as_html()
            if _static(column):
                known[column.name] = attrs
        cells.append((attrs, render_value_in_context(cell, context)))
    return format_html(
        "<tr {}>{}</tr>", row.attrs.as_html(), format_html_join("", "<td {}>{}</td>", cells)
    )
