# ruff: noqa: F811  (the fixtures are imported from test_party_link)
"""Signing in for suppliers and owners and their list of work orders (SPEC INC-12)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meldpunt.common.models import AccessLink, AuditEvent
from meldpunt.incidents.models import SubIncident
from meldpunt.incidents.party_accounts import (
    LINKS_PER_ADDRESS_PER_HOUR,
    REQUESTS_PER_CLIENT_PER_HOUR,
    SIGN_IN_PURPOSE,
)
from meldpunt.incidents.sub_incidents import SubIncidentDraft, sub_incident_create
from meldpunt.incidents.tests.conftest import incident_make, phases, place  # noqa: F401
from meldpunt.notifications.models import OutboxMessage
from meldpunt.people import events
from meldpunt.people.models import Contact
from meldpunt.portal.party_account import SESSION_KEY
from meldpunt.portal.tests.test_party_link import (  # noqa: F401
    EN,
    english,
    incident,
    make_work_order,
    media,
    owner,
    owner_request,
    responsible,
    staff,
    supplier,
    work_order,
)
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("portal:party_sign_in")
ORDERS = reverse("portal:party_orders")
SIGN_OUT = reverse("portal:party_sign_out")


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def member(supplier) -> Contact:
    supplier.portal_access = True
    supplier.save(update_fields=["portal_access"])
    return supplier


def sign_in_mails() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template="party.sign_in").order_by("id"))


def ask(client: Client, email: str):
    return client.post(SIGN_IN, {"email": email}, **EN)


def link_path(message: OutboxMessage) -> str:
    match = re.search(r"(/w/in/[^/]+/)$", message.context["link"])
    assert match, message.context["link"]
    return match.group(1)


def signed_in(client: Client, contact: Contact) -> Client:
    session = client.session
    session[SESSION_KEY] = contact.public_id
    session.save()
    return client


def _visible(response) -> str:
    """The page without the CSRF token, which differs per response."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)
    return text


# ---------------------------------------------------------------- asking for a link


def test_the_sign_in_page_asks_for_an_email_address(client):
    response = client.get(SIGN_IN, **EN)
    assert response.status_code == 200
    assert 'type="email"' in response.text
    assert 'autocomplete="email"' in response.text
    assert "no-store" in response["Cache-Control"]


def test_known_unknown_and_without_access_get_the_same_page_and_only_the_first_gets_mail(
    client, member, owner
):
    known = ask(client, "PIET@example.com")
    unknown = ask(client, "nobody@example.com")
    without_access = ask(client, owner.email)
    assert known.status_code == unknown.status_code == without_access.status_code == 200
    assert "If PIET@example.com may sign in, a link to sign in is on its way." in known.text
    assert _visible(unknown) == _visible(known).replace("PIET@example.com", "nobody@example.com")
    assert _visible(without_access) == _visible(known).replace("PIET@example.com", owner.email)
    mails = sign_in_mails()
    assert len(mails) == 1
    assert mails[0].recipient == "piet@example.com"
    assert mails[0].channel == "email"
    assert mails[0].event == events.CONTACT_SIGN_IN_LINK_SENT
    link = AccessLink.objects.get(purpose=SIGN_IN_PURPOSE)
    assert link.object_id == member.public_id
    lifetime = link.expires_at - link.created_at
    assert timedelta(minutes=29) < lifetime <= timedelta(minutes=30)


def test_a_tenant_or_other_contact_with_the_flag_still_gets_no_link(client):
    ContactFactory(kind=Contact.Kind.TENANT, email="tenant@example.com", portal_access=True)
    ask(client, "tenant@example.com")
    assert sign_in_mails() == []


def test_a_bad_address_keeps_what_was_typed_and_says_what_to_fix(client, member):
    response = ask(client, "piet@")
    assert response.status_code == 422
    assert 'value="piet@"' in response.text
    assert "Fill in a complete email address" in response.text
    assert sign_in_mails() == []


def test_links_per_address_are_limited_silently(client, member):
    for _attempt in range(LINKS_PER_ADDRESS_PER_HOUR + 2):
        response = ask(client, member.email)
        assert response.status_code == 200
    assert len(sign_in_mails()) == LINKS_PER_ADDRESS_PER_HOUR


def test_requests_per_client_are_limited_whatever_the_address(client, member):
    for number in range(REQUESTS_PER_CLIENT_PER_HOUR):
        assert ask(client, f"someone{number}@example.com").status_code == 200
    response = ask(client, member.email)
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert f'value="{member.email}"' in response.text
    assert sign_in_mails() == []
    # Another client is not held back.
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post(SIGN_IN, {"email": member.email}, **EN).status_code == 200
    assert len(sign_in_mails()) == 1


def test_the_sign_in_form_keeps_csrf_protection(csrf_client, member):
    response = csrf_client.post(SIGN_IN, {"email": member.email})
    assert response.status_code == 403
    assert sign_in_mails() == []


# ---------------------------------------------------------------- using the link


