"""Reads of incidents for staff: the list with its filters, search and keyset
pagination (SPEC INC-1), one incident, earlier incidents of a unit or tenant
(INC-3), the lookups of the create form, categories, phases and saved views.

Only staff see incidents; for anyone else every selector finds nothing, so a
foreign or unknown id is "not found".
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.http import Http404
from django.utils import timezone

from meldpunt.accounts.models import StaffRole, User
from meldpunt.common.actors import Actor
from meldpunt.common.pagination import Page
from meldpunt.incidents.models import Category, Incident, Phase, SavedView, SubIncident
from meldpunt.incidents.search import incident_number, text_condition
from meldpunt.people.models import Contact, Household, Person
from meldpunt.properties.models import CommonArea, Complex, Installation, Unit
from meldpunt.tenancy.models import Contract

PAGE_SIZE = 50
HISTORY_LIMIT = 10
LOOKUP_LIMIT = 6
PUBLIC_ID_MAX_LENGTH = 24


class Status:
    OPEN = "open"
    CLOSED = "closed"
    ALL = "all"
    VALUES = (OPEN, CLOSED, ALL)


class Sort:
    NEWEST = "newest"
    OLDEST = "oldest"
    ACTIVITY = "activity"
    VALUES = (NEWEST, OLDEST, ACTIVITY)


# sort → (column, descending)
_SORT_KEYS: dict[str, tuple[str, bool]] = {
    Sort.NEWEST: ("created_at", True),
    Sort.OLDEST: ("created_at", False),
    Sort.ACTIVITY: ("last_activity_at", True),
}


@dataclass(frozen=True, slots=True)
class IncidentFilters:
    """What the list is narrowed to; ids are primary keys resolved from the URL."""

    q: str = ""
    status: str = Status.OPEN
    phase: int | None = None
    category: int | None = None
    handler: int | None = None
    responsible: int | None = None
    complex: int | None = None
    unit: int | None = None
    household: int | None = None
    supplier: int | None = None
    created_from: date | None = None
    created_to: date | None = None
    mine: bool = False
    unassigned: bool = False


def incidents_visible(*, actor: Actor) -> QuerySet[Incident]:
    if not actor.is_staff:
        return Incident.objects.none()
    return Incident.objects.all()


def _is_plausible_public_id(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= PUBLIC_ID_MAX_LENGTH


# ---------------------------------------------------------------- staff on incident rows

# The people on an incident (handler, responsible, creator) come with the row as
# one small subquery each, not as joins: with six or more joined tables
# PostgreSQL spends 8-20 ms choosing a join order, many times what the query
# then takes to run, on every list and incident page. A subquery is planned on
# its own in a fraction of a millisecond and reads one user by primary key.
_PERSON_PREFIX = "_person_"
_PERSON_FIELDS = (
    "id", "username", "first_name", "last_name", "email", "is_active", "is_staff",
    "is_superuser", "role", "phone", "language",
)  # fmt: skip


def _with_people(incidents: QuerySet[Incident], *names: str) -> QuerySet[Incident]:
    """Annotate each user foreign key in ``names`` as a JSON row (``_people_attached``
    turns it back into a user)."""
    row = JSONObject(**{name: name for name in _PERSON_FIELDS})
    return incidents.annotate(
        **{
            f"{_PERSON_PREFIX}{name}": Subquery(
                User.objects.filter(pk=OuterRef(f"{name}_id")).values(row=row)[:1]
            )
            for name in names
        }
    )


def _people_attached(rows: list[Incident], *names: str) -> list[Incident]:
    """Put the users read by ``_with_people`` in place, so ``incident.handler`` and
    the like need no query. Fields left out of the JSON row (the password, dates)
    load on first use, as deferred fields do."""
    columns = [field.attname for field in User._meta.concrete_fields]
    for row in rows:
        for name in names:
            data = row.__dict__.pop(f"{_PERSON_PREFIX}{name}", None)
            if not isinstance(data, dict):
                continue
            loaded = [column for column in columns if column in data]
            person = User.from_db(row._state.db, loaded, [data[column] for column in loaded])
            Incident._meta.get_field(name).set_cached_value(row, person)  # type: ignore[union-attr]
    return rows


# ---------------------------------------------------------------- the list


def _encode_cursor(value: datetime, pk: int) -> str:
    raw = json.dumps([value.isoformat(), pk], separators=(",", ":")).encode()
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


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(actor: Actor, filters: IncidentFilters) -> QuerySet[Incident]:
    incidents = incidents_visible(actor=actor)
    if filters.status == Status.OPEN:
        incidents = incidents.filter(is_open=True)
    elif filters.status == Status.CLOSED:
        incidents = incidents.filter(is_open=False)
    exact: dict[str, Any] = {
        "phase_id": filters.phase,
        "category_id": filters.category,
        "handler_id": filters.handler,
        "responsible_id": filters.responsible,
        "unit_id": filters.unit,
        "household_id": filters.household,
    }
    incidents = incidents.filter(**{key: value for key, value in exact.items() if value})
    if filters.complex:
        incidents = incidents.filter(
            Q(unit__complex_id=filters.complex) | Q(common_area__complex_id=filters.complex)
        )
    if filters.supplier:
        # Incidents with a work order for this supplier (served by subincident_contact_idx).
        orders = SubIncident.objects.filter(incident=OuterRef("pk"), contact_id=filters.supplier)
        incidents = incidents.filter(Exists(orders))
    if filters.created_from:
        incidents = incidents.filter(created_at__gte=_day_start(filters.created_from))
    if filters.created_to:
        incidents = incidents.filter(created_at__lt=_day_start(filters.created_to + timedelta(1)))
    if filters.mine and actor.user is not None:
        incidents = incidents.filter(Q(handler=actor.user) | Q(responsible=actor.user))
    if filters.unassigned:
        incidents = incidents.filter(handler__isnull=True)
    q = filters.q.strip()
    if q:
        incidents = _searched(incidents, q)
    return incidents


def _searched(incidents: QuerySet[Incident], q: str) -> QuerySet[Incident]:
    """Full-text match, or the incident with that number, or the household with
    exactly that tenant number."""
    incidents, condition = text_condition(incidents, q)
    direct = Q(pk__in=[])
    number = incident_number(q)
    if number is not None:
        direct |= Q(pk=number)
    if len(q) <= 20 and " " not in q:
        household_ids = list(
            # Exact matches use the unique index; tenant numbers are stored in capitals
            # where they have letters, so the typed and the capitalised form are tried.
            Household.objects.filter(tenant_number__in={q, q.upper()}).values_list("pk", flat=True)[
                :1
            ]
        )
        if household_ids:
            direct |= Q(household_id=household_ids[0])
    return incidents.filter(direct | condition if condition is not None else direct)


def incident_page(
    *,
    actor: Actor,
    filters: IncidentFilters,
    cursor: str | None = None,
    sort: str = Sort.NEWEST,
    size: int = PAGE_SIZE,
) -> Page:
    """One page of incidents in ``sort`` order after ``cursor``, narrowed by ``filters``.

    Keyset pagination on (created_at or last_activity_at, id), both backed by
    an index, so a deep page costs what the first one costs; no total is
    counted. Rows come with phase, category, unit, household, handler and
    responsible loaded: one query per page (two when the search is exactly a
    tenant number candidate).
    """
    column, descending = _SORT_KEYS.get(sort, _SORT_KEYS[Sort.NEWEST])
    incidents = _with_people(
        _filtered(actor, filters)
        .select_related("phase", "category", "unit", "household")
        .defer("search_text", "description"),
        "handler",
        "responsible",
    )
    after = _decode_cursor(cursor)
    if after is not None:
        value, pk = after
        # The redundant bound (<= / >=) is what the database can use as the start of
        # the index range; without it a deep page reads every row before it.
        if descending:
            incidents = incidents.filter(
                Q(**{f"{column}__lte": value})
                & (Q(**{f"{column}__lt": value}) | Q(**{column: value, "pk__lt": pk}))
            )
        else:
            incidents = incidents.filter(
                Q(**{f"{column}__gte": value})
                & (Q(**{f"{column}__gt": value}) | Q(**{column: value, "pk__gt": pk}))
            )
    prefix = "-" if descending else ""
    rows = list(incidents.order_by(f"{prefix}{column}", f"{prefix}pk")[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = _encode_cursor(getattr(last, column), last.pk)
    return Page(
        items=_people_attached(rows, "handler", "responsible"),
        next_cursor=next_cursor,
        has_previous=after is not None,
    )


def incident_get(*, actor: Actor, public_id: str) -> Incident:
    """One incident with its phase, category, place, household and people loaded: one
    query, and one more each for a common area or an installation when it has one."""
    if not _is_plausible_public_id(public_id):
        raise Http404
    people = ("handler", "responsible", "created_by")
    incidents = _with_people(
        incidents_visible(actor=actor)
        .select_related("phase", "category", "unit", "unit__complex", "household")
        # Most incidents have neither: then these cost no query.
        .prefetch_related("common_area", "installation"),
        *people,
    )
    try:
        incident = incidents.get(public_id=public_id)
    except Incident.DoesNotExist:
        raise Http404 from None
    return _people_attached([incident], *people)[0]


def incident_history(
    *,
    unit: Unit | None,
    household: Household | None,
    common_area: CommonArea | None = None,
    exclude: Incident | None = None,
    actor: Actor | None = None,
    limit: int = HISTORY_LIMIT,
) -> list[Incident]:
    """Earlier incidents of ``unit``, ``household`` or ``common_area`` (SPEC INC-3),
    newest first, at most ``limit``, with phase, category, handler and responsible
    loaded. One query.

    ``handler`` is who handled an incident; ``closed_at`` when it was solved.
    """
    if actor is not None and not actor.is_staff:
        return []
    condition = Q(pk__in=[])
    if unit is not None:
        condition |= Q(unit=unit)
    if household is not None:
        condition |= Q(household=household)
    if common_area is not None:
        condition |= Q(common_area=common_area)
    if unit is None and household is None and common_area is None:
        return []
    incidents = Incident.objects.filter(condition)
    if exclude is not None:
        incidents = incidents.exclude(pk=exclude.pk)
    people = ("handler", "responsible")
    incidents = _with_people(
        incidents.select_related("phase", "category", "unit", "common_area").defer("search_text"),
        *people,
    )
    return _people_attached(list(incidents.order_by("-created_at", "-pk")[:limit]), *people)


# ---------------------------------------------------------------- choices for forms


def staff_users(*, actor: Actor) -> list[User]:
    """Active staff, by name: the people who can be handler or responsible. One query."""
    if not actor.is_staff:
        return []
    return list(
        User.objects.filter(is_active=True, role__in=StaffRole.values).order_by(
            "first_name", "last_name", "username"
        )
    )


def categories_for_choice(*, actor: Actor, include: int | None = None) -> list[Category]:
    """The categories offered, in order; ``include`` keeps a switched-off one that is in use."""
    if not (actor.is_staff or actor.kind == "system"):
        return []
    condition = Q(active=True)
    if include:
        condition |= Q(pk=include)
    return list(Category.objects.filter(condition))


def phases_for_choice(*, actor: Actor) -> list[Phase]:
    if not actor.is_staff:
        return []
    return list(Phase.objects.all())


def suppliers_for_choice(*, actor: Actor) -> list[Contact]:
    if not actor.is_staff:
        return []
    return list(
        Contact.objects.filter(kind=Contact.Kind.SUPPLIER)
        .only("pk", "public_id", "name", "company")
        .order_by("name", "pk")
    )


@dataclass(frozen=True, slots=True)
class ComplexChoice:
    """A complex as a filter offers it. Filters list every complex (hundreds), and
    plain values cost a fraction of what model instances do."""

    pk: int
    public_id: str
    code: str
    name: str

    def __str__(self) -> str:
        return f"{self.code} {self.name}"  # as Complex.__str__


def complex_choices() -> list[ComplexChoice]:
    """Every complex by name, as choices. One query."""
    rows = Complex.objects.order_by("name", "pk").values_list("pk", "public_id", "code", "name")
    return [ComplexChoice(*row) for row in rows]


def complexes_for_choice(*, actor: Actor) -> list[ComplexChoice]:
    if not actor.is_staff:
        return []
    return complex_choices()


def categories_managed(*, actor: Actor) -> list[Category]:
    """Every category with ``in_use`` (any incident has it), for the admin page. One query."""
    if not actor.is_admin:
        return []
    used = Incident.objects.filter(category=OuterRef("pk"))
    return list(Category.objects.annotate(in_use=Exists(used)))


def phases_managed(*, actor: Actor) -> list[Phase]:
    """Every phase with ``in_use``, for the admin page. One query."""
    if not actor.is_admin:
        return []
    used = Incident.objects.filter(phase=OuterRef("pk"))
    return list(Phase.objects.annotate(in_use=Exists(used)))


def category_get(*, actor: Actor, pk: int) -> Category:
    if not actor.is_admin:
        raise Http404
    try:
        return Category.objects.get(pk=pk)
    except Category.DoesNotExist:
        raise Http404 from None


def phase_get(*, actor: Actor, pk: int) -> Phase:
    if not actor.is_admin:
        raise Http404
    try:
        return Phase.objects.get(pk=pk)
    except Phase.DoesNotExist:
        raise Http404 from None


# ---------------------------------------------------------------- saved views


def saved_views(*, actor: Actor) -> list[SavedView]:
    """The actor's own saved list views, by name. One query."""
    if not actor.is_staff or actor.user is None:
        return []
    return list(SavedView.objects.filter(user=actor.user).order_by("name", "pk"))


