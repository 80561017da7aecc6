"""Reads of the outbox for the back office and the development viewer."""

from __future__ import annotations

from django.http import Http404

from meldpunt.common.actors import Actor
from meldpunt.common.pagination import Page, newest_first_page
from meldpunt.notifications.models import InboundMail, OutboxMessage

LIST_FIELDS = (
    "id",
    "public_id",
    "created_at",
    "template",
    "channel",
    "recipient",
    "recipient_name",
    "status",
    "attempts",
    "subject",
    "body_text",
    "transport",
    "needs_attention",
    "sent_at",
)


def _may_read_outbox(actor: Actor) -> bool:
    # Staff read the outbox; the development viewer acts as the system.
    return actor.is_staff or actor.kind == "system"


def outbox_page(*, actor: Actor, cursor: str | None, status: str = "", size: int = 50) -> Page:
    """Messages newest first, one query; optionally only one status."""
    if not _may_read_outbox(actor):
        raise Http404
    queryset = OutboxMessage.objects.only(*LIST_FIELDS)
    if status in OutboxMessage.Status.values:
        queryset = queryset.filter(status=status)
    return newest_first_page(queryset, cursor=cursor, size=size)


def outbox_message_get(*, actor: Actor, public_id: str) -> OutboxMessage:
    if not _may_read_outbox(actor):
        raise Http404
    message = OutboxMessage.objects.filter(public_id=public_id).first()
    if message is None:
        raise Http404
    return message


RECEIVED_FIELDS = (
    "id",
    "public_id",
    "created_at",
    "source",
    "sender",
    "sender_name",
    "subject",
    "outcome",
    "outcome_detail",
    "target_ref",
)


def inbound_mail_page(*, actor: Actor, cursor: str | None, outcome: str = "") -> Page:
    """Received email newest first, one query; optionally one outcome (e.g. unplaced)."""
    if not actor.is_staff:
        raise Http404
    queryset = InboundMail.objects.only(*RECEIVED_FIELDS)
    if outcome in InboundMail.Outcome.values:
        queryset = queryset.filter(outcome=outcome)
    return newest_first_page(queryset, cursor=cursor, size=50)
