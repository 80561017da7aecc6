"""Users. Staff carry a role; tenant accounts will hang off the same model."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from meldpunt.people.phones import validate_e164


class StaffRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    AGENT = "agent", _("Contact-centre agent")
    USER = "user", _("Staff user")


class User(AbstractUser):
    role = models.CharField(
        _("staff role"),
        max_length=10,
        choices=StaffRole.choices,
        blank=True,
        help_text=_("Empty for people who are not staff."),
    )
    phone = models.CharField(
        _("mobile phone"),
        max_length=20,
        blank=True,
        validators=[validate_e164],
        help_text=_("For WhatsApp notifications, in international form: +31612345678."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=[("nl", "Nederlands"), ("en", "English"), ("nb", "Norsk bokmål")],
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["role"], name="user_role_idx")]

    def __str__(self) -> str:
        return self.get_full_name() or self.get_username()

    @property
    def is_staff_member(self) -> bool:
        return self.is_active and self.role in StaffRole.values

    @property
    def is_admin_role(self) -> bool:
        return self.is_active and self.role == StaffRole.ADMIN
