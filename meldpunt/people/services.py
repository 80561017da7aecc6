"""Writes to contacts, households and persons.

Every service runs in one transaction, validates the row with ``full_clean``
and records an audit event with old and new values. Phone numbers are stored
as E.164, read with the organization's country as the region, so "06 1234
5678" typed in a Dutch office and "412 34 567" typed in a Norwegian one both
end up international.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record, changes_between, snapshot
from meldpunt.organization.models import Organization
from meldpunt.people import events
from meldpunt.people.models import Channel, Contact, Household, HouseholdRole, Person
from meldpunt.people.phones import DEFAULT_REGION, is_mobile, normalize_phone

# A pure helper without models: the shared Address fields need the same rule.
from meldpunt.properties.postcodes import normalize_postcode

HOUSEHOLD_FIELDS = (
    "tenant_number",
    "name",
    "email",
    "phone",
    "street",
    "house_number",
    "house_number_addition",
    "postcode",
    "city",
    "country",
)
# The tenant number is the key other systems know the household by: set once.
HOUSEHOLD_EDITABLE = tuple(field for field in HOUSEHOLD_FIELDS if field != "tenant_number")

CONTACT_FIELDS = (
    "kind",
    "name",
    "company",
    "email",
    "phone",
    "preferred_channel",
    "language",
    "trade",
    "household",
    "notes",
)
# A contact does not change kind or household; make a new contact instead.
CONTACT_EDITABLE = tuple(field for field in CONTACT_FIELDS if field not in {"kind", "household"})

PERSON_FIELDS = (
    "role",
    "gender",
    "initials",
    "first_name",
    "infix",
    "surname",
    "birth_date",
    "email",
    "phone",
)


def phone_region() -> str:
    """The region phone numbers are read in: the organization's country."""
    country = Organization.objects.values_list("country", flat=True).first()
    return country or DEFAULT_REGION


def _phone(raw: str, *, region: str) -> str:
    try:
        return normalize_phone(raw, region=region)
    except ValidationError as error:
        raise ValidationError({"phone": error.error_list}) from error


def _postcode(raw: str, *, country: str) -> str:
    if not (raw or "").strip():
        return ""
    try:
        return normalize_postcode(raw, country=country)
    except ValidationError as error:
        raise ValidationError({"postcode": error.error_list}) from error


def _email(raw: str) -> str:
    return BaseUserManager.normalize_email((raw or "").strip())


