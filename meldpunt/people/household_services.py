"""The tenant's own changes to their household, made in the portal (SPEC POR-3..5, C-2, A-12).

Who may call these: the tenant of the household (actor kind "tenant") or an
agent viewing the portal as that household (actor kind "agent as tenant",
SPEC ADM-KCC); anyone else gets ``PermissionDenied``. Every service:

- validates first and raises ``ValidationError`` keyed by field, with a
  message a tenant understands; nothing is written then;
- writes in one transaction with the row locked, records an audit event with
  old and new values, and an interaction for the tenant's timeline (kinds
  ``contact_changed``, ``address_changed``, ``household_changed``), which
  names the agent when one acted (SPEC A-8);
- queues the confirmation email in the same transaction (outbox; it leaves
  after the commit) to the household's current address;
- changes nothing, and records nothing, when the values stay the same.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record, changes_between, snapshot
from meldpunt.common.models import AuditEvent
from meldpunt.interactions.models import ShippedKind
from meldpunt.interactions.services import interaction_record
from meldpunt.notifications.messages import supported_language
from meldpunt.notifications.services import notification_queue
from meldpunt.organization.selectors import organization_current
from meldpunt.people import details_events as events
from meldpunt.people.addresses import (
    LOOKUP_COUNTRIES,
    address_lookup,
    address_one_line,
    is_country,
)
from meldpunt.people.models import Household, HouseholdRole, Person
from meldpunt.people.phone_rules import PhoneRuleError, phone_rule_errors
from meldpunt.people.phones import format_phone, normalize_phone
from meldpunt.people.services import phone_region
from meldpunt.properties.postcodes import normalize_postcode

PHONE_RULE_MESSAGES = {
    PhoneRuleError.EMPTY: _("Enter your phone number."),
    PhoneRuleError.CHARACTERS: _(
        "Use only digits, spaces, hyphens and parentheses (and a + at the start)."
    ),
    PhoneRuleError.DIGIT_COUNT: _(
        "A phone number has 10, 11 or 12 digits, like 06 12345678 or +31 6 12345678."
    ),
    PhoneRuleError.HYPHENS: _("Use at most one hyphen."),
    PhoneRuleError.PARENTHESES: _(
        "Use at most one pair of parentheses, around 1 to 4 digits, like (030)."
    ),
}
ADDRESS_FIELDS = ("street", "house_number", "house_number_addition", "postcode", "city", "country")
PERSON_FIELDS = ("role", "gender", "initials", "infix", "surname", "birth_date")
PORTAL_GENDERS = (Person.Gender.FEMALE, Person.Gender.MALE, Person.Gender.OTHER)


# Who may act --------------------------------------------------------------------


def _check_actor(actor: Actor, household: Household) -> None:
    """The household's own tenant, or an agent viewing the portal as a household."""
    if actor.kind == AuditEvent.ActorKind.TENANT:
        if actor.user is None or actor.user.household_id != household.pk:
            raise PermissionDenied
        return
    if actor.kind == AuditEvent.ActorKind.AGENT_AS_TENANT and actor.user is not None:
        return
    raise PermissionDenied


def _mail_language(actor: Actor, household: Household) -> str:
    """The tenant's own language for the confirmation: their account's, else the default."""
    language = ""
    if actor.kind == AuditEvent.ActorKind.TENANT and actor.user is not None:
        language = actor.user.language
    else:
        account = household.accounts.filter(role="").exclude(language="").first()
        language = account.language if account is not None else ""
    return supported_language(language)


def _confirm_by_mail(
    *,
    actor: Actor,
    household: Household,
    audit: AuditEvent,
    template: str,
    context: dict[str, Any],
) -> None:
    if not household.email:
        return  # no address to confirm to; the timeline still shows the change
    notification_queue(
        event=audit.verb,
        template=template,
        recipient=household.email,
        channel="email",
        context=context,
        dedupe_key=f"household:{household.public_id}:{audit.verb}:{audit.pk}",
        recipient_name=household.name,
        language=_mail_language(actor, household),
    )


# Phone (POR-4, C-2) -------------------------------------------------------------


def phone_check(raw: str, *, region: str) -> str:
    """``raw`` checked against the portal's phone rule and stored form (E.164)."""
    errors = phone_rule_errors(raw)
    if errors:
        raise ValidationError({"phone": [PHONE_RULE_MESSAGES[error] for error in errors]})
    try:
        return normalize_phone(raw, region=region)
    except ValidationError as error:
        raise ValidationError({"phone": error.error_list}) from error