def saved_view_get(*, actor: Actor, pk: int) -> SavedView:
    """One of the actor's own saved views; anyone else's is not found."""
    if not actor.is_staff or actor.user is None:
        raise Http404
    try:
        return SavedView.objects.get(pk=pk, user=actor.user)
    except SavedView.DoesNotExist:
        raise Http404 from None


# ---------------------------------------------------------------- lookups for the create form

_NL_POSTCODE = re.compile(
    r"^(\d{4})\s?([A-Za-z]{2})(?:\s+|\s*-?\s*)(\d{1,5})?\s*([A-Za-z0-9-]{0,6})$"
)
_NO_POSTCODE = re.compile(r"^(\d{4})\s+(\d{1,5})\s*([A-Za-z0-9-]{0,6})$")
_STREET_NUMBER = re.compile(r"^(.*\D)\s+(\d{1,5})\s*([A-Za-z0-9-]{0,6})$")


@dataclass(frozen=True, slots=True)
class LookupResults:
    households: list[Household] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    common_areas: list[CommonArea] = field(default_factory=list)
    installations: list[Installation] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.households or self.persons or self.units or self.common_areas or self.installations
        )


def _unit_condition(q: str) -> Q:
    """Postcode + house number (``3512 AB 12``, ``0150 4``), street + number, or
    a unit number."""
    nl = _NL_POSTCODE.match(q)
    if nl:
        digits, letters, number, addition = nl.groups()
        postcode = Q(postcode__iexact=f"{digits}{letters}") | Q(
            postcode__iexact=f"{digits} {letters}"
        )
        condition = postcode
        if number:
            condition &= Q(house_number=int(number))
        if addition:
            condition &= Q(house_number_addition__iexact=addition)
        return condition
    norwegian = _NO_POSTCODE.match(q)
    if norwegian:
        code, number, addition = norwegian.groups()
        condition = Q(postcode=code, house_number=int(number))
        if addition:
            condition &= Q(house_number_addition__iexact=addition)
        return condition
    street = _STREET_NUMBER.match(q)
    if street:
        name, number, addition = street.groups()
        condition = Q(street__istartswith=name.strip(), house_number=int(number))
        if addition:
            condition &= Q(house_number_addition__iexact=addition)
        return condition
    return Q(code__iexact=q) | Q(street__istartswith=q)


