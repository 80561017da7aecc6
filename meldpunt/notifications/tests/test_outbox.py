from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from meldpunt.notifications.models import OutboxMessage
from meldpunt.notifications.services import (
    GIVE_UP_AFTER,
    backoff_after,
    claim_timeout,
    notification_queue,
    outbox_deliver,
    outbox_sweep,
)
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def queue_test_message(key: str = "test-1", channel: str = "email", **overrides):
    values = {
        "event": "notification.test_requested",
        "template": "test_message",
        "recipient": "huurder@example.net" if channel == "email" else "+31612345678",
        "recipient_name": "Anna de Vries",
        "channel": channel,
        "context": {},
        "dedupe_key": key,
        "language": "nl",
    }
    values.update(overrides)
    return notification_queue(**values)


def test_backoff_doubles_from_one_minute_and_stops_at_an_hour():
    assert [backoff_after(n).total_seconds() / 60 for n in range(1, 9)] == [
        1,
        2,
        4,
        8,
        16,
        32,
        60,
        60,
    ]


def test_a_message_queued_in_a_rolled_back_transaction_never_exists():
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_test_message()
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()


def test_queueing_the_same_dedupe_key_twice_keeps_one_message():
    OrganizationFactory()
    first = queue_test_message("same")
    second = queue_test_message("same", recipient="other@example.net")
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1


def test_an_undeclared_event_is_refused():
    with pytest.raises(ValueError, match="undeclared"):
        queue_test_message(event="nothing.happened")


def test_local_transport_keeps_the_rendered_message_for_the_outbox_viewer():
    OrganizationFactory(name="Woonstichting De Linden")
    with transaction.atomic():
        message = queue_test_message()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.transport == "local"
    assert message.attempts == 1
    assert message.subject == "Testbericht van Woonstichting De Linden"
    assert "Beste Anna de Vries," in message.body_text
    assert "Woonstichting De Linden" in message.body_html


def test_messages_are_rendered_in_the_recipients_language():
    OrganizationFactory(name="Boligstiftelsen")
    with transaction.atomic():
        english = queue_test_message("en", language="en")
        norwegian = queue_test_message("nb", language="nb", channel="sms")
    english.refresh_from_db()
    norwegian.refresh_from_db()
    assert english.subject == "Test message from Boligstiftelsen"
    assert norwegian.body_text == "Boligstiftelsen: dette er en testmelding."


def test_email_reaches_a_real_smtp_server_with_text_and_html(smtp_sink):
    OrganizationFactory(name="Woonstichting De Linden")
    with transaction.atomic():
        message = queue_test_message()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert len(smtp_sink.messages) == 1
    received = smtp_sink.messages[0]
    assert received["To"] == "Anna de Vries <huurder@example.net>"
    assert received["Message-ID"] == message.provider_message_id
    assert received["Auto-Submitted"] == "auto-generated"
    assert received.get_body(("plain",)).get_content().startswith("Beste Anna de Vries,")
    assert "<p>" in received.get_body(("html",)).get_content()


def test_smtp_down_then_back_delivers_every_message_exactly_once(smtp_sink):
    OrganizationFactory()
    smtp_sink.stop()
    with transaction.atomic():
        for index in range(3):
            queue_test_message(f"down-{index}")
    waiting = list(OutboxMessage.objects.all())
    assert {m.status for m in waiting} == {OutboxMessage.Status.QUEUED}
    assert all(m.attempts == 1 and m.last_error for m in waiting)
    assert all(m.next_attempt_at > timezone.now() for m in waiting)

    assert outbox_sweep() == 0  # nothing is due before the back-off has passed
    smtp_sink.start()
    later = timezone.now() + timedelta(minutes=2)
    assert outbox_sweep(now=later) == 3
    assert outbox_sweep(now=later) == 0
    assert len(smtp_sink.messages) == 3
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_a_second_delivery_of_a_sent_message_sends_nothing(smtp_sink):
    OrganizationFactory()
    with transaction.atomic():
        message = queue_test_message()
    assert outbox_deliver(message_id=message.pk) == "sent"
    assert outbox_deliver(message_id=message.pk) == "sent"
    assert len(smtp_sink.messages) == 1


def test_a_row_left_sending_by_a_dead_worker_is_reclaimed_after_the_timeout(smtp_sink):
    OrganizationFactory()
    now = timezone.now()
    message = OutboxMessage.objects.create(
        event="notification.test_requested",
        template="test_message",
        channel="email",
        recipient="huurder@example.net",
        dedupe_key="stuck",
        status="sending",
        attempts=1,
        claimed_at=now,
        next_attempt_at=now,
        give_up_at=now + GIVE_UP_AFTER,
    )
    assert outbox_sweep(now=now + claim_timeout() / 2) == 0
    assert outbox_sweep(now=now + claim_timeout() + timedelta(seconds=1)) == 1
    message.refresh_from_db()
    assert message.status == "sent"
    assert message.attempts == 2
    assert len(smtp_sink.messages) == 1


def test_after_72_hours_of_failures_the_message_is_flagged_for_staff(smtp_sink):
    OrganizationFactory()
    smtp_sink.stop()
    with transaction.atomic():
        message = queue_test_message()
    message.refresh_from_db()
    assert outbox_deliver(message_id=message.pk, now=message.give_up_at) == "failed"
    message.refresh_from_db()
    assert message.status == "failed"
    assert message.needs_attention
    assert "Error" in message.last_error or "refused" in message.last_error.lower()
    assert outbox_sweep(now=message.give_up_at + timedelta(hours=1)) == 0
