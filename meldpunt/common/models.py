"""Base models and the audit trail shared by every domain app."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PUBLIC_ID_BYTES = 12  # 96 bits: unguessable, short enough for a URL


def new_public_id() -> str:
    return secrets.token_urlsafe(PUBLIC_ID_BYTES)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class PublicModel(TimeStampedModel):
    """A model reached by URL: it is addressed by a random public id, never its pk."""

    public_id = models.CharField(
        _("public id"), max_length=24, unique=True, default=new_public_id, editable=False
    )

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """Who did what, to which object, when: one row per recorded event.

    Rows are written by ``meldpunt.common.audit.audit_record`` inside the
    service's transaction, so a change and its audit row land together.
    """

    class ActorKind(models.TextChoices):
        STAFF = "staff", _("Staff user")
        TENANT = "tenant", _("Tenant")
        LINK = "link", _("Link holder")
        SYSTEM = "system", _("System")
        AGENT_AS_TENANT = "agent_as_tenant", _("Agent as tenant")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor_kind = models.CharField(_("actor kind"), max_length=20, choices=ActorKind.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor label"), max_length=200, blank=True)
    verb = models.CharField(_("event"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["object_type", "object_id", "-created_at"], name="audit_object_idx"
            ),
            models.Index(fields=["actor_user", "-created_at"], name="audit_actor_idx"),
            models.Index(fields=["verb", "-created_at"], name="audit_verb_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.object_repr}"


class AccessLink(models.Model):
    """A link that works without login, scoped to one object and one party (SPEC X-2).

    Only a hash of the token is stored: a leaked database does not leak links.
    """

    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    purpose = models.CharField(_("purpose"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=40)
    party = models.CharField(_("party"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("access link")
        verbose_name_plural = _("access links")
        indexes = [
            models.Index(
                fields=["object_type", "object_id", "purpose"], name="access_link_obj_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.object_type}:{self.object_id} → {self.party}"


class PendingUpload(models.Model):
    """A file already checked and stored while the form it came with is not yet saved,
    so a form shown again with errors keeps the photos the visitor uploaded."""

    batch = models.CharField(_("batch"), max_length=64, db_index=True)
    file = models.FileField(_("file"), upload_to="pending/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("pending upload")
        verbose_name_plural = _("pending uploads")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name
