"""Template filters for writing time (core/britishtime.py); a builtin, so no {% load %} is needed.

{{ dt|clock }} 7.30 pm · {{ dt|day }} Tuesday 2 December · {{ dt|day_and_time }} Tuesday 2 December, 7 pm
{{ dt|date_long }} 2 December 2026 · {{ dt|stamp }} 2 December 2026, 7 pm · {{ d|month }} December 2026
{{ start|until:end }} 7 pm to 8.30 pm · <time datetime="{{ dt|machine }}"> ISO 8601 without microseconds
"""

from datetime import date

from django import template

from core import britishtime

register = template.Library()


def _quiet(write):
    """Like Django's own `date` filter, anything that is not a date (None, "", a placeholder) gives ""."""

    def filter_(value):
        return write(value) if isinstance(value, date) else ""

    return filter_


for _name in ("clock", "day", "day_and_time", "date_long", "stamp", "month", "machine"):
    register.filter(_name, _quiet(getattr(britishtime, _name)))


@register.filter
def until(start, end):
    if not isinstance(start, date) or not isinstance(end, date):
        return ""
    return britishtime.span(start, end)
