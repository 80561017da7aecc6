"""Administrators sign in with an authenticator app (TOTP); other staff may.

The codes are real: computed from the authenticator's secret the way an app
does (RFC 6238), with allauth's own TOTP functions.
"""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core.checks import run_checks
from django.urls import reverse

from meldpunt.accounts.middleware import MFA_CHECKED_SESSION_KEY
from meldpunt.accounts.models import StaffRole
from meldpunt.accounts.tests.conftest import is_signed_in, sign_in
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SETUP_URL = reverse("mfa_activate_totp")
HOME = reverse("backoffice:home")


@pytest.fixture(autouse=True)
def _mfa_required(settings):  # type: ignore[no-untyped-def]
    settings.MELDPUNT_ADMIN_MFA_REQUIRED = True


def reauthenticate(client) -> None:  # type: ignore[no-untyped-def]
    """allauth asks for the password again before authenticator changes."""
    response = client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    assert response.status_code == 302


def code_for(secret: str, *, periods_ago: int = 0) -> str:
    """The code an authenticator app shows now for ``secret``."""
    counter = int(time.time()) // 30 - periods_ago
    return format_hotp_value(hotp_value(secret, counter))


@pytest.fixture
def admin(organization):  # type: ignore[no-untyped-def]
    return UserFactory(username="ada.admin", role=StaffRole.ADMIN)


@pytest.fixture
def admin_with_app(admin):  # type: ignore[no-untyped-def]
    secret = generate_totp_secret()
    TOTP.activate(admin, secret)
    return admin, secret


# ---------------------------------------------------------------- without an app yet


def test_an_admin_without_an_app_is_sent_to_set_one_up_after_signing_in(client_at, admin):
    client = client_at()
    response = sign_in(client, admin.username)
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302
    assert follow["Location"] == SETUP_URL
    # allauth asks for the password once more before an authenticator is added.
    asked = client.get(SETUP_URL)
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate(client)
    page = client.get(SETUP_URL)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Administrators sign in with a code from an authenticator app" in content
    assert 'name="code"' in content


@pytest.mark.parametrize(
    "name", ["backoffice:home", "backoffice:organization", "backoffice:security"]
)
def test_no_back_office_page_opens_until_the_app_is_set_up(client_at, admin, name):
    client = client_at()
    sign_in(client, admin.username)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"] == SETUP_URL


def test_a_write_is_refused_too(client_at, admin):
    client = client_at()
    sign_in(client, admin.username)
    response = client.post(reverse("backoffice:security_range_add"), {"role": "agent"})
    assert response.status_code == 302
    assert response["Location"] == SETUP_URL


