"""When work-order reminders go out (SPEC INC-10, A-24).

A work order the supplier has not accepted gets a first reminder after
``Organization.reminder_first_after_hours`` working hours, then one per
working day, at most ``Organization.reminder_max``. Working time is the
organization's opening hours on working days (no weekends, national holidays
or own closed days); an organization without opening hours counts 08:00 to 17:00.
Nothing goes out at night or on a closed day: a reminder that falls due then
(a worker was down, say) moves to the next opening.

These are pure functions of the organization and a moment; the sending lives
in ``meldpunt.incidents.sub_incidents``.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from meldpunt.organization.calendar import closed_days_between, national_holidays
from meldpunt.organization.models import Organization

DEFAULT_HOURS = ((time(8, 0), time(17, 0)),)
SEARCH_DAYS = 60  # never look further ahead than this for working time


def _hours_by_weekday(organization: Organization) -> dict[int, list[tuple[time, time]]]:
    by_day: dict[int, list[tuple[time, time]]] = {}
    stored = organization.opening_hours.all() if organization.pk is not None else ()
    for hours in stored:
        by_day.setdefault(hours.weekday, []).append((hours.opens_at, hours.closes_at))
    if not by_day:
        return {weekday: list(DEFAULT_HOURS) for weekday in range(5)}
    return {weekday: sorted(spans) for weekday, spans in by_day.items()}


def _closed_days(organization: Organization, first: date, last: date) -> Container[date]:
    if organization.pk is not None:
        return closed_days_between(organization, first, last)
    # Not configured yet: weekends and the country's holidays only.
    holidays = national_holidays(organization.country, range(first.year, last.year + 1))
    days = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    return {day for day in days if day in holidays or day.weekday() >= 5}


def working_periods(
    organization: Organization, start: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """The organization's working periods (opening, closing) that end after ``start``,
    in order, over the next ``SEARCH_DAYS`` days, in the current time zone."""
    local = timezone.localtime(start)
    first_day = local.date()
    last_day = first_day + timedelta(days=SEARCH_DAYS)
    closed = _closed_days(organization, first_day, last_day)
    by_weekday = _hours_by_weekday(organization)
    zone = timezone.get_current_timezone()
    day: date = first_day
    while day <= last_day:
        if day not in closed:
            for opens, closes in by_weekday.get(day.weekday(), []):
                period_end = datetime.combine(day, closes, tzinfo=zone)
                if period_end > start:
                    yield datetime.combine(day, opens, tzinfo=zone), period_end
        day += timedelta(days=1)


def add_working_hours(organization: Organization, start: datetime, hours: float) -> datetime | None:
    """The moment ``hours`` of working time after ``start``; ``None`` when there is no
    such time within ``SEARCH_DAYS`` days (an organization closed for two months)."""
    remaining = timedelta(hours=hours)
    for opens, closes in working_periods(organization, start):
        begin = max(opens, start)
        available = closes - begin
        # Strictly less: time that runs out at closing lands on the next opening,
        # since nothing goes out at the closing moment itself.
        if remaining < available:
            return begin + remaining
        remaining -= available
    return None


def next_working_moment(organization: Organization, moment: datetime) -> datetime | None:
    """``moment`` itself when it falls in working time, else the next opening."""
    for opens, _closes in working_periods(organization, moment):
        return max(opens, moment)
    return None


def next_working_day_opening(organization: Organization, moment: datetime) -> datetime | None:
    """The first opening on a working day after the day of ``moment``."""
    today = timezone.localtime(moment).date()
    for opens, _closes in working_periods(organization, moment):
        if opens.date() > today:
            return opens
    return None


def reminder_due_at(
    organization: Organization, *, sent_at: datetime, reminders_sent: int, last_at: datetime
) -> datetime | None:
    """When the next reminder is due, or ``None`` when no more go out.

    ``sent_at`` is when the work order went to the supplier, ``last_at`` when
    the last reminder did (equal to ``sent_at`` before the first).
    """
    if reminders_sent >= organization.reminder_max:
        return None
    if reminders_sent == 0:
        return add_working_hours(organization, sent_at, organization.reminder_first_after_hours)
    return next_working_day_opening(organization, last_at)
