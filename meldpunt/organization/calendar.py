"""Closed days: weekends, national holidays (NL/NO) and the organization's own."""

from __future__ import annotations

from datetime import date, timedelta

import holidays as holiday_calendars
from django.utils.translation import gettext as _

from meldpunt.organization.models import Organization


def national_holidays(country: str, years: range | list[int]) -> dict[date, str]:
    calendar = holiday_calendars.country_holidays(country, years=list(years), language="en_US")
    return dict(calendar.items())


def closed_days_between(organization: Organization, start: date, end: date) -> dict[date, str]:
    """Every date in ``[start, end]`` on which the organization does not work, with a reason.

    Weekends count as closed. Two queries at most, whatever the range.
    """
    if end < start:
        return {}
    result: dict[date, str] = {}
    holidays = national_holidays(organization.country, range(start.year, end.year + 1))
    own = dict(
        organization.closed_days.filter(date__range=(start, end)).values_list("date", "reason")
    )
    day = start
    while day <= end:
        if day in own:
            result[day] = own[day] or _("Closed")
        elif day in holidays:
            result[day] = holidays[day]
        elif day.weekday() >= 5:
            result[day] = _("Weekend")
        day += timedelta(days=1)
    return result


def is_working_day(organization: Organization, day: date) -> bool:
    return day not in closed_days_between(organization, day, day)
