"""The tenant's timeline (SPEC POR-8, A-8, A-11)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meldpunt.common.actors import Actor
from meldpunt.interactions.models import Interaction, InteractionKind
from meldpunt.interactions.services import interaction_record
from meldpunt.portal.mine_views import TIMELINE_PAGE_SIZE
from meldpunt.portal.tests.mine_helpers import agent_client, feature_off, make_tenant, tenant_client
from tests.factories import HouseholdFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/portal/timeline"


@pytest.fixture
def organization():
    return OrganizationFactory()


@pytest.fixture
def household(organization):
    return HouseholdFactory()


@pytest.fixture
def tenant(household):
    return make_tenant(household)


def _record(household, kind="other_action", actor=None, **fields):
    return interaction_record(
        actor=actor or Actor.system(), household=household, kind=kind, **fields
    )


def test_the_timeline_url_is_named(organization):
    assert reverse("portal:timeline") == URL


def test_the_timeline_shows_interactions_with_section_icon_date_and_text(household, tenant):
    _record(household, "repair_request", subject="Lekkende kraan", description="Keuken, druppelt")
    _record(household, "contact_changed", subject="Telefoon gewijzigd")
    response = tenant_client(tenant).get(URL)
    assert response.status_code == 200
    text = response.text
    assert "Lekkende kraan" in text
    assert "icons.svg#key" in text  # maintenance
    assert "icons.svg#user" in text  # my details
    assert "<details" in text and "Keuken, druppelt" in text
    assert "Show more" in text
    assert text.index("Telefoon gewijzigd") < text.index("Lekkende kraan")  # newest first
    assert "<time datetime=" in text


def test_only_the_households_portal_interactions_show(household, tenant):
    _record(household, subject="Voor de huurder")
    hidden_kind = InteractionKind.objects.create(code="internal", show_in_portal=False)
    _record(household, hidden_kind, subject="Interne notitie")
    _record(HouseholdFactory(), subject="Van de buren")
    text = tenant_client(tenant).get(URL).text
    assert "Voor de huurder" in text
    assert "Interne notitie" not in text
    assert "Van de buren" not in text


def test_a_change_by_an_agent_on_the_tenants_behalf_is_stamped(household, tenant):
    agent = UserFactory(role="agent")
    _record(
        household,
        actor=Actor.agent_as_tenant(agent, tenant_number=household.tenant_number),
        subject="Door medewerker",
    )
    _record(household, actor=Actor.tenant(tenant), subject="Door huurder zelf")
    text = tenant_client(tenant).get(URL).text
    assert text.count('data-testid="agent-stamp"') == 1
    assert "By our employee on your behalf" in text


def test_an_empty_timeline_says_so(tenant):
    response = tenant_client(tenant).get(URL)
    assert "Nothing has happened yet" in response.text


def test_the_timeline_is_paged(household, tenant):
    for number in range(TIMELINE_PAGE_SIZE + 3):
        _record(household, subject=f"Item {number:02d}")
    client = tenant_client(tenant)
    first = client.get(URL)
    assert first.text.count('data-testid="timeline-item"') == TIMELINE_PAGE_SIZE
    assert "Item 22" in first.text
    assert 'rel="next"' in first.text
    cursor = first.context["page"].next_cursor
    second = client.get(URL, {"cursor": cursor})
    assert second.text.count('data-testid="timeline-item"') == 3
    assert "Item 00" in second.text
    assert "Item 22" not in second.text
    assert client.get(URL, {"cursor": "garbage"}).status_code == 200


def _query_count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_timeline_costs_the_same_queries_for_one_item_and_a_full_page(
    household, tenant, django_assert_num_queries
):
    agent = UserFactory(role="agent")
    client = tenant_client(tenant)
    _record(household, subject="Eén")
    client.get(URL)  # the session's first request starts its clock (one write)
    expected = _query_count(client)
    for number in range(TIMELINE_PAGE_SIZE + 5):
        _record(
            household,
            ["repair_request", "contact_changed", "other_action"][number % 3],
            actor=Actor.agent_as_tenant(agent, tenant_number=household.tenant_number),
            subject=f"Item {number}",
            description="Meer tekst",
        )
    with django_assert_num_queries(expected):
        client.get(URL)


def test_the_timeline_switched_off_is_not_found(organization, tenant):
    feature_off(organization, "timeline")
    assert tenant_client(tenant).get(URL).status_code == 404


def test_an_agent_sees_the_viewed_households_timeline(household):
    _record(household, subject="Van dit huishouden")
    _record(HouseholdFactory(), subject="Van een ander")
    client, _agent = agent_client(household)
    text = client.get(URL).text
    assert "Van dit huishouden" in text
    assert "Van een ander" not in text


def test_the_timeline_answers_get_only(tenant):
    assert tenant_client(tenant).post(URL).status_code == 405
    assert Interaction.objects.count() == 0
