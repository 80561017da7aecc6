"""Password rules, a forgotten password, a password change (ACC-7, ACC-11, C-1, POR-6, A-6)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meldpunt.accounts import login_events
from meldpunt.accounts.models import StaffRole, User
from meldpunt.accounts.passwords import OrganizationPasswordValidator
from meldpunt.accounts.tests.tenant_login_fixtures import (
    make_tenant,
    portal_sign_in,
    signed_in_user_id,
)
from meldpunt.accounts.view_as import VIEW_AS_SESSION_KEY
from meldpunt.common.models import AuditEvent
from meldpunt.notifications.models import OutboxMessage
from meldpunt.organization.models import PasswordPolicy
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RESET = "/portal/password/reset"
CHANGE = "/portal/account/password"
NEW = "a fresh sentence to remember"


@pytest.fixture
def tenant(organization):  # type: ignore[no-untyped-def]
    return make_tenant()


def use_policy(organization, policy: str) -> None:  # type: ignore[no-untyped-def]
    organization.password_policy = policy
    organization.save()


def refused(password: str, user: User | None = None) -> list[str]:
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        return list(error.messages)
    return []


# ---------------------------------------------------------------- the rules (ACC-11, C-1)


def test_modern_needs_twelve_characters_and_no_composition(organization):
    assert refused("short phrase") == []  # 12 characters, lower case and a space only
    assert refused("abcdefghijk") == ["Use at least 12 characters."]
    assert refused("x" * 64) == []
    assert refused("y" * 128) == []
    assert refused("z" * 129) == ["Use at most 128 characters."]


def test_modern_refuses_common_passwords(organization):
    assert any("too common" in message for message in refused("qwerty123456"))


def test_modern_refuses_a_password_of_digits_only(organization):
    assert any("entirely numeric" in message for message in refused("12345678901234"))
    assert refused("1234 5678 9012 x") == []


def test_modern_refuses_a_password_like_the_username_or_email(organization):
    user = User(username="henk.de.vries", email="henk.devries@example.net")
    assert any("too similar" in message for message in refused("henk.de.vries", user))
    assert any("too similar" in message for message in refused("henk.devries@example", user))


def test_classic_needs_eight_with_upper_lower_digit_and_special(organization):
    use_policy(organization, PasswordPolicy.CLASSIC)
    assert refused("Aa1!aaaa") == []
    assert refused("Aa1!aaa") == ["Use at least 8 characters."]
    messages = refused("abcdefgh")
    assert messages == [
        "The password needs an upper-case letter, a digit, a special character such as "
        "! ? # or a space."
    ]
    assert refused("ABCDEFG1!") == ["The password needs a lower-case letter."]


def test_both_policies_refuse_the_username(organization):
    user = User(username="Kw4rtier!x")
    use_policy(organization, PasswordPolicy.CLASSIC)
    assert refused("kw4rtier!X", user) == ["The password may not be the same as the username."]
    use_policy(organization, PasswordPolicy.MODERN)
    assert refused("kw4rtier!X12", User(username="kw4rtier!X12"))


def test_the_help_text_follows_the_policy(organization):
    validator = OrganizationPasswordValidator()
    assert "At least 12 characters" in validator.get_help_text()
    use_policy(organization, PasswordPolicy.CLASSIC)
    assert "At least 8 characters" in validator.get_help_text()


# ---------------------------------------------------------------- forgotten password (ACC-7)


def reset_link(message: OutboxMessage) -> str:
    link = message.context["link"]
    return re.sub(r"^https?://[^/]+", "", link)


def test_the_reset_page_asks_for_username_or_email(client_at, organization):
    response = client_at().get(RESET)
    assert response.status_code == 200
    assert "Username or email address" in response.content.decode()


@pytest.mark.parametrize("typed", ["fam.jansen", "FAM.JANSEN", "email"])
def test_a_reset_link_goes_to_the_accounts_address(client_at, tenant, typed):
    login = tenant.email if typed == "email" else typed
    response = client_at().post(RESET, {"login": login})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:password_reset_sent")
    message = OutboxMessage.objects.get(template="tenant.password_reset")
    assert message.recipient == tenant.email
    assert message.context["username"] == tenant.username
    assert reset_link(message).startswith("/portal/password/reset/")
    assert AuditEvent.objects.filter(verb=login_events.PASSWORD_RESET_REQUESTED).exists()


def test_an_unknown_login_gets_the_same_answer_and_no_mail(client_at, tenant):
    known = client_at().post(RESET, {"login": tenant.username})
    unknown = client_at().post(RESET, {"login": "niemand@example.net"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert OutboxMessage.objects.filter(template="tenant.password_reset").count() == 1
    sent = client_at().get(unknown["Location"]).content.decode()
    assert "If this username or email address belongs to an account" in sent


def test_staff_get_no_tenant_reset_mail(client_at, organization):
    staff = UserFactory(role=StaffRole.AGENT)
    response = client_at().post(RESET, {"login": staff.username})
    assert response.status_code == 302
    assert not OutboxMessage.objects.filter(template="tenant.password_reset").exists()


def test_an_empty_reset_request_says_what_to_fill_in(client_at, organization):
    response = client_at().post(RESET, {"login": ""})
    assert response.status_code == 422
    assert "Fill in your username or email address." in response.content.decode()


def test_reset_requests_are_rate_limited_alike_for_known_and_unknown(client_at, tenant):
    for login in (tenant.username, "nobody"):
        client = client_at()
        codes = [client.post(RESET, {"login": login}).status_code for _ in range(6)]
        assert codes[:5] == [302] * 5
        assert codes[5] == 429
    # And the account got no more than a few mails.
    assert OutboxMessage.objects.filter(template="tenant.password_reset").count() <= 3


def test_the_reset_link_sets_a_new_password_once_and_ends_every_session(client_at, tenant):
    elsewhere = client_at()
    portal_sign_in(elsewhere, tenant.username)
    assert signed_in_user_id(elsewhere) == str(tenant.pk)
    client_at().post(RESET, {"login": tenant.username})
    link = reset_link(OutboxMessage.objects.get(template="tenant.password_reset"))

    client = client_at()
    page = client.get(link)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    assert 'name="new_password1"' in page.content.decode()
    response = client.post(link, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:password_reset_done")
    tenant.refresh_from_db()
    assert tenant.check_password(NEW)
    assert AuditEvent.objects.filter(verb=login_events.PASSWORD_RESET_DONE).exists()
    assert OutboxMessage.objects.filter(template="tenant.password_changed").exists()
    # The other session is over, and the link is spent.
    assert elsewhere.get(reverse("portal:account")).status_code == 302
    again = client.get(link)
    assert again.status_code == 404
    assert "This link no longer works" in again.content.decode()
    assert (
        client.post(link, {"new_password1": NEW + "!", "new_password2": NEW + "!"}).status_code
        == 404
    )


def test_the_reset_page_checks_the_rules_and_keeps_the_old_password(client_at, tenant):
    client_at().post(RESET, {"login": tenant.username})
    link = reset_link(OutboxMessage.objects.get(template="tenant.password_reset"))
    client = client_at()
    response = client.post(link, {"new_password1": "kort", "new_password2": "kort"})
    assert response.status_code == 422
    assert "Use at least 12 characters." in response.content.decode()
    response = client.post(link, {"new_password1": NEW, "new_password2": NEW + "x"})
    assert response.status_code == 422
    assert "The two passwords are not the same." in response.content.decode()
    tenant.refresh_from_db()
    assert tenant.check_password(TEST_PASSWORD)


def test_a_tampered_or_expired_reset_link_does_not_work(client_at, tenant, time_machine):
    client_at().post(RESET, {"login": tenant.username})
    link = reset_link(OutboxMessage.objects.get(template="tenant.password_reset"))
    client = client_at()
    assert client.get(link[:-2] + "zz").status_code == 404
    assert client.get("/portal/password/reset/zzzzzzzzzzzzzzzzzzzzzzzz/abc-def").status_code == 404
    time_machine.move_to(timezone.now() + timedelta(days=4))
    assert client.get(link).status_code == 404


def test_a_tenant_reset_asked_on_the_staff_page_goes_through_the_outbox(client_at, tenant):
    response = client_at().post(reverse("account_reset_password"), {"email": tenant.email})
    assert response.status_code == 302
    message = OutboxMessage.objects.get(template="tenant.password_reset")
    assert reset_link(message).startswith("/portal/password/reset/")
    assert client_at().get(reset_link(message)).status_code == 200


# ---------------------------------------------------------------- password change (POR-6, A-6)


@pytest.fixture
def signed_in(client_at, tenant) -> Client:  # type: ignore[no-untyped-def]
    client = client_at()
    portal_sign_in(client, tenant.username)
    return client


def test_the_change_form_asks_for_the_current_password(signed_in):
    content = signed_in.get(CHANGE).content.decode()
    assert 'name="current_password"' in content
    assert 'autocomplete="new-password"' in content


def test_a_wrong_current_password_changes_nothing(signed_in, tenant):
    response = signed_in.post(
        CHANGE, {"current_password": "raden maar", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 422
    assert "This is not your current password." in response.content.decode()
    tenant.refresh_from_db()
    assert tenant.check_password(TEST_PASSWORD)


def test_the_new_password_may_not_be_the_old_one(signed_in):
    response = signed_in.post(
        CHANGE,
        {
            "current_password": TEST_PASSWORD,
            "new_password1": TEST_PASSWORD,
            "new_password2": TEST_PASSWORD,
        },
    )
    assert response.status_code == 422
    assert "differs from your current one" in response.content.decode()


def test_the_new_password_follows_the_policy(signed_in, organization):
    use_policy(organization, PasswordPolicy.CLASSIC)
    response = signed_in.post(
        CHANGE, {"current_password": TEST_PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 422
    assert "The password needs an upper-case letter" in response.content.decode()


def test_changing_the_password_keeps_this_session_and_mails_a_confirmation(
    signed_in, tenant, client_at
):
    other = client_at()
    portal_sign_in(other, tenant.username)
    response = signed_in.post(
        CHANGE, {"current_password": TEST_PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:account")
    tenant.refresh_from_db()
    assert tenant.check_password(NEW)
    assert signed_in.get(reverse("portal:account")).status_code == 200
    assert other.get(reverse("portal:account")).status_code == 302
    message = OutboxMessage.objects.get(template="tenant.password_changed")
    assert message.recipient == tenant.email
    assert AuditEvent.objects.filter(verb=login_events.PASSWORD_CHANGED).count() == 1


def test_password_change_is_404_when_the_feature_is_off(signed_in, organization):
    from meldpunt.organization.models import FeatureToggle

    FeatureToggle.objects.update_or_create(
        organization=organization, key="password_change", defaults={"enabled": False}
    )
    assert signed_in.get(CHANGE).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client_at, organization):
    response = client_at().get(CHANGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_an_agent_viewing_as_the_tenant_cannot_change_the_password(client_at, tenant):
    from meldpunt.accounts.models import ViewAsSession

    agent = UserFactory(role=StaffRole.AGENT)
    view_as = ViewAsSession.objects.create(
        agent=agent, household=tenant.household, expires_at=timezone.now() + timedelta(hours=1)
    )
    client = client_at()
    client.force_login(agent)
    session = client.session
    session[VIEW_AS_SESSION_KEY] = view_as.pk
    session.save()
    assert client.get(reverse("portal:account")).status_code == 200
    assert client.get(CHANGE).status_code == 404
