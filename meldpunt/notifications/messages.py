"""The kinds of message Meldpunt sends, and what each one may say (SPEC ADM-SET, X-1).

A kind is named by the ``template`` key of an outbox row. Code that queues a
message puts the kind's variables in the row's context; an administrator may
reword the message per language, using only those variables. The shipped
wording lives in ``message_defaults/<key>.toml``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DEFAULTS_DIR = Path(__file__).resolve().parent / "message_defaults"
FALLBACK_LANGUAGE = "nl"
TEXT_FIELDS = ("subject", "text", "html", "sms")


class Audience(models.TextChoices):
    TENANT = "tenant", _("Tenants")
    SUPPLIER = "supplier", _("Suppliers")
    OWNER = "owner", _("Owners")
    STAFF = "staff", _("Staff")


class UnknownMessageKind(LookupError):
    """A template key that no message kind has."""


# Every kind offers these; the renderer fills them in from the outbox row and
# the organization, so queueing code never passes them.
AUTOMATIC_VARIABLES: dict[str, Promise] = {
    "recipient_name": _("Name of the recipient (may be empty)"),
    "organization_name": _("Name of your organization"),
    "organization_phone": _("Your organization's contact phone number"),
}


@dataclass(frozen=True, slots=True)
class MessageKind:
    key: str
    audience: str
    label: Promise
    description: Promise
    variables: Mapping[str, Promise] = field(default_factory=dict)
    sample: Mapping[str, Promise | str] = field(default_factory=dict)
    channels: tuple[str, ...] = ("email", "sms", "whatsapp")

    @property
    def all_variables(self) -> dict[str, Promise]:
        """The kind's own variables followed by the automatic ones."""
        return {**self.variables, **AUTOMATIC_VARIABLES}

    @property
    def audience_label(self) -> str:
        return str(Audience(self.audience).label)

    @property
    def sends_email(self) -> bool:
        return "email" in self.channels

    @property
    def sends_text(self) -> bool:
        return "sms" in self.channels or "whatsapp" in self.channels


@dataclass(frozen=True, slots=True)
class MessageTexts:
    """The four wordings of one message in one language, as template source."""

    subject: str
    text: str
    html: str
    sms: str


# Variable descriptions shared by several kinds.
_INCIDENT_NUMBER = _("Number of the report")
_INCIDENT_TITLE = _("Short description of the report")
_LINK = _("Personal link to the page about this (no login needed)")
_WORK_ORDER_NUMBER = _("Number of the work order")
_WORK_TITLE = _("What the work is about")
_ADDRESS = _("Address of the home or building")
_PLANNED_DATE = _("Planned date, written out (may be empty)")
_MESSAGE_TEXT = _("The text of the message that was written")

# Sample values for the preview, shown in the language being edited.
_SAMPLE_INCIDENT: dict[str, Promise | str] = {
    "incident_number": "M-2026-00412",
    "incident_title": _("Leaking tap in the kitchen"),
    "link": "https://meldpunt.example.org/l/7Hq2xZpR4kLm9sTa",
}
_SAMPLE_WORK_ORDER: dict[str, Promise | str] = {
    "work_order_number": "WO-2026-0187",
    "title": _("Replace the kitchen tap"),
    "address": "Lindelaan 12B, 3512 AB Utrecht",
    "link": "https://meldpunt.example.org/w/Qm8vT3nYc2LpX5dR",
}
_SAMPLE_MESSAGE = _("Could you come on Thursday morning instead? The tenant is home then.")

_ACCOUNT_USERNAME = _("Username of the portal account")
_SAMPLE_LINK = "https://meldpunt.example.org/portal/confirm/Mg4kR7tQ2xWp/"

# The tenant's portal account (SPEC ACC-2, ACC-7, ACC-9, ACC-11, POR-4, POR-5).
ACCOUNT_KINDS: tuple[MessageKind, ...] = (
    MessageKind(
        key="tenant.account_confirm",
        audience=Audience.TENANT,
        label=_("Confirm your portal account"),
        description=_(
            "Sent after a tenant made a portal account; the account works once the link is clicked."
        ),
        variables={
            "link": _("Link that confirms the email address"),
            "username": _ACCOUNT_USERNAME,
        },
        sample={"link": _SAMPLE_LINK, "username": "fam.jansen"},
        channels=("email",),
    ),
    MessageKind(
        key="tenant.password_reset",
        audience=Audience.TENANT,
        label=_("Choose a new password"),
        description=_("Sent when somebody asks for a new password for a portal account."),
        variables={"link": _("Link to choose a new password"), "username": _ACCOUNT_USERNAME},
        sample={"link": _SAMPLE_LINK, "username": "fam.jansen"},
        channels=("email",),
    ),
    MessageKind(
        key="tenant.password_changed",
        audience=Audience.TENANT,
        label=_("Password changed"),
        description=_("Confirms that the password of a portal account was changed."),
        variables={"username": _ACCOUNT_USERNAME},
        sample={"username": "fam.jansen"},
        channels=("email",),
    ),
    MessageKind(
        key="tenant.email_change_confirm",
        audience=Audience.TENANT,
        label=_("Confirm your new email address"),
        description=_(
            "Sent to the new address when a tenant changes their email address; the old "
            "address stays in use until the link is clicked."
        ),
        variables={
            "link": _("Link that confirms the new address"),
            "new_email": _("New email address"),
        },
        sample={"link": _SAMPLE_LINK, "new_email": "jansen@example.org"},
        channels=("email",),
    ),
    MessageKind(
        key="tenant.phone_changed",
        audience=Audience.TENANT,
        label=_("Phone number changed"),
        description=_("Confirms a changed phone number, to the email address in use."),
        variables={"new_phone": _("New phone number")},
        sample={"new_phone": "06 12345678"},
        channels=("email",),
    ),
    MessageKind(
        key="tenant.address_changed",
        audience=Audience.TENANT,
        label=_("Correspondence address changed"),
        description=_("Confirms a changed correspondence address and states the new one."),
        variables={"new_address": _("New correspondence address")},
        sample={"new_address": "Lindelaan 12B, 3512 AB Utrecht"},
        channels=("email",),
    ),
)

