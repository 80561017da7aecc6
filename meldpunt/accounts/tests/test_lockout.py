"""Five wrong passwords in a row lock an account for 15 minutes (SPEC ACC-8)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from meldpunt.accounts.adapters import StaffAccountAdapter
from meldpunt.accounts.events import ACCOUNT_LOCKED
from meldpunt.accounts.lockout import lockout_key, lockout_message, lockout_response
from meldpunt.accounts.models import StaffRole
from meldpunt.accounts.tests.conftest import LOGIN_URL, is_signed_in, sign_in
from meldpunt.common.models import AuditEvent
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED_TEXT = "this account is locked for 15 minutes"
WRONG_TEXT = "The username and/or password you specified are not correct."


@pytest.fixture
def staff(organization):  # type: ignore[no-untyped-def]
    return UserFactory(username="Petra.Bakker", email="petra@example.org", role=StaffRole.AGENT)


def fail(client, login: str, times: int = 1):  # type: ignore[no-untyped-def]
    response = None
    for _ in range(times):
        response = sign_in(client, login, "not the password")
    return response


@pytest.fixture
def clock(time_machine):  # type: ignore[no-untyped-def]
    """The clock of the lockout and of allauth's rate limits; it moves only when told."""
    time_machine.move_to(timezone.now(), tick=False)

    def moves_on(minutes: float) -> None:
        time_machine.shift(timedelta(minutes=minutes))

    return moves_on


def test_four_wrong_passwords_only_say_the_password_is_wrong(client_at, staff):
    client = client_at()
    response = fail(client, staff.username, times=4)
    content = response.content.decode()
    assert response.status_code == 200
    assert WRONG_TEXT in content
    assert LOCKED_TEXT not in content


def test_the_fifth_wrong_password_locks_the_account_with_a_clear_message(client_at, staff):
    client = client_at()
    fail(client, staff.username, times=4)
    response = fail(client, staff.username)
    content = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert LOCKED_TEXT in content
    assert "ask an administrator to unlock it" in content
    assert 'role="alert"' in content
    assert f'value="{staff.username}"' in content  # the form keeps what was typed
    assert 'id="login-form"' in content


def test_the_right_password_is_refused_while_locked(client_at, staff):
    client = client_at()
    fail(client, staff.username, times=5)
    response = sign_in(client, staff.username)
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert not is_signed_in(client)


def test_after_15_minutes_the_account_unlocks_by_itself(client_at, staff, clock):
    client = client_at()
    fail(client, staff.username, times=5)
    clock(14)
    assert sign_in(client, staff.username).status_code == 429
    clock(1.01)
    response = sign_in(client, staff.username)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_attempts_during_the_lock_do_not_make_it_last_longer(client_at, staff, clock):
    attackers = [client_at(f"198.51.100.{number}") for number in range(1, 6)]
    for attacker in attackers:
        fail(attacker, staff.username)
    for minute in range(14):
        clock(1)
        for attacker in attackers:  # five tries a minute, from five addresses
            assert fail(attacker, staff.username).status_code == 429, minute
    clock(1.01)  # 15 minutes and a bit after the fifth failure
    owner = client_at()
    assert sign_in(owner, staff.username).status_code == 302


def test_a_successful_sign_in_starts_the_count_again(client_at, staff):
    client = client_at()
    fail(client, staff.username, times=4)
    assert sign_in(client, staff.username).status_code == 302
    client.post(reverse("account_logout"))
    response = fail(client, staff.username, times=4)
    assert response.status_code == 200
    assert sign_in(client, staff.username).status_code == 302


def test_changing_address_does_not_reset_the_count(client_at, staff):
    for number in range(5):
        fail(client_at(f"198.51.100.{number + 1}"), staff.username)
    response = sign_in(client_at("192.0.2.200"), staff.username)
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()


def test_username_email_and_letter_case_count_for_one_account(client_at, staff):
    client = client_at()
    fail(client, "petra.bakker", times=2)
    fail(client, "PETRA@example.org", times=2)
    response = fail(client, "Petra.Bakker")
    assert response.status_code == 429
    assert sign_in(client_at("192.0.2.9"), staff.email).status_code == 429


