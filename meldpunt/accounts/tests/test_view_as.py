"""View as tenant (SPEC ADM-KCC, INC-16): password, address ranges, expiry, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meldpunt.accounts import account_admin_events as events
from meldpunt.accounts.account_selectors import view_as_session_rows
from meldpunt.accounts.models import StaffIpRange, StaffRole, ViewAsSession
from meldpunt.accounts.view_as import VIEW_AS_SESSION_KEY
from meldpunt.accounts.view_as_services import VIEW_AS_FAILURE_LIMIT, VIEW_AS_MINUTES
from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.common.models import AuditEvent
from meldpunt.people import events as people_events
from tests.factories import TEST_PASSWORD, HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def household(organization):  # type: ignore[no-untyped-def]
    return HouseholdFactory(name="Fam. Bakker", tenant_number="H777777")


def signed_in(role: str = StaffRole.AGENT, **extra: str) -> tuple[Client, object]:
    user = UserFactory(role=role)
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **extra)
    client.force_login(user)
    return client, user


def start(client: Client, household, password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("backoffice:view_as_start", kwargs={"public_id": household.public_id}),
        {"password": password},
    )


def portal_home(client: Client):  # type: ignore[no-untyped-def]
    return client.get(reverse("portal:home"))


def test_an_agent_with_the_right_password_sees_the_portal_as_the_household(household):
    client, agent = signed_in()
    response = start(client, household)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    session = ViewAsSession.objects.get()
    assert (session.agent, session.household) == (agent, household)
    assert session.expires_at == pytest.approx(
        session.created_at + timedelta(minutes=VIEW_AS_MINUTES), abs=timedelta(seconds=5)
    )
    assert client.session[VIEW_AS_SESSION_KEY] == session.pk
    page = portal_home(client)
    assert page.status_code == 200
    assert b'data-testid="view-as-banner"' in page.content
    started = AuditEvent.objects.get(verb=events.VIEW_AS_STARTED)
    assert started.actor_user == agent and started.object_id == household.public_id


def test_every_portal_page_opened_while_viewing_is_audited(household):
    client, agent = signed_in()
    start(client, household)
    portal_home(client)
    portal_home(client)
    accesses = AuditEvent.objects.filter(verb=events.TENANT_VIEWED_BY_AGENT)
    assert accesses.count() == 2
    access = accesses.first()
    assert access is not None
    assert access.actor_kind == AuditEvent.ActorKind.AGENT_AS_TENANT
    assert access.actor_user == agent
    assert access.object_id == household.public_id
    assert access.changes["path"]["new"] == reverse("portal:home")


def test_a_wrong_password_is_refused_clearly_and_audited(household):
    client, agent = signed_in()
    response = start(client, household, password="niet mijn wachtwoord")
    assert response.status_code == 422
    assert b"That is not your password" in response.content
    assert not ViewAsSession.objects.exists()
    assert VIEW_AS_SESSION_KEY not in client.session
    refused = AuditEvent.objects.get(verb=events.VIEW_AS_REFUSED)
    assert refused.changes["reason"]["new"] == "wrong password"
    assert refused.actor_user == agent
    assert portal_home(client).status_code == 302  # to the login


def test_an_empty_password_keeps_the_form_with_a_message(household):
    client, _agent = signed_in()
    response = start(client, household, password="")
    assert response.status_code == 422
    assert b"Enter your own password" in response.content


def test_wrong_passwords_are_rate_limited(household):
    client, _agent = signed_in()
    for _ in range(VIEW_AS_FAILURE_LIMIT):
        start(client, household, password="fout")
    response = start(client, household)  # even the right password, for a while
    assert response.status_code == 422
    assert b"Too many wrong passwords" in response.content
    assert not ViewAsSession.objects.exists()


def test_an_address_outside_the_agents_ranges_is_refused(household):
    StaffIpRange.objects.create(role=StaffRole.AGENT, cidr="192.0.2.0/24")
    client, _agent = signed_in(REMOTE_ADDR="203.0.113.5")
    # The middleware signs the agent out of the back office altogether from there;
    # the service refuses on its own too (checked directly below).
    response = start(client, household)
    assert response.status_code == 302
    assert not ViewAsSession.objects.exists()


def test_the_service_itself_refuses_an_address_outside_the_ranges(household, rf):
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.exceptions import ValidationError

    from meldpunt.accounts.view_as_services import view_as_start

    StaffIpRange.objects.create(role=StaffRole.AGENT, cidr="192.0.2.0/24")
    agent = UserFactory(role=StaffRole.AGENT)
    request = rf.post("/", REMOTE_ADDR="203.0.113.5")
    request.session = SessionStore()
    with pytest.raises(ValidationError):
        view_as_start(
            actor=Actor.staff(agent), household=household, password=TEST_PASSWORD, request=request
        )
    assert AuditEvent.objects.get(verb=events.VIEW_AS_REFUSED).changes["reason"]["new"] == (
        "address"
    )


def test_an_expired_session_no_longer_serves_the_portal(household):
    client, _agent = signed_in()
    start(client, household)
    assert portal_home(client).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=VIEW_AS_MINUTES + 1)):
        response = portal_home(client)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:login"))


def test_ending_the_session_stops_the_portal_and_returns_to_the_household(household):
    client, _agent = signed_in()
    start(client, household)
    response = client.post(reverse("backoffice:view_as_end"))
    assert response.status_code == 302
    session = ViewAsSession.objects.get()
    assert session.ended_at is not None
    assert VIEW_AS_SESSION_KEY not in client.session
    assert portal_home(client).status_code == 302
    assert AuditEvent.objects.filter(verb=events.VIEW_AS_ENDED).count() == 1
    # Ending again does nothing.
    assert client.post(reverse("backoffice:view_as_end")).status_code == 302
    assert AuditEvent.objects.filter(verb=events.VIEW_AS_ENDED).count() == 1


def test_a_new_session_ends_the_agents_previous_one(household):
    client, _agent = signed_in()
    start(client, household)
    other = HouseholdFactory()
    start(client, other)
    first, second = ViewAsSession.objects.order_by("pk")
    assert first.ended_at is not None and second.ended_at is None


@pytest.mark.parametrize("role", [StaffRole.USER, ""])
def test_staff_users_and_tenants_may_not_view_as(household, role):
    client, _user = signed_in(role=role)
    assert start(client, household).status_code == 403
    assert not ViewAsSession.objects.exists()


def test_an_unknown_household_is_404(organization):
    client, _agent = signed_in()
    url = reverse("backoffice:view_as_start", kwargs={"public_id": "doesNotExist1"})
    assert client.post(url, {"password": TEST_PASSWORD}).status_code == 404


def test_the_sessions_page_shows_who_whom_when_and_what_changed(household):
    client, agent = signed_in()
    start(client, household)
    portal_home(client)
    # A change made while viewing, as the portal's services record it.
    actor = Actor.agent_as_tenant(agent, tenant_number=household.tenant_number)
    audit_record(
        actor=actor,
        verb=people_events.HOUSEHOLD_UPDATED,
        obj=household,
        changes={"phone": {"old": "+31612345678", "new": "+31687654321"}},
    )
    client.post(reverse("backoffice:view_as_end"))
    admin = Actor.staff(UserFactory(role=StaffRole.ADMIN))
    _page, rows = view_as_session_rows(actor=admin)
    assert len(rows) == 1
    assert rows[0].pages_opened == 1
    assert [event.verb for event in rows[0].changes] == [people_events.HOUSEHOLD_UPDATED]

    admin_client, _admin = signed_in(role=StaffRole.ADMIN)
    page = admin_client.get(reverse("backoffice:view_as_sessions"))
    assert page.status_code == 200
    content = page.content.decode()
    assert agent.username in content and household.tenant_number in content
    assert "+31687654321" in content
    # Agents may not read the sessions page.
    assert client.get(reverse("backoffice:view_as_sessions")).status_code == 403
