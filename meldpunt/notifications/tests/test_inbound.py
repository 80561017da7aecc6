"""Inbound email: parsing, storing once, ignoring machines, routing, and the three sources."""

from __future__ import annotations

import base64
import json
import smtplib
from email.utils import make_msgid

import pytest
from django.core import mail as django_mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from meldpunt.incidents.models import InboxAttachment, InboxReport, Message
from meldpunt.notifications.inbound import (
    Handled,
    inbound_mail_receive,
    parse_mail,
    register_thread_handler,
)
from meldpunt.notifications.inbound.parsing import html_to_text, reply_part
from meldpunt.notifications.inbound.receive import _thread_handlers
from meldpunt.notifications.management.commands.mail_receive import smtp_controller
from meldpunt.notifications.models import InboundMail, OutboxMessage
from meldpunt.notifications.services import notification_queue, outbox_deliver
from meldpunt.notifications.tests.conftest import free_port
from meldpunt.notifications.tests.mails import (
    INCIDENT_ADDRESS,
    PDF_BYTES,
    make_mail,
    png_bytes,
)
from meldpunt.notifications.transports import reply_address
from tests.factories import OrganizationFactory

TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def mail_settings(settings, tmp_path):
    settings.MELDPUNT_MAIL_DOMAIN = "meldpunt.localhost"
    settings.MELDPUNT_REPLY_ADDRESS = "reply+{token}@meldpunt.localhost"
    settings.MELDPUNT_INCIDENT_ADDRESS = INCIDENT_ADDRESS
    settings.DEFAULT_FROM_EMAIL = "Woonstichting <noreply@meldpunt.localhost>"
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


def receive(raw: bytes, **kwargs) -> InboundMail:
    return inbound_mail_receive(raw=raw, source=kwargs.pop("source", "imap"), **kwargs)


# --- parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "history",
    [
        "On Mon, 3 Nov 2025 at 10:00, Meldpunt <reply+abc@meldpunt.localhost> wrote:\n> Oud",
        "Op ma 3 nov 2025 om 10:00 schreef Meldpunt <reply+abc@meldpunt.localhost>:\n> Oud",
        "Den 3. nov. 2025 kl. 10:00 skrev Meldpunt <reply+abc@meldpunt.localhost>:\n> Oud",
        "man. 3. nov. 2025 kl. 10:00 skrev Meldpunt <reply+abc@meldpunt.localhost>:\n> Oud",
        "Op 3 nov. 2025, om 10:00 heeft Meldpunt <reply+abc@meldpunt.localhost> het volgende "
        "geschreven:\n\n> Oud",
        "On Mon, 3 Nov 2025 at 10:00, Woonstichting De Linden <\n"
        "reply+abc@meldpunt.localhost> wrote:\n\n> Oud",
        "-----Original Message-----\nFrom: Meldpunt\nSent: Monday\n\nOud",
        "-----Oorspronkelijk bericht-----\nVan: Meldpunt\nVerzonden: maandag\n\nOud",
        "Van: Meldpunt <noreply@meldpunt.localhost>\nVerzonden: maandag 3 november 2025 10:00\n"
        "Aan: Anna\nOnderwerp: Uw melding\n\nOud",
        "Fra: Meldpunt <noreply@meldpunt.localhost>\nSendt: mandag 3. november 2025 10:00\n\nOud",
        "-- \nAnna de Vries\nKerkstraat 1",
        "> Oud\n> bericht",
    ],
)
def test_the_reply_part_cuts_quoted_history_and_signature_in_each_language(history):
    text = f"Het lekt nog steeds.\nKunt u langskomen?\n\n{history}\n"
    assert reply_part(text) == "Het lekt nog steeds.\nKunt u langskomen?"


