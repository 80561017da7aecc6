"""The demo organization: Woonstichting De Linden, a Dutch housing corporation.

``seed_demo()`` writes the rows ``plan.build_plan()`` draws from
``content`` (one ``random.Random`` with a fixed seed and fixed reference
dates), so what it writes never depends on the clock. Every row is looked
up by its natural key (complex code, unit code, tenant number, contract
number, username, contact email) and only missing rows are written: a second
run adds nothing and overwrites nothing a demo user changed.

Master data (organization, staff, complexes, units, common areas,
installations, owners, suppliers) goes through the domain services, so it is
validated and audited like any other write. The bulk of tenancy data
(households, persons, tenant contacts, contracts and their lines) is written
with ``bulk_create`` inside the same transaction, which keeps a run on SQLite
to a few seconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from meldpunt.accounts.models import StaffRole, User
from meldpunt.accounts.services import staff_user_upsert
from meldpunt.common.actors import Actor
from meldpunt.demo.accounts import TENANT_USERNAME, seed_tenant_accounts
from meldpunt.demo.content import (
    AREA_INSTALLATIONS,
    COMMON_AREAS,
    COMPLEXES,
    CONTRACT_ELEMENTS,
    FUND_OWNER,
    FUND_OWNER_MESSAGE,
    HOUSEHOLD_ROLES,
    OPENING_HOURS,
    ORGANIZATION,
    ORGANIZATION_NAME,
    PRIVATE_OWNER,
    SUPPLIERS,
    UNIT_TYPES,
    ContactSpec,
)
from meldpunt.demo.incidents import seed_incidents
from meldpunt.demo.plan import Plan, build_plan
from meldpunt.demo.repair import seed_repair_wizard
from meldpunt.incidents.models import Incident
from meldpunt.organization.calendar import national_holidays
from meldpunt.organization.features import FEATURES
from meldpunt.organization.models import OpeningHours, Organization
from meldpunt.organization.services import closed_day_add, feature_set, organization_ensure
from meldpunt.people.models import Contact, Household, HouseholdRole, Person
from meldpunt.people.phones import normalize_phone
from meldpunt.people.services import contact_create
from meldpunt.properties.models import (
    BuildingBlock,
    CommonArea,
    Complex,
    Installation,
    OwnerInstruction,
    Unit,
    UnitType,
)
from meldpunt.properties.services import (
    building_block_create,
    common_area_create,
    complex_create,
    installation_create,
    owner_instruction_set,
    unit_create,
)
from meldpunt.tenancy.models import Contract, ContractElement, ContractLine

TAX_VALUE_YEAR = 2025

DEMO_PASSWORD = "Meldpunt-demo-2026"  # noqa: S105  (published with the demo on purpose)
ACTOR_LABEL = "seed_demo"


@dataclass(frozen=True, slots=True)
class StaffSpec:
    username: str
    role: str
    first_name: str
    last_name: str
    description: Promise


DEMO_STAFF: tuple[StaffSpec, ...] = (
    StaffSpec(
        "beheerder",
        StaffRole.ADMIN,
        "Anouk",
        "Visser",
        _("administrator, also signs in to /django-admin/"),
    ),
    StaffSpec("kcc", StaffRole.AGENT, "Kim", "de Boer", _("contact-centre agent")),
    StaffSpec("medewerker", StaffRole.USER, "Mehmet", "Yilmaz", _("staff user")),
    StaffSpec("opzichter", StaffRole.USER, "Ruud", "Hendriks", _("staff user (inspector)")),
    StaffSpec(
        "woonconsulent", StaffRole.USER, "Sanne", "Mulder", _("staff user (housing consultant)")
    ),
)
DEMO_LOGINS: list[tuple[str, Promise]] = [
    *((s.username, s.description) for s in DEMO_STAFF),
    (TENANT_USERNAME, _("tenant (portal at /portal/)")),
]
STAFF_EMAIL_DOMAIN = "delinden.example.org"


@dataclass(frozen=True, slots=True)
class SeedSummary:
    counts: list[tuple[Promise, int]]


def _ensure_by_code[M: models.Model](
    model: type[M], rows: Iterable[dict[str, Any]]
) -> dict[str, M]:
    """Rows of a small reference table by code; missing ones are created, others kept."""
    manager = model._default_manager
    existing = manager.in_bulk(field_name="code")
    missing = [model(**row) for row in rows if row["code"] not in existing]
    if missing:
        manager.bulk_create(missing)
        existing = manager.in_bulk(field_name="code")
    return existing


def _seed_organization(actor: Actor) -> Organization:
    created = not Organization.objects.exists()
    organization = organization_ensure(
        actor=actor,
        name=ORGANIZATION_NAME,
        **{
            key: normalize_phone(value) if key.endswith("phone") else value
            for key, value in ORGANIZATION.items()
        },
    )
    stored = dict(organization.feature_toggles.values_list("key", "enabled"))
    for feature in FEATURES:
        # Switch everything on in a new demo; later runs respect what an admin changed.
        if feature.key not in stored or (created and not stored[feature.key]):
            feature_set(actor=actor, organization=organization, key=feature.key, enabled=True)
    if not organization.opening_hours.exists():
        opens, closes = OPENING_HOURS
        OpeningHours.objects.bulk_create(
            OpeningHours(organization=organization, weekday=day, opens_at=opens, closes_at=closes)
            for day in range(5)
        )
    known = set(organization.closed_days.values_list("date", flat=True))
    for day, reason in _own_closed_days(localdate().year):
        if day not in known:
            closed_day_add(actor=actor, organization=organization, day=day, reason=reason)
    return organization


def _own_closed_days(year: int) -> list[tuple[date, str]]:
    """The office's own closed days this year and next."""
    days = []
    for y in (year, year + 1):
        ascension = next(
            day for day, name in national_holidays("NL", [y]).items() if name == "Ascension Day"
        )
        october = date(y, 10, 1)
        staff_day = october + timedelta(days=(4 - october.weekday()) % 7)
        days += [
            (ascension + timedelta(days=1), "Vrijdag na Hemelvaart"),
            (staff_day, "Personeelsdag"),
            (date(y, 12, 31), "Oudejaarsdag"),
        ]
    return sorted(days)


