from django import template

from courses.grading.rules import clock

register = template.Library()


@register.filter
def time_stamp(seconds) -> str:
    """Seconds as hh:mm:ss, as transcripts mark them."""
    return clock(seconds or 0)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)
