"""The filter forms' choice widgets, drawn in Python with Django's own markup.

Django draws a <select> through a template per option and another for each option's
attributes (a checkbox: three): on a table page, the filter form's forty options took a
tenth of the page's time. These widgets draw what Django's templates draw (select.html,
select_option.html, multiple_input.html, input_option.html, input.html, attrs.html), byte
for byte; test_filter_widgets compares the two on varied choices.
"""

from django import forms
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from ..markup import escaped


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"` for each attribute, ` name` alone for True, none for False."""
    return "".join(
        f" {escaped(name)}" if value is True else f' {escaped(name)}="{escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _text(value) -> str:
    """`{{ value }}` in a template: localized, then escaped unless safe."""
    return escaped(localize(value))


def _input(widget: dict) -> str:
    """input.html (with its closing newline, which an include keeps)."""
    value = "" if widget["value"] is None else f' value="{escaped(widget["value"])}"'
    name = _text(widget["name"])
    return f'<input type="{_text(widget["type"])}" name="{name}"{value}{_attrs(widget["attrs"])}>\n'


class Select(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f'\n  <optgroup label="{_text(group)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{escaped(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{_text(option['label'])}</option>\n"
                )
            if group:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value escaped)


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        own = widget["attrs"]
        parts = ["<div"]
        if own.get("id"):
            parts.append(f' id="{_text(own["id"])}"')
        if own.get("class"):
            parts.append(f' class="{_text(own["class"])}"')
        parts.append(">")
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f"\n  <div><label>{_text(group)}</label>")
            for option in options:  # checkbox_option.html: input_option.html, a newline
                parts.append(f"<div>\n    {_option(option)}\n</div>")
            if group:
                parts.append("\n  </div>")
        parts.append("\n</div>")
        return mark_safe("".join(parts))  # noqa: S308 (every value escaped)


def _option(option: dict) -> str:
    """input_option.html: the box, in its label when the widget wraps it."""
    if not option["wrap_label"]:
        return _input(option) + "\n"
    target = option["attrs"].get("id")
    opening = f'<label for="{_text(target)}">' if target else "<label>"
    return f"{opening}{_input(option)} {_text(option['label'])}</label>\n"
