"""The inbox of unprocessed reports (SPEC INC-13, INC-14): writes and reads.

Reports arrive from the public report form, the tenant portal, the repair
wizard and inbound email (``inbox_report_create``). Staff turn one into an
incident with edits (``inbox_report_convert``), many at once without edits
(``inbox_reports_convert_bulk``), delete them (soft: the row and its audit
trail stay) or merge a possible duplicate into the report or incident it
repeats (``inbox_report_merge``).

Every service runs in one transaction and records an audit row on the report;
outbox rows are written in that same transaction. Reads are for staff only:
for anyone else every selector finds nothing.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meldpunt.accounts.models import User
from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.common.models import AuditEvent
from meldpunt.common.pagination import Page
from meldpunt.common.uploads import CleanUpload
from meldpunt.incidents import events
from meldpunt.incidents.models import (
    Attachment,
    Category,
    InboxAttachment,
    InboxReport,
    Incident,
    Message,
)
from meldpunt.incidents.notices import tenant_recipients
from meldpunt.incidents.services import incident_address, incident_create
from meldpunt.notifications.services import notification_queue
from meldpunt.organization.selectors import organization_current
from meldpunt.people.models import Channel, Contact, Household
from meldpunt.properties.models import Unit

LANGUAGES = ("nl", "en", "nb")
PAGE_SIZE = 50
BULK_MAX = 200
SUPPLIER_TEMPLATE = "supplier.message"
PUBLIC_ID_MAX_LENGTH = 24
TITLE_MAX = 200
BULK_TITLE_LENGTH = 80
DEFAULT_WINDOW_HOURS = 72
WAITING = InboxReport.Status.WAITING
CONVERTED = InboxReport.Status.CONVERTED
DELETED = InboxReport.Status.DELETED


def _require_staff(actor: Actor) -> None:
    if not (actor.is_staff or actor.kind == AuditEvent.ActorKind.SYSTEM):
        raise PermissionDenied


def _staff_user(actor: Actor) -> User | None:
    return actor.user if actor.user is not None and actor.user.pk else None


def _window() -> timedelta:
    hours = organization_current().duplicate_window_hours or DEFAULT_WINDOW_HOURS
    return timedelta(hours=hours)


# ---------------------------------------------------------------- receiving a report


def _duplicate_candidate(
    *, unit: Unit | None, category: Category | None, since: datetime
) -> InboxReport | None:
    """The earliest waiting or converted report about the same unit and category since
    ``since``: the report a new one most likely repeats."""
    if unit is None or category is None:
        return None
    return (
        InboxReport.objects.filter(
            unit=unit, category=category, created_at__gte=since, status__in=(WAITING, CONVERTED)
        )
        .order_by("created_at", "pk")
        .first()
    )


def _store_attachments(report: InboxReport, uploads: Sequence[CleanUpload]) -> int:
    """Save the files and their rows; files already written are removed if a row fails."""
    written: list[Any] = []
    try:
        for upload in uploads:
            row = InboxAttachment(
                report=report,
                original_name=upload.original_name,
                content_type=upload.content_type,
                size=upload.size,
            )
            row.file.save(upload.content.name or "upload", upload.content, save=False)
            written.append(row.file)
            row.save()
    except Exception:
        for stored in written:
            stored.storage.delete(stored.name)
        raise
    return len(written)


def inbox_report_create(
    *,
    actor: Actor,
    source: str,
    category: Category | None,
    unit: Unit | None,
    household: Household | None,
    subject: str,
    description: str,
    name: str,
    email: str,
    phone: str,
    language: str,
    client_ip_hash: str = "",
    uploads: Iterable[CleanUpload] = (),
    inbound_mail: Any = None,
) -> InboxReport:
    """Put a report in the inbox, with its checked uploads (``upload_clean``).

    Any actor may call it: the public form (a visitor), the portal (a tenant),
    inbound mail (system). The report is marked as a possible duplicate of the
    first waiting or converted report about the same unit and category within
    the organization's duplicate window. One transaction, one audit row; nothing
    is sent (the caller confirms to the sender). Raises ``ValidationError`` for
    an unknown source or text too long for its field.
    """
    subject = (subject or "").strip()
    description = (description or "").strip()
    name = (name or "").strip()
    email = (email or "").strip()
    phone = (phone or "").strip()
    errors: dict[str, Any] = {}
    if source not in InboxReport.Source.values:
        errors["source"] = _("Unknown source.")
    for field_name, value, limit in (
        ("subject", subject, 200),
        ("name", name, 160),
        ("email", email, 254),
        ("phone", phone, 20),
    ):
        if len(value) > limit:
            errors[field_name] = _("Keep this under %(limit)s characters.") % {"limit": limit}
    if errors:
        raise ValidationError(errors)
    if language not in LANGUAGES:
        language = "nl"
    uploads = list(uploads)
    with transaction.atomic():
        original = _duplicate_candidate(
            unit=unit, category=category, since=timezone.now() - _window()
        )
        report = InboxReport.objects.create(
            source=source,
            category=category,
            unit=unit,
            household=household,
            subject=subject,
            description=description,
            name=name,
            email=email,
            phone=phone,
            language=language,
            client_ip_hash=client_ip_hash[:64],
            inbound_mail=inbound_mail,
            duplicate_of=original,
        )
        stored = _store_attachments(report, uploads)
        changes: dict[str, Any] = {
            "source": {"old": None, "new": source},
            "attachments": {"old": None, "new": stored},
        }
        if email:
            changes["email"] = {"old": None, "new": email}
        if original is not None:
            changes["duplicate_of"] = {"old": None, "new": original.public_id}
        audit_record(actor=actor, verb=events.INBOX_REPORT_RECEIVED, obj=report, changes=changes)
    return report


# ---------------------------------------------------------------- turning one into an incident


def _lock_waiting(report: InboxReport) -> InboxReport:
    locked = InboxReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != WAITING:
        raise ValidationError(
            _("This report was already handled by someone else; it is no longer in the inbox."),
            code="handled",
        )
    return locked


def _move_attachments(*, report: InboxReport, incident: Incident, visibility: str) -> int:
    """The report's files become the incident's files: same stored file, new row."""
    moved = 0
    for inbox_file in InboxAttachment.objects.filter(report=report).order_by("pk"):
        Attachment.objects.create(
            incident=incident,
            visibility=visibility,
            file=inbox_file.file.name,
            original_name=inbox_file.original_name,
            content_type=inbox_file.content_type,
            size=inbox_file.size,
            uploaded_by_name=(report.name or report.email)[:160],
        )
        moved += 1
    InboxAttachment.objects.filter(report=report).delete()  # rows only; the files stay
    return moved


def _supplier_channel(supplier: Contact) -> tuple[str, str] | None:
    """(channel, address) by the supplier's preferred channel, falling back to email."""
    if supplier.preferred_channel in (Channel.SMS, Channel.WHATSAPP) and supplier.phone:
        return supplier.preferred_channel, supplier.phone
    if supplier.email:
        return Channel.EMAIL, supplier.email
    if supplier.phone:
        return Channel.SMS, supplier.phone
    return None


