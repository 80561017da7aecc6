"""Writes on incidents: creating one (SPEC INC-2, INC-3, INC-6), its search text,
the category and phase settings (INC-4, INC-5) and staff's saved list views.

Every service runs in one transaction, records an audit event and writes
outbox rows in that same transaction, so a notification exists exactly when
the change it reports exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from meldpunt.accounts.models import User
from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record, changes_between, snapshot
from meldpunt.common.links import absolute_url
from meldpunt.incidents import events
from meldpunt.incidents.models import Category, Incident, Message, Phase, SavedView
from meldpunt.incidents.notices import tenant_notify
from meldpunt.incidents.search import search_text_join
from meldpunt.notifications.services import notification_queue, staff_channels
from meldpunt.organization.selectors import organization_current
from meldpunt.people.models import Channel, Household
from meldpunt.people.phones import is_mobile, normalize_phone
from meldpunt.properties.models import CommonArea, Installation, Unit

LANGUAGES = ("nl", "en", "nb")
# How long a tenant's personal link works; closing an incident may shorten it.
TENANT_TEMPLATES = {
    Incident.Kind.CONTACT_TENANT: "tenant.message",
    Incident.Kind.ON_BEHALF: "tenant.report_received",
}
STAFF_NEW_INCIDENT_TEMPLATE = "staff.incident_new"
MAX_SAVED_VIEWS = 50


def _require_staff(actor: Actor) -> None:
    if not (actor.is_staff or actor.kind == "system"):
        raise PermissionDenied


def _require_admin(actor: Actor) -> None:
    if not (actor.is_admin or actor.kind == "system"):
        raise PermissionDenied


# ---------------------------------------------------------------- creating an incident


def _phase_initial() -> Phase:
    phase = Phase.objects.filter(is_initial=True).first()
    if phase is None:
        raise ValidationError(
            _("There is no starting phase. An administrator has to mark one phase as the start.")
        )
    return phase


def _phase_first_closed() -> Phase:
    phase = Phase.objects.filter(is_closed=True).order_by("ordering", "pk").first()
    if phase is None:
        raise ValidationError(
            _("There is no closed phase to archive into. An administrator has to add one.")
        )
    return phase


def _clean_contact(
    *, kind: str, email: str, phone: str, language: str, region: str
) -> tuple[str, str, dict[str, Any]]:
    errors: dict[str, Any] = {}
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["contact_email"] = _("Enter a valid email address.")
    try:
        phone = normalize_phone(phone, region=region)
    except ValidationError as error:
        errors["contact_phone"] = error.messages[0]
    if language not in LANGUAGES:
        errors["contact_language"] = _("Choose Dutch, English or Norwegian.")
    if (
        kind == Incident.Kind.CONTACT_TENANT
        and not (email or (phone and is_mobile(phone)))
        and "contact_email" not in errors
        and "contact_phone" not in errors
    ):
        errors["contact_email"] = _(
            "To contact the tenant, enter an email address or a mobile number."
        )
    return email, phone, errors


def _notify_tenant(incident: Incident) -> None:
    template = TENANT_TEMPLATES.get(incident.kind)  # type: ignore[call-overload]
    if template is None:
        return
    tenant_notify(
        incident=incident,
        event=events.INCIDENT_CREATED,
        template=template,
        dedupe_key=f"incident:{incident.public_id}:created:tenant",
    )


def incident_address(incident: Incident) -> str:
    """Where the incident is, in one line: the unit, the common area or the household."""
    if incident.unit is not None:
        return str(incident.unit)
    if incident.common_area is not None:
        return str(incident.common_area)
    if incident.installation is not None:
        return str(incident.installation)
    if incident.household is not None:
        return incident.household.address_line
    return ""


def _notify_responsible(incident: Incident, actor: Actor) -> None:
    user = incident.responsible
    if user is None or (actor.user is not None and actor.user.pk == user.pk):
        return  # whoever creates an incident for themself needs no message about it
    channels = staff_channels(user=user, topic="new_incident")
    if not channels:
        return
    context = {
        "incident_number": incident.pk,
        "incident_title": incident.title,
        "address": incident_address(incident),
        "category": incident.category.name_nl if incident.category else "",
        "link": absolute_url(
            reverse("backoffice:incident_detail", kwargs={"public_id": incident.public_id})
        ),
    }
    language = user.language or "nl"
    if incident.category is not None:
        context["category"] = getattr(incident.category, f"name_{language}", "") or (
            incident.category.name_nl
        )
    for channel in channels:
        notification_queue(
            event=events.INCIDENT_CREATED,
            template=STAFF_NEW_INCIDENT_TEMPLATE,
            recipient=user.email if channel == Channel.EMAIL else user.phone,
            channel=channel,
            context=context,
            dedupe_key=f"incident:{incident.public_id}:created:responsible:{user.pk}:{channel}",
            recipient_name=user.get_full_name() or user.get_username(),
            language=language,
        )


def _place_errors(
    *, unit: Unit | None, common_area: CommonArea | None, installation: Installation | None
) -> dict[str, Any]:
    """A common area must be one the unit shares; an installation must sit in the
    unit or in the chosen (or a shared) common area."""
    errors: dict[str, Any] = {}
    if unit is not None and common_area is not None:
        shared = CommonArea.objects.filter(pk=common_area.pk, complex_id=unit.complex_id).filter(
            Q(units=unit)
            | Q(building_block__isnull=True)
            | Q(building_block_id=unit.building_block_id)
        )
        if not shared.exists():
            errors["common_area"] = _("This common area does not belong to the chosen address.")
    if installation is not None:
        if installation.unit_id is not None:
            if unit is not None and installation.unit_id != unit.pk:
                errors["installation"] = _("This installation is in another unit.")
        elif common_area is not None:
            if installation.common_area_id != common_area.pk:
                errors["installation"] = _("This installation is in another common area.")
        elif (
            unit is not None
            and installation.common_area is not None
            and _place_errors(unit=unit, common_area=installation.common_area, installation=None)
        ):
            errors["installation"] = _("This installation does not belong to the chosen address.")
    return errors


def incident_create(
    *,
    actor: Actor,
    kind: str,
    title: str,
    description: str,
    category: Category | None,
    household: Household | None,
    unit: Unit | None,
    common_area: CommonArea | None,
    installation: Installation | None,
    contact_name: str,
    contact_email: str,
    contact_phone: str,
    contact_language: str,
    responsible: User | None,
    relevant_on: date | None = None,
    source: str = Incident.Source.BACKOFFICE,
) -> Incident:
    """Create an incident of one of the four kinds (SPEC INC-2), in one transaction.

    - contact tenant: the tenant gets ``tenant.message`` with a personal link by
      email and by SMS/WhatsApp (mobile numbers only), whichever is known; at
      least one of them is required;
    - on behalf of the tenant: the same, with ``tenant.report_received``;
    - internal: nothing is sent, the description becomes an internal message;
    - archive: stored in the first closed phase with its required
      ``relevant_on`` date; nothing is sent.

    The description becomes the first message of the thread: external for the
    two kinds the tenant is told about, internal otherwise. The responsible
    person hears about the incident through their ``new_incident`` channels.
    Raises ``ValidationError`` keyed by field name. Staff and system actors only.
    """
    _require_staff(actor)
    errors: dict[str, Any] = {}
    title = (title or "").strip()
    description = (description or "").strip()
    contact_name = (contact_name or "").strip()
    if kind not in Incident.Kind.values:
        errors["kind"] = _("Choose what kind of incident this is.")
    if not title:
        errors["title"] = _("Give the incident a short title.")
    elif len(title) > 200:
        errors["title"] = _("Keep the title under 200 characters.")
    if len(contact_name) > 160:
        errors["contact_name"] = _("Keep the name under 160 characters.")
    if source not in Incident.Source.values:
        errors["source"] = _("Unknown source.")
    if kind == Incident.Kind.ARCHIVE:
        if relevant_on is None:
            errors["relevant_on"] = _("Enter the date the event happened.")
        elif relevant_on > timezone.localdate():
            errors["relevant_on"] = _("An archived event cannot lie in the future.")
    else:
        relevant_on = None
    if responsible is not None and not responsible.is_staff_member:
        errors["responsible"] = _("Choose a staff member.")
    if category is not None and category.pk is None:
        errors["category"] = _("Choose a category.")
    errors.update(_place_errors(unit=unit, common_area=common_area, installation=installation))
    region = organization_current().country or "NL"
    contact_email, contact_phone, contact_errors = _clean_contact(
        kind=kind,
        email=contact_email,
        phone=contact_phone,
        language=contact_language,
        region=region,
    )
    errors.update(contact_errors)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        archived = kind == Incident.Kind.ARCHIVE
        phase = _phase_first_closed() if archived else _phase_initial()
        now = timezone.now()
        incident = Incident.objects.create(
            kind=kind,
            source=source,
            title=title,
            description=description,
            category=category,
            phase=phase,
            is_open=not phase.is_closed,
            closed_at=now if phase.is_closed else None,
            relevant_on=relevant_on,
            household=household,
            unit=unit,
            common_area=common_area,
            installation=installation,
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
            contact_language=contact_language,
            responsible=responsible,
            created_by=actor.user if actor.user is not None and actor.user.pk else None,
        )
        if description:
            tenant_told = kind in TENANT_TEMPLATES
            Message.objects.create(
                incident=incident,
                kind=Message.Kind.MESSAGE,
                visibility=(
                    Message.Visibility.EXTERNAL if tenant_told else Message.Visibility.INTERNAL
                ),
                via=Message.Via.BACKOFFICE,
                author=incident.created_by,
                author_name=actor.label,
                body=description,
            )
        incident_search_text_refresh(incident=incident)
        audit_record(
            actor=actor,
            verb=events.INCIDENT_CREATED,
            obj=incident,
            changes={
                field: {"old": None, "new": value}
                for field, value in {
                    "kind": kind,
                    "title": title,
                    "phase": phase.code,
                    "category": str(category) if category else None,
                    "unit": str(unit) if unit else None,
                    "household": str(household) if household else None,
                    "common_area": str(common_area) if common_area else None,
                    "installation": str(installation) if installation else None,
                    "responsible": str(responsible) if responsible else None,
                    "relevant_on": relevant_on.isoformat() if relevant_on else None,
                    "source": source,
                }.items()
                if value is not None
            },
        )
        _notify_tenant(incident)
        _notify_responsible(incident, actor)
    return incident


def incident_search_text_build(*, incident: Incident) -> str:
    """Title, description, message bodies, address and tenant, folded for searching."""
    parts = [incident.title, incident.description, incident.contact_name]
    unit = incident.unit
    if unit is not None:
        parts += [unit.address_line, unit.postcode, unit.postcode.replace(" ", ""), unit.city]
        parts.append(unit.code)
    household = incident.household
    if household is not None:
        parts += [household.name, household.tenant_number]
    if incident.common_area is not None:
        parts.append(incident.common_area.name)
    parts += list(incident.messages.order_by("pk").values_list("body", flat=True))
    return search_text_join(parts)


def incident_search_text_refresh(*, incident: Incident) -> Incident:
    """Rebuild ``incident.search_text``; call it after anything it contains changed."""
    incident.search_text = incident_search_text_build(incident=incident)
    Incident.objects.filter(pk=incident.pk).update(search_text=incident.search_text)
    return incident


# ---------------------------------------------------------------- categories (INC-4)

CATEGORY_FIELDS = (
    "name_nl",
    "name_en",
    "name_nb",
    "help_nl",
    "help_en",
    "help_nb",
    "active",
    "is_bulk_default",
)


def _bulk_default_take_over(category_pk: int | None) -> None:
    """Only one category is the default for bulk conversion: the others let go."""
    others = Category.objects.filter(is_bulk_default=True)
    if category_pk is not None:
        others = others.exclude(pk=category_pk)
    others.update(is_bulk_default=False)


def _category_errors(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if not (values.get("name_nl") or "").strip():
        errors["name_nl"] = _("Enter the Dutch name; the other languages fall back to it.")
    for field in ("name_nl", "name_en", "name_nb"):
        if len(values.get(field) or "") > 120:
            errors[field] = _("Keep the name under 120 characters.")
    return errors


def category_create(
    *,
    actor: Actor,
    name_nl: str,
    name_en: str = "",
    name_nb: str = "",
    help_nl: str = "",
    help_en: str = "",
    help_nb: str = "",
    active: bool = True,
    is_bulk_default: bool = False,
) -> Category:
    """Add a category at the end of the list. Administrators only."""
    _require_admin(actor)
    values = {
        "name_nl": name_nl.strip(),
        "name_en": name_en.strip(),
        "name_nb": name_nb.strip(),
        "help_nl": help_nl.strip(),
        "help_en": help_en.strip(),
        "help_nb": help_nb.strip(),
        "active": active,
        "is_bulk_default": is_bulk_default,
    }
    errors = _category_errors(values)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if is_bulk_default:
            _bulk_default_take_over(None)
        last = Category.objects.aggregate(last=Max("ordering"))["last"]
        category = Category.objects.create(**values, ordering=(last or 0) + 1)
        audit_record(
            actor=actor,
            verb=events.CATEGORY_SAVED,
            obj=category,
            changes=changes_between({}, values),
        )
    return category


def category_update(*, actor: Actor, category: Category, **values: Any) -> Category:
    """Change a category's names, help texts or whether it is offered. Administrators only."""
    _require_admin(actor)
    unknown = set(values) - set(CATEGORY_FIELDS)
    if unknown:
        raise TypeError(f"unknown category fields: {sorted(unknown)}")
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    errors = _category_errors({**snapshot(category, CATEGORY_FIELDS), **values})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if values.get("is_bulk_default"):
            _bulk_default_take_over(category.pk)
        before = snapshot(category, values)
        for field, value in values.items():
            setattr(category, field, value)
        category.save(update_fields=[*values, "updated_at"])
        audit_record(
            actor=actor,
            verb=events.CATEGORY_SAVED,
            obj=category,
            changes=changes_between(before, values),
        )
    return category