def test_opening_the_link_changes_nothing_and_the_post_signs_in(client, member):
    ask(client, member.email)
    path = link_path(sign_in_mails()[0])
    page = client.get(path, **EN)
    assert page.status_code == 200
    assert 'data-testid="sign-in-button"' in page.text
    assert page["Referrer-Policy"] == "same-origin"
    assert SESSION_KEY not in client.session
    assert AccessLink.objects.get(purpose=SIGN_IN_PURPOSE).revoked_at is None
    # Opening it again still works: nothing was used up.
    assert client.get(path, **EN).status_code == 200

    old_session = client.session.session_key
    response = client.post(path, **EN)
    assert response.status_code == 302
    assert response["Location"] == ORDERS
    assert client.session[SESSION_KEY] == member.public_id
    assert client.session.session_key != old_session
    assert AccessLink.objects.get(purpose=SIGN_IN_PURPOSE).revoked_at is not None
    assert AuditEvent.objects.filter(
        verb=events.CONTACT_SIGNED_IN, object_id=member.public_id
    ).exists()


def test_a_used_link_is_a_polite_404(client, member):
    ask(client, member.email)
    path = link_path(sign_in_mails()[0])
    client.post(path)
    other = Client()
    for response in (other.get(path, **EN), other.post(path, **EN)):
        assert response.status_code == 404
        assert "This sign-in link no longer works" in response.text
    assert SESSION_KEY not in other.session


def test_an_expired_or_unknown_link_is_a_polite_404(client, member):
    ask(client, member.email)
    path = link_path(sign_in_mails()[0])
    AccessLink.objects.filter(purpose=SIGN_IN_PURPOSE).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    for url in (path, reverse("portal:party_sign_in_link", args=["not-a-token"])):
        response = client.post(url, **EN)
        assert response.status_code == 404
        assert "Ask for a new sign-in link" in response.text
    assert SESSION_KEY not in client.session


def test_a_link_stops_working_when_access_is_switched_off_before_use(client, member):
    ask(client, member.email)
    path = link_path(sign_in_mails()[0])
    Contact.objects.filter(pk=member.pk).update(portal_access=False)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    assert SESSION_KEY not in client.session


def test_a_party_link_token_is_not_a_sign_in_link(client, work_order):
    from meldpunt.portal.tests.test_party_link import token_of

    url = reverse("portal:party_sign_in_link", args=[token_of(work_order)])
    assert client.post(url).status_code == 404


# ---------------------------------------------------------------- the list


def test_without_a_session_the_list_sends_to_the_sign_in_page(client):
    response = client.get(ORDERS)
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN


def test_a_signed_in_visitor_opening_the_sign_in_page_goes_to_the_list(client, member):
    response = signed_in(client, member).get(SIGN_IN)
    assert response.status_code == 302
    assert response["Location"] == ORDERS


def test_the_list_shows_only_their_own_sub_incidents(
    client, member, work_order, owner_request, incident, staff
):
    other_supplier = ContactFactory(kind=Contact.Kind.SUPPLIER, name="Ander Bedrijf")
    foreign = make_work_order(incident, staff, other_supplier, title="Dak repareren")
    response = signed_in(client, member).get(ORDERS, **EN)
    assert response.status_code == 200
    text = response.text
    assert f"Work order {work_order.number}" in text
    assert "Lekkende kraan vervangen" in text
    assert "Merelstraat" in text
    assert "Waiting for your answer" in text
    assert "Planned date" in text
    assert reverse("portal:party_order_open", args=[work_order.public_id]) in text
    assert foreign.number not in text and "Dak repareren" not in text
    assert owner_request.title not in text
    assert "no-store" in response["Cache-Control"]


def test_an_owner_sees_their_questions(client, owner, owner_request):
    owner.portal_access = True
    owner.save(update_fields=["portal_access"])
    text = signed_in(client, owner).get(ORDERS, **EN).text
    assert f"Request {owner_request.number}" in text
    assert "Waiting for your answer" in text


def test_open_issues_a_fresh_party_link_and_goes_there(client, member, work_order):
    signed_in(client, member)
    response = client.post(reverse("portal:party_order_open", args=[work_order.public_id]))
    assert response.status_code == 302
    assert "/w/" in response["Location"]
    page = client.get(response["Location"], **EN)
    assert page.status_code == 200
    assert "Lekkende kraan vervangen" in page.text


def test_opening_someone_elses_or_an_unknown_sub_incident_is_404(
    client, member, incident, staff, owner_request
):
    other_supplier = ContactFactory(kind=Contact.Kind.SUPPLIER)
    foreign = make_work_order(incident, staff, other_supplier)
    signed_in(client, member)
    for public_id in (foreign.public_id, owner_request.public_id, "doesNotExist1"):
        url = reverse("portal:party_order_open", args=[public_id])
        assert client.post(url).status_code == 404


def test_open_and_sign_out_are_post_only(client, member, work_order):
    signed_in(client, member)
    url = reverse("portal:party_order_open", args=[work_order.public_id])
    assert client.get(url).status_code == 405
    assert client.get(SIGN_OUT).status_code == 405


