"""Work-order reminders (SPEC INC-10, A-24): working hours only, once per working
day after the first, at most the organization's maximum, never twice.

The clock is passed in as ``now`` (times are in the project's time zone,
Europe/Amsterdam); March 2026 has no holidays, 27 April 2026 is King's Day.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from meldpunt.common.models import AuditEvent
from meldpunt.incidents import sub_incident_party as party_services
from meldpunt.incidents import sub_incidents as services
from meldpunt.incidents.models import SubIncident
from meldpunt.incidents.reminders import add_working_hours, next_working_moment, reminder_due_at
from meldpunt.incidents.sub_incidents import SubIncidentDraft
from meldpunt.notifications.models import OutboxMessage
from meldpunt.notifications.rendering import render_message
from meldpunt.notifications.sweeps import registered_sweeps
from meldpunt.organization.models import ClosedDay, OpeningHours, Organization
from meldpunt.people.models import Channel, Contact
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def at(day: date | str, hour: int, minute: int = 0) -> datetime:
    """A moment in the project's time zone."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


MONDAY = date(2026, 3, 2)
TUESDAY = MONDAY + timedelta(days=1)
WEDNESDAY = MONDAY + timedelta(days=2)
FRIDAY = MONDAY + timedelta(days=4)
NEXT_MONDAY = MONDAY + timedelta(days=7)


@pytest.fixture(autouse=True)
def project_time_zone(settings):
    assert settings.TIME_ZONE == "Europe/Amsterdam"
    with timezone.override("Europe/Amsterdam"):
        yield


@pytest.fixture
def org(organization) -> Organization:
    """Open Monday to Friday, 08:00 to 17:00, in the Netherlands."""
    for weekday in range(5):
        OpeningHours.objects.create(
            organization=organization, weekday=weekday, opens_at=time(8), closes_at=time(17)
        )
    assert organization.country == Organization.Country.NETHERLANDS
    assert (organization.reminder_first_after_hours, organization.reminder_max) == (4, 5)
    return organization


def first_due(organization: Organization, sent_at: datetime) -> datetime | None:
    return reminder_due_at(organization, sent_at=sent_at, reminders_sent=0, last_at=sent_at)


# ---------------------------------------------------------------- the arithmetic


@pytest.mark.parametrize(
    ("sent_at", "expected"),
    [
        (at(MONDAY, 10), at(MONDAY, 14)),
        (at(MONDAY, 15), at(TUESDAY, 10)),
        (at(FRIDAY, 16), at(NEXT_MONDAY, 11)),
        (at(MONDAY, 13), at(TUESDAY, 8)),  # runs out at closing: the next opening
        (at(MONDAY, 6), at(MONDAY, 12)),  # sent before opening counts from the opening
        (at(MONDAY, 21), at(TUESDAY, 12)),  # sent at night counts from the next opening
        (at(MONDAY - timedelta(days=1), 12), at(MONDAY, 12)),  # sent on a Sunday
    ],
)
def test_the_first_reminder_comes_after_four_working_hours(org, sent_at, expected):
    assert first_due(org, sent_at) == expected


def test_a_national_holiday_is_skipped(org):
    # Friday 24 April 2026, then King's Day on Monday the 27th.
    assert first_due(org, at("2026-04-24", 16)) == at("2026-04-28", 11)


def test_an_own_closed_day_is_skipped(org):
    ClosedDay.objects.create(organization=org, date=TUESDAY, reason="Personeelsuitje")
    assert first_due(org, at(MONDAY, 15)) == at(WEDNESDAY, 10)


def test_the_organizations_country_decides_the_holidays(org):
    org.country = Organization.Country.NORWAY
    org.save()
    # Monday 27 April is no holiday in Norway; 17 May 2027 (a Monday) is.
    assert first_due(org, at("2026-04-24", 16)) == at("2026-04-27", 11)
    assert first_due(org, at("2027-05-14", 16)) == at("2027-05-18", 11)


def test_the_first_after_setting_is_honoured(org):
    org.reminder_first_after_hours = 2
    assert first_due(org, at(MONDAY, 10)) == at(MONDAY, 12)
    org.reminder_first_after_hours = 9
    assert first_due(org, at(MONDAY, 10)) == at(TUESDAY, 10)


