"""The incident settings form on the organization page (administrators only)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from meldpunt.accounts.models import StaffRole
from meldpunt.common.models import AuditEvent

pytestmark = pytest.mark.django_db

PAGE = "/backoffice/organization/"
SAVE = "/backoffice/organization/incidents/"


@pytest.fixture
def admin_client(staff_client, organization) -> Client:  # type: ignore[no-untyped-def]
    client = staff_client(StaffRole.ADMIN)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_urls_are_where_the_tests_expect_them():
    assert reverse("backoffice:organization") == PAGE
    assert reverse("backoffice:organization_incident_settings") == SAVE


def test_the_page_shows_the_current_settings(admin_client, organization):
    content = admin_client.get(PAGE).content.decode()
    assert "First staff user who responds becomes handler" in content
    assert 'name="first_responder_becomes_handler"' in content
    assert 'name="duplicate_window_hours" value="72"' in content
    assert f'action="{SAVE}"' in content


def test_saving_changes_the_settings_and_comes_back_to_the_section(admin_client, organization):
    response = admin_client.post(
        SAVE,
        {"duplicate_window_hours": "48", "reminder_first_after_hours": "4", "reminder_max": "5"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#incident-settings"
    organization.refresh_from_db()
    assert organization.first_responder_becomes_handler is False  # unticked
    assert organization.duplicate_window_hours == 48
    assert AuditEvent.objects.filter(verb="organization.updated").count() == 1
    page = admin_client.get(response["Location"]).content.decode()
    assert "The incident settings are saved." in page
    assert 'name="duplicate_window_hours" value="48"' in page


@pytest.mark.parametrize("typed", ["0", "721", "-3", "twelve", "", "1.5", "9" * 30])
def test_a_bad_window_is_explained_and_what_was_typed_is_kept(admin_client, organization, typed):
    response = admin_client.post(
        SAVE, {"first_responder_becomes_handler": "on", "duplicate_window_hours": typed}
    )
    content = response.content.decode()
    assert response.status_code == 422
    assert "Enter a whole number of hours from 1 to 720 (30 days)." in content
    assert f'value="{typed}"' in content or typed == ""
    organization.refresh_from_db()
    assert organization.duplicate_window_hours == 72
    assert not AuditEvent.objects.exists()


def test_get_on_the_save_url_is_405(admin_client):
    assert admin_client.get(SAVE).status_code == 405


@pytest.mark.parametrize("role", [StaffRole.AGENT, StaffRole.USER, ""])
def test_other_roles_get_403_and_nothing_changes(staff_client, organization, role):
    response = staff_client(role).post(SAVE, {"duplicate_window_hours": "5"})
    assert response.status_code == 403
    organization.refresh_from_db()
    assert organization.duplicate_window_hours == 72


def test_anonymous_visitors_are_sent_to_the_login_page(client, organization):
    response = client.post(SAVE, {"duplicate_window_hours": "5"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Error texts are asserted in English; the interface default is Dutch."""
    from django.utils import translation

    with translation.override("en"):
        yield
