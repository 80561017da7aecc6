"""Email into incidents (SPEC INC-14): replies land on the right incident, new mail in the inbox."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import timezone

from meldpunt.common.links import link_resolve
from meldpunt.common.models import AuditEvent
from meldpunt.incidents.links import INCIDENT_LINK_PURPOSE
from meldpunt.incidents.models import (
    Attachment,
    InboxAttachment,
    InboxReport,
    Incident,
    Message,
    Phase,
)
from meldpunt.notifications.inbound import inbound_mail_receive
from meldpunt.notifications.models import InboundMail, OutboxMessage
from meldpunt.notifications.services import notification_queue
from meldpunt.notifications.tests.mails import (
    INCIDENT_ADDRESS,
    PDF_BYTES,
    make_mail,
    png_bytes,
)
from meldpunt.notifications.transports import reply_address

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mail_settings(settings, tmp_path):
    settings.MELDPUNT_MAIL_DOMAIN = "meldpunt.localhost"
    settings.MELDPUNT_REPLY_ADDRESS = "reply+{token}@meldpunt.localhost"
    settings.MELDPUNT_INCIDENT_ADDRESS = INCIDENT_ADDRESS
    settings.DEFAULT_FROM_EMAIL = "Woonstichting <noreply@meldpunt.localhost>"
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def open_phase():
    return Phase.objects.create(code="mail-test-open", name_nl="In behandeling", ordering=90)


@pytest.fixture
def closed_phase():
    return Phase.objects.create(
        code="mail-test-closed", name_nl="Afgehandeld", ordering=99, is_closed=True
    )


def make_incident(phase: Phase, title: str, **fields) -> Incident:
    return Incident.objects.create(
        kind=Incident.Kind.CONTACT_TENANT,
        title=title,
        phase=phase,
        is_open=not phase.is_closed,
        contact_name="Anna de Vries",
        contact_email="anna@example.net",
        contact_language=fields.pop("contact_language", "nl"),
        **fields,
    )


@pytest.fixture
def incident(open_phase):
    return make_incident(open_phase, "Lekkage badkamer", contact_language="nb")


@pytest.fixture
def other_incident(open_phase):
    return make_incident(open_phase, "Kapotte deurbel")


def notification_about(incident: Incident, key: str = "n1") -> OutboxMessage:
    """A notification to the tenant in the incident's conversation, as the services queue it."""
    return notification_queue(
        event="incident.message_posted",
        template="tenant.message",
        recipient="anna@example.net",
        recipient_name="Anna de Vries",
        channel="email",
        context={},
        dedupe_key=f"{key}:{incident.public_id}",
        thread_key=incident.thread_key,
    )


def our_message_id(row: OutboxMessage) -> str:
    return f"<outbox.{row.public_id}@meldpunt.localhost>"


def receive(raw: bytes, **kwargs) -> InboundMail:
    return inbound_mail_receive(raw=raw, source="webhook", **kwargs)


REPLY_TEXT = (
    "Het lekt nu ook in de gang.\n\n"
    "Op ma 3 nov 2025 om 10:00 schreef Woonstichting <noreply@meldpunt.localhost>:\n"
    "> Wij komen dinsdag langs.\n"
)


def test_a_reply_to_the_reply_address_becomes_a_message_on_that_incident(incident, other_incident):
    row = notification_about(incident)
    notification_about(other_incident)
    before = timezone.now()
    mail = receive(make_mail(to=reply_address(row.reply_token), text=REPLY_TEXT))

    message = Message.objects.get()
    assert message.incident == incident
    assert message.body == "Het lekt nu ook in de gang."
    assert message.kind == Message.Kind.MESSAGE
    assert message.visibility == Message.Visibility.EXTERNAL
    assert message.via == Message.Via.EMAIL
    assert message.from_tenant is True
    assert message.author_name == "Anna de Vries"
    assert message.inbound_mail == mail
    assert not other_incident.messages.exists()

    mail.refresh_from_db()
    assert mail.outcome == InboundMail.Outcome.THREADED
    assert mail.thread_key == incident.thread_key
    assert mail.target_ref == f"message:{message.public_id}"
    assert mail.outcome_detail == ""
    incident.refresh_from_db()
    assert incident.last_activity_at >= before
    assert "gang" in incident.search_text

    audit = AuditEvent.objects.get(verb="incident.reply_received")
    assert audit.object_id == incident.public_id
    assert audit.actor_kind == AuditEvent.ActorKind.TENANT
    assert audit.changes["message"]["new"] == message.public_id


