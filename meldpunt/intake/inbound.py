"""Replies to a report's confirmation email (SPEC INT-3, INC-14).

The confirmation carries the conversation ``"inbox_report:<public id>"``, so a
reply by email is treated like a reply through the reporter's personal link
(``report_reply_post``): before staff process the report the text and photos
join it in the inbox; once it became an incident they land on the incident as
the tenant's reply. A deleted report, or one that grew too long, is left for
staff with the reason ("could not be placed").
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.incidents.inbound import incident_reply_receive, mail_files_clean
from meldpunt.incidents.models import InboxReport
from meldpunt.notifications.inbound import Handled, ParsedMail, register_thread_handler
from meldpunt.notifications.models import InboundMail

THREAD_PREFIX = "inbox_report"


def report_thread_key(report: InboxReport) -> str:
    return f"{THREAD_PREFIX}:{report.public_id}"


def register_inbound_mail_handlers() -> None:
    register_thread_handler(THREAD_PREFIX, report_reply_receive)


def report_reply_receive(*, mail: InboundMail, parsed: ParsedMail, thread_key: str) -> Handled:
    from meldpunt.intake.services import report_reply_post

    report = (
        InboxReport.objects.select_related("incident")
        .filter(public_id=thread_key.partition(":")[2])
        .first()
    )
    if report is not None and report.incident is None and report.duplicate_of_id is not None:
        # Merged into another report: the reply goes where the report went.
        report = InboxReport.objects.select_related("incident").get(pk=report.duplicate_of_id)
    if report is None:
        return Handled(
            InboundMail.Outcome.UNROUTED,
            detail=_("The report this reply belongs to no longer exists."),
        )
    if report.incident is not None:
        # Staff made an incident of it: the reply is the tenant's, on that incident.
        return incident_reply_receive(
            mail=mail, parsed=parsed, thread_key=report.incident.thread_key
        )
    uploads, refused = mail_files_clean(parsed.attachments)
    sender = (parsed.sender_name or parsed.sender)[:160]
    actor = Actor(kind=AuditEvent.ActorKind.TENANT, label=f"{sender} <{parsed.sender}>"[:200])
    try:
        report_reply_post(actor=actor, report=report, body=parsed.reply_text, uploads=uploads)
    except ValidationError as error:
        return Handled(InboundMail.Outcome.UNROUTED, detail=" ".join(error.messages))
    detail = ""
    if refused:
        names = ", ".join(refused)
        detail = _("Not kept (not a photo or PDF, or too large): %(names)s.") % {"names": names}
    return Handled(
        InboundMail.Outcome.THREADED, target_ref=f"report:{report.public_id}", detail=detail
    )
