"""What suppliers and owners do on a sub-incident (SPEC INC-9, INC-10, INC-12).

Everything here acts for the party behind a personal link (or a reply to an
email they were sent): accept, reject, confirm or propose a date, report the
work completed, comment, answer a permission request. Each action is a
conditional update of the row, so a double click acts once, and each status
change tells the sub-incident's responsible staff user. The staff side, the
links and the reminders are in ``meldpunt.incidents.sub_incidents``, whose
row helpers this module shares.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.common.models import AuditEvent
from meldpunt.common.uploads import CleanUpload
from meldpunt.incidents import events
from meldpunt.incidents.inbound import mail_files_clean
from meldpunt.incidents.models import (
    Message,
    SubIncident,
    SubIncidentAttachment,
    SubIncidentMessage,
)
from meldpunt.incidents.sub_incidents import (
    BODY_MAX,
    PLANNED_AHEAD_MAX,
    REASON_MAX,
    WORK_ORDER_LIVE,
    _attachment_create,
    _claim_status,
    _clean_text,
    _complete,
    _date_text,
    _lock,
    _notify_responsible,
    _party_name,
    _require_link,
    _touch,
)
from meldpunt.notifications.inbound import Handled, ParsedMail
from meldpunt.notifications.models import InboundMail


def _require_work_order(sub_incident: SubIncident) -> None:
    if not sub_incident.is_work_order:
        raise PermissionDenied


def work_order_accept(*, actor: Actor, sub_incident: SubIncident) -> bool:
    """The supplier accepts; reminders stop. ``False`` when it was no longer waiting
    (accepted a moment ago by a double click, or cancelled)."""
    _require_link(actor)
    _require_work_order(sub_incident)
    now = timezone.now()
    with transaction.atomic():
        if not _claim_status(
            sub_incident,
            from_statuses=[SubIncident.Status.SENT],
            status=SubIncident.Status.ACCEPTED,
            accepted_at=now,
            next_reminder_at=None,
            last_activity_at=now,
            updated_at=now,
        ):
            return False
        audit_record(
            actor=actor,
            verb=events.WORK_ORDER_ACCEPTED,
            obj=sub_incident,
            changes={
                "status": {"old": SubIncident.Status.SENT, "new": SubIncident.Status.ACCEPTED}
            },
        )
        _notify_responsible(
            sub_incident,
            event=events.WORK_ORDER_ACCEPTED,
            status_label=SubIncident.Status.ACCEPTED.label,
            key="accepted",
        )
    return True


def work_order_reject(*, actor: Actor, sub_incident: SubIncident, reason: str) -> bool:
    """The supplier declines the order; a reason is required. Reminders stop."""
    _require_link(actor)
    _require_work_order(sub_incident)
    reason = _clean_text(
        reason,
        field="reason",
        limit=REASON_MAX,
        required=True,
        message=_("Tell us why you cannot take this work order."),
    )
    now = timezone.now()
    with transaction.atomic():
        old = sub_incident.status
        if not _claim_status(
            sub_incident,
            from_statuses=WORK_ORDER_LIVE,
            status=SubIncident.Status.REJECTED,
            rejected_at=now,
            rejection_reason=reason,
            next_reminder_at=None,
            last_activity_at=now,
            updated_at=now,
        ):
            return False
        SubIncidentMessage.objects.create(
            sub_incident=sub_incident,
            visibility=Message.Visibility.EXTERNAL,
            via=Message.Via.LINK,
            author_name=_party_name(sub_incident)[:160],
            from_party=True,
            body=reason,
        )
        audit_record(
            actor=actor,
            verb=events.WORK_ORDER_REJECTED,
            obj=sub_incident,
            changes={
                "status": {"old": old, "new": SubIncident.Status.REJECTED},
                "reason": {"old": None, "new": reason},
            },
        )
        _notify_responsible(
            sub_incident,
            event=events.WORK_ORDER_REJECTED,
            status_label=SubIncident.Status.REJECTED.label,
            key="rejected",
        )
    return True


def work_order_plan(*, actor: Actor, sub_incident: SubIncident, planned_on: date | None) -> bool:
    """The supplier confirms the planned date (``planned_on`` equal to it) or proposes
    another one. Confirming a date also accepts an order that was still waiting."""
    _require_link(actor)
    _require_work_order(sub_incident)
    today = timezone.localdate()
    if planned_on is None:
        raise ValidationError({"planned_on": _("Choose a date.")}, code="required")
    if planned_on < today or planned_on > today + PLANNED_AHEAD_MAX:
        raise ValidationError(
            {"planned_on": _("Choose a date from today up to a year ahead.")}, code="range"
        )
    now = timezone.now()
    with transaction.atomic():
        _lock(sub_incident)
        if sub_incident.status not in WORK_ORDER_LIVE or not sub_incident.is_open:
            return False
        if sub_incident.planned_on == planned_on and sub_incident.planned_confirmed_at is not None:
            return False  # confirmed already: a second click changes nothing
        old_date = sub_incident.planned_on
        old_status = sub_incident.status
        sub_incident.planned_on = planned_on
        sub_incident.planned_confirmed_at = now
        if sub_incident.status == SubIncident.Status.SENT:
            sub_incident.status = SubIncident.Status.ACCEPTED
            sub_incident.accepted_at = now
            sub_incident.next_reminder_at = None
        _touch(
            sub_incident,
            now,
            "planned_on",
            "planned_confirmed_at",
            "status",
            "accepted_at",
            "next_reminder_at",
        )
        audit_record(
            actor=actor,
            verb=events.WORK_ORDER_PLANNED,
            obj=sub_incident,
            changes={
                "planned_on": {"old": str(old_date) if old_date else None, "new": str(planned_on)},
                "status": {"old": old_status, "new": sub_incident.status},
            },
        )
        _notify_responsible(
            sub_incident,
            event=events.WORK_ORDER_PLANNED,
            status_label=_planned_label(
                planned_on,
                (sub_incident.responsible.language if sub_incident.responsible else "nl") or "nl",
            ),
            # Each proposal is news, also a date proposed before and changed since.
            key=f"planned:{planned_on.isoformat()}:{now:%Y%m%d%H%M%S%f}",
        )
    return True


def _planned_label(day: date, language: str) -> str:
    with translation.override(language):
        return _("Planned for %(date)s") % {"date": _date_text(day, language)}


def work_order_complete(
    *,
    actor: Actor,
    sub_incident: SubIncident,
    note: str,
    before: Iterable[CleanUpload] = (),
    after: Iterable[CleanUpload] = (),
) -> bool:
    """The supplier reports the work done, with a note and before/after photos."""
    _require_link(actor)
    _require_work_order(sub_incident)
    uploads = [(upload, SubIncidentAttachment.Stage.BEFORE) for upload in before] + [
        (upload, SubIncidentAttachment.Stage.AFTER) for upload in after
    ]
    return _complete(
        actor=actor,
        sub_incident=sub_incident,
        note=note,
        uploads=uploads,
        by_name=_party_name(sub_incident),
        uploaded_by=None,
    )


def party_message_post(
    *, actor: Actor, sub_incident: SubIncident, body: str, uploads: Iterable[CleanUpload] = ()
) -> SubIncidentMessage | None:
    """A comment from the supplier or owner through their link, with files; files
    alone are added without a message. The responsible staff user is told."""
    _require_link(actor)
    uploads = list(uploads)
    if not uploads or (body or "").strip():
        body = _clean_text(
            body, field="body", limit=BODY_MAX, required=True, message=_("Write a message first.")
        )
    now = timezone.now()
    name = _party_name(sub_incident)
    with transaction.atomic():
        _lock(sub_incident)
        message = None
        if body.strip():
            message = SubIncidentMessage.objects.create(
                sub_incident=sub_incident,
                visibility=Message.Visibility.EXTERNAL,
                via=Message.Via.LINK,
                author_name=name[:160],
                from_party=True,
                body=body,
            )
            audit_record(
                actor=actor,
                verb=events.SUB_INCIDENT_REPLY_RECEIVED,
                obj=sub_incident,
                changes={"message": {"old": None, "new": message.public_id}},
            )
        for upload in uploads:
            _attachment_create(
                actor=actor,
                sub_incident=sub_incident,
                upload=upload,
                visibility=Message.Visibility.EXTERNAL,
                message=message,
                uploaded_by=None,
                uploaded_by_name=name,
            )
        _touch(sub_incident, now)
        key = message.public_id if message else f"files:{now.timestamp()}"
        _notify_responsible(
            sub_incident,
            event=events.SUB_INCIDENT_REPLY_RECEIVED,
            status_label=gettext_lazy("New message") if message else gettext_lazy("New files"),
            key=f"reply:{key}",
        )
    return message


def owner_permission_answer(
    *, actor: Actor, sub_incident: SubIncident, approve: bool, reason: str = ""
) -> bool:
    """The owner approves or declines (a reason is required to decline); answering
    twice changes nothing. The responsible staff user is told."""
    _require_link(actor)
    if sub_incident.kind != SubIncident.Kind.OWNER:
        raise PermissionDenied
    reason = _clean_text(
        reason,
        field="reason",
        limit=REASON_MAX,
        required=not approve,
        message=_("Tell us why you do not give permission."),
    )
    answer = SubIncident.Permission.APPROVED if approve else SubIncident.Permission.DECLINED
    now = timezone.now()
    with transaction.atomic():
        updated = SubIncident.objects.filter(
            pk=sub_incident.pk, permission=SubIncident.Permission.REQUESTED, is_open=True
        ).update(
            permission=answer,
            permission_answered_at=now,
            permission_reason=reason,
            last_activity_at=now,
            updated_at=now,
        )
        if not updated:
            return False
        sub_incident.permission = answer
        sub_incident.permission_answered_at = now
        sub_incident.permission_reason = reason
        if reason:
            SubIncidentMessage.objects.create(
                sub_incident=sub_incident,
                visibility=Message.Visibility.EXTERNAL,
                via=Message.Via.LINK,
                author_name=_party_name(sub_incident)[:160],
                from_party=True,
                body=reason,
            )
        audit_record(
            actor=actor,
            verb=events.OWNER_PERMISSION_ANSWERED,
            obj=sub_incident,
            changes={
                "permission": {"old": SubIncident.Permission.REQUESTED, "new": answer},
                "reason": {"old": None, "new": reason},
            },
        )
        _notify_responsible(
            sub_incident,
            event=events.OWNER_PERMISSION_ANSWERED,
            status_label=answer.label,
            key=f"permission:{answer}",
        )
    return True


# ---------------------------------------------------------------- replies by email (INC-14)


def sub_incident_reply_receive(
    *, mail: InboundMail, parsed: ParsedMail, thread_key: str
) -> Handled:
    """A reply by email to a message we sent the supplier or owner.

    From the contact's own address it becomes their external message (with its
    photos and PDFs as shared files), as if written through the link. From any
    other address it is kept for staff only, as an internal message with the
    sender's address: nothing from a stranger is shown to the supplier or owner.
    Either way the responsible staff user is told. Runs inside the transaction
    that records the mail's outcome.
    """
    public_id = thread_key.partition(":")[2]
    sub_incident = (
        # Lock only this row: PostgreSQL refuses FOR UPDATE on the outer-joined contact.
        SubIncident.objects.select_for_update(of=("self",))
        .select_related("incident", "contact", "responsible")
        .filter(public_id=public_id)
        .first()
    )
    if sub_incident is None:
        return Handled(
            InboundMail.Outcome.UNROUTED,
            detail=_("The sub-incident this reply belongs to no longer exists."),
        )
    contact = sub_incident.contact
    from_party = bool(
        contact is not None and contact.email and parsed.sender == contact.email.strip().lower()
    )
    address = f"{parsed.sender_name} <{parsed.sender}>" if parsed.sender_name else parsed.sender
    name = _party_name(sub_incident) if from_party else address
    visibility = Message.Visibility.EXTERNAL if from_party else Message.Visibility.INTERNAL
    kept, refused = mail_files_clean(parsed.attachments)
    now = timezone.now()
    message = SubIncidentMessage.objects.create(
        sub_incident=sub_incident,
        visibility=visibility,
        via=Message.Via.EMAIL,
        author_name=name[:160],
        from_party=from_party,
        body=parsed.reply_text,
        inbound_mail=mail,
    )
    actor = Actor(
        kind=AuditEvent.ActorKind.LINK if from_party else AuditEvent.ActorKind.SYSTEM,
        label=f"email {address}"[:200],
    )
    for upload in kept:
        _attachment_create(
            actor=actor,
            sub_incident=sub_incident,
            upload=upload,
            visibility=visibility,
            message=message,
            uploaded_by=None,
            uploaded_by_name=name,
        )
    _touch(sub_incident, now)
    audit_record(
        actor=actor,
        verb=events.SUB_INCIDENT_REPLY_RECEIVED,
        obj=sub_incident,
        changes={
            "message": {"old": None, "new": message.public_id},
            "via": {"old": None, "new": Message.Via.EMAIL},
            "from_party": {"old": None, "new": from_party},
            "attachments": {"old": None, "new": len(kept)},
        },
    )
    _notify_responsible(
        sub_incident,
        event=events.SUB_INCIDENT_REPLY_RECEIVED,
        status_label=gettext_lazy("New message")
        if from_party
        else gettext_lazy("Email from an unknown address"),
        key=f"reply:{message.public_id}",
    )
    notes: list[str] = []
    if not from_party:
        notes.append(_("Not from the supplier's or owner's address: kept as an internal message."))
    if not sub_incident.is_open:
        notes.append(_("Reply to a closed sub-incident."))
    if refused:
        notes.append(
            _("Not kept (not a photo or PDF, or too large): %(names)s.")
            % {"names": ", ".join(refused)}
        )
    return Handled(
        InboundMail.Outcome.THREADED,
        target_ref=f"sub_incident_message:{message.public_id}",
        detail=" ".join(notes),
    )