@pytest.mark.parametrize(
    "text",
    [
        "Ik schreef u vorige week al over de kraan.\nOp zolder is het ook nat.",
        "Op zolder schreef mijn zoon het volgende op de muur:\nNiet lekken!",
        "Den gamle leieboeren skrev dette på døra:\nIkke rør!",
        "Om 10:30 schreef ik u al het volgende:\nDe kraan lekt.",
    ],
)
def test_a_sentence_that_merely_mentions_writing_is_kept(text):
    assert reply_part(text) == text


def test_inline_quotes_are_dropped_and_the_answers_kept():
    text = "> Wanneer bent u thuis?\nDinsdag de hele dag.\n> Is er schade?\nJa, aan het plafond."
    assert reply_part(text) == "Dinsdag de hele dag.\nJa, aan het plafond."


def test_a_phone_footer_goes_but_text_before_it_stays():
    assert reply_part("Prima, tot dinsdag.\n\nVerzonden vanaf mijn iPhone") == "Prima, tot dinsdag."
    assert reply_part("Takk!\n\nSendt fra min iPhone\n") == "Takk!"


def test_a_mail_that_is_only_quote_keeps_its_whole_text():
    text = "> Wanneer bent u thuis?\n> Graag uw reactie."
    assert reply_part(text) == text


def test_html_only_mail_becomes_readable_text_without_scripts_and_without_the_quote():
    html = (
        "<html><head><style>p{color:red}</style><title>x</title></head><body>"
        '<div dir="ltr">Hallo,<div><br></div><div>Het lekt <b>erger</b>&nbsp;nu.</div>'
        "<ul><li>badkamer</li><li>keuken</li></ul></div><script>alert(1)</script>"
        '<div class="gmail_quote"><div class="gmail_attr">Op ma 3 nov 2025 om 10:00 schreef '
        "Meldpunt &lt;reply+x@meldpunt.localhost&gt;:<br></div>"
        "<blockquote>Oude tekst<br>nog meer</blockquote></div></body></html>"
    )
    parsed = parse_mail(make_mail(text=None, html=html))
    assert parsed.reply_text == "Hallo,\n\nHet lekt erger nu.\n- badkamer\n- keuken"
    assert "> Oude tekst" in parsed.text
    assert "alert" not in parsed.text and "color" not in parsed.text


def test_html_paragraphs_and_quotes_keep_their_shape():
    text = html_to_text("<p>Een</p><p>Twee<br>Drie</p><blockquote><p>Oud</p></blockquote>")
    assert text == "Een\n\nTwee\nDrie\n\n> Oud"


def test_plain_text_is_preferred_over_html():
    parsed = parse_mail(make_mail(text="Platte tekst", html="<p>HTML tekst</p>"))
    assert parsed.text == "Platte tekst"


def test_unicode_and_emoji_subjects_and_names_are_decoded():
    raw = make_mail(
        sender="Bjørn Ærlig <bjorn@example.no>",
        subject="Vannlekkasje på badet 💧 – hastesak",
        text="Hei, det drypper fra taket 💦",
    )
    parsed = parse_mail(raw)
    assert parsed.subject == "Vannlekkasje på badet 💧 – hastesak"
    assert parsed.sender_name == "Bjørn Ærlig"
    assert parsed.sender == "bjorn@example.no"
    assert parsed.text == "Hei, det drypper fra taket 💦"


def test_a_latin1_body_and_encoded_subject_are_decoded():
    raw = (
        b"From: Anna <anna@example.net>\r\nTo: meldingen@meldpunt.localhost\r\n"
        b"Subject: =?iso-8859-1?q?Caf=E9_kapot?=\r\nMessage-ID: <l1@example.net>\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\nDe deur van het caf\xe9 klemt.\r\n"
    )
    parsed = parse_mail(raw)
    assert parsed.subject == "Café kapot"
    assert parsed.text == "De deur van het café klemt."


def test_format_flowed_text_is_joined_into_paragraphs():
    raw = (
        b"From: a@example.net\r\nTo: meldingen@meldpunt.localhost\r\nSubject: x\r\n"
        b"Content-Type: text/plain; charset=utf-8; format=flowed\r\n\r\n"
        b"Dit is een lange zin die \r\nover twee regels loopt.\r\n"
    )
    assert parse_mail(raw).text == "Dit is een lange zin die over twee regels loopt."


