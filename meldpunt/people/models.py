"""Contacts (tenants, suppliers, owners, others), households and their persons."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from meldpunt.common.models import PublicModel, TimeStampedModel
from meldpunt.people.phones import validate_e164


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class Address(models.Model):
    street = models.CharField(_("street"), max_length=120, blank=True)
    house_number = models.PositiveIntegerField(_("house number"), null=True, blank=True)
    house_number_addition = models.CharField(_("addition"), max_length=10, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    country = models.CharField(_("country"), max_length=2, default="NL")

    class Meta:
        abstract = True

    @property
    def address_line(self) -> str:
        number = f"{self.house_number or ''}{'-' if self.house_number_addition else ''}"
        number += self.house_number_addition
        return f"{self.street} {number}".strip()

    @property
    def postcode_city(self) -> str:
        return f"{self.postcode}  {self.city}".strip()


class HouseholdRole(models.Model):
    """How a person relates to the household (main tenant, co-tenant, child …). ADM-ROL."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    show_in_portal = models.BooleanField(_("show in portal"), default=True)
    usable_in_portal = models.BooleanField(
        _("usable in portal"),
        default=False,
        help_text=_("Tenants may choose this role when they add or edit a person."),
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("household role")
        verbose_name_plural = _("household roles")
        ordering = ["ordering", "name"]

    def __str__(self) -> str:
        return self.name


class AccountStatus(models.TextChoices):
    NONE = "none", _("No account")
    CREATED = "created", _("Created, not confirmed")
    CONFIRMED = "confirmed", _("Confirmed")


class Household(Address, PublicModel):
    """Everyone living under one contract account; the address is for correspondence."""

    tenant_number = models.CharField(_("tenant number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=160)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_e164])
    # Kept in step with the household's portal account on every account event
    # (SPEC ACC-12, ADM-SYNC) so the back office filters on one indexed column.
    account_status = models.CharField(
        _("portal account"),
        max_length=12,
        choices=AccountStatus.choices,
        default=AccountStatus.NONE,
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name", "id"], name="household_name_idx"),
            models.Index(fields=["account_status", "name", "id"], name="household_account_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.tenant_number})"


class Person(TimeStampedModel):
    class Gender(models.TextChoices):
        FEMALE = "f", _("Female")
        MALE = "m", _("Male")
        OTHER = "x", _("Other")
        UNKNOWN = "", _("Not specified")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="persons")
    role = models.ForeignKey(
        HouseholdRole,
        verbose_name=_("relation"),
        on_delete=models.PROTECT,
        related_name="persons",
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    initials = models.CharField(_("initials"), max_length=20, blank=True)
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    infix = models.CharField(_("infix"), max_length=20, blank=True)
    surname = models.CharField(_("surname"), max_length=120)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_e164])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["household", "role__ordering", "birth_date"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        given = self.first_name or self.initials
        return " ".join(part for part in (given, self.infix, self.surname) if part)


class Contact(PublicModel):
    """Anyone the organization corresponds with: a tenant, supplier, owner or other."""

    class Kind(models.TextChoices):
        TENANT = "tenant", _("Tenant")
        SUPPLIER = "supplier", _("Supplier")
        OWNER = "owner", _("Owner")
        OTHER = "other", _("Other")

    class Trade(models.TextChoices):
        NONE = "", _("—")
        PLUMBER = "plumber", _("Plumber")
        ELECTRICIAN = "electrician", _("Electrician")
        GLAZIER = "glazier", _("Glazier")
        LOCKSMITH = "locksmith", _("Locksmith")
        ROOFER = "roofer", _("Roofer")
        CARPENTER = "carpenter", _("Carpenter")
        PAINTER = "painter", _("Painter")
        HEATING = "heating", _("Heating engineer")
        LIFT = "lift", _("Lift maintenance")
        GARDENER = "gardener", _("Gardener")
        CLEANER = "cleaner", _("Cleaning")
        PEST_CONTROL = "pest_control", _("Pest control")
        HANDYMAN = "handyman", _("Handyman")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=160)
    company = models.CharField(_("company"), max_length=160, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_e164])
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        default="nl",
        choices=[("nl", "Nederlands"), ("en", "English"), ("nb", "Norsk bokmål")],
    )
    trade = models.CharField(_("trade"), max_length=20, choices=Trade.choices, blank=True)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    notes = models.TextField(_("notes"), blank=True)
    portal_access = models.BooleanField(
        _("may sign in to the supplier and owner portal"), default=False
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name", "id"], name="contact_name_idx"),
            models.Index(fields=["kind", "name", "id"], name="contact_kind_name_idx"),
            models.Index(Upper("email"), name="contact_email_upper_idx"),
            models.Index(fields=["phone"], name="contact_phone_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(household__isnull=True) | models.Q(kind="tenant"),
                name="contact_household_only_for_tenants",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name