KINDS: tuple[MessageKind, ...] = (
    MessageKind(
        key="test_message",
        audience=Audience.STAFF,
        label=_("Test message"),
        description=_("Sent when an administrator checks a channel from the outbox page."),
    ),
    MessageKind(
        key="tenant.message",
        audience=Audience.TENANT,
        label=_("New message for the tenant"),
        description=_(
            "Tells the tenant there is a message waiting. For privacy it never contains "
            "the message itself, only the link."
        ),
        variables={
            "incident_number": _INCIDENT_NUMBER,
            "incident_title": _INCIDENT_TITLE,
            "link": _LINK,
        },
        sample=_SAMPLE_INCIDENT,
    ),
    MessageKind(
        key="tenant.report_received",
        audience=Audience.TENANT,
        label=_("Report received"),
        description=_("Thanks the tenant for a new report and gives the link to follow it."),
        variables={
            "incident_number": _INCIDENT_NUMBER,
            "incident_title": _INCIDENT_TITLE,
            "link": _LINK,
        },
        sample=_SAMPLE_INCIDENT,
    ),
    MessageKind(
        key="tenant.inbox_report_received",
        audience=Audience.TENANT,
        label=_("Report received from the report form"),
        description=_(
            "Thanks the sender of the public report form and gives the link to follow the "
            "report, before staff have turned it into an incident."
        ),
        variables={
            "report_reference": _("Reference of the report"),
            "report_subject": _INCIDENT_TITLE,
            "link": _LINK,
        },
        sample={
            "report_reference": "R-000412",
            "report_subject": _("Leaking tap in the kitchen"),
            "link": "https://meldpunt.example.org/m/r/7Hq2xZpR4kLm9sTa/",
        },
    ),
    MessageKind(
        key="tenant.reply_received",
        audience=Audience.TENANT,
        label=_("Reply received"),
        description=_("Confirms that the tenant's reply to a report has arrived."),
        variables={
            "incident_number": _INCIDENT_NUMBER,
            "incident_title": _INCIDENT_TITLE,
            "link": _LINK,
        },
        sample=_SAMPLE_INCIDENT,
    ),
    MessageKind(
        key="supplier.work_order_new",
        audience=Audience.SUPPLIER,
        label=_("New work order"),
        description=_("Sends a new work order to the supplier with the link to accept it."),
        variables={
            "work_order_number": _WORK_ORDER_NUMBER,
            "title": _WORK_TITLE,
            "address": _ADDRESS,
            "planned_date": _PLANNED_DATE,
            "link": _LINK,
        },
        sample={**_SAMPLE_WORK_ORDER, "planned_date": _("Thursday 12 March")},
    ),
    MessageKind(
        key="supplier.work_order_reminder",
        audience=Audience.SUPPLIER,
        label=_("Work order reminder"),
        description=_("Reminds the supplier of a work order that has not been accepted yet."),
        variables={
            "work_order_number": _WORK_ORDER_NUMBER,
            "title": _WORK_TITLE,
            "address": _ADDRESS,
            "planned_date": _PLANNED_DATE,
            "reminder_number": _("Which reminder this is: 1, 2, …"),
            "link": _LINK,
        },
        sample={
            **_SAMPLE_WORK_ORDER,
            "planned_date": _("Thursday 12 March"),
            "reminder_number": "2",
        },
    ),
    MessageKind(
        key="supplier.message",
        audience=Audience.SUPPLIER,
        label=_("Message for the supplier"),
        description=_("Passes on a message about a work order to the supplier."),
        variables={
            "work_order_number": _WORK_ORDER_NUMBER,
            "title": _WORK_TITLE,
            "message_text": _MESSAGE_TEXT,
            "link": _LINK,
        },
        sample={**_SAMPLE_WORK_ORDER, "message_text": _SAMPLE_MESSAGE},
    ),
    MessageKind(
        key="owner.message",
        audience=Audience.OWNER,
        label=_("Message for the owner"),
        description=_("Passes on a message about a home or building to its owner."),
        variables={
            "title": _WORK_TITLE,
            "address": _ADDRESS,
            "message_text": _MESSAGE_TEXT,
            "link": _LINK,
        },
        sample={
            **_SAMPLE_WORK_ORDER,
            "message_text": _("The roof repair is finished. The invoice follows this week."),
        },
    ),
    MessageKind(
        key="owner.permission_request",
        audience=Audience.OWNER,
        label=_("Permission request to the owner"),
        description=_("Asks the owner for permission before work is carried out."),
        variables={
            "title": _WORK_TITLE,
            "address": _ADDRESS,
            "message_text": _MESSAGE_TEXT,
            "link": _LINK,
        },
        sample={
            **_SAMPLE_WORK_ORDER,
            "message_text": _("The boiler is 19 years old. We advise replacing it."),
        },
    ),
    MessageKind(
        key="party.sign_in",
        audience=Audience.SUPPLIER,
        label=_("Sign-in link for the supplier and owner portal"),
        description=_(
            "Sent when a supplier or owner with portal access asks to sign in; the link "
            "works once and for 30 minutes."
        ),
        variables={"link": _("Link to sign in (works once, for 30 minutes)")},
        sample={"link": "https://meldpunt.example.org/w/in/Zt4kW9pQx2LmN7rB/"},
        channels=("email",),
    ),
    MessageKind(
        key="staff.incident_new",
        audience=Audience.STAFF,
        label=_("New report (staff)"),
        description=_("Tells staff who asked for it that a new report came in."),
        variables={
            "incident_number": _INCIDENT_NUMBER,
            "incident_title": _INCIDENT_TITLE,
            "address": _ADDRESS,
            "category": _("Category of the report"),
            "link": _("Link to the report in the back office"),
        },
        sample={
            **_SAMPLE_INCIDENT,
            "address": "Lindelaan 12B, 3512 AB Utrecht",
            "category": _("Plumbing"),
            "link": "https://meldpunt.example.org/backoffice/incidents/M-2026-00412/",
        },
        channels=("email", "whatsapp"),
    ),
    MessageKind(
        key="staff.incident_assigned",
        audience=Audience.STAFF,
        label=_("Report assigned to you"),
        description=_("Tells a staff member that a report was assigned to them."),
        variables={
            "incident_number": _INCIDENT_NUMBER,
            "incident_title": _INCIDENT_TITLE,
            "assigned_by": _("Who assigned it"),
            "link": _("Link to the report in the back office"),
        },
        sample={
            **_SAMPLE_INCIDENT,
            "assigned_by": "Sanne Bakker",
            "link": "https://meldpunt.example.org/backoffice/incidents/M-2026-00412/",
        },
        channels=("email", "whatsapp"),
    ),
    MessageKind(
        key="staff.work_order_status_changed",
        audience=Audience.STAFF,
        label=_("Work order status changed"),
        description=_("Tells staff that a supplier accepted, planned or finished a work order."),
        variables={
            "work_order_number": _WORK_ORDER_NUMBER,
            "title": _WORK_TITLE,
            "supplier_name": _("Name of the supplier"),
            "status": _("New status of the work order"),
            "link": _("Link to the work order in the back office"),
        },
        sample={
            **_SAMPLE_WORK_ORDER,
            "supplier_name": "Installatiebedrijf Van Dam",
            "status": _("Accepted"),
            "link": "https://meldpunt.example.org/backoffice/work-orders/WO-2026-0187/",
        },
        channels=("email", "whatsapp"),
    ),
    *ACCOUNT_KINDS,
)

