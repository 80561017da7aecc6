"""Steps 6 and 7 of the repair wizard: sending the request and the preferred date
(SPEC REP-4e/f, REP-10, REP-11).

``wizard_submit`` guarantees, in one transaction: the pass is claimed with a
conditional update (two clicks on "Send" make one request), then either

- a new request: an incident (source "repair wizard", the tenant told by
  email and SMS with their personal link exactly like a report staff made
  for them), the photos on it, a ``RepairRequest`` with the texts of the tree
  revision the tenant used, and a draft work order when the template asks
  for one; or
- an additional report (REP-4f): no new incident, a ``RepairRequest`` linked
  to the open one and the tenant's text and photos on that request's thread.

Nothing half-made stays behind when anything fails: the claim rolls back too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.common.links import absolute_url
from meldpunt.incidents import events as incident_events
from meldpunt.incidents.models import Category, Incident, Message
from meldpunt.incidents.services import category_create, incident_address, incident_create
from meldpunt.incidents.sub_incidents import work_order_draft_create
from meldpunt.incidents.thread import intake_message_post
from meldpunt.intake import events
from meldpunt.intake.models import (
    URGENCY_DAYS,
    RepairRequest,
    RepairSettings,
    RepairWizard,
    Urgency,
    WizardEvent,
)
from meldpunt.intake.repair_tree import text
from meldpunt.intake.services import pending_uploads_take, staff_new_notify
from meldpunt.intake.wizard import (
    WIZARD_ACTOR,
    Step,
    WizardClosed,
    WizardIdentity,
    costs_state,
    event_record,
    first_missing,
    repair_settings_current,
    step_done,
    step_reach,
    wizard_expired,
    wizard_view,
)
from meldpunt.intake.wizard_defect import LeafResult, leaf_result, path_text, saved_path
from meldpunt.interactions.models import ShippedKind
from meldpunt.interactions.services import interaction_record
from meldpunt.organization.calendar import closed_days_between, national_holidays
from meldpunt.organization.models import Organization
from meldpunt.people.services import household_update
from meldpunt.tenancy.models import Contract

REPAIR_CATEGORY_NL = "Reparatieverzoek"
ADVISE_WORKING_DAYS = 3
PREFERENCE_AHEAD_MAX = timedelta(days=90)


# ---------------------------------------------------------------- step 6: sending


def _repair_category(repair_settings: RepairSettings) -> Category:
    if repair_settings.category is not None:
        return repair_settings.category
    found = Category.objects.filter(name_nl=REPAIR_CATEGORY_NL).order_by("pk").first()
    if found is not None:
        return found
    return category_create(
        actor=WIZARD_ACTOR,
        name_nl=REPAIR_CATEGORY_NL,
        name_en="Repair request",
        name_nb="Reparasjonsforespørsel",
    )


def deadline_for(urgency: str, today: date) -> date | None:
    days = URGENCY_DAYS.get(Urgency(urgency)) if urgency in Urgency.values else None
    return today + timedelta(days=days) if days else None


def appointment_needed(template: dict[str, Any] | None) -> bool:
    """REP-11: a visit must be planned with the tenant (a repair or an inspection)."""
    return bool(template and (template["appointment_required"] or template["inspection_required"]))


def _description(result: LeafResult, wizard: RepairWizard, cause_name: str) -> str:
    template = result.template or {}
    parts = [text(template.get("description") or {}, wizard.language)]
    if cause_name:
        parts.append(gettext("Cause: %(cause)s") % {"cause": cause_name})
    extra = str(wizard.state.get("description") or "")
    if extra:
        parts.append(gettext("In the tenant's words:") + "\n" + extra)
    return "\n\n".join(part for part in parts if part)


def _same_reporter(wizard: RepairWizard, incident: Incident, contact: dict[str, str]) -> bool:
    if wizard.household_id is not None and wizard.household_id == incident.household_id:
        return True
    return bool(
        (contact.get("email") and contact["email"].lower() == incident.contact_email.lower())
        or (contact.get("phone") and contact["phone"] == incident.contact_phone)
    )


@dataclass(frozen=True, slots=True)
class Submitted:
    request: RepairRequest
    incident: Incident
    additional: bool


def _claim(wizard: RepairWizard, now: datetime) -> None:
    """One "Send" wins: the pass moves from active to sent with a conditional update."""
    claimed = RepairWizard.objects.filter(
        pk=wizard.pk, status=RepairWizard.Status.ACTIVE, expires_at__gt=now
    ).update(status=RepairWizard.Status.SUBMITTED, finished_at=now, updated_at=now)
    if claimed != 1:
        wizard.refresh_from_db()
        raise WizardClosed(wizard)
    wizard.refresh_from_db()


def _check_unit_limit(wizard: RepairWizard, now: datetime) -> None:
    """Anonymous requests for one home are limited per hour, like reports on the public
    form; the check runs inside the sending transaction, one home at a time on
    PostgreSQL, so parallel sends cannot all pass it. Tenants signed in are not limited."""
    if wizard.mode != RepairWizard.Mode.ANONYMOUS or wizard.unit_id is None:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                [f"repair-unit:{wizard.unit_id}"],
            )
    recent = RepairRequest.objects.filter(
        unit_id=wizard.unit_id, created_at__gte=now - timedelta(hours=1)
    ).count()
    if recent >= settings.MELDPUNT_REPORTS_PER_UNIT_PER_HOUR:
        raise ValidationError(
            _(
                "We received several requests about this home in the last hour already. "
                "Please wait an hour or call us. What you filled in is still here."
            ),
            code="unit_limit",
        )


def wizard_submit(
    *,
    wizard: RepairWizard,
    identity: WizardIdentity,
    language: str | None = None,
    now: datetime | None = None,
) -> Submitted:
    """REP-10: send the request (see the module docstring for what it guarantees).

    Raises ``WizardClosed`` when the pass was already sent (a second click) or
    expired, and ``ValidationError`` when a step is unfinished.
    """
    now = now or timezone.now()
    if wizard.status != RepairWizard.Status.ACTIVE or wizard_expired(wizard, now):
        raise WizardClosed(wizard)
    if first_missing(wizard, Step.SUMMARY) is not None:
        raise ValidationError(_("First finish the earlier steps."), code="order")
    repair_settings = repair_settings_current()
    with transaction.atomic():
        _claim(wizard, now)
        _check_unit_limit(wizard, now)
        if language in ("nl", "en", "nb") and language != wizard.language:
            # The tenant switched languages on the way: messages follow the last one.
            wizard.language = language
            wizard.save(update_fields=["language"])
        with override(wizard.language):
            submitted = _submit_claimed(wizard, identity, repair_settings, now)
    return submitted


def _submit_claimed(
    wizard: RepairWizard,
    identity: WizardIdentity,
    repair_settings: RepairSettings,
    now: datetime,
) -> Submitted:
    language = wizard.language
    view = wizard_view(wizard)
    keys = saved_path(wizard, view) if view is not None else []
    if view is None or not keys:
        raise ValidationError(_("First choose what is wrong."), code="order")
    result = leaf_result(wizard=wizard, view=view, leaf_key=keys[-1])
    template = result.template
    if template is None:
        raise ValidationError(_("First choose what is wrong."), code="order")
    cause = view.cause(str(wizard.state.get("cause") or ""))
    cause_name = text(cause["name"], language) if cause else ""
    contact = {key: str(value) for key, value in (wizard.state.get("contact") or {}).items()}
    costs = costs_state(wizard)
    path = path_text(result.path, language)
    uploads = pending_uploads_take(batch=wizard.photo_batch) if wizard.photo_batch else []
    request_fields: dict[str, Any] = {
        "household": wizard.household,
        "unit": wizard.unit,
        "common_area": result.area,
        "tree_id": view.tree_id,
        "tree_revision": view.revision,
        "node_key": result.node["key"],
        "element_key": result.element_key,
        "path": path[:600],
        "template_code": template["code"],
        "template_description": text(template["description"], language),
        "cause_code": cause["code"] if cause else "",
        "cause_name": cause_name[:160],
        "description": str(wizard.state.get("description") or ""),
        "contact_name": contact.get("name", "")[:160],
        "contact_email": contact.get("email", ""),
        "contact_phone": contact.get("phone", ""),
    }
    # In the portal the tenant (or the agent acting as them) is recorded as the sender.
    actor = identity.actor if identity.household_known else WIZARD_ACTOR
    if result.open_request is not None and result.open_request.incident is not None:
        submitted = _add_to_open(wizard, result, request_fields, contact, uploads, actor=actor)
    else:
        submitted = _new_request(
            wizard,
            result,
            request_fields,
            actor=actor,
            contact=contact,
            costs=costs,
            uploads=uploads,
            repair_settings=repair_settings,
            now=now,
        )
    if contact.get("update_household") and identity.household_known:
        _household_update(identity, contact)
    if identity.household_known:
        _interaction_record(identity, submitted)
    event_record(wizard, WizardEvent.Kind.SUBMITTED, step=Step.SUMMARY, node_key=result.node["key"])
    wizard.request = submitted.request
    step_done(wizard, Step.SUMMARY)
    wizard.state["appointment_needed"] = not submitted.additional and appointment_needed(template)
    if wizard.state["appointment_needed"]:
        step_reach(wizard, Step.APPOINTMENT)
    wizard.save(update_fields=["state", "request", "updated_at"])
    return submitted


def _new_request(
    wizard: RepairWizard,
    result: LeafResult,
    fields: dict[str, Any],
    *,
    actor: Actor,
    contact: dict[str, str],
    costs: dict[str, Any],
    uploads: list[Any],
    repair_settings: RepairSettings,
    now: datetime,
) -> Submitted:
    template = result.template or {}
    area = result.area
    incident = incident_create(
        actor=WIZARD_ACTOR,
        kind=Incident.Kind.ON_BEHALF,
        title=fields["path"][:200],
        description=_description(result, wizard, fields["cause_name"]),
        category=_repair_category(repair_settings),
        household=wizard.household,
        # On a common area the request is the area's, not the reporter's home's.
        unit=None if area is not None else wizard.unit,
        common_area=area,
        installation=None,
        contact_name=contact.get("name", ""),
        contact_email=contact.get("email", ""),
        contact_phone=contact.get("phone", ""),
        contact_language=wizard.language,
        responsible=None,
        source=Incident.Source.WIZARD,
    )
    if uploads:
        intake_message_post(
            actor=WIZARD_ACTOR,
            incident=incident,
            author_name=contact.get("name", ""),
            uploads=uploads,
        )
    tenant_pays = bool(costs.get("tenant_pays"))
    consent_at = costs.get("consent_at")
    today = timezone.localdate(now)
    request = RepairRequest.objects.create(
        outcome=RepairRequest.Outcome.REQUEST,
        incident=incident,
        urgency=template.get("urgency") or "",
        deadline=deadline_for(template.get("urgency") or "", today),
        cost=Decimal(str(costs.get("amount") or "0")) if tenant_pays else Decimal("0"),
        tenant_pays=tenant_pays,
        costs_consent_at=datetime.fromisoformat(consent_at) if consent_at else None,
        **fields,
    )
    if template.get("creates_work_order"):
        work_order_draft_create(
            actor=WIZARD_ACTOR,
            incident=incident,
            title=fields["path"][:200],
            description=fields["template_description"],
        )
    staff_new_notify(
        event=incident_events.INCIDENT_CREATED,
        reference=str(incident.pk),
        title=incident.title,
        address=incident_address(incident),
        category=incident.category,
        link=absolute_url(
            reverse("backoffice:incident_detail", kwargs={"public_id": incident.public_id})
        ),
        dedupe=f"incident:{incident.public_id}:repair_request",
    )
    audit_record(
        actor=actor,
        verb=events.REPAIR_REQUEST_SUBMITTED,
        obj=request,
        changes={
            "incident": {"old": None, "new": incident.public_id},
            "path": {"old": None, "new": request.path},
            "tenant_pays": {"old": None, "new": tenant_pays},
            "photos": {"old": None, "new": len(uploads)},
        },
    )
    return Submitted(request=request, incident=incident, additional=False)


def _add_to_open(
    wizard: RepairWizard,
    result: LeafResult,
    fields: dict[str, Any],
    contact: dict[str, str],
    uploads: list[Any],
    *,
    actor: Actor,
) -> Submitted:
    """REP-4f: the report joins the open request; its text and photos go on that thread,
    visible to the tenant there only when it is their own request."""
    open_request = result.open_request
    assert open_request is not None and open_request.incident is not None
    incident = open_request.incident
    request = RepairRequest.objects.create(
        outcome=RepairRequest.Outcome.ADDITIONAL, additional_to=open_request, **fields
    )
    body = gettext("Additional report through the repair wizard: %(path)s") % {
        "path": fields["path"]
    }
    if fields["description"]:
        body += "\n\n" + fields["description"]
    same = _same_reporter(wizard, incident, contact)
    intake_message_post(
        actor=WIZARD_ACTOR,
        incident=incident,
        author_name=contact.get("name", ""),
        body=body,
        uploads=uploads,
        visibility=Message.Visibility.EXTERNAL if same else Message.Visibility.INTERNAL,
    )
    audit_record(
        actor=actor,
        verb=events.REPAIR_REQUEST_ADDED,
        obj=request,
        changes={
            "additional_to": {"old": None, "new": open_request.public_id},
            "incident": {"old": None, "new": incident.public_id},
            "photos": {"old": None, "new": len(uploads)},
        },
    )
    return Submitted(request=request, incident=incident, additional=True)


def _interaction_record(identity: WizardIdentity, submitted: Submitted) -> None:
    """INT-2: a request from the portal is a contact moment on the household's record
    (shown in the portal's timeline), made by the tenant or the agent acting as them."""
    request = submitted.request
    household = identity.household
    assert household is not None
    contract = (
        Contract.objects.running_on(timezone.localdate())
        .filter(household=household, unit_id=request.unit_id)
        .first()
        if request.unit_id is not None
        else None
    )
    interaction_record(
        actor=identity.actor,
        household=household,
        kind=ShippedKind.REPAIR_REQUEST,
        subject=(
            gettext("Repair request %(number)s: %(path)s")
            % {"number": submitted.incident.pk, "path": request.path}
        )[:200],
        description=request.description,
        contract=contract,
    )


def _household_update(identity: WizardIdentity, contact: dict[str, str]) -> None:
    household = identity.household
    assert household is not None
    if contact.get("phone") and contact["phone"] != household.phone:
        household_update(actor=identity.actor, household=household, phone=contact["phone"])
    email = contact.get("email", "")
    if email and email != household.email and identity.email_change is not None:
        change = identity.email_change
        transaction.on_commit(lambda: change(email))


# ---------------------------------------------------------------- step 7: preferred date


def closed_reason(organization: Organization, day: date) -> str:
    """Why the organization does not work on ``day`` ("" on a working day)."""
    if organization.pk is not None:
        return closed_days_between(organization, day, day).get(day, "")
    holidays = national_holidays(organization.country, [day.year])
    if day in holidays:
        return holidays[day]
    return gettext("Weekend") if day.weekday() >= 5 else ""


def advised_date(organization: Organization, today: date) -> date:
    """A few working days ahead: the date the preference step suggests (REP-11)."""
    day = today
    counted = 0
    while counted < ADVISE_WORKING_DAYS:
        day += timedelta(days=1)
        if not closed_reason(organization, day):
            counted += 1
    return day


def wizard_request(wizard: RepairWizard) -> RepairRequest | None:
    if wizard.request_id is None:
        return None
    return RepairRequest.objects.select_related("incident").filter(pk=wizard.request_id).first()


def preference_errors(
    *, organization: Organization, preferred_date: date, part: str, today: date
) -> dict[str, Any]:
    """REP-11's rules for a preferred date and block, by field ({} when all is well);
    the portal's "change my request" (REP-13) checks a new date the same way."""
    errors: dict[str, Any] = {}
    if preferred_date < today:
        errors["preferred_date"] = _("Choose a date from today on.")
    elif preferred_date > today + PREFERENCE_AHEAD_MAX:
        errors["preferred_date"] = _("Choose a date within the next three months.")
    else:
        reason = closed_reason(organization, preferred_date)
        if reason:
            errors["preferred_date"] = _(
                "We do not work on that day (%(reason)s). Choose another day."
            ) % {"reason": reason}
    if part not in RepairRequest.PartOfDay.values:
        errors["preferred_part"] = _("Choose a time of day.")
    return errors


def wizard_preference_save(
    *,
    wizard: RepairWizard,
    preferred_date: date,
    part: str,
    organization: Organization,
    now: datetime | None = None,
) -> RepairRequest:
    """REP-11: the tenant's preferred date and two-hour block for the visit.

    Only after the request was sent, and only when it needs a visit. Weekends,
    holidays and the organization's closed days are refused; a date after the
    repair's deadline is accepted and recorded as such (``after_deadline``).
    """
    now = now or timezone.now()
    errors = preference_errors(
        organization=organization,
        preferred_date=preferred_date,
        part=part,
        today=timezone.localdate(now),
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = RepairWizard.objects.select_for_update().get(pk=wizard.pk)
        if (
            locked.status != RepairWizard.Status.SUBMITTED
            or not locked.state.get("appointment_needed")
            or locked.request_id is None
        ):
            raise WizardClosed(locked)
        request = RepairRequest.objects.select_for_update().get(pk=locked.request_id)
        request.preferred_date = preferred_date
        request.preferred_part = part
        request.after_deadline = bool(request.deadline and preferred_date > request.deadline)
        request.save(
            update_fields=["preferred_date", "preferred_part", "after_deadline", "updated_at"]
        )
        audit_record(
            actor=WIZARD_ACTOR,
            verb=events.REPAIR_REQUEST_PREFERENCE_GIVEN,
            obj=request,
            changes={
                "preferred_date": {"old": None, "new": preferred_date.isoformat()},
                "preferred_part": {"old": None, "new": part},
                "after_deadline": {"old": None, "new": request.after_deadline},
            },
        )
        step_done(locked, Step.APPOINTMENT)
        locked.save(update_fields=["state", "updated_at"])
        wizard.state = locked.state
    return request
