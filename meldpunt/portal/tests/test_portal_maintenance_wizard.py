# ruff: noqa: F811  (fixtures imported from the conftest modules are used as arguments)
"""The repair wizard inside the portal (SPEC INT-2, INT-4, REP-9): the household's homes
instead of postcode and house number, contact details prefilled, the request recorded as
an interaction by the tenant, and passes that belong to one household only."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from meldpunt.common.models import AuditEvent
from meldpunt.incidents.tests.conftest import Place, categories, phases, place  # noqa: F401
from meldpunt.intake.models import RepairRequest, RepairWizard
from meldpunt.intake.tests.conftest import repair_tree  # noqa: F401
from meldpunt.interactions.models import Interaction
from meldpunt.notifications.models import OutboxMessage
from meldpunt.portal.tests.test_portal_maintenance import agent_client, feature_off, tenant_client
from tests.factories import (
    TEST_PASSWORD,
    CommonAreaFactory,
    ContractFactory,
    HouseholdFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

NEW = reverse("portal:maintenance_new")
START = reverse("portal:maintenance_start")


def page(public_id: str, step: str) -> str:
    return reverse("portal:maintenance_wizard_step", kwargs={"public_id": public_id, "step": step})


def action(public_id: str, step: str, name: str) -> str:
    return reverse(
        "portal:maintenance_wizard_action",
        kwargs={"public_id": public_id, "step": step, "action": name},
    )


def started(client: Client, expect: str) -> str:
    response = client.post(START)
    assert response.status_code == 302, response.content
    found = re.match(r"^/portal/maintenance/new/([\w-]+)/(\w+)$", response["Location"])
    assert found, response["Location"]
    assert found.group(2) == expect
    return found.group(1)


@pytest.fixture
def client(place: Place, repair_tree) -> Client:  # type: ignore[no-untyped-def]
    return tenant_client(place.household)


def to_summary(client: Client, public_id: str, **contact: str) -> None:
    key = "kitchen-tap-leaking"
    client.post(action(public_id, "defect", "choose"), {"node": key})
    response = client.post(action(public_id, "defect", "confirm"), {"node": key})
    assert response.status_code == 302, response.content
    client.post(action(public_id, "costs", "accept"), {"consent": "on"})
    client.post(action(public_id, "photos", "send"), {"description": "Lekt", "next": "1"})
    values = {"name": "Fam. Yılmaz", "email": "yilmaz@example.net", "phone": "+31612345678"}
    response = client.post(action(public_id, "contact", "save"), {**values, **contact})
    assert response["Location"] == page(public_id, "summary"), response.content


def test_the_intro_is_in_the_portal_and_starting_needs_no_address(client: Client):
    response = client.get(NEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="portal-nav-maintenance"' in html or "portal-nav" in html
    assert f'action="{START}"' in html
    public_id = started(client, "defect")  # one home without common areas: straight on
    wizard = RepairWizard.objects.get(public_id=public_id)
    assert wizard.mode == RepairWizard.Mode.PORTAL and wizard.household is not None
    response = client.get(page(public_id, "object"))
    assert response.status_code == 200
    assert 'name="postcode"' not in response.content.decode()


def test_a_household_with_two_homes_chooses_one_and_then_home_or_common_area(
    place: Place, client: Client
):
    second = UnitFactory(complex=place.complex, street="Spreeuwstraat", house_number=3)
    ContractFactory(household=place.household, unit=second)
    area = CommonAreaFactory(complex=place.complex, name="Trappenhuis")
    area.units.add(second)
    public_id = started(client, "object")
    html = client.get(page(public_id, "object")).content.decode()
    assert "Spreeuwstraat 3" in html and "Merelstraat 12" in html
    response = client.post(action(public_id, "object", "unit"), {"unit": "nonsense"})
    assert response.status_code == 422
    stranger_unit = UnitFactory()
    response = client.post(action(public_id, "object", "unit"), {"unit": stranger_unit.public_id})
    assert response.status_code == 422
    response = client.post(action(public_id, "object", "unit"), {"unit": second.public_id})
    assert response["Location"] == page(public_id, "object")
    html = client.get(page(public_id, "object")).content.decode()
    assert "Trappenhuis" in html
    # The anonymous identification is not available in the portal.
    response = client.post(
        action(public_id, "object", "identify"), {"postcode": "3521KL", "house_number": "12"}
    )
    assert response.status_code == 404


def test_the_contact_step_is_prefilled_from_the_household(place: Place, client: Client):
    public_id = started(client, "defect")
    key = "kitchen-tap-leaking"
    client.post(action(public_id, "defect", "choose"), {"node": key})
    client.post(action(public_id, "defect", "confirm"), {"node": key})
    client.post(action(public_id, "costs", "accept"), {"consent": "on"})
    client.post(action(public_id, "photos", "send"), {"description": "", "next": "1"})
    html = client.get(page(public_id, "contact")).content.decode()
    assert place.household.email in html and place.household.name in html
    assert 'name="update"' in html and 'name="password"' in html


def test_sending_records_the_request_and_an_interaction_by_the_tenant(place: Place, client: Client):
    public_id = started(client, "defect")
    to_summary(client, public_id, phone="06 11122233", update="household")
    response = client.post(action(public_id, "summary", "send"))
    assert response.status_code == 302
    request = RepairRequest.objects.get()
    assert request.household == place.household and request.unit == place.unit
    interaction = Interaction.objects.get(kind__code="repair_request")
    assert interaction.household == place.household
    assert str(request.incident_id) in interaction.subject
    event = AuditEvent.objects.get(verb="repair_request.submitted")
    assert event.actor_kind == AuditEvent.ActorKind.TENANT
    place.household.refresh_from_db()
    assert place.household.phone == "+31611122233"  # "also update my details"
    done = client.get(response["Location"])
    assert done.status_code == 200
    html = client.get(reverse("portal:maintenance")).content.decode()
    assert request.public_id in html


def test_an_agent_sends_a_request_for_the_household_in_their_own_name(place: Place, repair_tree):  # type: ignore[no-untyped-def]
    client, agent = agent_client(place.household)
    public_id = started(client, "defect")
    to_summary(client, public_id)
    client.post(action(public_id, "summary", "send"))
    assert Interaction.objects.get(kind__code="repair_request").agent == agent
    assert AuditEvent.objects.get(verb="repair_request.submitted").actor_user == agent


def test_another_households_pass_is_404_in_the_portal_and_at_repairment(
    place: Place, client: Client
):
    public_id = started(client, "defect")
    others = HouseholdFactory()
    ContractFactory(household=others)
    stranger = tenant_client(others)
    assert stranger.get(page(public_id, "defect")).status_code == 404
    assert (
        stranger.post(action(public_id, "defect", "choose"), {"node": "kitchen"}).status_code == 404
    )
    photo = reverse(
        "portal:maintenance_wizard_photo", kwargs={"public_id": public_id, "upload_id": 1}
    )
    assert stranger.get(photo).status_code == 404
    # The anonymous wizard never serves a portal pass, even in the same browser.
    anonymous = reverse("portal:repair_step", kwargs={"public_id": public_id, "step": "defect"})
    assert client.get(anonymous).status_code == 404


def test_the_portal_wizard_is_404_when_new_requests_are_off(place: Place, client: Client):
    public_id = started(client, "defect")
    feature_off("new_repair_request")
    assert client.get(page(public_id, "defect")).status_code == 404
    assert client.get(NEW).status_code == 404


def test_the_portal_wizard_needs_a_signed_in_tenant(place: Place, client: Client):
    public_id = started(client, "defect")
    response = Client().get(page(public_id, "defect"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
    assert Client().post(START).status_code == 302
    assert client.get(START).status_code == 405


def at_contact(client: Client) -> str:
    public_id = started(client, "defect")
    key = "kitchen-tap-leaking"
    client.post(action(public_id, "defect", "choose"), {"node": key})
    client.post(action(public_id, "defect", "confirm"), {"node": key})
    client.post(action(public_id, "costs", "accept"), {"consent": "on"})
    client.post(action(public_id, "photos", "send"), {"description": "", "next": "1"})
    return public_id


def test_a_new_email_for_my_details_needs_the_password_and_sends_a_link(
    place: Place, client: Client
):
    public_id = at_contact(client)
    assert 'name="password"' in client.get(page(public_id, "contact")).content.decode()
    values = {
        "name": "Fam. Yılmaz",
        "email": "nieuw@example.net",
        "phone": "+31612345678",
        "update": "household",
    }
    response = client.post(action(public_id, "contact", "save"), values)
    assert response.status_code == 422
    assert "Fill in your password" in response.content.decode()
    assert "nieuw@example.net" in response.content.decode()  # what was typed is kept
    response = client.post(action(public_id, "contact", "save"), {**values, "password": "wrong"})
    assert response.status_code == 422
    assert not OutboxMessage.objects.filter(template="tenant.email_change_confirm").exists()
    response = client.post(
        action(public_id, "contact", "save"), {**values, "password": TEST_PASSWORD}
    )
    assert response["Location"] == page(public_id, "summary")
    link = OutboxMessage.objects.get(template="tenant.email_change_confirm")
    assert link.recipient == "nieuw@example.net"
    place.household.refresh_from_db()
    assert place.household.email == "yilmaz@example.net"  # until the link is clicked
    # Only for this request: no password, no link.
    response = client.post(
        action(public_id, "contact", "save"),
        {**values, "email": "ander@example.net", "update": "request"},
    )
    assert response["Location"] == page(public_id, "summary")
    assert OutboxMessage.objects.filter(template="tenant.email_change_confirm").count() == 1


def test_an_agent_is_not_asked_for_the_tenants_password(place: Place, repair_tree):  # type: ignore[no-untyped-def]
    client, _agent = agent_client(place.household)
    public_id = at_contact(client)
    html = client.get(page(public_id, "contact")).content.decode()
    assert 'name="password"' not in html and 'data-testid="email-change-hint"' in html