def test_htmx_requests_are_sent_to_the_set_up_page_as_a_whole(client_at, admin):
    client = client_at()
    sign_in(client, admin.username)
    response = client.get(HOME, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == SETUP_URL


@pytest.mark.parametrize("name", ["mfa_index", "account_change_password", "account_logout"])
def test_account_pages_stay_open(client_at, admin, name):
    client = client_at()
    sign_in(client, admin.username)
    assert client.get(reverse(name)).status_code == 200


def test_signing_out_and_switching_language_still_work(client_at, admin):
    client = client_at()
    sign_in(client, admin.username)
    switched = client.post(reverse("set_language"), {"language": "nl", "next": SETUP_URL})
    assert switched.status_code == 302
    assert switched["Location"] == SETUP_URL
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.get(HOME).status_code == 302
    assert client.get(HOME)["Location"].startswith(reverse("account_login"))


def test_static_files_and_the_health_check_stay_reachable(client_at, admin):
    client = client_at()
    sign_in(client, admin.username)
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get("/static/css/meldpunt.css").status_code == 200


def test_setting_up_the_app_with_a_real_code_opens_the_back_office(client_at, admin):
    client = client_at()
    sign_in(client, admin.username)
    reauthenticate(client)
    page = client.get(SETUP_URL)
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    wrong = client.post(SETUP_URL, {"code": "000000" if code_for(secret) != "000000" else "1"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=admin).exists()
    response = client.post(SETUP_URL, {"code": code_for(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()
    assert client.get(HOME).status_code == 200


def test_a_superuser_needs_an_app_too(client_at, organization):
    superuser = UserFactory(role="", is_superuser=True, is_staff=True)
    client = client_at()
    sign_in(client, superuser.username)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == SETUP_URL


def test_other_staff_need_no_app(client_at, organization):
    agent = UserFactory(role=StaffRole.AGENT)
    client = client_at()
    sign_in(client, agent.username)
    assert is_signed_in(client)


def test_when_not_required_an_admin_without_an_app_gets_in(client_at, admin, settings):
    settings.MELDPUNT_ADMIN_MFA_REQUIRED = False
    client = client_at()
    sign_in(client, admin.username)
    assert is_signed_in(client)


def test_a_deployment_without_the_requirement_is_warned_about(settings):
    settings.MELDPUNT_ADMIN_MFA_REQUIRED = False
    assert "meldpunt.W001" in {check.id for check in run_checks(include_deployment_checks=True)}
    settings.MELDPUNT_ADMIN_MFA_REQUIRED = True
    assert "meldpunt.W001" not in {check.id for check in run_checks(include_deployment_checks=True)}


# ---------------------------------------------------------------- with an app


def test_an_admin_with_an_app_is_asked_for_the_code(client_at, admin_with_app):
    admin, secret = admin_with_app
    client = client_at()
    response = sign_in(client, admin.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not is_signed_in(client)
    wrong = client.post(reverse("mfa_authenticate"), {"code": "12345x"})
    assert wrong.status_code == 200
    assert not is_signed_in(client)
    right = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert right.status_code == 302
    assert is_signed_in(client)
    assert client.get(reverse("backoffice:security")).status_code == 200


def test_a_code_cannot_be_used_twice(client_at, admin_with_app):
    admin, secret = admin_with_app
    code = code_for(secret)
    first = client_at()
    sign_in(first, admin.username)
    assert first.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    second = client_at("198.51.100.3")
    sign_in(second, admin.username)
    assert second.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200
    assert not is_signed_in(second)


def test_an_admin_cannot_switch_the_app_off(client_at, admin_with_app):
    admin, secret = admin_with_app
    client = client_at()
    sign_in(client, admin.username)
    client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    reauthenticate(client)
    response = client.post(reverse("mfa_deactivate_totp"), {})
    assert response.status_code == 200
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()


def test_an_agent_can_switch_an_app_off(client_at, organization):
    agent = UserFactory(role=StaffRole.AGENT)
    secret = generate_totp_secret()
    TOTP.activate(agent, secret)
    client = client_at()
    sign_in(client, agent.username)
    client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    reauthenticate(client)
    response = client.post(reverse("mfa_deactivate_totp"), {})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=agent, type=Authenticator.Type.TOTP).exists()


def test_the_app_is_looked_up_once_per_session(
    client_at, admin_with_app, django_assert_num_queries
):
    admin, secret = admin_with_app
    client = client_at()
    sign_in(client, admin.username)
    client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    client.get(HOME)
    assert client.session[MFA_CHECKED_SESSION_KEY] == admin.pk
    with django_assert_num_queries(6):  # session, user, organization, badge, home's two
        assert client.get(HOME).status_code == 200


def test_an_admin_signed_in_before_the_requirement_is_stopped_too(client_at, admin, settings):
    settings.MELDPUNT_ADMIN_MFA_REQUIRED = False
    client = client_at()
    sign_in(client, admin.username)
    assert is_signed_in(client)
    settings.MELDPUNT_ADMIN_MFA_REQUIRED = True
    assert client.get(HOME)["Location"] == SETUP_URL


def test_guessing_codes_is_limited_per_user_whatever_the_address(client_at, admin_with_app):
    admin, secret = admin_with_app
    client = client_at()
    sign_in(client, admin.username)
    url = reverse("mfa_authenticate")
    right = code_for(secret)
    wrong = "000000" if right != "000000" else "111111"
    for number in range(20):
        response = client.post(url, {"code": wrong}, REMOTE_ADDR=f"198.51.100.{number + 1}")
        assert "Incorrect code" in response.content.decode(), number
    response = client.post(url, {"code": right}, REMOTE_ADDR="198.51.100.200")
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert not is_signed_in(client)
