"""The demo's rows, drawn from one seeded random generator before any database
work: the same plan on every call, whatever the clock or the database holds."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from meldpunt.demo.content import (
    BOILER_BRANDS,
    COMPLEXES,
    ELSEWHERE,
    EMAIL_DOMAINS,
    FEMALE_NAMES,
    FUND_OWNER,
    HAVENKWARTIER,
    LINDEHOF,
    MALE_NAMES,
    PARKZICHT,
    POSTCODE_LETTERS,
    PRIVATE_OWNER,
    SUPPLIERS,
    SURNAMES,
    UNIT_FIGURES,
)
from meldpunt.people.models import Channel
from meldpunt.people.phones import normalize_phone
from meldpunt.properties.postcodes import normalize_postcode

SEED = 20260101
# Ages and contract dates are drawn relative to fixed dates, never "today",
# so every run plans exactly the same rows.
REFERENCE_DATE = date(2026, 1, 1)
LATEST_START = date(2025, 11, 1)


@dataclass(slots=True)
class UnitPlan:
    code: str
    complex_code: str
    block: str | None
    unit_type: str
    street: str
    number: int
    addition: str
    postcode: str
    city: str
    rooms: int | None
    floor_area: int
    build_year: int
    energy_index: Decimal | None
    tax_value: Decimal
    private_owner: bool = False


@dataclass(slots=True)
class PersonPlan:
    role: str
    gender: str
    first_name: str
    initials: str
    infix: str
    surname: str
    birth_date: date


@dataclass(slots=True)
class HouseholdPlan:
    tenant_number: str
    persons: list[PersonPlan]
    street: str
    number: int
    addition: str
    postcode: str
    city: str
    email: str = ""
    phone: str = ""
    channel: str = Channel.EMAIL

    @property
    def main(self) -> PersonPlan:
        return self.persons[0]

    @property
    def name(self) -> str:
        main = self.persons[0]
        partner = next((p for p in self.persons if p.role in {"co-tenant", "partner"}), None)
        if partner is None:
            return _formal_name(main)
        if (partner.infix, partner.surname) == (main.infix, main.surname):
            return f"Fam. {_capitalised(main.infix)} {main.surname}".replace("  ", " ")
        return f"{_formal_name(main)} en {_formal_name(partner)}"


@dataclass(slots=True)
class ContractPlan:
    number: str
    tenant_number: str
    unit_code: str
    start_date: date
    end_date: date | None
    lines: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def has_service_subscription(self) -> bool:
        return any(code == "tenant-maintenance" for code, _amount in self.lines)


@dataclass(slots=True)
class Plan:
    units: list[UnitPlan]
    households: list[HouseholdPlan]
    contracts: list[ContractPlan]
    boilers: list[tuple[str, str, str, date]]  # unit code, brand, serial, installed on


def _capitalised(infix: str) -> str:
    return infix[:1].upper() + infix[1:]


def _formal_name(person: PersonPlan) -> str:
    title = {"m": "Dhr.", "f": "Mw."}.get(person.gender, "")
    return " ".join(part for part in (title, person.initials, person.infix, person.surname) if part)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def _month_start(rng: random.Random, first: date, last: date) -> date:
    months = (last.year - first.year) * 12 + last.month - first.month
    offset = rng.randint(0, max(months, 0))
    year, month = divmod(first.month - 1 + offset, 12)
    return date(first.year + year, month + 1, 1)


def _amount(rng: random.Random, low: float, high: float) -> Decimal:
    cents = rng.randint(round(low * 100), round(high * 100))
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


class _Planner:
    """Draws every row of the demo from one seeded generator, in a fixed order."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.emails: set[str] = {spec.email for spec in (*SUPPLIERS, FUND_OWNER, PRIVATE_OWNER)}
        self.phones: set[str] = set()
        self.household_seq = 0
        self.contract_seq = 0

    # -- stock

    def units(self) -> list[UnitPlan]:
        rng = self.rng
        plans: list[UnitPlan] = []
        for spec in COMPLEXES:
            seq = 0
            for street in spec.streets:
                for number in street.numbers:
                    for addition in street.additions:
                        seq += 1
                        rooms, area, tax = UNIT_FIGURES[street.unit_type]
                        build_year = spec.build_year
                        index: Decimal | None = (
                            _amount(rng, 1.25, 2.10)
                            if build_year < 2000
                            else _amount(rng, 0.55, 0.95)
                        )
                        if street.unit_type == "garage":
                            index = None
                        plans.append(
                            UnitPlan(
                                code=f"{spec.code}{seq:03d}",
                                complex_code=spec.code,
                                block=street.block,
                                unit_type=street.unit_type,
                                street=street.street,
                                number=number,
                                addition=addition,
                                postcode=street.postcode,
                                city=spec.city,
                                rooms=rng.randint(*rooms) or None,
                                floor_area=rng.randint(*area),
                                build_year=build_year,
                                energy_index=index,
                                tax_value=Decimal(rng.randint(*tax) // 1000 * 1000),
                            )
                        )
        scattered = [p for p in plans if p.complex_code in {LINDEHOF, PARKZICHT}]
        for plan in rng.sample(scattered, 4):
            plan.private_owner = True
        return plans

    def boilers(self, units: list[UnitPlan]) -> list[tuple[str, str, str, date]]:
        result = []
        for unit in units:
            if unit.unit_type != "family-house":
                continue
            brand = self.rng.choice(BOILER_BRANDS)
            serial = f"{brand[:3].upper()}-{self.rng.randint(10_000_000, 99_999_999)}"
            installed = date(self.rng.randint(2010, 2024), self.rng.randint(1, 12), 1)
            result.append((unit.code, brand, serial, installed))
        return result

    # -- people

    def _birth_date(self, age: int) -> date:
        year = REFERENCE_DATE.year - age - 1
        return date(year, 1, 1) + timedelta(days=self.rng.randint(0, 364))

    def _person(
        self, role: str, age: int, gender: str | None = None, surname: tuple[str, str] | None = None
    ) -> PersonPlan:
        rng = self.rng
        if gender is None:
            gender = rng.choices(["f", "m", "x"], weights=[49, 49, 2])[0]
        pool = FEMALE_NAMES if gender == "f" else MALE_NAMES
        if gender == "x":
            pool = rng.choice((FEMALE_NAMES, MALE_NAMES))
        first = rng.choice(pool)
        initials = f"{first[0]}."
        if age >= 18 and rng.random() < 0.35:
            initials += f"{rng.choice(pool)[0]}."
        infix, name = surname if surname is not None else rng.choice(SURNAMES)
        return PersonPlan(role, gender, first, initials, infix, name, self._birth_date(age))

    def _household_members(self, unit_type: str, years_since_start: int) -> list[PersonPlan]:
        rng = self.rng
        senior = unit_type == "senior-apartment"
        low, high = (67, 90) if senior else (22, 68)
        age = max(rng.randint(low, high), years_since_start + rng.randint(20, 30))
        main = self._person("main-tenant", age)
        persons = [main]
        kind = rng.choices(
            ["single", "couple", "family", "single-parent", "with-parent"],
            weights={
                "senior-apartment": [60, 40, 0, 0, 0],
                "family-house": [10, 20, 50, 18, 2],
            }.get(unit_type, [45, 25, 15, 10, 5]),
        )[0]
        if kind in {"couple", "family"}:
            if main.gender == "x" or rng.random() < 0.1:
                gender = main.gender or "f"
            else:
                gender = "m" if main.gender == "f" else "f"
            same_name = rng.random() < 0.3
            persons.append(
                self._person(
                    rng.choice(["co-tenant", "co-tenant", "partner"]),
                    max(18, age + rng.randint(-5, 5)),
                    gender=gender,
                    surname=(main.infix, main.surname) if same_name else None,
                )
            )
        if kind in {"family", "single-parent"}:
            oldest = min(age - 20, 24)
            for _child in range(rng.randint(1, 3)):
                persons.append(
                    self._person(
                        "child",
                        rng.randint(0, max(oldest, 0)),
                        surname=(main.infix, main.surname),
                    )
                )
        if kind == "with-parent":
            persons.append(self._person("parent", min(age + rng.randint(22, 30), 96)))
        return persons

    def _contact_details(self, household: HouseholdPlan) -> None:
        rng = self.rng
        main = household.main
        local = f"{_ascii(main.first_name)}.{_ascii(main.infix + main.surname)}"
        domain = rng.choice(EMAIL_DOMAINS)
        email, n = f"{local}@{domain}", 1
        while email in self.emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self.emails.add(email)
        phone = ""
        while not phone or phone in self.phones:
            phone = normalize_phone(f"06{rng.choice('12345')}{rng.randint(0, 9_999_999):07d}")
        self.phones.add(phone)
        household.email = email
        household.phone = phone
        household.channel = rng.choices(
            [Channel.EMAIL, Channel.SMS, Channel.WHATSAPP], weights=[70, 15, 15]
        )[0]

    def _household(
        self,
        persons: list[PersonPlan],
        *,
        street: str,
        number: int,
        addition: str,
        postcode: str,
        city: str,
    ) -> HouseholdPlan:
        self.household_seq += 1
        household = HouseholdPlan(
            tenant_number=f"{100000 + self.household_seq * 7}",
            persons=persons,
            street=street,
            number=number,
            addition=addition,
            postcode=normalize_postcode(postcode),
            city=city,
        )
        self._contact_details(household)
        return household

    def _moved_away(self, persons: list[PersonPlan]) -> HouseholdPlan:
        rng = self.rng
        street, city, digits = rng.choice(ELSEWHERE)
        letters = rng.choice(POSTCODE_LETTERS) + rng.choice(POSTCODE_LETTERS)
        return self._household(
            persons,
            street=street,
            number=rng.randint(1, 140),
            addition="",
            postcode=f"{digits}{letters}",
            city=city,
        )

    # -- contracts

    def _contract(
        self, household: HouseholdPlan, unit: UnitPlan, start: date, end: date | None
    ) -> ContractPlan:
        self.contract_seq += 1
        return ContractPlan(
            number=f"{start.year}-{self.contract_seq:05d}",
            tenant_number=household.tenant_number,
            unit_code=unit.code,
            start_date=start,
            end_date=end,
            lines=self._lines(unit),
        )

    def _lines(self, unit: UnitPlan) -> list[tuple[str, Decimal]]:
        rng = self.rng
        if unit.unit_type == "garage":
            return [("net-rent", _amount(rng, 72.50, 95))]
        fund = unit.complex_code == HAVENKWARTIER
        senior = unit.unit_type == "senior-apartment"
        if unit.unit_type == "family-house":
            lines = [("net-rent", _amount(rng, 720, 880))]
        elif fund:
            lines = [
                ("net-rent", _amount(rng, 980, 1150)),
                ("service-costs", _amount(rng, 55, 75)),
                ("cleaning", Decimal("14.50")),
                ("heating-advance", _amount(rng, 65, 95)),
            ]
        else:
            lines = [
                ("net-rent", _amount(rng, 610, 700) if senior else _amount(rng, 560, 720)),
                ("service-costs", _amount(rng, 45, 60) if senior else _amount(rng, 32.5, 45)),
                ("cleaning", Decimal("11.25")),
            ]
        # The owner of Havenkwartier maintains the homes itself: no subscription there.
        if not fund and rng.random() < 0.4:
            lines.append(("tenant-maintenance", Decimal("4.95")))
        if rng.random() < 0.5:
            lines.append(("glass-insurance", Decimal("1.95")))
        return lines

    def tenancies(self, units: list[UnitPlan]) -> tuple[list[HouseholdPlan], list[ContractPlan]]:
        rng = self.rng
        households: list[HouseholdPlan] = []
        contracts: list[ContractPlan] = []
        current: list[tuple[HouseholdPlan, ContractPlan, UnitPlan]] = []
        for unit in units:
            if unit.unit_type == "garage":
                continue
            first_let = max(date(unit.build_year + 1, 1, 1), date(1994, 1, 1))
            if unit.unit_type == "senior-apartment":
                first_let = max(first_let, date(2008, 1, 1))
            history = rng.random() < 0.38
            if history:
                start = _month_start(rng, first_let + timedelta(days=3 * 365), LATEST_START)
                former_start = _month_start(rng, first_let, start - timedelta(days=2 * 365))
                years = (REFERENCE_DATE - former_start).days // 365
                former = self._moved_away(self._household_members(unit.unit_type, years)[:2])
                households.append(former)
                contracts.append(
                    self._contract(former, unit, former_start, start - timedelta(days=1))
                )
            else:
                start = _month_start(rng, first_let, LATEST_START)
            years = (REFERENCE_DATE - start).days // 365
            household = self._household(
                self._household_members(unit.unit_type, years),
                street=unit.street,
                number=unit.number,
                addition=unit.addition,
                postcode=unit.postcode,
                city=unit.city,
            )
            contract = self._contract(household, unit, start, None)
            households.append(household)
            contracts.append(contract)
            current.append((household, contract, unit))
        # Ten of the twelve garages are let to households nearby, most from Parkzicht.
        garages = [unit for unit in units if unit.unit_type == "garage"]
        nearby = [entry for entry in current if entry[2].complex_code == PARKZICHT]
        further = [entry for entry in current if entry[2].complex_code == LINDEHOF]
        renters = rng.sample(nearby, 8) + rng.sample(further, 2)
        for garage, (household, home, _unit) in zip(garages, renters, strict=False):
            start = _month_start(rng, home.start_date, LATEST_START)
            contracts.append(self._contract(household, garage, start, None))
        return households, contracts


def build_plan() -> Plan:
    """Every unit, household and contract of the demo, the same on every call."""
    planner = _Planner()
    units = planner.units()
    boilers = planner.boilers(units)
    households, contracts = planner.tenancies(units)
    return Plan(units=units, households=households, contracts=contracts, boilers=boilers)