def _seed_staff(actor: Actor) -> None:
    existing = set(
        User.objects.filter(username__in=[s.username for s in DEMO_STAFF]).values_list(
            "username", flat=True
        )
    )
    for spec in DEMO_STAFF:
        user = staff_user_upsert(
            actor=actor,
            username=spec.username,
            email=f"{spec.username}@{STAFF_EMAIL_DOMAIN}",
            role=spec.role,
            first_name=spec.first_name,
            last_name=spec.last_name,
            password=None if spec.username in existing else DEMO_PASSWORD,
        )
        if spec.role == StaffRole.ADMIN and not (user.is_staff and user.is_superuser):
            User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)


def _seed_contacts(actor: Actor, specs: Iterable[ContactSpec], kind: str) -> dict[str, Contact]:
    wanted = list(specs)
    found = {
        contact.email: contact
        for contact in Contact.objects.filter(email__in=[spec.email for spec in wanted])
    }
    for spec in wanted:
        if spec.email not in found:
            found[spec.email] = contact_create(
                actor=actor,
                kind=kind,
                name=spec.name,
                company=spec.company,
                email=spec.email,
                phone=spec.phone,
                preferred_channel=spec.channel,
                trade=spec.trade,
            )
    return found


def _seed_stock(actor: Actor, plan: Plan, owners: dict[str, Contact]) -> dict[str, Unit]:
    fund, private = owners[FUND_OWNER.email], owners[PRIVATE_OWNER.email]
    unit_types = _ensure_by_code(
        UnitType, ({"code": code, "name": name, "kind": kind} for code, name, kind in UNIT_TYPES)
    )
    complexes = {c.code: c for c in Complex.objects.filter(code__in=[s.code for s in COMPLEXES])}
    blocks = {(b.complex.code, b.code): b for b in BuildingBlock.objects.select_related("complex")}
    for spec in COMPLEXES:
        if spec.code not in complexes:
            complexes[spec.code] = complex_create(
                actor=actor,
                code=spec.code,
                name=spec.name,
                city=spec.city,
                owner=fund if spec.owned_by_fund else None,
            )
        for code, name in spec.blocks:
            if (spec.code, code) not in blocks:
                blocks[spec.code, code] = building_block_create(
                    actor=actor, complex=complexes[spec.code], code=code, name=name
                )

    fund_complexes = {spec.code for spec in COMPLEXES if spec.owned_by_fund}
    units = {u.code: u for u in Unit.objects.filter(code__in=[p.code for p in plan.units])}
    for p in plan.units:
        if p.code in units:
            continue
        owner = fund if p.complex_code in fund_complexes else private if p.private_owner else None
        units[p.code] = unit_create(
            actor=actor,
            code=p.code,
            complex=complexes[p.complex_code],
            building_block=blocks[p.complex_code, p.block] if p.block else None,
            unit_type=unit_types[p.unit_type],
            street=p.street,
            house_number=p.number,
            house_number_addition=p.addition,
            postcode=p.postcode,
            city=p.city,
            rooms=p.rooms,
            floor_area=p.floor_area,
            build_year=p.build_year,
            energy_index=p.energy_index,
            tax_value=p.tax_value,
            tax_value_year=TAX_VALUE_YEAR,
            owner=owner,
        )

    unit_plans = {p.code: p for p in plan.units}
    areas = {(a.complex.code, a.name): a for a in CommonArea.objects.select_related("complex")}
    for complex_code, block, kind, name, types in COMMON_AREAS:
        if (complex_code, name) in areas:
            continue
        served = [
            unit
            for code, unit in units.items()
            if unit_plans[code].complex_code == complex_code
            and (block is None or unit_plans[code].block == block)
            and (types is None or unit_plans[code].unit_type in types)
            and (block is not None or unit_plans[code].unit_type != "garage")
        ]
        areas[complex_code, name] = common_area_create(
            actor=actor,
            complex=complexes[complex_code],
            kind=kind,
            name=name,
            building_block=blocks[complex_code, block] if block else None,
            units=served,
        )

    serials = set(Installation.objects.values_list("serial_number", flat=True))
    by_name = {name: area for (_code, name), area in areas.items()}
    for area_name, name, asset_type, brand, serial, installed in AREA_INSTALLATIONS:
        if serial not in serials:
            installation_create(
                actor=actor,
                name=name,
                asset_type=asset_type,
                brand=brand,
                serial_number=serial,
                installed_on=installed,
                common_area=by_name[area_name],
            )
    for unit_code, brand, serial, installed in plan.boilers:
        if serial not in serials:
            installation_create(
                actor=actor,
                name="CV-ketel",
                asset_type="boiler",
                brand=brand,
                serial_number=serial,
                installed_on=installed,
                unit=units[unit_code],
            )
    return units


