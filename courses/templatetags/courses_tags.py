"""Small presentation helpers for the courses templates."""

from decimal import Decimal, InvalidOperation

from django import template

from courses import rules
from courses.blocks import ActivityKind

register = template.Library()


@register.filter
def hours(value) -> str:
    """2.50 → "2.5", 3.00 → "3": hours read naturally, without trailing zeros."""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    text = f"{number.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def hours_phrase(value) -> str:
    """1 → "1 hour", 2.50 → "2.5 hours": the number with its unit, singular only for one."""
    number = hours(value)
    if not number:
        return ""
    return f"{number} hour" if Decimal(number) == 1 else f"{number} hours"


@register.filter
def duration(minutes) -> str:
    """90 → "1 h 30 min"."""
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        return ""
    whole_hours, rest = divmod(minutes, 60)
    parts = [f"{whole_hours} h"] if whole_hours else []
    if rest or not whole_hours:
        parts.append(f"{rest} min")
    return " ".join(parts)


@register.filter
def video_source(url: str) -> rules.VideoSource:
    return rules.video_source(url or "")


@register.filter
def activity_kind(value: str) -> str:
    """The readable name of an activity kind ("role_play" → "Role play with a peer")."""
    try:
        return ActivityKind(value).label
    except ValueError:
        return ""