def test_the_sender_gets_a_confirmation_in_the_incidents_language(incident):
    row = notification_about(incident)
    mail = receive(make_mail(to=reply_address(row.reply_token), text=REPLY_TEXT))
    confirmation = OutboxMessage.objects.get(template="tenant.reply_received")
    assert confirmation.recipient == "anna@example.net"
    assert confirmation.recipient_name == "Anna de Vries"
    assert confirmation.channel == "email"
    assert confirmation.language == "nb"
    assert confirmation.dedupe_key == f"reply-received:{mail.public_id}"
    link = confirmation.context.pop("link")
    assert confirmation.context == {
        "incident_number": incident.pk,
        "incident_title": "Lekkage badkamer",
    }
    # The confirmation carries a working personal link to the conversation.
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert link.startswith(settings.SITE_URL)
    assert link_resolve(token=token, purpose=INCIDENT_LINK_PURPOSE).object_id == incident.public_id
    # Replying to the confirmation lands on the same incident.
    assert confirmation.thread_key == incident.thread_key
    assert confirmation.reply_token


def test_a_reply_found_by_in_reply_to_lands_on_the_right_incident(incident, other_incident):
    notification_about(incident)
    other_row = notification_about(other_incident)
    receive(
        make_mail(
            to="Woonstichting <noreply@meldpunt.localhost>", in_reply_to=our_message_id(other_row)
        )
    )
    message = Message.objects.get()
    assert message.incident == other_incident
    assert not incident.messages.exists()


def test_a_reply_found_by_references_takes_the_newest_known_notification(incident, other_incident):
    first = notification_about(incident)
    second = notification_about(other_incident)
    references = f"<unknown@example.net> {our_message_id(first)} {our_message_id(second)}"
    receive(make_mail(to="info@example.org", references=references))
    assert Message.objects.get().incident == other_incident


def test_the_reply_token_wins_over_the_headers(incident, other_incident):
    row = notification_about(incident)
    other_row = notification_about(other_incident)
    receive(make_mail(to=reply_address(row.reply_token), in_reply_to=our_message_id(other_row)))
    assert Message.objects.get().incident == incident


def test_photos_and_pdfs_are_kept_as_external_files_and_others_are_noted(incident):
    row = notification_about(incident)
    raw = make_mail(
        to=reply_address(row.reply_token),
        attachments=[
            ("plafond.png", "image/png", png_bytes()),
            ("offerte.pdf", "application/pdf", PDF_BYTES),
            ("virus.exe", "application/octet-stream", b"MZ\x90\x00rest"),
        ],
    )
    mail = receive(raw)
    message = Message.objects.get()
    files = list(Attachment.objects.order_by("id"))
    assert [(f.original_name, f.content_type) for f in files] == [
        ("plafond.jpg", "image/jpeg"),
        ("offerte.pdf", "application/pdf"),
    ]
    for attachment in files:
        assert attachment.incident == incident
        assert attachment.message == message
        assert attachment.visibility == Message.Visibility.EXTERNAL
        assert attachment.uploaded_by_name == "Anna de Vries"
        assert attachment.file.storage.exists(attachment.file.name)
        assert "plafond" not in attachment.file.name  # stored under a random name
    assert mail.outcome_detail == "Not kept (not a photo or PDF, or too large): virus.exe."


def test_a_reply_to_a_closed_incident_is_kept_on_it_and_flagged(closed_phase):
    closed = make_incident(closed_phase, "Oude melding")
    row = notification_about(closed)
    mail = receive(make_mail(to=reply_address(row.reply_token)))
    assert Message.objects.get().incident == closed
    assert mail.outcome == InboundMail.Outcome.THREADED
    assert mail.outcome_detail == "Reply to a closed incident."


def test_a_reply_about_a_deleted_incident_is_unrouted(incident):
    row = notification_about(incident)
    incident.delete()
    mail = receive(make_mail(to=reply_address(row.reply_token)))
    assert mail.outcome == InboundMail.Outcome.UNROUTED
    assert mail.outcome_detail == "The incident this reply belongs to no longer exists."
    assert not OutboxMessage.objects.filter(template="tenant.reply_received").exists()


@pytest.mark.parametrize(
    "address",
    [
        "reply+ffffffffffffffffffffffffffffffff@meldpunt.localhost",
        "reply+notatoken0@meldpunt.localhost",
    ],
)
def test_an_unknown_reply_token_is_unrouted_and_creates_nothing(incident, address):
    notification_about(incident)
    mail = receive(make_mail(to=address, text=REPLY_TEXT))
    assert mail.outcome == InboundMail.Outcome.UNROUTED
    assert not Message.objects.exists()
    assert not InboxReport.objects.exists()
    assert not OutboxMessage.objects.filter(template="tenant.reply_received").exists()


