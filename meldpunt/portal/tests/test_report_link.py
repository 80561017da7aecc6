# ruff: noqa: F811  (fixtures imported from the incident tests are used as arguments)
"""The reporter's personal link /m/r/<token>/ (SPEC INT-3): the report and its status,
later the incident's phase and external messages; adding text and photos; safe GET;
404 for anything outside the link."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from meldpunt.common.actors import Actor
from meldpunt.common.links import link_issue, link_revoke
from meldpunt.common.models import AccessLink, AuditEvent
from meldpunt.common.uploads import upload_clean
from meldpunt.incidents.inbox import inbox_report_convert, inbox_report_delete
from meldpunt.incidents.links import INCIDENT_LINK_PURPOSE
from meldpunt.incidents.models import Attachment, InboxAttachment, InboxReport, Message
from meldpunt.incidents.tests.conftest import categories, incident_make, phases, place  # noqa: F401
from meldpunt.incidents.thread import message_post, note_add
from meldpunt.intake.selectors import REPORT_LINK_PURPOSE, UnitQuery
from meldpunt.intake.services import public_report_submit

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def png(colour: tuple[int, int, int] = (0, 0, 200)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (12, 12), colour).save(output, format="PNG")
    return output.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def receipt(place, categories, organization):
    return public_report_submit(
        category=categories["Repair"],
        query=UnitQuery(postcode="3521KL", house_number="12", addition="A"),
        description="Lekkage onder het aanrecht",
        name="Ayşe Yılmaz",
        email="ayse@example.net",
        phone="",
        language="nl",
        uploads=[upload_clean(data=png(), original_name="lek.png")],
    )


@pytest.fixture
def token(receipt) -> str:
    return receipt.link.rstrip("/").rsplit("/", 1)[-1]


def page_url(token: str) -> str:
    return reverse("portal:report_link", kwargs={"token": token})


def reply_url(token: str) -> str:
    return reverse("portal:report_link_reply", kwargs={"token": token})


def convert(receipt, make_staff, place):
    report = InboxReport.objects.get(pk=receipt.report.pk)
    return inbox_report_convert(
        actor=Actor.staff(make_staff()),
        report=report,
        title="Lekkage keuken",
        description=report.description,
        category=report.category,
        unit=place.unit,
        household=place.household,
        contact_name=report.name,
        contact_email=report.email,
        contact_phone=report.phone,
        contact_language="nl",
        responsible=None,
        notify_tenant=False,
        notify_supplier=None,
    )


def test_the_link_shows_the_report_its_status_and_photo(client, receipt, token):
    response = client.get(page_url(token), **EN)
    assert response.status_code == 200
    text = response.text
    assert receipt.reference in text
    assert "Lekkage onder het aanrecht" in text
    assert "Received, waiting to be handled" in text
    attachment = InboxAttachment.objects.get()
    file_url = reverse("portal:report_link_file", args=[token, attachment.public_id])
    assert file_url in text
    download = client.get(file_url)
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert download["Referrer-Policy"] == "no-referrer"


def test_the_link_never_shows_who_lives_at_the_home(client, receipt, token, place):
    text = client.get(page_url(token), **EN).text
    assert "H700123" not in text and "Fam. Yılmaz" not in text


def test_link_pages_send_no_referrer_and_are_not_cached(client, token):
    response = client.get(page_url(token))
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.text


def test_opening_the_link_changes_nothing(client, receipt, token):
    before = (
        AuditEvent.objects.count(),
        AccessLink.objects.count(),
        InboxReport.objects.get().updated_at,
    )
    client.get(page_url(token))
    client.head(page_url(token))
    after = (
        AuditEvent.objects.count(),
        AccessLink.objects.count(),
        InboxReport.objects.get().updated_at,
    )
    assert before == after


def test_the_language_follows_lang(client, token):
    assert '<html lang="nb">' in client.get(page_url(token) + "?lang=nb").text
    assert '<html lang="en">' in client.get(page_url(token) + "?lang=en").text


def test_unknown_expired_revoked_and_foreign_tokens_are_404(client, receipt, token, place):
    assert client.get(page_url("x" * 43)).status_code == 404
    link = AccessLink.objects.get(purpose=REPORT_LINK_PURPOSE)
    AccessLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(page_url(token)).status_code == 404
    AccessLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() + timedelta(days=1))
    link_revoke(link=link)
    assert client.get(page_url(token)).status_code == 404
    # An incident's link is not a report's link, and the other way round.
    incident = incident_make(unit=place.unit)
    _incident_link, incident_token = link_issue(
        obj=incident,
        purpose=INCIDENT_LINK_PURPOSE,
        party="x",
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert client.get(page_url(incident_token)).status_code == 404
    _wrong, mislabelled = link_issue(
        obj=incident,
        purpose=REPORT_LINK_PURPOSE,
        party="x",
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert client.get(page_url(mislabelled)).status_code == 404


def test_a_deleted_report_is_404(client, receipt, token, make_staff):
    inbox_report_delete(actor=Actor.staff(make_staff()), report=InboxReport.objects.get())
    assert client.get(page_url(token)).status_code == 404


def test_a_file_of_another_report_is_404(client, receipt, token, place, categories):
    other = public_report_submit(
        category=categories["Repair"],
        query=UnitQuery(tenant_number="H700123"),
        description="Andere melding",
        name="B",
        email="b@example.net",
        phone="",
        language="nl",
        client_hash="z" * 64,
        uploads=[upload_clean(data=png((9, 9, 9)), original_name="ander.png")],
    )
    foreign = InboxAttachment.objects.get(report=other.report)
    url = reverse("portal:report_link_file", args=[token, foreign.public_id])
    assert client.get(url).status_code == 404


def test_reply_is_post_only(client, token):
    assert client.get(reply_url(token)).status_code == 405
    assert client.post(page_url(token), {"body": "x"}).status_code == 405


def test_the_reporter_adds_text_and_photos_before_conversion(token):
    # A no-referrer page posts with Origin: null; the token protects the form.
    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="null")
    response = browser.post(
        reply_url(token),
        {
            "body": "Het is erger geworden 💧",
            "photos": [SimpleUploadedFile("erger.png", png((200, 0, 0)))],
        },
        **EN,
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#reply")
    report = InboxReport.objects.get()
    assert report.description.endswith("Het is erger geworden 💧")
    assert InboxAttachment.objects.filter(report=report).count() == 2
    page = browser.get(page_url(token), **EN)
    assert "Thank you. We added this to your report." in page.text
    assert "Het is erger geworden 💧" in page.text


def test_a_bad_reply_keeps_the_text_and_says_why(client, token):
    program = SimpleUploadedFile("foto.jpg", b"\x7fELF" + b"0" * 50)
    response = client.post(reply_url(token), {"body": "Mijn tekst", "photos": [program]}, **EN)
    assert response.status_code == 422
    assert "foto.jpg: This file is a program or an archive" in response.text
    assert "Mijn tekst" in response.text
    empty = client.post(reply_url(token), {"body": " "}, **EN)
    assert empty.status_code == 422
    assert "Write a reply or add a photo." in empty.text


def test_after_conversion_the_link_shows_the_incident_and_only_external_messages(
    client,
    receipt,
    token,
    make_staff,
    place,
    phases,
):
    incident = convert(receipt, make_staff, place)
    staff = Actor.staff(make_staff())
    message_post(actor=staff, incident=incident, body="GEHEIM intern", visibility="internal")
    note_add(actor=staff, incident=incident, body="GEHEIME notitie")
    message_post(actor=staff, incident=incident, body="We komen dinsdag", visibility="external")
    response = client.get(page_url(token), **EN)
    assert response.status_code == 200
    text = response.text
    assert "Lekkage keuken" in text
    assert "New" in text
    assert "We komen dinsdag" in text
    assert "GEHEIM" not in text
    # The report's photo moved to the incident and is served through this link.
    moved = Attachment.objects.get(incident=incident)
    file_url = reverse("portal:report_link_file", args=[token, moved.public_id])
    assert file_url in text
    assert client.get(file_url).status_code == 200


def test_after_conversion_a_reply_goes_to_the_incident(
    client, receipt, token, make_staff, place, phases
):
    incident = convert(receipt, make_staff, place)
    response = client.post(reply_url(token), {"body": "Wanneer komen jullie?"}, **EN)
    assert response.status_code == 302
    message = Message.objects.get(incident=incident, from_tenant=True)
    assert message.body == "Wanneer komen jullie?"
    assert "Wanneer komen jullie?" in client.get(page_url(token), **EN).text


def test_internal_files_of_the_incident_are_404(client, receipt, token, make_staff, place, phases):
    from meldpunt.incidents.thread import attachment_add

    incident = convert(receipt, make_staff, place)
    internal = attachment_add(
        actor=Actor.staff(make_staff()),
        incident=incident,
        upload=upload_clean(data=png((1, 2, 3)), original_name="intern.png"),
        visibility="internal",
    )
    url = reverse("portal:report_link_file", args=[token, internal.public_id])
    assert client.get(url).status_code == 404


def test_the_incident_link_page_still_links_its_own_files(
    client, place, phases, organization, make_staff
):
    """The shared entry template serves files through whichever link page includes it."""
    from meldpunt.incidents.thread import attachment_add

    incident = incident_make(unit=place.unit)
    attachment = attachment_add(
        actor=Actor.staff(make_staff()),
        incident=incident,
        upload=upload_clean(data=png(), original_name="a.png"),
        visibility="external",
    )
    _link, incident_token = link_issue(
        obj=incident,
        purpose=INCIDENT_LINK_PURPOSE,
        party="x",
        expires_at=timezone.now() + timedelta(days=1),
    )
    page = client.get(reverse("portal:incident_link", args=[incident_token]))
    assert (
        reverse("portal:incident_link_file", args=[incident_token, attachment.public_id])
        in page.text
    )
