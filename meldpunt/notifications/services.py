"""Queueing and delivering outbox messages.

Guarantees (SPEC X-1, C-5): a message is written in the caller's transaction,
so it exists exactly when the change it reports exists; a dedupe key makes a
second queueing of the same message a no-op; a worker claims a row with a
conditional UPDATE and proceeds only if it won the row, so two workers never
send the same message; a row whose worker died is reclaimed after
``MELDPUNT_OUTBOX_CLAIM_TIMEOUT`` (the only window in which a duplicate can happen, with the
same Message-ID); failures are retried with exponential back-off for 72 hours,
then the row is flagged for staff.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from meldpunt.accounts.models import User
from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.common.events import is_declared
from meldpunt.notifications import events
from meldpunt.notifications.models import OutboxMessage, StaffPreference
from meldpunt.notifications.rendering import render_message
from meldpunt.notifications.transports import (
    DeliveryError,
    PermanentDeliveryError,
    transport_for,
)

logger = logging.getLogger(__name__)

GIVE_UP_AFTER = timedelta(hours=72)
MAX_BACKOFF = timedelta(hours=1)
FIRST_BACKOFF = timedelta(minutes=1)


def backoff_after(attempts: int) -> timedelta:
    """Wait before the next try: 1, 2, 4, 8 … minutes, at most an hour."""
    if attempts < 1:
        return timedelta(0)
    return min(FIRST_BACKOFF * 2 ** min(attempts - 1, 16), MAX_BACKOFF)


def notification_queue(
    *,
    event: str,
    recipient: str,
    channel: str,
    context: dict[str, Any],
    dedupe_key: str,
    template: str | None = None,
    recipient_name: str = "",
    language: str = "nl",
    thread_key: str = "",
) -> OutboxMessage:
    """Put one message in the outbox inside the caller's transaction.

    Queueing the same ``dedupe_key`` twice returns the first row unchanged.
    Delivery starts after the surrounding transaction commits. ``thread_key``
    (``"incident:<public id>"``) names the conversation a reply to this message
    belongs to; an email then carries a reply token in its Reply-To address.
    """
    if not is_declared(event):
        raise ValueError(f"undeclared event code {event!r}")
    if not recipient:
        raise ValueError("a message needs a recipient")
    now = timezone.now()
    existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                event=event,
                template=template or event,
                channel=channel,
                recipient=recipient,
                recipient_name=recipient_name,
                language=language,
                context=context,
                dedupe_key=dedupe_key,
                thread_key=thread_key,
                reply_token=secrets.token_hex(16) if thread_key and channel == "email" else "",
                next_attempt_at=now,
                give_up_at=now + GIVE_UP_AFTER,
            )
    except IntegrityError:
        # Queued by a concurrent transaction a moment ago: that row wins.
        return OutboxMessage.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(lambda: _enqueue_delivery(message.pk))
    return message


def _enqueue_delivery(message_id: int, *, run_after: datetime | None = None) -> None:
    from meldpunt.notifications.tasks import deliver_outbox_message

    task = deliver_outbox_message
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    elif run_after is not None:
        return  # a backend without deferral: the sweep picks the row up when due
    task.enqueue(message_id)


def claim_timeout() -> timedelta:
    return timedelta(seconds=settings.MELDPUNT_OUTBOX_CLAIM_TIMEOUT)


def _claim(message_id: int, now: datetime) -> bool:
    """Take the row for this worker; True only for the one worker that wins it."""
    due = Q(status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now)
    abandoned = Q(status=OutboxMessage.Status.SENDING, claimed_at__lt=now - claim_timeout())
    won = OutboxMessage.objects.filter(due | abandoned, pk=message_id).update(
        status=OutboxMessage.Status.SENDING,
        claimed_at=now,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    return won == 1


def outbox_deliver(*, message_id: int, now: datetime | None = None) -> str:
    """Try to deliver one message; returns its status afterwards.

    Safe to call any number of times and from any number of workers.
    """
    now = now or timezone.now()
    if not _claim(message_id, now):
        status = OutboxMessage.objects.filter(pk=message_id).values_list("status", flat=True)
        return status.first() or "missing"
    message = OutboxMessage.objects.get(pk=message_id)
    if message.attempts > 1 and message.last_error == "":
        logger.warning("outbox %s: delivering again after an interrupted attempt", message.pk)
    wait_until = _text_limit_reached_until(message, now)
    if wait_until is not None:
        return _postpone(message, wait_until, now)
    transport = transport_for(message.channel)
    try:
        rendered = render_message(message)
        provider_id = transport.send(message, rendered)
    except PermanentDeliveryError as error:
        return _give_up(message, str(error), now)
    except DeliveryError as error:
        return _record_failure(message, str(error), now)
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.SENDING).update(
        status=OutboxMessage.Status.SENT,
        sent_at=timezone.now(),
        transport=transport.name,
        provider_message_id=provider_id[:120],
        subject=rendered.subject[:250],
        body_text=rendered.text,
        body_html=rendered.html,
        last_error="",
        updated_at=timezone.now(),
    )
    return OutboxMessage.Status.SENT


TEXT_CHANNELS = ("sms", "whatsapp")


def _text_limit_reached_until(message: OutboxMessage, now: datetime) -> datetime | None:
    """When a text to this number may go out again, or None if it may go now."""
    if message.channel not in TEXT_CHANNELS:
        return None
    limit = settings.MELDPUNT_TEXTS_PER_RECIPIENT_PER_HOUR
    recent: list[datetime] = [
        sent_at
        for sent_at in OutboxMessage.objects.filter(
            recipient=message.recipient,
            channel__in=TEXT_CHANNELS,
            sent_at__gt=now - timedelta(hours=1),
        )
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)[:limit]
        if sent_at is not None
    ]
    if len(recent) < limit:
        return None
    return recent[-1] + timedelta(hours=1)


def _postpone(message: OutboxMessage, until: datetime, now: datetime) -> str:
    """Wait without counting an attempt: being over the rate limit is not a failure."""
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.QUEUED,
        attempts=F("attempts") - 1,
        next_attempt_at=until,
        claimed_at=None,
        updated_at=now,
    )
    logger.info(
        "outbox %s: text limit for this number reached, waiting until %s", message.pk, until
    )
    transaction.on_commit(lambda: _enqueue_delivery(message.pk, run_after=until))
    return OutboxMessage.Status.QUEUED


def _give_up(message: OutboxMessage, error: str, now: datetime) -> str:
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.FAILED,
        last_error=error[:2000],
        needs_attention=True,
        updated_at=now,
    )
    logger.error("outbox %s: gave up after %s attempts: %s", message.pk, message.attempts, error)
    return OutboxMessage.Status.FAILED


def _record_failure(message: OutboxMessage, error: str, now: datetime) -> str:
    next_try = now + backoff_after(message.attempts)
    if next_try > message.give_up_at:
        return _give_up(message, error, now)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.QUEUED,
        last_error=error[:2000],
        next_attempt_at=next_try,
        claimed_at=None,
        updated_at=now,
    )
    logger.info("outbox %s: attempt %s failed, next try %s", message.pk, message.attempts, next_try)
    transaction.on_commit(lambda: _enqueue_delivery(message.pk, run_after=next_try))
    return OutboxMessage.Status.QUEUED


def outbox_sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Deliver what is due or was abandoned by a dead worker; returns how many were tried."""
    now = now or timezone.now()
    due = Q(status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now)
    abandoned = Q(status=OutboxMessage.Status.SENDING, claimed_at__lt=now - claim_timeout())
    ids = list(
        OutboxMessage.objects.filter(due | abandoned)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in ids:
        outbox_deliver(message_id=message_id, now=now)
    return len(ids)


def delivery_status_record(*, provider_message_id: str, status: str) -> bool:
    """Store the provider's delivery report; True if it changed anything.

    Providers repeat callbacks; a repeated or stale report is a no-op.
    """
    if not provider_message_id:
        return False
    changed = (
        OutboxMessage.objects.filter(provider_message_id=provider_message_id)
        .exclude(delivery_status=status[:20])
        .update(delivery_status=status[:20], updated_at=timezone.now())
    )
    return changed > 0


# Topics a staff user hears about unless they switch them off.
DEFAULT_CHANNELS: dict[str, tuple[bool, bool]] = {
    StaffPreference.Topic.NEW_INCIDENT: (False, False),
    StaffPreference.Topic.HANDLED_INCIDENT: (True, False),
    StaffPreference.Topic.WORK_ORDER: (True, False),
}


def staff_preference_set(
    *, actor: Actor, user: User, topic: str, by_email: bool, by_whatsapp: bool
) -> StaffPreference:
    """Store how ``user`` hears about ``topic``; staff change their own, admins anyone's."""
    if topic not in StaffPreference.Topic.values:
        raise ValueError(f"unknown topic {topic!r}")
    if not (actor.is_admin or (actor.user is not None and actor.user.pk == user.pk)):
        raise PermissionDenied
    if by_whatsapp and not user_phone(user):
        raise ValidationError(
            _("Add your mobile number to your profile before choosing WhatsApp."),
            code="no_phone",
        )
    with transaction.atomic():
        preference, _created = StaffPreference.objects.update_or_create(
            user=user, topic=topic, defaults={"by_email": by_email, "by_whatsapp": by_whatsapp}
        )
    return preference


def user_phone(user: User) -> str:
    return user.phone


def staff_channels(*, user: User, topic: str) -> list[str]:
    """The channels ``user`` wants for ``topic``: a subset of email and WhatsApp."""
    stored = next(
        (p for p in user.notification_preferences.all() if p.topic == topic),
        None,
    )
    by_email, by_whatsapp = (
        (stored.by_email, stored.by_whatsapp) if stored else DEFAULT_CHANNELS[topic]
    )
    channels = []
    if by_email and user.email:
        channels.append("email")
    if by_whatsapp and user_phone(user):
        channels.append("whatsapp")
    return channels


def notification_test_send(*, actor: Actor, channel: str, recipient: str) -> OutboxMessage:
    """Queue a test message so an administrator can check a channel end to end."""
    if not actor.is_admin:
        raise PermissionDenied
    if channel not in ("email", "sms", "whatsapp"):
        raise ValidationError(_("Choose email, SMS or WhatsApp."), code="channel")
    if not recipient:
        raise ValidationError(_("Enter where the test message should go."), code="recipient")
    with transaction.atomic():
        message = notification_queue(
            event=events.TEST_MESSAGE,
            template="test_message",
            recipient=recipient,
            recipient_name=actor.user.get_full_name() if actor.user else "",
            channel=channel,
            context={},
            dedupe_key=f"test:{uuid.uuid4().hex}",
            language=translation.get_language() or "nl",
        )
        audit_record(
            actor=actor,
            verb=events.TEST_MESSAGE,
            obj=message,
            changes={"recipient": {"old": None, "new": recipient}},
        )
    return message
