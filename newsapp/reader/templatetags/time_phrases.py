"""How long ago something happened, in the words a person would use ("just now", "yesterday")."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date

register = template.Library()

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}{'' if number == 1 else 's'} ago"


def time_ago(moment: datetime, now: datetime) -> str:
    """ "just now", "1 minute ago", "3 hours ago", "yesterday", "4 days ago", then the date
    ("on 3 March", with the year when it is not this year's). A moment slightly in the future
    (clocks of two servers) is "just now"."""
    seconds = (now - moment).total_seconds()
    if seconds < MINUTE:
        return "just now"
    if seconds < HOUR:
        return _count(int(seconds // MINUTE), "minute")
    if seconds < DAY:
        return _count(int(seconds // HOUR), "hour")
    days = int(seconds // DAY)
    if days == 1:
        return "yesterday"
    if days < 7:
        return _count(days, "day")
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    local_now = timezone.localtime(now) if timezone.is_aware(now) else now
    pattern = "j F" if local.year == local_now.year else "j F Y"
    return f"on {format_date(local, pattern)}"


@register.filter
def ago(moment: datetime | None) -> str:
    return time_ago(moment, timezone.now()) if moment else ""