def test_attachments_are_found_with_their_names_and_bytes():
    raw = make_mail(
        attachments=[
            ("plafond.png", "image/png", png_bytes()),
            ("offerte.pdf", "application/pdf", PDF_BYTES),
            ("signature.asc", "application/pgp-signature", b"-----BEGIN PGP SIGNATURE-----"),
        ]
    )
    parsed = parse_mail(raw)
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("plafond.png", "image/png"),
        ("offerte.pdf", "application/pdf"),
    ]
    assert parsed.attachments[1].data == PDF_BYTES
    assert parsed.text == "Er lekt water uit het plafond."


def test_an_inline_image_without_a_name_gets_one():
    raw = (
        b"From: a@example.net\r\nTo: meldingen@meldpunt.localhost\r\nSubject: x\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Zie foto</p>\r\n"
        b"--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
        b"Content-ID: <foto1>\r\n\r\n" + base64.encodebytes(png_bytes()) + b"--b--\r\n"
    )
    parsed = parse_mail(raw)
    with translation.override("en"):
        assert parse_mail(raw).attachments[0].filename == "attachment-1.png"
    assert parsed.text == "Zie foto"


def test_recipients_include_cc_and_delivery_headers_and_references_start_with_in_reply_to():
    raw = make_mail(
        to="Meldingen <MELDINGEN@meldpunt.localhost>",
        headers=[("Cc", "buurman@example.net"), ("Delivered-To", "reply+abc@meldpunt.localhost")],
        in_reply_to="<b@x>",
        references="<a@x> <b@x>",
    )
    parsed = parse_mail(raw)
    assert parsed.recipients == (
        "meldingen@meldpunt.localhost",
        "buurman@example.net",
        "reply+abc@meldpunt.localhost",
    )
    assert parsed.references == ("<b@x>", "<a@x>")


def test_a_mail_without_message_id_gets_a_stable_one_from_its_bytes():
    raw = make_mail(message_id=None)
    first, second = parse_mail(raw), parse_mail(raw)
    assert first.message_id == second.message_id
    assert first.message_id.startswith("<sha256.")
    assert parse_mail(make_mail(message_id=None, text="iets anders")).message_id != first.message_id


# --- storing and deduplication ------------------------------------------------------------


def test_a_received_mail_is_stored_with_its_raw_bytes(db):
    raw = make_mail(message_id="<m1@example.net>")
    stored = receive(raw)
    stored.refresh_from_db()
    assert bytes(stored.raw) == raw
    assert stored.message_id == "<m1@example.net>"
    assert stored.sender == "anna@example.net"
    assert stored.sender_name == "Anna de Vries"
    assert stored.recipients == INCIDENT_ADDRESS
    assert stored.subject == "Lekkage in de badkamer"
    assert stored.source == InboundMail.Source.IMAP


def test_the_same_mail_twice_is_stored_and_handled_once(db):
    raw = make_mail(message_id="<twice@example.net>")
    first = receive(raw)
    second = receive(raw, source="webhook")
    assert first.pk == second.pk
    assert InboundMail.objects.count() == 1
    assert InboxReport.objects.count() == 1


def test_a_mail_without_message_id_twice_is_stored_once(db):
    raw = make_mail(message_id=None)
    assert receive(raw).pk == receive(raw).pk
    assert InboundMail.objects.count() == 1
    assert InboxReport.objects.count() == 1


def test_a_mail_over_the_size_limit_is_refused_with_a_reason(db, settings):
    settings.MELDPUNT_INBOUND_MAX_BYTES = 2000
    raw = make_mail(
        message_id="<big@example.net>", attachments=[("a.pdf", "application/pdf", b"x" * 5000)]
    )
    stored = receive(raw)
    assert stored.outcome == InboundMail.Outcome.UNROUTED
    assert stored.outcome_detail.startswith("Too large to process")
    assert stored.sender == "anna@example.net"
    assert bytes(stored.raw) == b""
    assert not InboxReport.objects.exists()
    assert receive(raw).pk == stored.pk


