"""The supplier's and owner's personal page (SPEC INC-9, INC-10, X-2, C-6): what it
shows, what it never shows, its files, safe GETs and polite 404s for bad links.

The fixtures here build real sub-incidents through the services; the action
tests in ``test_party_link_actions.py`` reuse them.
"""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from meldpunt.accounts.models import User
from meldpunt.common.actors import Actor
from meldpunt.common.links import link_issue
from meldpunt.common.models import AccessLink, AuditEvent
from meldpunt.common.uploads import upload_clean
from meldpunt.incidents.links import INCIDENT_LINK_PURPOSE
from meldpunt.incidents.models import Incident, SubIncident, SubIncidentAttachment
from meldpunt.incidents.sub_incidents import (
    PARTY_LINK_PURPOSE,
    SubIncidentDraft,
    party_link_url,
    party_links_revoke,
    sub_incident_attachments_add,
    sub_incident_create,
    sub_incident_message_post,
)
from meldpunt.incidents.tests.conftest import incident_make, phases, place  # noqa: F401
from meldpunt.incidents.thread import attachment_add, message_post
from meldpunt.notifications.models import OutboxMessage
from meldpunt.people.models import Contact
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(colour: tuple[int, int, int] = (0, 0, 200)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (12, 12), colour).save(output, format="PNG")
    return output.getvalue()


def token_of(sub_incident: SubIncident) -> str:
    """A fresh link for the supplier or owner, as the message they get carries it."""
    return party_link_url(sub_incident).rstrip("/").rsplit("/", 1)[-1]


def page_url(token: str, lang: str = "") -> str:
    url = reverse("portal:party_link", kwargs={"token": token})
    return f"{url}?lang={lang}" if lang else url


def action_url(name: str, token: str) -> str:
    return reverse(f"portal:party_link_{name}", kwargs={"token": token})


def file_url(token: str, attachment) -> str:
    return reverse("portal:party_link_file", args=[token, attachment.public_id])


@pytest.fixture
def responsible(make_staff) -> User:
    return make_staff(first_name="Sanne", last_name="de Boer", email="sanne@example.org")


@pytest.fixture
def staff(responsible) -> Actor:
    return Actor.staff(responsible)


@pytest.fixture
def supplier(db) -> Contact:
    return ContactFactory(
        kind=Contact.Kind.SUPPLIER,
        name="Piet Loodgieter",
        company="Loodgietersbedrijf Piet B.V.",
        email="piet@example.com",
    )


@pytest.fixture
def owner(db) -> Contact:
    return ContactFactory(
        kind=Contact.Kind.OWNER, name="Olga Eigenaar", company="", email="olga@example.com"
    )


@pytest.fixture
def incident(place, phases, organization) -> Incident:  # noqa: F811
    return incident_make(
        title="Lekkage in de badkamer",
        description="HOOFDMELDING beschrijving",
        unit=place.unit,
        household=place.household,
        contact_name="Ayşe Yılmaz",
        contact_phone="+31687654321",
        contact_email="ayse@example.net",
    )


def make_work_order(incident: Incident, staff: Actor, supplier: Contact, **values) -> SubIncident:
    draft = SubIncidentDraft(
        kind=SubIncident.Kind.EXTERNAL,
        title=values.pop("title", "Lekkende kraan vervangen"),
        description=values.pop("description", "De kraan in de badkamer lekt."),
        instructions=values.pop("instructions", "Vervang de complete mengkraan."),
        access_instructions=values.pop("access_instructions", "Sleutel ligt bij de buren op 14."),
        contact=supplier,
        responsible=staff.user,
        planned_on=values.pop("planned_on", timezone.localdate() + timedelta(days=7)),
        cost_limit=values.pop("cost_limit", Decimal("250.00")),
        **values,
    )
    return sub_incident_create(actor=staff, incident=incident, draft=draft)


@pytest.fixture
def work_order(incident, staff, supplier) -> SubIncident:
    return make_work_order(incident, staff, supplier)


@pytest.fixture
def owner_request(incident, staff, owner) -> SubIncident:
    draft = SubIncidentDraft(
        kind=SubIncident.Kind.OWNER,
        title="Toestemming voor reparatie",
        description="De badkamervloer moet open.",
        contact=owner,
        responsible=staff.user,
        permission_question="Mogen wij de badkamervloer openbreken?",
    )
    return sub_incident_create(actor=staff, incident=incident, draft=draft)


@pytest.fixture
def token(work_order) -> str:
    return token_of(work_order)


