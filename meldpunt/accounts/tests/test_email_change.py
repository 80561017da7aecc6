"""A tenant changes their email address with a link to the new one (SPEC ACC-9)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import signing
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meldpunt.accounts import login_events
from meldpunt.accounts.email_change import (
    email_change_confirm,
    email_change_pending,
    email_change_request,
)
from meldpunt.accounts.tests.tenant_login_fixtures import (
    make_tenant,
    portal_sign_in,
)
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.interactions.models import Interaction
from meldpunt.notifications.models import OutboxMessage
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

CHANGE = "/portal/account/email"
NEW = "nieuw.adres@example.net"


@pytest.fixture
def tenant(organization):  # type: ignore[no-untyped-def]
    return make_tenant(email="oud.adres@example.net")


@pytest.fixture
def signed_in(client_at, tenant) -> Client:  # type: ignore[no-untyped-def]
    client = client_at()
    portal_sign_in(client, tenant.username)
    return client


def ask(client: Client, new: str = NEW, password: str = TEST_PASSWORD, again: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(CHANGE, {"new_email": new, "new_email2": again or new, "password": password})


def confirm_path() -> str:
    message = OutboxMessage.objects.filter(template="tenant.email_change_confirm").latest("id")
    return re.sub(r"^https?://[^/]+", "", message.context["link"])


def test_the_form_asks_for_the_new_address_twice_and_the_password(signed_in):
    content = signed_in.get(CHANGE).content.decode()
    for name in ("new_email", "new_email2", "password"):
        assert f'name="{name}"' in content


def test_a_request_mails_the_new_address_and_changes_nothing_yet(signed_in, tenant):
    response = ask(signed_in)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:account")
    message = OutboxMessage.objects.get(template="tenant.email_change_confirm")
    assert message.recipient == NEW
    assert message.context["new_email"] == NEW
    tenant.refresh_from_db()
    tenant.household.refresh_from_db()
    assert tenant.email == "oud.adres@example.net"
    assert tenant.household.email == "oud.adres@example.net"
    assert list(EmailAddress.objects.filter(user=tenant).values_list("email", flat=True)) == [
        "oud.adres@example.net"
    ]
    page = signed_in.get(reverse("portal:account")).content.decode()
    assert "oud.adres@example.net" in page
    assert 'data-testid="account-email-pending"' in page and NEW in page


def test_until_confirmed_the_old_address_is_the_one_to_sign_in_with(signed_in, tenant, client_at):
    ask(signed_in)
    assert portal_sign_in(client_at(), NEW).status_code == 200  # not (yet) a login
    assert portal_sign_in(client_at(), "oud.adres@example.net").status_code == 302


def test_a_wrong_password_is_refused_and_nothing_is_sent(signed_in):
    response = ask(signed_in, password="niet goed")
    assert response.status_code == 422
    content = response.content.decode()
    assert "This is not your password." in content
    assert f'value="{NEW}"' in content  # what was typed is kept
    assert not OutboxMessage.objects.filter(template="tenant.email_change_confirm").exists()


def test_the_two_addresses_must_match(signed_in):
    response = ask(signed_in, again="ander@example.net")
    assert response.status_code == 422
    assert "The two email addresses are not the same." in response.content.decode()


def test_the_current_address_is_no_change(signed_in, tenant):
    response = ask(signed_in, new=tenant.email.upper())
    assert response.status_code == 422
    assert "This is already your email address." in response.content.decode()


def test_the_link_page_shows_a_button_and_changes_nothing_on_get(client_at, signed_in, tenant):
    ask(signed_in)
    page = client_at().get(confirm_path())
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    assert 'data-testid="confirm-email-change"' in page.content.decode()
    tenant.refresh_from_db()
    assert tenant.email == "oud.adres@example.net"


def test_confirming_changes_account_sign_in_and_household(client_at, signed_in, tenant):
    ask(signed_in)
    response = client_at().post(confirm_path())  # not signed in: works all the same
    assert response.status_code == 200
    assert 'data-testid="email-change-done"' in response.content.decode()
    tenant.refresh_from_db()
    tenant.household.refresh_from_db()
    assert tenant.email == NEW
    assert tenant.household.email == NEW
    address = EmailAddress.objects.get(user=tenant)
    assert (address.email, address.primary, address.verified) == (NEW, True, True)
    assert AuditEvent.objects.filter(verb=login_events.EMAIL_CHANGED).count() == 1
    interaction = Interaction.objects.get(household=tenant.household)
    assert interaction.kind.code == "contact_changed"
    assert portal_sign_in(client_at(), NEW).status_code == 302
    assert email_change_pending(user=tenant) is None


def test_a_link_works_once(client_at, signed_in):
    ask(signed_in)
    path = confirm_path()
    assert client_at().post(path).status_code == 200
    again = client_at().post(path)
    assert again.status_code == 404
    assert 'data-testid="email-change-invalid"' in again.content.decode()


def test_an_expired_link_does_not_work(client_at, signed_in, tenant, time_machine):
    ask(signed_in)
    path = confirm_path()
    time_machine.move_to(timezone.now() + timedelta(days=3, minutes=1))
    assert client_at().get(path).status_code == 404
    assert client_at().post(path).status_code == 404
    tenant.refresh_from_db()
    assert tenant.email == "oud.adres@example.net"


def test_a_newer_request_replaces_the_older_link(client_at, signed_in, tenant):
    ask(signed_in)
    first = confirm_path()
    ask(signed_in, new="nog.nieuwer@example.net")
    assert client_at().post(first).status_code == 404
    assert client_at().post(confirm_path()).status_code == 200
    tenant.refresh_from_db()
    assert tenant.email == "nog.nieuwer@example.net"


def test_a_tampered_or_foreign_token_does_not_work(client_at, signed_in, tenant):
    ask(signed_in)
    path = confirm_path()
    assert client_at().get(path[:-3] + "abc").status_code == 404
    foreign = signing.dumps(
        {"u": tenant.pk, "o": tenant.email, "n": "kaper@example.net", "r": 1}, salt="other.salt"
    )
    assert (
        client_at().get(reverse("portal:email_change_confirm", args=[foreign])).status_code == 404
    )


def test_an_address_taken_meanwhile_is_refused_with_a_message(client_at, signed_in, tenant):
    ask(signed_in)
    make_tenant("buurman", email=NEW)
    response = client_at().post(confirm_path())
    assert response.status_code == 409
    assert 'data-testid="email-change-taken"' in response.content.decode()
    tenant.refresh_from_db()
    assert tenant.email == "oud.adres@example.net"


def test_the_service_raises_for_a_wrong_password(tenant):
    with pytest.raises(ValidationError) as error:
        email_change_request(
            actor=Actor.tenant(tenant), user=tenant, password="fout", new_email=NEW
        )
    assert "password" in error.value.error_dict


def test_the_service_confirm_returns_none_for_garbage(tenant):
    assert email_change_confirm(token="garbage") is None
    assert email_change_confirm(token="") is None