def test_an_unknown_source_is_refused(db):
    with pytest.raises(ValueError, match="source"):
        inbound_mail_receive(raw=make_mail(), source="fax")


# --- machines, bounces and loops ----------------------------------------------------------

MACHINE_MAILS = {
    "auto-replied": {"headers": [("Auto-Submitted", "auto-replied")]},
    "auto-generated": {"headers": [("Auto-Submitted", "auto-generated; type=vacation")]},
    "precedence bulk": {"headers": [("Precedence", "bulk")]},
    "precedence junk": {"headers": [("Precedence", "junk")]},
    "precedence list": {"headers": [("Precedence", "list")]},
    "x-autoreply": {"headers": [("X-Autoreply", "yes")]},
    "x-autorespond": {"headers": [("X-Autorespond", "vacation")]},
    "mailing list": {"headers": [("List-Id", "<bewoners.example.net>")]},
    "empty return path": {"headers": [("Return-Path", "<>")]},
    "mailer-daemon": {"sender": "Mail Delivery System <MAILER-DAEMON@mx.example.net>"},
    "postmaster": {"sender": "postmaster@example.net"},
    "our own from address": {"sender": "Woonstichting <noreply@meldpunt.localhost>"},
    "our incident address": {"sender": INCIDENT_ADDRESS},
    "a reply address": {"sender": f"reply+{TOKEN}@meldpunt.localhost"},
    "our own notification": {"message_id": "<outbox.AbCdEfGh1234@meldpunt.localhost>"},
    "no sender": {"sender": ""},
}


@pytest.mark.parametrize("variant", MACHINE_MAILS)
def test_automatic_mail_is_ignored_and_creates_and_queues_nothing(db, variant):
    stored = receive(make_mail(**MACHINE_MAILS[variant]))
    assert stored.outcome == InboundMail.Outcome.IGNORED
    assert stored.outcome_detail
    assert not InboxReport.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_delivery_status_report_is_ignored(db):
    raw = (
        b"From: Mail Delivery Subsystem <bounces@mx.example.net>\r\n"
        b"To: meldingen@meldpunt.localhost\r\nSubject: Undelivered Mail\r\n"
        b"Message-ID: <dsn1@mx.example.net>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n'
        b"--r\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        b"--r\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.example.net\r\n\r\nFinal-Recipient: rfc822; x@example.net\r\n"
        b"Action: failed\r\nStatus: 5.1.1\r\n\r\n--r--\r\n"
    )
    stored = receive(raw)
    assert stored.outcome == InboundMail.Outcome.IGNORED
    assert not InboxReport.objects.exists()


def test_a_bounce_with_an_empty_envelope_sender_is_ignored(db):
    stored = receive(make_mail(), source="smtp", envelope_sender="")
    assert stored.outcome == InboundMail.Outcome.IGNORED


def test_auto_submitted_no_is_a_person_writing(db):
    stored = receive(make_mail(headers=[("Auto-Submitted", "no")]))
    assert stored.outcome == InboundMail.Outcome.REPORTED


# --- routing ------------------------------------------------------------------------------


def test_new_mail_to_the_incident_address_becomes_an_inbox_report(db):
    stored = receive(
        make_mail(
            to=f"Meldingen <{INCIDENT_ADDRESS.upper()}>",
            attachments=[("a.png", "image/png", png_bytes())],
        )
    )
    report = InboxReport.objects.get()
    assert stored.outcome == InboundMail.Outcome.REPORTED
    assert stored.target_ref == f"inbox_report:{report.public_id}"
    assert InboxAttachment.objects.filter(report=report).count() == 1


