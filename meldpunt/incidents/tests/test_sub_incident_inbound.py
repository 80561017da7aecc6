"""Email replies from suppliers and owners land on their sub-incident (SPEC INC-14, INC-9)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from meldpunt.common.models import AuditEvent
from meldpunt.incidents import sub_incidents as services
from meldpunt.incidents.models import (
    Message,
    Phase,
    SubIncident,
    SubIncidentAttachment,
    SubIncidentMessage,
)
from meldpunt.incidents.sub_incidents import SubIncidentDraft
from meldpunt.notifications.inbound import inbound_mail_receive
from meldpunt.notifications.models import InboundMail, OutboxMessage
from meldpunt.notifications.tests.mails import INCIDENT_ADDRESS, PDF_BYTES, make_mail, png_bytes
from meldpunt.notifications.transports import reply_address
from meldpunt.people.models import Contact
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

SUPPLIER = "Piet Loodgieter <Planning@VanDam.example.com>"
REPLY_TEXT = (
    "Ik kom donderdag om 9 uur.\n\n"
    "Op ma 2 mrt 2026 om 10:00 schreef Woonstichting <noreply@meldpunt.localhost>:\n"
    "> Nieuwe werkopdracht.\n"
)


@pytest.fixture(autouse=True)
def mail_settings(settings, tmp_path):
    settings.MELDPUNT_MAIL_DOMAIN = "meldpunt.localhost"
    settings.MELDPUNT_REPLY_ADDRESS = "reply+{token}@meldpunt.localhost"
    settings.MELDPUNT_INCIDENT_ADDRESS = INCIDENT_ADDRESS
    settings.DEFAULT_FROM_EMAIL = "Woonstichting <noreply@meldpunt.localhost>"
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def supplier() -> Contact:
    return ContactFactory(
        kind=Contact.Kind.SUPPLIER,
        name="Piet Loodgieter",
        company="Van Dam",
        email="planning@vandam.example.com",
    )


@pytest.fixture
def order(organization, staff_actor, supplier, make_incident) -> SubIncident:
    return services.sub_incident_create(
        actor=staff_actor,
        incident=make_incident(title="Lekkage"),
        draft=SubIncidentDraft(kind=SubIncident.Kind.EXTERNAL, title="Kraan", contact=supplier),
    )


@pytest.fixture
def other_order(organization, staff_actor, supplier, make_incident) -> SubIncident:
    return services.sub_incident_create(
        actor=staff_actor,
        incident=make_incident(title="Deurbel"),
        draft=SubIncidentDraft(kind=SubIncident.Kind.EXTERNAL, title="Bel", contact=supplier),
    )


def sent_to_supplier(order: SubIncident) -> OutboxMessage:
    return OutboxMessage.objects.get(thread_key=order.thread_key, channel="email")


def receive(raw: bytes) -> InboundMail:
    return inbound_mail_receive(raw=raw, source="webhook")


def staff_told() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template="staff.work_order_status_changed"))


def test_supplier_emails_carry_the_sub_incident_thread_and_a_reply_token(order):
    row = sent_to_supplier(order)
    assert row.thread_key == f"sub_incident:{order.public_id}"
    assert row.reply_token


def test_a_reply_from_the_supplier_becomes_their_external_message(order, other_order, staff_user):
    row = sent_to_supplier(order)
    before = timezone.now()
    mail = receive(make_mail(sender=SUPPLIER, to=reply_address(row.reply_token), text=REPLY_TEXT))

    message = SubIncidentMessage.objects.get()
    assert message.sub_incident == order
    assert message.body == "Ik kom donderdag om 9 uur."
    assert message.visibility == Message.Visibility.EXTERNAL
    assert message.via == Message.Via.EMAIL
    assert message.from_party is True
    assert message.author_name == "Piet Loodgieter (Van Dam)"
    assert message.inbound_mail == mail
    assert not other_order.messages.exists()

    mail.refresh_from_db()
    assert mail.outcome == InboundMail.Outcome.THREADED
    assert mail.thread_key == order.thread_key
    assert mail.target_ref == f"sub_incident_message:{message.public_id}"
    assert mail.outcome_detail == ""
    order.refresh_from_db()
    assert order.last_activity_at >= before
    # Nothing lands on the main incident.
    assert not order.incident.messages.exists()

    [told] = staff_told()
    assert told.recipient == staff_user.email
    assert told.context["work_order_number"] == order.number
    audit = AuditEvent.objects.get(verb="sub_incident.reply_received")
    assert audit.object_id == order.public_id
    assert audit.actor_kind == AuditEvent.ActorKind.LINK
    # The supplier gets no automatic confirmation.
    assert not OutboxMessage.objects.filter(template="tenant.reply_received").exists()


def test_a_reply_found_by_in_reply_to_lands_on_the_right_sub_incident(order, other_order):
    row = sent_to_supplier(other_order)
    receive(
        make_mail(
            sender=SUPPLIER,
            to="noreply@meldpunt.localhost",
            in_reply_to=f"<outbox.{row.public_id}@meldpunt.localhost>",
        )
    )
    assert SubIncidentMessage.objects.get().sub_incident == other_order


def test_photos_and_pdfs_become_shared_files_others_are_noted(order):
    row = sent_to_supplier(order)
    mail = receive(
        make_mail(
            sender=SUPPLIER,
            to=reply_address(row.reply_token),
            attachments=[
                ("kraan.png", "image/png", png_bytes()),
                ("offerte.pdf", "application/pdf", PDF_BYTES),
                ("tool.exe", "application/octet-stream", b"MZ\x90\x00rest"),
            ],
        )
    )
    message = SubIncidentMessage.objects.get()
    files = list(SubIncidentAttachment.objects.order_by("id"))
    assert [f.original_name for f in files] == ["kraan.jpg", "offerte.pdf"]
    for attachment in files:
        assert attachment.sub_incident == order
        assert attachment.message == message
        assert attachment.visibility == Message.Visibility.EXTERNAL
        assert attachment.file.storage.exists(attachment.file.name)
    assert mail.outcome_detail == "Not kept (not a photo or PDF, or too large): tool.exe."


def test_a_reply_from_another_address_is_kept_for_staff_only(order, staff_user):
    row = sent_to_supplier(order)
    mail = receive(
        make_mail(
            sender="Onbekend <iemand@example.org>",
            to=reply_address(row.reply_token),
            attachments=[("foto.png", "image/png", png_bytes())],
        )
    )
    message = SubIncidentMessage.objects.get()
    assert message.visibility == Message.Visibility.INTERNAL
    assert message.from_party is False
    assert message.author_name == "Onbekend <iemand@example.org>"
    assert SubIncidentAttachment.objects.get().visibility == Message.Visibility.INTERNAL
    assert mail.outcome == InboundMail.Outcome.THREADED
    assert "kept as an internal message" in mail.outcome_detail
    assert "another address" in mail.outcome_detail
    assert len(staff_told()) == 1
    audit = AuditEvent.objects.get(verb="sub_incident.reply_received")
    assert audit.actor_kind == AuditEvent.ActorKind.SYSTEM


def test_a_reply_to_a_closed_sub_incident_is_kept_and_flagged(order, staff_actor):
    services.sub_incident_phase_change(
        actor=staff_actor, sub_incident=order, phase=Phase.objects.filter(is_closed=True).first()
    )
    row = sent_to_supplier(order)
    mail = receive(make_mail(sender=SUPPLIER, to=reply_address(row.reply_token)))
    assert SubIncidentMessage.objects.get().sub_incident == order
    assert mail.outcome_detail == "Reply to a closed sub-incident."


def test_a_reply_about_a_deleted_sub_incident_is_unrouted(order):
    row = sent_to_supplier(order)
    order.delete()
    mail = receive(make_mail(sender=SUPPLIER, to=reply_address(row.reply_token)))
    assert mail.outcome == InboundMail.Outcome.UNROUTED
    assert mail.outcome_detail == "The sub-incident this reply belongs to no longer exists."
    assert not SubIncidentMessage.objects.exists()


def test_an_automatic_reply_creates_nothing(order):
    row = sent_to_supplier(order)
    queued = OutboxMessage.objects.count()
    mail = receive(
        make_mail(
            sender=SUPPLIER,
            to=reply_address(row.reply_token),
            headers=[("Auto-Submitted", "auto-replied")],
        )
    )
    assert mail.outcome == InboundMail.Outcome.IGNORED
    assert not SubIncidentMessage.objects.exists()
    assert OutboxMessage.objects.count() == queued


def test_the_same_reply_twice_is_one_message(order):
    row = sent_to_supplier(order)
    raw = make_mail(
        sender=SUPPLIER,
        to=reply_address(row.reply_token),
        attachments=[("a.png", "image/png", png_bytes())],
    )
    receive(raw)
    inbound_mail_receive(raw=raw, source="imap")
    assert SubIncidentMessage.objects.count() == 1
    assert SubIncidentAttachment.objects.count() == 1
    assert len(staff_told()) == 1


def test_an_owner_reply_lands_on_the_owner_contact(organization, staff_actor, make_incident):
    owner = ContactFactory(kind=Contact.Kind.OWNER, name="Mevr. Jansen", email="jansen@example.net")
    request = services.sub_incident_create(
        actor=staff_actor,
        incident=make_incident(),
        draft=SubIncidentDraft(
            kind=SubIncident.Kind.OWNER,
            title="Toestemming",
            contact=owner,
            permission_question="Mag de ketel vervangen worden?",
        ),
    )
    row = sent_to_supplier(request)
    assert row.template == "owner.permission_request"
    receive(make_mail(sender="jansen@example.net", to=reply_address(row.reply_token), text="Ja."))
    message = SubIncidentMessage.objects.get()
    assert message.sub_incident == request and message.from_party
    # A reply by mail is no formal answer: the permission stays requested.
    request.refresh_from_db()
    assert request.permission == SubIncident.Permission.REQUESTED
