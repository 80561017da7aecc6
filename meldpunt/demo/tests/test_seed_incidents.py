"""The demo incidents: every kind, many phases and people, a thread each, once."""

from __future__ import annotations

import pytest

from meldpunt.accounts.models import User
from meldpunt.common.actors import Actor
from meldpunt.demo.seed import seed_demo
from meldpunt.incidents.models import Incident, Message
from meldpunt.incidents.selectors import IncidentFilters, Status, incident_page

pytestmark = pytest.mark.django_db


def test_the_demo_has_about_forty_varied_incidents_with_messages():
    seed_demo()
    incidents = Incident.objects.all()
    assert 36 <= incidents.count() <= 44
    assert set(incidents.values_list("kind", flat=True)) == set(Incident.Kind.values)
    assert incidents.values("phase").distinct().count() >= 5
    assert incidents.values("category").distinct().count() >= 6
    assert incidents.exclude(handler=None).values("handler").distinct().count() >= 3
    assert incidents.filter(handler=None, is_open=True).exists()
    assert incidents.filter(is_open=False).exists()
    assert not incidents.filter(household=None).exists()
    assert Message.objects.filter(from_tenant=True).exists()
    assert Message.objects.filter(visibility="internal").exists()
    assert incidents.filter(kind="archive", relevant_on__isnull=False).count() >= 2


def test_seeding_again_adds_no_incidents():
    seed_demo()
    before = Incident.objects.count(), Message.objects.count()
    seed_demo()
    assert (Incident.objects.count(), Message.objects.count()) == before


def test_a_demo_tenant_is_found_by_tenant_number():
    seed_demo()
    incident = Incident.objects.select_related("household").first()
    actor = Actor.staff(User.objects.get(username="kcc"))
    page = incident_page(
        actor=actor,
        filters=IncidentFilters(q=incident.household.tenant_number, status=Status.ALL),
    )
    assert incident in page.items