def test_mail_to_another_address_that_answers_nothing_is_unrouted(db):
    stored = receive(make_mail(to="info@example.org"))
    assert stored.outcome == InboundMail.Outcome.UNROUTED
    assert INCIDENT_ADDRESS in stored.outcome_detail
    assert not InboxReport.objects.exists()


def test_an_unknown_reply_token_is_unrouted_even_at_the_incident_address(db):
    stored = receive(make_mail(to=f"reply+{TOKEN}@meldpunt.localhost, {INCIDENT_ADDRESS}"))
    assert stored.outcome == InboundMail.Outcome.UNROUTED
    assert stored.outcome_detail == "Sent to a reply address no notification of ours had."
    assert not InboxReport.objects.exists()
    assert not Message.objects.exists()


def _outbox_row(thread_key: str) -> OutboxMessage:
    return notification_queue(
        event="notification.test_requested",
        template="test_message",
        recipient="anna@example.net",
        channel="email",
        context={},
        dedupe_key=f"t:{thread_key}",
        thread_key=thread_key,
    )


def test_a_reply_in_a_conversation_nobody_handles_is_unrouted_with_its_thread(db):
    row = _outbox_row("workorder:abc123")
    stored = receive(make_mail(to=reply_address(row.reply_token)))
    assert stored.outcome == InboundMail.Outcome.UNROUTED
    assert stored.thread_key == "workorder:abc123"
    assert "workorder" in stored.outcome_detail


@pytest.fixture
def broken_handler():
    def handler(*, mail, parsed, thread_key):
        raise RuntimeError("handler bug")

    register_thread_handler("broken", handler)
    yield
    _thread_handlers.pop("broken", None)


@pytest.fixture
def recording_handler():
    calls = []

    def handler(*, mail, parsed, thread_key):
        calls.append((thread_key, parsed.reply_text))
        return Handled(InboundMail.Outcome.THREADED, target_ref="thing:1")

    register_thread_handler("thing", handler)
    yield calls
    _thread_handlers.pop("thing", None)


def test_a_handler_that_fails_leaves_the_mail_unrouted_with_the_reason(db, broken_handler):
    row = _outbox_row("broken:1")
    stored = receive(make_mail(in_reply_to=f"<outbox.{row.public_id}@meldpunt.localhost>"))
    assert stored.outcome == InboundMail.Outcome.UNROUTED
    assert stored.outcome_detail == "Could not be processed (RuntimeError)."
    assert bytes(stored.raw)


def test_a_reply_from_another_address_is_placed_and_flagged(db, recording_handler):
    row = _outbox_row("thing:1")
    stored = receive(make_mail(sender="iemand@example.org", to=reply_address(row.reply_token)))
    assert stored.outcome == InboundMail.Outcome.THREADED
    assert "another address" in stored.outcome_detail
    assert recording_handler == [("thing:1", "Er lekt water uit het plafond.")]


def test_a_provider_message_id_in_references_finds_the_conversation(db, recording_handler):
    row = _outbox_row("thing:1")
    OutboxMessage.objects.filter(pk=row.pk).update(provider_message_id="pm-0001@postmark")
    stored = receive(make_mail(to="info@example.org", references="<pm-0001@postmark>"))
    assert stored.thread_key == "thing:1"
    assert stored.outcome == InboundMail.Outcome.THREADED


# --- provider webhook (Postmark inbound, raw MIME) ----------------------------------------


def _postmark_post(client, raw: bytes, auth: str | None):
    payload = {
        "FromFull": {"Email": "anna@example.net", "Name": "Anna de Vries"},
        "Headers": [{"Name": "Return-Path", "Value": "<anna@example.net>"}],
        "RawEmail": raw.decode(),
    }
    extra = {}
    if auth is not None:
        extra["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(auth.encode()).decode()
    return client.post(
        reverse("notifications:postmark_inbound"),
        data=json.dumps(payload),
        content_type="application/json",
        **extra,
    )


@pytest.fixture
def webhook_secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "postmark:s3cret-webhook"}


