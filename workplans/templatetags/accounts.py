from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(value: timedelta) -> int:
    """A duration in whole minutes, rounded up (a lockout of 29.5 minutes says 30)."""
    return -int(-value.total_seconds() // 60)
