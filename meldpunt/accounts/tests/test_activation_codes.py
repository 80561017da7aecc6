"""Activation codes (SPEC ACC-1, C-3): made, voided, revealed, expiring."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from meldpunt.accounts import activation_events as events
from meldpunt.accounts.activation import (
    CODE_ALPHABET,
    activation_code_generate,
    activation_code_live,
    activation_code_reveal,
    code_new,
    code_normalize,
)
from meldpunt.accounts.models import ActivationCode, StaffRole
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from tests.factories import HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def staff(role: str = StaffRole.AGENT) -> Actor:
    return Actor.staff(UserFactory(role=role))


def test_a_code_is_three_groups_of_four_from_an_unambiguous_alphabet() -> None:
    for _i in range(200):
        code = code_new()
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
        assert not set(code.replace("-", "")) & set("0O1IL")
    assert not set(CODE_ALPHABET) & set("0O1IL")


def test_typed_codes_are_compared_without_case_spaces_or_dashes() -> None:
    assert code_normalize(" abcd efgh-jkmn ") == "ABCDEFGHJKMN"


def test_generate_makes_a_live_code_expiring_after_the_organizations_days(organization) -> None:
    organization.activation_code_days = 30
    organization.save()
    household = HouseholdFactory()
    actor = staff()
    code = activation_code_generate(actor=actor, household=household, now=NOW)
    assert code.expires_at == NOW + timedelta(days=30)
    assert code.created_by == actor.user
    assert activation_code_live(household=household, now=NOW) == code
    assert activation_code_live(household=household, now=NOW + timedelta(days=30)) is None


def test_generate_voids_the_live_code(organization) -> None:
    household = HouseholdFactory()
    first = activation_code_generate(actor=staff(), household=household, now=NOW)
    second = activation_code_generate(actor=staff(), household=household, now=NOW)
    first.refresh_from_db()
    assert first.voided_at == NOW
    assert second.voided_at is None
    assert activation_code_live(household=household, now=NOW) == second
    assert ActivationCode.objects.filter(household=household).count() == 2


def test_the_database_refuses_two_live_codes(organization) -> None:
    household = HouseholdFactory()
    activation_code_generate(actor=staff(), household=household)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivationCode.objects.create(household=household, code="X", expires_at=NOW)


def test_generating_is_audited_without_the_code(organization) -> None:
    household = HouseholdFactory()
    code = activation_code_generate(actor=staff(), household=household)
    event = AuditEvent.objects.get(verb=events.ACTIVATION_CODE_GENERATED)
    assert event.object_id == str(code.pk)
    assert code.code not in json.dumps(event.changes)
    assert code.code not in event.object_repr


def test_a_tenant_cannot_generate_codes(organization) -> None:
    household = HouseholdFactory()
    tenant = UserFactory(role="", household=household)
    with pytest.raises(PermissionDenied):
        activation_code_generate(actor=Actor.tenant(tenant), household=household)


def test_the_system_may_generate_codes(organization) -> None:
    code = activation_code_generate(actor=Actor.system("letters"), household=HouseholdFactory())
    assert code.created_by is None


def test_used_codes_are_not_live(organization) -> None:
    household = HouseholdFactory()
    code = activation_code_generate(actor=staff(), household=household)
    ActivationCode.objects.filter(pk=code.pk).update(used_at=NOW)
    assert activation_code_live(household=household) is None


@pytest.mark.parametrize("role", [StaffRole.AGENT, StaffRole.ADMIN])
def test_agents_and_admins_reveal_the_live_code_audited(organization, role: str) -> None:
    household = HouseholdFactory()
    code = activation_code_generate(actor=staff(), household=household)
    actor = staff(role)
    assert activation_code_reveal(actor=actor, household=household) == code
    event = AuditEvent.objects.get(verb=events.ACTIVATION_CODE_REVEALED)
    assert event.actor_user == actor.user
    assert code.code not in json.dumps(event.changes)


def test_reveal_without_a_live_code_is_none_and_not_audited(organization) -> None:
    assert activation_code_reveal(actor=staff(), household=HouseholdFactory()) is None
    assert not AuditEvent.objects.filter(verb=events.ACTIVATION_CODE_REVEALED).exists()


def test_staff_users_without_agent_or_admin_role_may_not_reveal(organization) -> None:
    household = HouseholdFactory()
    activation_code_generate(actor=staff(), household=household)
    with pytest.raises(PermissionDenied):
        activation_code_reveal(actor=staff(StaffRole.USER), household=household)
    tenant = UserFactory(role="", household=household)
    with pytest.raises(PermissionDenied):
        activation_code_reveal(actor=Actor.tenant(tenant), household=household)
    with pytest.raises(PermissionDenied):
        activation_code_reveal(actor=Actor.system(), household=household)
    assert not AuditEvent.objects.filter(verb=events.ACTIVATION_CODE_REVEALED).exists()


def test_expired_codes_are_not_revealed(organization) -> None:
    household = HouseholdFactory()
    with time_machine.travel(NOW - timedelta(days=100), tick=False):
        activation_code_generate(actor=staff(), household=household)
    with time_machine.travel(NOW, tick=False):
        assert activation_code_reveal(actor=staff(), household=household) is None