def _notify_supplier(*, supplier: Contact, incident: Incident, report: InboxReport) -> str:
    """Queue ``supplier.message`` about the new incident; returns the channel used.

    The link stays empty until work orders (SPEC INC-9) give suppliers a page of
    their own; the message carries the address and the description instead.
    """
    target = _supplier_channel(supplier)
    if target is None:
        raise ValidationError(
            {"notify_supplier": _("This supplier has no email address or phone number.")}
        )
    channel, recipient = target
    address = incident_address(incident)
    text = "\n\n".join(part for part in (address, incident.description) if part)
    notification_queue(
        event=events.INBOX_REPORT_CONVERTED,
        template=SUPPLIER_TEMPLATE,
        recipient=recipient,
        channel=channel,
        context={
            "work_order_number": incident.pk,
            "title": incident.title,
            "message_text": text,
            "link": "",
        },
        dedupe_key=f"inbox:{report.public_id}:supplier:{supplier.pk}:{channel}",
        recipient_name=supplier.name,
        language=supplier.language or "nl",
    )
    return str(channel)


def inbox_report_convert(
    *,
    actor: Actor,
    report: InboxReport,
    title: str,
    description: str,
    category: Category | None,
    unit: Unit | None,
    household: Household | None,
    contact_name: str,
    contact_email: str,
    contact_phone: str,
    contact_language: str,
    responsible: User | None,
    notify_tenant: bool,
    notify_supplier: Contact | None,
    kind: str | None = None,
    attachment_visibility: str = Message.Visibility.EXTERNAL,
) -> Incident:
    """Turn a waiting report into an incident, in one transaction.

    The incident is created by ``incident_create``: kind "on behalf of the
    tenant" (the tenant is thanked with a personal link) when ``notify_tenant``,
    "internal" (nothing sent) otherwise, unless ``kind`` says otherwise. The
    report's files move to the incident, the report is marked converted and
    linked, and so are reports merged into it earlier. With ``notify_supplier``
    the supplier gets ``supplier.message`` by their preferred channel. Raises
    ``ValidationError`` keyed by field (also when the tenant is to be told but
    no email address or mobile number is known, or the report was handled
    meanwhile). Staff and system actors only.
    """
    _require_staff(actor)
    if kind is None:
        kind = Incident.Kind.ON_BEHALF if notify_tenant else Incident.Kind.INTERNAL
    if notify_supplier is not None and notify_supplier.kind != Contact.Kind.SUPPLIER:
        raise ValidationError({"notify_supplier": _("Choose a supplier.")})
    with transaction.atomic():
        locked = _lock_waiting(report)
        incident = incident_create(
            actor=actor,
            kind=kind,
            title=title,
            description=description,
            category=category,
            household=household,
            unit=unit,
            common_area=None,
            installation=None,
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
            contact_language=contact_language,
            responsible=responsible,
            source=locked.source,
        )
        if notify_tenant and not tenant_recipients(incident):
            raise ValidationError(
                {
                    "notify_tenant": _(
                        "To notify the tenant, enter an email address or a mobile number."
                    )
                }
            )
        moved = _move_attachments(
            report=locked, incident=incident, visibility=attachment_visibility
        )
        locked.status = CONVERTED
        locked.incident = incident
        locked.save(update_fields=["status", "incident", "updated_at"])
        # Reports merged into this one before it was converted follow it.
        InboxReport.objects.filter(
            duplicate_of=locked, status=CONVERTED, incident__isnull=True
        ).update(incident=incident)
        channel = ""
        if notify_supplier is not None:
            channel = _notify_supplier(supplier=notify_supplier, incident=incident, report=locked)
        audit_record(
            actor=actor,
            verb=events.INBOX_REPORT_CONVERTED,
            obj=locked,
            changes={
                "status": {"old": WAITING, "new": CONVERTED},
                "incident": {"old": None, "new": incident.pk},
                "kind": {"old": None, "new": kind},
                "attachments": {"old": None, "new": moved},
                "notify_tenant": {"old": None, "new": bool(notify_tenant)},
                "supplier": {
                    "old": None,
                    "new": f"{notify_supplier.name} ({channel})" if notify_supplier else None,
                },
            },
        )
    report.status, report.incident = CONVERTED, incident
    return incident