def _check_fields(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")


def _initials_from(first_name: str) -> str:
    return f"{first_name.strip()[0].upper()}." if first_name.strip() else ""


# Households -----------------------------------------------------------------


def household_create(
    *,
    actor: Actor,
    tenant_number: str,
    name: str,
    email: str = "",
    phone: str = "",
    street: str = "",
    house_number: int | None = None,
    house_number_addition: str = "",
    postcode: str = "",
    city: str = "",
    country: str = "NL",
) -> Household:
    """A new household; its address is the correspondence address."""
    household = Household(
        tenant_number=tenant_number.strip(),
        name=name.strip(),
        email=_email(email),
        phone=_phone(phone, region=phone_region()),
        street=street.strip(),
        house_number=house_number,
        house_number_addition=house_number_addition.strip().upper(),
        postcode=_postcode(postcode, country=country),
        city=city.strip(),
        country=country,
    )
    with transaction.atomic():
        household.full_clean()
        household.save()
        audit_record(
            actor=actor,
            verb=events.HOUSEHOLD_CREATED,
            obj=household,
            changes=changes_between({}, snapshot(household, HOUSEHOLD_FIELDS)),
        )
    return household


def household_update(*, actor: Actor, household: Household, **fields: Any) -> Household:
    """Change a household's name, correspondence address, email or phone.

    Nothing is saved or audited when no value changes.
    """
    _check_fields(fields, HOUSEHOLD_EDITABLE)
    if "phone" in fields:
        fields["phone"] = _phone(fields["phone"], region=phone_region())
    if "email" in fields:
        fields["email"] = _email(fields["email"])
    with transaction.atomic():
        locked = Household.objects.select_for_update().get(pk=household.pk)
        if "postcode" in fields:
            fields["postcode"] = _postcode(
                fields["postcode"], country=fields.get("country", locked.country)
            )
        before = snapshot(locked, fields)
        for field, value in fields.items():
            setattr(locked, field, value)
        changes = changes_between(before, snapshot(locked, fields))
        if not changes:
            return locked
        locked.full_clean()
        locked.save(update_fields=[*changes, "updated_at"])
        audit_record(actor=actor, verb=events.HOUSEHOLD_UPDATED, obj=locked, changes=changes)
    return locked


def person_add(
    *,
    actor: Actor,
    household: Household,
    role: HouseholdRole,
    surname: str,
    first_name: str = "",
    initials: str = "",
    infix: str = "",
    gender: str = "",
    birth_date: date | None = None,
    email: str = "",
    phone: str = "",
) -> Person:
    """Add a person to a household; the audit row lands on the household's timeline."""
    if birth_date is not None and birth_date > timezone.localdate():
        raise ValidationError({"birth_date": _("A birth date cannot lie in the future.")})
    person = Person(
        household=household,
        role=role,
        surname=surname.strip(),
        first_name=first_name.strip(),
        initials=initials.strip() or _initials_from(first_name),
        infix=infix.strip(),
        gender=gender,
        birth_date=birth_date,
        email=_email(email),
        phone=_phone(phone, region=phone_region()),
    )
    with transaction.atomic():
        person.full_clean()
        person.save()
        changes = changes_between({}, snapshot(person, PERSON_FIELDS))
        changes["person"] = {"old": None, "new": person.full_name}
        audit_record(actor=actor, verb=events.PERSON_ADDED, obj=household, changes=changes)
    return person


# Contacts -------------------------------------------------------------------


def _validate_contact(contact: Contact) -> None:
    """The rules a contact obeys besides its fields' own validation."""
    errors: dict[str, list[Any]] = {}
    if contact.household_id is not None and contact.kind != Contact.Kind.TENANT:
        errors.setdefault("household", []).append(
            _("Only a tenant contact can belong to a household.")
        )
    if contact.trade and contact.kind != Contact.Kind.SUPPLIER:
        errors.setdefault("trade", []).append(_("Only a supplier has a trade."))
    if contact.preferred_channel in {Channel.SMS, Channel.WHATSAPP}:
        if not contact.phone:
            errors.setdefault("phone", []).append(
                _("Text messages need a phone number. Add one or choose email.")
            )
        elif not is_mobile(contact.phone):
            errors.setdefault("preferred_channel", []).append(
                _("Text messages need a mobile number. Choose email for a landline.")
            )
    if errors:
        raise ValidationError(errors)


def contact_create(
    *,
    actor: Actor,
    kind: str,
    name: str,
    company: str = "",
    email: str = "",
    phone: str = "",
    preferred_channel: str = Channel.EMAIL,
    language: str = "nl",
    trade: str = "",
    household: Household | None = None,
    notes: str = "",
) -> Contact:
    """A new tenant, supplier, owner or other contact."""
    contact = Contact(
        kind=kind,
        name=name.strip(),
        company=company.strip(),
        email=_email(email),
        phone=_phone(phone, region=phone_region()),
        preferred_channel=preferred_channel,
        language=language,
        trade=trade,
        household=household,
        notes=notes.strip(),
    )
    with transaction.atomic():
        _validate_contact(contact)
        contact.full_clean()
        contact.save()
        audit_record(
            actor=actor,
            verb=events.CONTACT_CREATED,
            obj=contact,
            changes=changes_between({}, snapshot(contact, CONTACT_FIELDS)),
        )
    return contact


def contact_update(*, actor: Actor, contact: Contact, **fields: Any) -> Contact:
    """Change a contact's details. Nothing is saved or audited when no value changes."""
    _check_fields(fields, CONTACT_EDITABLE)
    if "phone" in fields:
        fields["phone"] = _phone(fields["phone"], region=phone_region())
    if "email" in fields:
        fields["email"] = _email(fields["email"])
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        before = snapshot(locked, fields)
        for field, value in fields.items():
            setattr(locked, field, value)
        changes = changes_between(before, snapshot(locked, fields))
        if not changes:
            return locked
        _validate_contact(locked)
        locked.full_clean()
        locked.save(update_fields=[*changes, "updated_at"])
        audit_record(actor=actor, verb=events.CONTACT_UPDATED, obj=locked, changes=changes)
    return locked


def contact_portal_access_set(*, actor: Actor, contact: Contact, enabled: bool) -> Contact:
    """Let a supplier or owner sign in to the portal, or stop them (SPEC INC-12).

    Switching it off ends a signed-in session at its next request, because the
    portal reads the flag on every page. Nothing changes when the value is the same.
    """
    if not actor.is_staff:
        raise PermissionDenied
    if contact.kind not in (Contact.Kind.SUPPLIER, Contact.Kind.OWNER):
        raise ValidationError(_("Only suppliers and owners can sign in to the portal."))
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        if locked.portal_access == enabled:
            return locked
        locked.portal_access = enabled
        locked.save(update_fields=["portal_access", "updated_at"])
        audit_record(
            actor=actor,
            verb=events.CONTACT_PORTAL_ACCESS_CHANGED,
            obj=locked,
            changes={"portal_access": {"old": not enabled, "new": enabled}},
        )
    return locked
