"""Sub-incidents and work orders (SPEC INC-9 … INC-12, X-2, C-6, A-24).

Staff create a sub-incident from an incident: a work order for a supplier, a
contact with the unit's owner (often a permission request) or an assignment
for an own employee. Suppliers and owners act through a personal link
(``/w/<token>/``) without logging in; what they may see is the sub-incident's
shared messages and files only, never the main incident nor its other parts.

What the supplier or owner does is in ``meldpunt.incidents.sub_incident_party``
(it shares this module's row helpers): every party action is a conditional
update of the row, so a double-clicked "accept" accepts once, and every status
change tells the sub-incident's responsible staff user (per their preferences)
through the outbox.

Reminders: while a work order waits for acceptance, ``next_reminder_at``
holds when the next reminder is due (see ``meldpunt.incidents.reminders``). A
deferred task is queued for that moment and ``work_order_reminders_sweep``
(run by ``notifications_sweep``) catches whatever a stopped worker missed;
both go through ``work_order_reminder_send``, which claims the reminder with a
conditional update, so it goes out once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from meldpunt.accounts.models import User
from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.common.links import absolute_url, link_issue, link_revoke, links_extend
from meldpunt.common.models import AccessLink, AuditEvent
from meldpunt.common.uploads import CleanUpload
from meldpunt.incidents import events
from meldpunt.incidents.models import (
    Attachment,
    Incident,
    Message,
    Phase,
    SubIncident,
    SubIncidentAttachment,
    SubIncidentMessage,
)
from meldpunt.incidents.reminders import next_working_moment, reminder_due_at
from meldpunt.notifications.models import StaffPreference
from meldpunt.notifications.services import notification_queue, staff_channels
from meldpunt.organization.selectors import organization_current
from meldpunt.people.models import Channel, Contact
from meldpunt.people.phones import is_mobile

PARTY_LINK_PURPOSE = "sub_incident_party"
PARTY_LINK_MAX_AGE = timedelta(days=180)
PARTY_LINK_AFTER_CLOSE = timedelta(days=30)
BODY_MAX = 10_000
REASON_MAX = 2_000
PLANNED_AHEAD_MAX = timedelta(days=366)

KIND_CONTACT = {
    SubIncident.Kind.EXTERNAL: Contact.Kind.SUPPLIER,
    SubIncident.Kind.OWNER: Contact.Kind.OWNER,
}
# Statuses in which a supplier can still act on the order.
WORK_ORDER_LIVE = (SubIncident.Status.SENT, SubIncident.Status.ACCEPTED)


# ---------------------------------------------------------------- helpers


def _require_staff(actor: Actor) -> User:
    if not actor.is_staff or actor.user is None:
        raise PermissionDenied
    return actor.user


def _require_link(actor: Actor) -> None:
    if actor.kind != AuditEvent.ActorKind.LINK:
        raise PermissionDenied


def _user_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _clean_text(value: str, *, field: str, limit: int, required: bool, message: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message}, code="required")
    if len(value) > limit:
        raise ValidationError(
            {field: _("Keep it under %(limit)s characters.") % {"limit": limit}},
            code="max_length",
        )
    return value


def _lock(sub_incident: SubIncident) -> SubIncident:
    """The row locked until the transaction ends; ``sub_incident`` gets its fresh values."""
    locked = SubIncident.objects.select_for_update().get(pk=sub_incident.pk)
    for field in locked._meta.concrete_fields:
        setattr(sub_incident, field.attname, getattr(locked, field.attname))
    return locked


def _touch(sub_incident: SubIncident, now: datetime, *fields: str) -> None:
    sub_incident.last_activity_at = now
    sub_incident.save(update_fields=["last_activity_at", "updated_at", *fields])


def _phase_initial() -> Phase:
    phase = Phase.objects.filter(is_initial=True, active=True).first()
    phase = phase or Phase.objects.filter(is_closed=False).order_by("ordering", "id").first()
    if phase is None:
        raise ValidationError(_("No open phase is configured; an administrator must add one."))
    return phase


def _phase_first_closed() -> Phase | None:
    return Phase.objects.filter(is_closed=True).order_by("ordering", "id").first()


def _address(incident: Incident) -> str:
    from meldpunt.incidents.services import incident_address

    return incident_address(incident)


def _date_text(day: date | None, language: str) -> str:
    if day is None:
        return ""
    with translation.override(language):
        return formats.date_format(day, "l j F Y")


# ---------------------------------------------------------------- links (X-2, C-6)


def party_link_expiry(sub_incident: SubIncident, now: datetime | None = None) -> datetime:
    """Links live until 30 days after the sub-incident closes, at most 180 days."""
    now = now or timezone.now()
    latest = (sub_incident.created_at or now) + PARTY_LINK_MAX_AGE
    if sub_incident.closed_at is not None:
        return min(sub_incident.closed_at + PARTY_LINK_AFTER_CLOSE, latest)
    return latest


def party_link_url(sub_incident: SubIncident) -> str:
    """A freshly issued personal link for the supplier or owner (the token is only in the URL)."""
    contact = sub_incident.contact
    _link, token = link_issue(
        obj=sub_incident,
        purpose=PARTY_LINK_PURPOSE,
        party=str(contact) if contact is not None else "",
        expires_at=party_link_expiry(sub_incident),
    )
    return absolute_url(reverse("portal:party_link", kwargs={"token": token}))


def party_link_resolve(link: AccessLink) -> SubIncident | None:
    """The sub-incident a live party link points to (``None`` when it is gone)."""
    if link.purpose != PARTY_LINK_PURPOSE or link.object_type != SubIncident._meta.label_lower:
        return None
    return (
        SubIncident.objects.select_related(
            "incident",
            "incident__unit",
            "incident__household",
            "incident__common_area",
            "incident__installation",
            "contact",
            "phase",
            "responsible",
        )
        .filter(public_id=link.object_id, kind__in=KIND_CONTACT.keys())
        .first()
    )


def party_actor(link: AccessLink) -> Actor:
    return Actor(kind=AuditEvent.ActorKind.LINK, label=f"party link: {link.party}"[:200])


def _live_links(sub_incident: SubIncident) -> Any:
    return AccessLink.objects.filter(
        purpose=PARTY_LINK_PURPOSE,
        object_type=SubIncident._meta.label_lower,
        object_id=sub_incident.public_id,
        revoked_at__isnull=True,
    )


def party_links_revoke(*, actor: Actor, sub_incident: SubIncident) -> int:
    """Revoke every link the supplier or owner holds; returns how many were live."""
    _require_staff(actor)
    with transaction.atomic():
        links = list(_live_links(sub_incident))
        for link in links:
            link_revoke(link=link)
        audit_record(
            actor=actor,
            verb=events.SUB_INCIDENT_LINK_REVOKED,
            obj=sub_incident,
            changes={"links": {"old": len(links), "new": 0}},
        )
    return len(links)


def party_link_reissue(*, actor: Actor, sub_incident: SubIncident) -> list[str]:
    """Revoke the old links and send the supplier or owner a new one; returns the channels."""
    _require_staff(actor)
    if sub_incident.contact is None:
        raise ValidationError(_("An internal assignment has no supplier or owner to send to."))
    with transaction.atomic():
        _lock(sub_incident)
        if not sub_incident.is_open:
            raise ValidationError(_("Reopen the sub-incident before sending a new link."))
        for link in _live_links(sub_incident):
            link_revoke(link=link)
        stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
        sent_to = _notify_party(
            sub_incident,
            event=events.SUB_INCIDENT_LINK_REISSUED,
            template=_party_template(sub_incident, first=True),
            dedupe_key=f"sub_incident:{sub_incident.public_id}:link:{stamp}",
        )
        audit_record(
            actor=actor,
            verb=events.SUB_INCIDENT_LINK_REISSUED,
            obj=sub_incident,
            changes={"sent_to": {"old": None, "new": sent_to}},
        )
    return sent_to


# ---------------------------------------------------------------- notifications


def party_recipients(contact: Contact) -> list[tuple[str, str]]:
    """(channel, address) pairs for a supplier or owner: email when known, and a text
    message to a mobile number when they prefer SMS or WhatsApp (or have no email)."""
    recipients: list[tuple[str, str]] = []
    if contact.email:
        recipients.append((Channel.EMAIL, contact.email))
    if contact.phone and is_mobile(contact.phone):
        if contact.preferred_channel in (Channel.SMS, Channel.WHATSAPP):
            recipients.append((contact.preferred_channel, contact.phone))
        elif not contact.email:
            recipients.append((Channel.SMS, contact.phone))
    return recipients


def _party_template(sub_incident: SubIncident, *, first: bool) -> str:
    if sub_incident.kind == SubIncident.Kind.EXTERNAL:
        return "supplier.work_order_new" if first else "supplier.message"
    if first and sub_incident.permission == SubIncident.Permission.REQUESTED:
        return "owner.permission_request"
    return "owner.message"


def _notify_party(
    sub_incident: SubIncident,
    *,
    event: str,
    template: str,
    dedupe_key: str,
    extra: dict[str, Any] | None = None,
) -> list[str]:
    contact = sub_incident.contact
    if contact is None:
        return []
    recipients = party_recipients(contact)
    if not recipients:
        return []
    language = contact.language or "nl"
    context: dict[str, Any] = {
        "work_order_number": sub_incident.number,
        "title": sub_incident.title,
        "address": _address(sub_incident.incident),
        "planned_date": _date_text(sub_incident.planned_on, language),
        "message_text": sub_incident.permission_question or sub_incident.description,
        "link": party_link_url(sub_incident),
        **(extra or {}),
    }
    for channel, recipient in recipients:
        notification_queue(
            event=event,
            template=template,
            recipient=recipient,
            channel=channel,
            context=context,
            dedupe_key=f"{dedupe_key}:{channel}",
            recipient_name=contact.name,
            language=language,
            thread_key=sub_incident.thread_key,
        )
    return [channel for channel, _recipient in recipients]


def _notify_responsible(
    sub_incident: SubIncident, *, event: str, status_label: str | Promise, key: str
) -> None:
    """Tell the responsible staff user (per their work-order preferences) what happened."""
    user = sub_incident.responsible
    if user is None or not user.is_active:
        return
    language = user.language or "nl"
    with translation.override(language):
        status = str(status_label)
    context = {
        "work_order_number": sub_incident.number,
        "title": sub_incident.title,
        "supplier_name": str(sub_incident.contact) if sub_incident.contact else "",
        "status": status,
        "link": absolute_url(
            reverse("backoffice:sub_incident_detail", kwargs={"public_id": sub_incident.public_id})
        ),
    }
    for channel in staff_channels(user=user, topic=StaffPreference.Topic.WORK_ORDER):
        notification_queue(
            event=event,
            template="staff.work_order_status_changed",
            recipient=user.email if channel == Channel.EMAIL else user.phone,
            channel=channel,
            context=context,
            dedupe_key=f"sub_incident:{sub_incident.public_id}:{key}:staff:{user.pk}:{channel}",
            recipient_name=_user_name(user),
            language=language,
        )


# ---------------------------------------------------------------- creating


@dataclass(frozen=True, slots=True)
class SubIncidentDraft:
    """What staff fill in on the "+ Sub-incident" form."""

    kind: str
    title: str
    description: str = ""
    instructions: str = ""
    access_instructions: str = ""
    contact: Contact | None = None
    assignee: User | None = None
    responsible: User | None = None
    planned_on: date | None = None
    cost_limit: Decimal | None = None
    reminders_on: bool = True
    permission_question: str = ""
    shared_attachments: tuple[Attachment, ...] = ()


def _draft_errors(draft: SubIncidentDraft, incident: Incident, today: date) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if draft.kind not in SubIncident.Kind.values:
        errors["kind"] = _("Choose a work order, an owner contact or an internal assignment.")
        return errors
    if not draft.title.strip():
        errors["title"] = _("Give the sub-incident a title.")
    elif len(draft.title) > 200:
        errors["title"] = _("Keep the title under 200 characters.")
    wanted = KIND_CONTACT.get(draft.kind)  # type: ignore[call-overload]
    if wanted is not None:
        if draft.contact is None:
            errors["contact"] = (
                _("Choose the supplier.")
                if draft.kind == SubIncident.Kind.EXTERNAL
                else _("Choose the owner.")
            )
        elif draft.contact.kind != wanted:
            errors["contact"] = (
                _("That contact is not a supplier.")
                if draft.kind == SubIncident.Kind.EXTERNAL
                else _("That contact is not an owner.")
            )
        elif not party_recipients(draft.contact):
            errors["contact"] = _(
                "This contact has no email address or mobile number, so the link cannot be sent."
            )
    elif draft.assignee is None:
        errors["assignee"] = _("Choose the employee who takes this on.")
    elif not draft.assignee.is_active:
        errors["assignee"] = _("That user is no longer active.")
    if draft.planned_on is not None and (
        draft.planned_on < today or draft.planned_on > today + PLANNED_AHEAD_MAX
    ):
        errors["planned_on"] = _("Choose a date from today up to a year ahead.")
    if draft.cost_limit is not None and draft.cost_limit < 0:
        errors["cost_limit"] = _("A cost limit cannot be negative.")
    if draft.permission_question and draft.kind != SubIncident.Kind.OWNER:
        errors["permission_question"] = _("Only an owner is asked for permission.")
    for attachment in draft.shared_attachments:
        if attachment.incident_id != incident.pk:
            errors["shared_attachments"] = _("That file belongs to another incident.")
    return errors


def sub_incident_create(
    *, actor: Actor, incident: Incident, draft: SubIncidentDraft
) -> SubIncident:
    """Create a sub-incident and send the supplier or owner their link.

    A work order starts as "waiting for acceptance" with its first reminder
    scheduled (when reminders are on); an owner contact with a question is a
    permission request; an internal assignment tells the employee.
    """
    user = _require_staff(actor)
    now = timezone.now()
    errors = _draft_errors(draft, incident, timezone.localdate(now))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The incident row serialises numbering: two staff adding parts at once get 1 and 2.
        Incident.objects.select_for_update().filter(pk=incident.pk).first()
        last = incident.sub_incidents.aggregate(last=Max("sequence"))["last"] or 0
        is_work_order = draft.kind == SubIncident.Kind.EXTERNAL
        question = _clean_text(
            draft.permission_question,
            field="permission_question",
            limit=BODY_MAX,
            required=False,
            message="",
        )
        sub_incident = SubIncident.objects.create(
            incident=incident,
            sequence=last + 1,
            kind=draft.kind,
            status=SubIncident.Status.SENT if is_work_order else SubIncident.Status.OPEN,
            phase=_phase_initial(),
            title=draft.title.strip(),
            description=draft.description.strip(),
            instructions=draft.instructions.strip(),
            access_instructions=draft.access_instructions.strip(),
            contact=draft.contact if draft.kind != SubIncident.Kind.INTERNAL else None,
            assignee=draft.assignee if draft.kind == SubIncident.Kind.INTERNAL else None,
            responsible=draft.responsible or user,
            created_by=user,
            planned_on=draft.planned_on if is_work_order else None,
            cost_limit=draft.cost_limit if is_work_order else None,
            reminders_on=draft.reminders_on and is_work_order,
            sent_at=now if draft.kind in KIND_CONTACT else None,
            permission=SubIncident.Permission.REQUESTED if question else "",
            permission_question=question,
        )
        for attachment in draft.shared_attachments:
            SubIncidentAttachment.objects.create(
                sub_incident=sub_incident,
                visibility=Message.Visibility.EXTERNAL,
                file=attachment.file.name,
                original_name=attachment.original_name,
                content_type=attachment.content_type,
                size=attachment.size,
                uploaded_by=attachment.uploaded_by,
                uploaded_by_name=attachment.uploaded_by_name,
            )
        sent_to = _notify_party(
            sub_incident,
            event=events.SUB_INCIDENT_CREATED,
            template=_party_template(sub_incident, first=True),
            dedupe_key=f"sub_incident:{sub_incident.public_id}:created",
        )
        if draft.kind == SubIncident.Kind.INTERNAL:
            _notify_assignee(sub_incident, actor)
        if is_work_order and sub_incident.reminders_on:
            _schedule_reminder(sub_incident, last_at=now)
        audit_record(
            actor=actor,
            verb=events.SUB_INCIDENT_CREATED,
            obj=sub_incident,
            changes={
                "incident": {"old": None, "new": incident.public_id},
                "kind": {"old": None, "new": sub_incident.kind},
                "contact": {"old": None, "new": str(sub_incident.contact or "")},
                "sent_to": {"old": None, "new": sent_to},
            },
        )
        audit_record(
            actor=actor,
            verb=events.SUB_INCIDENT_CREATED,
            obj=incident,
            changes={"sub_incident": {"old": None, "new": sub_incident.number}},
        )
        incident.last_activity_at = now
        incident.save(update_fields=["last_activity_at", "updated_at"])
    return sub_incident


def work_order_draft_create(
    *, actor: Actor, incident: Incident, title: str, description: str = ""
) -> SubIncident:
    """Prepare a work order without a supplier (a draft: status open, no link, no
    reminders, nobody told) on ``incident``; staff choose the supplier later.

    Made by intake (the repair wizard) when a repair template says the repair
    needs an order. One transaction; numbered like any other part of the
    incident. System and staff actors only.
    """
    if not (actor.is_staff or actor.kind == AuditEvent.ActorKind.SYSTEM):
        raise PermissionDenied
    title = _clean_text(
        title, field="title", limit=200, required=True, message=_("Give the work order a title.")
    )
    description = _clean_text(
        description, field="description", limit=BODY_MAX, required=False, message=""
    )
    with transaction.atomic():
        Incident.objects.select_for_update().filter(pk=incident.pk).first()
        last = incident.sub_incidents.aggregate(last=Max("sequence"))["last"] or 0
        sub_incident = SubIncident.objects.create(
            incident=incident,
            sequence=last + 1,
            kind=SubIncident.Kind.EXTERNAL,
            status=SubIncident.Status.OPEN,
            phase=_phase_initial(),
            title=title,
            description=description,
            created_by=actor.user if actor.user is not None and actor.user.pk else None,
            reminders_on=False,
        )
        audit_record(
            actor=actor,
            verb=events.SUB_INCIDENT_CREATED,
            obj=sub_incident,
            changes={
                "incident": {"old": None, "new": incident.public_id},
                "kind": {"old": None, "new": sub_incident.kind},
                "status": {"old": None, "new": sub_incident.status},
            },
        )
        audit_record(
            actor=actor,
            verb=events.SUB_INCIDENT_CREATED,
            obj=incident,
            changes={"sub_incident": {"old": None, "new": sub_incident.number}},
        )
    return sub_incident


def work_order_draft_send(
    *, actor: Actor, sub_incident: SubIncident, contact: Contact | None, reminders_on: bool = True
) -> SubIncident:
    """Send a draft work order to the supplier staff chose: from here on it is an
    ordinary work order waiting for acceptance (link, reminders, status changes).

    Only a draft (a work order without a supplier, status open) can be sent; a
    second click finds it sent and changes nothing.
    """
    user = _require_staff(actor)
    if contact is None:
        raise ValidationError({"contact": _("Choose the supplier.")})
    if contact.kind != Contact.Kind.SUPPLIER:
        raise ValidationError({"contact": _("That contact is not a supplier.")})
    if not party_recipients(contact):
        raise ValidationError(
            {
                "contact": _(
                    "This contact has no email address or mobile number, "
                    "so the link cannot be sent."
                )
            }
        )
    now = timezone.now()
    with transaction.atomic():
        sent = SubIncident.objects.filter(
            pk=sub_incident.pk,
            kind=SubIncident.Kind.EXTERNAL,
            status=SubIncident.Status.OPEN,
            contact__isnull=True,
        ).update(
            contact=contact,
            status=SubIncident.Status.SENT,
            sent_at=now,
            reminders_on=reminders_on,
            responsible=Coalesce(F("responsible"), Value(user.pk)),
            updated_at=now,
        )
        if not sent:
            raise ValidationError(_("This work order has already been sent."))
        sub_incident.refresh_from_db()
        sent_to = _notify_party(
            sub_incident,
            event=events.SUB_INCIDENT_CREATED,
            template=_party_template(sub_incident, first=True),
            dedupe_key=f"sub_incident:{sub_incident.public_id}:created",
        )
        if reminders_on:
            _schedule_reminder(sub_incident, last_at=now)
        audit_record(
            actor=actor,
            verb=events.SUB_INCIDENT_CHANGED,
            obj=sub_incident,
            changes={
                "status": {"old": SubIncident.Status.OPEN, "new": SubIncident.Status.SENT},
                "contact": {"old": None, "new": str(contact)},
                "sent_to": {"old": None, "new": sent_to},
            },
        )
    return sub_incident


def _notify_assignee(sub_incident: SubIncident, actor: Actor) -> None:
    user = sub_incident.assignee
    if user is None or (actor.user is not None and actor.user.pk == user.pk):
        return
    context = {
        "incident_number": sub_incident.number,
        "incident_title": sub_incident.title,
        "link": absolute_url(
            reverse("backoffice:sub_incident_detail", kwargs={"public_id": sub_incident.public_id})
        ),
        "assigned_by": _user_name(actor.user) or actor.label,
    }
    for channel in staff_channels(user=user, topic=StaffPreference.Topic.HANDLED_INCIDENT):
        notification_queue(
            event=events.SUB_INCIDENT_CREATED,
            template="staff.incident_assigned",
            recipient=user.email if channel == Channel.EMAIL else user.phone,
            channel=channel,
            context=context,
            dedupe_key=f"sub_incident:{sub_incident.public_id}:assigned:{user.pk}:{channel}",
            recipient_name=_user_name(user),
            language=user.language or "nl",
        )


# ---------------------------------------------------------------- staff changes


def sub_incident_update(
    *,
    actor: Actor,
    sub_incident: SubIncident,
    responsible: User | None,
    planned_on: date | None,
    cost_limit: Decimal | None,
    reminders_on: bool,
    instructions: str,
    access_instructions: str,
) -> SubIncident:
    """Staff change the practical details; turning reminders off stops them at once."""
    _require_staff(actor)
    today = timezone.localdate()
    errors: dict[str, Any] = {}
    if planned_on is not None and (
        planned_on < today - timedelta(days=366) or planned_on > today + PLANNED_AHEAD_MAX
    ):
        errors["planned_on"] = _("Choose a date up to a year ahead.")
    if cost_limit is not None and cost_limit < 0:
        errors["cost_limit"] = _("A cost limit cannot be negative.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        _lock(sub_incident)
        changes: dict[str, Any] = {}
        values = {
            "responsible_id": responsible.pk if responsible else None,
            "planned_on": planned_on,
            "cost_limit": cost_limit,
            "reminders_on": reminders_on and sub_incident.is_work_order,
            "instructions": instructions.strip(),
            "access_instructions": access_instructions.strip(),
        }
        for field, new in values.items():
            old = getattr(sub_incident, field)
            if old != new:
                changes[field] = {
                    "old": str(old) if old is not None else None,
                    "new": str(new) if new is not None else None,
                }
                setattr(sub_incident, field, new)
        if "planned_on" in changes:
            sub_incident.planned_confirmed_at = None
        if not sub_incident.reminders_on:
            sub_incident.next_reminder_at = None
        elif "reminders_on" in changes and sub_incident.status == SubIncident.Status.SENT:
            _schedule_reminder(sub_incident, last_at=now, save=False)
        if changes:
            _touch(
                sub_incident,
                now,
                *values.keys(),
                "planned_confirmed_at",
                "next_reminder_at",
            )
            audit_record(
                actor=actor, verb=events.SUB_INCIDENT_CHANGED, obj=sub_incident, changes=changes
            )
    return sub_incident


def sub_incident_phase_change(
    *, actor: Actor, sub_incident: SubIncident, phase: Phase
) -> SubIncident:
    """Move to ``phase``; a closed phase closes the sub-incident and stops its reminders."""
    _require_staff(actor)
    now = timezone.now()
    with transaction.atomic():
        _lock(sub_incident)
        if sub_incident.phase_id == phase.pk:
            return sub_incident
        old = sub_incident.phase
        sub_incident.phase = phase
        sub_incident.is_open = not phase.is_closed
        sub_incident.closed_at = now if phase.is_closed else None
        if phase.is_closed:
            sub_incident.next_reminder_at = None
        _touch(sub_incident, now, "phase", "is_open", "closed_at", "next_reminder_at")
        links_extend(
            obj=sub_incident,
            purpose=PARTY_LINK_PURPOSE,
            expires_at=party_link_expiry(sub_incident, now),
        )
        audit_record(
            actor=actor,
            verb=events.SUB_INCIDENT_PHASE_CHANGED,
            obj=sub_incident,
            changes={"phase": {"old": old.name_nl, "new": phase.name_nl}},
        )
    return sub_incident


def work_order_cancel(*, actor: Actor, sub_incident: SubIncident, reason: str) -> SubIncident:
    """Cancel a work order: the supplier is told why, reminders stop, the part closes."""
    _require_staff(actor)
    reason = _clean_text(
        reason,
        field="reason",
        limit=REASON_MAX,
        required=True,
        message=_("Say why the work order is cancelled; the supplier reads it."),
    )
    now = timezone.now()
    with transaction.atomic():
        _lock(sub_incident)
        if not sub_incident.is_work_order or sub_incident.status in (
            SubIncident.Status.CANCELLED,
            SubIncident.Status.COMPLETED,
        ):
            raise ValidationError(_("Only a running work order can be cancelled."))
        sub_incident_cancel_locked(
            actor=actor,
            sub_incident=sub_incident,
            reason=reason,
            author_name=_user_name(actor.user),
            now=now,
        )
    return sub_incident


def sub_incident_cancel_locked(
    *,
    actor: Actor,
    sub_incident: SubIncident,
    reason: str,
    author_name: str,
    now: datetime,
    phase: Phase | None = None,
) -> None:
    """End a running order or assignment whose row the caller has locked.

    For a staff cancel and for a tenant who withdraws the request (REP-14): a
    work order's supplier reads ``reason`` on the order and is told, reminders
    stop, the links stay readable for a while, and the part closes in ``phase``
    (default: the first closed phase). A draft work order without a supplier
    keeps its status by the model's rule but closes all the same.
    """
    was = sub_incident.status
    if sub_incident.kind == SubIncident.Kind.INTERNAL or sub_incident.contact_id is not None:
        sub_incident.status = SubIncident.Status.CANCELLED
    sub_incident.cancelled_at = now
    sub_incident.next_reminder_at = None
    closed = phase or _phase_first_closed()
    if closed is not None:
        sub_incident.phase = closed
        sub_incident.is_open = False
        sub_incident.closed_at = now
    _touch(
        sub_incident,
        now,
        "status",
        "cancelled_at",
        "next_reminder_at",
        "phase",
        "is_open",
        "closed_at",
    )
    if sub_incident.kind == SubIncident.Kind.EXTERNAL:
        SubIncidentMessage.objects.create(
            sub_incident=sub_incident,
            visibility=Message.Visibility.EXTERNAL,
            via=Message.Via.SYSTEM,
            author=actor.user if actor.is_staff else None,
            author_name=author_name,
            body=reason,
        )
        _notify_party(
            sub_incident,
            event=events.WORK_ORDER_CANCELLED,
            template="supplier.message",
            dedupe_key=f"sub_incident:{sub_incident.public_id}:cancelled",
            extra={"message_text": reason},
        )
        links_extend(
            obj=sub_incident,
            purpose=PARTY_LINK_PURPOSE,
            expires_at=party_link_expiry(sub_incident, now),
        )
    audit_record(
        actor=actor,
        verb=events.WORK_ORDER_CANCELLED,
        obj=sub_incident,
        changes={
            "status": {"old": was, "new": sub_incident.status},
            "reason": {"old": None, "new": reason},
        },
    )


def sub_incident_complete(*, actor: Actor, sub_incident: SubIncident, note: str = "") -> bool:
    """Staff mark an internal assignment (or a work order on the supplier's behalf) done."""
    user = _require_staff(actor)
    return _complete(
        actor=actor,
        sub_incident=sub_incident,
        note=note,
        uploads=(),
        by_name=_user_name(user),
        uploaded_by=user,
    )


# ---------------------------------------------------------------- messages and files


def sub_incident_message_post(
    *,
    actor: Actor,
    sub_incident: SubIncident,
    body: str,
    visibility: str,
    uploads: Iterable[CleanUpload] = (),
) -> SubIncidentMessage:
    """A staff message on the sub-incident; an external one goes to the supplier or owner."""
    user = _require_staff(actor)
    body = _clean_text(
        body, field="body", limit=BODY_MAX, required=True, message=_("Write a message first.")
    )
    if visibility not in Message.Visibility.values:
        raise ValidationError({"visibility": _("Choose internal or external.")})
    external = visibility == Message.Visibility.EXTERNAL
    if external and sub_incident.contact is None:
        raise ValidationError(
            {"visibility": _("An internal assignment has no supplier or owner to write to.")}
        )
    now = timezone.now()
    with transaction.atomic():
        _lock(sub_incident)
        message = SubIncidentMessage.objects.create(
            sub_incident=sub_incident,
            visibility=visibility,
            author=user,
            author_name=_user_name(user),
            body=body,
        )
        for upload in uploads:
            _attachment_create(
                actor=actor,
                sub_incident=sub_incident,
                upload=upload,
                visibility=visibility,
                message=message,
                uploaded_by=user,
                uploaded_by_name=_user_name(user),
            )
        sent_to: list[str] = []
        if external:
            sent_to = _notify_party(
                sub_incident,
                event=events.SUB_INCIDENT_MESSAGE_POSTED,
                template=_party_template(sub_incident, first=False),
                dedupe_key=f"sub_incident_message:{message.public_id}",
                extra={"message_text": body},
            )
        audit_record(
            actor=actor,
            verb=events.SUB_INCIDENT_MESSAGE_POSTED,
            obj=sub_incident,
            changes={
                "message": {"old": None, "new": message.public_id},
                "visibility": {"old": None, "new": visibility},
                "sent_to": {"old": None, "new": sent_to},
            },
        )
        _touch(sub_incident, now)
    return message


def sub_incident_attachments_add(
    *,
    actor: Actor,
    sub_incident: SubIncident,
    uploads: Iterable[CleanUpload],
    visibility: str,
) -> list[SubIncidentAttachment]:
    """Staff add files; external ones are shared with the supplier or owner."""
    user = _require_staff(actor)
    if visibility not in Message.Visibility.values:
        raise ValidationError({"visibility": _("Choose internal or external.")})
    with transaction.atomic():
        _lock(sub_incident)
        added = [
            _attachment_create(
                actor=actor,
                sub_incident=sub_incident,
                upload=upload,
                visibility=visibility,
                message=None,
                uploaded_by=user,
                uploaded_by_name=_user_name(user),
            )
            for upload in uploads
        ]
        _touch(sub_incident, timezone.now())
    return added


def _attachment_create(
    *,
    actor: Actor,
    sub_incident: SubIncident,
    upload: CleanUpload,
    visibility: str,
    message: SubIncidentMessage | None,
    uploaded_by: User | None,
    uploaded_by_name: str,
    stage: str = "",
) -> SubIncidentAttachment:
    if message is not None and message.visibility == Message.Visibility.INTERNAL:
        visibility = Message.Visibility.INTERNAL  # a file never shows more than its message
    attachment = SubIncidentAttachment(
        sub_incident=sub_incident,
        message=message,
        visibility=visibility,
        stage=stage,
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
        uploaded_by=uploaded_by,
        uploaded_by_name=uploaded_by_name[:160],
    )
    attachment.file.save(upload.content.name or "upload", upload.content, save=False)
    stored_name, storage = attachment.file.name, attachment.file.storage
    try:
        attachment.save()
        audit_record(
            actor=actor,
            verb=events.SUB_INCIDENT_ATTACHMENT_ADDED,
            obj=sub_incident,
            changes={
                "attachment": {"old": None, "new": attachment.public_id},
                "name": {"old": None, "new": attachment.original_name},
                "visibility": {"old": None, "new": visibility},
            },
        )
    except Exception:
        if stored_name:
            storage.delete(stored_name)  # no orphan file when the rows cannot be written
        raise
    return attachment


# ---------------------------------------------------------------- the party's actions


def _party_name(sub_incident: SubIncident) -> str:
    return str(sub_incident.contact) if sub_incident.contact is not None else ""


def _claim_status(
    sub_incident: SubIncident, *, from_statuses: Iterable[str], **values: Any
) -> bool:
    """Move the row on only if it is still in one of ``from_statuses``: one winner."""
    updated = SubIncident.objects.filter(
        pk=sub_incident.pk, status__in=list(from_statuses), is_open=True
    ).update(**values)
    if updated:
        for field, value in values.items():
            setattr(sub_incident, field, value)
    return bool(updated)


def _complete(
    *,
    actor: Actor,
    sub_incident: SubIncident,
    note: str,
    uploads: Iterable[tuple[CleanUpload, str]],
    by_name: str,
    uploaded_by: User | None,
) -> bool:
    note = _clean_text(
        note,
        field="note",
        limit=BODY_MAX,
        required=actor.kind == AuditEvent.ActorKind.LINK,
        message=_("Say in a few words what was done."),
    )
    from_statuses = WORK_ORDER_LIVE if sub_incident.is_work_order else (SubIncident.Status.OPEN,)
    now = timezone.now()
    with transaction.atomic():
        old = sub_incident.status
        if not _claim_status(
            sub_incident,
            from_statuses=from_statuses,
            status=SubIncident.Status.COMPLETED,
            completed_at=now,
            completion_note=note,
            next_reminder_at=None,
            last_activity_at=now,
            updated_at=now,
        ):
            return False
        from_party = actor.kind == AuditEvent.ActorKind.LINK
        message = None
        if note:
            message = SubIncidentMessage.objects.create(
                sub_incident=sub_incident,
                visibility=Message.Visibility.EXTERNAL
                if sub_incident.contact is not None
                else Message.Visibility.INTERNAL,
                via=Message.Via.LINK if from_party else Message.Via.BACKOFFICE,
                author=uploaded_by,
                author_name=by_name[:160],
                from_party=from_party,
                body=note,
            )
        for upload, stage in uploads:
            _attachment_create(
                actor=actor,
                sub_incident=sub_incident,
                upload=upload,
                visibility=Message.Visibility.EXTERNAL,
                message=message,
                uploaded_by=uploaded_by,
                uploaded_by_name=by_name,
                stage=stage,
            )
        audit_record(
            actor=actor,
            verb=events.WORK_ORDER_COMPLETED,
            obj=sub_incident,
            changes={"status": {"old": old, "new": SubIncident.Status.COMPLETED}},
        )
        if from_party:
            _notify_responsible(
                sub_incident,
                event=events.WORK_ORDER_COMPLETED,
                status_label=SubIncident.Status.COMPLETED.label,
                key="completed",
            )
    return True


# ---------------------------------------------------------------- reminders


def _schedule_reminder(sub_incident: SubIncident, *, last_at: datetime, save: bool = True) -> None:
    """Set ``next_reminder_at`` and queue a deferred task for that moment."""
    due = reminder_due_at(
        organization_current(),
        sent_at=sub_incident.sent_at or last_at,
        reminders_sent=sub_incident.reminders_sent,
        last_at=last_at,
    )
    sub_incident.next_reminder_at = due
    if save:
        SubIncident.objects.filter(pk=sub_incident.pk).update(next_reminder_at=due)
    if due is not None:
        pk = sub_incident.pk
        transaction.on_commit(lambda: _enqueue_reminder(pk, due))


def _enqueue_reminder(sub_incident_id: int, due: datetime) -> None:
    from meldpunt.incidents.tasks import send_work_order_reminder

    task = send_work_order_reminder
    if task.get_backend().supports_defer:
        task = task.using(run_after=due)
    elif due > timezone.now():
        return  # an immediate backend cannot wait; the sweep sends it when due
    task.enqueue(sub_incident_id)


def work_order_reminder_send(*, sub_incident_id: int, now: datetime | None = None) -> str:
    """Send the reminder that is due on this work order, if one is; returns what happened.

    Claimed with a conditional update on ``reminders_sent`` and
    ``next_reminder_at``, so the task and the sweep never both send it. A
    reminder due at night or on a closed day moves to the next opening.
    """
    now = now or timezone.now()
    sub_incident = (
        SubIncident.objects.select_related(
            "incident", "contact", "incident__unit", "incident__household"
        )
        .filter(pk=sub_incident_id)
        .first()
    )
    if sub_incident is None:
        return "gone"
    due = sub_incident.next_reminder_at
    if (
        due is None
        or not sub_incident.reminders_on
        or sub_incident.status != SubIncident.Status.SENT
        or not sub_incident.is_open
    ):
        if due is not None:
            # A stale schedule would be picked up by every sweep: clear it.
            SubIncident.objects.filter(pk=sub_incident.pk, next_reminder_at=due).update(
                next_reminder_at=None
            )
        return "not waiting"
    if due > now:
        return "not due"
    organization = organization_current()
    opening = next_working_moment(organization, now)
    if opening is None or opening > now:
        # Night or a closed day: move it to the next opening (or drop it when
        # there is none in sight); the deferred task follows it.
        SubIncident.objects.filter(pk=sub_incident.pk, next_reminder_at=due).update(
            next_reminder_at=opening
        )
        if opening is not None:
            transaction.on_commit(lambda: _enqueue_reminder(sub_incident.pk, opening))
        return "postponed"
    number = sub_incident.reminders_sent + 1
    with transaction.atomic():
        claimed = SubIncident.objects.filter(
            pk=sub_incident.pk,
            reminders_sent=sub_incident.reminders_sent,
            next_reminder_at=due,
            status=SubIncident.Status.SENT,
            reminders_on=True,
        ).update(reminders_sent=number, next_reminder_at=None)
        if not claimed:
            return "claimed elsewhere"
        sub_incident.reminders_sent = number
        sent_to = _notify_party(
            sub_incident,
            event=events.WORK_ORDER_REMINDED,
            template="supplier.work_order_reminder",
            dedupe_key=f"sub_incident:{sub_incident.public_id}:reminder:{number}",
            extra={"reminder_number": str(number)},
        )
        audit_record(
            actor=Actor.system("reminders"),
            verb=events.WORK_ORDER_REMINDED,
            obj=sub_incident,
            changes={
                "reminder": {"old": number - 1, "new": number},
                "sent_to": {"old": None, "new": sent_to},
            },
        )
        _schedule_reminder(sub_incident, last_at=now)
    return "sent"


def work_order_reminders_sweep(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send every reminder that is due (the safety net behind the deferred tasks)."""
    now = now or timezone.now()
    due_ids = list(
        SubIncident.objects.filter(
            next_reminder_at__lte=now,
            status=SubIncident.Status.SENT,
            reminders_on=True,
            is_open=True,
        )
        .order_by("next_reminder_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(work_order_reminder_send(sub_incident_id=pk, now=now) == "sent" for pk in due_ids)


def open_work_orders_filter() -> Q:
    """Work orders that still need something from the supplier."""
    return Q(kind=SubIncident.Kind.EXTERNAL, status__in=WORK_ORDER_LIVE, is_open=True)