def lookup_search(*, actor: Actor, q: str, limit: int = LOOKUP_LIMIT) -> LookupResults:
    """Households (name, tenant number), persons (name), units (postcode and
    house number, street, unit number), common areas (name, complex) and
    installations (name, serial number) matching ``q``; at most ``limit`` of
    each. Five queries; none for fewer than two characters."""
    q = " ".join((q or "").split())[:80]
    if not actor.is_staff or len(q) < 2:
        return LookupResults()
    households = list(
        Household.objects.filter(Q(tenant_number__iexact=q) | Q(name__icontains=q)).order_by(
            "name", "pk"
        )[:limit]
    )
    words = q.split()[:3]
    person_condition = Q()
    for word in words:
        person_condition &= Q(surname__icontains=word) | Q(first_name__icontains=word)
    persons = list(
        Person.objects.filter(person_condition)
        .select_related("household")
        .order_by("surname", "first_name", "pk")[:limit]
    )
    units = list(
        Unit.objects.filter(_unit_condition(q))
        .select_related("complex")
        .order_by("street", "house_number", "house_number_addition", "pk")[:limit]
    )
    common_areas = list(
        CommonArea.objects.filter(
            Q(name__icontains=q) | Q(complex__name__icontains=q) | Q(complex__code__iexact=q)
        )
        .select_related("complex", "building_block")
        .order_by("complex__name", "name", "pk")[:limit]
    )
    installations = list(
        Installation.objects.filter(Q(name__icontains=q) | Q(serial_number__iexact=q))
        .select_related("unit", "common_area")
        .order_by("name", "pk")[:limit]
    )
    return LookupResults(
        households=households,
        persons=persons,
        units=units,
        common_areas=common_areas,
        installations=installations,
    )


