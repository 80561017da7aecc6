"""``{{ moment|short_age }}``: how long ago, in a few characters ("5 h", "3 d",
"2 mo") for dense lists. The exact time belongs in a ``title`` or ``datetime``
attribute next to it."""

from __future__ import annotations

from datetime import date, datetime, time

from django import template
from django.utils import timezone
from django.utils.translation import pgettext

register = template.Library()

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def short_age_text(value: datetime | date | None, now: datetime | None = None) -> str:
    """The age of ``value`` as one number and a short unit, in the active language.

    Under a minute (or in the future, after clock skew) is "now"; then minutes,
    hours, days up to 30, months (of 30 days) below a year, and years.
    """
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):
        if not isinstance(value, date):
            return ""
        value = timezone.make_aware(datetime.combine(value, time.min))
    elif timezone.is_naive(value):
        value = timezone.make_aware(value)
    now = now or timezone.now()
    seconds = int((now - value).total_seconds())
    if seconds < MINUTE:
        return pgettext("short age", "now")
    if seconds < HOUR:
        return pgettext("short age", "%(count)d min") % {"count": seconds // MINUTE}
    if seconds < DAY:
        return pgettext("short age", "%(count)d h") % {"count": seconds // HOUR}
    days = seconds // DAY
    if days < 30:
        return pgettext("short age", "%(count)d d") % {"count": days}
    if days < 365:
        return pgettext("short age", "%(count)d mo") % {"count": days // 30}
    return pgettext("short age", "%(count)d y") % {"count": days // 365}


@register.filter
def short_age(value: datetime | date | None) -> str:
    return short_age_text(value)