@pytest.fixture
def owner_token(owner_request) -> str:
    return token_of(owner_request)


# ---------------------------------------------------------------- what the supplier sees


def test_the_work_order_page_shows_what_the_supplier_needs(client, work_order, token):
    response = client.get(page_url(token), **EN)
    assert response.status_code == 200
    text = response.text
    assert f"Work order {work_order.number}" in text
    assert "Waiting for your answer" in text
    assert "Lekkende kraan vervangen" in text
    assert "De kraan in de badkamer lekt." in text
    assert "Vervang de complete mengkraan." in text
    assert "Sleutel ligt bij de buren op 14." in text
    assert "250.00" in text
    assert "not confirmed yet" in text
    assert "Merelstraat" in text
    # The reporter's name and phone, for an appointment; nothing else of the tenant.
    assert "Ayşe Yılmaz" in text
    assert 'href="tel:+31687654321"' in text
    assert "ayse@example.net" not in text
    assert "H700123" not in text
    assert "HOOFDMELDING" not in text
    # Actions that apply to a waiting order.
    for action in ("accept", "reject", "plan", "complete", "comment"):
        assert f'action="{action_url(action, token)}"' in text
    assert 'data-testid="confirm-date"' in text
    assert action_url("approve", token) not in text


def test_the_map_link_opens_openstreetmap_in_a_new_tab_without_referrer(client, token):
    text = client.get(page_url(token), **EN).text
    assert 'href="https://www.openstreetmap.org/search?query=Merelstraat+12' in text
    assert 'target="_blank" rel="noopener noreferrer"' in text


def test_the_organization_contact_is_on_the_page(client, token):
    text = client.get(page_url(token), **EN).text
    assert "Woonstichting Test" in text
    assert 'href="tel:+31201234567"' in text
    assert "info@example.org" in text


def test_status_words_follow_the_order(client, work_order, token):
    SubIncident.objects.filter(pk=work_order.pk).update(status=SubIncident.Status.ACCEPTED)
    text = client.get(page_url(token), **EN).text
    assert "Accepted" in text
    assert 'data-testid="accept"' not in text  # no accept button after acceptance
    SubIncident.objects.filter(pk=work_order.pk).update(status=SubIncident.Status.COMPLETED)
    text = client.get(page_url(token), **EN).text
    assert "Completed" in text
    for action in ("accept", "reject", "plan", "complete"):
        assert action_url(action, token) not in text


def test_the_owner_page_shows_the_question_and_no_work_order_actions(client, owner_token):
    response = client.get(page_url(owner_token), **EN)
    assert response.status_code == 200
    text = response.text
    assert "Toestemming voor reparatie" in text
    assert "Mogen wij de badkamervloer openbreken?" in text
    assert "Waiting for your answer" in text
    assert action_url("approve", owner_token) in text
    assert action_url("decline", owner_token) in text
    assert action_url("accept", owner_token) not in text
    assert action_url("complete", owner_token) not in text
    assert "Ayşe Yılmaz" not in text  # the tenant's details are for the supplier only
    assert "Merelstraat" in text


def test_the_page_follows_the_lang_parameter_and_keeps_it_on_forms(client, token):
    norwegian = client.get(page_url(token, "nb"))
    assert '<html lang="nb">' in norwegian.text
    assert f'action="{action_url("accept", token)}?lang=nb"' in norwegian.text
    assert '<html lang="en">' in client.get(page_url(token, "en")).text
    assert client.get(page_url(token, "xx")).status_code == 200


# ---------------------------------------------------------------- isolation