@dataclass(frozen=True, slots=True)
class LinkChoice:
    """What picking a lookup result fills in on the create form."""

    household: Household | None = None
    unit: Unit | None = None
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""


def _running_contract(*, unit: Unit | None = None, household: Household | None = None) -> Any:
    today = timezone.localdate()
    contracts = Contract.objects.filter(start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    if unit is not None:
        contracts = contracts.filter(unit=unit)
    if household is not None:
        contracts = contracts.filter(household=household)
    return contracts.select_related("unit", "household").order_by("-start_date", "-pk").first()


def lookup_choice(*, actor: Actor, pick: str) -> LinkChoice:
    """The household, unit and contact details behind a lookup result
    (``household:<public id>``, ``unit:<public id>``, ``person:<id>``).

    A unit brings the household living there today, a household or person its
    current unit. Http404 for anything unknown.
    """
    if not actor.is_staff:
        raise Http404
    kind, _sep, key = (pick or "").partition(":")
    if kind == "household" and _is_plausible_public_id(key):
        household = Household.objects.filter(public_id=key).first()
        if household is None:
            raise Http404
        contract = _running_contract(household=household)
        return _choice_for(household, contract.unit if contract else None, person=None)
    if kind == "unit" and _is_plausible_public_id(key):
        unit = Unit.objects.filter(public_id=key).first()
        if unit is None:
            raise Http404
        contract = _running_contract(unit=unit)
        return _choice_for(contract.household if contract else None, unit, person=None)
    if kind == "person" and key.isdigit() and len(key) < 12:
        person = Person.objects.select_related("household").filter(pk=int(key)).first()
        if person is None:
            raise Http404
        contract = _running_contract(household=person.household)
        return _choice_for(person.household, contract.unit if contract else None, person=person)
    raise Http404


def _choice_for(
    household: Household | None, unit: Unit | None, *, person: Person | None
) -> LinkChoice:
    if household is None:
        return LinkChoice(unit=unit)
    main = person
    return LinkChoice(
        household=household,
        unit=unit,
        contact_name=main.full_name if main else household.name,
        contact_email=(main.email if main and main.email else household.email),
        contact_phone=(main.phone if main and main.phone else household.phone),
    )


def households_by_public_id(*, actor: Actor, public_ids: Sequence[str]) -> dict[str, Household]:
    if not actor.is_staff:
        return {}
    wanted = [p for p in public_ids if _is_plausible_public_id(p)]
    if not wanted:
        return {}
    return {h.public_id: h for h in Household.objects.filter(public_id__in=wanted)}


def units_by_public_id(*, actor: Actor, public_ids: Sequence[str]) -> dict[str, Unit]:
    if not actor.is_staff:
        return {}
    wanted = [p for p in public_ids if _is_plausible_public_id(p)]
    if not wanted:
        return {}
    return {u.public_id: u for u in Unit.objects.filter(public_id__in=wanted)}


# ---------------------------------------------------------------- common areas and installations


@dataclass(frozen=True, slots=True)
class UnitPlaces:
    """What else at a unit an incident can be about (SPEC INC-3)."""

    common_areas: list[CommonArea] = field(default_factory=list)
    installations: list[Installation] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.common_areas or self.installations)


