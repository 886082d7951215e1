from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def pct(value) -> str:
    """22.6 → '22.6 %' in the active locale's number format; None → '—' (nothing counted)."""
    if value is None:
        return "—"
    return f"{number_format(value, 1)} %"