# ---------------------------------------------------------------- many at once


@dataclass
class BulkOutcome:
    """What a bulk action did: the reports it handled and, per report, why one was not."""

    done: list[InboxReport] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    failed: list[tuple[InboxReport, str]] = field(default_factory=list)


def bulk_default_category() -> Category | None:
    return Category.objects.filter(is_bulk_default=True, active=True).first()


def _bulk_title(report: InboxReport) -> str:
    if report.subject:
        return report.subject[:TITLE_MAX]
    first_line = next(
        (line.strip() for line in report.description.splitlines() if line.strip()), ""
    )
    if first_line:
        if len(first_line) > BULK_TITLE_LENGTH:
            return first_line[: BULK_TITLE_LENGTH - 1].rstrip() + "…"
        return first_line
    return gettext("Report from %(source)s") % {"source": report.get_source_display()}


def _error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _each(
    reports: Sequence[InboxReport], act: Callable[[InboxReport], Any], outcome: BulkOutcome
) -> None:
    """Run ``act`` per report in its own savepoint: one that fails is rolled back alone."""
    for report in reports:
        try:
            with transaction.atomic():
                result = act(report)
        except ValidationError as error:
            outcome.failed.append((report, _error_text(error)))
        except DatabaseError:
            outcome.failed.append((report, gettext("This report could not be saved.")))
        else:
            outcome.done.append(report)
            if isinstance(result, Incident):
                outcome.incidents.append(result)