def test_later_reminders_come_at_the_next_working_days_opening(org):
    due = reminder_due_at(org, sent_at=at(MONDAY, 10), reminders_sent=1, last_at=at(MONDAY, 14))
    assert due == at(TUESDAY, 8)
    due = reminder_due_at(org, sent_at=at(MONDAY, 10), reminders_sent=2, last_at=at(FRIDAY, 8))
    assert due == at(NEXT_MONDAY, 8)


def test_no_reminder_after_the_maximum(org):
    assert (
        reminder_due_at(org, sent_at=at(MONDAY, 10), reminders_sent=5, last_at=at(FRIDAY, 8))
        is None
    )
    org.reminder_max = 0
    assert first_due(org, at(MONDAY, 10)) is None


def test_split_opening_hours_leave_out_the_break(organization):
    for weekday in range(5):
        OpeningHours.objects.create(
            organization=organization, weekday=weekday, opens_at=time(8), closes_at=time(12)
        )
        OpeningHours.objects.create(
            organization=organization, weekday=weekday, opens_at=time(13), closes_at=time(17)
        )
    assert first_due(organization, at(MONDAY, 10)) == at(MONDAY, 15)
    assert next_working_moment(organization, at(MONDAY, 12, 30)) == at(MONDAY, 13)


def test_without_opening_hours_the_working_day_is_eight_to_five(organization):
    assert first_due(organization, at(FRIDAY, 16)) == at(NEXT_MONDAY, 11)


def test_an_organization_not_configured_yet_uses_the_defaults():
    unsaved = Organization(name="Nog in te richten")
    assert first_due(unsaved, at(FRIDAY, 16)) == at(NEXT_MONDAY, 11)
    assert add_working_hours(unsaved, at("2026-04-24", 16), 4) == at("2026-04-28", 11)


def test_an_organization_closed_for_months_has_no_reminder(org):
    for offset in range(70):
        ClosedDay.objects.create(organization=org, date=MONDAY + timedelta(days=offset))
    assert first_due(org, at(MONDAY, 10)) is None


# ---------------------------------------------------------------- sending


@pytest.fixture
def supplier() -> Contact:
    return ContactFactory(
        kind=Contact.Kind.SUPPLIER,
        email="planning@vandam.example.com",
        phone="+31612340000",
        preferred_channel=Channel.SMS,
    )


@pytest.fixture
def make_order(org, staff_actor, supplier, make_incident):
    def make(sent_at: datetime, **values: Any) -> SubIncident:
        order = services.sub_incident_create(
            actor=staff_actor,
            incident=make_incident(),
            draft=SubIncidentDraft(
                kind=SubIncident.Kind.EXTERNAL, title="Kraan", contact=supplier, **values
            ),
        )
        due = first_due(org, sent_at) if order.reminders_on else None
        SubIncident.objects.filter(pk=order.pk).update(sent_at=sent_at, next_reminder_at=due)
        OutboxMessage.objects.all().delete()
        order.refresh_from_db()
        return order

    return make


def reminders(order: SubIncident | None = None) -> list[OutboxMessage]:
    rows = OutboxMessage.objects.filter(template="supplier.work_order_reminder")
    if order is not None:
        rows = rows.filter(thread_key=order.thread_key)
    return list(rows.order_by("pk"))


def send(order: SubIncident, now: datetime) -> str:
    return services.work_order_reminder_send(sub_incident_id=order.pk, now=now)


def test_a_reminder_goes_out_when_due_and_not_before(make_order):
    order = make_order(at(MONDAY, 10))
    assert order.next_reminder_at == at(MONDAY, 14)
    assert send(order, at(MONDAY, 13, 59)) == "not due"
    assert not reminders()
    assert send(order, at(MONDAY, 14)) == "sent"
    sent = reminders()
    assert [(m.channel, m.recipient) for m in sent] == [
        ("email", "planning@vandam.example.com"),
        ("sms", "+31612340000"),
    ]
    assert sent[0].context["reminder_number"] == "1"
    assert sent[0].thread_key == order.thread_key
    assert render_message(sent[0])
    order.refresh_from_db()
    assert order.reminders_sent == 1
    assert order.next_reminder_at == at(TUESDAY, 8)
    audit = AuditEvent.objects.get(verb="work_order.reminded")
    assert audit.changes["reminder"] == {"old": 0, "new": 1}