def category_delete(*, actor: Actor, category: Category) -> None:
    """Remove an unused category; one in use is switched off instead, to keep history."""
    _require_admin(actor)
    with transaction.atomic():
        if Incident.objects.filter(category=category).exists():
            raise ValidationError(
                _(
                    "Incidents use this category, so it cannot be removed. "
                    "Switch it off instead: it is then no longer offered."
                ),
                code="in_use",
            )
        audit_record(
            actor=actor,
            verb=events.CATEGORY_DELETED,
            obj=category,
            changes={"name_nl": {"old": category.name_nl, "new": None}},
        )
        category.delete()


def _reorder[M: (Category, Phase)](
    *, actor: Actor, model: type[M], order: Sequence[int], verb: str
) -> list[M]:
    rows = {row.pk: row for row in model.objects.select_for_update().all()}
    wanted = [pk for pk in order if pk in rows]
    if len(set(wanted)) != len(wanted):
        raise ValidationError(_("Each item can appear only once in the order."))
    # Anything the caller left out keeps its place after the ones it named.
    rest = sorted((row for pk, row in rows.items() if pk not in wanted), key=lambda r: r.ordering)
    ordered = [rows[pk] for pk in wanted] + rest
    changed = []
    for position, row in enumerate(ordered, start=1):
        if row.ordering != position:
            audit_record(
                actor=actor,
                verb=verb,
                obj=row,
                changes={"ordering": {"old": row.ordering, "new": position}},
            )
            row.ordering = position
            changed.append(row)
    model.objects.bulk_update(changed, ["ordering"])
    return ordered


