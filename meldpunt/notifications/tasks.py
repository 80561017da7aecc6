"""Background tasks: thin wrappers that take ids and call a service."""

from __future__ import annotations

from django.tasks import task

from meldpunt.notifications.services import outbox_deliver


@task()
def deliver_outbox_message(message_id: int) -> str:
    return outbox_deliver(message_id=message_id)