def test_the_page_never_shows_the_main_incident_nor_other_sub_incidents(
    client, incident, work_order, token, staff, supplier
):
    message_post(actor=staff, incident=incident, body="HOOFD-INTERN geheim", visibility="internal")
    message_post(
        actor=staff, incident=incident, body="HOOFD-EXTERN aan huurder", visibility="external"
    )
    attachment_add(
        actor=staff,
        incident=incident,
        upload=upload_clean(data=png(), original_name="hoofdfoto.png"),
        visibility="external",
    )
    other = make_work_order(incident, staff, supplier, title="Ander werk")
    sub_incident_message_post(
        actor=staff, sub_incident=other, body="ANDERE-ORDER bericht", visibility="external"
    )
    sub_incident_attachments_add(
        actor=staff,
        sub_incident=other,
        uploads=[upload_clean(data=png(), original_name="anderfoto.png")],
        visibility="external",
    )
    sub_incident_message_post(
        actor=staff, sub_incident=work_order, body="EIGEN-INTERN notitie", visibility="internal"
    )
    sub_incident_attachments_add(
        actor=staff,
        sub_incident=work_order,
        uploads=[upload_clean(data=png(), original_name="internfoto.png")],
        visibility="internal",
    )
    sub_incident_message_post(
        actor=staff, sub_incident=work_order, body="Graag voor vrijdag", visibility="external"
    )
    sub_incident_attachments_add(
        actor=staff,
        sub_incident=work_order,
        uploads=[upload_clean(data=png(), original_name="gedeeld.png")],
        visibility="external",
    )

    text = client.get(page_url(token), **EN).text
    assert "Graag voor vrijdag" in text
    assert "gedeeld.jpg" in text
    for secret in (
        "HOOFD-INTERN",
        "HOOFD-EXTERN",
        "hoofdfoto",
        "ANDERE-ORDER",
        "anderfoto",
        "Ander werk",
        "EIGEN-INTERN",
        "internfoto",
        "Sanne",  # staff names stay in the back office
    ):
        assert secret not in text, secret


def test_files_outside_this_sub_incident_are_404(
    client, incident, work_order, token, staff, supplier
):
    shared = sub_incident_attachments_add(
        actor=staff,
        sub_incident=work_order,
        uploads=[upload_clean(data=png(), original_name="gedeeld.png")],
        visibility="external",
    )[0]
    internal = sub_incident_attachments_add(
        actor=staff,
        sub_incident=work_order,
        uploads=[upload_clean(data=png(), original_name="intern.png")],
        visibility="internal",
    )[0]
    other = make_work_order(incident, staff, supplier, title="Ander werk")
    foreign = sub_incident_attachments_add(
        actor=staff,
        sub_incident=other,
        uploads=[upload_clean(data=png(), original_name="ander.png")],
        visibility="external",
    )[0]
    main = attachment_add(
        actor=staff,
        incident=incident,
        upload=upload_clean(data=png(), original_name="hoofd.png"),
        visibility="external",
    )
    internal_message = sub_incident_message_post(
        actor=staff, sub_incident=work_order, body="intern", visibility="internal"
    )
    on_internal = sub_incident_attachments_add(
        actor=staff,
        sub_incident=work_order,
        uploads=[upload_clean(data=png(), original_name="bij-intern.png")],
        visibility="internal",
    )[0]
    SubIncidentAttachment.objects.filter(pk=on_internal.pk).update(
        message=internal_message, visibility="external"
    )

    download = client.get(file_url(token, shared))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg"
    assert download["Referrer-Policy"] == "no-referrer"
    assert download["Content-Security-Policy"] == "sandbox"
    assert "no-store" in download["Cache-Control"]
    for attachment in (internal, foreign, main, on_internal):
        response = client.get(file_url(token, attachment), **EN)
        assert response.status_code == 404, attachment.original_name
        assert response["Referrer-Policy"] == "no-referrer"
    unknown = reverse("portal:party_link_file", args=[token, "x" * 20])
    assert client.get(unknown).status_code == 404
    # The other order's own link does open its file.
    assert client.get(file_url(token_of(other), foreign)).status_code == 200


def test_shared_images_show_as_thumbnails_linking_to_the_checked_view(
    client, work_order, token, staff
):
    shared = sub_incident_attachments_add(
        actor=staff,
        sub_incident=work_order,
        uploads=[upload_clean(data=png(), original_name="kraan.png")],
        visibility="external",
    )[0]
    text = client.get(page_url(token), **EN).text
    url = file_url(token, shared)
    assert f'<a href="{url}"' in text
    assert f'<img src="{url}"' in text


# ---------------------------------------------------------------- safe GETs and headers


def test_opening_the_page_changes_nothing(
    client, work_order, owner_token, token, staff, django_assert_max_num_queries
):
    for number in range(3):
        sub_incident_message_post(
            actor=staff,
            sub_incident=work_order,
            body=f"Bericht {number}",
            visibility="external",
            uploads=[upload_clean(data=png(), original_name=f"foto{number}.png")],
        )
    audit_before = AuditEvent.objects.count()
    outbox_before = OutboxMessage.objects.count()
    links_before = AccessLink.objects.count()
    with django_assert_max_num_queries(6):
        assert client.get(page_url(token)).status_code == 200
    client.get(page_url(owner_token))
    work_order.refresh_from_db()
    assert work_order.status == SubIncident.Status.SENT
    assert work_order.accepted_at is None
    assert AuditEvent.objects.count() == audit_before
    assert OutboxMessage.objects.count() == outbox_before
    assert AccessLink.objects.count() == links_before