def common_areas_of_unit(unit: Unit) -> QuerySet[CommonArea]:
    """The common areas a unit shares: those linked to it, and those of its complex
    that belong to its own building block or to no block in particular."""
    same_block = Q(building_block__isnull=True)
    if unit.building_block_id is not None:
        same_block |= Q(building_block_id=unit.building_block_id)
    return CommonArea.objects.filter(
        Q(units=unit) | (Q(complex_id=unit.complex_id) & same_block)
    ).distinct()


def places_for_unit(*, actor: Actor, unit: Unit | None, limit: int = 30) -> UnitPlaces:
    """The common areas of ``unit``'s building block and complex, and the
    installations in the unit and in those areas, by name. Two queries."""
    if not actor.is_staff or unit is None:
        return UnitPlaces()
    areas = list(
        common_areas_of_unit(unit).select_related("building_block").order_by("name", "pk")[:limit]
    )
    installations = list(
        Installation.objects.filter(Q(unit=unit) | Q(common_area__in=[a.pk for a in areas]))
        .select_related("common_area")
        .order_by("name", "pk")[:limit]
    )
    return UnitPlaces(common_areas=areas, installations=installations)


@dataclass(frozen=True, slots=True)
class PlaceChoice:
    """What picking a common area or an installation fills in on the create form."""

    common_area: CommonArea | None = None
    installation: Installation | None = None
    unit: Unit | None = None


