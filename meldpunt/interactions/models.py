"""Contact moments with households and the staff tasks they raise.

An interaction records that the organization and a tenant were in touch: a
code letter asked for, a repair request made, contact details changed, an
action started in the portal. It sits above tenancy (it may name a contract)
and below the interfaces.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from meldpunt.common.models import PublicModel


class ShippedKind:
    """Codes of the kinds every installation has (SPEC A-15); code refers to them."""

    CODE_REQUESTED = "code_requested"
    REGISTRATION_HELP = "registration_help"
    REPAIR_REQUEST = "repair_request"
    REPAIR_CHANGED = "repair_changed"
    REPAIR_WITHDRAWN = "repair_withdrawn"
    CONTACT_CHANGED = "contact_changed"
    ADDRESS_CHANGED = "address_changed"
    HOUSEHOLD_CHANGED = "household_changed"
    PAYMENT_METHOD_CHANGED = "payment_method_changed"
    ARRANGEMENT_MADE = "arrangement_made"
    OTHER_ACTION = "other_action"


SHIPPED_KIND_NAMES = {
    ShippedKind.CODE_REQUESTED: _("Activation code requested"),
    ShippedKind.REGISTRATION_HELP: _("Help with registering asked"),
    ShippedKind.REPAIR_REQUEST: _("Repair request"),
    ShippedKind.REPAIR_CHANGED: _("Repair request changed"),
    ShippedKind.REPAIR_WITHDRAWN: _("Repair request withdrawn"),
    ShippedKind.CONTACT_CHANGED: _("Contact details changed"),
    ShippedKind.ADDRESS_CHANGED: _("Correspondence address changed"),
    ShippedKind.HOUSEHOLD_CHANGED: _("Household changed"),
    ShippedKind.PAYMENT_METHOD_CHANGED: _("Payment method changed"),
    ShippedKind.ARRANGEMENT_MADE: _("Payment arrangement made"),
    ShippedKind.OTHER_ACTION: _("Other question or request"),
}


class InteractionKind(models.Model):
    """What an interaction is about (SPEC A-15): code requested, repair request …

    ``show_in_portal`` puts interactions of this kind in the tenant's timeline
    (POR-8); ``portal_action`` offers it as a subject on the portal's actions
    page (POR-9). An interaction of a kind with ``creates_task`` is a to-do for
    ``task_assignee`` (or for any staff member when nobody is named), due after
    ``task_due_days`` (ACC-3).
    """

    class Section(models.TextChoices):
        ACCOUNT = "account", _("Account")
        MAINTENANCE = "maintenance", _("Maintenance")
        DETAILS = "details", _("My details")
        CONTRACT = "contract", _("Contract")
        FINANCE = "finance", _("Finance")
        ACTIONS = "actions", _("Actions")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(
        _("name"),
        max_length=120,
        blank=True,
        help_text=_("Empty for a shipped kind: it then shows its name in the reader's language."),
    )
    section = models.CharField(
        _("section"),
        max_length=12,
        choices=Section.choices,
        default=Section.ACTIONS,
        help_text=_("The timeline shows the interaction with this section's icon."),
    )
    show_in_portal = models.BooleanField(_("show in portal"), default=True)
    portal_action = models.BooleanField(
        _("offered as an action in the portal"),
        default=False,
        help_text=_("Tenants can choose it as a subject on the actions page."),
    )
    creates_task = models.BooleanField(_("creates a staff task"), default=False)
    task_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("task for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the task is for any staff member."),
    )
    task_due_days = models.PositiveSmallIntegerField(
        _("task due after (days)"), default=2, validators=[MaxValueValidator(60)]
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("interaction kind")
        verbose_name_plural = _("interaction kinds")
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        shipped = SHIPPED_KIND_NAMES.get(self.code)
        return str(shipped) if shipped is not None else self.code


class Interaction(PublicModel):
    """One contact moment with a household (SPEC POR-8, POR-9, ACC-3, A-8).

    ``created_by`` is who recorded it: the tenant's account, a staff member, or
    an agent viewing the portal as the tenant (then ``agent`` names them too).
    When the kind asks for it the interaction is also a staff task: open until
    ``task_done_at`` is set.
    """

    class Direction(models.TextChoices):
        ORGANIZATION = "organization", _("Started by the organization")
        TENANT = "tenant", _("Started by the tenant")

    household = models.ForeignKey(
        "people.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interactions",
        help_text=_("Empty when the tenant number given was not found."),
    )
    contract = models.ForeignKey(
        "tenancy.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    kind = models.ForeignKey(
        InteractionKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="+"
    )
    direction = models.CharField(_("started by"), max_length=12, choices=Direction.choices)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    show_in_portal = models.BooleanField(_("show in portal"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The agent who acted while viewing the portal as the tenant."),
    )
    # The staff task this interaction asks for (the kind's ``creates_task``).
    task_open = models.BooleanField(_("task open"), default=False)
    task_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("task for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interaction_tasks",
    )
    task_due_on = models.DateField(_("task due"), null=True, blank=True)
    task_done_at = models.DateTimeField(_("task done at"), null=True, blank=True)
    task_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("task done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["household", "-created_at", "-id"], name="interaction_hh_idx"),
            models.Index(
                fields=["task_due_on", "id"],
                name="interaction_task_open_idx",
                condition=models.Q(task_open=True),
            ),
        ]

    def __str__(self) -> str:
        return self.subject