def test_a_token_of_another_installation_is_not_ours(incident):
    row = notification_about(incident)
    mail = receive(make_mail(to=f"reply+{row.reply_token}@other.example.org"))
    assert mail.outcome == InboundMail.Outcome.UNROUTED
    assert not Message.objects.exists()


AUTOMATIC = [
    {"headers": [("Auto-Submitted", "auto-replied")], "subject": "Automatisch antwoord: afwezig"},
    {"headers": [("Auto-Submitted", "auto-generated")]},
    {"headers": [("Precedence", "bulk")]},
    {"headers": [("Precedence", "junk")]},
    {"headers": [("Precedence", "list")]},
    {"headers": [("X-Autoreply", "yes")]},
    {"headers": [("X-Autorespond", "Out of office")]},
    {"headers": [("Return-Path", "<>")]},
    {"sender": "MAILER-DAEMON@mx.example.net"},
    {"sender": "Postmaster <postmaster@example.net>"},
    {"sender": "Woonstichting <noreply@meldpunt.localhost>"},
]


@pytest.mark.parametrize("variant", AUTOMATIC)
def test_an_automatic_reply_to_a_notification_creates_and_queues_nothing(incident, variant):
    row = notification_about(incident)
    queued = OutboxMessage.objects.count()
    mail = receive(make_mail(to=reply_address(row.reply_token), **variant))
    assert mail.outcome == InboundMail.Outcome.IGNORED
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()
    assert OutboxMessage.objects.count() == queued
    assert not AuditEvent.objects.filter(verb="incident.reply_received").exists()


def test_a_bounce_report_about_a_notification_creates_nothing(incident):
    row = notification_about(incident)
    raw = (
        b"From: Mail Delivery System <bounce@mx.example.net>\r\n"
        + f"To: {reply_address(row.reply_token)}\r\n".encode()
        + b"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn2@mx>\r\n"
        + f"In-Reply-To: {our_message_id(row)}\r\n".encode()
        + b"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; "
        b'boundary="r"\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n'
        b"--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        b"Final-Recipient: rfc822; anna@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"\r\n--r--\r\n"
    )
    assert receive(raw).outcome == InboundMail.Outcome.IGNORED
    assert not Message.objects.exists()


def test_the_same_reply_delivered_twice_is_one_message_and_one_confirmation(incident):
    row = notification_about(incident)
    raw = make_mail(
        to=reply_address(row.reply_token), attachments=[("a.png", "image/png", png_bytes())]
    )
    first = receive(raw)
    second = inbound_mail_receive(raw=raw, source="imap")
    assert first.pk == second.pk
    assert Message.objects.count() == 1
    assert Attachment.objects.count() == 1
    assert OutboxMessage.objects.filter(template="tenant.reply_received").count() == 1


def test_new_mail_to_the_incident_address_becomes_an_inbox_report_with_its_files():
    raw = make_mail(
        sender="Piet Jansen <piet@example.net>",
        subject="Schimmel in de slaapkamer 🍄",
        text="Er zit schimmel op de muur.\n\n-- \nPiet Jansen\nDorpsstraat 4",
        attachments=[
            ("muur.png", "image/png", png_bytes("green")),
            ("brief.pdf", "application/pdf", PDF_BYTES),
        ],
    )
    mail = receive(raw)
    report = InboxReport.objects.get()
    assert report.source == InboxReport.Source.EMAIL
    assert report.status == InboxReport.Status.WAITING
    assert report.subject == "Schimmel in de slaapkamer 🍄"
    assert report.description == "Er zit schimmel op de muur."
    assert report.name == "Piet Jansen"
    assert report.email == "piet@example.net"
    assert report.inbound_mail == mail
    names = list(
        InboxAttachment.objects.filter(report=report).values_list("original_name", flat=True)
    )
    assert names == ["muur.jpg", "brief.pdf"]
    mail.refresh_from_db()
    assert mail.outcome == InboundMail.Outcome.REPORTED
    assert mail.target_ref == f"inbox_report:{report.public_id}"
    audit = AuditEvent.objects.get(verb="inbox_report.received")
    assert audit.object_id == report.public_id
    assert not Message.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_same_new_mail_twice_is_one_inbox_report():
    raw = make_mail(attachments=[("a.png", "image/png", png_bytes())])
    receive(raw)
    receive(raw)
    assert InboxReport.objects.count() == 1
    assert InboxAttachment.objects.count() == 1


def test_an_automatic_reply_to_the_incident_address_is_no_inbox_report():
    mail = receive(make_mail(headers=[("Auto-Submitted", "auto-replied")]))
    assert mail.outcome == InboundMail.Outcome.IGNORED
    assert not InboxReport.objects.exists()
