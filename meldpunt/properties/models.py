"""The housing stock: complexes, building blocks, units, common areas, installations."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meldpunt.common.models import PublicModel, TimeStampedModel
from meldpunt.people.models import Address, Contact


class Complex(PublicModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    city = models.CharField(_("city"), max_length=80, blank=True)
    owner = models.ForeignKey(
        Contact,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_complexes",
        limit_choices_to={"kind": Contact.Kind.OWNER},
        help_text=_("Empty when the organization owns the complex itself."),
    )

    class Meta:
        verbose_name = _("complex")
        verbose_name_plural = _("complexes")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BuildingBlock(PublicModel):
    complex = models.ForeignKey(Complex, on_delete=models.CASCADE, related_name="building_blocks")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("building block")
        verbose_name_plural = _("building blocks")
        ordering = ["complex", "code"]
        constraints = [
            models.UniqueConstraint(fields=["complex", "code"], name="building_block_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class UnitType(models.Model):
    class Kind(models.TextChoices):
        DWELLING = "dwelling", _("Dwelling")
        GARAGE = "garage", _("Garage")
        PARKING = "parking", _("Parking space")
        STORAGE = "storage", _("Storage")
        COMMERCIAL = "commercial", _("Commercial space")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)

    class Meta:
        verbose_name = _("unit type")
        verbose_name_plural = _("unit types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(Address, PublicModel):
    code = models.CharField(_("unit number"), max_length=20, unique=True)
    complex = models.ForeignKey(
        Complex, verbose_name=_("complex"), on_delete=models.PROTECT, related_name="units"
    )
    building_block = models.ForeignKey(
        BuildingBlock,
        verbose_name=_("building block"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    unit_type = models.ForeignKey(
        UnitType, verbose_name=_("unit type"), on_delete=models.PROTECT, related_name="units"
    )
    rooms = models.PositiveSmallIntegerField(_("rooms"), null=True, blank=True)
    floor_area = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)
    build_year = models.PositiveSmallIntegerField(
        _("build year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1600), MaxValueValidator(2100)],
    )
    energy_index = models.DecimalField(
        _("energy index"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    tax_value = models.DecimalField(
        _("property tax value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    tax_value_year = models.PositiveSmallIntegerField(_("tax value year"), null=True, blank=True)
    notice_period_months = models.PositiveSmallIntegerField(_("notice period (months)"), default=1)
    owner = models.ForeignKey(
        Contact,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_units",
        limit_choices_to={"kind": Contact.Kind.OWNER},
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["street", "house_number", "house_number_addition", "id"]
        indexes = [
            models.Index(
                fields=["postcode", "house_number", "house_number_addition"],
                name="unit_address_idx",
            ),
            models.Index(
                fields=["complex", "street", "house_number", "house_number_addition", "id"],
                name="unit_complex_address_idx",
            ),
            models.Index(fields=["building_block"], name="unit_building_block_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(energy_index__isnull=True) | Q(energy_index__gte=0),
                name="unit_energy_index_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(tax_value__isnull=True) | Q(tax_value__gte=0),
                name="unit_tax_value_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address_line}, {self.city}"


class CommonArea(PublicModel):
    class Kind(models.TextChoices):
        STAIRWELL = "stairwell", _("Stairwell")
        LIFT = "lift", _("Lift")
        PUMP = "pump", _("Pump installation")
        GARDEN = "garden", _("Garden")
        ENTRANCE = "entrance", _("Entrance hall")
        BICYCLE_STORAGE = "bicycle_storage", _("Bicycle storage")
        HEATING = "heating", _("Central heating")
        PARKING = "parking", _("Parking area")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    complex = models.ForeignKey(
        Complex, verbose_name=_("complex"), on_delete=models.CASCADE, related_name="common_areas"
    )
    building_block = models.ForeignKey(
        BuildingBlock,
        verbose_name=_("building block"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="common_areas",
    )
    units = models.ManyToManyField(
        Unit, verbose_name=_("units"), blank=True, related_name="common_areas"
    )

    class Meta:
        verbose_name = _("common area")
        verbose_name_plural = _("common areas")
        ordering = ["complex", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Installation(PublicModel):
    """An asset (boiler, lift motor, pump …) on a unit or a common area."""

    name = models.CharField(_("name"), max_length=120)
    asset_type = models.CharField(_("asset type"), max_length=80)
    brand = models.CharField(_("brand"), max_length=80, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=80, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="installations",
    )
    common_area = models.ForeignKey(
        CommonArea,
        verbose_name=_("common area"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="installations",
    )

    class Meta:
        verbose_name = _("installation")
        verbose_name_plural = _("installations")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(common_area__isnull=True))
                | (Q(unit__isnull=True) & Q(common_area__isnull=False)),
                name="installation_on_unit_or_common_area",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OwnerInstruction(TimeStampedModel):
    """What an external owner wants done with repair requests (SPEC REP-2)."""

    owner = models.OneToOneField(
        Contact,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="owner_instruction",
        limit_choices_to={"kind": Contact.Kind.OWNER},
    )
    report_to_own_manager = models.BooleanField(
        _("report repairs to the owner's own manager"), default=False
    )
    message = models.TextField(
        _("message to tenants"),
        blank=True,
        help_text=_("Shown to tenants instead of the repair wizard."),
    )

    class Meta:
        verbose_name = _("owner instruction")
        verbose_name_plural = _("owner instructions")

    def __str__(self) -> str:
        return str(self.owner)
