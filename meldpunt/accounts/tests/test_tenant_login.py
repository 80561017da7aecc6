"""Tenants sign in on the portal's own page (SPEC ACC-6, ACC-8, ACC-10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meldpunt.accounts import login_events
from meldpunt.accounts.models import StaffRole
from meldpunt.accounts.tests.conftest import sign_in
from meldpunt.accounts.tests.tenant_login_fixtures import (
    PORTAL_LOGIN,
    make_tenant,
    portal_sign_in,
    signed_in_user_id,
)
from meldpunt.common.models import AuditEvent
from meldpunt.notifications.models import OutboxMessage
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WRONG_TEXT = "The username and/or password you specified are not correct."
LOCKED_TEXT = "this account is locked for 15 minutes"


@pytest.fixture
def tenant(organization):  # type: ignore[no-untyped-def]
    return make_tenant()


@pytest.fixture
def clock(time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to(timezone.now(), tick=False)

    def moves_on(minutes: float) -> None:
        time_machine.shift(timedelta(minutes=minutes))

    return moves_on


def fail(client: Client, login: str, times: int = 1):  # type: ignore[no-untyped-def]
    response = None
    for _ in range(times):
        response = portal_sign_in(client, login, "not the password")
    return response


# ---------------------------------------------------------------- the page


def test_the_login_page_shows_the_form_and_the_ways_in(client_at, organization):
    response = client_at().get(PORTAL_LOGIN)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="portal-login-form"' in content
    assert 'name="login"' in content and 'name="password"' in content
    assert 'name="remember"' in content
    assert "Stay logged in" in content
    assert reverse("portal:password_reset") in content
    assert 'autocomplete="current-password"' in content
    assert "onpaste" not in content  # pasting a password is allowed


def test_the_login_page_links_to_activation_when_those_pages_exist(client_at, organization):
    content = client_at().get(PORTAL_LOGIN).content.decode()
    for name in ("portal:activate", "portal:lost_letter", "portal:register"):
        assert reverse(name) in content


def test_a_tenant_signs_in_and_lands_on_the_next_page(client_at, tenant):
    client = client_at()
    response = portal_sign_in(client, tenant.username, next_url=reverse("portal:account"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:account")
    assert signed_in_user_id(client) == str(tenant.pk)


def test_a_foreign_next_is_ignored(client_at, tenant):
    response = portal_sign_in(client_at(), tenant.username, next_url="https://evil.example/")
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_a_tenant_may_sign_in_with_the_email_address_too(client_at, tenant):
    client = client_at()
    assert portal_sign_in(client, tenant.email.upper()).status_code == 302
    assert signed_in_user_id(client) == str(tenant.pk)


def test_a_wrong_password_says_so_and_keeps_the_username(client_at, tenant):
    response = fail(client_at(), tenant.username)
    content = response.content.decode()
    assert response.status_code == 200
    assert WRONG_TEXT in content
    assert f'value="{tenant.username}"' in content
    assert signed_in_user_id(client_at()) is None


def test_an_unknown_username_gets_the_same_answer(client_at, tenant):
    known = fail(client_at(), tenant.username).content.decode()
    unknown = fail(client_at(), "nobody.here").content.decode()
    assert WRONG_TEXT in known and WRONG_TEXT in unknown


def test_the_session_key_changes_at_sign_in(client_at, tenant):
    client = client_at()
    client.get(PORTAL_LOGIN)
    session = client.session
    session["probe"] = 1
    session.save()
    before = client.cookies["sessionid"].value
    portal_sign_in(client, tenant.username)
    after = client.cookies["sessionid"].value
    assert before and after and before != after


def test_the_login_post_needs_the_csrf_token(tenant):
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.50")
    response = portal_sign_in(client, tenant.username)
    assert response.status_code == 403
    assert signed_in_user_id(client) is None
    page = client.get(PORTAL_LOGIN)
    token = page.context["csrf_token"]
    response = client.post(
        PORTAL_LOGIN,
        {"login": tenant.username, "password": TEST_PASSWORD, "csrfmiddlewaretoken": str(token)},
    )
    assert response.status_code == 302


def test_logout_is_post_only_and_ends_the_session(client_at, tenant):
    client = client_at()
    portal_sign_in(client, tenant.username)
    assert client.get(reverse("portal:logout")).status_code == 405
    response = client.post(reverse("portal:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:login")
    assert signed_in_user_id(client) is None


def test_a_signed_in_tenant_visiting_the_login_page_is_sent_on(client_at, tenant):
    client = client_at()
    portal_sign_in(client, tenant.username)
    assert client.get(PORTAL_LOGIN).status_code == 302


def test_signed_in_staff_visiting_the_portal_login_are_told_not_looped(client_at, organization):
    client = client_at()
    client.force_login(UserFactory(role=StaffRole.AGENT))
    response = client.get(PORTAL_LOGIN)
    assert response.status_code == 200
    assert 'data-testid="login-other-account"' in response.content.decode()


# ---------------------------------------------------------------- wrong page, blocked, unconfirmed


def test_staff_are_refused_at_the_portal_login_with_a_pointer(client_at, organization):
    staff = UserFactory(role=StaffRole.AGENT)
    client = client_at()
    response = portal_sign_in(client, staff.username)
    content = response.content.decode()
    assert response.status_code == 403
    assert "This sign-in page is for tenants." in content
    assert reverse("account_login") in content
    assert signed_in_user_id(client) is None
    assert AuditEvent.objects.filter(verb=login_events.LOGIN_REFUSED).exists()


def test_staff_with_a_wrong_password_learn_nothing_about_the_page(client_at, organization):
    staff = UserFactory(role=StaffRole.AGENT)
    response = fail(client_at(), staff.username)
    assert WRONG_TEXT in response.content.decode()


def test_tenants_are_refused_at_the_staff_login_with_a_pointer(client_at, tenant):
    client = client_at()
    response = sign_in(client, tenant.username)
    content = response.content.decode()
    assert response.status_code == 403
    assert "This sign-in page is for staff." in content
    assert reverse("portal:login") in content
    assert signed_in_user_id(client) is None


def test_staff_still_sign_in_at_the_staff_login(client_at, organization):
    staff = UserFactory(role=StaffRole.AGENT)
    client = client_at()
    assert sign_in(client, staff.username).status_code == 302
    assert signed_in_user_id(client) == str(staff.pk)


def test_a_blocked_account_cannot_sign_in(client_at, tenant):
    tenant.blocked_at = timezone.now()
    tenant.block_reason = "misbruik"
    tenant.save()
    client = client_at()
    response = portal_sign_in(client, tenant.username)
    assert response.status_code == 403
    assert "This account has been blocked." in response.content.decode()
    assert signed_in_user_id(client) is None


def test_a_blocked_account_with_a_wrong_password_only_hears_wrong_password(client_at, tenant):
    tenant.blocked_at = timezone.now()
    tenant.save()
    content = fail(client_at(), tenant.username).content.decode()
    assert WRONG_TEXT in content
    assert "blocked" not in content


def test_an_unconfirmed_tenant_is_refused_and_gets_the_link_again(client_at, organization):
    user = make_tenant("nog.niet", verified=False)
    client = client_at()
    response = portal_sign_in(client, user.username)
    content = response.content.decode()
    assert response.status_code == 403
    assert "Your account is not confirmed yet." in content
    assert signed_in_user_id(client) is None
    message = OutboxMessage.objects.get(template="tenant.account_confirm")
    assert message.recipient == user.email


def test_an_unconfirmed_tenant_with_a_wrong_password_learns_nothing(client_at, organization):
    user = make_tenant("nog.niet", verified=False)
    content = fail(client_at(), user.username).content.decode()
    assert WRONG_TEXT in content
    assert "not confirmed" not in content
    assert not OutboxMessage.objects.filter(template="tenant.account_confirm").exists()


# ---------------------------------------------------------------- lockout (ACC-8)


def test_five_wrong_passwords_lock_the_account_with_a_message(client_at, tenant):
    client = client_at()
    assert WRONG_TEXT in fail(client, tenant.username, times=4).content.decode()
    response = fail(client, tenant.username)
    content = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert LOCKED_TEXT in content
    assert 'id="portal-login-form"' in content  # the portal page, not a bare text
    assert f'value="{tenant.username}"' in content


def test_the_right_password_is_refused_while_locked(client_at, tenant):
    client = client_at()
    fail(client, tenant.username, times=5)
    response = portal_sign_in(client, tenant.username)
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert signed_in_user_id(client) is None


def test_the_lock_ends_by_itself_after_15_minutes(client_at, tenant, clock):
    client = client_at()
    fail(client, tenant.username, times=5)
    clock(14)
    assert portal_sign_in(client, tenant.username).status_code == 429
    clock(1.01)
    response = portal_sign_in(client, tenant.username)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(tenant.pk)


def test_the_lock_counts_username_and_email_together(client_at, tenant):
    client = client_at()
    fail(client, tenant.username, times=3)
    fail(client, tenant.email, times=2)
    assert portal_sign_in(client, tenant.username).status_code == 429


# ------------------------------------------------------- the tenant record's email (ACC-10)


def test_at_sign_in_the_account_takes_the_tenant_records_email(client_at, tenant):
    household = tenant.household
    household.email = "nieuw@example.net"
    household.save()
    client = client_at()
    assert portal_sign_in(client, tenant.username).status_code == 302
    tenant.refresh_from_db()
    assert tenant.email == "nieuw@example.net"
    address = EmailAddress.objects.get(user=tenant)
    assert (address.email, address.primary, address.verified) == ("nieuw@example.net", True, True)
    event = AuditEvent.objects.get(verb=login_events.EMAIL_SYNCED)
    assert event.changes["email"]["new"] == "nieuw@example.net"


def test_an_address_an_administrator_changed_is_not_undone_until_the_record_changes(
    client_at, tenant
):
    """A-9 changes the account alone; ACC-10 brings only later record changes."""
    from meldpunt.accounts.account_admin import account_email_change_confirm, email_change_token

    token = email_change_token(user=tenant, new_email="door.beheer@example.net")
    assert account_email_change_confirm(token=token) is not None
    client = client_at()
    assert portal_sign_in(client, tenant.username).status_code == 302
    tenant.refresh_from_db()
    assert tenant.email == "door.beheer@example.net"
    client.post("/portal/logout")
    household = tenant.household
    household.email = "later@example.net"
    household.save()
    assert portal_sign_in(client, tenant.username).status_code == 302
    tenant.refresh_from_db()
    assert tenant.email == "later@example.net"


def test_an_equal_email_changes_nothing_at_sign_in(client_at, tenant):
    portal_sign_in(client_at(), tenant.username)
    assert not AuditEvent.objects.filter(verb=login_events.EMAIL_SYNCED).exists()


def test_an_empty_tenant_record_email_leaves_the_account_alone(client_at, tenant):
    household = tenant.household
    old = tenant.email
    household.email = ""
    household.save()
    portal_sign_in(client_at(), tenant.username)
    tenant.refresh_from_db()
    assert tenant.email == old
