"""The outbox: every message to a tenant, supplier, owner or staff user is a row here
first, written in the same transaction as the change it tells about."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meldpunt.common.models import PublicModel, TimeStampedModel
from meldpunt.people.models import Channel


class OutboxMessage(PublicModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    event = models.CharField(_("event"), max_length=80)
    template = models.CharField(_("template"), max_length=80)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    recipient_name = models.CharField(_("recipient name"), max_length=160, blank=True)
    language = models.CharField(_("language"), max_length=8, default="nl")
    context = models.JSONField(_("context"), default=dict, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next try"))
    give_up_at = models.DateTimeField(_("give up at"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    needs_attention = models.BooleanField(_("needs attention"), default=False)
    transport = models.CharField(_("transport"), max_length=20, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=120, blank=True)
    delivery_status = models.CharField(
        _("delivery status"),
        max_length=20,
        blank=True,
        help_text=_("As last reported by the provider (delivered, undelivered …)."),
    )

    subject = models.CharField(_("subject"), max_length=250, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)

    thread_key = models.CharField(
        _("conversation"),
        max_length=80,
        blank=True,
        help_text=_("The conversation a reply belongs to, as type:public id."),
    )
    reply_token = models.CharField(_("reply token"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_due_idx",
                condition=Q(status="queued"),
            ),
            models.Index(
                fields=["claimed_at"], name="outbox_sending_idx", condition=Q(status="sending")
            ),
            models.Index(fields=["-created_at", "-id"], name="outbox_recent_idx"),
            models.Index(fields=["transport", "-created_at", "-id"], name="outbox_transport_idx"),
            models.Index(fields=["recipient", "sent_at"], name="outbox_recipient_sent_idx"),
            models.Index(
                fields=["reply_token"], name="outbox_reply_token_idx", condition=~Q(reply_token="")
            ),
            models.Index(
                fields=["provider_message_id"],
                name="outbox_provider_id_idx",
                condition=~Q(provider_message_id=""),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="outbox_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient} ({self.status})"


class StaffPreference(models.Model):
    """How a staff user wants to hear about their work (SPEC INC-15)."""

    class Topic(models.TextChoices):
        NEW_INCIDENT = "new_incident", _("New incidents")
        HANDLED_INCIDENT = "handled_incident", _("Incidents I handle")
        WORK_ORDER = "work_order", _("Work-order changes")

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notification_preferences"
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    by_email = models.BooleanField(_("by email"), default=True)
    by_whatsapp = models.BooleanField(_("by WhatsApp"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="staff_preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_topic_display()}"


class MessageTemplate(TimeStampedModel):
    """An organization's own wording of one message in one language (ADM-SET).

    Without a row the shipped default for that message and language is used;
    deleting the row restores the default.
    """

    key = models.CharField(_("message"), max_length=80)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    body_html = models.TextField(_("HTML body"), blank=True)
    body_text = models.TextField(_("text body"), blank=True)
    sms_text = models.TextField(_("SMS and WhatsApp text"), blank=True)
    updated_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="message_template_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"


class InboundMail(PublicModel):
    """One received email, kept as received, and what became of it (INC-14)."""

    class Source(models.TextChoices):
        WEBHOOK = "webhook", _("Provider webhook")
        IMAP = "imap", _("Mailbox (IMAP)")
        SMTP = "smtp", _("Local receiver")

    class Outcome(models.TextChoices):
        RECEIVED = "received", _("Received")
        THREADED = "threaded", _("Added to a conversation")
        REPORTED = "reported", _("New report")
        IGNORED = "ignored", _("Ignored (automatic reply or bounce)")
        UNROUTED = "unrouted", _("Could not be placed")

    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    message_id = models.CharField(_("Message-ID"), max_length=250)
    sender = models.EmailField(_("from"), max_length=254, blank=True)
    sender_name = models.CharField(_("sender name"), max_length=200, blank=True)
    recipients = models.TextField(_("to"), blank=True)
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    raw = models.BinaryField(_("raw message"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.RECEIVED
    )
    outcome_detail = models.CharField(_("detail"), max_length=250, blank=True)
    thread_key = models.CharField(_("conversation"), max_length=80, blank=True)
    target_ref = models.CharField(
        _("created object"),
        max_length=80,
        blank=True,
        help_text=_("What the mail became, as type:public id."),
    )

    class Meta:
        verbose_name = _("received email")
        verbose_name_plural = _("received emails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="inbound_recent_idx"),
        ]
        constraints = [
            # A provider that retries its webhook, or a mailbox fetched twice,
            # cannot create a second report or message.
            models.UniqueConstraint(fields=["message_id"], name="inbound_message_id_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"