def test_one_reminder_per_working_day_at_most_five(make_order):
    order = make_order(at(MONDAY, 10))
    moments = []
    now = at(MONDAY, 14)
    while True:
        order.refresh_from_db()
        if order.next_reminder_at is None:
            break
        now = order.next_reminder_at
        assert send(order, now) == "sent"
        moments.append(now)
        assert len(moments) <= 5
    assert moments == [
        at(MONDAY, 14),
        at(TUESDAY, 8),
        at(WEDNESDAY, 8),
        at(MONDAY + timedelta(days=3), 8),
        at(FRIDAY, 8),
    ]
    assert order.reminders_sent == 5
    assert len(reminders()) == 10  # five times email and SMS
    assert send(order, at(NEXT_MONDAY, 8)) == "not waiting"
    assert services.work_order_reminders_sweep(now=at(NEXT_MONDAY, 9)) == 0
    assert len(reminders()) == 10


def test_the_maximum_is_the_organizations(make_order, org):
    org.reminder_max = 1
    org.save()
    order = make_order(at(MONDAY, 10))
    assert send(order, at(MONDAY, 14)) == "sent"
    order.refresh_from_db()
    assert order.next_reminder_at is None


def test_a_reminder_due_at_night_is_postponed_to_the_opening(make_order):
    order = make_order(at(MONDAY, 10))
    assert services.work_order_reminders_sweep(now=at(MONDAY, 22)) == 0
    assert not reminders()
    order.refresh_from_db()
    assert order.next_reminder_at == at(TUESDAY, 8)
    assert order.reminders_sent == 0
    assert services.work_order_reminders_sweep(now=at(TUESDAY, 7, 59)) == 0
    assert services.work_order_reminders_sweep(now=at(TUESDAY, 8)) == 1
    order.refresh_from_db()
    assert order.reminders_sent == 1
    assert order.next_reminder_at == at(WEDNESDAY, 8)


def test_a_reminder_due_on_a_closed_day_waits_for_the_next_working_day(make_order, org):
    order = make_order(at(MONDAY, 10))
    ClosedDay.objects.create(organization=org, date=MONDAY, reason="Storing")
    assert send(order, at(MONDAY, 14)) == "postponed"
    order.refresh_from_db()
    assert order.next_reminder_at == at(TUESDAY, 8)
    assert not reminders()


def test_reminders_off_from_the_start_means_none(make_order):
    order = make_order(at(MONDAY, 10), reminders_on=False)
    assert order.next_reminder_at is None
    assert services.work_order_reminders_sweep(now=at(FRIDAY, 12)) == 0
    assert not reminders()


def stop_accept(order: SubIncident, staff_actor) -> None:
    party_services.work_order_accept(actor=_party(order), sub_incident=order)


def stop_reject(order: SubIncident, staff_actor) -> None:
    party_services.work_order_reject(actor=_party(order), sub_incident=order, reason="Geen tijd")


def stop_cancel(order: SubIncident, staff_actor) -> None:
    services.work_order_cancel(actor=staff_actor, sub_incident=order, reason="Vervalt")


def stop_reminders_off(order: SubIncident, staff_actor) -> None:
    services.sub_incident_update(
        actor=staff_actor,
        sub_incident=order,
        responsible=order.responsible,
        planned_on=order.planned_on,
        cost_limit=order.cost_limit,
        reminders_on=False,
        instructions=order.instructions,
        access_instructions=order.access_instructions,
    )


def stop_phase_closed(order: SubIncident, staff_actor) -> None:
    from meldpunt.incidents.models import Phase

    phase = Phase.objects.filter(is_closed=True).first()
    services.sub_incident_phase_change(actor=staff_actor, sub_incident=order, phase=phase)


def _party(order: SubIncident):
    from meldpunt.common.links import link_issue

    link, _token = link_issue(
        obj=order,
        purpose=services.PARTY_LINK_PURPOSE,
        party="supplier",
        expires_at=timezone.now() + timedelta(days=1),
    )
    return services.party_actor(link)