def category_reorder(*, actor: Actor, order: Sequence[int]) -> list[Category]:
    """Put the categories in the order of the primary keys in ``order``."""
    _require_admin(actor)
    with transaction.atomic():
        return _reorder(actor=actor, model=Category, order=order, verb=events.CATEGORY_SAVED)


# ---------------------------------------------------------------- phases (INC-5)

PHASE_FIELDS = ("code", "name_nl", "name_en", "name_nb", "is_closed", "is_initial", "active")


def _phase_errors(values: dict[str, Any], *, phase: Phase | None) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if not (values.get("name_nl") or "").strip():
        errors["name_nl"] = _("Enter the Dutch name; the other languages fall back to it.")
    code = values.get("code") or ""
    if not code or slugify(code) != code or len(code) > 40:
        errors["code"] = _("Use lower-case letters, digits and dashes or underscores only.")
    elif Phase.objects.filter(code=code).exclude(pk=phase.pk if phase else 0).exists():
        errors["code"] = _("Another phase already has this code.")
    if values.get("is_initial") and values.get("is_closed"):
        errors["is_closed"] = _("New incidents start here, so this phase cannot close them.")
    if values.get("is_initial") and not values.get("active", True):
        errors["active"] = _("The starting phase must stay available.")
    if phase is not None and phase.is_initial and not values.get("is_initial"):
        errors["is_initial"] = _(
            "There must be a starting phase. Mark another phase as the start instead."
        )
    return errors