def lookup_place(*, actor: Actor, pick: str) -> PlaceChoice:
    """The common area or installation behind a pick (``common_area:<public id>``,
    ``installation:<public id>``). An installation brings the area or unit it is
    in. Http404 for anything unknown."""
    if not actor.is_staff:
        raise Http404
    kind, _sep, key = (pick or "").partition(":")
    if not _is_plausible_public_id(key):
        raise Http404
    if kind == "common_area":
        area = CommonArea.objects.filter(public_id=key).first()
        if area is None:
            raise Http404
        return PlaceChoice(common_area=area)
    if kind == "installation":
        installation = (
            Installation.objects.select_related("unit", "common_area").filter(public_id=key).first()
        )
        if installation is None:
            raise Http404
        return PlaceChoice(
            common_area=installation.common_area,
            installation=installation,
            unit=installation.unit,
        )
    raise Http404


def common_areas_by_public_id(*, actor: Actor, public_ids: Sequence[str]) -> dict[str, CommonArea]:
    if not actor.is_staff:
        return {}
    wanted = [p for p in public_ids if _is_plausible_public_id(p)]
    if not wanted:
        return {}
    areas = CommonArea.objects.filter(public_id__in=wanted).select_related("complex")
    return {area.public_id: area for area in areas}


def installations_by_public_id(
    *, actor: Actor, public_ids: Sequence[str]
) -> dict[str, Installation]:
    if not actor.is_staff:
        return {}
    wanted = [p for p in public_ids if _is_plausible_public_id(p)]
    if not wanted:
        return {}
    found = Installation.objects.filter(public_id__in=wanted).select_related("common_area")
    return {installation.public_id: installation for installation in found}