def _check_bulk_size(reports: Sequence[InboxReport]) -> None:
    if len(reports) > BULK_MAX:
        raise ValidationError(
            _("Select at most %(count)s reports at a time.") % {"count": BULK_MAX},
            code="too_many",
        )


def inbox_reports_convert_bulk(
    *, actor: Actor, reports: Sequence[InboxReport], notify_tenant: bool = False
) -> BulkOutcome:
    """Turn many reports into incidents without edits, each with the bulk-default
    category, the report's own text, unit, household and contact details.

    Each report is converted in its own savepoint, so one that fails (handled by
    someone else meanwhile, unusable contact details) leaves the others done; the
    outcome says which and why. Raises ``ValidationError`` before doing anything
    when no bulk-default category is set. Staff and system actors only.
    """
    _require_staff(actor)
    _check_bulk_size(reports)
    category = bulk_default_category()
    if category is None:
        raise ValidationError(
            _(
                "No category is set for reports turned into incidents in bulk. "
                "An administrator has to mark one category as the bulk default."
            ),
            code="no_bulk_category",
        )
    outcome = BulkOutcome()

    def convert(report: InboxReport) -> Incident:
        return inbox_report_convert(
            actor=actor,
            report=report,
            title=_bulk_title(report),
            description=report.description,
            category=category,
            unit=report.unit,
            household=report.household,
            contact_name=report.name,
            contact_email=report.email,
            contact_phone=report.phone,
            contact_language=report.language if report.language in LANGUAGES else "nl",
            responsible=None,
            notify_tenant=notify_tenant,
            notify_supplier=None,
        )

    with transaction.atomic():
        _each(reports, convert, outcome)
        if outcome.done:
            audit_record(
                actor=actor,
                verb=events.INBOX_REPORTS_BULK_CONVERTED,
                obj=category,
                changes={
                    "reports": {"old": None, "new": [r.public_id for r in outcome.done]},
                    "failed": {"old": None, "new": [r.public_id for r, _m in outcome.failed]},
                },
            )
    return outcome


# ---------------------------------------------------------------- deleting


def _delete_locked(*, actor: Actor, report: InboxReport) -> InboxReport:
    locked = _lock_waiting(report)
    locked.status = DELETED
    locked.save(update_fields=["status", "updated_at"])
    # The trail keeps what the report was and who sent it; erasing personal data
    # later (GDPR) empties the report's fields, not this record of the deletion.
    audit_record(
        actor=actor,
        verb=events.INBOX_REPORT_DELETED,
        obj=locked,
        changes={
            "status": {"old": WAITING, "new": DELETED},
            "source": {"old": locked.source, "new": None},
            "subject": {"old": str(locked)[:200], "new": None},
            "sender": {"old": locked.name or locked.email or locked.phone, "new": None},
        },
    )
    report.status = DELETED
    return locked


def inbox_report_delete(*, actor: Actor, report: InboxReport) -> InboxReport:
    """Delete a waiting report: it leaves the inbox, the row and the audit row stay."""
    _require_staff(actor)
    with transaction.atomic():
        return _delete_locked(actor=actor, report=report)


def inbox_reports_delete_bulk(*, actor: Actor, reports: Sequence[InboxReport]) -> BulkOutcome:
    """Delete many waiting reports; one already handled is reported, the rest deleted."""
    _require_staff(actor)
    _check_bulk_size(reports)
    outcome = BulkOutcome()
    with transaction.atomic():
        _each(reports, lambda report: _delete_locked(actor=actor, report=report), outcome)
    return outcome


