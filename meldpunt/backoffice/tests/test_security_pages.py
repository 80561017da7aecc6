"""The security page: staff address ranges (ADM-IP) and locked accounts (ACC-8)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from meldpunt.accounts.events import (
    ACCOUNT_UNLOCKED,
    STAFF_IP_RANGE_ADDED,
    STAFF_IP_RANGE_REMOVED,
)
from meldpunt.accounts.models import StaffIpRange, StaffRole, User
from meldpunt.common.models import AuditEvent
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("backoffice:security")
ADD = reverse("backoffice:security_range_add")
ADMIN_AT = "192.0.2.10"  # the administrator's own address in these tests


@pytest.fixture(autouse=True)
def _english_and_a_clean_cache() -> Iterator[None]:
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


def _client(user: User | None = None, address: str = ADMIN_AT) -> Client:
    client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def admin(organization) -> User:  # type: ignore[no-untyped-def]
    return UserFactory(username="ada.admin", role=StaffRole.ADMIN)


@pytest.fixture
def admin_client(admin) -> Client:  # type: ignore[no-untyped-def]
    return _client(admin)


def _lock(username: str, address: str = "198.51.100.40") -> None:
    client = _client(address=address)
    for _ in range(5):
        client.post(reverse("account_login"), {"login": username, "password": "wrong"})


# ---------------------------------------------------------------- the page


def test_the_page_shows_every_role_your_address_and_no_locks(admin_client):
    response = admin_client.get(PAGE)
    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Security</h1>" in content
    for role in StaffRole:
        assert str(role.label) in content
    assert "Any address" in content
    assert f'data-testid="your-address">{ADMIN_AT}<' in content
    assert "No account is locked." in content
    assert 'aria-current="page"' in content and reverse("backoffice:security") in content


def test_the_page_says_when_you_are_the_server_itself(admin):
    content = _client(admin, "127.0.0.1").get(PAGE).content.decode()
    assert "That is the server itself" in content


def test_the_page_lists_ranges_and_whether_your_address_is_let_in(admin_client):
    StaffIpRange.objects.create(role=StaffRole.AGENT, cidr="198.51.100.0/24", note="Kantoor")
    StaffIpRange.objects.create(role=StaffRole.ADMIN, cidr="192.0.2.0/24", note="Beheer")
    content = admin_client.get(PAGE).content.decode()
    assert "198.51.100.0/24" in content and "Kantoor" in content
    assert "192.0.2.0/24" in content and "Beheer" in content
    assert content.count("Not let in") == 1  # agents: your address is outside their range


@pytest.mark.parametrize("ranges", [1, 20])
def test_the_page_runs_a_fixed_number_of_queries(admin_client, ranges, django_assert_num_queries):
    for number in range(ranges):
        StaffIpRange.objects.create(role=StaffRole.AGENT, cidr=f"198.51.{number}.0/24")
    _lock("nobody.one")
    _lock("nobody.two")
    admin_client.get(PAGE)
    # session, user, organization, inbox badge, ranges, locks, their accounts
    with django_assert_num_queries(7):
        assert admin_client.get(PAGE).status_code == 200


def test_other_staff_may_not_open_it(organization):
    for role in (StaffRole.AGENT, StaffRole.USER):
        assert _client(UserFactory(role=role)).get(PAGE).status_code == 403


def test_the_security_link_is_shown_to_administrators_only(organization):
    home = reverse("backoffice:home")
    assert PAGE in _client(UserFactory(role=StaffRole.ADMIN)).get(home).content.decode()
    assert PAGE not in _client(UserFactory(role=StaffRole.AGENT)).get(home).content.decode()


# ---------------------------------------------------------------- adding ranges


def test_an_admin_adds_a_range(admin_client, admin):
    response = admin_client.post(ADD, {"role": "agent", "cidr": "198.51.100.7/24", "note": "HQ"})
    assert response.status_code == 302
    assert response["Location"] == PAGE
    ip_range = StaffIpRange.objects.get()
    assert (ip_range.role, ip_range.cidr, ip_range.note) == ("agent", "198.51.100.0/24", "HQ")
    event = AuditEvent.objects.get(verb=STAFF_IP_RANGE_ADDED)
    assert event.actor_user == admin
    assert event.changes["cidr"]["new"] == "198.51.100.0/24"
    page = admin_client.get(PAGE).content.decode()
    assert "198.51.100.0/24 is added for Contact-centre agent." in page


def test_an_ipv6_range_and_a_single_address_are_fine(admin_client):
    admin_client.post(ADD, {"role": "agent", "cidr": "2001:DB8::/32"})
    admin_client.post(ADD, {"role": "user", "cidr": "198.51.100.99"})
    assert set(StaffIpRange.objects.values_list("cidr", flat=True)) == {
        "2001:db8::/32",
        "198.51.100.99/32",
    }


@pytest.mark.parametrize("typed", ["kantoor", "192.0.2.0/33", "300.1.2.3", "2001:db8::/200"])
def test_no_range_is_refused_with_a_clear_message_and_the_input_kept(admin_client, typed):
    response = admin_client.post(ADD, {"role": "agent", "cidr": typed, "note": "Mijn notitie"})
    content = response.content.decode()
    assert response.status_code == 422
    assert "is not an address range" in content
    assert f'value="{typed}"' in content
    assert 'value="Mijn notitie"' in content
    assert 'aria-invalid="true"' in content
    assert not StaffIpRange.objects.exists()


def test_an_empty_form_marks_the_fields(admin_client):
    response = admin_client.post(ADD, {})
    assert response.status_code == 422
    assert "field__errors" in response.content.decode()


def test_a_range_twice_for_one_role_is_refused(admin_client):
    admin_client.post(ADD, {"role": "agent", "cidr": "198.51.100.0/24"})
    response = admin_client.post(ADD, {"role": "agent", "cidr": "198.51.100.1/24"})
    assert response.status_code == 422
    assert "already in the list for this role" in response.content.decode()
    assert admin_client.post(ADD, {"role": "user", "cidr": "198.51.100.0/24"}).status_code == 302


def test_an_admin_cannot_shut_themselves_out(admin_client):
    response = admin_client.post(ADD, {"role": "admin", "cidr": "198.51.100.0/24"})
    content = response.content.decode()
    assert response.status_code == 422
    assert f"Your own address ({ADMIN_AT}) is outside this range" in content
    assert 'value="198.51.100.0/24"' in content
    assert not StaffIpRange.objects.exists()
    assert admin_client.post(ADD, {"role": "admin", "cidr": "192.0.2.0/24"}).status_code == 302
    assert admin_client.post(ADD, {"role": "admin", "cidr": "198.51.100.0/24"}).status_code == 302


def test_from_the_server_itself_any_admin_range_may_be_added(admin):
    client = _client(admin, "127.0.0.1")
    assert client.post(ADD, {"role": "admin", "cidr": "198.51.100.0/24"}).status_code == 302


def test_adding_is_post_only(admin_client):
    assert admin_client.get(ADD).status_code == 405


# ---------------------------------------------------------------- removing ranges


def test_an_admin_removes_a_range(admin_client):
    ip_range = StaffIpRange.objects.create(role=StaffRole.AGENT, cidr="198.51.100.0/24")
    url = reverse("backoffice:security_range_remove", args=[ip_range.pk])
    response = admin_client.post(url)
    assert response.status_code == 302
    assert not StaffIpRange.objects.exists()
    event = AuditEvent.objects.get(verb=STAFF_IP_RANGE_REMOVED)
    assert event.changes["cidr"]["old"] == "198.51.100.0/24"
    assert "198.51.100.0/24 is removed" in admin_client.get(PAGE).content.decode()


def test_removing_the_range_that_lets_you_in_is_refused(admin_client):
    own = StaffIpRange.objects.create(role=StaffRole.ADMIN, cidr="192.0.2.0/24")
    StaffIpRange.objects.create(role=StaffRole.ADMIN, cidr="198.51.100.0/24")
    response = admin_client.post(reverse("backoffice:security_range_remove", args=[own.pk]))
    assert response.status_code == 302
    assert StaffIpRange.objects.filter(pk=own.pk).exists()
    assert "removing it would sign you out" in admin_client.get(PAGE).content.decode()


def test_removing_the_last_range_of_your_role_is_fine(admin_client):
    own = StaffIpRange.objects.create(role=StaffRole.ADMIN, cidr="192.0.2.0/24")
    admin_client.post(reverse("backoffice:security_range_remove", args=[own.pk]))
    assert not StaffIpRange.objects.exists()


def test_removing_an_unknown_range_is_404_and_get_is_405(admin_client):
    assert (
        admin_client.post(reverse("backoffice:security_range_remove", args=[9999])).status_code
        == 404
    )
    ip_range = StaffIpRange.objects.create(role=StaffRole.AGENT, cidr="198.51.100.0/24")
    url = reverse("backoffice:security_range_remove", args=[ip_range.pk])
    assert admin_client.get(url).status_code == 405


def test_a_new_range_applies_to_signed_in_staff_at_once(
    admin_client, organization, django_capture_on_commit_callbacks
):
    agent = UserFactory(role=StaffRole.AGENT)
    agent_client = _client(agent, "203.0.113.9")
    assert agent_client.get(reverse("backoffice:home")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(ADD, {"role": "agent", "cidr": "198.51.100.0/24"})
    response = agent_client.get(reverse("backoffice:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")


# ---------------------------------------------------------------- locked accounts


def test_locked_accounts_are_listed_and_an_admin_unlocks_one(admin_client, admin, organization):
    agent = UserFactory(username="kees.kcc", first_name="Kees", last_name="Kok", role="agent")
    _lock("kees.kcc")
    _lock("nobody.here", address="198.51.100.41")
    content = admin_client.get(PAGE).content.decode()
    assert "kees.kcc" in content and "Kees Kok" in content
    assert "nobody.here" in content and "no such account" in content

    refused = _client(address="203.0.113.77").post(
        reverse("account_login"), {"login": "kees.kcc", "password": TEST_PASSWORD}
    )
    assert refused.status_code == 429

    lock_id = AccessAttempt.objects.filter(username="kees.kcc").order_by("id").first().pk  # type: ignore[union-attr]
    response = admin_client.post(reverse("backoffice:security_unlock", args=[lock_id]))
    assert response.status_code == 302
    assert "kees.kcc can sign in again." in admin_client.get(PAGE).content.decode()
    event = AuditEvent.objects.get(verb=ACCOUNT_UNLOCKED)
    assert event.actor_user == admin
    assert event.object_id == str(agent.pk)

    signed_in = _client(address="203.0.113.77").post(
        reverse("account_login"), {"login": "kees.kcc", "password": TEST_PASSWORD}
    )
    assert signed_in.status_code == 302
    assert AccessAttempt.objects.filter(username="nobody.here").exists()  # still locked


def test_unlocking_what_is_not_locked_is_404(admin_client, organization):
    client = _client(address="198.51.100.42")
    for _ in range(3):
        client.post(reverse("account_login"), {"login": "someone", "password": "wrong"})
    lock_id = AccessAttempt.objects.get().pk
    assert (
        admin_client.post(reverse("backoffice:security_unlock", args=[lock_id])).status_code == 404
    )
    assert (
        admin_client.post(reverse("backoffice:security_unlock", args=[424242])).status_code == 404
    )


def test_an_expired_lock_is_not_listed(admin_client, organization):
    _lock("nobody.old")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert "nobody.old" not in admin_client.get(PAGE).content.decode()


def test_unlocking_is_post_only_and_for_admins(admin_client, organization):
    _lock("nobody.here")
    url = reverse("backoffice:security_unlock", args=[AccessAttempt.objects.get().pk])
    assert admin_client.get(url).status_code == 405
    assert _client(UserFactory(role=StaffRole.AGENT)).post(url).status_code == 403
    assert AccessAttempt.objects.exists()
