"""SMS and WhatsApp through the real twilio client against a provider on loopback."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from twilio.request_validator import RequestValidator

from meldpunt.notifications.models import OutboxMessage
from meldpunt.notifications.services import notification_queue, outbox_sweep
from meldpunt.notifications.transports import status_callback_url
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def queue_text(key: str, channel: str = "sms", recipient: str = "+31612345678"):
    with transaction.atomic():
        return notification_queue(
            event="notification.test_requested",
            template="test_message",
            recipient=recipient,
            channel=channel,
            context={},
            dedupe_key=key,
            language="nl",
        )


def test_an_sms_goes_through_the_twilio_client_to_the_provider(fake_twilio):
    OrganizationFactory(name="Woonstichting De Linden")
    message = queue_text("sms-1")
    message.refresh_from_db()
    assert message.status == "sent"
    assert message.transport == "twilio"
    assert message.provider_message_id.startswith("SM")
    [request] = fake_twilio.requests
    assert request["_path"].endswith("/Accounts/AC" + "0" * 32 + "/Messages.json")
    assert request["To"] == "+31612345678"
    assert request["From"] == "+3197010000000"
    assert request["Body"].startswith("Woonstichting De Linden:")
    assert request["StatusCallback"] == status_callback_url()


def test_a_whatsapp_message_uses_whatsapp_addresses(fake_twilio):
    OrganizationFactory()
    queue_text("wa-1", channel="whatsapp")
    [request] = fake_twilio.requests
    assert request["To"] == "whatsapp:+31612345678"
    assert request["From"] == "whatsapp:+3197010000001"


def test_a_provider_error_is_retried_with_back_off_and_then_delivered_once(fake_twilio):
    OrganizationFactory()
    fake_twilio.mode = "error"
    message = queue_text("sms-retry")
    message.refresh_from_db()
    assert message.status == "queued"
    assert "500" in message.last_error
    assert message.next_attempt_at > timezone.now()
    fake_twilio.mode = "ok"
    assert outbox_sweep(now=timezone.now() + timedelta(minutes=2)) == 1
    message.refresh_from_db()
    assert message.status == "sent"
    assert message.attempts == 2
    assert len([r for r in fake_twilio.requests if r["To"] == "+31612345678"]) == 2
    assert fake_twilio.counter == 1


def test_a_provider_that_times_out_is_retried_with_back_off_and_delivered_once(
    fake_twilio, settings
):
    OrganizationFactory()
    settings.TWILIO_TIMEOUT = 1
    fake_twilio.mode = "slow"
    message = queue_text("sms-timeout")
    message.refresh_from_db()
    assert message.status == "queued"
    assert "Timeout" in message.last_error or "timed out" in message.last_error
    assert message.next_attempt_at > timezone.now()
    fake_twilio.mode = "ok"
    assert outbox_sweep(now=timezone.now() + timedelta(minutes=2)) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert fake_twilio.counter == 1


def test_a_refused_number_is_not_retried_and_is_flagged_for_staff(fake_twilio):
    OrganizationFactory()
    fake_twilio.mode = "invalid"
    message = queue_text("sms-invalid")
    message.refresh_from_db()
    assert message.status == "failed"
    assert message.needs_attention
    assert outbox_sweep(now=timezone.now() + timedelta(hours=2)) == 0


def test_texts_over_the_hourly_limit_wait_and_are_not_dropped(fake_twilio, settings):
    settings.MELDPUNT_TEXTS_PER_RECIPIENT_PER_HOUR = 2
    OrganizationFactory()
    for index in range(3):
        queue_text(f"limit-{index}")
    statuses = list(OutboxMessage.objects.order_by("pk").values_list("status", "attempts"))
    assert statuses == [("sent", 1), ("sent", 1), ("queued", 0)]
    waiting = OutboxMessage.objects.get(status="queued")
    assert waiting.next_attempt_at > timezone.now() + timedelta(minutes=59)
    assert outbox_sweep(now=waiting.next_attempt_at + timedelta(seconds=1)) == 1
    waiting.refresh_from_db()
    assert waiting.status == "sent"
    assert fake_twilio.counter == 3


def signed_post(client, params, token="test-auth-token"):
    signature = RequestValidator(token).compute_signature(status_callback_url(), params)
    return client.post(
        reverse("notifications:twilio_status"), params, headers={"X-Twilio-Signature": signature}
    )


def test_a_signed_delivery_report_is_stored_and_a_repeat_changes_nothing(fake_twilio, client):
    OrganizationFactory()
    message = queue_text("sms-report")
    message.refresh_from_db()
    params = {"MessageSid": message.provider_message_id, "MessageStatus": "delivered"}
    assert signed_post(client, params).status_code == 204
    message.refresh_from_db()
    assert message.delivery_status == "delivered"
    updated_at = message.updated_at
    assert signed_post(client, params).status_code == 204
    message.refresh_from_db()
    assert message.updated_at == updated_at


def test_a_forged_delivery_report_is_refused(fake_twilio, client):
    OrganizationFactory()
    message = queue_text("sms-forged")
    message.refresh_from_db()
    params = {"MessageSid": message.provider_message_id, "MessageStatus": "failed"}
    assert signed_post(client, params, token="wrong-token").status_code == 403
    assert client.post(reverse("notifications:twilio_status"), params).status_code == 403
    message.refresh_from_db()
    assert message.delivery_status == ""


def test_the_delivery_report_endpoint_is_post_only(client):
    assert client.get(reverse("notifications:twilio_status")).status_code == 405
