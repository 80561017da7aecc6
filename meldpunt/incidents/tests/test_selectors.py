"""The staff incident list: each filter, sorting, keyset paging; one incident;
earlier incidents of a unit or tenant; lookups; saved views."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from meldpunt.common.actors import Actor
from meldpunt.incidents import selectors
from meldpunt.incidents.models import Incident, SavedView
from meldpunt.incidents.selectors import IncidentFilters, Sort, Status
from tests.factories import (
    CommonAreaFactory,
    ComplexFactory,
    HouseholdFactory,
    InstallationFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def titles(actor, **filters) -> list[str]:  # type: ignore[no-untyped-def]
    sort = filters.pop("sort", Sort.NEWEST)
    page = selectors.incident_page(actor=actor, filters=IncidentFilters(**filters), sort=sort)
    return [incident.title for incident in page.items]


def at(days_ago: int) -> datetime:
    return timezone.now() - timedelta(days=days_ago)


def test_non_staff_see_no_incidents(make_incident):
    make_incident()
    page = selectors.incident_page(actor=Actor(kind="tenant"), filters=IncidentFilters())
    assert page.items == []


def test_open_is_the_default_and_closed_and_all_can_be_asked_for(
    staff_actor, make_incident, phases
):
    make_incident(title="open")
    make_incident(title="closed", phase=phases["closed"])
    assert titles(staff_actor) == ["open"]
    assert titles(staff_actor, status=Status.CLOSED) == ["closed"]
    assert sorted(titles(staff_actor, status=Status.ALL)) == ["closed", "open"]


def test_filter_by_phase_category_handler_and_responsible(
    staff_actor, make_incident, phases, categories, make_staff
):
    piet = make_staff()
    make_incident(title="phase", phase=phases["waiting_tenant"])
    make_incident(title="category", category=categories["Nuisance"])
    make_incident(title="handler", handler=piet)
    make_incident(title="responsible", responsible=piet)
    assert titles(staff_actor, phase=phases["waiting_tenant"].pk) == ["phase"]
    assert titles(staff_actor, category=categories["Nuisance"].pk) == ["category"]
    assert titles(staff_actor, handler=piet.pk) == ["handler"]
    assert titles(staff_actor, responsible=piet.pk) == ["responsible"]


def test_filter_by_complex_unit_and_household(staff_actor, make_incident, place):
    area = CommonAreaFactory(complex=place.complex)
    make_incident(title="unit", unit=place.unit)
    make_incident(title="area", common_area=area)
    make_incident(title="household", household=place.household)
    make_incident(title="elsewhere", unit=UnitFactory(), household=HouseholdFactory())
    assert titles(staff_actor, complex=place.complex.pk) == ["area", "unit"]
    assert titles(staff_actor, unit=place.unit.pk) == ["unit"]
    assert titles(staff_actor, household=place.household.pk) == ["household"]


def test_filter_by_supplier_finds_incidents_with_a_work_order_for_them(staff_actor, make_incident):
    from meldpunt.incidents.sub_incidents import SubIncidentDraft, sub_incident_create
    from tests.factories import ContactFactory

    plumber = ContactFactory(name="Waterman", email="plan@waterman.example")
    glazier = ContactFactory(name="Glas & Co", email="glas@example.net")
    for title, supplier in (("leak", plumber), ("window", glazier), ("both", plumber)):
        incident = make_incident(title=title)
        sub_incident_create(
            actor=staff_actor,
            incident=incident,
            draft=SubIncidentDraft(kind="external", title=title, contact=supplier),
        )
    sub_incident_create(
        actor=staff_actor,
        incident=Incident.objects.get(title="both"),
        draft=SubIncidentDraft(kind="external", title="glass too", contact=glazier),
    )
    make_incident(title="no order")
    assert titles(staff_actor, supplier=plumber.pk) == ["both", "leak"]
    assert titles(staff_actor, supplier=glazier.pk) == ["both", "window"]


def test_filter_by_creation_dates_includes_both_days(staff_actor, make_incident):
    make_incident(title="old", created_at=at(20))
    make_incident(title="middle", created_at=at(10))
    make_incident(title="new", created_at=at(1))
    today = timezone.localdate()
    assert titles(staff_actor, created_from=today - timedelta(days=10)) == ["new", "middle"]
    assert titles(staff_actor, created_to=today - timedelta(days=10)) == ["middle", "old"]
    assert titles(
        staff_actor,
        created_from=today - timedelta(days=10),
        created_to=today - timedelta(days=10),
    ) == ["middle"]


def test_mine_means_handler_or_responsible_and_unassigned_means_no_handler(
    staff_actor, make_incident, make_staff
):
    other = make_staff()
    make_incident(title="i handle", handler=staff_actor.user)
    make_incident(title="i am responsible", responsible=staff_actor.user, handler=other)
    make_incident(title="someone else's", handler=other)
    make_incident(title="nobody's")
    assert titles(staff_actor, mine=True) == ["i am responsible", "i handle"]
    assert titles(staff_actor, unassigned=True) == ["nobody's"]


def test_sorting_newest_oldest_and_by_last_activity(staff_actor, make_incident):
    first = make_incident(title="first", created_at=at(3))
    make_incident(title="second", created_at=at(2))
    make_incident(title="third", created_at=at(1))
    Incident.objects.filter(pk=first.pk).update(last_activity_at=timezone.now())
    assert titles(staff_actor) == ["third", "second", "first"]
    assert titles(staff_actor, sort=Sort.OLDEST) == ["first", "second", "third"]
    assert titles(staff_actor, sort=Sort.ACTIVITY) == ["first", "third", "second"]


@pytest.mark.parametrize("sort", Sort.VALUES)
def test_keyset_pages_cover_every_incident_once_in_order(staff_actor, make_incident, sort):
    moment = at(5)
    # Rows sharing one timestamp test the tie-break on id.
    for number in range(7):
        make_incident(title=f"t{number}", created_at=moment if number % 2 else at(number))
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        page = selectors.incident_page(
            actor=staff_actor, filters=IncidentFilters(), cursor=cursor, sort=sort, size=3
        )
        seen += [incident.pk for incident in page.items]
        pages += 1
        assert page.has_previous == (cursor is not None)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert pages == 3
    everything = selectors.incident_page(
        actor=staff_actor, filters=IncidentFilters(), sort=sort, size=100
    )
    assert seen == [incident.pk for incident in everything.items]
    assert len(set(seen)) == 7


def test_a_page_stays_stable_when_new_incidents_arrive(staff_actor, make_incident):
    for number in range(4):
        make_incident(title=f"t{number}", created_at=at(10 - number))
    first = selectors.incident_page(actor=staff_actor, filters=IncidentFilters(), size=2)
    make_incident(title="brand new")
    second = selectors.incident_page(
        actor=staff_actor, filters=IncidentFilters(), cursor=first.next_cursor, size=2
    )
    assert [i.title for i in first.items] == ["t3", "t2"]
    assert [i.title for i in second.items] == ["t1", "t0"]


@pytest.mark.parametrize("cursor", ["garbage", "W10", "WyJ4IiwxXQ", "a" * 500, ""])
def test_a_malformed_cursor_gives_the_first_page(staff_actor, make_incident, cursor):
    make_incident(title="only")
    page = selectors.incident_page(actor=staff_actor, filters=IncidentFilters(), cursor=cursor)
    assert [i.title for i in page.items] == ["only"]


def test_list_rows_come_with_their_relations_in_one_query(
    staff_actor, make_incident, place, categories, django_assert_num_queries
):
    for _ in range(5):
        make_incident(
            unit=place.unit,
            household=place.household,
            category=categories["Repair"],
            handler=staff_actor.user,
            responsible=staff_actor.user,
        )
    with django_assert_num_queries(1):
        page = selectors.incident_page(actor=staff_actor, filters=IncidentFilters())
        for incident in page.items:
            str(incident.phase), str(incident.category), str(incident.unit)
            str(incident.household), str(incident.handler), str(incident.responsible)


# ---------------------------------------------------------------- one incident, history


def test_incident_get_finds_it_for_staff_only(staff_actor, make_incident):
    incident = make_incident()
    assert selectors.incident_get(actor=staff_actor, public_id=incident.public_id) == incident
    with pytest.raises(Http404):
        selectors.incident_get(actor=Actor(kind="tenant"), public_id=incident.public_id)
    for bad in ("nope", "x" * 300, ""):
        with pytest.raises(Http404):
            selectors.incident_get(actor=staff_actor, public_id=bad)


def test_history_lists_earlier_incidents_of_the_unit_and_the_tenant(
    make_incident, place, phases, make_staff, django_assert_num_queries
):
    solver = make_staff(first_name="Fatima", last_name="El Idrissi")
    by_unit = make_incident(title="unit", unit=place.unit, created_at=at(30))
    by_household = make_incident(
        title="tenant",
        household=place.household,
        handler=solver,
        phase=phases["resolved"],
        created_at=at(20),
    )
    current = make_incident(title="current", unit=place.unit, household=place.household)
    make_incident(title="unrelated", unit=UnitFactory())
    with django_assert_num_queries(1):
        history = selectors.incident_history(
            unit=place.unit, household=place.household, exclude=current
        )
        assert [i.title for i in history] == ["tenant", "unit"]
        assert history[0].handler == solver and history[0].phase.is_closed
    assert by_unit in history and by_household in history
    assert selectors.incident_history(unit=None, household=None) == []


def test_incident_get_loads_people_and_places_in_one_query_each(
    staff_actor, make_incident, place, make_staff, categories, django_assert_num_queries
):
    creator = make_staff(first_name="Cor", last_name="Maker", email="cor@example.test")
    incident = make_incident(
        unit=place.unit,
        household=place.household,
        category=categories["Repair"],
        handler=staff_actor.user,
        responsible=creator,
        created_by=creator,
    )
    # One query: the people come with the row, and no common area or installation is set.
    with django_assert_num_queries(1):
        found = selectors.incident_get(actor=staff_actor, public_id=incident.public_id)
        assert found.handler == staff_actor.user
        assert found.handler.get_full_name() == "Sanne de Boer"
        assert (found.responsible.email, found.created_by.username) == (
            creator.email,
            creator.username,
        )
        assert str(found.unit.complex) == "VOG Vogelwijk" and found.household == place.household
        assert found.common_area is None and found.installation is None
    # What the row leaves out loads when it is used, as deferred fields do.
    assert found.handler.date_joined == staff_actor.user.date_joined


def test_incident_get_loads_a_common_area_and_an_installation(
    staff_actor, make_incident, place, django_assert_num_queries
):
    area = CommonAreaFactory(complex=place.complex, name="Trappenhuis B")
    installation = InstallationFactory(unit=place.unit, name="CV-ketel zolder")
    incident = make_incident(common_area=area, installation=installation)
    with django_assert_num_queries(3):
        found = selectors.incident_get(actor=staff_actor, public_id=incident.public_id)
        assert found.common_area == area and found.installation == installation
        assert found.handler is None and found.responsible is None


def test_list_rows_bring_their_people_without_a_query_per_row(
    staff_actor, make_incident, make_staff, django_assert_num_queries
):
    people = [make_staff(first_name=f"Mens{n}", last_name="Test") for n in range(4)]
    for number in range(12):
        make_incident(handler=people[number % 4], responsible=people[(number + 1) % 4])
    make_incident(title="nobody")
    with django_assert_num_queries(1):
        page = selectors.incident_page(actor=staff_actor, filters=IncidentFilters())
        names = {
            (i.handler.get_full_name(), i.responsible.get_full_name())
            for i in page.items
            if i.handler is not None
        }
        assert next(i for i in page.items if i.title == "nobody").handler is None
    assert len(names) == 4 and all(name.endswith(" Test") for pair in names for name in pair)


def test_complex_choices_are_every_complex_by_name(staff_actor, place):
    ComplexFactory(code="AAA", name="Aalscholver")
    choices = selectors.complexes_for_choice(actor=staff_actor)
    assert [str(choice) for choice in choices] == ["AAA Aalscholver", "VOG Vogelwijk"]
    assert choices[1].pk == place.complex.pk and choices[1].public_id == place.complex.public_id
    assert selectors.complexes_for_choice(actor=Actor(kind="tenant")) == []


def test_history_is_bounded(make_incident, place):
    for _ in range(13):
        make_incident(unit=place.unit)
    assert len(selectors.incident_history(unit=place.unit, household=None)) == 10


# ---------------------------------------------------------------- lookups


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("H700123", "households"),
        ("yılmaz", "households"),
        ("Ayşe", "persons"),
        ("3521KL 12", "units"),
        ("3521 kl 12a", "units"),
        ("3521KL", "units"),
        ("Merelstraat 12", "units"),
        ("merel", "units"),
        ("VOG-012A", "units"),
    ],
)
def test_lookup_finds_households_persons_and_units(staff_actor, place, query, kind):
    results = selectors.lookup_search(actor=staff_actor, q=query)
    assert getattr(results, kind), query


def test_lookup_needs_two_characters_and_staff(staff_actor, place, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert not selectors.lookup_search(actor=staff_actor, q="H")
        assert not selectors.lookup_search(actor=Actor(kind="tenant"), q="H700123")


def test_lookup_results_are_few(staff_actor, organization):
    for number in range(20):
        HouseholdFactory(name=f"Fam. Bakker {number}")
    assert len(selectors.lookup_search(actor=staff_actor, q="bakker").households) == 6


def test_choosing_a_unit_brings_the_household_living_there(staff_actor, place):
    choice = selectors.lookup_choice(actor=staff_actor, pick=f"unit:{place.unit.public_id}")
    assert choice.unit == place.unit and choice.household == place.household
    assert choice.contact_email == "yilmaz@example.net"


def test_choosing_a_person_brings_their_own_contact_details_and_current_unit(staff_actor, place):
    choice = selectors.lookup_choice(actor=staff_actor, pick=f"person:{place.person.pk}")
    assert choice.household == place.household and choice.unit == place.unit
    assert (choice.contact_name, choice.contact_email, choice.contact_phone) == (
        "Ayşe Yılmaz",
        "ayse@example.net",
        "+31687654321",
    )


@pytest.mark.parametrize("pick", ["", "unit:nope", "household:", "person:abc", "elephant:1"])
def test_an_unknown_choice_is_not_found(staff_actor, place, pick):
    with pytest.raises(Http404):
        selectors.lookup_choice(actor=staff_actor, pick=pick)


def test_a_household_that_moved_out_brings_no_unit(staff_actor, place):
    place.household.contracts.update(end_date=date(2020, 1, 1))
    choice = selectors.lookup_choice(
        actor=staff_actor, pick=f"household:{place.household.public_id}"
    )
    assert choice.household == place.household and choice.unit is None


# ---------------------------------------------------------------- saved views


def test_saved_views_are_only_the_actors_own(staff_actor, make_staff):
    other = make_staff()
    mine = SavedView.objects.create(user=staff_actor.user, name="b", query="mine=1")
    SavedView.objects.create(user=staff_actor.user, name="a", query="")
    theirs = SavedView.objects.create(user=other, name="c", query="")
    assert [v.name for v in selectors.saved_views(actor=staff_actor)] == ["a", "b"]
    assert selectors.saved_view_get(actor=staff_actor, pk=mine.pk) == mine
    with pytest.raises(Http404):
        selectors.saved_view_get(actor=staff_actor, pk=theirs.pk)