def _phase_closing_changed(phase: Phase, now: Any) -> None:
    """Incidents in ``phase`` follow a change of its open/closed flag."""
    incidents = Incident.objects.filter(phase=phase)
    if phase.is_closed:
        incidents.filter(is_open=True).update(is_open=False, closed_at=now)
    else:
        incidents.filter(is_open=False).update(is_open=True, closed_at=None)


def phase_create(
    *,
    actor: Actor,
    code: str,
    name_nl: str,
    name_en: str = "",
    name_nb: str = "",
    is_closed: bool = False,
    is_initial: bool = False,
    active: bool = True,
) -> Phase:
    """Add a phase at the end; marking it the start unmarks the previous start."""
    _require_admin(actor)
    values = {
        "code": code.strip(),
        "name_nl": name_nl.strip(),
        "name_en": name_en.strip(),
        "name_nb": name_nb.strip(),
        "is_closed": is_closed,
        "is_initial": is_initial,
        "active": active,
    }
    errors = _phase_errors(values, phase=None)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if is_initial:
            _phase_unmark_initial(actor=actor, keep=None)
        last = Phase.objects.aggregate(last=Max("ordering"))["last"]
        phase = Phase.objects.create(**values, ordering=(last or 0) + 1)
        audit_record(
            actor=actor, verb=events.PHASE_SAVED, obj=phase, changes=changes_between({}, values)
        )
    return phase