def _seed_tenancies(plan: Plan, units: dict[str, Unit]) -> None:
    roles = _ensure_by_code(
        HouseholdRole,
        (
            {
                "code": code,
                "name": name,
                "show_in_portal": show,
                "usable_in_portal": usable,
                "ordering": order,
            }
            for code, name, show, usable, order in HOUSEHOLD_ROLES
        ),
    )
    elements = _ensure_by_code(
        ContractElement,
        (
            {"code": code, "name": name, "cost_code": cost_code}
            for code, name, cost_code in CONTRACT_ELEMENTS
        ),
    )

    numbers = [h.tenant_number for h in plan.households]
    known = set(
        Household.objects.filter(tenant_number__in=numbers).values_list("tenant_number", flat=True)
    )
    Household.objects.bulk_create(
        Household(
            tenant_number=h.tenant_number,
            name=h.name,
            email=h.email,
            phone=h.phone,
            street=h.street,
            house_number=h.number,
            house_number_addition=h.addition,
            postcode=h.postcode,
            city=h.city,
        )
        for h in plan.households
        if h.tenant_number not in known
    )
    households = {h.tenant_number: h for h in Household.objects.filter(tenant_number__in=numbers)}

    with_persons = set(
        Person.objects.filter(household__in=households.values()).values_list(
            "household_id", flat=True
        )
    )
    Person.objects.bulk_create(
        Person(
            household=households[h.tenant_number],
            role=roles[p.role],
            gender=p.gender,
            initials=p.initials,
            first_name=p.first_name,
            infix=p.infix,
            surname=p.surname,
            birth_date=p.birth_date,
            email=h.email if p is h.main else "",
            phone=h.phone if p is h.main else "",
        )
        for h in plan.households
        if households[h.tenant_number].pk not in with_persons
        for p in h.persons
    )

    emails = set(
        Contact.objects.filter(email__in=[h.email for h in plan.households]).values_list(
            "email", flat=True
        )
    )
    Contact.objects.bulk_create(
        Contact(
            kind=Contact.Kind.TENANT,
            name=" ".join(
                part for part in (h.main.first_name, h.main.infix, h.main.surname) if part
            ),
            email=h.email,
            phone=h.phone,
            preferred_channel=h.channel,
            household=households[h.tenant_number],
        )
        for h in plan.households
        if h.email not in emails
    )

    _seed_contracts(plan, units, households, elements)