# ---------------------------------------------------------------- merging a duplicate


def _merged_text(report: InboxReport) -> str:
    sender = report.name or report.email or report.phone or gettext("unknown sender")
    header = gettext("Merged report from %(sender)s, received %(when)s") % {
        "sender": sender,
        "when": timezone.localtime(report.created_at).strftime("%Y-%m-%d %H:%M"),
    }
    parts = [header, report.subject, report.description]
    return "\n".join(part for part in parts if part)


def inbox_report_merge(*, actor: Actor, report: InboxReport, into: InboxReport) -> InboxReport:
    """Merge a waiting report into the report it repeats.

    When ``into`` still waits, the text is appended to its description and the
    files move to it. When ``into`` was turned into an incident, the text becomes
    an internal note on that incident from the sender and the files become
    internal files there (another household's photos are never shown to this
    tenant unasked). ``report`` is then marked converted, linked to ``into``
    (``duplicate_of``) and to its incident. Staff and system actors only.
    """
    _require_staff(actor)
    if report.pk == into.pk:
        raise ValidationError(_("A report cannot be merged into itself."), code="self")
    with transaction.atomic():
        locked = _lock_waiting(report)
        target = InboxReport.objects.select_for_update().get(pk=into.pk)
        if target.status == DELETED or (target.status == CONVERTED and target.incident is None):
            raise ValidationError(
                _("The other report was deleted or merged; there is nothing to merge into."),
                code="gone",
            )
        text = _merged_text(locked)
        incident = target.incident
        if incident is None:
            target.description = "\n\n".join(p for p in (target.description, text) if p)
            target.save(update_fields=["description", "updated_at"])
            moved = InboxAttachment.objects.filter(report=locked).update(report=target)
        else:
            Message.objects.create(
                incident=incident,
                kind=Message.Kind.NOTE,
                visibility=Message.Visibility.INTERNAL,
                via=Message.Via.SYSTEM,
                author=_staff_user(actor),
                author_name=actor.label[:160],
                body=text,
            )
            moved = _move_attachments(
                report=locked, incident=incident, visibility=Message.Visibility.INTERNAL
            )
            incident.last_activity_at = timezone.now()
            incident.save(update_fields=["last_activity_at", "updated_at"])
            from meldpunt.incidents.services import incident_search_text_refresh

            incident_search_text_refresh(incident=incident)
        locked.status = CONVERTED
        locked.duplicate_of = target
        locked.incident = incident
        locked.save(update_fields=["status", "duplicate_of", "incident", "updated_at"])
        audit_record(
            actor=actor,
            verb=events.INBOX_REPORT_MERGED,
            obj=locked,
            changes={
                "status": {"old": WAITING, "new": CONVERTED},
                "into": {"old": None, "new": target.public_id},
                "incident": {"old": None, "new": incident.pk if incident else None},
                "attachments": {"old": None, "new": moved},
            },
        )
    report.status, report.duplicate_of, report.incident = CONVERTED, target, incident
    return locked


# ---------------------------------------------------------------- reads


@dataclass(frozen=True, slots=True)
class InboxFilters:
    source: str = ""
    category: int | None = None
    duplicates: bool = False


