"""What incoming email becomes in the incidents app (SPEC INC-14).

- A reply in an incident's conversation (``"incident:<public id>"``) becomes an
  external message from the tenant on that incident, with its photos and PDFs
  as external attachments, and the sender gets a confirmation.
- A reply in a sub-incident's conversation (``"sub_incident:<public id>"``)
  becomes the supplier's or owner's message there (see
  ``meldpunt.incidents.sub_incident_party.sub_incident_reply_receive``).
- New mail to the incident address becomes an inbox report (SPEC INC-13) with
  its attachments, which staff convert like any other.

Both run inside the transaction that records the mail's outcome
(``meldpunt.notifications.inbound``), which never calls them for automatic
replies or bounces, so a confirmation is never sent to a machine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.common.models import AuditEvent
from meldpunt.common.uploads import CleanUpload, UploadRejected, upload_clean
from meldpunt.incidents import events
from meldpunt.incidents.inbox import inbox_report_create
from meldpunt.incidents.links import tenant_link_url
from meldpunt.incidents.models import Attachment, InboxReport, Incident, Message
from meldpunt.notifications.inbound import (
    Handled,
    MailAttachment,
    ParsedMail,
    register_new_mail_handler,
    register_thread_handler,
)
from meldpunt.notifications.models import InboundMail
from meldpunt.notifications.services import notification_queue

REPLY_RECEIVED_TEMPLATE = "tenant.reply_received"
THREAD_PREFIX = "incident"
SUB_INCIDENT_THREAD_PREFIX = "sub_incident"


def register_inbound_mail_handlers() -> None:
    from meldpunt.incidents.sub_incident_party import sub_incident_reply_receive

    register_thread_handler(THREAD_PREFIX, incident_reply_receive)
    # Replies to what suppliers and owners were sent ("sub_incident:<public id>").
    register_thread_handler(SUB_INCIDENT_THREAD_PREFIX, sub_incident_reply_receive)
    register_new_mail_handler(inbox_report_receive)


def _sender_label(parsed: ParsedMail) -> str:
    return (parsed.sender_name or parsed.sender)[:160]


def mail_files_clean(
    attachments: Sequence[MailAttachment],
) -> tuple[list[CleanUpload], list[str]]:
    """The attachments we can keep (checked photos and PDFs) and the names of the others."""
    kept: list[CleanUpload] = []
    refused: list[str] = []
    for attachment in attachments:
        try:
            kept.append(upload_clean(data=attachment.data, original_name=attachment.filename))
        except UploadRejected:
            refused.append(attachment.filename)
    return kept, refused


def _refused_note(refused: list[str]) -> str:
    if not refused:
        return ""
    names = ", ".join(refused)
    return _("Not kept (not a photo or PDF, or too large): %(names)s.") % {"names": names}


def _store_files(
    uploads: list[CleanUpload], make: Callable[[CleanUpload], models.Model]
) -> list[models.Model]:
    """Save each file and its row; files already written are removed again if a row fails."""
    rows: list[models.Model] = []
    written: list[Any] = []
    try:
        for upload in uploads:
            row = make(upload)
            field = row.file  # type: ignore[attr-defined]
            field.save(upload.content.name or "upload", upload.content, save=False)
            written.append(field)
            row.save()
            rows.append(row)
    except Exception:
        for field in written:
            field.storage.delete(field.name)
        raise
    return rows


def incident_reply_receive(*, mail: InboundMail, parsed: ParsedMail, thread_key: str) -> Handled:
    """A reply in an incident's conversation: an external message from the tenant.

    Stored even when the incident is closed (staff see it and the detail says so);
    the sender gets a ``tenant.reply_received`` confirmation by email.
    """
    public_id = thread_key.partition(":")[2]
    incident = Incident.objects.select_for_update().filter(public_id=public_id).first()
    if incident is None:
        return Handled(
            InboundMail.Outcome.UNROUTED,
            detail=_("The incident this reply belongs to no longer exists."),
        )
    author = _sender_label(parsed)
    uploads, refused = mail_files_clean(parsed.attachments)
    message = Message.objects.create(
        incident=incident,
        kind=Message.Kind.MESSAGE,
        visibility=Message.Visibility.EXTERNAL,
        via=Message.Via.EMAIL,
        author_name=author,
        from_tenant=True,
        body=parsed.reply_text,
        inbound_mail=mail,
    )
    _store_files(
        uploads,
        lambda upload: Attachment(
            incident=incident,
            message=message,
            visibility=Message.Visibility.EXTERNAL,
            original_name=upload.original_name,
            content_type=upload.content_type,
            size=upload.size,
            uploaded_by_name=author,
        ),
    )
    incident.last_activity_at = timezone.now()
    incident.save(update_fields=["last_activity_at", "updated_at"])
    _search_text_refresh(incident)
    audit_record(
        actor=Actor(kind=AuditEvent.ActorKind.TENANT, label=f"{author} <{parsed.sender}>"),
        verb=events.REPLY_RECEIVED,
        obj=incident,
        changes={
            "message": {"old": None, "new": message.public_id},
            "via": {"old": None, "new": Message.Via.EMAIL},
            "attachments": {"old": None, "new": len(uploads)},
        },
    )
    notification_queue(
        event=events.REPLY_RECEIVED,
        template=REPLY_RECEIVED_TEMPLATE,
        recipient=parsed.sender,
        recipient_name=parsed.sender_name[:160],
        channel="email",
        context={
            "incident_number": incident.pk,
            "incident_title": incident.title,
            "link": tenant_link_url(incident),
        },
        dedupe_key=f"reply-received:{mail.public_id}",
        language=incident.contact_language or "nl",
        # A reply to the confirmation lands on the same incident.
        thread_key=incident.thread_key,
    )
    notes = [_refused_note(refused)]
    if not incident.is_open:
        notes.insert(0, _("Reply to a closed incident."))
    return Handled(
        InboundMail.Outcome.THREADED,
        target_ref=f"message:{message.public_id}",
        detail=" ".join(note for note in notes if note),
    )


def _search_text_refresh(incident: Incident) -> None:
    from meldpunt.incidents.services import incident_search_text_refresh

    incident_search_text_refresh(incident=incident)


def inbox_report_receive(*, mail: InboundMail, parsed: ParsedMail) -> Handled:
    """New mail to the incident address: an inbox report with its attachments."""
    uploads, refused = mail_files_clean(parsed.attachments)
    report = inbox_report_create(
        actor=Actor(kind=AuditEvent.ActorKind.SYSTEM, label=f"email {parsed.sender}"[:200]),
        source=InboxReport.Source.EMAIL,
        category=None,
        unit=None,
        household=None,
        subject=parsed.subject[:200],
        description=parsed.reply_text,
        name=parsed.sender_name[:160],
        email=parsed.sender[:254],
        phone="",
        language="nl",
        uploads=uploads,
        inbound_mail=mail,
    )
    return Handled(
        InboundMail.Outcome.REPORTED,
        target_ref=f"inbox_report:{report.public_id}",
        detail=_refused_note(refused),
    )
