"""Writes for the public report form (SPEC INT-1) and the reporter's link (INT-3).

``public_report_submit`` guarantees, in one transaction: the report and its
photos exist in the inbox, the reporter holds a personal link to it, and the
confirmation (email, and SMS for a mobile number) and the staff notices are
in the outbox. Mail being down loses nothing: the outbox retries.

Photos a visitor uploaded while the form still had errors are kept as
``PendingUpload`` rows under a random batch id, so the form shown again keeps
them; ``pending_uploads_take`` hands them over when the report is stored.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meldpunt.accounts.models import User
from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.common.links import absolute_url, link_issue
from meldpunt.common.models import AuditEvent, PendingUpload
from meldpunt.common.uploads import MAX_FILES, CleanUpload
from meldpunt.incidents import events as incident_events
from meldpunt.incidents.inbox import inbox_report_create
from meldpunt.incidents.models import Category, InboxAttachment, InboxReport
from meldpunt.incidents.thread import tenant_reply_post
from meldpunt.intake import events
from meldpunt.intake.inbound import report_thread_key
from meldpunt.intake.selectors import (
    RATE_WINDOW,
    REPORT_LINK_PURPOSE,
    UnitQuery,
    report_reference,
    reports_for_unit_since,
    reports_from_client_since,
    unit_resolve,
)
from meldpunt.notifications.models import StaffPreference
from meldpunt.notifications.services import notification_queue, staff_channels
from meldpunt.people.models import Channel
from meldpunt.people.phones import is_mobile, normalize_phone

CONFIRMATION_TEMPLATE = "tenant.inbox_report_received"
STAFF_TEMPLATE = "staff.incident_new"
REPORT_LINK_VALID_FOR = timedelta(days=365)
LANGUAGES = ("nl", "en", "nb")
SUBJECT_LENGTH = 80
DESCRIPTION_MAX = 5_000
# Replies before conversion are added to the description; it stops growing here.
DESCRIPTION_WITH_REPLIES_MAX = 60_000
PUBLIC_FORM_ACTOR = Actor.system("public report form")


class ReportLimited(ValidationError):
    """Too many reports from one sender or about one home in the last hour."""


@dataclass(frozen=True, slots=True)
class ReportReceipt:
    report: InboxReport
    reference: str
    link: str
    # The channels the confirmation went to; empty when only a landline was given.
    channels: tuple[str, ...]


def subject_from(description: str, category: Category | None) -> str:
    """A short subject for the inbox list: the first line of the description."""
    first_line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    first_line = " ".join(first_line.split())
    if len(first_line) > SUBJECT_LENGTH:
        first_line = first_line[: SUBJECT_LENGTH - 1].rstrip() + "…"
    return first_line or (category.name_nl if category else "")


def _clean_contact(*, name: str, email: str, phone: str, region: str) -> tuple[str, str, str]:
    errors: dict[str, ValidationError] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = ValidationError(_("Fill in your name."), code="required")
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ValidationError(
                _("Enter an email address like name@example.com."), code="invalid"
            )
    try:
        phone = normalize_phone(phone, region=region)
    except ValidationError as error:
        errors["phone"] = error
    if not email and not phone and "phone" not in errors:
        errors["email"] = ValidationError(
            _("Fill in an email address or a phone number, so we can reach you."),
            code="no_contact",
        )
    if errors:
        raise ValidationError(errors)
    return name[:160], email, phone


def _check_client_limit(client_hash: str, now: datetime) -> None:
    limit = settings.MELDPUNT_REPORTS_PER_CLIENT_PER_HOUR
    if reports_from_client_since(client_hash=client_hash, since=now - RATE_WINDOW) >= limit:
        raise ReportLimited(
            _(
                "You have sent many reports in a short time. Please wait an hour and try "
                "again, or call us. What you typed is still here."
            ),
            code="client_limit",
        )


def _check_unit_limit(report_unit: object, now: datetime) -> None:
    limit = settings.MELDPUNT_REPORTS_PER_UNIT_PER_HOUR
    if reports_for_unit_since(unit=report_unit, since=now - RATE_WINDOW) >= limit:  # type: ignore[arg-type]
        raise ReportLimited(
            _(
                "We received several reports about this home in the last hour already. "
                "Please wait an hour or call us. What you typed is still here."
            ),
            code="unit_limit",
        )


def _check_limits_serialised(client_hash: str, report_unit: object, now: datetime) -> None:
    """Check both limits again inside the saving transaction, one submit at a time per
    sender and per home, so parallel submits cannot all pass a check made before
    any of them was stored. SQLite transactions here start IMMEDIATE (one writer at
    a time); PostgreSQL takes transaction-level advisory locks, always in the same
    order (sender, then home) so two submits never wait on each other in a circle."""
    if connection.vendor == "postgresql":
        keys = [f"report-unit:{getattr(report_unit, 'pk', '')}"]
        if client_hash:
            keys.insert(0, f"report-client:{client_hash}")
        with connection.cursor() as cursor:
            for key in keys:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
    _check_client_limit(client_hash, now)
    _check_unit_limit(report_unit, now)


def _confirmation_recipients(email: str, phone: str) -> list[tuple[str, str]]:
    recipients: list[tuple[str, str]] = []
    if email:
        recipients.append((Channel.EMAIL, email))
    if phone and is_mobile(phone):
        recipients.append((Channel.SMS, phone))
    return recipients


def _staff_link(report: InboxReport) -> str:
    return absolute_url(reverse("backoffice:inbox_detail", kwargs={"public_id": report.public_id}))


def staff_new_notify(
    *,
    event: str,
    reference: str,
    title: str,
    address: str,
    category: Category | None,
    link: str,
    dedupe: str,
) -> None:
    """Tell the staff who asked for new incidents (by email or WhatsApp, in their language)
    that something new came in: a report in the inbox or a repair request."""
    users = (
        User.objects.filter(
            is_active=True,
            notification_preferences__topic=StaffPreference.Topic.NEW_INCIDENT,
        )
        .exclude(role="")
        .prefetch_related("notification_preferences")
        .distinct()
        .order_by("pk")
    )
    for user in users:
        language = user.language or "nl"
        category_name = ""
        if category is not None:
            category_name = getattr(category, f"name_{language}", "") or category.name_nl
        context = {
            "incident_number": reference,
            "incident_title": title,
            "address": address,
            "category": category_name,
            "link": link,
        }
        for channel in staff_channels(user=user, topic=StaffPreference.Topic.NEW_INCIDENT):
            notification_queue(
                event=event,
                template=STAFF_TEMPLATE,
                recipient=user.email if channel == Channel.EMAIL else user.phone,
                channel=channel,
                context=context,
                dedupe_key=f"{dedupe}:staff:{user.pk}:{channel}",
                recipient_name=user.get_full_name() or user.get_username(),
                language=language,
            )


def _notify_staff(report: InboxReport, reference: str) -> None:
    staff_new_notify(
        event=incident_events.INBOX_REPORT_RECEIVED,
        reference=reference,
        title=report.subject,
        address=str(report.unit) if report.unit else "",
        category=report.category,
        link=_staff_link(report),
        dedupe=f"inbox_report:{report.public_id}:received",
    )


def public_report_submit(
    *,
    category: Category | None,
    query: UnitQuery,
    description: str,
    name: str,
    email: str,
    phone: str,
    language: str,
    client_hash: str = "",
    uploads: Sequence[CleanUpload] = (),
    pending_batch: str = "",
    country: str = "NL",
    now: datetime | None = None,
) -> ReportReceipt:
    """Store a report from the public form and confirm it to the reporter.

    Validates everything a stranger sends (raises ``ValidationError`` keyed by
    field name), refuses with ``ReportLimited`` beyond the hourly limits per
    sender (``client_hash``, a keyed hash of the address) and per home, then in
    one transaction: stores the report through the inbox, issues the
    reporter's personal link, queues the confirmation by email and, for a
    mobile number, by SMS, and queues ``staff.incident_new`` for staff who
    asked for new reports. Photos kept under ``pending_batch`` go with the
    report and leave the pending store. Anyone may call it; it acts as the
    public form.
    """
    now = now or timezone.now()
    _check_client_limit(client_hash, now)
    errors: dict[str, list[ValidationError]] = {}
    if category is None or not category.active:
        errors["category"] = [
            ValidationError(_("Choose what your report is about."), code="required")
        ]
    description = (description or "").strip()
    if not description:
        errors["description"] = [
            ValidationError(_("Describe the problem in a few words."), code="required")
        ]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [
            ValidationError(
                _("Keep the description under %(limit)s characters."),
                code="max_length",
                params={"limit": DESCRIPTION_MAX},
            )
        ]
    if language not in LANGUAGES:
        language = "nl"
    pending_count = (
        PendingUpload.objects.filter(batch=pending_batch).count() if pending_batch else 0
    )
    if len(uploads) + pending_count > MAX_FILES:
        errors["photos"] = [
            ValidationError(
                _("Add at most %(count)s photos."), code="too_many", params={"count": MAX_FILES}
            )
        ]
    match = None
    try:
        match = unit_resolve(query=query, country=country, today=timezone.localdate(now))
    except ValidationError as error:
        for field, field_errors in error.error_dict.items():
            errors.setdefault(field, []).extend(field_errors)
    try:
        name, email, phone = _clean_contact(name=name, email=email, phone=phone, region=country)
    except ValidationError as error:
        for field, field_errors in error.error_dict.items():
            errors.setdefault(field, []).extend(field_errors)
    if errors:
        raise ValidationError(errors)
    assert match is not None
    _check_unit_limit(match.unit, now)

    with transaction.atomic():
        _check_limits_serialised(client_hash, match.unit, now)
        if pending_batch:
            uploads = [*uploads, *pending_uploads_take(batch=pending_batch)]
        report = inbox_report_create(
            actor=PUBLIC_FORM_ACTOR,
            source=InboxReport.Source.PUBLIC_FORM,
            category=category,
            unit=match.unit,
            household=match.household,
            subject=subject_from(description, category),
            description=description,
            name=name,
            email=email,
            phone=phone,
            language=language,
            client_ip_hash=client_hash,
            uploads=uploads,
        )
        reference = report_reference(report)
        _link, token = link_issue(
            obj=report,
            purpose=REPORT_LINK_PURPOSE,
            party=name or email or phone,
            expires_at=now + REPORT_LINK_VALID_FOR,
        )
        link = absolute_url(reverse("portal:report_link", kwargs={"token": token}))
        recipients = _confirmation_recipients(email, phone)
        context = {
            "report_reference": reference,
            "report_subject": report.subject,
            "link": link,
        }
        for channel, recipient in recipients:
            notification_queue(
                event=incident_events.INBOX_REPORT_RECEIVED,
                template=CONFIRMATION_TEMPLATE,
                recipient=recipient,
                channel=channel,
                context=context,
                dedupe_key=f"inbox_report:{report.public_id}:received:reporter:{channel}",
                recipient_name=name,
                language=language,
                thread_key=report_thread_key(report),
            )
        _notify_staff(report, reference)
    return ReportReceipt(
        report=report,
        reference=reference,
        link=link,
        channels=tuple(channel for channel, _recipient in recipients),
    )


# ---------------------------------------------------------------- the reporter's link


def link_actor(party: str) -> Actor:
    return Actor(kind=AuditEvent.ActorKind.LINK, label=f"report link: {party}"[:200])


def report_reply_post(
    *, actor: Actor, report: InboxReport, body: str, uploads: Iterable[CleanUpload] = ()
) -> InboxReport:
    """The reporter adds text and/or photos through their personal link.

    Once staff turned the report into an incident, this is the tenant's reply on
    that incident. Before, the text is added to the report's description under
    a time stamp and the photos become the report's attachments, so staff read
    one text in the inbox and converting the report carries everything along.
    Link holders only.
    """
    # The link holder, or the reporter answering the confirmation email (whose
    # reply address carries an unguessable token just like the link).
    if actor.kind not in (AuditEvent.ActorKind.LINK, AuditEvent.ActorKind.TENANT):
        raise PermissionDenied
    uploads = list(uploads)
    body = (body or "").strip()
    if not body and not uploads:
        raise ValidationError({"body": _("Write a reply or add a photo.")}, code="required")
    if report.incident_id is not None and report.incident is not None:
        tenant_reply_post(actor=actor, incident=report.incident, body=body, uploads=uploads)
        return report
    with transaction.atomic():
        locked = InboxReport.objects.select_for_update().get(pk=report.pk)
        if locked.status == InboxReport.Status.DELETED:
            raise ValidationError(_("This report was closed. Please call us."), code="deleted")
        if locked.incident_id is not None:
            # Converted in the meantime: the reply belongs on the incident.
            return report_reply_post(actor=actor, report=locked, body=body, uploads=uploads)
        if locked.status == InboxReport.Status.CONVERTED and locked.duplicate_of_id is not None:
            # Merged into another report: the reply goes where the report went.
            target = InboxReport.objects.get(pk=locked.duplicate_of_id)
            report_reply_post(actor=actor, report=target, body=body, uploads=uploads)
            return report
        changed: dict[str, dict[str, object]] = {}
        if body:
            stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
            description = f"{locked.description}\n\n--- {stamp} ---\n{body}".strip()
            if len(description) > DESCRIPTION_WITH_REPLIES_MAX:
                raise ValidationError(
                    {"body": _("This report is already very long. Please call us instead.")},
                    code="max_length",
                )
            locked.description = description
            locked.save(update_fields=["description", "updated_at"])
            changed["reply"] = {"old": None, "new": body[:200]}
        for upload in uploads:
            attachment = InboxAttachment.objects.create(
                report=locked,
                file=upload.content,
                original_name=upload.original_name,
                content_type=upload.content_type,
                size=upload.size,
            )
            changed.setdefault("attachments", {"old": None, "new": []})
            changed["attachments"]["new"].append(attachment.public_id)  # type: ignore[attr-defined]
        audit_record(actor=actor, verb=events.INBOX_REPORT_REPLIED, obj=locked, changes=changed)
    return locked


# ---------------------------------------------------------------- photos kept across errors


PENDING_UPLOAD_KEPT_FOR = timedelta(hours=24)


def pending_uploads_purge(*, now: datetime | None = None, limit: int = 50) -> int:
    """Remove photos of forms that were never sent, oldest first, at most ``limit``."""
    cutoff = (now or timezone.now()) - PENDING_UPLOAD_KEPT_FOR
    stale = list(PendingUpload.objects.filter(created_at__lt=cutoff).order_by("created_at")[:limit])
    for row in stale:
        row.file.delete(save=False)
    PendingUpload.objects.filter(pk__in=[row.pk for row in stale]).delete()
    return len(stale)


def pending_upload_add(*, batch: str, upload: CleanUpload) -> PendingUpload:
    """Keep a checked photo for a form that is shown again; abandoned forms' photos are
    cleared on the way, so they never pile up."""
    pending_uploads_purge()
    return PendingUpload.objects.create(
        batch=batch,
        file=upload.content,
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
    )


def pending_upload_remove(*, batch: str, upload_id: int) -> bool:
    """Forget one kept photo of ``batch``; another batch's photo is never touched."""
    pending = PendingUpload.objects.filter(batch=batch, pk=upload_id).first()
    if pending is None:
        return False
    pending.file.delete(save=False)
    pending.delete()
    return True


def pending_uploads_take(*, batch: str) -> list[CleanUpload]:
    """The kept photos of ``batch`` as uploads to store; their pending rows and files are
    removed once the surrounding transaction commits."""
    taken: list[CleanUpload] = []
    rows = list(PendingUpload.objects.filter(batch=batch).order_by("created_at", "id"))
    for row in rows:
        try:
            with row.file.open("rb") as handle:
                content = handle.read()
        except OSError:
            continue  # its file is gone (cleaned up): nothing to carry over
        taken.append(
            CleanUpload(
                # The pending file already has a random name; the stored copy keeps it.
                content=ContentFile(content, name=os.path.basename(row.file.name or "photo.jpg")),
                original_name=row.original_name,
                content_type=row.content_type,
                size=row.size,
            )
        )

    def forget() -> None:
        for row in rows:
            row.file.delete(save=False)
        PendingUpload.objects.filter(pk__in=[row.pk for row in rows]).delete()

    transaction.on_commit(forget)
    return taken
