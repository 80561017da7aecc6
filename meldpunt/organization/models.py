"""The organization running this deployment: contact data, hours, closed days,
feature toggles and theme. There is exactly one organization per deployment."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meldpunt.common.models import TimeStampedModel
from meldpunt.organization.features import FEATURE_CHOICES
from meldpunt.organization.theme import validate_colours


class PasswordPolicy(models.TextChoices):
    """SPEC C-1: "modern" is OWASP ASVS 5.0 level 2, "classic" the composition rule."""

    MODERN = "modern", _("Modern: at least 12 characters, no composition rules")
    CLASSIC = (
        "classic",
        _("Classic: at least 8 characters with upper and lower case, digit, symbol"),
    )


class Organization(TimeStampedModel):
    class Country(models.TextChoices):
        NETHERLANDS = "NL", _("Netherlands")
        NORWAY = "NO", _("Norway")

    class LogoShape(models.TextChoices):
        ROUND = "round", _("Round")
        RECTANGULAR = "rectangular", _("Rectangular")

    # A constant column with a unique constraint: a second row cannot exist.
    singleton = models.BooleanField(default=True, editable=False, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(
        _("country"), max_length=2, choices=Country.choices, default=Country.NETHERLANDS
    )
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    urgent_phone = models.CharField(_("urgent cases phone"), max_length=32, blank=True)
    website = models.URLField(_("website"), blank=True)

    colours = models.JSONField(
        _("theme colours"), default=dict, blank=True, validators=[validate_colours]
    )
    logo = models.ImageField(_("logo"), upload_to="theme/", blank=True)
    logo_shape = models.CharField(
        _("logo shape"), max_length=12, choices=LogoShape.choices, default=LogoShape.RECTANGULAR
    )
    footer_logo = models.ImageField(_("footer logo"), upload_to="theme/", blank=True)
    background_photo = models.ImageField(_("background photo"), upload_to="theme/", blank=True)
    show_copyright = models.BooleanField(_("show copyright in footer"), default=True)
    first_responder_becomes_handler = models.BooleanField(
        _("first staff user who responds becomes handler"),
        default=True,
        help_text=_(
            "An incident without a handler gets the first staff user who writes a message "
            "or note, or changes its phase."
        ),
    )
    duplicate_window_hours = models.PositiveSmallIntegerField(
        _("possible duplicates within (hours)"),
        default=72,
        help_text=_(
            "Reports about the same unit and category within this many hours are marked "
            "as possible duplicates in the inbox."
        ),
    )
    reminder_first_after_hours = models.PositiveSmallIntegerField(
        _("first work-order reminder after (working hours)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(40)],
        help_text=_(
            "A work order the supplier has not accepted gets a first reminder after this many "
            "working hours, then one per working day. Reminders go out only during opening "
            "hours on working days."
        ),
    )
    reminder_max = models.PositiveSmallIntegerField(
        _("reminders per work order at most"),
        default=5,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )

    # Tenant accounts and the portal (SPEC ACC-6, C-1, C-3, POR-1, ADM-SET).
    session_idle_minutes = models.PositiveSmallIntegerField(
        _("portal session ends after idle (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(30)],
        help_text=_("Between 5 and 30 minutes."),
    )
    stay_logged_in_days = models.PositiveSmallIntegerField(
        _("“stay logged in” lasts (days of inactivity)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Between 1 and 30 days."),
    )
    password_policy = models.CharField(
        _("password rules"),
        max_length=10,
        choices=PasswordPolicy.choices,
        default=PasswordPolicy.MODERN,
    )
    activation_code_days = models.PositiveSmallIntegerField(
        _("activation codes valid for (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    welcome_text = models.TextField(
        _("welcome text"),
        blank=True,
        help_text=_("Shown on the portal home page at a tenant's first login. Limited markup."),
    )

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organization")
        constraints = [
            models.CheckConstraint(condition=Q(singleton=True), name="organization_singleton"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def theme_version(self) -> str:
        return f"{self.updated_at:%Y%m%d%H%M%S%f}" if self.updated_at else "0"


class OpeningHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="opening_hours_order"
            ),
            models.UniqueConstraint(
                fields=["organization", "weekday", "opens_at"], name="opening_hours_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ClosedDay(models.Model):
    """A day the organization is closed besides weekends and national holidays."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="closed_days"
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "date"], name="closed_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}".strip()


class FeatureToggle(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="feature_toggles"
    )
    key = models.CharField(_("feature"), max_length=40, choices=FEATURE_CHOICES)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("feature toggle")
        verbose_name_plural = _("feature toggles")
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="feature_toggle_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()}: {'on' if self.enabled else 'off'}"
