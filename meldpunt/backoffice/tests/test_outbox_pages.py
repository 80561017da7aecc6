"""The outbox in the back office and, while DEBUG is on, at /dev/outbox."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from meldpunt.accounts.models import StaffRole
from meldpunt.common.models import AuditEvent
from meldpunt.notifications.models import OutboxMessage
from meldpunt.notifications.services import notification_queue

pytestmark = pytest.mark.django_db


def queue(key: str, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "event": "notification.test_requested",
        "template": "test_message",
        "recipient": "huurder@example.net",
        "recipient_name": "Anna de Vries",
        "channel": "email",
        "context": {},
        "dedupe_key": key,
    }
    values.update(overrides)
    with transaction.atomic():
        return notification_queue(**values)


@pytest.fixture
def delivered(organization, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        message = queue("shown")
    message.refresh_from_db()
    return message


def test_staff_read_locally_kept_messages(staff_client, delivered):
    client = staff_client(StaffRole.USER)
    listing = client.get(reverse("backoffice:outbox"))
    assert listing.status_code == 200
    assert "Testbericht van Woonstichting Test" in listing.text
    assert "huurder@example.net" in listing.text
    detail = client.get(reverse("backoffice:outbox_detail", args=[delivered.public_id]))
    assert detail.status_code == 200
    assert "Beste Anna de Vries," in detail.text
    assert 'sandbox=""' in detail.text  # the HTML runs no script


def test_the_outbox_needs_a_staff_role(client, staff_client, delivered):
    url = reverse("backoffice:outbox")
    assert client.get(url).status_code == 302
    assert staff_client("").get(url).status_code == 403
    detail = reverse("backoffice:outbox_detail", args=[delivered.public_id])
    assert staff_client("").get(detail).status_code == 403


@pytest.mark.parametrize("public_id", ["unknown-id-000", "x"])
def test_an_unknown_message_is_404(staff_client, organization, public_id):
    url = reverse("backoffice:outbox_detail", args=[public_id])
    assert staff_client(StaffRole.USER).get(url).status_code == 404


def test_the_list_filters_by_status(staff_client, delivered):
    OutboxMessage.objects.filter(pk=delivered.pk).update(status="failed", needs_attention=True)
    client = staff_client(StaffRole.AGENT)
    assert "Testbericht" in client.get(reverse("backoffice:outbox"), {"status": "failed"}).text
    empty = client.get(reverse("backoffice:outbox"), {"status": "sent"})
    assert "Testbericht" not in empty.text
    assert client.get(reverse("backoffice:outbox"), {"status": "bogus"}).status_code == 200


def test_the_outbox_list_runs_a_constant_number_of_queries(
    staff_client, organization, django_assert_num_queries
):  # type: ignore[no-untyped-def]
    client = staff_client(StaffRole.USER)
    queue("first")
    client.get(reverse("backoffice:outbox"))
    with django_assert_num_queries(5):
        client.get(reverse("backoffice:outbox"))
    for index in range(30):
        queue(f"more-{index}")
    with django_assert_num_queries(5):
        response = client.get(reverse("backoffice:outbox"))
    assert response.status_code == 200


def test_pages_follow_each_other_newest_first(staff_client, organization):
    for index in range(55):
        queue(f"page-{index}", recipient=f"r{index}@example.net")
    client = staff_client(StaffRole.USER)
    first = client.get(reverse("backoffice:outbox"))
    assert "r54@example.net" in first.text and "r4@example.net" not in first.text
    cursor = first.context["page"].next_cursor
    second = client.get(reverse("backoffice:outbox"), {"cursor": cursor})
    assert "r4@example.net" in second.text and "r54@example.net" not in second.text


def test_an_admin_sends_a_test_message(
    staff_client, organization, django_capture_on_commit_callbacks
):
    client = staff_client(StaffRole.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("backoffice:outbox_test"), {"channel": "sms", "recipient": "06 12345678"}
        )
    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.recipient == "+31612345678"
    assert message.status == "sent"
    assert AuditEvent.objects.filter(verb="notification.test_requested").count() == 1


def test_a_bad_test_recipient_keeps_the_input_and_explains(staff_client, organization):
    client = staff_client(StaffRole.ADMIN)
    response = client.post(
        reverse("backoffice:outbox_test"), {"channel": "email", "recipient": "not-an-address"}
    )
    assert response.status_code == 422
    assert 'value="not-an-address"' in response.text
    assert "geldig e-mailadres" in response.text
    assert not OutboxMessage.objects.exists()


def test_only_admins_send_test_messages_and_only_by_post(staff_client, organization):
    url = reverse("backoffice:outbox_test")
    data = {"channel": "email", "recipient": "me@example.org"}
    assert staff_client(StaffRole.USER).post(url, data).status_code == 403
    assert staff_client(StaffRole.ADMIN).get(url).status_code == 405
    assert not OutboxMessage.objects.exists()


def test_the_development_outbox_is_open_only_in_debug(client, settings, delivered):
    settings.DEBUG = False
    assert client.get(reverse("dev_outbox")).status_code == 404
    assert client.get(reverse("dev_outbox_detail", args=[delivered.public_id])).status_code == 404
    settings.DEBUG = True
    listing = client.get(reverse("dev_outbox"))
    assert listing.status_code == 200
    assert reverse("dev_outbox_detail", args=[delivered.public_id]) in listing.text
    detail = client.get(reverse("dev_outbox_detail", args=[delivered.public_id]))
    assert "Beste Anna de Vries," in detail.text