def household_phone_change(
    *, actor: Actor, household: Household, phone: str, password: str = ""
) -> Household:
    """Change the household's phone number (SPEC POR-4, C-2).

    A tenant confirms with their account password, because the phone
    receives links; an agent viewing as the tenant is trusted and recorded
    instead. The change is confirmed by email, with the new number, to the
    household's current address.
    """
    _check_actor(actor, household)
    if actor.kind == AuditEvent.ActorKind.TENANT:
        assert actor.user is not None
        if not password or not actor.user.check_password(password):
            raise ValidationError(
                {"password": _("This password is not correct. Type the password you log in with.")}
            )
    region = phone_region()
    new_phone = phone_check(phone, region=region)
    with transaction.atomic():
        locked = Household.objects.select_for_update().get(pk=household.pk)
        old_phone = locked.phone
        if old_phone == new_phone:
            return locked
        locked.phone = new_phone
        locked.save(update_fields=["phone", "updated_at"])
        audit = audit_record(
            actor=actor,
            verb=events.HOUSEHOLD_PHONE_CHANGED,
            obj=locked,
            changes={"phone": {"old": old_phone, "new": new_phone}},
        )
        shown = format_phone(new_phone, region=region)
        interaction_record(
            actor=actor,
            household=locked,
            kind=ShippedKind.CONTACT_CHANGED,
            subject=gettext("Phone number changed"),
            description=gettext("New phone number: %(phone)s") % {"phone": shown},
        )
        _confirm_by_mail(
            actor=actor,
            household=locked,
            audit=audit,
            template="tenant.phone_changed",
            context={"new_phone": shown},
        )
    return locked


# Correspondence address (POR-5, A-12) ---------------------------------------------


def _address_values(
    *,
    country: str,
    postcode: str,
    house_number: int | None,
    house_number_addition: str,
    street: str,
    city: str,
) -> dict[str, Any]:
    """The address as it will be stored, or ``ValidationError`` keyed by field.

    A Dutch address needs postcode and house number; street and city come from
    our own addresses. When we do not know the address, the tenant types the
    street and city. A foreign address is typed in full: street and city
    required, postcode and house number as the country has them.
    """
    country = (country or "").strip().upper()
    street, city = street.strip(), city.strip()
    addition = house_number_addition.strip().upper()
    errors: dict[str, list[Any]] = {}
    if not is_country(country):
        raise ValidationError({"country": _("Choose a country.")})
    if country in LOOKUP_COUNTRIES:
        code = ""
        try:
            code = normalize_postcode(postcode, country=country)
        except ValidationError as error:
            errors["postcode"] = error.error_list
        if house_number is None:
            errors["house_number"] = [_("Enter a house number.")]
        if errors:
            raise ValidationError(errors)
        assert house_number is not None
        found = address_lookup(postcode=code, house_number=house_number)
        if found is not None:
            street, city = found.street, found.city
        elif not (street and city):
            raise ValidationError(
                {
                    "postcode": _(
                        "We could not find this address. Check the postcode and house "
                        "number, or type the street and city yourself."
                    )
                }
            )
        return {
            "country": country,
            "postcode": code,
            "house_number": house_number,
            "house_number_addition": addition,
            "street": street,
            "city": city,
        }
    if not street:
        errors["street"] = [_("Enter the street (and house number) of the address.")]
    if not city:
        errors["city"] = [_("Enter the city.")]
    code = ""
    if postcode.strip():
        try:
            code = normalize_postcode(postcode, country=country)
        except ValidationError as error:
            errors["postcode"] = error.error_list
    if errors:
        raise ValidationError(errors)
    return {
        "country": country,
        "postcode": code,
        "house_number": house_number,
        "house_number_addition": addition if house_number is not None else "",
        "street": street,
        "city": city,
    }


def household_address_change(
    *,
    actor: Actor,
    household: Household,
    country: str,
    postcode: str = "",
    house_number: int | None = None,
    house_number_addition: str = "",
    street: str = "",
    city: str = "",
) -> Household:
    """Change the correspondence address (SPEC POR-5, A-12); confirmed by email
    stating the new address."""
    _check_actor(actor, household)
    values = _address_values(
        country=country,
        postcode=postcode,
        house_number=house_number,
        house_number_addition=house_number_addition,
        street=street,
        city=city,
    )
    home_country = organization_current().country or "NL"
    with transaction.atomic():
        locked = Household.objects.select_for_update().get(pk=household.pk)
        before = snapshot(locked, ADDRESS_FIELDS)
        for field, value in values.items():
            setattr(locked, field, value)
        changes = changes_between(before, snapshot(locked, ADDRESS_FIELDS))
        if not changes:
            return locked
        locked.full_clean()
        locked.save(update_fields=[*changes, "updated_at"])
        audit = audit_record(
            actor=actor, verb=events.HOUSEHOLD_ADDRESS_CHANGED, obj=locked, changes=changes
        )
        new_address = address_one_line(locked, home_country=home_country)
        interaction_record(
            actor=actor,
            household=locked,
            kind=ShippedKind.ADDRESS_CHANGED,
            subject=gettext("Correspondence address changed"),
            description=gettext("New correspondence address: %(address)s")
            % {"address": new_address},
        )
        _confirm_by_mail(
            actor=actor,
            household=locked,
            audit=audit,
            template="tenant.address_changed",
            context={"new_address": new_address},
        )
    return locked


