"""The tenant's personal incident page (SPEC INT-3): external messages only, safe GET,
replies and photos, 404 for anything outside the link."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from meldpunt.common.actors import Actor
from meldpunt.common.links import link_issue, link_revoke
from meldpunt.common.models import AuditEvent
from meldpunt.common.uploads import upload_clean
from meldpunt.incidents.links import INCIDENT_LINK_PURPOSE
from meldpunt.incidents.models import Attachment, Incident, Message
from meldpunt.incidents.tests.conftest import incident_make, phases, place  # noqa: F401
from meldpunt.incidents.thread import attachment_add, message_post, note_add

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (12, 12), (0, 0, 200)).save(output, format="PNG")
    return output.getvalue()


@pytest.fixture
def incident(place, phases, organization) -> Incident:  # noqa: F811
    return incident_make(
        title="Lekkage in de badkamer",
        unit=place.unit,
        household=place.household,
        contact_name="Ayşe Yılmaz",
        contact_email="ayse@example.net",
    )


@pytest.fixture
def staff_actor(make_staff) -> Actor:
    return Actor.staff(make_staff(first_name="Sanne", last_name="de Boer"))


def issue(obj, *, days: int = 30, purpose: str = INCIDENT_LINK_PURPOSE):
    link, token = link_issue(
        obj=obj, purpose=purpose, party="tenant", expires_at=timezone.now() + timedelta(days=days)
    )
    return link, token


@pytest.fixture
def token(incident) -> str:
    return issue(incident)[1]


def page_url(token: str) -> str:
    return reverse("portal:incident_link", kwargs={"token": token})


def test_the_page_shows_title_phase_and_only_external_messages(
    client, incident, token, staff_actor
):
    message_post(actor=staff_actor, incident=incident, body="GEHEIM intern", visibility="internal")
    note_add(actor=staff_actor, incident=incident, body="GEHEIME notitie")
    message_post(
        actor=staff_actor, incident=incident, body="We komen dinsdag", visibility="external"
    )

    response = client.get(page_url(token), **EN)
    assert response.status_code == 200
    text = response.text
    assert "Lekkage in de badkamer" in text
    assert "New" in text
    assert "We komen dinsdag" in text
    assert "GEHEIM" not in text
    assert "Sanne" not in text  # staff names stay in the back office


def test_link_pages_send_no_referrer_and_are_never_stored(client, token):
    response = client.get(page_url(token))
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_opening_the_page_changes_nothing(client, incident, token, django_assert_max_num_queries):
    audit_before = AuditEvent.objects.count()
    activity = incident.last_activity_at
    with django_assert_max_num_queries(8):
        client.get(page_url(token))
    incident.refresh_from_db()
    assert AuditEvent.objects.count() == audit_before
    assert incident.last_activity_at == activity
    assert not Message.objects.exists()


def test_the_page_works_for_anonymous_visitors_without_login_redirect(client, token):
    assert client.get(page_url(token)).status_code == 200


@pytest.mark.parametrize("case", ["unknown", "expired", "revoked", "other_purpose"])
def test_a_bad_token_is_404(client, incident, case):
    if case == "unknown":
        token = "x" * 43
    elif case == "expired":
        token = issue(incident, days=-1)[1]
    elif case == "revoked":
        link, token = issue(incident)
        link_revoke(link=link)
    else:
        token = issue(incident, purpose="work_order.supplier")[1]
    assert client.get(page_url(token)).status_code == 404
    reply = reverse("portal:incident_link_reply", kwargs={"token": token})
    assert client.post(reply, {"body": "hallo"}).status_code == 404
    assert not Message.objects.exists()


def test_a_link_to_something_else_is_404(client, place):  # noqa: F811
    _link, token = issue(place.unit)
    assert client.get(page_url(token)).status_code == 404


def test_the_tenant_replies_and_sees_the_reply(client, incident, token):
    reply = reverse("portal:incident_link_reply", kwargs={"token": token})
    response = client.post(reply, {"body": "Dinsdag schikt"}, **EN)
    assert response.status_code == 302
    assert response["Location"].endswith("#reply")
    assert response["Referrer-Policy"] == "no-referrer"
    message = Message.objects.get()
    assert (message.from_tenant, message.via, message.visibility) == (True, "link", "external")
    page = client.get(response["Location"], **EN)
    assert "Dinsdag schikt" in page.text
    assert "Thank you. Your reply was sent." in page.text
    row = AuditEvent.objects.get(verb="incident.reply_received")
    assert row.actor_kind == "link"


def test_the_reply_form_answers_405_to_get(client, token):
    reply = reverse("portal:incident_link_reply", kwargs={"token": token})
    assert client.get(reply).status_code == 405


def test_the_page_refuses_post(client, token):
    assert client.post(page_url(token), {"body": "x"}).status_code == 405


def test_an_empty_reply_keeps_the_form_and_says_why(client, token):
    reply = reverse("portal:incident_link_reply", kwargs={"token": token})
    response = client.post(reply, {"body": "  "}, **EN)
    assert response.status_code == 422
    assert "Write a reply or add a photo." in response.text
    assert not Message.objects.exists()


def test_the_tenant_adds_photos_and_a_bad_file_is_explained(
    client, incident, token, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    reply = reverse("portal:incident_link_reply", kwargs={"token": token})
    bad = client.post(
        reply,
        {"body": "Mijn tekst", "photos": [SimpleUploadedFile("foto.jpg", b"\x7fELF" + b"0" * 50)]},
        **EN,
    )
    assert bad.status_code == 422
    assert "foto.jpg: This file is a program or an archive" in bad.text
    assert "Mijn tekst" in bad.text
    assert not Message.objects.exists()

    good = client.post(reply, {"body": "", "photos": [SimpleUploadedFile("lek.png", png())]})
    assert good.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.visibility == "external"
    page = client.get(page_url(token))
    file_url = reverse("portal:incident_link_file", args=[token, attachment.public_id])
    assert file_url in page.text
    download = client.get(file_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg"
    assert download["Referrer-Policy"] == "no-referrer"
    assert download["Content-Security-Policy"] == "sandbox"


def test_internal_files_and_files_of_other_incidents_are_404(
    client, incident, token, staff_actor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    internal = attachment_add(
        actor=staff_actor,
        incident=incident,
        upload=upload_clean(data=png(), original_name="intern.png"),
        visibility="internal",
    )
    other = incident_make(title="Ander")
    foreign = attachment_add(
        actor=staff_actor,
        incident=other,
        upload=upload_clean(data=png(), original_name="ander.png"),
        visibility="external",
    )
    for attachment in (internal, foreign):
        file_url = reverse("portal:incident_link_file", args=[token, attachment.public_id])
        assert client.get(file_url).status_code == 404
    page = client.get(page_url(token)).text
    assert "intern.jpg" not in page
    assert "ander.jpg" not in page


def test_a_file_on_an_internal_message_is_404_even_if_marked_external(
    client, incident, token, staff_actor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    message = message_post(actor=staff_actor, incident=incident, body="x", visibility="internal")
    attachment = attachment_add(
        actor=staff_actor,
        incident=incident,
        upload=upload_clean(data=png(), original_name="a.png"),
        visibility="internal",
        message=message,
    )
    Attachment.objects.filter(pk=attachment.pk).update(visibility="external")
    file_url = reverse("portal:incident_link_file", args=[token, attachment.public_id])
    assert client.get(file_url).status_code == 404


def test_the_old_placeholder_view_is_gone():
    from meldpunt.portal import views

    assert not hasattr(views, "incident_link")


def test_a_reply_posted_with_origin_null_is_accepted(incident, token):
    """Browsers send ``Origin: null`` from a no-referrer page; the token protects the form."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    reply = reverse("portal:incident_link_reply", kwargs={"token": token})
    response = client.post(reply, {"body": "Met origin null"}, HTTP_ORIGIN="null")
    assert response.status_code == 302
    assert Message.objects.get().body == "Met origin null"