@pytest.mark.parametrize("auth", [None, "postmark:wrong", "other:s3cret-webhook"])
def test_a_forged_webhook_is_refused_and_stores_nothing(db, client, webhook_secret, auth):
    response = _postmark_post(client, make_mail(), auth)
    assert 400 <= response.status_code < 500
    assert not InboundMail.objects.exists()


def test_a_webhook_without_a_configured_secret_is_refused(db, client):
    response = _postmark_post(client, make_mail(), "postmark:anything")
    assert 400 <= response.status_code < 500
    assert not InboundMail.objects.exists()


def test_the_webhook_with_the_right_credentials_stores_the_mail(db, client, webhook_secret):
    raw = make_mail(message_id="<hook@example.net>", subject="Kapotte lamp 💡")
    response = _postmark_post(client, raw, "postmark:s3cret-webhook")
    assert response.status_code == 200
    stored = InboundMail.objects.get()
    assert stored.source == InboundMail.Source.WEBHOOK
    assert stored.message_id == "<hook@example.net>"
    assert stored.subject == "Kapotte lamp 💡"
    assert stored.outcome == InboundMail.Outcome.REPORTED
    # The provider retries: nothing new.
    assert _postmark_post(client, raw, "postmark:s3cret-webhook").status_code == 200
    assert InboundMail.objects.count() == 1 and InboxReport.objects.count() == 1


def test_the_webhook_only_answers_post(db, client, webhook_secret):
    assert client.get(reverse("notifications:postmark_inbound")).status_code == 405


# --- sending: Reply-To and provider errors ------------------------------------------------


@pytest.fixture
def email_transport(settings):
    settings.MELDPUNT_TRANSPORTS = {**settings.MELDPUNT_TRANSPORTS, "email": "email"}
    OrganizationFactory(name="Woonstichting De Linden")


def test_a_notification_in_a_conversation_carries_its_reply_address(db, email_transport):
    row = _outbox_row("incident:abc")
    assert len(row.reply_token) == 32
    assert outbox_deliver(message_id=row.pk) == OutboxMessage.Status.SENT
    sent = django_mail.outbox[-1]
    assert sent.reply_to == [f"reply+{row.reply_token}@meldpunt.localhost"]
    assert sent.extra_headers["Message-ID"] == f"<outbox.{row.public_id}@meldpunt.localhost>"


def test_a_notification_without_a_conversation_has_no_reply_address(db, email_transport):
    row = _outbox_row("")
    outbox_deliver(message_id=row.pk)
    assert row.reply_token == ""
    assert django_mail.outbox[-1].reply_to == []