def test_link_pages_send_no_referrer_and_are_never_stored(client, token):
    for response in (
        client.get(page_url(token)),
        client.post(action_url("accept", token)),
        client.get(page_url("x" * 43)),
    ):
        assert response["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "name", ["accept", "reject", "plan", "complete", "comment", "approve", "decline"]
)
def test_action_urls_answer_405_to_get(client, token, name):
    assert client.get(action_url(name, token)).status_code == 405


def test_the_page_refuses_post(client, token):
    assert client.post(page_url(token), {"body": "x"}).status_code == 405


def test_a_post_with_origin_null_is_accepted(work_order, token):
    """Browsers send ``Origin: null`` from a no-referrer page; the token protects the form."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(action_url("accept", token), HTTP_ORIGIN="null")
    assert response.status_code == 302
    work_order.refresh_from_db()
    assert work_order.status == SubIncident.Status.ACCEPTED


# ---------------------------------------------------------------- bad links


def _bad_token(case: str, work_order: SubIncident, incident: Incident, staff: Actor) -> str:
    if case == "unknown":
        return "x" * 43
    if case == "tampered":
        return token_of(work_order)[:-2] + "zz"
    if case == "too_long":
        return "y" * 200
    if case == "revoked":
        token = token_of(work_order)
        party_links_revoke(actor=staff, sub_incident=work_order)
        return token
    if case == "expired":
        token = token_of(work_order)
        AccessLink.objects.filter(purpose=PARTY_LINK_PURPOSE).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
        return token
    if case == "tenant_link":
        _link, token = link_issue(
            obj=incident,
            purpose=INCIDENT_LINK_PURPOSE,
            party="tenant",
            expires_at=timezone.now() + timedelta(days=30),
        )
        return token
    if case == "party_purpose_other_object":
        _link, token = link_issue(
            obj=incident,
            purpose=PARTY_LINK_PURPOSE,
            party="x",
            expires_at=timezone.now() + timedelta(days=30),
        )
        return token
    raise AssertionError(case)


@pytest.mark.parametrize(
    ("case", "ended"),
    [
        ("unknown", False),
        ("tampered", False),
        ("too_long", False),
        ("revoked", True),
        ("expired", True),
        ("tenant_link", False),
        ("party_purpose_other_object", True),
    ],
)
def test_a_bad_link_is_a_polite_404(client, work_order, incident, staff, case, ended):
    token = _bad_token(case, work_order, incident, staff)
    shared = sub_incident_attachments_add(
        actor=staff,
        sub_incident=work_order,
        uploads=[upload_clean(data=png(), original_name="a.png")],
        visibility="external",
    )[0]
    audit_before = AuditEvent.objects.count()

    response = client.get(page_url(token), **EN)
    assert response.status_code == 404
    text = response.text
    assert "Woonstichting Test" in text
    assert 'href="tel:+31201234567"' in text
    assert "info@example.org" in text
    assert "Lekkende kraan" not in text
    if ended:
        assert "This link is no longer valid" in text
        assert "ask Woonstichting Test for a new link" in text
    else:
        assert "This link does not work" in text
    assert response["Referrer-Policy"] == "no-referrer"

    for name in ("accept", "reject", "plan", "complete", "comment"):
        assert client.post(action_url(name, token), {"reason": "x", "body": "x"}).status_code == 404
    assert client.get(file_url(token, shared)).status_code == 404
    work_order.refresh_from_db()
    assert work_order.status == SubIncident.Status.SENT
    assert AuditEvent.objects.count() == audit_before


def test_a_reissued_link_ends_the_old_one(client, work_order, staff):
    old = token_of(work_order)
    party_links_revoke(actor=staff, sub_incident=work_order)
    new = token_of(work_order)
    assert client.get(page_url(old)).status_code == 404
    assert client.get(page_url(new)).status_code == 200


def test_an_internal_assignment_has_no_party_page(client, incident, staff, make_staff):
    draft = SubIncidentDraft(
        kind=SubIncident.Kind.INTERNAL, title="Zelf kijken", assignee=make_staff()
    )
    internal = sub_incident_create(actor=staff, incident=incident, draft=draft)
    _link, token = link_issue(
        obj=internal,
        purpose=PARTY_LINK_PURPOSE,
        party="x",
        expires_at=timezone.now() + timedelta(days=30),
    )
    response = client.get(page_url(token), **EN)
    assert response.status_code == 404
    assert "Zelf kijken" not in response.text
