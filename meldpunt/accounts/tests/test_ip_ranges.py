"""Staff sign in only from their role's address ranges (SPEC ADM-IP, C-4)."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import RequestFactory
from django.urls import reverse

from meldpunt.accounts.events import STAFF_LOGIN_REFUSED, STAFF_SESSION_ENDED
from meldpunt.accounts.ip_ranges import (
    address_in_ranges,
    is_server_address,
    normalize_cidr,
    staff_address_allowed,
    staff_request_allowed,
)
from meldpunt.accounts.models import StaffIpRange, StaffRole
from meldpunt.accounts.services import staff_ip_range_add
from meldpunt.accounts.tests.conftest import LOGIN_URL, OUTSIDE, is_signed_in, sign_in
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.common.network import client_address, parse_address
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OFFICE = "192.0.2.0/24"
IN_OFFICE = "192.0.2.17"
REFUSED_TEXT = "Staff with your role may only sign in from the organization"


@pytest.fixture
def agent(organization):  # type: ignore[no-untyped-def]
    return UserFactory(username="kees.kcc", role=StaffRole.AGENT)


@pytest.fixture
def office_only_for_agents(db):  # type: ignore[no-untyped-def]
    return StaffIpRange.objects.create(role=StaffRole.AGENT, cidr=OFFICE, note="Kantoor")


def networks(*cidrs: str):  # type: ignore[no-untyped-def]
    return tuple(ipaddress.ip_network(cidr) for cidr in cidrs)


# ---------------------------------------------------------------- the rules


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("192.0.2.0/24", "192.0.2.0/24"),
        (" 192.0.2.77/24 ", "192.0.2.0/24"),
        ("192.0.2.7", "192.0.2.7/32"),
        ("2001:DB8::/32", "2001:db8::/32"),
        ("2001:db8::1", "2001:db8::1/128"),
    ],
)
def test_ranges_are_stored_in_one_notation(typed, stored):
    assert normalize_cidr(typed) == stored


@pytest.mark.parametrize("typed", ["", "kantoor", "192.0.2.0/33", "300.1.2.3", "2001:db8::/129"])
def test_what_is_no_range_is_refused(typed):
    with pytest.raises(ValueError):
        normalize_cidr(typed)


def test_without_ranges_every_address_is_let_in():
    assert address_in_ranges(ipaddress.ip_address("198.51.100.1"), ())
    assert address_in_ranges(None, ())


def test_with_ranges_only_addresses_inside_are_let_in():
    office = networks(OFFICE, "2001:db8::/32")
    assert address_in_ranges(ipaddress.ip_address(IN_OFFICE), office)
    assert address_in_ranges(ipaddress.ip_address("2001:db8:5::9"), office)
    assert not address_in_ranges(ipaddress.ip_address("192.0.3.1"), office)
    assert not address_in_ranges(ipaddress.ip_address("2001:db9::1"), office)
    assert not address_in_ranges(None, office)


def test_an_ipv4_address_written_as_ipv6_counts_as_ipv4():
    address = parse_address("::ffff:192.0.2.17")
    assert address == ipaddress.ip_address(IN_OFFICE)
    assert address_in_ranges(address, networks(OFFICE))


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1"])
def test_the_server_itself_is_always_let_in(address):
    parsed = parse_address(address)
    assert parsed is not None and is_server_address(parsed)
    assert address_in_ranges(parsed, networks(OFFICE))


def test_the_servers_configured_addresses_are_the_server_too(settings):
    settings.MELDPUNT_SERVER_ADDRESSES = ["198.51.100.10", "2001:db8:ffff::10"]
    assert address_in_ranges(ipaddress.ip_address("198.51.100.10"), networks(OFFICE))
    assert address_in_ranges(ipaddress.ip_address("2001:db8:ffff::10"), networks(OFFICE))
    assert not address_in_ranges(ipaddress.ip_address("198.51.100.11"), networks(OFFICE))


def test_forwarded_addresses_count_only_from_the_trusted_proxy(settings):
    factory = RequestFactory()
    settings.MELDPUNT_TRUSTED_PROXY = "10.0.0.2"
    via_proxy = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.5")
    assert client_address(via_proxy) == ipaddress.ip_address("192.0.2.5")
    direct = factory.get("/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="192.0.2.5")
    assert client_address(direct) == ipaddress.ip_address("198.51.100.9")
    settings.MELDPUNT_TRUSTED_PROXY = ""
    assert client_address(via_proxy) == ipaddress.ip_address("10.0.0.2")


def test_a_client_behind_a_proxy_on_the_server_is_not_the_server(settings, office_only_for_agents):
    settings.MELDPUNT_TRUSTED_PROXY = "127.0.0.1"
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=OUTSIDE)
    assert not staff_request_allowed(request, role=StaffRole.AGENT)


def test_each_role_has_its_own_ranges(office_only_for_agents):
    outside = ipaddress.ip_address(OUTSIDE)
    assert not staff_address_allowed(role=StaffRole.AGENT, address=outside)
    assert staff_address_allowed(role=StaffRole.ADMIN, address=outside)
    assert staff_address_allowed(role=StaffRole.USER, address=outside)


def test_a_new_range_counts_at_once(django_capture_on_commit_callbacks, organization):
    admin = UserFactory(role=StaffRole.ADMIN)
    outside = ipaddress.ip_address(OUTSIDE)
    assert staff_address_allowed(role=StaffRole.AGENT, address=outside)  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        staff_ip_range_add(
            actor=Actor.staff(admin), role=StaffRole.AGENT, cidr=OFFICE, actor_address=None
        )
    assert not staff_address_allowed(role=StaffRole.AGENT, address=outside)


# ---------------------------------------------------------------- signing in


def test_without_ranges_staff_sign_in_from_anywhere(client_at, agent):
    client = client_at(OUTSIDE)
    assert sign_in(client, agent.username).status_code == 302
    assert is_signed_in(client)


def test_from_inside_the_range_staff_sign_in(client_at, agent, office_only_for_agents):
    client = client_at(IN_OFFICE)
    assert sign_in(client, agent.username).status_code == 302
    assert is_signed_in(client)


def test_from_outside_the_range_the_sign_in_fails_with_a_clear_message(
    client_at, agent, office_only_for_agents
):
    client = client_at(OUTSIDE)
    response = sign_in(client, agent.username)
    content = response.content.decode()
    assert response.status_code == 403
    assert REFUSED_TEXT in content
    assert OUTSIDE in content
    assert 'role="alert"' in content
    assert not is_signed_in(client)
    event = AuditEvent.objects.get(verb=STAFF_LOGIN_REFUSED)
    assert event.object_id == str(agent.pk)
    assert event.changes["address"]["new"] == OUTSIDE


def test_a_wrong_password_from_outside_says_only_that_it_is_wrong(
    client_at, agent, office_only_for_agents
):
    response = sign_in(client_at(OUTSIDE), agent.username, "not the password")
    content = response.content.decode()
    assert "not correct" in content
    assert REFUSED_TEXT not in content
    assert not AuditEvent.objects.filter(verb=STAFF_LOGIN_REFUSED).exists()


def test_staff_of_a_role_without_ranges_are_not_affected(client_at, office_only_for_agents):
    user = UserFactory(role=StaffRole.USER)
    client = client_at(OUTSIDE)
    assert sign_in(client, user.username).status_code == 302


def test_the_server_itself_may_sign_in(client_at, agent, office_only_for_agents):
    for address in ["127.0.0.1", "::1"]:
        client = client_at(address)
        assert sign_in(client, agent.username).status_code == 302, address


def test_a_forged_forwarded_header_does_not_help(client_at, agent, office_only_for_agents):
    client = client_at(OUTSIDE, forwarded_for=IN_OFFICE)
    assert sign_in(client, agent.username).status_code == 403


def test_through_the_trusted_proxy_the_real_address_decides(
    client_at, agent, office_only_for_agents, settings
):
    settings.MELDPUNT_TRUSTED_PROXY = "10.0.0.2"
    inside = client_at("10.0.0.2", forwarded_for=IN_OFFICE)
    assert sign_in(inside, agent.username).status_code == 302
    outside = client_at("10.0.0.2", forwarded_for=f"{IN_OFFICE}, {OUTSIDE}")
    assert sign_in(outside, agent.username).status_code == 403


def test_an_admin_outside_the_range_is_refused_before_the_code_is_asked(
    client_at, organization, settings
):
    settings.MELDPUNT_ADMIN_MFA_REQUIRED = True
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    admin = UserFactory(role=StaffRole.ADMIN)
    TOTP.activate(admin, generate_totp_secret())
    StaffIpRange.objects.create(role=StaffRole.ADMIN, cidr=OFFICE)
    response = sign_in(client_at(OUTSIDE), admin.username)
    assert response.status_code == 403
    assert REFUSED_TEXT in response.content.decode()


# ---------------------------------------------------------------- signed-in sessions


def test_a_session_that_moves_outside_the_range_is_signed_out(
    client_at, agent, office_only_for_agents
):
    client = client_at(IN_OFFICE)
    sign_in(client, agent.username)
    assert is_signed_in(client)
    response = client.get(reverse("backoffice:home"), REMOTE_ADDR=OUTSIDE)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert not is_signed_in(client)
    login_page = client.get(LOGIN_URL).content.decode()
    assert "You were signed out" in login_page
    event = AuditEvent.objects.get(verb=STAFF_SESSION_ENDED)
    assert event.object_id == str(agent.pk)


def test_a_session_of_a_role_that_gets_ranges_later_is_signed_out(client_at, agent):
    client = client_at(OUTSIDE)
    sign_in(client, agent.username)
    assert is_signed_in(client)
    StaffIpRange.objects.create(role=StaffRole.AGENT, cidr=OFFICE)
    from meldpunt.accounts.ip_ranges import forget_cached_ranges

    forget_cached_ranges()
    assert not is_signed_in(client)


def test_htmx_requests_are_sent_to_the_login_page_as_a_whole(
    client_at, agent, office_only_for_agents
):
    client = client_at(IN_OFFICE)
    sign_in(client, agent.username)
    response = client.get(reverse("backoffice:home"), REMOTE_ADDR=OUTSIDE, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("account_login")


@pytest.mark.parametrize("count", [1, 25])
def test_the_check_costs_no_query_once_the_ranges_are_cached(
    client_at, agent, count, django_assert_num_queries
):
    for number in range(count):
        StaffIpRange.objects.create(role=StaffRole.AGENT, cidr=f"192.0.{number}.0/24")
    client = client_at("192.0.0.9")
    sign_in(client, agent.username)
    client.get(reverse("backoffice:contact_list"))  # warm up
    with django_assert_num_queries(5):  # session, user, organization, badge, contacts
        assert client.get(reverse("backoffice:contact_list")).status_code == 200


def test_requests_without_a_session_run_no_query_here(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):  # the health check's own SELECT 1
        assert client.get(reverse("healthz")).status_code == 200