class FakePostmark:
    """Postmark's send API on loopback; ``mode`` picks the answer."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        fake = self
        self.mode = "ok"
        self.requests: list[dict] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length))
                fake.requests.append(body)
                status, answer = {
                    "ok": (
                        200,
                        {"To": body["To"], "MessageID": "pm-42", "ErrorCode": 0, "Message": "OK"},
                    ),
                    "inactive": (
                        422,
                        {
                            "ErrorCode": 406,
                            "Message": "You tried to send to a recipient that has been marked as "
                            "inactive.\nFound inactive addresses: anna@example.net.\nInactive "
                            "recipients are ones that have generated a hard bounce or a spam "
                            "complaint. ",
                        },
                    ),
                    "bad_request": (422, {"ErrorCode": 300, "Message": "Invalid 'From' address."}),
                    "down": (503, {"ErrorCode": 100, "Message": "Maintenance"}),
                }[fake.mode]
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_postmark(settings, email_transport):
    fake = FakePostmark()
    settings.MAILERS = {
        "default": {"BACKEND": "anymail.backends.postmark.EmailBackend", "OPTIONS": {}}
    }
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "test-token", "POSTMARK_API_URL": fake.url}
    yield fake
    fake.close()


def test_a_provider_send_keeps_the_providers_message_id_and_the_reply_to(db, fake_postmark):
    row = _outbox_row("incident:abc")
    assert outbox_deliver(message_id=row.pk) == OutboxMessage.Status.SENT
    row.refresh_from_db()
    assert row.provider_message_id == "pm-42"
    assert fake_postmark.requests[0]["ReplyTo"] == f"reply+{row.reply_token}@meldpunt.localhost"


@pytest.mark.parametrize("mode", ["inactive", "bad_request"])
def test_a_refused_recipient_or_invalid_request_is_given_up(db, fake_postmark, mode):
    fake_postmark.mode = mode
    row = _outbox_row("incident:abc")
    assert outbox_deliver(message_id=row.pk) == OutboxMessage.Status.FAILED
    row.refresh_from_db()
    assert row.needs_attention
    assert row.last_error.startswith("Anymail")


def test_a_provider_outage_is_tried_again(db, fake_postmark):
    fake_postmark.mode = "down"
    row = _outbox_row("incident:abc")
    assert outbox_deliver(message_id=row.pk) == OutboxMessage.Status.QUEUED
    row.refresh_from_db()
    assert "AnymailRequestsAPIError" in row.last_error
    assert not row.needs_attention


# --- local SMTP receiver (manage.py mail_receive) -----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_mail_sent_over_smtp_on_loopback_is_received():
    port = free_port()
    controller = smtp_controller(port=port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail("anna@example.net", [INCIDENT_ADDRESS], make_mail(message_id="<s1@x>"))
            client.sendmail("", [INCIDENT_ADDRESS], make_mail(message_id="<bounce@x>"))
    finally:
        controller.stop()
    first = InboundMail.objects.get(message_id="<s1@x>")
    assert first.source == InboundMail.Source.SMTP
    assert first.outcome == InboundMail.Outcome.REPORTED
    assert InboundMail.objects.get(message_id="<bounce@x>").outcome == InboundMail.Outcome.IGNORED
    assert InboxReport.objects.count() == 1


# --- mailbox (manage.py mail_fetch) -------------------------------------------------------


def test_mail_fetch_receives_unseen_mail_and_marks_it_seen(db, fake_imap):
    old = fake_imap.add(make_mail(message_id="<old@x>"), seen=True)
    new = fake_imap.add(make_mail(message_id="<new@x>", subject="Verwarming"))
    call_command("mail_fetch")
    stored = InboundMail.objects.get()
    assert stored.message_id == "<new@x>"
    assert stored.source == InboundMail.Source.IMAP
    assert InboxReport.objects.get().subject == "Verwarming"
    assert "\\Seen" in new.flags and old.flags == {"\\Seen"}
    assert any("BODY.PEEK[]" in command for command in fake_imap.commands)


def test_mail_fetch_after_a_crash_fetches_again_without_duplicates(db, fake_imap):
    message = fake_imap.add(make_mail(message_id=make_msgid()))
    fake_imap.hang_up_on_store = True
    with pytest.raises(CommandError):
        call_command("mail_fetch")
    assert InboundMail.objects.count() == 1
    assert "\\Seen" not in message.flags

    fake_imap.hang_up_on_store = False
    call_command("mail_fetch")
    assert InboundMail.objects.count() == 1
    assert InboxReport.objects.count() == 1
    assert "\\Seen" in message.flags


def test_mail_fetch_with_a_wrong_password_stops_with_a_message(db, fake_imap, settings):
    settings.MELDPUNT_IMAP_PASSWORD = "fout"
    fake_imap.add(make_mail())
    with pytest.raises(CommandError, match="refused the login"):
        call_command("mail_fetch")
    assert not InboundMail.objects.exists()


def test_mail_fetch_without_a_mailbox_setting_says_what_to_set(db, settings):
    settings.MELDPUNT_IMAP_HOST = ""
    with pytest.raises(CommandError, match="MELDPUNT_IMAP_HOST"):
        call_command("mail_fetch")
