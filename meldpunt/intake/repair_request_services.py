"""A tenant changes or withdraws their own repair request in the portal (SPEC REP-13, REP-14).

Who may call: the portal, with the tenant's actor or the agent acting as the
tenant (``Actor.agent_as_tenant``), for a request ``repair_request_row(own=True)``
returned for the household — every service checks that again on the locked row.

The limit (REP-13): until a supplier accepted an order of the request, or an
internal order's planning is fixed, the tenant may change everything and
withdraw. After that the photos, the extra description and the contact
details can still change, the preferred date and part of day cannot, and the
request can no longer be withdrawn (the tenant calls us instead). A closed
request cannot change at all.

Every service runs in one transaction, records an audit row (with the tenant
or the agent), an interaction on the household (``repair_changed`` /
``repair_withdrawn``, shown in the portal's timeline) and an internal message
from the tenant on the incident's thread, so staff see what changed where they
work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.common.models import AuditEvent
from meldpunt.common.uploads import IMAGE, MAX_FILES, CleanUpload, upload_clean
from meldpunt.incidents import events as incident_events
from meldpunt.incidents.models import (
    Attachment,
    Incident,
    Message,
    Phase,
    SubIncident,
)
from meldpunt.incidents.sub_incidents import sub_incident_cancel_locked
from meldpunt.incidents.thread import intake_message_post
from meldpunt.intake import maintenance_events as events
from meldpunt.intake.models import RepairRequest
from meldpunt.intake.repair_request_selectors import (
    ORDER_KINDS,
    WithdrawReason,
    dates_fixed,
    running_contract_for,
)
from meldpunt.intake.services import DESCRIPTION_MAX, _clean_contact
from meldpunt.intake.wizard import repair_settings_current
from meldpunt.intake.wizard_submit import preference_errors
from meldpunt.interactions.models import ShippedKind
from meldpunt.interactions.services import interaction_record
from meldpunt.organization.models import Organization
from meldpunt.people.models import Household

# Intake writes on the incident's thread as the system: the service vouches for the
# tenant (``intake_message_post``); the audit rows of this module name the real actor.
PORTAL_ACTOR = Actor.system("tenant portal")
EXPLANATION_MAX = 2_000
TENANT_ACTOR_KINDS = (AuditEvent.ActorKind.TENANT, AuditEvent.ActorKind.AGENT_AS_TENANT)


def _require_tenant(actor: Actor) -> None:
    if actor.kind not in TENANT_ACTOR_KINDS:
        raise PermissionError("only a tenant (or an agent acting as one) changes a request")


def _locked(repair_request: RepairRequest, household: Household) -> tuple[Incident, list[Any]]:
    """The request, its incident and its orders locked, with fresh values; refuses a
    request that is not the household's own or is closed."""
    locked = RepairRequest.objects.select_for_update().get(pk=repair_request.pk)
    for name in [f.attname for f in locked._meta.concrete_fields]:
        setattr(repair_request, name, getattr(locked, name))
    if repair_request.incident_id is None or repair_request.household_id not in (
        None,
        household.pk,
    ):
        raise ValidationError(_("This is not your request."), code="foreign")
    incident = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("phase")
        .get(pk=repair_request.incident_id)
    )
    if not incident.is_open:
        raise ValidationError(
            _("This request is closed, so it cannot be changed any more."), code="closed"
        )
    orders = list(
        SubIncident.objects.select_for_update()
        .filter(incident=incident, kind__in=ORDER_KINDS)
        .order_by("sequence")
    )
    return incident, orders


def _day(value: date | None) -> str:
    return formats.date_format(value, "l j F Y") if value else "—"


# ---------------------------------------------------------------- change (REP-13)


@dataclass(frozen=True, slots=True)
class RequestChange:
    """What the tenant sent on the change form; ``None`` leaves a field as it is."""

    description: str | None = None
    preferred_date: date | None = None
    preferred_part: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    add_photos: Sequence[UploadedFile] = ()
    remove_photos: Sequence[str] = ()


@dataclass
class ChangeResult:
    changed: list[str] = field(default_factory=list)
    refused_photos: list[str] = field(default_factory=list)


