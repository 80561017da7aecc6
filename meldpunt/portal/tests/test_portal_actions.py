"""The portal's actions page (SPEC POR-9, A-8, A-11)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from meldpunt.interactions.models import Interaction, InteractionKind
from meldpunt.portal.tests.mine_helpers import agent_client, feature_off, make_tenant, tenant_client
from tests.factories import ContractFactory, HouseholdFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
URL = "/portal/actions"
SENT = "/portal/actions/sent"


@pytest.fixture
def organization():
    return OrganizationFactory()


@pytest.fixture
def household(organization):
    return HouseholdFactory()


@pytest.fixture
def tenant(household):
    return make_tenant(household)


@pytest.fixture
def client(tenant):
    return tenant_client(tenant)


@pytest.fixture
def other_action():
    return InteractionKind.objects.get(code="other_action")


def test_the_action_urls_are_named(organization):
    assert reverse("portal:actions") == URL
    assert reverse("portal:actions_sent") == SENT


def test_the_subjects_are_the_active_kinds_offered_in_the_portal(client, other_action):
    InteractionKind.objects.create(code="parking", name="Parkeerplaats", portal_action=True)
    InteractionKind.objects.create(code="old", name="Oude vraag", portal_action=True, active=False)
    text = client.get(URL).text
    assert "Parkeerplaats" in text
    assert "Other question or request" in text  # the shipped kind's own label
    assert "Oude vraag" not in text
    assert "Contact details changed" not in text  # not offered as an action


def test_with_one_contract_the_contract_field_is_skipped(client, household, other_action):
    contract = ContractFactory(household=household)
    assert 'name="contract"' not in client.get(URL).text
    response = client.post(URL, {"kind": other_action.pk, "description": "Mag ik een dakkapel?"})
    assert response.status_code == 302
    assert response["Location"] == SENT
    interaction = Interaction.objects.get(household=household)
    assert interaction.contract == contract
    assert interaction.direction == Interaction.Direction.TENANT
    assert interaction.kind == other_action
    assert interaction.description == "Mag ik een dakkapel?"


def test_with_several_contracts_the_tenant_chooses_one_of_their_running_ones(
    client, household, other_action
):
    home = ContractFactory(household=household, unit__street="Huisweg", unit__house_number=1)
    garage = ContractFactory(household=household, unit__street="Garagepad", unit__house_number=9)
    ContractFactory(household=household, start_date=date(2010, 1, 1), end_date=date(2015, 1, 1))
    foreign = ContractFactory()
    text = client.get(URL).text
    assert 'name="contract"' in text
    assert "Huisweg 1" in text and "Garagepad 9" in text
    missing = client.post(URL, {"kind": other_action.pk, "description": "Vraag"})
    assert missing.status_code == 422
    assert "Choose the contract it is about." in missing.text
    assert "Vraag" in missing.text  # what was typed stays
    refused = client.post(
        URL, {"contract": foreign.pk, "kind": other_action.pk, "description": "Vraag"}
    )
    assert refused.status_code == 422
    assert "Choose one of your contracts." in refused.text
    assert (
        client.post(
            URL, {"contract": garage.pk, "kind": other_action.pk, "description": "Vraag"}
        ).status_code
        == 302
    )
    assert Interaction.objects.get().contract == garage
    assert home.pk != garage.pk


def test_a_subject_not_offered_is_refused(client, household):
    not_offered = InteractionKind.objects.get(code="contact_changed")
    response = client.post(URL, {"kind": not_offered.pk, "description": "Hallo"})
    assert response.status_code == 422
    assert "Choose a subject from the list." in response.text
    assert not Interaction.objects.exists()


def test_an_empty_description_is_refused(client, other_action):
    response = client.post(URL, {"kind": other_action.pk, "description": "  "})
    assert response.status_code == 422
    assert "Tell us what your question or request is about." in response.text


def test_the_thanks_page_and_the_timeline_show_the_action(client, household, other_action):
    client.post(URL, {"kind": other_action.pk, "description": "Mijn vraag over de tuin"})
    assert "We have received your question or request." in client.get(SENT).text
    timeline = client.get("/portal/timeline").text
    assert "Other question or request" in timeline
    assert "Mijn vraag over de tuin" in timeline


def test_an_action_of_a_kind_not_shown_in_the_portal_stays_off_the_timeline(client, household):
    quiet = InteractionKind.objects.create(
        code="complaint", name="Klacht", portal_action=True, show_in_portal=False
    )
    client.post(URL, {"kind": quiet.pk, "description": "Geheim"})
    assert Interaction.objects.filter(household=household, kind=quiet).exists()
    assert "Geheim" not in client.get("/portal/timeline").text


def test_an_agent_viewing_as_the_tenant_is_recorded(household, other_action):
    client, agent = agent_client(household)
    assert client.post(URL, {"kind": other_action.pk, "description": "Namens"}).status_code == 302
    interaction = Interaction.objects.get(household=household)
    assert interaction.agent == agent
    assert interaction.direction == Interaction.Direction.TENANT


def test_actions_switched_off_are_not_found(organization, client):
    feature_off(organization, "other_actions")
    assert client.get(URL).status_code == 404
    assert client.get(SENT).status_code == 404
    assert client.post(URL, {"description": "x"}).status_code == 404


def test_another_tenant_cannot_reach_this_households_actions(household, other_action):
    other = tenant_client(make_tenant(HouseholdFactory()))
    other.post(URL, {"kind": other_action.pk, "description": "Van de ander"})
    assert not Interaction.objects.filter(household=household).exists()
