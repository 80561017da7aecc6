"""Demo incidents: some forty cases of every kind, in every phase, with a short
thread each, so the incident list, its filters and search have something real
to show.

Incidents are created through ``incident_create`` (validated, audited, the
tenant told as the kind says: the demo outbox shows those messages). Their
later life — phase, handler, replies — is written directly, because the demo
needs a history, not a replay of it. The choice of tenants and the texts are
fixed; only the ages are counted back from today so the list looks alive.
A second run adds nothing once any incident exists.

A few incidents get sub-incidents, made through the sub-incident services as
staff and suppliers would: a work order waiting for acceptance, an accepted
one with a planned date, a permission request to an owner and an internal
assignment. They are added once, also to a demo whose incidents exist already.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from meldpunt.accounts.models import User
from meldpunt.common.actors import Actor
from meldpunt.common.models import AccessLink
from meldpunt.incidents.models import Category, Incident, Message, Phase, SubIncident
from meldpunt.incidents.services import incident_create, incident_search_text_refresh
from meldpunt.incidents.sub_incident_party import (
    work_order_accept,
    work_order_plan,
)
from meldpunt.incidents.sub_incidents import (
    PARTY_LINK_PURPOSE,
    SubIncidentDraft,
    party_actor,
    sub_incident_create,
)
from meldpunt.people.models import Contact
from meldpunt.tenancy.models import Contract

SEED = 20260105


@dataclass(frozen=True, slots=True)
class Scenario:
    category: str  # English name of a shipped category
    kind: str
    title: str
    description: str
    phase: str
    handler: str | None  # demo staff username
    responsible: str | None
    days_ago: int
    thread: tuple[tuple[str, str, str], ...] = ()  # (tenant|staff, internal|external, text)


T, S, EXT, INT = "tenant", "staff", "external", "internal"
ON_BEHALF = Incident.Kind.ON_BEHALF
CONTACT = Incident.Kind.CONTACT_TENANT
INTERNAL = Incident.Kind.INTERNAL
ARCHIVE = Incident.Kind.ARCHIVE

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "Repair",
        ON_BEHALF,
        "Lekkage onder het aanrecht",
        "Huurder belde: water onder het aanrecht, de sifon lijkt los te zitten.",
        "in_progress",
        "medewerker",
        "opzichter",
        3,
        (
            (S, INT, "Loodgieter gevraagd om morgen langs te gaan."),
            (T, EXT, "Ik ben morgen de hele dag thuis."),
        ),
    ),
    Scenario(
        "Repair",
        ON_BEHALF,
        "Cv-ketel geeft storing F28",
        "Geen warm water en de verwarming blijft koud. Storingscode F28 op het display.",
        "waiting_supplier",
        "opzichter",
        "opzichter",
        1,
        ((S, EXT, "De monteur van de ketel komt vandaag tussen 12 en 16 uur."),),
    ),
    Scenario(
        "Repair",
        ON_BEHALF,
        "Voordeur sluit niet goed",
        "De voordeur klemt en het slot gaat lastig dicht sinds de storm.",
        "new",
        None,
        "medewerker",
        0,
    ),
    Scenario(
        "Repair",
        CONTACT,
        "Afspraak voor vervangen keukenkraan",
        "Wij willen graag een afspraak maken om uw keukenkraan te vervangen. "
        "Welke dag past u volgende week?",
        "waiting_tenant",
        "kcc",
        "kcc",
        6,
        (
            (T, EXT, "Dinsdagochtend komt goed uit."),
            (S, INT, "Dinsdag staat de monteur al vol, woensdag voorstellen."),
        ),
    ),
    Scenario(
        "Repair",
        ON_BEHALF,
        "Mechanische ventilatie maakt veel lawaai",
        "De ventilatiebox op zolder bromt hard, vooral 's nachts.",
        "resolved",
        "opzichter",
        "opzichter",
        21,
        (
            (S, EXT, "De ventilatiebox is vervangen. Laat u weten als het geluid terugkomt?"),
            (T, EXT, "Het is weer stil, dank u wel!"),
        ),
    ),
    Scenario(
        "Repair",
        ON_BEHALF,
        "Schimmel in de badkamer",
        "Zwarte plekken op het plafond van de badkamer, ondanks ventileren.",
        "in_progress",
        "woonconsulent",
        "woonconsulent",
        9,
        ((S, INT, "Vochtmeting laten doen; mogelijk lekkage van de bovenburen."),),
    ),
    Scenario(
        "Maintenance at your own cost",
        ON_BEHALF,
        "Verstopte gootsteen",
        "Huurder vraagt of wij de verstopte gootsteen kunnen ontstoppen.",
        "closed",
        "kcc",
        "kcc",
        35,
        (
            (
                S,
                EXT,
                "Ontstoppen valt onder huurdersonderhoud. U heeft een "
                "onderhoudsabonnement, dus de kosten zijn voor ons.",
            ),
        ),
    ),
    Scenario(
        "Nuisance",
        ON_BEHALF,
        "Geluidsoverlast bovenburen",
        "Elke nacht harde muziek tot na 02:00 uur. Huurder heeft de buren al aangesproken.",
        "in_progress",
        "woonconsulent",
        "woonconsulent",
        12,
        (
            (S, INT, "Buren schriftelijk uitgenodigd voor een gesprek."),
            (T, EXT, "Afgelopen weekend was het weer raak."),
        ),
    ),
    Scenario(
        "Nuisance",
        INTERNAL,
        "Vuilniszakken naast de container",
        "Bij de ingang van blok B staan steeds vuilniszakken naast de container.",
        "new",
        None,
        "woonconsulent",
        2,
    ),
    Scenario(
        "Nuisance",
        ON_BEHALF,
        "Hondenpoep in de gemeenschappelijke tuin",
        "Meerdere bewoners klagen over hondenpoep in de binnentuin.",
        "waiting_tenant",
        "woonconsulent",
        "woonconsulent",
        15,
        ((S, EXT, "Weet u welke hond het is? Dan kunnen wij de eigenaar aanspreken."),),
    ),
    Scenario(
        "Warranty",
        ON_BEHALF,
        "Scheur in de nieuwe tegelvloer",
        "Drie maanden na oplevering zit er een scheur in de badkamervloer.",
        "waiting_supplier",
        "opzichter",
        "opzichter",
        18,
        ((S, INT, "Gemeld bij de aannemer onder de garantieregeling."),),
    ),
    Scenario(
        "Warranty",
        ON_BEHALF,
        "Kozijn lekt bij regen",
        "Na de renovatie komt er bij harde regen water langs het slaapkamerkozijn.",
        "new",
        None,
        "opzichter",
        1,
    ),
    Scenario(
        "Rent and payments",
        CONTACT,
        "Vraag over de jaarlijkse huurverhoging",
        "U vroeg hoe de huurverhoging per 1 juli is berekend. In de bijlage vindt u de "
        "uitleg; belt u gerust als iets niet duidelijk is.",
        "resolved",
        "kcc",
        "kcc",
        27,
        ((T, EXT, "Duidelijk, bedankt voor de uitleg."),),
    ),
    Scenario(
        "Rent and payments",
        ON_BEHALF,
        "Betalingsregeling aangevraagd",
        "Huurder heeft twee maanden achterstand en vraagt een regeling.",
        "in_progress",
        "kcc",
        "woonconsulent",
        5,
        ((S, INT, "Voorstel: zes termijnen naast de lopende huur."),),
    ),
    Scenario(
        "Living environment",
        INTERNAL,
        "Lamp in het trappenhuis kapot",
        "Bij de schouw gezien: de verlichting op de tweede verdieping brandt niet.",
        "in_progress",
        "opzichter",
        "opzichter",
        4,
        ((S, INT, "Elektricien ingepland voor donderdag."),),
    ),
    Scenario(
        "Living environment",
        ON_BEHALF,
        "Lift staat stil",
        "De lift in het gebouw staat sinds vanochtend stil tussen de derde en vierde verdieping.",
        "waiting_supplier",
        "opzichter",
        "opzichter",
        0,
        ((S, EXT, "De liftmonteur is onderweg. Wij houden u op de hoogte."),),
    ),
    Scenario(
        "Living environment",
        ON_BEHALF,
        "Fietsenstalling niet op slot",
        "Het slot van de fietsenstalling is kapot; er zijn al twee fietsen gestolen.",
        "closed",
        "medewerker",
        "medewerker",
        48,
        ((S, EXT, "Het slot is vervangen. U kunt uw pas weer gebruiken."),),
    ),
    Scenario(
        "Other",
        CONTACT,
        "Uw nieuwe naambordje ligt klaar",
        "Het naambordje voor de brievenbus ligt klaar op ons kantoor.",
        "resolved",
        "kcc",
        "kcc",
        11,
    ),
    Scenario(
        "Repair",
        ARCHIVE,
        "Waterschade na storm (afgehandeld per telefoon)",
        "Vastgelegd voor het dossier: dakgoot losgeslagen, door de aannemer hersteld.",
        "resolved",
        "opzichter",
        "opzichter",
        60,
    ),
    Scenario(
        "Other",
        ARCHIVE,
        "Sleuteloverdracht bij verhuizing",
        "Vastgelegd: sleutels en pasjes ingeleverd bij de eindinspectie.",
        "resolved",
        "woonconsulent",
        "woonconsulent",
        90,
    ),
)


def _staff() -> dict[str, User]:
    return {user.username: user for user in User.objects.exclude(role="")}


def _tenancies(count: int) -> list[Contract]:
    today = timezone.localdate()
    running = list(
        Contract.objects.running_on(today)
        .filter(unit__unit_type__kind="dwelling")
        .select_related("household", "unit")
        .order_by("number")
    )
    return random.Random(SEED).sample(running, min(count, len(running)))


def seed_incidents() -> int:
    """Create the demo incidents unless any incident exists; returns how many were made."""
    if Incident.objects.exists():
        seed_sub_incidents()
        return 0
    staff = _staff()
    categories = {category.name_en: category for category in Category.objects.all()}
    phases = {phase.code: phase for phase in Phase.objects.all()}
    tenancies = _tenancies(len(SCENARIOS) * 2)
    if not tenancies or "kcc" not in staff:
        return 0
    now = timezone.now()
    made = 0
    for index, contract in enumerate(tenancies):
        scenario = SCENARIOS[index % len(SCENARIOS)]
        days_ago = scenario.days_ago + (index // len(SCENARIOS)) * 40
        created_at = now - timedelta(days=days_ago, hours=(index * 5) % 9, minutes=index * 7 % 60)
        household = contract.household
        creator = staff.get(scenario.responsible or "kcc") or staff["kcc"]
        incident = incident_create(
            actor=Actor.staff(creator),
            kind=scenario.kind,
            title=scenario.title,
            description=scenario.description,
            category=categories.get(scenario.category),
            household=household,
            unit=contract.unit,
            common_area=None,
            installation=None,
            contact_name=household.name,
            contact_email=household.email,
            contact_phone=household.phone,
            contact_language="nl",
            responsible=staff.get(scenario.responsible or ""),
            relevant_on=created_at.date() if scenario.kind == ARCHIVE else None,
            source=Incident.Source.PHONE,
        )
        last = created_at
        for position, (who, visibility, text) in enumerate(scenario.thread, start=1):
            last = created_at + timedelta(hours=position * 7)
            author = staff.get(scenario.handler or "") if who == S else None
            message = Message.objects.create(
                incident=incident,
                visibility=visibility,
                via=Message.Via.BACKOFFICE if who == S else Message.Via.LINK,
                author=author,
                author_name=household.name if who == T else "",
                from_tenant=who == T,
                body=text,
            )
            Message.objects.filter(pk=message.pk).update(created_at=min(last, now))
        phase = phases.get(scenario.phase) or incident.phase
        Incident.objects.filter(pk=incident.pk).update(
            created_at=created_at,
            last_activity_at=min(last, now),
            phase=phase,
            is_open=not phase.is_closed,
            closed_at=min(last, now) if phase.is_closed else None,
            handler=staff.get(scenario.handler or ""),
        )
        Message.objects.filter(incident=incident, created_at__gt=now - timedelta(minutes=5)).filter(
            author=creator, from_tenant=False, body=scenario.description
        ).update(created_at=created_at)
        incident_search_text_refresh(incident=incident)
        made += 1
    seed_sub_incidents()
    return made


def _first_incident(title: str) -> Incident | None:
    return (
        Incident.objects.select_related("unit", "unit__owner")
        .filter(title=title, is_open=True)
        .order_by("pk")
        .first()
    )


def _supplier(trade: str) -> Contact | None:
    return Contact.objects.filter(kind=Contact.Kind.SUPPLIER, trade=trade).order_by("pk").first()


def _as_supplier(order: SubIncident) -> Actor | None:
    """Act as the supplier through the link they were sent."""
    link = AccessLink.objects.filter(
        purpose=PARTY_LINK_PURPOSE, object_id=order.public_id, revoked_at__isnull=True
    ).first()
    return party_actor(link) if link is not None else None


def seed_sub_incidents() -> int:
    """Add the demo sub-incidents unless any exists; returns how many were made."""
    if SubIncident.objects.exists():
        return 0
    staff = _staff()
    if "kcc" not in staff:
        return 0
    today = timezone.localdate()
    made = 0

    leak = _first_incident("Lekkage onder het aanrecht")
    plumber = _supplier(Contact.Trade.PLUMBER)
    if leak is not None and plumber is not None:
        sub_incident_create(
            actor=Actor.staff(staff.get("medewerker") or staff["kcc"]),
            incident=leak,
            draft=SubIncidentDraft(
                kind=SubIncident.Kind.EXTERNAL,
                title="Sifon onder het aanrecht vastzetten",
                description=leak.description,
                instructions="Sifon controleren en zo nodig vervangen.",
                access_instructions="Huurder is de hele dag thuis; aanbellen bij 1 hoog.",
                contact=plumber,
                responsible=staff.get("opzichter"),
                cost_limit=Decimal("250.00"),
            ),
        )
        made += 1

    boiler = _first_incident("Cv-ketel geeft storing F28")
    heating = _supplier(Contact.Trade.HEATING) or plumber
    if boiler is not None and heating is not None:
        order = sub_incident_create(
            actor=Actor.staff(staff.get("opzichter") or staff["kcc"]),
            incident=boiler,
            draft=SubIncidentDraft(
                kind=SubIncident.Kind.EXTERNAL,
                title="Storing F28 cv-ketel verhelpen",
                description=boiler.description,
                contact=heating,
                responsible=staff.get("opzichter"),
                planned_on=today + timedelta(days=2),
                cost_limit=Decimal("400.00"),
            ),
        )
        supplier = _as_supplier(order)
        if supplier is not None:
            work_order_accept(actor=supplier, sub_incident=order)
            work_order_plan(
                actor=supplier, sub_incident=order, planned_on=today + timedelta(days=3)
            )
        made += 1

    window = _first_incident("Kozijn lekt bij regen")
    owner = (window.unit.owner if window is not None and window.unit else None) or (
        Contact.objects.filter(kind=Contact.Kind.OWNER).order_by("pk").first()
    )
    if window is not None and owner is not None:
        sub_incident_create(
            actor=Actor.staff(staff.get("opzichter") or staff["kcc"]),
            incident=window,
            draft=SubIncidentDraft(
                kind=SubIncident.Kind.OWNER,
                title="Toestemming vervangen slaapkamerkozijn",
                description=window.description,
                contact=owner,
                responsible=staff.get("opzichter"),
                permission_question=(
                    "Het kozijn van de slaapkamer lekt en is niet meer te herstellen. "
                    "Geeft u toestemming om het te vervangen? De kosten schatten wij op € 1.450."
                ),
            ),
        )
        made += 1

    mould = _first_incident("Schimmel in de badkamer")
    inspector = staff.get("opzichter")
    if mould is not None and inspector is not None:
        sub_incident_create(
            actor=Actor.staff(staff.get("woonconsulent") or staff["kcc"]),
            incident=mould,
            draft=SubIncidentDraft(
                kind=SubIncident.Kind.INTERNAL,
                title="Vochtmeting badkamer",
                description="Vocht meten in de badkamer en bij de bovenburen kijken.",
                assignee=inspector,
                responsible=staff.get("woonconsulent"),
                planned_on=today + timedelta(days=1),
            ),
        )
        made += 1
    return made
