"""The portal's home page (SPEC POR-1, A-11): greeting, quick links, welcome text, contact."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from meldpunt.accounts.models import User
from meldpunt.portal.tests.mine_helpers import (
    EN,
    agent_client,
    feature_off,
    make_tenant,
    tenant_client,
)
from tests.factories import HouseholdFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/portal/"


@pytest.fixture
def organization():
    return OrganizationFactory(
        welcome_text="**Welkom** in uw portaal.\n\n[Lees meer](https://example.org/)"
    )


def test_the_home_url_is_named_portal_home():
    assert reverse("portal:home") == URL


def test_a_tenant_is_greeted_with_the_household_name(organization):
    tenant = make_tenant(HouseholdFactory(name="Fam. de Vries"))
    response = tenant_client(tenant).get(URL)
    assert response.status_code == 200
    assert "Welcome, Fam. de Vries" in response.text


def test_the_quick_links_are_the_menu_entries_of_switched_on_features(organization):
    response = tenant_client(make_tenant()).get(URL)
    links = response.text.split('data-testid="quick-links"')[1].split("</ul>")[0]
    assert 'data-testid="quick-link-details"' in links
    assert 'data-testid="quick-link-timeline"' in links
    assert 'data-testid="quick-link-actions"' in links
    assert 'data-testid="quick-link-home"' not in links  # home is no quick link


@pytest.mark.parametrize(
    ("feature", "key"),
    [("household_data", "details"), ("timeline", "timeline"), ("other_actions", "actions")],
)
def test_a_switched_off_feature_hides_its_quick_link(organization, feature, key):
    feature_off(organization, feature)
    response = tenant_client(make_tenant()).get(URL)
    assert f'data-testid="quick-link-{key}"' not in response.text
    assert f'data-testid="portal-nav-{key}"' not in response.text


def test_the_welcome_text_shows_at_the_first_visit_only(organization):
    tenant = make_tenant()
    client = tenant_client(tenant)
    first = client.get(URL)
    assert 'data-testid="portal-welcome"' in first.text
    assert "<strong>Welkom</strong>" in first.text
    assert 'href="https://example.org/"' in first.text
    tenant.refresh_from_db()
    assert tenant.welcomed_at is not None
    second = client.get(URL)
    assert 'data-testid="portal-welcome"' not in second.text


def test_the_welcome_text_is_escaped_markup_not_raw_html(organization):
    organization.welcome_text = "<script>alert(1)</script> **hi**"
    organization.save()
    response = tenant_client(make_tenant()).get(URL)
    assert "<script>alert(1)</script>" not in response.text
    assert "<strong>hi</strong>" in response.text


def test_an_agent_viewing_as_the_tenant_does_not_use_up_the_welcome(organization):
    household = HouseholdFactory(name="Fam. Bos")
    tenant = make_tenant(household)
    client, _agent = agent_client(household)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Welcome, Fam. Bos" in response.text
    assert 'data-testid="view-as-banner"' in response.text
    assert 'data-testid="portal-welcome"' not in response.text
    tenant.refresh_from_db()
    assert tenant.welcomed_at is None


def test_the_contact_block_shows_the_urgent_phone_and_contact_details(organization):
    response = tenant_client(make_tenant()).get(URL)
    block = response.text.split('data-testid="portal-contact"')[1]
    assert 'href="tel:+31800123456"' in block
    assert "0800 123456" in block
    assert "info@example.org" in block


def test_without_contact_settings_there_is_no_contact_block(organization):
    organization.urgent_phone = organization.contact_phone = organization.contact_email = ""
    organization.save()
    response = tenant_client(make_tenant()).get(URL)
    assert 'data-testid="portal-contact"' not in response.text


def test_staff_without_a_view_as_session_and_anonymous_visitors_are_not_served(organization):
    try:
        login = reverse("portal:login")
    except NoReverseMatch:
        pytest.skip("the portal login page is not installed yet")
    staff = Client(**EN)
    staff.force_login(UserFactory(role="agent"))
    for client in (Client(**EN), staff):
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith(login)


def test_a_blocked_tenant_is_not_served(organization):
    try:
        reverse("portal:login")
    except NoReverseMatch:
        pytest.skip("the portal login page is not installed yet")
    tenant = make_tenant()
    User.objects.filter(pk=tenant.pk).update(blocked_at="2025-01-01T00:00:00Z")
    assert tenant_client(tenant).get(URL).status_code == 302


def test_home_answers_get_only(organization):
    assert tenant_client(make_tenant()).post(URL).status_code == 405
