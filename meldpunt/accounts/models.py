"""Users. Staff carry a role; tenant accounts will hang off the same model."""

from __future__ import annotations

import ipaddress

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from meldpunt.common.models import TimeStampedModel
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


class StaffIpRange(TimeStampedModel):
    """An address range staff of one role may sign in from (SPEC ADM-IP).

    A role without ranges signs in from anywhere; a role with ranges only from
    inside one of them (or from the server itself).
    """

    role = models.CharField(_("staff role"), max_length=10, choices=StaffRole.choices)
    cidr = models.CharField(
        _("address range"),
        max_length=43,
        help_text=_("In CIDR notation, e.g. 192.0.2.0/24 or 2001:db8::/32."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("staff address range")
        verbose_name_plural = _("staff address ranges")
        ordering = ["role", "cidr"]
        constraints = [
            models.UniqueConstraint(fields=["role", "cidr"], name="staff_ip_range_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.cidr}"

    @property
    def network(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        return ipaddress.ip_network(self.cidr, strict=False)
