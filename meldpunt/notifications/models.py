"""The outbox: every message to a tenant, supplier, owner or staff user is a row here
first, written in the same transaction as the change it tells about."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meldpunt.common.models import PublicModel
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
