"""Incidents: cases about a unit or tenant, their phases, categories, thread, tasks and files.

Sub-incidents and work orders (SPEC INC-9 … INC-11) build on these models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from meldpunt.common.models import PublicModel, TimeStampedModel


class Translated(models.Model):
    """A name and help text in each interface language; Dutch is required."""

    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=120, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (translation.get_language() or "nl")[:2]
        return getattr(self, f"name_{language}", "") or self.name_nl


class Category(Translated, TimeStampedModel):
    """What an incident is about (SPEC INC-4); the help text is shown to tenants."""

    help_nl = models.TextField(_("help text (Dutch)"), blank=True)
    help_en = models.TextField(_("help text (English)"), blank=True)
    help_nb = models.TextField(_("help text (Norwegian)"), blank=True)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    is_bulk_default = models.BooleanField(
        _("default for reports turned into incidents in bulk"), default=False
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["ordering", "name_nl"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_bulk_default"],
                condition=Q(is_bulk_default=True),
                name="category_one_bulk_default",
            ),
        ]

    @property
    def help_text(self) -> str:
        language = (translation.get_language() or "nl")[:2]
        return getattr(self, f"help_{language}", "") or self.help_nl


class Phase(Translated, TimeStampedModel):
    """A step an incident moves through (SPEC INC-5); ordered, open or closed."""

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("A fixed name for the shipped phases; new ones get their own."),
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    is_closed = models.BooleanField(_("closes the incident"), default=False)
    is_initial = models.BooleanField(_("new incidents start here"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["ordering", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_initial"], condition=Q(is_initial=True), name="phase_one_initial"
            ),
            models.CheckConstraint(
                condition=~Q(is_initial=True, is_closed=True), name="phase_initial_is_open"
            ),
        ]


class Incident(PublicModel):
    """A case about a unit, a common area, an installation or a household."""

    class Kind(models.TextChoices):
        CONTACT_TENANT = "contact_tenant", _("Contact tenant")
        ON_BEHALF = "on_behalf", _("On behalf of tenant")
        INTERNAL = "internal", _("Internal")
        ARCHIVE = "archive", _("Archive")

    class Source(models.TextChoices):
        BACKOFFICE = "backoffice", _("Back office")
        PUBLIC_FORM = "public_form", _("Report form")
        PORTAL = "portal", _("Tenant portal")
        WIZARD = "wizard", _("Repair wizard")
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.BACKOFFICE
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
    )
    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.PROTECT, related_name="incidents"
    )
    # Copied from the phase on every phase change so "open" lists use one index.
    is_open = models.BooleanField(_("open"), default=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    relevant_on = models.DateField(
        _("relevant on"),
        null=True,
        blank=True,
        help_text=_("For archived incidents: when the event happened."),
    )

    household = models.ForeignKey(
        "people.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    unit = models.ForeignKey(
        "properties.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    common_area = models.ForeignKey(
        "properties.CommonArea",
        verbose_name=_("common area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    installation = models.ForeignKey(
        "properties.Installation",
        verbose_name=_("installation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    # Contact details as typed or looked up; a tenant without a household record
    # can still be answered.
    contact_name = models.CharField(_("contact name"), max_length=160, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_language = models.CharField(_("contact language"), max_length=8, default="nl")

    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_incidents",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_incidents",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_activity_at = models.DateTimeField(_("last activity"), auto_now_add=True)
    # Title, description, messages, address, tenant name and number in one text,
    # kept up to date by the services; searched with full-text search on PostgreSQL.
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="incident_recent_idx"),
            models.Index(fields=["is_open", "-created_at", "-id"], name="incident_open_idx"),
            models.Index(fields=["phase", "-created_at", "-id"], name="incident_phase_idx"),
            models.Index(fields=["handler", "-created_at", "-id"], name="incident_handler_idx"),
            models.Index(
                fields=["responsible", "-created_at", "-id"], name="incident_responsible_idx"
            ),
            models.Index(fields=["category", "-created_at", "-id"], name="incident_category_idx"),
            models.Index(fields=["household", "-created_at", "-id"], name="incident_household_idx"),
            models.Index(fields=["unit", "-created_at", "-id"], name="incident_unit_idx"),
            models.Index(fields=["-last_activity_at", "-id"], name="incident_activity_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="archive") | Q(relevant_on__isnull=False),
                name="incident_archive_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def thread_key(self) -> str:
        return f"incident:{self.public_id}"


class Message(PublicModel):
    """One entry in an incident's thread: a message (internal or external) or a note."""

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        NOTE = "note", _("Note")

    class Visibility(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        EXTERNAL = "external", _("External")

    class Via(models.TextChoices):
        BACKOFFICE = "backoffice", _("Back office")
        EMAIL = "email", _("Email")
        LINK = "link", _("Personal link")
        PORTAL = "portal", _("Tenant portal")
        SYSTEM = "system", _("System")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MESSAGE)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices)
    via = models.CharField(_("via"), max_length=12, choices=Via.choices, default=Via.BACKOFFICE)
    # Staff author, or the name of the tenant/sender who wrote in.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(_("author name"), max_length=160, blank=True)
    from_tenant = models.BooleanField(_("from the tenant"), default=False)
    body = models.TextField(_("text"))
    inbound_mail = models.ForeignKey(
        "notifications.InboundMail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["incident", "created_at", "id"], name="message_thread_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="note") | Q(visibility="internal"),
                name="message_note_is_internal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.body[:40]}"