def test_an_unknown_username_is_answered_exactly_like_a_known_one(client_at, staff):
    # Two addresses: allauth's own limit per address would answer first otherwise.
    known, unknown = client_at("198.51.100.1"), client_at("198.51.100.2")
    for attempt in range(6):
        known_response = fail(known, staff.username)
        unknown_response = fail(unknown, "nobody.here")
        assert known_response.status_code == unknown_response.status_code, attempt
        known_page = known_response.content.decode().replace(staff.username, "NAME")
        unknown_page = unknown_response.content.decode().replace("nobody.here", "NAME")
        assert _without_tokens(known_page) == _without_tokens(unknown_page), attempt
    assert LOCKED_TEXT in unknown_response.content.decode()


def _without_tokens(page: str) -> str:
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_the_lock_is_audited_once(client_at, staff):
    client = client_at("198.51.100.7")
    fail(client, staff.username, times=7)
    events = AuditEvent.objects.filter(verb=ACCOUNT_LOCKED)
    assert events.count() == 1
    event = events.get()
    assert event.object_id == str(staff.pk)
    assert event.changes["address"]["new"] == "198.51.100.7"


def test_a_lock_of_an_unknown_username_is_audited_on_the_attempt(client_at, organization):
    fail(client_at(), "nobody.here", times=5)
    event = AuditEvent.objects.get(verb=ACCOUNT_LOCKED)
    assert event.object_type == "axes.accessattempt"


def test_the_lock_counts_the_address_the_trusted_proxy_saw(client_at, staff, settings):
    settings.MELDPUNT_TRUSTED_PROXY = "10.0.0.2"
    client = client_at("10.0.0.2", forwarded_for="6.6.6.6, 198.51.100.23")
    fail(client, staff.username)
    assert AccessAttempt.objects.get().ip_address == "198.51.100.23"
    spoofing = client_at("198.51.100.99", forwarded_for="192.0.2.1")
    fail(spoofing, staff.username)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "198.51.100.23",
        "198.51.100.99",
    }


def test_the_rate_limits_see_the_address_the_trusted_proxy_saw(settings):
    settings.MELDPUNT_TRUSTED_PROXY = "10.0.0.2"
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.23"
    )
    assert StaffAccountAdapter().get_client_ip(request) == "198.51.100.23"


def test_djangos_admin_login_form_sends_visitors_to_the_one_sign_in_page(client_at):
    response = client_at().post(reverse("admin:login"), {"username": "x", "password": "y"})
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=%2Fdjango-admin%2F"
    asked = client_at().get(reverse("admin:login") + "?next=/django-admin/accounts/user/")
    assert asked["Location"] == f"{LOGIN_URL}?next=%2Fdjango-admin%2Faccounts%2Fuser%2F"


def test_other_login_forms_get_the_lock_message_as_text():
    request = RequestFactory().post("/elsewhere/")
    response = lockout_response(request, None, None)
    assert response.status_code == 429
    assert response.content.decode() == lockout_message()
    assert response["Retry-After"] == "900"


def test_the_lockout_key_is_the_account_username():
    assert lockout_key("  ") == ""


def test_the_lockout_key_names_the_account_behind_an_email(staff):
    assert lockout_key("PETRA@EXAMPLE.ORG") == "petra.bakker"
    assert lockout_key("petra.BAKKER") == "petra.bakker"
    assert lockout_key("Someone@Else.org") == "someone@else.org"


def test_an_email_shared_by_two_accounts_counts_as_typed(staff):
    UserFactory(username="other", email="petra@example.org")
    assert lockout_key("petra@example.org") == "petra@example.org"


def test_the_login_page_still_loads_while_an_account_is_locked(client_at, staff):
    client = client_at()
    fail(client, staff.username, times=5)
    assert client.get(LOGIN_URL).status_code == 200


def test_allauths_limit_per_address_still_applies(client_at, organization):
    client = client_at("198.51.100.77")
    for number in range(10):
        fail(client, f"someone{number}")
    response = fail(client, "someone.else")
    assert "Too many failed login attempts" in response.content.decode()


def test_a_password_checked_without_a_request_is_no_sign_in(staff):
    from django.contrib.auth import authenticate

    assert authenticate(username=staff.username, password="not the password") is None
    assert authenticate(username=staff.username, password=TEST_PASSWORD) == staff
    assert not AccessAttempt.objects.exists()
