"""The organization's incident settings: first responder becomes handler and the
window for possible duplicates (SPEC INC-7, INC-13)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meldpunt.accounts.models import StaffRole
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.organization.services import organization_incident_settings_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_admin_changes_both_settings_and_the_audit_keeps_old_and_new(organization):
    admin = UserFactory(role=StaffRole.ADMIN)
    updated = organization_incident_settings_update(
        actor=Actor.staff(admin),
        organization=organization,
        first_responder_becomes_handler=False,
        duplicate_window_hours=24,
    )
    organization.refresh_from_db()
    assert organization.first_responder_becomes_handler is False
    assert organization.duplicate_window_hours == 24
    assert updated.duplicate_window_hours == 24
    event = AuditEvent.objects.get(verb="organization.updated", actor_user=admin)
    assert event.changes == {
        "first_responder_becomes_handler": {"old": True, "new": False},
        "duplicate_window_hours": {"old": 72, "new": 24},
    }


def test_saving_the_same_values_writes_no_audit_row(organization):
    organization_incident_settings_update(
        actor=Actor.system(),
        organization=organization,
        first_responder_becomes_handler=True,
        duplicate_window_hours=72,
    )
    assert not AuditEvent.objects.filter(verb="organization.updated").exists()


@pytest.mark.parametrize("hours", [1, 720])
def test_the_window_bounds_are_accepted(organization, hours):
    organization_incident_settings_update(
        actor=Actor.system(),
        organization=organization,
        first_responder_becomes_handler=True,
        duplicate_window_hours=hours,
    )
    organization.refresh_from_db()
    assert organization.duplicate_window_hours == hours


@pytest.mark.parametrize("hours", [0, -5, 721, 100_000, True, "12"])
def test_a_window_outside_1_to_720_hours_is_refused_and_nothing_changes(organization, hours):
    with pytest.raises(ValidationError) as raised:
        organization_incident_settings_update(
            actor=Actor.system(),
            organization=organization,
            first_responder_becomes_handler=False,
            duplicate_window_hours=hours,
        )
    assert "duplicate_window_hours" in raised.value.error_dict
    organization.refresh_from_db()
    assert organization.duplicate_window_hours == 72
    assert organization.first_responder_becomes_handler is True
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("role", [StaffRole.AGENT, StaffRole.USER])
def test_only_administrators_may_change_them(organization, role):
    with pytest.raises(PermissionDenied):
        organization_incident_settings_update(
            actor=Actor.staff(UserFactory(role=role)),
            organization=organization,
            first_responder_becomes_handler=False,
            duplicate_window_hours=24,
        )
    organization.refresh_from_db()
    assert organization.first_responder_becomes_handler is True