def _is_plausible_public_id(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= PUBLIC_ID_MAX_LENGTH


def _encode_cursor(moment: datetime, pk: int) -> str:
    raw = json.dumps([moment.isoformat(), pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The position after which the next page starts; ``None`` for anything malformed."""
    if not cursor or len(cursor) > 200:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        moment = datetime.fromisoformat(value)
    except (ValueError, TypeError):
        return None
    if not isinstance(pk, int) or isinstance(pk, bool) or timezone.is_naive(moment):
        return None
    return moment, pk


def _recent_incident_condition(window: timedelta) -> Exists:
    """An incident about the same unit and category created within the window before
    the report (or after it): the report may repeat a case staff already opened."""
    return Exists(
        Incident.objects.filter(
            unit=OuterRef("unit"),
            category=OuterRef("category"),
            created_at__gte=OuterRef("created_at") - window,
        )
    )


def inbox_waiting(*, actor: Actor) -> QuerySet[InboxReport]:
    """Waiting reports for staff, nothing for anyone else."""
    if not actor.is_staff:
        return InboxReport.objects.none()
    return InboxReport.objects.filter(status=WAITING)


def inbox_page(
    *, actor: Actor, cursor: str | None, filters: InboxFilters, size: int = PAGE_SIZE
) -> Page:
    """One page of waiting reports, newest first, with category, unit, household,
    duplicate and file count loaded: the same few queries for any page."""
    window = _window()
    reports = (
        inbox_waiting(actor=actor)
        .select_related("category", "unit", "household", "duplicate_of")
        .annotate(
            attachment_count=Count("attachments"),
            has_recent_incident=_recent_incident_condition(window),
        )
    )
    if filters.source:
        reports = reports.filter(source=filters.source)
    if filters.category is not None:
        reports = reports.filter(category_id=filters.category)
    if filters.duplicates:
        reports = reports.filter(Q(duplicate_of__isnull=False) | Q(has_recent_incident=True))
    reports = reports.order_by("-created_at", "-pk")
    after = _decode_cursor(cursor)
    if after is not None:
        moment, pk = after
        reports = reports.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
    rows = list(reports[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = _encode_cursor(rows[-1].created_at, rows[-1].pk)
    return Page(items=rows, next_cursor=next_cursor, has_previous=after is not None)


def inbox_report_get(*, actor: Actor, public_id: str) -> InboxReport:
    """One report (waiting or handled) with what the detail page shows; 404 for non-staff."""
    if not actor.is_staff or not _is_plausible_public_id(public_id):
        raise Http404
    report = (
        InboxReport.objects.select_related(
            "category", "unit", "household", "incident", "duplicate_of", "duplicate_of__incident"
        )
        .filter(public_id=public_id)
        .exclude(status=DELETED)
        .first()
    )
    if report is None:
        raise Http404
    return report


def inbox_reports_for_action(*, actor: Actor, public_ids: Sequence[str]) -> list[InboxReport]:
    """The waiting reports among ``public_ids``, oldest first (how a bulk action runs)."""
    wanted = [p for p in public_ids if _is_plausible_public_id(p)][: BULK_MAX + 1]
    if not wanted:
        return []
    return list(
        inbox_waiting(actor=actor)
        .filter(public_id__in=wanted)
        .select_related("unit", "household", "category")
        .order_by("created_at", "pk")
    )


def inbox_report_recent_incidents(*, actor: Actor, report: InboxReport) -> list[Incident]:
    """Incidents about the report's unit and category within the duplicate window."""
    if not actor.is_staff or report.unit_id is None or report.category_id is None:
        return []
    since = report.created_at - _window()
    return list(
        Incident.objects.filter(
            unit_id=report.unit_id, category_id=report.category_id, created_at__gte=since
        )
        .exclude(pk=report.incident_id or 0)
        .select_related("phase")
        .order_by("-created_at", "-pk")[:5]
    )


def inbox_attachment_get(*, actor: Actor, report: InboxReport, file_id: str) -> InboxAttachment:
    if not actor.is_staff or not _is_plausible_public_id(file_id):
        raise Http404
    found = InboxAttachment.objects.filter(report=report, public_id=file_id).first()
    if found is None:
        raise Http404
    return found


def inbox_waiting_count() -> int:
    """How many reports wait: one count on the partial index of waiting reports."""
    return InboxReport.objects.filter(status=WAITING).count()


def suppliers_for_choice(*, actor: Actor) -> list[Contact]:
    """Suppliers staff can notify, by name. One query."""
    if not actor.is_staff:
        return []
    return list(
        Contact.objects.filter(kind=Contact.Kind.SUPPLIER)
        .only("pk", "public_id", "name", "company", "trade", "email", "phone")
        .order_by("name", "pk")
    )
