"""The filter forms' widgets (tables/widgets.py) draw exactly what Django's templates draw."""

from decimal import Decimal

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from workplans.tables import widgets
from workplans.tables.filters import ProjectFilter

GROUPED = [
    ("", "Any plan"),
    ("ACCSM", [("a-1", 'Plan <one> & "two"'), ("a-2", gettext_lazy("Completed"))]),
    ("ACCSM+3 'x'", [("b-1", mark_safe("<b>safe</b>")), ("b-2", "Kế hoạch")]),
]
FLAT = [(25, 25), (1000, 1000), (Decimal("1.5"), Decimal("1.5")), ("x&y", "X & Y"), ("", "")]
ATTRS = [
    None,
    {"id": "id_f", "aria-describedby": "id_f_helptext", "class": "a <b>", "required": True},
    {"id": "id_f", "disabled": False, "data-x": mark_safe("&amp;")},
]


# Each of ours, and the Django widget it draws as.
DJANGOS: dict[type, type[forms.Widget]] = {
    widgets.Select: forms.Select,
    widgets.CheckboxSelectMultiple: forms.CheckboxSelectMultiple,
}


def django_drawing(widget, name, value, attrs) -> str:
    """The widget as Django's own templates draw it."""
    return DJANGOS[type(widget)].render(widget, name, value, attrs)


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("choices", [GROUPED, FLAT, []])
@pytest.mark.parametrize("value", [None, "a-2", 25, "x&y", ""])
@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_select_is_drawn_as_djangos(attrs, choices, value, language):
    widget = widgets.Select(choices=choices)
    with override(language):
        assert widget.render("f", value, attrs) == django_drawing(widget, "f", value, attrs)


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("choices", [GROUPED, FLAT, []])
@pytest.mark.parametrize("value", [None, [], ["a-1", "b-2"], [25, "x&y"]])
def test_checkboxes_are_drawn_as_djangos(attrs, choices, value):
    widget = widgets.CheckboxSelectMultiple(choices=choices)
    assert widget.render("f", value, attrs) == django_drawing(widget, "f", value, attrs)


def test_the_filter_form_is_drawn_as_with_djangos_widgets(db, viet_nam, japan):
    data = {"status": ["planned", "ongoing"], "lead_country": "VN", "per_page": "50", "q": "<x>"}
    form = ProjectFilter(data).form
    ours = str(form)
    for field in form.fields.values():
        if type(field.widget) in DJANGOS:
            field.widget.__class__ = DJANGOS[type(field.widget)]
    assert ours == str(form) and "checked" in ours and "selected" in ours
