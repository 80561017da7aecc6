# ruff: noqa: F811  (the shared incident fixtures are imported and used as arguments)
"""The description is stored as the thread's first message; the incident page shows
that text once (at the top) and marks the first message as the original report.
The list shows a short age."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from meldpunt.accounts.models import StaffRole
from meldpunt.common.actors import Actor
from meldpunt.incidents.models import Incident, Message
from meldpunt.incidents.services import incident_create
from meldpunt.incidents.tests.conftest import (  # noqa: F401 (fixtures)
    make_incident,
    phases,
    place,
)
from meldpunt.incidents.thread import message_post
from meldpunt.incidents.timeline import incident_timeline

pytestmark = pytest.mark.django_db

DESCRIPTION = "De kraan in de keuken lekt <b>flink</b> sinds zondag"


@pytest.fixture
def staff(make_staff):  # type: ignore[no-untyped-def]
    return make_staff(role=StaffRole.AGENT, first_name="Anouk", last_name="Visser")


@pytest.fixture
def client_en(staff) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _create(staff, place, kind: str = Incident.Kind.ON_BEHALF) -> Incident:  # type: ignore[no-untyped-def]
    return incident_create(
        actor=Actor.staff(staff),
        kind=kind,
        title="Lekkende kraan",
        description=DESCRIPTION,
        category=None,
        household=place.household,
        unit=place.unit,
        common_area=None,
        installation=None,
        contact_name="Ayşe Yılmaz",
        contact_email="ayse@example.net",
        contact_phone="",
        contact_language="nl",
        responsible=None,
    )


@pytest.mark.parametrize("kind", [Incident.Kind.ON_BEHALF, Incident.Kind.INTERNAL])
def test_the_description_appears_once_and_the_first_message_is_the_original_report(
    client_en, staff, place, kind
):
    incident = _create(staff, place, kind)
    assert incident.messages.count() == 1
    content = client_en.get(f"/backoffice/incidents/{incident.public_id}/").content.decode()
    escaped = "De kraan in de keuken lekt &lt;b&gt;flink&lt;/b&gt; sinds zondag"
    assert content.count(escaped) == 1
    assert 'id="incident-description"' in content
    assert content.count('data-testid="original-report"') == 1
    assert 'href="#incident-description"' in content
    # The visibility of that first message stays visible on the timeline.
    badge = "External · sent to tenant" if kind == Incident.Kind.ON_BEHALF else "Internal"
    assert badge in content


def test_later_messages_are_shown_in_full_even_with_the_same_text(client_en, staff, place):
    incident = _create(staff, place)
    message_post(
        actor=Actor.staff(staff),
        incident=incident,
        body="Loodgieter komt morgen",
        visibility=Message.Visibility.INTERNAL,
    )
    content = client_en.get(f"/backoffice/incidents/{incident.public_id}/").content.decode()
    assert "Loodgieter komt morgen" in content
    assert content.count('data-testid="original-report"') == 1


def test_only_the_first_message_can_be_the_original_report(staff, place, make_incident):
    incident = make_incident(description="Tekst", messages=["Eerst iets anders", "Tekst"])
    entries = incident_timeline(actor=Actor.staff(staff), incident=incident)
    assert not any(entry.details.get("original") for entry in entries)


def test_without_a_description_nothing_is_marked(staff, place, make_incident):
    incident = make_incident(description="", messages=["Bericht"])
    entries = incident_timeline(actor=Actor.staff(staff), incident=incident)
    assert not any(entry.details.get("original") for entry in entries)


def test_the_list_shows_a_short_age(client_en, make_incident, place):
    make_incident(title="Drie dagen oud", created_at=timezone.now() - timedelta(days=3, hours=1))
    make_incident(title="Vijf uur oud", created_at=timezone.now() - timedelta(hours=5, minutes=2))
    content = client_en.get("/backoffice/incidents/").content.decode()
    assert ">3 d</time>" in content
    assert ">5 h</time>" in content
