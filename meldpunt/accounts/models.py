"""Users, activation codes, account requests and view-as-tenant sessions.

Staff carry a role; a tenant's account is a user without a role that names its
household. One user model serves both, so allauth, the lockout and the audit
trail treat them alike.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meldpunt.common.models import PublicModel, TimeStampedModel
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

    household = models.ForeignKey(
        "people.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="accounts",
        help_text=_("Set for a tenant's portal account; empty for staff."),
    )
    # Blocked by staff (SPEC ADM-ACC): the reason is required, cleared on unblock.
    # Being locked after wrong passwords is django-axes' business, not this.
    blocked_at = models.DateTimeField(_("blocked at"), null=True, blank=True)
    block_reason = models.CharField(_("reason for blocking"), max_length=200, blank=True)
    # The tenant record's email as the account last took it (ACC-10): a sign-in
    # takes the record's address only when the record changed since, so an
    # address an administrator changed on the account alone stays.
    household_email_taken = models.EmailField(
        _("tenant record email taken"), max_length=254, blank=True
    )
    welcomed_at = models.DateTimeField(
        _("welcome text seen at"),
        null=True,
        blank=True,
        help_text=_("The portal shows the welcome text until the first login has seen it."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [
            models.Index(fields=["role"], name="user_role_idx"),
            models.Index(fields=["household"], name="user_household_idx"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.get_username()

    @property
    def is_staff_member(self) -> bool:
        return self.is_active and self.role in StaffRole.values

    @property
    def is_admin_role(self) -> bool:
        return self.is_active and self.role == StaffRole.ADMIN

    @property
    def is_tenant(self) -> bool:
        return self.is_active and not self.role and self.household_id is not None

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None


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


class ActivationCode(TimeStampedModel):
    """The code a tenant types with their tenant number to make an account (SPEC ACC-1, C-3).

    It travels by letter, so staff may reveal it (an audited action): the code
    itself is kept, not a hash. Single use, expiring, and one live code per
    household: making a new one voids the previous one.
    """

    household = models.ForeignKey(
        "people.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="activation_codes",
    )
    code = models.CharField(_("activation code"), max_length=20)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    letters_printed_at = models.DateTimeField(_("letters printed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["household", "-created_at"], name="activation_code_hh_idx")]
        # Also the index that finds a household's live code.
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(used_at__isnull=True, voided_at__isnull=True),
                name="activation_code_one_live",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.created_at:%Y-%m-%d}"


class AccountRequest(PublicModel):
    """One tenant's way from the letter to a working account (SPEC ADM-REQ, A-10).

    Each step records its time; the back office filters on the first missing
    one. ``failure`` says why the last attempt stopped (e.g. tenant number and
    code did not match).
    """

    household = models.ForeignKey(
        "people.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="account_requests",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account_requests",
    )
    tenant_number = models.CharField(_("tenant number entered"), max_length=20)
    tenant_number_at = models.DateTimeField(_("tenant number entered at"))
    identified_at = models.DateTimeField(_("identified with code at"), null=True, blank=True)
    details_at = models.DateTimeField(_("details filled at"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("confirmation email sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    email = models.EmailField(_("email"), blank=True)
    username = models.CharField(_("username"), max_length=150, blank=True)
    failure = models.CharField(_("last failure"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("account request")
        verbose_name_plural = _("account requests")
        ordering = ["-tenant_number_at", "-id"]
        indexes = [
            models.Index(fields=["-tenant_number_at", "-id"], name="account_request_recent_idx"),
            models.Index(fields=["tenant_number"], name="account_request_number_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_number} {self.tenant_number_at:%Y-%m-%d %H:%M}"


class ViewAsSession(TimeStampedModel):
    """An agent viewing the portal as a household (SPEC ADM-KCC).

    Who, whom, from when until when; what they changed is in the audit trail
    with actor kind "agent as tenant" and this session's id in ``changes``.
    """

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="view_as_sessions",
    )
    household = models.ForeignKey(
        "people.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="view_as_sessions",
    )
    expires_at = models.DateTimeField(_("expires at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("view-as-tenant session")
        verbose_name_plural = _("view-as-tenant sessions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["household", "-created_at"], name="view_as_household_idx"),
            models.Index(fields=["agent", "-created_at"], name="view_as_agent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} → {self.household_id}"