def _seed_contracts(
    plan: Plan,
    units: dict[str, Unit],
    households: dict[str, Household],
    elements: dict[str, ContractElement],
) -> None:
    numbers = [c.number for c in plan.contracts]
    stored = list(
        Contract.objects.filter(unit__in=units.values()).values_list(
            "number", "unit_id", "start_date", "end_date"
        )
    )
    known = {number for number, *_rest in stored}
    taken: dict[int, list[tuple[date, date | None]]] = {}
    for _number, unit_id, start, end in stored:
        taken.setdefault(unit_id, []).append((start, end))

    def free(unit_id: int, start: date, end: date | None) -> bool:
        # A unit someone let by hand in the demo keeps that contract.
        return all(
            (end is not None and end < other_start) or (other_end is not None and other_end < start)
            for other_start, other_end in taken.get(unit_id, [])
        )

    new = [
        c
        for c in plan.contracts
        if c.number not in known and free(units[c.unit_code].pk, c.start_date, c.end_date)
    ]
    Contract.objects.bulk_create(
        Contract(
            number=c.number,
            household=households[c.tenant_number],
            unit=units[c.unit_code],
            start_date=c.start_date,
            end_date=c.end_date,
            has_service_subscription=c.has_service_subscription,
        )
        for c in new
    )
    contracts = {c.number: c for c in Contract.objects.filter(number__in=numbers)}
    ContractLine.objects.bulk_create(
        ContractLine(contract=contracts[c.number], element=elements[code], monthly_amount=amount)
        for c in new
        for code, amount in c.lines
    )


@transaction.atomic
def seed_demo() -> SeedSummary:
    """Create whatever part of the demo organization is missing; return the counts."""
    actor = Actor.system(ACTOR_LABEL)
    plan = build_plan()
    _seed_organization(actor)
    _seed_staff(actor)
    owners = _seed_contacts(actor, (FUND_OWNER, PRIVATE_OWNER), Contact.Kind.OWNER)
    fund = owners[FUND_OWNER.email]
    if not OwnerInstruction.objects.filter(owner=fund).exists():
        owner_instruction_set(
            actor=actor, owner=fund, report_to_own_manager=True, message=FUND_OWNER_MESSAGE
        )
    _seed_contacts(actor, SUPPLIERS, Contact.Kind.SUPPLIER)
    units = _seed_stock(actor, plan, owners)
    _seed_tenancies(plan, units)
    seed_tenant_accounts(actor=actor, password=DEMO_PASSWORD)
    seed_incidents()
    seed_repair_wizard(actor)
    return summary()


def summary() -> SeedSummary:
    today = localdate()
    return SeedSummary(
        counts=[
            (_("Complexes"), Complex.objects.count()),
            (_("Building blocks"), BuildingBlock.objects.count()),
            (_("Units"), Unit.objects.count()),
            (_("Common areas"), CommonArea.objects.count()),
            (_("Installations"), Installation.objects.count()),
            (_("Households"), Household.objects.count()),
            (_("Persons"), Person.objects.count()),
            (_("Running contracts"), Contract.objects.running_on(today).count()),
            (_("Ended contracts"), Contract.objects.filter(end_date__lt=today).count()),
            (_("Suppliers"), Contact.objects.filter(kind=Contact.Kind.SUPPLIER).count()),
            (_("Owners"), Contact.objects.filter(kind=Contact.Kind.OWNER).count()),
            (_("Staff users"), User.objects.exclude(role="").count()),
            (_("Incidents"), Incident.objects.count()),
        ]
    )
