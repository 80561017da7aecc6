"""Steps 2 and 3 of making an account: details, email, confirmation (SPEC ACC-2, ADM-REQ)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from meldpunt.accounts import activation_events as events
from meldpunt.accounts.activation import (
    account_confirmation_send,
    activation_code_generate,
)
from meldpunt.accounts.models import AccountRequest, ActivationCode, User
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.notifications.models import OutboxMessage
from meldpunt.people.models import AccountStatus, Household
from meldpunt.portal.activation_views import SESSION_KEY
from tests.factories import HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db

DETAILS = "/portal/activate/details"
PASSWORD = "lange wandeling 2026"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clean_cache_english() -> Iterator[None]:
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def household(organization) -> Household:
    return HouseholdFactory(tenant_number="H500123", email="jansen@example.net")


@pytest.fixture
def code(household) -> ActivationCode:
    return activation_code_generate(actor=Actor.system("test"), household=household)


@pytest.fixture
def client(household, code) -> Client:
    """A browser that has passed step 1."""
    client = Client(REMOTE_ADDR="198.51.100.7", HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/portal/activate", {"tenant_number": "H500123", "code": code.code})
    assert response.status_code == 302
    return client


def details(**overrides: str) -> dict[str, str]:
    return {
        "username": "fam.jansen",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "email1": "jansen@example.net",
        "email2": "jansen@example.net",
        **overrides,
    }


def confirmation_link(user: User) -> str:
    message = OutboxMessage.objects.filter(template="tenant.account_confirm").latest("id")
    assert message.recipient == user.email
    link: str = message.context["link"]
    return link[link.index("/portal/") :]


def test_details_without_step_one_say_start_again(organization) -> None:
    response = Client().get(DETAILS)
    assert 'data-testid="activation-start-again"' in response.content.decode()
    response = Client().post(DETAILS, details())
    assert response.status_code == 409
    assert not User.objects.filter(username="fam.jansen").exists()


def test_the_request_is_bound_to_the_browser_session(client, household) -> None:
    other = Client()
    session = other.session
    session[SESSION_KEY] = "made-up-or-stolen"
    session.save()
    other.cookies["sessionid"] = session.session_key
    assert other.post(DETAILS, details()).status_code == 409
    # Another browser never sees step 2 for this household.
    assert 'data-testid="activation-start-again"' in Client().get(DETAILS).content.decode()
    assert not User.objects.exists()


def test_details_form_prefills_the_households_email(client) -> None:
    html = client.get(DETAILS).content.decode()
    assert 'value="jansen@example.net"' in html
    assert "H500123" in html
    for name in ("username", "password1", "password2", "email1", "email2"):
        assert f'name="{name}"' in html


def test_a_taken_username_is_refused_case_insensitively(client) -> None:
    UserFactory(username="Fam.Jansen")
    response = client.post(DETAILS, details(email1="nieuw@example.net", email2="nieuw@example.net"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "This username is already taken. Choose another one." in html
    assert 'value="nieuw@example.net"' in html
    assert 'value="fam.jansen"' in html


# The organization's policy is installed as password validators; whichever it
# is, these passwords break it. The wording is the validators' own.
@pytest.mark.parametrize("password", ["kort", "password1234", "12345678901234"])
def test_password_rules_of_the_organization_apply(client, password: str) -> None:
    response = client.post(DETAILS, details(password1=password, password2=password))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_password1_error"' in html
    assert 'value="fam.jansen"' in html
    assert not User.objects.filter(username="fam.jansen").exists()


def test_password_may_not_be_the_username(client) -> None:
    password = "Fam.Jansen-Lindelaan-2026"
    response = client.post(
        DETAILS, details(username=password, password1=password, password2=password)
    )
    assert response.status_code == 422
    assert "The password is too similar to the username." in response.content.decode()


def test_password_twice_must_match(client) -> None:
    response = client.post(DETAILS, details(password2=PASSWORD + "x"))
    assert "The two passwords are not the same." in response.content.decode()


def test_email_twice_must_match(client) -> None:
    response = client.post(DETAILS, details(email2="jansen@example.org"))
    assert response.status_code == 422
    assert "The two email addresses are not the same." in response.content.decode()


def test_email_twice_ignores_case(client) -> None:
    response = client.post(DETAILS, details(email2="Jansen@Example.net"))
    assert response.status_code == 302


def test_making_the_account(client, household, code) -> None:
    response = client.post(DETAILS, details())
    assert response.status_code == 302
    assert response["Location"] == "/portal/activate/sent"
    user = User.objects.get(username="fam.jansen")
    assert user.role == ""
    assert user.household == household
    assert user.email == "jansen@example.net"
    assert user.check_password(PASSWORD)
    address = EmailAddress.objects.get(user=user)
    assert address.primary and not address.verified
    code.refresh_from_db()
    assert code.used_at is not None
    household.refresh_from_db()
    assert household.account_status == AccountStatus.CREATED
    request = AccountRequest.objects.get()
    assert request.user == user
    assert request.details_at is not None
    assert request.email_sent_at is not None
    assert request.username == "fam.jansen"
    message = OutboxMessage.objects.get(template="tenant.account_confirm")
    assert message.recipient == "jansen@example.net"
    assert message.context["username"] == "fam.jansen"
    assert "/portal/confirm/" in message.context["link"]
    assert message.dedupe_key == f"account:{user.pk}:confirm:1"
    assert AuditEvent.objects.filter(verb=events.TENANT_ACCOUNT_CREATED).count() == 1
    assert AuditEvent.objects.filter(verb=events.ACTIVATION_CODE_USED).count() == 1
    sent = client.get(response["Location"])
    assert "jansen@example.net" in sent.content.decode()
    assert SESSION_KEY not in client.session


def test_the_account_is_made_once(client) -> None:
    assert client.post(DETAILS, details()).status_code == 302
    again = client.post(DETAILS, details(username="fam.jansen2"))
    assert again.status_code == 409
    assert User.objects.filter(role="").count() == 1


def test_a_code_replaced_after_step_one_stops_step_two(client, household) -> None:
    activation_code_generate(actor=Actor.system(), household=household)
    response = client.post(DETAILS, details())
    assert response.status_code == 409
    assert 'data-testid="activation-start-again"' in response.content.decode()
    assert not User.objects.filter(role="").exists()


def test_account_request_records_each_step_with_its_time(household) -> None:
    browser = Client(REMOTE_ADDR="198.51.100.7", HTTP_ACCEPT_LANGUAGE="en")
    with time_machine.travel(START, tick=False):
        code = activation_code_generate(actor=Actor.system(), household=household)
        browser.post("/portal/activate", {"tenant_number": "H500123", "code": "WRONG"})
        request = AccountRequest.objects.get()
        assert request.failure
    with time_machine.travel(START + timedelta(minutes=1), tick=False):
        browser.post("/portal/activate", {"tenant_number": "H500123", "code": code.code})
    with time_machine.travel(START + timedelta(minutes=3), tick=False):
        browser.post(DETAILS, details())
    user = User.objects.get(username="fam.jansen")
    with time_machine.travel(START + timedelta(hours=2), tick=False):
        browser.post(confirmation_link(user))
    request = AccountRequest.objects.get()
    assert request.tenant_number_at == START + timedelta(minutes=1)
    assert request.identified_at == START + timedelta(minutes=1)
    assert request.details_at == START + timedelta(minutes=3)
    assert request.email_sent_at == START + timedelta(minutes=3)
    assert request.confirmed_at == START + timedelta(hours=2)
    assert request.failure == ""


# ---------------------------------------------------------------- confirmation


@pytest.fixture
def user(client) -> User:
    assert client.post(DETAILS, details()).status_code == 302
    return User.objects.get(username="fam.jansen")


def test_opening_the_link_changes_nothing(user) -> None:
    response = Client().get(confirmation_link(user))
    assert response.status_code == 200
    html = response.content.decode()
    assert "fam.jansen" in html
    assert 'method="post"' in html
    assert response["Referrer-Policy"] == "same-origin"
    assert not EmailAddress.objects.get(user=user).verified


def test_posting_the_link_confirms_the_account(user, household) -> None:
    response = Client().post(confirmation_link(user))
    assert response.status_code == 200
    assert 'data-testid="account-works"' in response.content.decode()
    assert EmailAddress.objects.get(user=user).verified
    household.refresh_from_db()
    assert household.account_status == AccountStatus.CONFIRMED
    assert AccountRequest.objects.get().confirmed_at is not None
    assert AuditEvent.objects.filter(verb=events.TENANT_ACCOUNT_CONFIRMED).count() == 1


def test_a_used_link_says_already_confirmed(user) -> None:
    link = confirmation_link(user)
    Client().post(link)
    for response in (Client().get(link), Client().post(link)):
        assert 'data-testid="confirmed-before"' in response.content.decode()
    assert AuditEvent.objects.filter(verb=events.TENANT_ACCOUNT_CONFIRMED).count() == 1


@pytest.mark.parametrize("key", ["nonsense", "MQ:1abc:xyz", "x" * 300])
def test_an_invalid_key_is_explained(organization, key: str) -> None:
    for response in (
        Client().get(f"/portal/confirm/{key}"),
        Client().post(f"/portal/confirm/{key}"),
    ):
        assert response.status_code == 404
        assert 'data-testid="confirm-invalid"' in response.content.decode()


def test_an_expired_key_is_explained(user) -> None:
    link = confirmation_link(user)
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(days=30)):
        response = Client().post(link)
    assert response.status_code == 404
    assert 'data-testid="confirm-invalid"' in response.content.decode()
    assert not EmailAddress.objects.get(user=user).verified


def test_a_staff_users_key_is_not_confirmed_here(organization) -> None:
    staff = UserFactory(role="agent")
    address = EmailAddress.objects.create(user=staff, email=staff.email, verified=False)
    key = EmailConfirmationHMAC(address).key
    response = Client().post(f"/portal/confirm/{key}")
    assert response.status_code == 404
    assert not EmailAddress.objects.get(pk=address.pk).verified


def test_resending_within_a_minute_queues_nothing_new(user) -> None:
    actor = Actor.staff(UserFactory(role="agent"))
    first = OutboxMessage.objects.get(template="tenant.account_confirm")
    assert account_confirmation_send(actor=actor, user=user) == first
    later = first.created_at + timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        second = account_confirmation_send(actor=actor, user=user)
    assert second is not None and second != first
    assert second.dedupe_key == f"account:{user.pk}:confirm:2"
    assert AccountRequest.objects.get().email_sent_at == later


def test_resending_after_confirmation_does_nothing(user) -> None:
    Client().post(confirmation_link(user))
    actor = Actor.staff(UserFactory(role="agent"))
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(minutes=5)):
        assert account_confirmation_send(actor=actor, user=user) is None


def test_a_resent_link_works_too(user) -> None:
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(minutes=5)):
        account_confirmation_send(actor=Actor.system(), user=user)
        response = Client().post(confirmation_link(user))
    assert 'data-testid="account-works"' in response.content.decode()


def test_confirmation_is_not_sent_for_staff(organization) -> None:
    staff = UserFactory(role="agent")
    EmailAddress.objects.create(user=staff, email=staff.email, verified=False)
    assert account_confirmation_send(actor=Actor.system(), user=staff) is None
