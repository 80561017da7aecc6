"""How long a tenant stays signed in, and the settings behind it (SPEC ACC-6, ADM-SET)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meldpunt.accounts.models import StaffRole
from meldpunt.accounts.session_policy import LAST_SEEN_KEY, MARKER_COOKIE
from meldpunt.accounts.tests.tenant_login_fixtures import (
    make_tenant,
    portal_sign_in,
    signed_in_user_id,
)
from meldpunt.common.models import AuditEvent
from meldpunt.organization.models import PasswordPolicy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT = "/portal/account"
SETTINGS_PAGE = "/backoffice/organization/"
SAVE = "/backoffice/organization/portal-accounts/"


@pytest.fixture
def tenant(organization):  # type: ignore[no-untyped-def]
    return make_tenant()


@pytest.fixture
def clock(time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to(timezone.now(), tick=False)

    def moves_on(**delta: float) -> None:
        time_machine.shift(timedelta(**delta))

    return moves_on


def is_in(client: Client) -> bool:
    return client.get(ACCOUNT).status_code == 200


# ---------------------------------------------------------------- idle limit, no "stay logged in"


def test_without_stay_logged_in_the_session_ends_after_the_idle_minutes(client_at, tenant, clock):
    client = client_at()
    portal_sign_in(client, tenant.username)
    clock(minutes=29)
    assert is_in(client)
    clock(minutes=29)  # 29 minutes after the last request: still in
    assert is_in(client)
    clock(minutes=30, seconds=1)
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity." in page
    assert signed_in_user_id(client) is None


def test_the_idle_limit_follows_the_organization_setting(client_at, tenant, organization, clock):
    organization.session_idle_minutes = 5
    organization.save()
    client = client_at()
    portal_sign_in(client, tenant.username)
    clock(minutes=4)
    assert is_in(client)
    clock(minutes=5, seconds=1)
    response = client.get(ACCOUNT, follow=True)
    assert "You were signed out after 5 minutes without activity." in response.content.decode()


def test_a_shorter_limit_applies_to_sessions_already_running(
    client_at, tenant, organization, clock
):
    client = client_at()
    portal_sign_in(client, tenant.username)
    organization.session_idle_minutes = 5
    organization.save()
    clock(minutes=6)
    assert not is_in(client)


def test_the_session_cookie_is_not_kept_beyond_the_idle_limit(client_at, tenant):
    client = client_at()
    portal_sign_in(client, tenant.username)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 30 * 60


def test_activity_is_written_at_most_once_a_minute(client_at, tenant, clock):
    client = client_at()
    portal_sign_in(client, tenant.username)
    first = client.session[LAST_SEEN_KEY]
    clock(seconds=30)
    client.get(ACCOUNT)
    assert client.session[LAST_SEEN_KEY] == first
    clock(seconds=31)
    client.get(ACCOUNT)
    assert client.session[LAST_SEEN_KEY] > first


# ---------------------------------------------------------------- "stay logged in"


def test_stay_logged_in_keeps_the_session_for_days_without_activity(client_at, tenant, clock):
    client = client_at()
    portal_sign_in(client, tenant.username, remember=True)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 30 * 86400
    clock(days=29)
    assert is_in(client)
    clock(days=29, hours=23)
    assert is_in(client)
    clock(days=30, seconds=1)
    response = client.get(ACCOUNT, follow=True)
    assert "You were signed out after 30 days without activity." in response.content.decode()


def test_stay_logged_in_follows_the_days_setting(client_at, tenant, organization, clock):
    organization.stay_logged_in_days = 1
    organization.save()
    client = client_at()
    portal_sign_in(client, tenant.username, remember=True)
    clock(hours=23)
    assert is_in(client)
    clock(days=1, seconds=1)
    response = client.get(ACCOUNT, follow=True)
    assert "You were signed out after 1 day without activity." in response.content.decode()


def test_signing_out_on_purpose_gives_no_inactivity_message(client_at, tenant):
    client = client_at()
    portal_sign_in(client, tenant.username)
    assert MARKER_COOKIE in client.cookies
    client.post(reverse("portal:logout"))
    assert client.cookies[MARKER_COOKIE].value == ""
    page = client.get(ACCOUNT, follow=True).content.decode()
    assert "You were signed out after" not in page


def test_staff_sessions_are_not_touched(client_at, organization, clock):
    client = client_at()
    client.force_login(UserFactory(role=StaffRole.AGENT))
    clock(hours=2)
    assert client.get(reverse("backoffice:home")).status_code == 200


# ---------------------------------------------------------------- the settings (ADM-SET)


@pytest.fixture
def admin_client(staff_client, organization) -> Client:  # type: ignore[no-untyped-def]
    client = staff_client(StaffRole.ADMIN)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def settings_data(**overrides: str) -> dict[str, str]:
    data = {
        "session_idle_minutes": "30",
        "stay_logged_in_days": "30",
        "password_policy": "modern",
        "activation_code_days": "90",
        "welcome_text": "Welkom!",
    }
    data.update(overrides)
    return data


def test_the_organization_page_shows_the_portal_account_settings(admin_client):
    content = admin_client.get(SETTINGS_PAGE).content.decode()
    assert "Portal accounts" in content
    assert f'action="{SAVE}"' in content
    assert 'name="session_idle_minutes" value="30"' in content
    assert 'name="stay_logged_in_days" value="30"' in content


def test_saving_the_portal_account_settings(admin_client, organization):
    response = admin_client.post(
        SAVE,
        settings_data(
            session_idle_minutes="10", stay_logged_in_days="7", password_policy="classic"
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"{SETTINGS_PAGE}#portal-account-settings"
    organization.refresh_from_db()
    assert organization.session_idle_minutes == 10
    assert organization.stay_logged_in_days == 7
    assert organization.password_policy == PasswordPolicy.CLASSIC
    assert organization.welcome_text == "Welkom!"
    event = AuditEvent.objects.filter(verb="organization.updated").latest("id")
    assert event.changes["session_idle_minutes"] == {"old": 30, "new": 10}


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("session_idle_minutes", "4", "Enter a whole number of minutes from 5 to 30."),
        ("session_idle_minutes", "31", "Enter a whole number of minutes from 5 to 30."),
        ("session_idle_minutes", "", "Enter a whole number of minutes from 5 to 30."),
        ("stay_logged_in_days", "0", "Enter a whole number of days from 1 to 30."),
        ("stay_logged_in_days", "31", "Enter a whole number of days from 1 to 30."),
        ("stay_logged_in_days", "many", "Enter a whole number of days from 1 to 30."),
        ("activation_code_days", "366", "Enter a whole number of days from 1 to 365."),
    ],
)
def test_out_of_range_settings_are_refused_with_a_clear_error(
    admin_client, organization, field, typed, message
):
    response = admin_client.post(SAVE, settings_data(**{field: typed}))
    content = response.content.decode()
    assert response.status_code == 422
    assert message in content
    assert f'name="{field}"' in content
    organization.refresh_from_db()
    assert organization.session_idle_minutes == 30
    assert organization.stay_logged_in_days == 30


def test_the_service_refuses_out_of_range_values_too(organization, make_staff):
    from django.core.exceptions import ValidationError

    from meldpunt.accounts.tenant_login import portal_account_settings_update
    from meldpunt.common.actors import Actor

    admin = Actor.staff(make_staff(role=StaffRole.ADMIN))
    with pytest.raises(ValidationError) as error:
        portal_account_settings_update(
            actor=admin, organization=organization, session_idle_minutes=45
        )
    assert "session_idle_minutes" in error.value.error_dict


def test_only_administrators_save_portal_account_settings(staff_client, organization):
    client = staff_client(StaffRole.AGENT)
    assert client.post(SAVE, settings_data()).status_code == 403
    assert client.get(SAVE).status_code in (403, 405)