def _phase_unmark_initial(*, actor: Actor, keep: Phase | None) -> None:
    for previous in Phase.objects.select_for_update().filter(is_initial=True):
        if keep is not None and previous.pk == keep.pk:
            continue
        previous.is_initial = False
        previous.save(update_fields=["is_initial", "updated_at"])
        audit_record(
            actor=actor,
            verb=events.PHASE_SAVED,
            obj=previous,
            changes={"is_initial": {"old": True, "new": False}},
        )


def phase_update(*, actor: Actor, phase: Phase, **values: Any) -> Phase:
    """Change a phase. Exactly one phase stays the start; when the open/closed
    flag changes, the incidents in the phase follow it."""
    _require_admin(actor)
    unknown = set(values) - set(PHASE_FIELDS)
    if unknown:
        raise TypeError(f"unknown phase fields: {sorted(unknown)}")
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    merged = {**snapshot(phase, PHASE_FIELDS), **values}
    errors = _phase_errors(merged, phase=phase)
    if phase.is_closed and not merged["is_closed"] and _is_last_closed(phase):
        errors["is_closed"] = _("Keep at least one phase that closes incidents.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = snapshot(phase, values)
        if merged["is_initial"] and not phase.is_initial:
            _phase_unmark_initial(actor=actor, keep=phase)
        for field, value in values.items():
            setattr(phase, field, value)
        phase.save(update_fields=[*values, "updated_at"])
        if before.get("is_closed", phase.is_closed) != phase.is_closed:
            _phase_closing_changed(phase, timezone.now())
        audit_record(
            actor=actor,
            verb=events.PHASE_SAVED,
            obj=phase,
            changes=changes_between(before, values),
        )
    return phase


def _is_last_closed(phase: Phase) -> bool:
    return not Phase.objects.filter(is_closed=True).exclude(pk=phase.pk).exists()


def phase_delete(*, actor: Actor, phase: Phase) -> None:
    """Remove a phase no incident is in; never the starting phase or the last closed one."""
    _require_admin(actor)
    with transaction.atomic():
        if phase.is_initial:
            raise ValidationError(
                _("New incidents start in this phase, so it cannot be removed."),
                code="initial",
            )
        if Incident.objects.filter(phase=phase).exists():
            raise ValidationError(
                _(
                    "Incidents are in this phase, so it cannot be removed. "
                    "Move them to another phase first, or switch this one off."
                ),
                code="in_use",
            )
        if phase.is_closed and _is_last_closed(phase):
            raise ValidationError(
                _("This is the only phase that closes incidents, so it cannot be removed."),
                code="last_closed",
            )
        audit_record(
            actor=actor,
            verb=events.PHASE_DELETED,
            obj=phase,
            changes={"code": {"old": phase.code, "new": None}},
        )
        phase.delete()


def phase_reorder(*, actor: Actor, order: Sequence[int]) -> list[Phase]:
    """Put the phases in the order of the primary keys in ``order``."""
    _require_admin(actor)
    with transaction.atomic():
        return _reorder(actor=actor, model=Phase, order=order, verb=events.PHASE_SAVED)


# ---------------------------------------------------------------- saved list views


def saved_view_create(*, actor: Actor, name: str, query: str) -> SavedView:
    """Save the incident list's filters (its query string) under ``name`` for the actor.

    Saving under an existing name replaces that view's filters.
    """
    if not actor.is_staff or actor.user is None:
        raise PermissionDenied
    name = (name or "").strip()
    query = (query or "").strip().lstrip("?")
    errors: dict[str, Any] = {}
    if not name:
        errors["name"] = _("Give the view a name.")
    elif len(name) > 80:
        errors["name"] = _("Keep the name under 80 characters.")
    if len(query) > 1000:
        errors["query"] = _("These filters are too long to save.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = SavedView.objects.filter(user=actor.user, name=name).first()
        if existing is None and SavedView.objects.filter(user=actor.user).count() >= (
            MAX_SAVED_VIEWS
        ):
            raise ValidationError(
                {"name": _("You have saved the maximum number of views. Remove one first.")}
            )
        view, _created = SavedView.objects.update_or_create(
            user=actor.user, name=name, defaults={"query": query}
        )
        audit_record(
            actor=actor,
            verb=events.SAVED_VIEW_CREATED,
            obj=view,
            changes={"query": {"old": existing.query if existing else None, "new": query}},
        )
    return view


def saved_view_delete(*, actor: Actor, saved_view: SavedView) -> None:
    """Remove one of the actor's own saved views."""
    if not actor.is_staff or actor.user is None or saved_view.user_id != actor.user.pk:
        raise PermissionDenied
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb=events.SAVED_VIEW_DELETED,
            obj=saved_view,
            changes={"name": {"old": saved_view.name, "new": None}},
        )
        saved_view.delete()