@pytest.mark.parametrize(
    "stop", [stop_accept, stop_reject, stop_cancel, stop_reminders_off, stop_phase_closed]
)
def test_reminders_stop_when_the_order_no_longer_waits(make_order, staff_actor, stop):
    order = make_order(at(MONDAY, 10))
    assert send(order, at(MONDAY, 14)) == "sent"
    order.refresh_from_db()
    stop(order, staff_actor)
    for day in range(1, 10):
        services.work_order_reminders_sweep(now=at(MONDAY + timedelta(days=day), 9))
    assert len(reminders()) == 2  # the first reminder's email and SMS only
    order.refresh_from_db()
    assert order.reminders_sent == 1
    assert order.next_reminder_at is None


def test_a_stale_schedule_is_cleared_by_the_task(make_order):
    order = make_order(at(MONDAY, 10))
    SubIncident.objects.filter(pk=order.pk).update(reminders_on=False)  # changed behind its back
    assert send(order, at(MONDAY, 14)) == "not waiting"
    order.refresh_from_db()
    assert order.next_reminder_at is None
    assert not reminders()


def test_turning_reminders_on_again_schedules_them(make_order, staff_actor):
    order = make_order(at(MONDAY, 10))
    stop_reminders_off(order, staff_actor)
    order.refresh_from_db()
    services.sub_incident_update(
        actor=staff_actor,
        sub_incident=order,
        responsible=order.responsible,
        planned_on=None,
        cost_limit=None,
        reminders_on=True,
        instructions="",
        access_instructions="",
    )
    order.refresh_from_db()
    assert order.reminders_on and order.next_reminder_at is not None


def test_the_task_and_the_sweep_racing_send_once(make_order, monkeypatch):
    order = make_order(at(MONDAY, 10))
    real = services.next_working_moment
    results: list[str] = []

    def sweep_gets_in_between(organization, moment):
        # The sweep sends this very reminder after the task has read the row
        # and before it claims it.
        monkeypatch.setattr(services, "next_working_moment", real)
        results.append(services.work_order_reminders_sweep(now=moment) and "sweep sent")
        return real(organization, moment)

    monkeypatch.setattr(services, "next_working_moment", sweep_gets_in_between)
    assert send(order, at(MONDAY, 14)) == "claimed elsewhere"
    assert results == ["sweep sent"]
    assert len(reminders(order)) == 2  # email and SMS, once
    order.refresh_from_db()
    assert order.reminders_sent == 1
    assert AuditEvent.objects.filter(verb="work_order.reminded").count() == 1
    assert send(order, at(MONDAY, 14)) == "not due"


def test_sending_the_same_reminder_twice_is_deduplicated(make_order):
    order = make_order(at(MONDAY, 10))
    assert send(order, at(MONDAY, 14)) == "sent"
    # A reminder number already sent (say the row was restored) queues nothing new.
    SubIncident.objects.filter(pk=order.pk).update(
        reminders_sent=0, next_reminder_at=at(MONDAY, 14)
    )
    assert send(order, at(MONDAY, 14, 5)) == "sent"
    assert len(reminders(order)) == 2


def test_the_sweep_handles_only_due_orders(make_order):
    early = make_order(at(MONDAY, 9))  # due 13:00
    late = make_order(at(MONDAY, 12))  # due 16:00
    assert services.work_order_reminders_sweep(now=at(MONDAY, 14)) == 1
    assert reminders(early) and not reminders(late)


def test_notifications_sweep_runs_the_reminders(make_order, monkeypatch):
    assert "work-order reminders" in registered_sweeps()
    order = make_order(at(MONDAY, 10))
    monkeypatch.setattr(timezone, "now", lambda: at(MONDAY, 15))
    call_command("notifications_sweep", verbosity=0)
    assert len(reminders(order)) == 2
    order.refresh_from_db()
    assert order.reminders_sent == 1
    call_command("notifications_sweep", verbosity=0)
    assert len(reminders(order)) == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_the_same_moment_send_once(make_order, monkeypatch):
    # Commits happen here: keep the follow-up task (real clock) from sending reminder 2.
    monkeypatch.setattr(services, "_enqueue_reminder", lambda *args: None)
    order = make_order(at(MONDAY, 10))
    start = threading.Barrier(4)
    results: list[str] = []

    def worker() -> None:
        try:
            start.wait()
            results.append(send(order, at(MONDAY, 14)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("sent") == 1
    assert len(reminders(order)) == 2
    order.refresh_from_db()
    assert order.reminders_sent == 1
