"""Names stored in two languages: the Vietnamese one, when given, in the Vietnamese interface."""

from django.utils.translation import get_language


def localized(obj, field: str) -> str:
    """`obj.<field>_vi` when the interface is Vietnamese and it is filled in, else `obj.<field>`."""
    if (get_language() or "").startswith("vi"):
        value = getattr(obj, f"{field}_vi", "")
        if value:
            return value
    return getattr(obj, field)
