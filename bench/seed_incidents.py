"""Seed a PostgreSQL database with incidents at a chosen scale, fast, for benchmarks.

    DATABASE_URL=postgres://… .venv/bin/python bench/seed_incidents.py --incidents 1000000

The database must be migrated. The demo organization (``seed_demo``) gives
the organization, the staff users and the reference tables; on top of it
this script writes, with PostgreSQL ``COPY`` from Python generators:

- housing stock up to ``--units`` units (default 100,000) in complexes of
  250 units with four building blocks each, a household with a tenant number
  and a tenant contact for nine units in ten;
- ``--incidents`` incidents spread over six years, with Dutch titles,
  descriptions and about three messages each, phases and categories from
  the shipped defaults, handlers among the staff users. Recent incidents are
  mostly open, older ones mostly closed.

``search_text`` is built by ``incident_search_text_build`` itself (the same
function the services call), fed with the generated rows, so the stored text
and its accent folding are exactly what the application would write; the
database's own trigger turns it into the multilingual search vector, with the
incident rows spread over two COPY streams so that work uses both cores.

The incident and message tables lose their secondary indexes and unique and
foreign-key constraints during the load; they are created again afterwards
(with their original definitions, read from the catalogue), then the tables
are analysed and the id sequences set. Text is drawn from a seeded
``random.Random``: the same arguments give the same data.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, models  # noqa: E402
from django.db.models.functions import Mod  # noqa: E402

from meldpunt.accounts.models import StaffRole, User  # noqa: E402
from meldpunt.common.models import new_public_id  # noqa: E402
from meldpunt.demo.seed import seed_demo  # noqa: E402
from meldpunt.incidents import search  # noqa: E402
from meldpunt.incidents.models import (  # noqa: E402
    Category,
    Incident,
    Message,
    Phase,
    SubIncident,
)
from meldpunt.incidents.services import incident_search_text_build  # noqa: E402
from meldpunt.people.models import Contact, Household  # noqa: E402
from meldpunt.properties.models import BuildingBlock, Complex, Unit, UnitType  # noqa: E402

UNITS_PER_COMPLEX = 250
BLOCKS_PER_COMPLEX = 4
YEARS = 6
TENANT_NUMBER_START = 7_000_000  # the demo's own tenant numbers are six digits
# Words that occur in a known share of incidents, for the search benchmarks.
COMMON_WORD = "lekkage"  # in the titles of about one incident in eight
RARE_WORD = "wespennest"  # in one description in 20,000

# ---------------------------------------------------------------- word lists

CITIES = [
    ("Utrecht", "35"), ("Amersfoort", "38"), ("Zeist", "37"), ("Houten", "39"),
    ("Nieuwegein", "34"), ("IJsselstein", "34"), ("Woerden", "34"), ("Veenendaal", "39"),
]  # fmt: skip
STREET_STEMS = [
    "Linden", "Eiken", "Beuken", "Kastanje", "Wilgen", "Populieren", "Berken", "Esdoorn",
    "Meidoorn", "Vlier", "Hazelaar", "Iepen", "Platanen", "Essen", "Elzen", "Acacia",
    "Rozen", "Tulpen", "Narcissen", "Lelie", "Seringen", "Jasmijn", "Hyacinten", "Krokus",
    "Merel", "Lijster", "Spreeuw", "Zwaluw", "Koekoek", "Reiger", "Ooievaar", "Kievit",
    "Rembrandt", "Vermeer", "Mondriaan", "Escher", "Huygens", "Spinoza", "Erasmus", "Vondel",
]  # fmt: skip
STREET_KINDS = ["laan", "straat", "weg", "hof", "plein", "singel", "kade", "dreef"]
FIRST_NAMES = [
    "Anna", "Bram", "Daan", "Emma", "Fleur", "Joost", "Julia", "Lars", "Lotte", "Milan",
    "Noor", "Ruben", "Sanne", "Sem", "Sophie", "Thijs", "Tim", "Yara", "Zoë", "Fatima",
    "Mohammed", "Ayşe", "Björn", "Søren", "Chloé", "René", "Inès", "Jürgen", "Agnieszka",
]  # fmt: skip
SURNAMES = [
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
    "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
    "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
    "de Graaf", "van der Meer", "Yılmaz", "El Amrani", "Kaya", "Nguyen", "Øvergaard",
]  # fmt: skip
PROBLEMS = [
    ("Lekkage", ["badkamer", "keuken", "dak", "toilet", "plafond", "berging"]),
    ("Kapotte kraan", ["keuken", "badkamer", "toilet"]),
    ("Verstopte afvoer", ["douche", "gootsteen", "toilet", "wastafel"]),
    ("Schimmel", ["badkamer", "slaapkamer", "woonkamer"]),
    ("Storing", ["cv-ketel", "mechanische ventilatie", "intercom", "lift", "deurbel"]),
    ("Klemmende deur", ["voordeur", "achterdeur", "balkondeur", "berging"]),
    ("Kapot raam", ["woonkamer", "slaapkamer", "keuken", "trappenhuis"]),
    ("Geen warm water", ["badkamer", "keuken"]),
    ("Loszittende", ["dakgoot", "traptrede", "vensterbank", "tegel"]),
    ("Stroomstoring", ["meterkast", "keuken", "berging"]),
    ("Geluidsoverlast", ["bovenburen", "buren", "trappenhuis"]),
    ("Vochtplek", ["muur", "plafond", "slaapkamer"]),
    ("Ongedierte", ["keuken", "kelder", "tuin"]),
    ("Defecte verlichting", ["galerij", "trappenhuis", "portiek", "parkeergarage"]),
    ("Tocht", ["raam", "voordeur", "schuifpui"]),
]
# (Chance weights: "Lekkage" first so the common word is common.)
PROBLEM_WEIGHTS = [4, 2, 2, 2, 3, 2, 2, 2, 1, 1, 1, 2, 1, 1, 1]
OPENINGS = [
    "Sinds {day} heb ik last van een {thing} in de {room}.",
    "Er is een probleem met de {room}: {thing}.",
    "Graag wil ik melden dat er een {thing} is in de {room}.",
    "Al een paar dagen zien wij een {thing} in de {room}.",
    "Vanochtend ontdekte ik een {thing} bij de {room}.",
]
THINGS = [
    "lekkage", "natte plek", "scheur", "vreemde geur", "druppelende leiding",
    "losse tegel", "kapotte afdichting", "roestplek", "zwarte schimmel", "tikkend geluid",
]  # fmt: skip
DETAILS = [
    "Het wordt elke dag erger.",
    "Het water loopt langs de muur naar beneden.",
    "De buren hebben er ook last van.",
    "Ik heb de hoofdkraan voorlopig dichtgedraaid.",
    "Er staat een emmer onder om het water op te vangen.",
    "De monteur die vorige keer kwam heeft het niet goed opgelost.",
    "Het lijkt te maken te hebben met de regen van afgelopen week.",
    "Mijn kinderen slapen in die kamer, dus het is dringend.",
    "Ik heb foto's gemaakt die ik kan opsturen.",
    "Er zit ook een barst in het plafond.",
]
CLOSINGS = [
    "Kunt u iemand sturen?",
    "Ik ben doordeweeks na vijf uur thuis.",
    "Graag hoor ik wanneer er iemand langs kan komen.",
    "Bel mij gerust als u meer wilt weten.",
    "Alvast bedankt voor de hulp.",
]
DAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "het weekend", "gisteren"]
STAFF_MESSAGES = [
    "Bedankt voor uw melding. Wij hebben een monteur ingepland voor {day}.",
    "Wij hebben uw melding doorgestuurd naar onze vaste aannemer; die neemt contact met u op.",
    "Kunt u een foto sturen van de {room}? Dan kunnen wij beter inschatten wat er nodig is.",
    "De monteur is geweest en heeft de {room} gerepareerd. Is het probleem opgelost?",
    "Wij hebben de onderdelen besteld; de reparatie volgt zodra ze binnen zijn.",
    "Uw melding is afgehandeld. Wij sluiten de melding af.",
]
TENANT_MESSAGES = [
    "Dank u wel, {day} is goed.",
    "Het probleem is helaas nog niet opgelost, de {room} is weer nat.",
    "Hierbij de foto van de {room}.",
    "Ja, alles werkt weer. Bedankt!",
    "Kan de afspraak verzet worden naar {day}?",
    "Ik heb nog niets gehoord, wanneer komt de monteur?",
]
NOTES = [
    "Telefonisch contact gehad met huurder, afspraak bevestigd.",
    "Aannemer gebeld, komt binnen twee werkdagen.",
    "Mogelijk terugkerend probleem, zie eerdere meldingen op dit adres.",
    "Kosten voor rekening huurder besproken.",
]


# ---------------------------------------------------------------- COPY helpers


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


def _column_plan(
    model: type[models.Model], given: tuple[str, ...]
) -> list[tuple[str, Callable[[], Any] | None]]:
    """Every concrete column of ``model``: ``None`` when the row supplies it, or
    how to fill it (the field's default, ``NULL`` or the empty string)."""
    plan: list[tuple[str, Callable[[], Any] | None]] = []
    for field in model._meta.concrete_fields:
        column = str(field.column)
        if field.primary_key and column not in given:
            continue  # the identity column numbers the rows
        if column in given:
            plan.append((column, None))
        elif field.has_default():
            default: Any = field.default
            fill: Callable[[], Any] = default if callable(default) else _constant(default)
            plan.append((column, fill))
        elif field.null:
            plan.append((column, lambda: None))
        elif field.blank and isinstance(field, models.CharField | models.TextField):
            plan.append((column, lambda: ""))
        else:
            raise SystemExit(f"{model.__name__}.{column} has no value in the seed")
    return plan


def copy_rows(model: type[models.Model], rows: Iterable[dict[str, Any]], *, cursor: Any) -> int:
    """``COPY`` ``rows`` (dicts keyed by column) into ``model``'s table; returns the count."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    plan = _column_plan(model, tuple(first))
    columns = ", ".join(connection.ops.quote_name(column) for column, _ in plan)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in _chain(first, iterator):
            copy.write_row([row[c] if fill is None else fill() for c, fill in plan])
            count += 1
    return count


def _chain(first: dict[str, Any], rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rest


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def set_sequence(model: type[models.Model], *, cursor: Any) -> None:
    table = model._meta.db_table
    top = f"SELECT coalesce(max(id), 1) FROM {connection.ops.quote_name(table)}"  # noqa: S608
    cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({top}))", [table])


def drop_secondary(model: type[models.Model], *, cursor: Any) -> tuple[list[str], list[str]]:
    """Drop ``model``'s unique and foreign-key constraints and its other indexes
    (the primary key stays); returns the statements that recreate them."""
    table = model._meta.db_table
    quoted = connection.ops.quote_name(table)
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _definition, _kind in constraints:
        cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    create_indexes = [definition for _name, definition in indexes]
    unique = [
        f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
        for name, definition, kind in constraints
        if kind == "u"
    ]
    foreign = [
        f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
        for name, definition, kind in constraints
        if kind == "f"
    ]
    return unique + create_indexes, foreign


# ---------------------------------------------------------------- housing stock


def seed_stock(
    *, units: int, rng: random.Random, cursor: Any
) -> tuple[list[Unit], dict[int, Household]]:
    """Complexes, building blocks, units, households and tenant contacts up to
    ``units`` units; returns every unit and the household living in each."""
    have = Unit.objects.count()
    wanted = max(0, units - have)
    now = datetime.now(UTC)
    dwelling = UnitType.objects.filter(kind=UnitType.Kind.DWELLING).order_by("pk").first()
    if dwelling is None:
        raise SystemExit("no dwelling unit type: run seed_demo first")
    complexes = -(-wanted // UNITS_PER_COMPLEX)
    complex_id = _next_id(Complex)
    block_id = _next_id(BuildingBlock)
    unit_id = _next_id(Unit)
    household_id = _next_id(Household)
    complex_rows: list[dict[str, Any]] = []
    block_rows: list[dict[str, Any]] = []
    unit_rows: list[dict[str, Any]] = []
    household_rows: list[dict[str, Any]] = []
    contact_rows: list[dict[str, Any]] = []
    new_units: list[Unit] = []
    households: dict[int, Household] = {}
    made = 0
    for number in range(complexes):
        city, postcode_prefix = CITIES[number % len(CITIES)]
        stem = STREET_STEMS[number % len(STREET_STEMS)]
        cid = complex_id + number
        complex_rows.append(
            {"id": cid, "public_id": new_public_id(), "created_at": now, "updated_at": now,
             "code": f"BX{cid:05d}", "name": f"{stem}hof {number // len(STREET_STEMS) + 1}",
             "city": city}
        )  # fmt: skip
        blocks = []
        for block in range(BLOCKS_PER_COMPLEX):
            bid = block_id + number * BLOCKS_PER_COMPLEX + block
            blocks.append(bid)
            block_rows.append(
                {"id": bid, "public_id": new_public_id(), "created_at": now, "updated_at": now,
                 "complex_id": cid, "code": f"{block + 1}", "name": f"Blok {block + 1}"}
            )  # fmt: skip
        for seq in range(min(UNITS_PER_COMPLEX, wanted - made)):
            uid = unit_id + made
            street = f"{stem}{STREET_KINDS[(seq // 60) % len(STREET_KINDS)]}"
            unit = Unit(
                id=uid,
                street=street,
                house_number=seq % 60 + 1,
                house_number_addition="" if seq % 5 else "A",
                postcode=f"{postcode_prefix}{number % 100:02d}"
                f"{chr(65 + seq // 60 % 26)}{chr(65 + number % 26)}",
                city=city,
                code=f"BU{uid:07d}",
            )
            new_units.append(unit)
            unit_rows.append(
                {"id": uid, "public_id": new_public_id(), "created_at": now, "updated_at": now,
                 "street": unit.street, "house_number": unit.house_number,
                 "house_number_addition": unit.house_number_addition,
                 "postcode": unit.postcode, "city": city, "country": "NL", "code": unit.code,
                 "complex_id": cid, "building_block_id": blocks[seq % BLOCKS_PER_COMPLEX],
                 "unit_type_id": dwelling.pk, "rooms": 2 + seq % 4,
                 "floor_area": 45 + seq % 70, "build_year": 1950 + number % 70}
            )  # fmt: skip
            if seq % 10:  # nine in ten units are let
                hid = household_id + len(household_rows)
                first = rng.choice(FIRST_NAMES)
                surname = rng.choice(SURNAMES)
                household = Household(
                    id=hid,
                    name=f"{first} {surname}",
                    tenant_number=str(TENANT_NUMBER_START + hid),
                )
                households[uid] = household
                email = f"huurder{hid}@example.test"
                phone = f"+316{hid % 100_000_000:08d}"
                household_rows.append(
                    {"id": hid, "public_id": new_public_id(), "created_at": now,
                     "updated_at": now, "street": unit.street,
                     "house_number": unit.house_number,
                     "house_number_addition": unit.house_number_addition,
                     "postcode": unit.postcode, "city": city, "country": "NL",
                     "tenant_number": household.tenant_number, "name": household.name,
                     "email": email, "phone": phone}
                )  # fmt: skip
                contact_rows.append(
                    {"public_id": new_public_id(), "created_at": now, "updated_at": now,
                     "kind": "tenant", "name": household.name, "email": email, "phone": phone,
                     "household_id": hid}
                )  # fmt: skip
            made += 1
    copy_rows(Complex, complex_rows, cursor=cursor)
    copy_rows(BuildingBlock, block_rows, cursor=cursor)
    copy_rows(Unit, unit_rows, cursor=cursor)
    copy_rows(Household, household_rows, cursor=cursor)
    copy_rows(Contact, contact_rows, cursor=cursor)
    for model in (Complex, BuildingBlock, Unit, Household, Contact):
        set_sequence(model, cursor=cursor)
    return new_units, households


# ---------------------------------------------------------------- incidents


class _Thread:
    """The bodies of a generated thread, shaped like ``incident.messages`` as far
    as ``incident_search_text_build`` reads it."""

    def __init__(self, bodies: list[str]) -> None:
        self.bodies = bodies

    def order_by(self, *_fields: str) -> _Thread:
        return self

    def values_list(self, *_fields: str, flat: bool = False) -> list[str]:
        return self.bodies


class _Draft:
    """A generated incident as ``incident_search_text_build`` reads it."""

    __slots__ = ("common_area", "contact_name", "description", "household", "messages",
                 "title", "unit")  # fmt: skip

    def __init__(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self, name, value)


def _sentence(template: str, rng: random.Random, room: str) -> str:
    return template.format(day=rng.choice(DAYS), room=room, thing=rng.choice(THINGS))


def references() -> tuple[list[Phase], list[int], list[tuple[int, str, str]]]:
    """Phases, category ids and staff users (id, first name, last name)."""
    phases = list(Phase.objects.all())
    categories = list(Category.objects.order_by("ordering").values_list("pk", flat=True))
    staff = list(
        User.objects.filter(role__in=StaffRole.values, is_active=True)
        .order_by("pk")
        .values_list("pk", "first_name", "last_name")
    )
    return phases, categories, staff


def incident_rows(
    *,
    count: int,
    first_id: int,
    first_message_id: int,
    units: list[Unit],
    households: dict[int, Household],
    rng: random.Random,
    refs: tuple[list[Phase], list[int], list[tuple[int, str, str]]],
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """One (incident, its messages) pair at a time, oldest first.

    Reads nothing from the database: the loop runs while the connections are busy
    with ``COPY``; ``references()`` gives what it needs beforehand."""
    phases, categories, staff = refs
    open_phases = [p.pk for p in phases if not p.is_closed]
    closed_phases = [p.pk for p in phases if p.is_closed]
    closed_ids = {p.pk for p in phases if p.is_closed}
    initial = next(p.pk for p in phases if p.is_initial)
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=365 * YEARS)
    step = (now - start) / max(count, 1)
    message_id = first_message_id
    kinds = ["contact_tenant"] * 12 + ["on_behalf"] * 5 + ["internal"] * 2 + ["archive"]
    sources = ["public_form", "portal", "email", "phone", "backoffice", "wizard"]
    for index in range(count):
        pk = first_id + index
        created = start + step * index + timedelta(seconds=rng.random() * 30)
        problem, rooms = rng.choices(PROBLEMS, PROBLEM_WEIGHTS)[0]
        room = rng.choice(rooms)
        title = f"{problem} {room}"
        sentences = [_sentence(rng.choice(OPENINGS), rng, room)]
        sentences += rng.sample(DETAILS, rng.randint(1, 3))
        sentences.append(rng.choice(CLOSINGS))
        if rng.random() < 1 / 20_000:
            sentences.insert(1, f"Er zit ook een {RARE_WORD} onder de dakrand.")
        description = " ".join(sentences)
        kind = rng.choice(kinds)
        unit = household = None
        if kind != "internal" or rng.random() < 0.5:
            unit = units[rng.randrange(len(units))]
            household = households.get(unit.pk) if kind != "internal" else None
        age = now - created
        if age < timedelta(days=45):
            phase = initial if age < timedelta(days=3) else rng.choice(open_phases)
        else:
            phase = rng.choice(open_phases) if rng.random() < 0.08 else rng.choice(closed_phases)
        is_open = phase not in closed_ids
        handler = None if phase == initial else rng.choice(staff)
        tenant_name = household.name if household else ""
        bodies: list[dict[str, Any]] = []
        moment = created
        for _n in range(rng.choice((1, 2, 3, 3, 4, 5))):
            moment += timedelta(hours=rng.uniform(1, 72))
            roll = rng.random()
            if roll < 0.2 and handler is not None:
                body, via, vis, kind_, tenant = (
                    rng.choice(NOTES),
                    "backoffice",
                    "internal",
                    "note",
                    False,
                )
            elif roll < 0.6 or household is None:
                body = _sentence(rng.choice(STAFF_MESSAGES), rng, room)
                via, vis, kind_, tenant = "backoffice", "external", "message", False
            else:
                body = _sentence(rng.choice(TENANT_MESSAGES), rng, room)
                via, vis, kind_, tenant = rng.choice(("email", "link")), "external", "message", True
            author = handler or staff[0]
            bodies.append(
                {"id": message_id, "public_id": new_public_id(), "created_at": moment,
                 "updated_at": moment, "incident_id": pk, "kind": kind_, "visibility": vis,
                 "via": via, "author_id": None if tenant else author[0],
                 "author_name": tenant_name if tenant else f"{author[1]} {author[2]}",
                 "from_tenant": tenant, "body": body}
            )  # fmt: skip
            message_id += 1
        draft = _Draft(
            title=title,
            description=description,
            contact_name=tenant_name,
            unit=unit,
            household=household,
            common_area=None,
            messages=_Thread([row["body"] for row in bodies]),
        )
        row = {
            "id": pk, "public_id": new_public_id(), "created_at": created,
            "updated_at": moment, "kind": kind,
            "source": rng.choice(sources) if kind != "internal" else "backoffice",
            "title": title, "description": description,
            "category_id": rng.choice(categories) if categories and rng.random() < 0.95 else None,
            "phase_id": phase, "is_open": is_open,
            "closed_at": None if is_open else moment,
            "relevant_on": created.date() if kind == "archive" else None,
            "household_id": household.pk if household else None,
            "unit_id": unit.pk if unit else None,
            "contact_name": tenant_name,
            "contact_email": f"huurder{household.pk}@example.test" if household else "",
            "contact_language": "nl",
            "handler_id": handler[0] if handler else None,
            "responsible_id": handler[0] if handler and rng.random() < 0.3 else None,
            "created_by_id": staff[pk % len(staff)][0] if kind != "contact_tenant" else None,
            "last_activity_at": moment,
            "search_text": incident_search_text_build(incident=draft),  # type: ignore[arg-type]
        }  # fmt: skip
        yield row, bodies


def seed_incidents(
    *, count: int, units: list[Unit], households: dict[int, Household], rng: random.Random
) -> tuple[int, int, float]:
    """Load ``count`` incidents and their messages; returns (incidents, messages, seconds
    spent recreating indexes and constraints)."""
    first_id = _next_id(Incident)
    first_message_id = _next_id(Message)
    pairs = incident_rows(
        count=count,
        first_id=first_id,
        first_message_id=first_message_id,
        units=units,
        households=households,
        rng=rng,
        refs=references(),
    )
    messages_written = 0
    with connection.cursor() as cursor:
        raw = cursor.connection  # the psycopg connection behind Django's
        create_incident, foreign_incident = drop_secondary(Incident, cursor=cursor)
        create_message, foreign_message = drop_secondary(Message, cursor=cursor)
    # Three COPY streams at once: the messages on one connection, the incidents
    # alternately on two more. Each incident row costs the server its search
    # vector (four text-search configurations, computed by the trigger of
    # migration incidents/0007), so two incident streams keep both cores busy
    # while this process generates the rows.
    params = connection.get_connection_params()
    second = connection.get_new_connection(params)
    third = connection.get_new_connection(params)
    try:
        with raw.cursor() as cursor, second.cursor() as message_cursor, third.cursor() as other:
            written = 0
            with (
                cursor.copy(_copy_sql(Incident, _INCIDENT_COLUMNS)) as incidents_copy,
                other.copy(_copy_sql(Incident, _INCIDENT_COLUMNS)) as incidents_copy_other,
                message_cursor.copy(_copy_sql(Message, _MESSAGE_COLUMNS)) as messages_copy,
            ):
                streams = (incidents_copy, incidents_copy_other)
                incident_plan = _column_plan(Incident, _INCIDENT_COLUMNS)
                message_plan = _column_plan(Message, _MESSAGE_COLUMNS)
                for row, bodies in pairs:
                    streams[written % 2].write_row(
                        [row[c] if fill is None else fill() for c, fill in incident_plan]
                    )
                    for body in bodies:
                        messages_copy.write_row(
                            [body[c] if fill is None else fill() for c, fill in message_plan]
                        )
                    messages_written += len(bodies)
                    written += 1
                    if written % 100_000 == 0:
                        print(f"  {written:,} incidents", file=sys.stderr, flush=True)
        # Messages point at incidents, but their foreign key is created only
        # afterwards, so the commit order does not matter.
        second.commit()
        third.commit()
        raw.commit()
    finally:
        second.close()
        third.close()
    started = time.perf_counter()
    statements = create_incident + create_message + foreign_incident + foreign_message
    # GIN builds use one core in PostgreSQL 15: build it beside the others.
    gin = [statement for statement in statements if " USING gin " in statement]
    side = threading.Thread(target=_run_on_new_connection, args=(gin,))
    side.start()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for statement in statements:
            if statement not in gin:
                cursor.execute(statement)
    side.join()
    with connection.cursor() as cursor:
        set_sequence(Incident, cursor=cursor)
        set_sequence(Message, cursor=cursor)
        for model in (Incident, Message, Unit, Household, Contact):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return count, messages_written, time.perf_counter() - started


def _run_on_new_connection(statements: list[str]) -> None:
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for statement in statements:
                cursor.execute(statement)
        other.commit()
    finally:
        other.close()


_INCIDENT_COLUMNS = (
    "id", "public_id", "created_at", "updated_at", "kind", "source", "title", "description",
    "category_id", "phase_id", "is_open", "closed_at", "relevant_on", "household_id",
    "unit_id", "contact_name", "contact_email", "contact_language", "handler_id",
    "responsible_id", "created_by_id", "last_activity_at", "search_text",
)  # fmt: skip
_MESSAGE_COLUMNS = (
    "id", "public_id", "created_at", "updated_at", "incident_id", "kind", "visibility", "via",
    "author_id", "author_name", "from_tenant", "body",
)  # fmt: skip


def _copy_sql(model: type[models.Model], given: tuple[str, ...]) -> str:
    plan = _column_plan(model, given)
    columns = ", ".join(connection.ops.quote_name(column) for column, _ in plan)
    return f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"


def verify_search_text(sample: int = 25) -> int:
    """How many of ``sample`` seeded incidents hold a ``search_text`` different from
    what the services would rebuild now (should be 0)."""
    wrong = 0
    ids = list(Incident.objects.order_by("?").values_list("pk", flat=True)[:sample])
    for incident in Incident.objects.filter(pk__in=ids).select_related(
        "unit", "household", "common_area"
    ):
        if incident.search_text != incident_search_text_build(incident=incident):
            wrong += 1
    return wrong


def remember_folds() -> None:
    """Memoise ``search.fold`` in this process: generated titles, message bodies,
    names and addresses repeat, and folding is a pure function of its text, so
    the stored text stays exactly what the services write."""
    search.fold = functools.lru_cache(maxsize=500_000)(search.fold)


def seed_work_orders(*, share: int, rng: random.Random) -> int:
    """A work order (sub-incident 1) on one incident in ``share``, for a demo supplier,
    with statuses as a busy desk has them: recent ones waiting or accepted, older
    ones completed. Written with ``COPY``; returns how many."""
    suppliers = list(
        Contact.objects.filter(kind=Contact.Kind.SUPPLIER).values_list("pk", flat=True)
    )
    staff = list(User.objects.filter(is_active=True).values_list("pk", flat=True))
    initial = Phase.objects.filter(is_initial=True).values_list("pk", flat=True).first()
    closed = Phase.objects.filter(is_closed=True).order_by("ordering").values_list("pk", flat=True)
    if not suppliers or initial is None:
        return 0
    now = datetime.now(UTC)
    incidents = Incident.objects.alias(slot=Mod("id", share)).filter(
        slot=0, sub_incidents__isnull=True
    )
    rows = []
    for pk, title, created, is_open in incidents.values_list(
        "pk", "title", "created_at", "is_open"
    ).iterator(chunk_size=20_000):
        sent = created + timedelta(hours=rng.uniform(1, 48))
        recent = now - sent < timedelta(days=30)
        status = (
            rng.choice(["sent", "accepted", "accepted"])
            if recent and is_open
            else rng.choice(["completed"] * 8 + ["rejected", "cancelled"])
        )
        done = status in ("completed", "rejected", "cancelled")
        rows.append(
            {
                "public_id": new_public_id(),
                "created_at": sent,
                "updated_at": sent,
                "incident_id": pk,
                "sequence": 1,
                "kind": "external",
                "status": status,
                "phase_id": (closed[0] if done and closed else initial),
                "is_open": not done,
                "closed_at": sent + timedelta(days=5) if done else None,
                "title": title,
                "contact_id": rng.choice(suppliers),
                "responsible_id": rng.choice(staff),
                "planned_on": (sent + timedelta(days=rng.randint(1, 14))).date(),
                "reminders_on": True,
                "reminders_sent": 0,
                "sent_at": sent,
                "accepted_at": sent + timedelta(hours=3) if status != "sent" else None,
                "completed_at": sent + timedelta(days=5) if status == "completed" else None,
                "last_activity_at": sent,
            }
        )
    with connection.cursor() as cursor:
        made = copy_rows(SubIncident, rows, cursor=cursor.cursor)
        set_sequence(SubIncident, cursor=cursor)
        cursor.execute(f"ANALYZE {connection.ops.quote_name(SubIncident._meta.db_table)}")
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("seed_incidents needs PostgreSQL (DATABASE_URL)")
    remember_folds()
    rng = random.Random(args.seed)
    timings: list[tuple[str, float]] = []
    started = time.perf_counter()
    seed_demo()
    timings.append(("demo organization and staff", time.perf_counter() - started))

    mark = time.perf_counter()
    with connection.cursor() as cursor:
        units, households = seed_stock(units=args.units, rng=rng, cursor=cursor.cursor)
    timings.append((f"housing stock ({Unit.objects.count():,} units)", time.perf_counter() - mark))

    mark = time.perf_counter()
    made, messages_made, index_seconds = seed_incidents(
        count=args.incidents, units=units, households=households, rng=rng
    )
    load = time.perf_counter() - mark - index_seconds
    timings.append((f"{made:,} incidents, {messages_made:,} messages (COPY)", load))
    timings.append(("indexes, constraints, ANALYZE", index_seconds))
    mark = time.perf_counter()
    orders = seed_work_orders(share=10, rng=rng)
    timings.append((f"{orders:,} work orders (COPY)", time.perf_counter() - mark))
    wrong = verify_search_text()
    for label, seconds in timings:
        print(f"  {seconds:7.1f} s  {label}")
    print(f"  {time.perf_counter() - started:7.1f} s  total")
    if wrong:
        print(f"search_text differs from the services' for {wrong} sampled incidents")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
