"""Names stored in two languages: the Vietnamese one, when given, in the Vietnamese interface."""

from django.utils.translation import get_language


def in_vietnamese() -> bool:
    return (get_language() or "").startswith("vi")


def localized(obj, field: str, vietnamese: bool | None = None) -> str:
    """`obj.<field>_vi` when the interface is Vietnamese and it is filled in, else `obj.<field>`.
    `vietnamese`: in_vietnamese(), asked once by whoever localizes many names."""
    if in_vietnamese() if vietnamese is None else vietnamese:
        value = getattr(obj, f"{field}_vi", "")
        if value:
            return value
    return getattr(obj, field)
