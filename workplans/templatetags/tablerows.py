"""A row of the tracker's django-tables2 tables, drawn in Python (table.html uses it).

django-tables2's template works out every cell's attributes and renders every cell through
a few template nodes; for 25 rows of 9 columns that was most of a table page's time. This
draws the same markup: `<tr attrs><td attrs>cell</td>…</tr>`, each cell as `{{ cell }}` would.

Each cell's content is what django-tables2's BoundRow.get_cell gives, with what does not
depend on the row (the visible columns, their accessors, render methods and the arguments
those take, whether a field shows its choice's label) worked out once per table. A cell
that takes django-tables2's less common paths (a many-to-many column, a value that cannot
be read, a render method wanting what a cell cannot give) is left to get_cell itself.
"""

from django import template
from django.db import models
from django.template.base import render_value_in_context
from django.utils.safestring import mark_safe
from django_tables2 import utils
from django_tables2.columns import ManyToManyColumn

from ..markup import escaped, html_format

register = template.Library()

# What django-tables2 may pass to a render method (BoundRow._optional_cell_arguments).
CELL_ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")


def _static(column) -> bool:
    """Whether a column's cell attributes are the same on every row (no callables)."""
    sources = (column._table.attrs, column.column.attrs)
    return not any(
        callable(value)
        for attrs in sources
        for key in ("td", "cell")
        for value in (attrs.get(key) or {}).values()
    )


class Cells:
    """How one column's cells are drawn, as BoundRow.get_cell draws them."""

    def __init__(self, bound_column):
        self.bound_column, self.name = bound_column, bound_column.name
        self.column = bound_column.column
        self.accessor = utils.A(bound_column.accessor)
        self.default, self.render, self.link = (
            bound_column.default,
            bound_column.render,
            bound_column.link,
        )
        wanted, catch_all = utils.signature(self.render)
        self.wanted = CELL_ARGUMENTS if catch_all else wanted
        # get_cell's own way: a many-to-many column; a render method wanting an argument
        # django-tables2 does not give (it then draws None).
        self.general = isinstance(self.column, ManyToManyColumn) or any(
            name not in CELL_ARGUMENTS for name in wanted
        )
        self.labelled: dict[type, bool] = {}  # record type → does the cell show a choice label
        # A column drawn from the record alone, never empty and with no link, has no value
        # to read: its cell is the same without it.
        self.valueless = not (self.link or self.column.empty_values or "value" in self.wanted)

    def _shows_label(self, record) -> bool:
        kind = type(record)
        if kind not in self.labelled:
            field = self.accessor.get_field(record)
            self.labelled[kind] = bool(getattr(field, "choices", ()))
        return self.labelled[kind]

    def _value(self, record):
        """The cell's value: a choice field's label (get_FOO_display), else the field's."""
        if self._shows_label(record):
            owner, name = self.accessor.penultimate(record)
            label = getattr(owner, f"get_{name}_display", None)
            if isinstance(owner, models.Model) and label is not None:
                return label()
        return self.accessor.resolve(record)

    def draw(self, row):
        record = row.record
        if self.general:
            return row.get_cell(self.name)
        try:
            value = None if self.valueless else self._value(record)
        except Exception:  # get_cell has its rules for a value that cannot be read
            return row.get_cell(self.name)
        if value in self.column.empty_values:
            return self.default
        given = {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound_column,
            "bound_row": row,
            "table": row.table,
        }
        content = self.render(**{name: given[name] for name in self.wanted})
        if not self.link:
            return content
        if self.link.attrs:  # attributes of its own beside href: django-tables2 draws it
            return self.link(content, **given)
        # LinkTransform's markup when its only attribute is the address.
        href = self.link.compose_url(**given)
        return content if href is None else html_format('<a href="{}">{}</a>', href, content)


def _cells(table) -> list[Cells]:
    """The table's visible columns' drawers, worked out on its first row."""
    known = table.__dict__.get("_cells")
    if known is None:
        known = table.__dict__["_cells"] = [Cells(column) for column in table.columns]
    return known


@register.simple_tag(takes_context=True)
def table_row(context, row) -> str:
    table = row.table
    known = table.__dict__.setdefault("_td_attrs", {})
    cells = []
    for drawer in _cells(table):
        column = drawer.bound_column
        if column.localize is not None:  # a column asking for (un)localized values
            raise ValueError(f"table_row does not localize {column.name}: use the template")
        # As BoundRow.items(): callable cell attributes read the row's record and value.
        column.current_value = cell = drawer.draw(row)
        column.current_record = row.record
        attrs = known.get(column.name)
        if attrs is None:
            attrs = column.attrs["td"].as_html()
            if _static(column):
                known[column.name] = attrs
        cells.append(f"<td {escaped(attrs)}>{escaped(render_value_in_context(cell, context))}</td>")
    return html_format("<tr {}>{}</tr>", row.attrs.as_html(), mark_safe("".join(cells)))  # noqa: S308 (escaped)