def test_open_without_a_session_goes_to_the_sign_in_page(client, work_order):
    url = reverse("portal:party_order_open", args=[work_order.public_id])
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == SIGN_IN


def test_sign_out_ends_the_session(client, member):
    signed_in(client, member)
    response = client.post(SIGN_OUT)
    assert response.status_code == 302 and response["Location"] == SIGN_IN
    assert client.get(ORDERS)["Location"] == SIGN_IN


def test_the_list_forms_keep_csrf_protection(csrf_client, member, work_order):
    signed_in(csrf_client, member)
    url = reverse("portal:party_order_open", args=[work_order.public_id])
    assert csrf_client.post(url).status_code == 403
    assert csrf_client.post(SIGN_OUT).status_code == 403


def test_switching_access_off_ends_the_session_at_the_next_request(client, member, work_order):
    signed_in(client, member)
    assert client.get(ORDERS).status_code == 200
    Contact.objects.filter(pk=member.pk).update(portal_access=False)
    response = client.get(ORDERS)
    assert response.status_code == 302 and response["Location"] == SIGN_IN
    url = reverse("portal:party_order_open", args=[work_order.public_id])
    assert client.post(url)["Location"] == SIGN_IN
    # The personal link itself keeps working.
    from meldpunt.portal.tests.test_party_link import page_url, token_of

    assert client.get(page_url(token_of(work_order))).status_code == 200


def test_a_long_closed_order_drops_off_the_list(client, member, work_order):
    SubIncident.objects.filter(pk=work_order.pk).update(
        is_open=False, closed_at=timezone.now() - timedelta(days=31)
    )
    text = signed_in(client, member).get(ORDERS, **EN).text
    assert work_order.number not in text
    SubIncident.objects.filter(pk=work_order.pk).update(closed_at=timezone.now())
    text = client.get(ORDERS, **EN).text
    assert work_order.number in text
    assert "Recently closed" in text


def test_the_list_runs_a_constant_number_of_queries(
    client, member, incident, staff, django_assert_max_num_queries
):
    make_work_order(incident, staff, member)
    signed_in(client, member)
    with CaptureQueriesContext(connection) as one:
        assert client.get(ORDERS).status_code == 200
    for number in range(4):
        make_work_order(incident, staff, member, title=f"Opdracht {number}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(ORDERS)
    assert response.text.count('data-testid="party-order"') == 5


# ---------------------------------------------------------------- the staff switch


def toggle_url(sub_incident: SubIncident) -> str:
    return reverse("backoffice:sub_incident_portal_access", args=[sub_incident.public_id])


def test_staff_switch_portal_access_on_and_off_with_an_audit_row(staff_client, work_order):
    client = staff_client()
    page = client.get(reverse("backoffice:sub_incident_detail", args=[work_order.public_id]), **EN)
    assert toggle_url(work_order) in page.text
    assert "Allow portal sign-in" in page.text

    response = client.post(toggle_url(work_order), {"portal_access": "on"}, **EN)
    assert response.status_code == 302
    work_order.contact.refresh_from_db()
    assert work_order.contact.portal_access is True
    # A second click changes nothing and writes no second row.
    client.post(toggle_url(work_order), {"portal_access": "on"})
    rows = AuditEvent.objects.filter(
        verb=events.CONTACT_PORTAL_ACCESS_CHANGED, object_id=work_order.contact.public_id
    )
    assert rows.count() == 1
    assert rows.get().changes == {"portal_access": {"old": False, "new": True}}
    page = client.get(response["Location"], **EN)
    assert "Switch portal access off" in page.text

    client.post(toggle_url(work_order), {"portal_access": "off"})
    work_order.contact.refresh_from_db()
    assert work_order.contact.portal_access is False
    assert rows.count() == 2


def test_the_staff_switch_ignores_a_bad_value(staff_client, work_order):
    response = staff_client().post(toggle_url(work_order), {"portal_access": "maybe"})
    assert response.status_code == 302
    work_order.contact.refresh_from_db()
    assert work_order.contact.portal_access is False


def test_an_internal_assignment_has_no_one_to_give_access(staff_client, incident, staff):
    internal = sub_incident_create(
        actor=staff,
        incident=incident,
        draft=SubIncidentDraft(
            kind=SubIncident.Kind.INTERNAL,
            title="Intern nakijken",
            assignee=staff.user,
            responsible=staff.user,
        ),
    )
    response = staff_client().post(toggle_url(internal), {"portal_access": "on"})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(verb=events.CONTACT_PORTAL_ACCESS_CHANGED).exists()


def test_the_staff_switch_needs_login_and_post(client, staff_client, work_order):
    response = client.post(toggle_url(work_order), {"portal_access": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert staff_client().get(toggle_url(work_order)).status_code == 405
    work_order.contact.refresh_from_db()
    assert work_order.contact.portal_access is False
