"""The work-order reminder settings in the organization's incident settings (SPEC A-24)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from meldpunt.accounts.models import StaffRole
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.organization.services import organization_incident_settings_update

pytestmark = pytest.mark.django_db

PAGE = "/backoffice/organization/"
SAVE = "/backoffice/organization/incidents/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def admin_client(staff_client, organization) -> Client:  # type: ignore[no-untyped-def]
    client = staff_client(StaffRole.ADMIN)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def post(client: Client, **values: str):  # type: ignore[no-untyped-def]
    data = {
        "first_responder_becomes_handler": "on",
        "duplicate_window_hours": "72",
        "reminder_first_after_hours": "4",
        "reminder_max": "5",
    }
    data.update(values)
    return client.post(SAVE, data)


def test_the_page_shows_both_settings_with_their_help(admin_client):
    content = admin_client.get(PAGE).content.decode()
    assert "<legend>Work-order reminders</legend>" in content
    assert '<label for="id_reminder_first_after_hours">' in content
    assert 'name="reminder_first_after_hours" value="4"' in content
    assert 'name="reminder_max" value="5"' in content
    assert "then one per working day" in content
    assert "0 sends no reminders at all" in content
    assert 'aria-describedby="id_reminder_max_helptext"' in content


def test_an_admin_saves_them_with_an_audit_row(admin_client, organization):
    response = post(admin_client, reminder_first_after_hours="8", reminder_max="3")
    assert response.status_code == 302
    organization.refresh_from_db()
    assert (organization.reminder_first_after_hours, organization.reminder_max) == (8, 3)
    audit = AuditEvent.objects.get(verb="organization.updated")
    assert audit.changes == {
        "reminder_first_after_hours": {"old": 4, "new": 8},
        "reminder_max": {"old": 5, "new": 3},
    }
    page = admin_client.get(response["Location"]).content.decode()
    assert 'name="reminder_first_after_hours" value="8"' in page
    assert 'name="reminder_max" value="3"' in page


def test_no_reminders_at_all_is_allowed(admin_client, organization):
    assert post(admin_client, reminder_max="0").status_code == 302
    organization.refresh_from_db()
    assert organization.reminder_max == 0


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("reminder_first_after_hours", "0", "Enter a whole number of working hours from 1 to 40."),
        ("reminder_first_after_hours", "41", "Enter a whole number of working hours from 1 to 40."),
        (
            "reminder_first_after_hours",
            "vier",
            "Enter a whole number of working hours from 1 to 40.",
        ),
        ("reminder_first_after_hours", "", "Enter a whole number of working hours from 1 to 40."),
        ("reminder_max", "11", "Enter a whole number from 0 to 10."),
        ("reminder_max", "-1", "Enter a whole number from 0 to 10."),
        ("reminder_max", "2.5", "Enter a whole number from 0 to 10."),
    ],
)
def test_bad_values_are_refused_and_what_was_typed_is_kept(
    admin_client, organization, field, typed, message
):
    response = post(admin_client, duplicate_window_hours="48", **{field: typed})
    content = response.content.decode()
    assert response.status_code == 422
    assert message in content
    assert f'id="id_{field}_error"' in content
    if typed:
        assert f'name="{field}" value="{typed}"' in content
    assert 'name="duplicate_window_hours" value="48"' in content  # the other input stays too
    organization.refresh_from_db()
    assert (organization.reminder_first_after_hours, organization.reminder_max) == (4, 5)
    assert organization.duplicate_window_hours == 72
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("role", [StaffRole.AGENT, StaffRole.USER])
def test_other_staff_cannot_change_them(staff_client, organization, role):
    response = staff_client(role).post(SAVE, {"reminder_max": "1"})
    assert response.status_code == 403
    organization.refresh_from_db()
    assert organization.reminder_max == 5


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"reminder_first_after_hours": 0}, "reminder_first_after_hours"),
        ({"reminder_first_after_hours": True}, "reminder_first_after_hours"),
        ({"reminder_max": 11}, "reminder_max"),
        ({"reminder_max": "3"}, "reminder_max"),
    ],
)
def test_the_service_refuses_bad_values_too(organization, values, field):
    with pytest.raises(ValidationError) as error:
        organization_incident_settings_update(
            actor=Actor.system(),
            organization=organization,
            first_responder_becomes_handler=True,
            duplicate_window_hours=72,
            **values,
        )
    assert field in error.value.message_dict
    organization.refresh_from_db()
    assert (organization.reminder_first_after_hours, organization.reminder_max) == (4, 5)


def test_the_service_leaves_them_alone_when_not_given(organization):
    organization_incident_settings_update(
        actor=Actor.system(),
        organization=organization,
        first_responder_becomes_handler=True,
        duplicate_window_hours=24,
    )
    organization.refresh_from_db()
    assert (organization.reminder_first_after_hours, organization.reminder_max) == (4, 5)