def _clean_photos(files: Sequence[UploadedFile]) -> tuple[list[CleanUpload], list[str]]:
    repair_settings = repair_settings_current()
    cleaned: list[CleanUpload] = []
    refused: list[str] = []
    for upload in files:
        try:
            cleaned.append(
                upload_clean(
                    data=upload,
                    original_name=upload.name or "",
                    allowed=frozenset({IMAGE}),
                    short_side=repair_settings.photo_short_side,
                    quality=repair_settings.photo_quality,
                )
            )
        except ValidationError as error:
            refused.extend(f"{upload.name}: {message}" for message in error.messages)
    return cleaned, refused


def _tenant_photos(incident: Incident) -> list[Attachment]:
    """Photos the tenant sees on their request (and may remove): the ones sent by the
    tenant (no staff uploader) and shared with them."""
    return list(
        Attachment.objects.filter(
            incident=incident,
            visibility=Message.Visibility.EXTERNAL,
            uploaded_by__isnull=True,
            content_type__startswith="image/",
        )
    )


def _change_errors(
    change: RequestChange,
    *,
    request: RepairRequest,
    dates_open: bool,
    organization: Organization,
    today: date,
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if change.description is not None and len(change.description.strip()) > DESCRIPTION_MAX:
        errors["description"] = _("Keep the description under %(limit)s characters.") % {
            "limit": DESCRIPTION_MAX
        }
    wants_date = change.preferred_date is not None and (
        change.preferred_date != request.preferred_date
        or (change.preferred_part or "") != request.preferred_part
    )
    if wants_date and not dates_open:
        errors["preferred_date"] = _(
            "The date is fixed with the contractor now; call us to change it."
        )
    elif wants_date and change.preferred_date is not None:
        errors.update(
            preference_errors(
                organization=organization,
                preferred_date=change.preferred_date,
                part=change.preferred_part or "",
                today=today,
            )
        )
    return errors


def repair_request_change(
    *,
    actor: Actor,
    household: Household,
    repair_request: RepairRequest,
    change: RequestChange,
    organization: Organization,
    now: datetime | None = None,
) -> ChangeResult:
    """REP-13: store what the tenant changed (see the module docstring for the limit).

    Raises ``ValidationError`` keyed by field with nothing changed; photos that
    are refused (not an image, too large …) are reported back while the rest of
    the change is stored.
    """
    _require_tenant(actor)
    now = now or timezone.now()
    today = timezone.localdate(now)
    cleaned, refused = _clean_photos(change.add_photos)
    result = ChangeResult(refused_photos=refused)
    with transaction.atomic():
        incident, orders = _locked(repair_request, household)
        dates_open = not dates_fixed(orders)
        errors = _change_errors(
            change,
            request=repair_request,
            dates_open=dates_open,
            organization=organization,
            today=today,
        )
        contact = _contact_values(change, repair_request, organization, errors)
        if errors:
            raise ValidationError(errors)
        old = _snapshot(repair_request)
        _apply(repair_request, change, contact, dates_open)
        new = _snapshot(repair_request)
        result.changed = [name for name in new if new[name] != old[name]]
        if result.changed:
            repair_request.save(update_fields=[*result.changed, "after_deadline", "updated_at"])
        if {"contact_name", "contact_email", "contact_phone"} & set(result.changed):
            _incident_contact(actor, incident, repair_request)
        removed = _photos_remove(actor, incident, repair_request, change.remove_photos)
        added = _photos_add(incident, repair_request, cleaned, result)
        if not (result.changed or removed or added):
            return result
        summary = _summary(old, new, result.changed, added=added, removed=removed)
        intake_message_post(
            actor=PORTAL_ACTOR,
            incident=incident,
            author_name=repair_request.contact_name or household.name,
            body=summary,
            visibility=Message.Visibility.INTERNAL,
        )
        audit_record(
            actor=actor,
            verb=events.REPAIR_REQUEST_CHANGED,
            obj=repair_request,
            changes={
                **{
                    name: {"old": _plain(old[name]), "new": _plain(new[name])}
                    for name in result.changed
                },
                "photos_added": {"old": None, "new": added},
                "photos_removed": {"old": None, "new": removed},
            },
        )
        interaction_record(
            actor=actor,
            household=household,
            kind=ShippedKind.REPAIR_CHANGED,
            subject=gettext("Repair request %(number)s changed") % {"number": incident.pk},
            description=summary,
            contract=running_contract_for(household=household, request=repair_request),
        )
    return result


CHANGE_FIELDS = (
    "description",
    "preferred_date",
    "preferred_part",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def _snapshot(request: RepairRequest) -> dict[str, Any]:
    return {name: getattr(request, name) for name in CHANGE_FIELDS}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _contact_values(
    change: RequestChange,
    request: RepairRequest,
    organization: Organization,
    errors: dict[str, Any],
) -> tuple[str, str, str] | None:
    if (
        change.contact_name is None
        and change.contact_email is None
        and change.contact_phone is None
    ):
        return None
    try:
        return _clean_contact(
            name=request.contact_name if change.contact_name is None else change.contact_name,
            email=request.contact_email if change.contact_email is None else change.contact_email,
            phone=request.contact_phone if change.contact_phone is None else change.contact_phone,
            region=organization.country,
        )
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors[f"contact_{key}" if key in ("name", "email", "phone") else key] = messages
        return None


def _apply(
    request: RepairRequest,
    change: RequestChange,
    contact: tuple[str, str, str] | None,
    dates_open: bool,
) -> None:
    if change.description is not None:
        request.description = change.description.strip()
    if dates_open and change.preferred_date is not None:
        request.preferred_date = change.preferred_date
        request.preferred_part = change.preferred_part or ""
        request.after_deadline = bool(request.deadline and change.preferred_date > request.deadline)
    if contact is not None:
        request.contact_name, request.contact_email, request.contact_phone = contact


def _incident_contact(actor: Actor, incident: Incident, request: RepairRequest) -> None:
    """The incident's contact details follow the request, so our messages reach the
    tenant where they asked."""
    old = {
        "contact_name": incident.contact_name,
        "contact_email": incident.contact_email,
        "contact_phone": incident.contact_phone,
    }
    incident.contact_name = request.contact_name
    incident.contact_email = request.contact_email
    incident.contact_phone = request.contact_phone
    incident.save(update_fields=[*old, "updated_at"])
    audit_record(
        actor=actor,
        verb=incident_events.INCIDENT_CHANGED,
        obj=incident,
        changes={
            name: {"old": value, "new": getattr(incident, name)} for name, value in old.items()
        },
    )


def _photos_remove(
    actor: Actor, incident: Incident, request: RepairRequest, public_ids: Sequence[str]
) -> int:
    if not public_ids:
        return 0
    removable = [photo for photo in _tenant_photos(incident) if photo.public_id in set(public_ids)]
    for photo in removable:
        stored = photo.file
        audit_record(
            actor=actor,
            verb=events.REPAIR_REQUEST_PHOTO_REMOVED,
            obj=request,
            changes={"photo": {"old": photo.original_name, "new": None}},
        )
        photo.delete()
        transaction.on_commit(partial(stored.delete, save=False))
    return len(removable)


def _photos_add(
    incident: Incident, request: RepairRequest, cleaned: list[CleanUpload], result: ChangeResult
) -> int:
    if not cleaned:
        return 0
    room = max(0, MAX_FILES - len(_tenant_photos(incident)))
    if len(cleaned) > room:
        result.refused_photos.append(
            gettext("You can add at most %(count)s photos.") % {"count": MAX_FILES}
        )
        cleaned = cleaned[:room]
    if cleaned:
        intake_message_post(
            actor=PORTAL_ACTOR,
            incident=incident,
            author_name=request.contact_name,
            uploads=cleaned,
            visibility=Message.Visibility.EXTERNAL,
        )
    return len(cleaned)


CHANGE_LABELS = {
    "description": _("Extra description"),
    "preferred_date": _("Preferred date"),
    "preferred_part": _("Preferred time"),
    "contact_name": _("Name"),
    "contact_email": _("Email"),
    "contact_phone": _("Phone"),
}


def _shown(name: str, value: Any) -> str:
    if name == "preferred_date":
        return _day(value)
    if name == "preferred_part":
        return str(dict(RepairRequest.PartOfDay.choices).get(value, value)) or "—"
    return str(value) if value else "—"


def _summary(
    old: dict[str, Any], new: dict[str, Any], changed: list[str], *, added: int, removed: int
) -> str:
    """The message staff read on the incident, in the organization's language."""
    with translation.override("nl"):
        lines = [gettext("The tenant changed the repair request in the portal:")]
        for name in changed:
            lines.append(
                f"- {CHANGE_LABELS[name]}: {_shown(name, old[name])} → {_shown(name, new[name])}"
            )
        if added:
            lines.append("- " + gettext("Photos added: %(count)s") % {"count": added})
        if removed:
            lines.append("- " + gettext("Photos removed: %(count)s") % {"count": removed})
        return "\n".join(lines)


# ---------------------------------------------------------------- withdraw (REP-14)


def _phase_closed() -> Phase:
    phase = (
        Phase.objects.filter(code="closed", is_closed=True, active=True).first()
        or Phase.objects.filter(is_closed=True, active=True).order_by("ordering", "id").first()
    )
    if phase is None:
        raise ValidationError(_("This request cannot be withdrawn online; please call us."))
    return phase


def repair_request_withdraw(
    *,
    actor: Actor,
    household: Household,
    repair_request: RepairRequest,
    reason: str,
    explanation: str = "",
    now: datetime | None = None,
) -> RepairRequest:
    """REP-14: the request is withdrawn: every running order of it is cancelled with the
    tenant's reason (a supplier who got it is told), the incident moves to the closed
    phase, staff read the reason on the thread, and the household's timeline gets a
    "repair withdrawn" interaction. Only before the dates are fixed (REP-13's limit).
    """
    _require_tenant(actor)
    errors: dict[str, Any] = {}
    if reason not in WithdrawReason.values:
        errors["reason"] = _("Choose why you withdraw the request.")
    explanation = (explanation or "").strip()
    if reason == WithdrawReason.OTHER and not explanation:
        errors["explanation"] = _("Tell us briefly why.")
    if len(explanation) > EXPLANATION_MAX:
        errors["explanation"] = _("Keep it under %(limit)s characters.") % {
            "limit": EXPLANATION_MAX
        }
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    with transaction.atomic():
        incident, orders = _locked(repair_request, household)
        if dates_fixed(orders):
            raise ValidationError(
                _(
                    "The contractor has already accepted this repair, so it can no longer be "
                    "withdrawn online. Please call us."
                ),
                code="fixed",
            )
        with translation.override("nl"):
            label = str(WithdrawReason(reason).label)
            # The supplier reads the reason; the tenant's own words stay with us.
            to_supplier = gettext("The tenant withdrew the repair request: %(reason)s") % {
                "reason": label
            }
        text = f"{to_supplier}\n\n{explanation}" if explanation else to_supplier
        phase = _phase_closed()
        for order in orders:
            if order.is_open and order.status not in (
                SubIncident.Status.CANCELLED,
                SubIncident.Status.COMPLETED,
            ):
                sub_incident_cancel_locked(
                    actor=actor,
                    sub_incident=order,
                    reason=to_supplier,
                    author_name=gettext("The tenant"),
                    now=now,
                    phase=phase,
                )
        intake_message_post(
            actor=PORTAL_ACTOR,
            incident=incident,
            author_name=repair_request.contact_name or household.name,
            body=text,
            visibility=Message.Visibility.INTERNAL,
        )
        old_phase = incident.phase
        incident.phase = phase
        incident.is_open = False
        incident.closed_at = now
        incident.save(update_fields=["phase", "is_open", "closed_at", "updated_at"])
        audit_record(
            actor=actor,
            verb=incident_events.INCIDENT_PHASE_CHANGED,
            obj=incident,
            changes={
                "phase_id": {"old": old_phase.pk, "new": phase.pk},
                "phase": {"old": old_phase.name_nl, "new": phase.name_nl},
                "is_open": {"old": True, "new": False},
                "closed_at": {"old": None, "new": now.isoformat()},
            },
        )
        audit_record(
            actor=actor,
            verb=events.REPAIR_REQUEST_WITHDRAWN,
            obj=repair_request,
            changes={
                "reason": {"old": None, "new": reason},
                "explanation": {"old": None, "new": explanation},
            },
        )
        interaction_record(
            actor=actor,
            household=household,
            kind=ShippedKind.REPAIR_WITHDRAWN,
            subject=gettext("Repair request %(number)s withdrawn") % {"number": incident.pk},
            description=f"{WithdrawReason(reason).label}\n\n{explanation}".strip(),
            contract=running_contract_for(household=household, request=repair_request),
        )
    return repair_request