MESSAGE_KINDS: dict[str, MessageKind] = {kind.key: kind for kind in KINDS}


def message_kind(key: str) -> MessageKind:
    try:
        return MESSAGE_KINDS[key]
    except KeyError:
        raise UnknownMessageKind(f"no message kind {key!r}") from None


def message_languages() -> tuple[str, ...]:
    """The languages a message can be written in: the site's languages."""
    return tuple(code for code, _name in settings.LANGUAGES)


def supported_language(language: str) -> str:
    """``language`` if messages exist in it (``en-gb`` → ``en``), else Dutch."""
    code = (language or "").lower().replace("_", "-").split("-")[0]
    return code if code in message_languages() else FALLBACK_LANGUAGE


@cache
def shipped_defaults(key: str) -> dict[str, MessageTexts]:
    """The shipped wording of ``key`` per language, parsed once per process."""
    message_kind(key)
    with (DEFAULTS_DIR / f"{key}.toml").open("rb") as file:
        data = tomllib.load(file)
    return {
        language: MessageTexts(**{name: table[name] for name in TEXT_FIELDS})
        for language, table in data.items()
    }


def shipped_default(key: str, language: str) -> MessageTexts:
    """The shipped wording in ``language``, or in Dutch when it has none."""
    defaults = shipped_defaults(key)
    return defaults.get(supported_language(language)) or defaults[FALLBACK_LANGUAGE]
