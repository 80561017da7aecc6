"""Who a portal page serves: the signed-in tenant, or the household an agent views as."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from meldpunt.accounts.models import ViewAsSession
from meldpunt.accounts.view_as import VIEW_AS_SESSION_KEY
from meldpunt.common.models import AuditEvent
from meldpunt.portal.tenant import tenant_context
from tests.factories import HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db


def _request(user, **session):
    request = RequestFactory().get("/portal/")
    request.user = user
    request.session = SessionStore()
    request.session.update(session)
    return request


def test_a_tenant_is_served_their_own_household():
    household = HouseholdFactory()
    tenant = UserFactory(role="", household=household)
    context = tenant_context(_request(tenant))
    assert context is not None
    assert context.household == household
    assert context.actor.kind == AuditEvent.ActorKind.TENANT
    assert context.account == tenant
    assert not context.is_view_as


def test_nobody_else_is_served_without_a_live_view_as_session():
    assert tenant_context(_request(AnonymousUser())) is None
    assert tenant_context(_request(UserFactory(role="agent"))) is None
    blocked = UserFactory(role="", household=HouseholdFactory(), blocked_at=timezone.now())
    assert tenant_context(_request(blocked)) is None


def test_an_agent_viewing_as_a_household_acts_as_the_agent_for_that_household():
    household = HouseholdFactory()
    agent = UserFactory(role="agent")
    view_as = ViewAsSession.objects.create(
        agent=agent, household=household, expires_at=timezone.now() + timedelta(minutes=30)
    )
    context = tenant_context(_request(agent, **{VIEW_AS_SESSION_KEY: view_as.pk}))
    assert context is not None
    assert context.household == household
    assert context.agent == agent
    assert context.actor.kind == AuditEvent.ActorKind.AGENT_AS_TENANT
    assert context.account is None


@pytest.mark.parametrize("state", ["expired", "ended", "other_agent", "role_user"])
def test_a_dead_or_foreign_view_as_session_serves_nothing_and_is_forgotten(state):
    agent = UserFactory(role="user" if state == "role_user" else "agent")
    owner = UserFactory(role="agent") if state == "other_agent" else agent
    view_as = ViewAsSession.objects.create(
        agent=owner,
        household=HouseholdFactory(),
        expires_at=timezone.now() + timedelta(minutes=-1 if state == "expired" else 30),
        ended_at=timezone.now() if state == "ended" else None,
    )
    request = _request(agent, **{VIEW_AS_SESSION_KEY: view_as.pk})
    assert tenant_context(request) is None
    assert VIEW_AS_SESSION_KEY not in request.session
