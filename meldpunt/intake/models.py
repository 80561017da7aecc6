"""The repair wizard's content and its passes (SPEC REP-1 … REP-17).

A question tree leads a tenant from a room to a defect: room → element →
component → defect → specification. Its leaves point to a repair template
(what will be done, how urgent, what it costs) or to an action code (we do
not repair this, here is what to do). Tips and causes hang on templates or on
nodes.

Admins edit the tree in these tables; every change raises the tree's
``revision``. A tenant's pass through the wizard runs on a frozen snapshot of
one revision (``TreeSnapshot``), so an edit made while they are in the
wizard never changes the path under their feet.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from meldpunt.common.models import PublicModel, TimeStampedModel

LANGUAGES = ("nl", "en", "nb")


def localized(obj: object, field: str, language: str | None = None) -> str:
    """``obj.<field>_<language>``, falling back to Dutch when that one is empty."""
    language = (language or translation.get_language() or "nl")[:2]
    value = getattr(obj, f"{field}_{language}", "") if language in LANGUAGES else ""
    return value or getattr(obj, f"{field}_nl", "")


class QuestionTree(TimeStampedModel):
    """One tree of questions; a unit type or a single unit selects it (REP-3)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=120, blank=True)
    is_default = models.BooleanField(
        _("default tree"),
        default=False,
        help_text=_("Used for units whose unit type has no tree of its own."),
    )
    unit_types = models.ManyToManyField(
        "properties.UnitType",
        verbose_name=_("unit types"),
        blank=True,
        related_name="question_trees",
    )
    units = models.ManyToManyField(
        "properties.Unit",
        verbose_name=_("units"),
        blank=True,
        related_name="question_trees",
        help_text=_("Units that use this tree whatever their unit type."),
    )
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    class Meta:
        verbose_name = _("question tree")
        verbose_name_plural = _("question trees")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="question_tree_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class MaintenanceForm(models.Model):
    """Daily, planned or demolition: templates and units both carry them (REP-4d)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=120, blank=True)
    units = models.ManyToManyField(
        "properties.Unit",
        verbose_name=_("units"),
        blank=True,
        related_name="maintenance_forms",
    )

    class Meta:
        verbose_name = _("maintenance form")
        verbose_name_plural = _("maintenance forms")
        ordering = ["code"]

    def __str__(self) -> str:
        return localized(self, "name")


class TreeContent(models.Model):
    """Something that belongs to one tree and is known there by its code."""

    tree = models.ForeignKey(QuestionTree, verbose_name=_("tree"), on_delete=models.CASCADE)
    code = models.SlugField(_("code"), max_length=80)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.code


class Cause(TreeContent):
    """What caused a defect; some causes make the tenant pay (REP-6, REP-7a)."""

    name_nl = models.CharField(_("name (Dutch)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=160, blank=True)
    charged_to_tenant = models.BooleanField(_("charged to the tenant"), default=False)

    class Meta:
        verbose_name = _("cause")
        verbose_name_plural = _("causes")
        ordering = ["tree", "code"]
        constraints = [
            models.UniqueConstraint(fields=["tree", "code"], name="cause_code_unique"),
        ]


class Tip(TreeContent):
    """Self-help shown before a request is made (REP-5); the body is limited Markdown."""

    title_nl = models.CharField(_("title (Dutch)"), max_length=160)
    title_en = models.CharField(_("title (English)"), max_length=160, blank=True)
    title_nb = models.CharField(_("title (Norwegian)"), max_length=160, blank=True)
    body_nl = models.TextField(_("text (Dutch)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    body_nb = models.TextField(_("text (Norwegian)"), blank=True)
    video_url = models.URLField(_("video link"), blank=True)

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        ordering = ["tree", "code"]
        constraints = [
            models.UniqueConstraint(fields=["tree", "code"], name="tip_code_unique"),
        ]


class ActionCode(TreeContent):
    """A leaf that ends without a request: "we do not repair this" and what to do (REP-4b/c)."""

    message_nl = models.TextField(_("message (Dutch)"), blank=True)
    message_en = models.TextField(_("message (English)"), blank=True)
    message_nb = models.TextField(_("message (Norwegian)"), blank=True)

    class Meta:
        verbose_name = _("action code")
        verbose_name_plural = _("action codes")
        ordering = ["tree", "code"]
        constraints = [
            models.UniqueConstraint(fields=["tree", "code"], name="action_code_unique"),
        ]


class Urgency(models.TextChoices):
    NONE = "", _("No deadline")
    DAY = "24h", _("Within 24 hours")
    THREE_DAYS = "3d", _("Within 3 working days")
    WEEK = "1w", _("Within a week")
    MONTH = "1m", _("Within a month")


URGENCY_DAYS = {Urgency.DAY: 1, Urgency.THREE_DAYS: 3, Urgency.WEEK: 7, Urgency.MONTH: 30}


class RepairTemplate(TreeContent):
    """What a path in the tree leads to: the repair, its urgency and its costs (REP-4, REP-7)."""

    description_nl = models.TextField(_("description for the tenant (Dutch)"))
    description_en = models.TextField(_("description for the tenant (English)"), blank=True)
    description_nb = models.TextField(_("description for the tenant (Norwegian)"), blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=4, choices=Urgency.choices, default=Urgency.NONE, blank=True
    )
    appointment_required = models.BooleanField(_("appointment needed"), default=True)
    inspection_required = models.BooleanField(
        _("inspection decides"),
        default=False,
        help_text=_("An inspection decides what is done; the costs step is skipped."),
    )
    maintenance_forms = models.ManyToManyField(
        MaintenanceForm, verbose_name=_("maintenance forms"), blank=True, related_name="templates"
    )
    cost = models.DecimalField(
        _("costs incl. VAT"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("21"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    charged_to_tenant = models.BooleanField(_("charged to the tenant"), default=False)
    covered_by_service_subscription = models.BooleanField(
        _("covered by the service subscription"), default=False
    )
    contract_elements = models.ManyToManyField(
        "tenancy.ContractElement",
        verbose_name=_("contract elements"),
        blank=True,
        related_name="repair_templates",
    )
    common_area_kind = models.CharField(
        _("lives on common area kind"),
        max_length=20,
        blank=True,
        help_text=_("Requests are recorded on the unit's common area of this kind."),
    )
    creates_work_order = models.BooleanField(_("creates a draft work order"), default=True)
    tips = models.ManyToManyField(Tip, verbose_name=_("tips"), blank=True, related_name="templates")
    causes = models.ManyToManyField(
        Cause, verbose_name=_("causes"), blank=True, related_name="templates"
    )

    class Meta:
        verbose_name = _("repair template")
        verbose_name_plural = _("repair templates")
        ordering = ["tree", "code"]
        constraints = [
            models.UniqueConstraint(fields=["tree", "code"], name="repair_template_code_unique"),
        ]


class TreeNode(models.Model):
    """One option at one level of a tree."""

    class Level(models.IntegerChoices):
        ROOM = 1, _("Room")
        ELEMENT = 2, _("Element")
        COMPONENT = 3, _("Component")
        DEFECT = 4, _("Defect")
        SPECIFICATION = 5, _("Specification")

    class Scope(models.TextChoices):
        UNIT = "", _("Own home")
        COMMON_AREA = "common_area", _("Common areas")

    tree = models.ForeignKey(
        QuestionTree, verbose_name=_("tree"), on_delete=models.CASCADE, related_name="nodes"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    key = models.SlugField(_("key"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=120, blank=True)
    icon = models.SlugField(_("icon"), max_length=40, blank=True)
    keywords_nl = models.CharField(_("search words (Dutch)"), max_length=300, blank=True)
    keywords_en = models.CharField(_("search words (English)"), max_length=300, blank=True)
    keywords_nb = models.CharField(_("search words (Norwegian)"), max_length=300, blank=True)
    scope = models.CharField(
        _("shown for"), max_length=20, choices=Scope.choices, default=Scope.UNIT, blank=True
    )
    template = models.ForeignKey(
        RepairTemplate,
        verbose_name=_("repair template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nodes",
    )
    action_code = models.ForeignKey(
        ActionCode,
        verbose_name=_("action code"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nodes",
    )
    tips = models.ManyToManyField(Tip, verbose_name=_("tips"), blank=True, related_name="nodes")
    causes = models.ManyToManyField(
        Cause, verbose_name=_("causes"), blank=True, related_name="nodes"
    )

    class Meta:
        verbose_name = _("tree node")
        verbose_name_plural = _("tree nodes")
        ordering = ["tree", "level", "name_nl"]
        constraints = [
            models.UniqueConstraint(fields=["tree", "key"], name="tree_node_key_unique"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="tree_node_level_range"
            ),
        ]
        indexes = [models.Index(fields=["tree", "parent"], name="tree_node_parent_idx")]

    def __str__(self) -> str:
        return localized(self, "name")


class TreeSnapshot(models.Model):
    """One revision of a tree, frozen as the wizard reads it (see ``intake.repair_tree``)."""

    tree = models.ForeignKey(
        QuestionTree, verbose_name=_("tree"), on_delete=models.CASCADE, related_name="snapshots"
    )
    revision = models.PositiveIntegerField(_("revision"))
    data = models.JSONField(_("content"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tree snapshot")
        verbose_name_plural = _("tree snapshots")
        constraints = [
            models.UniqueConstraint(fields=["tree", "revision"], name="tree_snapshot_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.tree_id} r{self.revision}"


def _default_texts() -> dict:
    return {}


class RepairSettings(TimeStampedModel):
    """The organization's choices for the repair wizard (INT-4, REP-1, REP-4, REP-7, REP-8)."""

    singleton = models.BooleanField(default=True, editable=False, unique=True)
    anonymous_enabled = models.BooleanField(
        _("anonymous repair requests"),
        default=False,
        help_text=_("The wizard at /repairment works without logging in."),
    )
    category = models.ForeignKey(
        "incidents.Category",
        verbose_name=_("category for repair requests"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    costs_block_submit = models.BooleanField(
        _("requests with costs may not be submitted"), default=False
    )
    description_required = models.BooleanField(_("extra description required"), default=False)
    photo_short_side = models.PositiveSmallIntegerField(
        _("photo size (short side, pixels)"),
        default=1200,
        validators=[MinValueValidator(320), MaxValueValidator(4000)],
    )
    photo_quality = models.PositiveSmallIntegerField(
        _("photo JPEG quality"),
        default=80,
        validators=[MinValueValidator(30), MaxValueValidator(95)],
    )
    texts = models.JSONField(
        _("messages"),
        default=_default_texts,
        blank=True,
        help_text=_("Own wording of the wizard's messages per language; empty uses the default."),
    )

    class Meta:
        verbose_name = _("repair wizard settings")
        verbose_name_plural = _("repair wizard settings")
        constraints = [
            models.CheckConstraint(condition=Q(singleton=True), name="repair_settings_singleton"),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class RepairWizard(PublicModel):
    """One tenant's pass through the wizard, kept on the server so nothing typed is lost."""

    class Mode(models.TextChoices):
        ANONYMOUS = "anonymous", _("Anonymous")
        PORTAL = "portal", _("Tenant portal")

    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        RESOLVED = "resolved", _("Resolved by a tip")
        STOPPED = "stopped", _("Stopped by a message")

    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    household = models.ForeignKey(
        "people.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "properties.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    common_area = models.ForeignKey(
        "properties.CommonArea",
        verbose_name=_("common area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    snapshot = models.ForeignKey(
        TreeSnapshot,
        verbose_name=_("tree revision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.JSONField(_("answers"), default=dict, blank=True)
    photo_batch = models.CharField(_("photo batch"), max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=8, default="nl")
    expires_at = models.DateTimeField(_("expires at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    request = models.ForeignKey(
        "intake.RepairRequest",
        verbose_name=_("repair request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("repair wizard pass")
        verbose_name_plural = _("repair wizard passes")
        indexes = [models.Index(fields=["status", "expires_at"], name="repair_wizard_status_idx")]

    def __str__(self) -> str:
        return self.public_id


class RepairRequest(PublicModel):
    """What the wizard recorded: the tree path, template, cause, costs and wishes (REP-10, REP-12).

    The texts are copied from the tree revision the tenant used, so later edits
    of the tree never change what was asked for. A request resolved by a tip has
    no incident; an additional report (REP-4f) points to the open request it joins.
    """

    class Outcome(models.TextChoices):
        REQUEST = "request", _("Repair request")
        ADDITIONAL = "additional", _("Additional report")
        RESOLVED = "resolved", _("Resolved by the tenant")

    class PartOfDay(models.TextChoices):
        NONE = "", _("No preference")
        B08 = "08-10", _("08:00–10:00")
        B10 = "10-12", _("10:00–12:00")
        B12 = "12-14", _("12:00–14:00")
        B14 = "14-16", _("14:00–16:00")
        B16 = "16-18", _("16:00–18:00")

    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    incident = models.OneToOneField(
        "incidents.Incident",
        verbose_name=_("incident"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="repair_request",
    )
    additional_to = models.ForeignKey(
        "self",
        verbose_name=_("additional report to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="additional_reports",
    )
    household = models.ForeignKey(
        "people.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repair_requests",
    )
    unit = models.ForeignKey(
        "properties.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repair_requests",
    )
    common_area = models.ForeignKey(
        "properties.CommonArea",
        verbose_name=_("common area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repair_requests",
    )
    tree = models.ForeignKey(
        QuestionTree,
        verbose_name=_("tree"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
    )
    tree_revision = models.PositiveIntegerField(_("tree revision"), default=0)
    node_key = models.SlugField(_("chosen option"), max_length=120)
    element_key = models.SlugField(_("element"), max_length=120, blank=True)
    path = models.CharField(_("path"), max_length=600)
    template_code = models.SlugField(_("repair template"), max_length=80, blank=True)
    template_description = models.TextField(_("repair"), blank=True)
    urgency = models.CharField(_("urgency"), max_length=4, choices=Urgency.choices, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    cause_code = models.SlugField(_("cause"), max_length=80, blank=True)
    cause_name = models.CharField(_("cause"), max_length=160, blank=True)
    cost = models.DecimalField(_("costs incl. VAT"), max_digits=8, decimal_places=2, default=0)
    tenant_pays = models.BooleanField(_("tenant pays"), default=False)
    costs_consent_at = models.DateTimeField(_("costs agreed at"), null=True, blank=True)
    tip_code = models.SlugField(_("tip that solved it"), max_length=80, blank=True)
    description = models.TextField(_("extra description"), blank=True)
    contact_name = models.CharField(_("contact name"), max_length=160, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    preferred_date = models.DateField(_("preferred date"), null=True, blank=True)
    preferred_part = models.CharField(
        _("preferred time"), max_length=5, choices=PartOfDay.choices, blank=True
    )
    after_deadline = models.BooleanField(_("preferred date after the deadline"), default=False)

    class Meta:
        verbose_name = _("repair request")
        verbose_name_plural = _("repair requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "element_key"], name="repair_request_unit_elem_idx"),
            models.Index(
                fields=["common_area", "element_key"], name="repair_request_area_elem_idx"
            ),
            models.Index(fields=["household", "-created_at"], name="repair_request_household_idx"),
        ]

    def __str__(self) -> str:
        return self.path


class WizardEvent(models.Model):
    """One step of one pass, for the tree's analytics (which options, searches, tips, drop-off)."""

    class Kind(models.TextChoices):
        STEP = "step", _("Reached a step")
        CHOSE = "chose", _("Chose an option")
        TIP_SOLVED = "tip_solved", _("A tip solved it")
        STOPPED = "stopped", _("Stopped by a message")
        SUBMITTED = "submitted", _("Submitted")

    wizard = models.ForeignKey(
        RepairWizard, verbose_name=_("pass"), on_delete=models.CASCADE, related_name="events"
    )
    tree = models.ForeignKey(
        QuestionTree,
        verbose_name=_("tree"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    step = models.CharField(_("step"), max_length=12, blank=True)
    node_key = models.SlugField(_("option"), max_length=120, blank=True)
    via_search = models.BooleanField(_("found by searching"), default=False)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("wizard event")
        verbose_name_plural = _("wizard events")
        indexes = [
            models.Index(fields=["tree", "kind", "node_key"], name="wizard_event_node_idx"),
            models.Index(fields=["kind", "step"], name="wizard_event_step_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.step} {self.node_key}"
