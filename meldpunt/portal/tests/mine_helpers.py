"""Helpers for the tenant-page tests: a signed-in tenant, an agent viewing as one."""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from meldpunt.accounts.models import User, ViewAsSession
from meldpunt.accounts.view_as import VIEW_AS_SESSION_KEY
from meldpunt.organization.models import FeatureToggle, Organization
from meldpunt.people.models import Household
from tests.factories import HouseholdFactory, UserFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def make_tenant(household: Household | None = None, **fields: object) -> User:
    household = household or HouseholdFactory()
    user = UserFactory(role="", household=household, email=household.email, **fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def tenant_client(user: User) -> Client:
    client = Client(**EN)
    client.force_login(user)
    return client


def agent_client(household: Household, *, agent: User | None = None) -> tuple[Client, User]:
    """A client of an agent viewing the portal as ``household`` (SPEC ADM-KCC)."""
    agent = agent or UserFactory(role="agent")
    view_as = ViewAsSession.objects.create(
        agent=agent, household=household, expires_at=timezone.now() + timedelta(minutes=30)
    )
    client = Client(**EN)
    client.force_login(agent)
    session = client.session
    session[VIEW_AS_SESSION_KEY] = view_as.pk
    session.save()
    return client, agent


def feature_off(organization: Organization, key: str) -> None:
    FeatureToggle.objects.update_or_create(
        organization=organization, key=key, defaults={"enabled": False}
    )