class Task(PublicModel):
    """A to-do on an incident with an assignee and a due date."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incident_tasks",
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["done_at", "due_on", "id"]
        indexes = [
            models.Index(
                fields=["assignee", "due_on"],
                name="task_open_assignee_idx",
                condition=Q(done_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Attachment(PublicModel):
    """A photo or PDF on an incident, stored under a random name, served through a checked view."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Message.Visibility.choices,
        default=Message.Visibility.INTERNAL,
    )
    file = models.FileField(_("file"), upload_to="incidents/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_by_name = models.CharField(_("uploaded by (name)"), max_length=160, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["incident", "created_at"], name="attachment_incident_idx")]

    def __str__(self) -> str:
        return self.original_name


class SavedView(TimeStampedModel):
    """A staff user's named incident-list filter (the list URL's query string)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_incident_views"
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=1000)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_view_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class InboxReport(PublicModel):
    """An unprocessed report (SPEC INC-13): from the report form, the portal or email,
    waiting until staff turn it into an incident or delete it."""

    class Source(models.TextChoices):
        PUBLIC_FORM = "public_form", _("Report form")
        PORTAL = "portal", _("Tenant portal")
        WIZARD = "wizard", _("Repair wizard")
        EMAIL = "email", _("Email")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        CONVERTED = "converted", _("Turned into an incident")
        DELETED = "deleted", _("Deleted")

    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
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
        related_name="inbox_reports",
    )
    household = models.ForeignKey(
        "people.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbox_reports",
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    name = models.CharField(_("name"), max_length=160, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=8, default="nl")
    # A keyed hash of the sender's IP address, for rate limits; never the address.
    client_ip_hash = models.CharField(_("client"), max_length=64, blank=True, editable=False)
    inbound_mail = models.ForeignKey(
        "notifications.InboundMail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    incident = models.ForeignKey(
        Incident,
        verbose_name=_("incident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbox_reports",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("possible duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("inbox report")
        verbose_name_plural = _("inbox reports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["-created_at", "-id"],
                name="inbox_waiting_idx",
                condition=Q(status="waiting"),
            ),
            models.Index(fields=["unit", "category", "-created_at"], name="inbox_unit_idx"),
            models.Index(
                fields=["client_ip_hash", "created_at"],
                name="inbox_client_idx",
                condition=~Q(client_ip_hash=""),
            ),
        ]

    def __str__(self) -> str:
        return self.subject or self.description[:60]


class InboxAttachment(PublicModel):
    """A photo or PDF sent with an inbox report; moves to the incident on conversion."""

    report = models.ForeignKey(InboxReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="inbox/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("inbox attachment")
        verbose_name_plural = _("inbox attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class SubIncident(PublicModel):
    """A part of an incident handled by someone else (SPEC INC-9 … INC-11): a work
    order for a supplier, a question to the unit's owner or an assignment for an
    own employee. It has its own thread and files; a supplier or owner sees
    this sub-incident only, never the main incident nor its other parts.
    """

    class Kind(models.TextChoices):
        EXTERNAL = "external", _("Work order")
        OWNER = "owner", _("Owner contact")
        INTERNAL = "internal", _("Internal assignment")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SENT = "sent", _("Waiting for acceptance")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Permission(models.TextChoices):
        NONE = "", _("Not asked")
        REQUESTED = "requested", _("Asked, no answer yet")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="sub_incidents"
    )
    sequence = models.PositiveSmallIntegerField(_("number within the incident"))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.PROTECT, related_name="sub_incidents"
    )
    is_open = models.BooleanField(_("open"), default=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    access_instructions = models.TextField(_("access instructions"), blank=True)
    contact = models.ForeignKey(
        "people.Contact",
        verbose_name=_("supplier or owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_incidents",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_sub_incidents",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_sub_incidents",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Work orders (INC-10).
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    planned_confirmed_at = models.DateTimeField(
        _("planned date confirmed at"), null=True, blank=True
    )
    cost_limit = models.DecimalField(
        _("cost limit"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    reminders_on = models.BooleanField(_("send reminders"), default=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    next_reminder_at = models.DateTimeField(_("next reminder"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejecting"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completion_note = models.TextField(_("completion note"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    # Owner contact: a permission request and its answer.
    permission = models.CharField(
        _("permission"), max_length=10, choices=Permission.choices, blank=True, default=""
    )
    permission_question = models.TextField(_("permission asked for"), blank=True)
    permission_answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    permission_reason = models.TextField(_("reason given"), blank=True)

    last_activity_at = models.DateTimeField(_("last activity"), auto_now_add=True)

    class Meta:
        verbose_name = _("sub-incident")
        verbose_name_plural = _("sub-incidents")
        ordering = ["incident", "sequence"]
        indexes = [
            models.Index(fields=["kind", "-created_at", "-id"], name="subincident_kind_idx"),
            models.Index(
                fields=["kind", "status", "-created_at", "-id"], name="subincident_status_idx"
            ),
            models.Index(fields=["contact", "-created_at", "-id"], name="subincident_contact_idx"),
            models.Index(
                fields=["next_reminder_at"],
                name="subincident_reminder_idx",
                condition=Q(next_reminder_at__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "sequence"], name="subincident_unique_sequence"
            ),
            # A work order without a supplier is a draft (status open), e.g. one the
            # repair wizard prepared; it is sent once staff choose the supplier.
            models.CheckConstraint(
                condition=Q(kind="internal")
                | Q(contact__isnull=False)
                | Q(kind="external", status="open"),
                name="subincident_party_has_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """``1234-2``: the incident's number and this part's place in it."""
        return f"{self.incident_id}-{self.sequence}"

    @property
    def is_work_order(self) -> bool:
        return self.kind == self.Kind.EXTERNAL

    @property
    def thread_key(self) -> str:
        return f"sub_incident:{self.public_id}"


class SubIncidentMessage(PublicModel):
    """One entry in a sub-incident's thread. External entries are shared with
    the supplier or owner; internal ones and notes stay with staff."""

    sub_incident = models.ForeignKey(SubIncident, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(
        _("kind"), max_length=10, choices=Message.Kind.choices, default=Message.Kind.MESSAGE
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Message.Visibility.choices
    )
    via = models.CharField(
        _("via"), max_length=12, choices=Message.Via.choices, default=Message.Via.BACKOFFICE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(_("author name"), max_length=160, blank=True)
    from_party = models.BooleanField(_("from the supplier or owner"), default=False)
    body = models.TextField(_("text"))
    inbound_mail = models.ForeignKey(
        "notifications.InboundMail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sub-incident message")
        verbose_name_plural = _("sub-incident messages")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["sub_incident", "created_at", "id"], name="subincident_thread_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="note") | Q(visibility="internal"),
                name="subincident_note_is_internal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sub_incident_id}: {self.body[:40]}"


class SubIncidentAttachment(PublicModel):
    """A photo or PDF on a sub-incident: shared by staff or uploaded by the party."""

    class Stage(models.TextChoices):
        NONE = "", _("—")
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")

    sub_incident = models.ForeignKey(
        SubIncident, on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        SubIncidentMessage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Message.Visibility.choices,
        default=Message.Visibility.EXTERNAL,
    )
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices, blank=True)
    file = models.FileField(_("file"), upload_to="work-orders/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_by_name = models.CharField(_("uploaded by (name)"), max_length=160, blank=True)

    class Meta:
        verbose_name = _("sub-incident file")
        verbose_name_plural = _("sub-incident files")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["sub_incident", "created_at"], name="subincident_attachment_idx")
        ]

    def __str__(self) -> str:
        return self.original_name
