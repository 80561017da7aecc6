"""Contracts between a household and a unit, and what they consist of."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from meldpunt.common.models import PublicModel
from meldpunt.people.models import Household
from meldpunt.properties.models import Unit


class ContractElement(models.Model):
    """A component a contract may include (net rent, service costs, subscriptions …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    cost_code = models.CharField(_("cost code"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("contract element")
        verbose_name_plural = _("contract elements")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContractQuerySet(models.QuerySet["Contract"]):
    def running_on(self, day: date) -> ContractQuerySet:
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)


class Contract(PublicModel):
    number = models.CharField(_("contract number"), max_length=20, unique=True)
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="contracts"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="contracts"
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    planned_end_date = models.DateField(_("planned end date"), null=True, blank=True)
    has_service_subscription = models.BooleanField(_("service subscription"), default=False)
    elements = models.ManyToManyField(
        ContractElement,
        verbose_name=_("contract elements"),
        through="ContractLine",
        related_name="contracts",
        blank=True,
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-start_date", "id"]
        indexes = [
            models.Index(fields=["unit", "-start_date"], name="contract_unit_idx"),
            models.Index(fields=["household", "-start_date"], name="contract_household_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="contract_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(planned_end_date__isnull=True)
                | Q(planned_end_date__gte=F("start_date")),
                name="contract_planned_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def is_running_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class ContractLine(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lines")
    element = models.ForeignKey(
        ContractElement, verbose_name=_("element"), on_delete=models.PROTECT, related_name="lines"
    )
    monthly_amount = models.DecimalField(_("monthly amount"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        ordering = ["contract", "element__name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "element"], name="contract_line_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.element}: {self.monthly_amount}"