# Persons (POR-3) ------------------------------------------------------------------


def _person_values(
    *,
    role: HouseholdRole,
    gender: str,
    initials: str,
    infix: str,
    surname: str,
    birth_date: date | None,
) -> dict[str, Any]:
    """A person's fields as stored; every field is required but the infix."""
    errors: dict[str, list[Any]] = {}
    if not (role.usable_in_portal and role.show_in_portal):
        errors["role"] = [_("Choose one of the relations in the list.")]
    if gender not in PORTAL_GENDERS:
        errors["gender"] = [_("Choose a gender.")]
    if not initials.strip():
        errors["initials"] = [_("Enter the initials.")]
    if not surname.strip():
        errors["surname"] = [_("Enter the surname.")]
    if birth_date is None:
        errors["birth_date"] = [_("Enter the birth date.")]
    elif birth_date > timezone.localdate():
        errors["birth_date"] = [_("A birth date cannot lie in the future.")]
    if errors:
        raise ValidationError(errors)
    return {
        "role": role,
        "gender": gender,
        "initials": initials.strip(),
        "infix": infix.strip(),
        "surname": surname.strip(),
        "birth_date": birth_date,
    }


def _check_person_editable(person: Person, household: Household) -> None:
    if person.household_id != household.pk:
        raise PermissionDenied
    if not (person.role.usable_in_portal and person.role.show_in_portal):
        raise PermissionDenied  # e.g. the main tenant: changed by staff only


def _record_household_change(
    *, actor: Actor, household: Household, verb: str, subject: str, changes: dict[str, Any]
) -> None:
    audit_record(actor=actor, verb=verb, obj=household, changes=changes)
    interaction_record(
        actor=actor, household=household, kind=ShippedKind.HOUSEHOLD_CHANGED, subject=subject
    )


def household_person_add(
    *,
    actor: Actor,
    household: Household,
    role: HouseholdRole,
    gender: str,
    initials: str,
    surname: str,
    birth_date: date | None,
    infix: str = "",
) -> Person:
    """Add a person with a role tenants may use (SPEC POR-3)."""
    _check_actor(actor, household)
    values = _person_values(
        role=role,
        gender=gender,
        initials=initials,
        infix=infix,
        surname=surname,
        birth_date=birth_date,
    )
    with transaction.atomic():
        person = Person(household=household, **values)
        person.full_clean()
        person.save()
        changes = changes_between({}, snapshot(person, PERSON_FIELDS))
        changes["person"] = {"old": None, "new": person.full_name}
        _record_household_change(
            actor=actor,
            household=household,
            verb=events.PERSON_ADDED_IN_PORTAL,
            subject=gettext("Person added: %(name)s") % {"name": person.full_name},
            changes=changes,
        )
    return person


def household_person_change(
    *,
    actor: Actor,
    household: Household,
    person: Person,
    role: HouseholdRole,
    gender: str,
    initials: str,
    surname: str,
    birth_date: date | None,
    infix: str = "",
) -> Person:
    """Change a person whose role tenants may use, to another such role."""
    _check_actor(actor, household)
    _check_person_editable(person, household)
    values = _person_values(
        role=role,
        gender=gender,
        initials=initials,
        infix=infix,
        surname=surname,
        birth_date=birth_date,
    )
    with transaction.atomic():
        locked = (
            Person.objects.select_for_update(of=("self",)).select_related("role").get(pk=person.pk)
        )
        _check_person_editable(locked, household)
        before = snapshot(locked, PERSON_FIELDS)
        for field, value in values.items():
            setattr(locked, field, value)
        changes = changes_between(before, snapshot(locked, PERSON_FIELDS))
        if not changes:
            return locked
        locked.full_clean()
        locked.save(update_fields=[*changes, "updated_at"])
        changes["person"] = {"old": locked.full_name, "new": locked.full_name}
        _record_household_change(
            actor=actor,
            household=household,
            verb=events.PERSON_CHANGED,
            subject=gettext("Person changed: %(name)s") % {"name": locked.full_name},
            changes=changes,
        )
    return locked


def household_person_remove(*, actor: Actor, household: Household, person: Person) -> None:
    """Remove a person whose role tenants may use from the household."""
    _check_actor(actor, household)
    _check_person_editable(person, household)
    with transaction.atomic():
        locked = (
            Person.objects.select_for_update(of=("self",)).select_related("role").get(pk=person.pk)
        )
        _check_person_editable(locked, household)
        name = locked.full_name
        added = changes_between({}, snapshot(locked, PERSON_FIELDS))
        changes = {field: {"old": value["new"], "new": None} for field, value in added.items()}
        changes["person"] = {"old": name, "new": None}
        locked.delete()
        _record_household_change(
            actor=actor,
            household=household,
            verb=events.PERSON_REMOVED,
            subject=gettext("Person removed: %(name)s") % {"name": name},
            changes=changes,
        )
