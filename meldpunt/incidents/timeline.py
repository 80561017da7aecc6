"""Reads for one incident's page: the merged timeline (SPEC INC-16) and the tenant's
view of the thread (INT-3).

Each function runs a fixed number of queries however long the thread is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from meldpunt.accounts.models import User
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.incidents import events
from meldpunt.incidents.models import Attachment, Incident, Message, Phase, Task

# Events shown from the audit trail. Messages, notes and files come from their own
# rows (they carry text and files), so their audit rows are not repeated.
SHOWN_FROM_ROWS = {
    events.MESSAGE_POSTED,
    events.NOTE_ADDED,
    events.ATTACHMENT_ADDED,
    events.REPLY_RECEIVED,
}


@dataclass
class Entry:
    """One line of the timeline; ``kind`` picks the template that shows it."""

    kind: str
    at: datetime
    actor_name: str = ""
    message: Message | None = None
    attachments: list[Attachment] = field(default_factory=list)
    old: Any = None
    new: Any = None
    details: dict[str, Any] = field(default_factory=dict)
    verb: str = ""

    @property
    def is_external(self) -> bool:
        if self.message is not None:
            return self.message.visibility == Message.Visibility.EXTERNAL
        return any(a.visibility == Message.Visibility.EXTERNAL for a in self.attachments)


def _new(changes: dict[str, Any], key: str) -> Any:
    value = changes.get(key)
    return value.get("new") if isinstance(value, dict) else None


def _old(changes: dict[str, Any], key: str) -> Any:
    value = changes.get(key)
    return value.get("old") if isinstance(value, dict) else None


def _attachments_by_message(
    attachments: Iterable[Attachment],
) -> tuple[dict[int, list[Attachment]], list[Attachment]]:
    by_message: dict[int, list[Attachment]] = defaultdict(list)
    loose: list[Attachment] = []
    for attachment in attachments:
        if attachment.message_id is not None:
            by_message[attachment.message_id].append(attachment)
        else:
            loose.append(attachment)
    return by_message, loose


def _audit_entry(
    event: AuditEvent, phases: dict[int, Phase], users: dict[int, User]
) -> Entry | None:
    changes = event.changes or {}
    actor_name = _user_name(event.actor_user) or event.actor_label
    entry = Entry(kind="event", at=event.created_at, actor_name=actor_name, verb=event.verb)
    if event.verb == events.INCIDENT_PHASE_CHANGED:
        entry.kind = "phase"
        old_id, new_id = _old(changes, "phase_id"), _new(changes, "phase_id")
        entry.old = phases[old_id].name if old_id in phases else _old(changes, "phase")
        entry.new = phases[new_id].name if new_id in phases else _new(changes, "phase")
        entry.details["closed"] = _new(changes, "is_open") is False
        entry.details["reopened"] = _new(changes, "is_open") is True
    elif event.verb in (events.INCIDENT_HANDLER_CHANGED, events.INCIDENT_RESPONSIBLE_CHANGED):
        entry.kind = "handler" if event.verb == events.INCIDENT_HANDLER_CHANGED else "responsible"
        old_id, new_id = _old(changes, "user_id"), _new(changes, "user_id")
        entry.old = _user_name(users.get(old_id)) or _old(changes, "user")
        entry.new = _user_name(users.get(new_id)) or _new(changes, "user")
        entry.details["automatic"] = bool(_new(changes, "automatic"))
    elif event.verb in (events.TASK_ADDED, events.TASK_DONE, events.TASK_REOPENED):
        entry.kind = event.verb.split(".", 1)[1]  # task_added, task_done, task_reopened
        entry.new = _new(changes, "title")
        assignee_id = _new(changes, "user_id")
        entry.details["assignee"] = _user_name(users.get(assignee_id)) or _new(changes, "user")
        entry.details["due_on"] = _new(changes, "due_on")
    elif event.verb == events.INCIDENT_CREATED:
        entry.kind = "created"
    elif event.verb == events.SUB_INCIDENT_CREATED:
        entry.kind = "sub_incident"
        entry.new = _new(changes, "sub_incident")
    return entry


def _user_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _ids(events_: list[AuditEvent], key: str) -> set[int]:
    found: set[int] = set()
    for event in events_:
        for value in (_old(event.changes or {}, key), _new(event.changes or {}, key)):
            if isinstance(value, int):
                found.add(value)
    return found


def incident_timeline(*, actor: Actor, incident: Incident) -> list[Entry]:
    """Messages, notes, files, phase, handler, responsible and task changes, oldest first.

    Five queries: messages, attachments, audit rows, and the phases and users named
    in the audit rows. Staff only; the tenant's view is ``tenant_thread``.
    """
    if not actor.is_staff:
        return []
    messages = list(
        Message.objects.filter(incident=incident).select_related("author").order_by("created_at")
    )
    by_message, loose = _attachments_by_message(
        Attachment.objects.filter(incident=incident).order_by("created_at", "pk")
    )
    audit = list(
        AuditEvent.objects.filter(
            object_type=Incident._meta.label_lower, object_id=incident.public_id
        )
        .exclude(verb__in=SHOWN_FROM_ROWS)
        .select_related("actor_user")
        .order_by("created_at", "pk")
    )
    phase_ids = _ids(audit, "phase_id")
    user_ids = _ids(audit, "user_id")
    phases = Phase.objects.in_bulk(phase_ids) if phase_ids else {}
    users = User.objects.in_bulk(user_ids) if user_ids else {}

    entries: list[Entry] = []
    for message in messages:
        entries.append(
            Entry(
                kind="note" if message.kind == Message.Kind.NOTE else "message",
                at=message.created_at,
                actor_name=message.author_name or _user_name(message.author),
                message=message,
                attachments=by_message.get(message.pk, []),
            )
        )
    for attachment in loose:
        entries.append(
            Entry(
                kind="file",
                at=attachment.created_at,
                actor_name=attachment.uploaded_by_name,
                attachments=[attachment],
            )
        )
    for event in audit:
        entry = _audit_entry(event, phases, users)
        if entry is not None:
            entries.append(entry)
    entries.sort(key=lambda entry: entry.at)
    _mark_original_report(entries, incident)
    return entries


def _mark_original_report(entries: list[Entry], incident: Incident) -> None:
    """Flag the message that carries the incident's description (``incident_create``
    stores it as the first message), so the page shows that text only once."""
    description = (incident.description or "").strip()
    if not description:
        return
    for entry in entries:
        if entry.kind == "message" and entry.message is not None:
            if entry.message.body.strip() == description:
                entry.details["original"] = True
            return


@dataclass
class TenantThread:
    messages: list[Message]
    attachments_by_message: dict[int, list[Attachment]]
    loose_attachments: list[Attachment]

    def entries(self) -> list[Entry]:
        merged = [
            Entry(
                kind="message",
                at=message.created_at,
                actor_name=message.author_name,
                message=message,
                attachments=self.attachments_by_message.get(message.pk, []),
            )
            for message in self.messages
        ]
        merged += [
            Entry(
                kind="file",
                at=attachment.created_at,
                actor_name=attachment.uploaded_by_name,
                attachments=[attachment],
            )
            for attachment in self.loose_attachments
        ]
        merged.sort(key=lambda entry: entry.at)
        return merged


def tenant_thread(*, incident: Incident) -> TenantThread:
    """What the tenant's personal link shows: external messages and external files only.

    Internal messages and notes (always internal) are filtered in the query, so
    they never reach the template. Two queries.
    """
    messages = list(
        Message.objects.filter(
            incident=incident,
            kind=Message.Kind.MESSAGE,
            visibility=Message.Visibility.EXTERNAL,
        ).order_by("created_at", "pk")
    )
    attachments = Attachment.objects.filter(
        incident=incident, visibility=Message.Visibility.EXTERNAL
    ).filter(
        Q(message__isnull=True)
        | Q(
            message__visibility=Message.Visibility.EXTERNAL,
            message__kind=Message.Kind.MESSAGE,
        )
    )
    by_message, loose = _attachments_by_message(attachments.order_by("created_at", "pk"))
    return TenantThread(
        messages=messages, attachments_by_message=dict(by_message), loose_attachments=loose
    )


def incident_tasks(*, incident: Incident) -> QuerySet[Task]:
    """Open tasks first (by due date), then done ones; one query."""
    return Task.objects.filter(incident=incident).select_related("assignee", "done_by")
