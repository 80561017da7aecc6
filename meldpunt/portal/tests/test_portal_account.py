"""The tenant's account page and who may open the account pages (SPEC POR-6, ACC-9)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from meldpunt.accounts.models import StaffRole, ViewAsSession
from meldpunt.accounts.tests.tenant_login_fixtures import (
    make_tenant,
    portal_sign_in,
)
from meldpunt.accounts.view_as import VIEW_AS_SESSION_KEY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT_PAGES = ("portal:account", "portal:password_change", "portal:email_change")


@pytest.fixture(autouse=True)
def _setup() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def tenant(organization):  # type: ignore[no-untyped-def]
    return make_tenant()


def english_client() -> Client:
    client = Client(REMOTE_ADDR="203.0.113.50", HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def signed_in(tenant) -> Client:  # type: ignore[no-untyped-def]
    client = english_client()
    portal_sign_in(client, tenant.username)
    return client


def test_the_urls_are_where_the_spec_puts_them():
    assert reverse("portal:login") == "/portal/login"
    assert reverse("portal:logout") == "/portal/logout"
    assert reverse("portal:account") == "/portal/account"
    assert reverse("portal:password_change") == "/portal/account/password"
    assert reverse("portal:email_change") == "/portal/account/email"
    assert reverse("portal:password_reset") == "/portal/password/reset"
    assert reverse("portal:password_reset_key", args=["1", "a-b"]) == "/portal/password/reset/1/a-b"
    assert reverse("portal:email_change_confirm", args=["t"]) == "/portal/account/email/confirm/t"


def test_the_account_page_shows_username_email_and_the_links(signed_in, tenant):
    response = signed_in.get(reverse("portal:account"))
    content = response.content.decode()
    assert response.status_code == 200
    assert tenant.username in content
    assert tenant.email in content
    assert reverse("portal:password_change") in content
    assert reverse("portal:email_change") in content
    assert 'data-testid="account-email-pending"' not in content


@pytest.mark.parametrize("name", ACCOUNT_PAGES)
def test_anonymous_visitors_go_to_the_login(organization, name):
    response = english_client().get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('portal:login')}?next=")


@pytest.mark.parametrize("name", ACCOUNT_PAGES)
def test_staff_without_a_view_as_session_go_to_the_login(organization, name):
    client = english_client()
    client.force_login(UserFactory(role=StaffRole.AGENT))
    assert client.get(reverse(name)).status_code == 302


def test_an_agent_viewing_as_the_tenant_sees_no_sign_in_details(tenant):
    agent = UserFactory(role=StaffRole.AGENT)
    view_as = ViewAsSession.objects.create(
        agent=agent, household=tenant.household, expires_at=timezone.now() + timedelta(hours=1)
    )
    client = english_client()
    client.force_login(agent)
    session = client.session
    session[VIEW_AS_SESSION_KEY] = view_as.pk
    session.save()
    page = client.get(reverse("portal:account"))
    assert page.status_code == 200
    assert 'data-testid="account-view-as"' in page.content.decode()
    assert tenant.email not in page.content.decode()
    assert client.get(reverse("portal:password_change")).status_code == 404
    assert client.get(reverse("portal:email_change")).status_code == 404


def test_the_account_pages_answer_only_get_and_post(signed_in):
    assert signed_in.put(reverse("portal:password_change")).status_code == 405
    assert signed_in.post(reverse("portal:account")).status_code == 405
