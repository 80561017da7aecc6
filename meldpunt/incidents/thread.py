"""Writes on an incident's thread and status (SPEC INC-5 … INC-8, INC-16, INT-3).

Every service here runs in one transaction, locks the incident row, records an
audit row on the incident with old and new values (the timeline reads them
back), moves ``last_activity_at`` and writes outbox rows in the same
transaction. External messages reach the tenant; internal messages and notes
never leave the back office.

Who may call: staff actors, except ``tenant_reply_post``, which the tenant's
personal link page calls with a link actor scoped to one incident, and
``intake_message_post``, which intake services (the repair wizard) call as the system.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meldpunt.accounts.models import User
from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.common.links import absolute_url
from meldpunt.common.models import AuditEvent
from meldpunt.common.uploads import CleanUpload
from meldpunt.incidents import events
from meldpunt.incidents.models import Attachment, Incident, Message, Phase, Task
from meldpunt.incidents.notices import tenant_notify, tenant_recipients
from meldpunt.notifications.services import notification_queue, staff_channels
from meldpunt.organization.selectors import organization_current
from meldpunt.people.models import Channel

BODY_MAX = 10_000
TASK_TITLE_MAX = 200
TENANT_MESSAGE_TEMPLATE = "tenant.message"
STAFF_ASSIGNED_TEMPLATE = "staff.incident_assigned"
NO_RECIPIENT_KINDS = (Incident.Kind.INTERNAL, Incident.Kind.ARCHIVE)


def _require_staff(actor: Actor) -> User:
    if not actor.is_staff or actor.user is None:
        raise PermissionDenied
    return actor.user


def _lock(incident: Incident) -> Incident:
    """The incident row, locked until the transaction ends, with fresh values."""
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    for field in ("phase_id", "handler_id", "responsible_id", "is_open", "closed_at"):
        setattr(incident, field, getattr(locked, field))
    return locked


def _touch(incident: Incident, now: Any, *fields: str) -> None:
    incident.last_activity_at = now
    incident.save(update_fields=["last_activity_at", "updated_at", *fields])


def _refresh_search_text(incident: Incident) -> None:
    from meldpunt.incidents.services import incident_search_text_refresh

    incident_search_text_refresh(incident=incident)


def _clean_body(body: str, *, field: str = "body") -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({field: _("Write a message first.")}, code="required")
    if len(body) > BODY_MAX:
        raise ValidationError(
            {field: _("Keep it under %(limit)s characters.") % {"limit": BODY_MAX}},
            code="max_length",
        )
    return body


def _user_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _user_change(old: User | None, new: User | None) -> dict[str, Any]:
    return {
        "user_id": {"old": old.pk if old else None, "new": new.pk if new else None},
        "user": {"old": _user_name(old), "new": _user_name(new)},
    }


# ---------------------------------------------------------------- tenant contact


def _notify_tenant(incident: Incident, message: Message) -> list[str]:
    return tenant_notify(
        incident=incident,
        event=events.MESSAGE_POSTED,
        template=TENANT_MESSAGE_TEMPLATE,
        dedupe_key=f"message:{message.public_id}:tenant",
    )


# ---------------------------------------------------------------- handler rule (INC-7)


def _notify_handler(*, incident: Incident, handler: User, actor: Actor, key: str) -> None:
    if actor.user is not None and actor.user.pk == handler.pk:
        return  # taking an incident yourself needs no message
    link = absolute_url(
        reverse("backoffice:incident_detail", kwargs={"public_id": incident.public_id})
    )
    context = {
        "incident_number": incident.pk,
        "incident_title": incident.title,
        "link": link,
        "assigned_by": actor.label if actor.user is None else _user_name(actor.user),
    }
    for channel in staff_channels(user=handler, topic="handled_incident"):
        notification_queue(
            event=events.INCIDENT_HANDLER_CHANGED,
            template=STAFF_ASSIGNED_TEMPLATE,
            recipient=handler.email if channel == Channel.EMAIL else handler.phone,
            channel=channel,
            context=context,
            dedupe_key=f"incident:{incident.public_id}:handler:{key}:{channel}",
            recipient_name=_user_name(handler),
            language=handler.language or "nl",
        )


def _first_responder_becomes_handler(*, actor: Actor, incident: Incident) -> None:
    """On an incident without a handler, the first staff user who responds takes it."""
    if incident.handler_id is not None or not actor.is_staff or actor.user is None:
        return
    if not organization_current().first_responder_becomes_handler:
        return
    incident.handler = actor.user
    incident.save(update_fields=["handler", "updated_at"])
    audit_record(
        actor=actor,
        verb=events.INCIDENT_HANDLER_CHANGED,
        obj=incident,
        changes={**_user_change(None, actor.user), "automatic": {"old": None, "new": True}},
    )


# ---------------------------------------------------------------- messages and notes


def message_post(
    *,
    actor: Actor,
    incident: Incident,
    body: str,
    visibility: str,
    uploads: Iterable[CleanUpload] = (),
    via: str = Message.Via.BACKOFFICE,
) -> Message:
    """Add a staff message to the thread.

    External messages are queued to the tenant (email and a text message where
    contact details are known) with a fresh personal link; internal ones are
    never sent. On an internal or archived incident a message may be external
    only when contact details are on the incident.
    """
    user = _require_staff(actor)
    body = _clean_body(body)
    if visibility not in Message.Visibility.values:
        raise ValidationError({"visibility": _("Choose internal or external.")})
    external = visibility == Message.Visibility.EXTERNAL
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(incident)
        if external and locked.kind in NO_RECIPIENT_KINDS and not tenant_recipients(incident):
            raise ValidationError(
                {
                    "visibility": _(
                        "This incident has no email address or mobile number for the tenant, "
                        "so the message can only be internal."
                    )
                },
                code="no_contact",
            )
        message = Message.objects.create(
            incident=incident,
            kind=Message.Kind.MESSAGE,
            visibility=visibility,
            via=via,
            author=user,
            author_name=_user_name(user),
            body=body,
        )
        for upload in uploads:
            _attachment_create(
                actor=actor,
                incident=incident,
                upload=upload,
                visibility=visibility,
                message=message,
                uploaded_by=user,
                uploaded_by_name=_user_name(user),
            )
        sent_to = _notify_tenant(incident, message) if external else []
        audit_record(
            actor=actor,
            verb=events.MESSAGE_POSTED,
            obj=incident,
            changes={
                "message": {"old": None, "new": message.public_id},
                "visibility": {"old": None, "new": visibility},
                "sent_to": {"old": None, "new": sent_to},
            },
        )
        _first_responder_becomes_handler(actor=actor, incident=incident)
        _touch(incident, now)
        _refresh_search_text(incident)
    return message


def note_add(*, actor: Actor, incident: Incident, body: str) -> Message:
    """Add a staff-only note; it is never sent and never shown to the tenant."""
    user = _require_staff(actor)
    body = _clean_body(body)
    now = timezone.now()
    with transaction.atomic():
        _lock(incident)
        note = Message.objects.create(
            incident=incident,
            kind=Message.Kind.NOTE,
            visibility=Message.Visibility.INTERNAL,
            author=user,
            author_name=_user_name(user),
            body=body,
        )
        audit_record(
            actor=actor,
            verb=events.NOTE_ADDED,
            obj=incident,
            changes={"message": {"old": None, "new": note.public_id}},
        )
        _first_responder_becomes_handler(actor=actor, incident=incident)
        _touch(incident, now)
        _refresh_search_text(incident)
    return note


def tenant_reply_post(
    *, actor: Actor, incident: Incident, body: str, uploads: Iterable[CleanUpload] = ()
) -> Message | None:
    """The tenant's reply through their personal link: an external message from the
    tenant, with its photos; photos alone are added as files without a message."""
    if actor.kind != AuditEvent.ActorKind.LINK:
        raise PermissionDenied
    uploads = list(uploads)
    if not uploads or (body or "").strip():
        body = _clean_body(body)
    now = timezone.now()
    with transaction.atomic():
        _lock(incident)
        name = incident.contact_name or (incident.household.name if incident.household else "")
        message = None
        if body.strip():
            message = Message.objects.create(
                incident=incident,
                kind=Message.Kind.MESSAGE,
                visibility=Message.Visibility.EXTERNAL,
                via=Message.Via.LINK,
                author_name=name[:160],
                from_tenant=True,
                body=body,
            )
            audit_record(
                actor=actor,
                verb=events.REPLY_RECEIVED,
                obj=incident,
                changes={"message": {"old": None, "new": message.public_id}},
            )
        for upload in uploads:
            _attachment_create(
                actor=actor,
                incident=incident,
                upload=upload,
                visibility=Message.Visibility.EXTERNAL,
                message=message,
                uploaded_by=None,
                uploaded_by_name=name,
            )
        _touch(incident, now)
        if message is not None:
            _refresh_search_text(incident)
    return message


def intake_message_post(
    *,
    actor: Actor,
    incident: Incident,
    author_name: str,
    body: str = "",
    uploads: Iterable[CleanUpload] = (),
    visibility: str = Message.Visibility.EXTERNAL,
) -> Message | None:
    """What a tenant sent through an intake page (the repair wizard) onto ``incident``:
    the text as a message from the tenant under the name they gave, and the photos
    (with the message, or as files on their own when there is no text). Nobody is
    notified. System actors only: the intake service vouches for the sender."""
    if actor.kind != AuditEvent.ActorKind.SYSTEM:
        raise PermissionDenied
    if visibility not in Message.Visibility.values:
        raise ValidationError({"visibility": _("Choose internal or external.")})
    uploads = list(uploads)
    body = _clean_body(body) if (body or "").strip() or not uploads else ""
    author_name = (author_name or "").strip()[:160]
    now = timezone.now()
    with transaction.atomic():
        _lock(incident)
        message = None
        if body:
            message = Message.objects.create(
                incident=incident,
                kind=Message.Kind.MESSAGE,
                visibility=visibility,
                via=Message.Via.PORTAL,
                author_name=author_name,
                from_tenant=True,
                body=body,
            )
            audit_record(
                actor=actor,
                verb=events.REPLY_RECEIVED,
                obj=incident,
                changes={
                    "message": {"old": None, "new": message.public_id},
                    "visibility": {"old": None, "new": visibility},
                },
            )
        for upload in uploads:
            _attachment_create(
                actor=actor,
                incident=incident,
                upload=upload,
                visibility=visibility,
                message=message,
                uploaded_by=None,
                uploaded_by_name=author_name,
            )
        _touch(incident, now)
        if message is not None:
            _refresh_search_text(incident)
    return message


# ---------------------------------------------------------------- tasks


def _clean_task(title: str, assignee: User | None) -> str:
    title = " ".join((title or "").split())
    errors: dict[str, Any] = {}
    if not title:
        errors["title"] = _("Describe the task.")
    elif len(title) > TASK_TITLE_MAX:
        errors["title"] = _("Keep it under %(limit)s characters.") % {"limit": TASK_TITLE_MAX}
    if assignee is not None and not assignee.is_staff_member:
        errors["assignee"] = _("Choose a staff user.")
    if errors:
        raise ValidationError(errors)
    return title


def task_add(
    *,
    actor: Actor,
    incident: Incident,
    title: str,
    assignee: User | None = None,
    due_on: date | None = None,
) -> Task:
    user = _require_staff(actor)
    title = _clean_task(title, assignee)
    now = timezone.now()
    with transaction.atomic():
        _lock(incident)
        task = Task.objects.create(
            incident=incident, title=title, assignee=assignee, due_on=due_on, created_by=user
        )
        audit_record(
            actor=actor,
            verb=events.TASK_ADDED,
            obj=incident,
            changes={
                "task": {"old": None, "new": task.public_id},
                "title": {"old": None, "new": title},
                **_user_change(None, assignee),
                "due_on": {"old": None, "new": due_on.isoformat() if due_on else None},
            },
        )
        _touch(incident, now)
    return task


def _task_set_done(*, actor: Actor, task: Task, done: bool) -> Task:
    user = _require_staff(actor)
    now = timezone.now()
    with transaction.atomic():
        incident = task.incident
        _lock(incident)
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if (locked.done_at is not None) == done:
            task.done_at, task.done_by_id = locked.done_at, locked.done_by_id
            return task  # a second click (two tabs) changes nothing
        old = locked.done_at
        task.done_at = now if done else None
        task.done_by = user if done else None
        task.save(update_fields=["done_at", "done_by", "updated_at"])
        audit_record(
            actor=actor,
            verb=events.TASK_DONE if done else events.TASK_REOPENED,
            obj=incident,
            changes={
                "task": {"old": task.public_id, "new": task.public_id},
                "title": {"old": task.title, "new": task.title},
                "done_at": {
                    "old": old.isoformat() if old else None,
                    "new": task.done_at.isoformat() if task.done_at else None,
                },
            },
        )
        _touch(incident, now)
    return task


def task_done(*, actor: Actor, task: Task) -> Task:
    """Tick a task off; ticking a done task again is a no-op."""
    return _task_set_done(actor=actor, task=task, done=True)


def task_reopen(*, actor: Actor, task: Task) -> Task:
    return _task_set_done(actor=actor, task=task, done=False)


# ---------------------------------------------------------------- files


def _attachment_create(
    *,
    actor: Actor,
    incident: Incident,
    upload: CleanUpload,
    visibility: str,
    message: Message | None,
    uploaded_by: User | None,
    uploaded_by_name: str,
) -> Attachment:
    if visibility not in Message.Visibility.values:
        raise ValidationError({"visibility": _("Choose internal or external.")})
    if message is not None and message.incident_id != incident.pk:
        raise ValidationError(_("That message belongs to another incident."))
    if message is not None and message.visibility == Message.Visibility.INTERNAL:
        visibility = Message.Visibility.INTERNAL  # a file never shows more than its message
    now = timezone.now()
    with transaction.atomic():
        _lock(incident)
        attachment = Attachment(
            incident=incident,
            message=message,
            visibility=visibility,
            original_name=upload.original_name,
            content_type=upload.content_type,
            size=upload.size,
            uploaded_by=uploaded_by,
            uploaded_by_name=uploaded_by_name[:160],
        )
        attachment.file.save(upload.content.name or "upload", upload.content, save=False)
        # If the rows cannot be written the file is removed again: no orphan stays on disk.
        stored_name = attachment.file.name
        storage = attachment.file.storage
        try:
            attachment.save()
            audit_record(
                actor=actor,
                verb=events.ATTACHMENT_ADDED,
                obj=incident,
                changes={
                    "attachment": {"old": None, "new": attachment.public_id},
                    "name": {"old": None, "new": attachment.original_name},
                    "visibility": {"old": None, "new": visibility},
                },
            )
            _touch(incident, now)
        except Exception:
            if stored_name:
                storage.delete(stored_name)
            raise
    return attachment


def attachment_add(
    *,
    actor: Actor,
    incident: Incident,
    upload: CleanUpload,
    visibility: str,
    message: Message | None = None,
) -> Attachment:
    """Store a checked upload (see ``meldpunt.common.uploads.upload_clean``) on the incident."""
    user = _require_staff(actor)
    return _attachment_create(
        actor=actor,
        incident=incident,
        upload=upload,
        visibility=visibility,
        message=message,
        uploaded_by=user,
        uploaded_by_name=_user_name(user),
    )


# ---------------------------------------------------------------- phase, handler, responsible


def incident_phase_change(
    *, actor: Actor, incident: Incident, phase: Phase, note: str = ""
) -> Incident:
    """Move the incident to ``phase``: recorded with old and new phase; a closed phase
    closes the incident (``is_open``, ``closed_at``), an open phase reopens it."""
    _require_staff(actor)
    note = (note or "").strip()
    if note:
        note = _clean_body(note, field="note")
    if not phase.active:
        raise ValidationError({"phase": _("This phase is no longer in use.")})
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(incident)
        if locked.phase_id == phase.pk:
            if note:
                raise ValidationError({"phase": _("The incident is already in this phase.")})
            return incident
        old_phase = Phase.objects.get(pk=locked.phase_id)
        old_open, old_closed_at = locked.is_open, locked.closed_at
        incident.phase = phase
        incident.is_open = not phase.is_closed
        if phase.is_closed:
            incident.closed_at = old_closed_at if not old_open and old_closed_at else now
        else:
            incident.closed_at = None
        changes: dict[str, Any] = {
            "phase_id": {"old": old_phase.pk, "new": phase.pk},
            "phase": {"old": old_phase.name_nl, "new": phase.name_nl},
        }
        if old_open != incident.is_open:
            changes["is_open"] = {"old": old_open, "new": incident.is_open}
            changes["closed_at"] = {
                "old": old_closed_at.isoformat() if old_closed_at else None,
                "new": incident.closed_at.isoformat() if incident.closed_at else None,
            }
        note_message = None
        if note:
            note_message = Message.objects.create(
                incident=incident,
                kind=Message.Kind.NOTE,
                visibility=Message.Visibility.INTERNAL,
                author=actor.user,
                author_name=_user_name(actor.user),
                body=note,
            )
            changes["note"] = {"old": None, "new": note_message.public_id}
        audit_record(actor=actor, verb=events.INCIDENT_PHASE_CHANGED, obj=incident, changes=changes)
        _first_responder_becomes_handler(actor=actor, incident=incident)
        _touch(incident, now, "phase", "is_open", "closed_at")
        if note_message is not None:
            _refresh_search_text(incident)
    return incident


def _check_staff_user(user: User | None, field: str) -> None:
    if user is not None and not user.is_staff_member:
        raise ValidationError({field: _("Choose a staff user.")})


def incident_handler_set(*, actor: Actor, incident: Incident, handler: User | None) -> Incident:
    """Give the incident another handler (or none); the new handler is told by their
    chosen channels, unless they picked themself."""
    _require_staff(actor)
    _check_staff_user(handler, "handler")
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(incident)
        if locked.handler_id == (handler.pk if handler else None):
            return incident
        old = User.objects.filter(pk=locked.handler_id).first() if locked.handler_id else None
        incident.handler = handler
        record = audit_record(
            actor=actor,
            verb=events.INCIDENT_HANDLER_CHANGED,
            obj=incident,
            changes=_user_change(old, handler),
        )
        _touch(incident, now, "handler")
        if handler is not None:
            _notify_handler(incident=incident, handler=handler, actor=actor, key=str(record.pk))
    return incident


def incident_responsible_set(
    *, actor: Actor, incident: Incident, responsible: User | None
) -> Incident:
    """Make another staff user responsible for the incident (SPEC INC-6)."""
    _require_staff(actor)
    _check_staff_user(responsible, "responsible")
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(incident)
        if locked.responsible_id == (responsible.pk if responsible else None):
            return incident
        old = (
            User.objects.filter(pk=locked.responsible_id).first() if locked.responsible_id else None
        )
        incident.responsible = responsible
        audit_record(
            actor=actor,
            verb=events.INCIDENT_RESPONSIBLE_CHANGED,
            obj=incident,
            changes=_user_change(old, responsible),
        )
        _touch(incident, now, "responsible")
    return incident


def attachments_add(
    *,
    actor: Actor,
    incident: Incident,
    uploads: Iterable[CleanUpload],
    visibility: str,
    message: Message | None = None,
) -> list[Attachment]:
    """Several files at once, all or none."""
    with transaction.atomic():
        return [
            attachment_add(
                actor=actor,
                incident=incident,
                upload=upload,
                visibility=visibility,
                message=message,
            )
            for upload in uploads
        ]


def incident_status_set(
    *,
    actor: Actor,
    incident: Incident,
    phase: Phase,
    handler: User | None,
    responsible: User | None,
    note: str = "",
) -> Incident:
    """The status dialog: phase, handler and responsible person in one transaction;
    only what differs is changed (and recorded)."""
    _require_staff(actor)
    with transaction.atomic():
        locked = _lock(incident)
        # Set the handler first, so a phase change does not make the actor handler
        # when the dialog chose someone else.
        if locked.handler_id != (handler.pk if handler else None):
            incident_handler_set(actor=actor, incident=incident, handler=handler)
        if locked.responsible_id != (responsible.pk if responsible else None):
            incident_responsible_set(actor=actor, incident=incident, responsible=responsible)
        if locked.phase_id != phase.pk:
            incident_phase_change(actor=actor, incident=incident, phase=phase, note=note)
        elif (note or "").strip():
            note_add(actor=actor, incident=incident, body=note)
    return incident
