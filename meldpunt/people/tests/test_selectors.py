from __future__ import annotations

import pytest

from meldpunt.common.actors import Actor
from meldpunt.people.models import Contact
from meldpunt.people.selectors import (
    ContactFilters,
    contact_counts,
    contact_search,
    contacts_visible,
    phone_search_fragment,
)
from tests.factories import ContactFactory, HouseholdFactory


@pytest.mark.parametrize(
    ("typed", "region", "fragment"),
    [
        ("0612345678", "NL", "+31612345678"),
        ("06 12 34 56 78", "NL", "+31612345678"),
        ("06-1234", "NL", "+3161234"),
        ("(030) 123 4567", "NL", "+31301234567"),
        ("+31 6 12345678", "NL", "+31612345678"),
        ("0031612345678", "NL", "+31612345678"),
        ("12345678", "NL", "12345678"),
        ("22 33 44 55", "NO", "22334455"),
        ("0123", "NO", "0123"),  # Norway has no trunk prefix to replace
        ("12", "NL", None),  # too short to mean anything
        ("Jansen", "NL", None),
        ("06 12 ab", "NL", None),
        ("", "NL", None),
    ],
)
def test_phone_search_fragment(typed, region, fragment):
    assert phone_search_fragment(typed, region=region) == fragment


@pytest.fixture
def staff(make_staff) -> Actor:  # type: ignore[no-untyped-def]
    return Actor.staff(make_staff(role="user"))


@pytest.fixture
def people(db) -> dict[str, Contact]:  # type: ignore[no-untyped-def]
    return {
        "tenant": Contact.objects.create(
            kind=Contact.Kind.TENANT,
            name="Fatima el Amrani",
            email="fatima@example.net",
            phone="+31687654321",
            household=HouseholdFactory(tenant_number="H300300"),
        ),
        "supplier": ContactFactory(
            name="Kees Glas", company="Glashandel Kees", phone="+31201112233"
        ),
        "other": ContactFactory(
            kind=Contact.Kind.OTHER, name="Gemeente Utrecht", company="", phone="", trade=""
        ),
    }


def search(actor: Actor, q: str = "", kind: str = "") -> list[str]:
    page = contact_search(actor=actor, filters=ContactFilters(q=q, kind=kind))
    return [contact.name for contact in page.items]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("", ["Fatima el Amrani", "Gemeente Utrecht", "Kees Glas"]),
        ("amrani", ["Fatima el Amrani"]),
        ("GLASHANDEL", ["Kees Glas"]),
        ("fatima@", ["Fatima el Amrani"]),
        ("H300", ["Fatima el Amrani"]),
        ("0687654321", ["Fatima el Amrani"]),
        ("020 111", ["Kees Glas"]),
        ("kees glas", ["Kees Glas"]),
        ("kees utrecht", []),
        ("   ", ["Fatima el Amrani", "Gemeente Utrecht", "Kees Glas"]),
    ],
)
def test_contact_search(staff, people, q, expected):
    assert search(staff, q) == expected


@pytest.mark.django_db
def test_contact_search_by_kind(staff, people):
    assert search(staff, kind=Contact.Kind.OTHER) == ["Gemeente Utrecht"]
    assert search(staff, q="kees", kind=Contact.Kind.TENANT) == []


@pytest.mark.django_db
def test_the_phone_region_decides_the_country_code(staff, db):
    ContactFactory(name="Nordmann", phone="+4722334455")
    assert search(staff, "22334455") == ["Nordmann"]
    page = contact_search(actor=staff, filters=ContactFilters(q="022334455"), region="NO")
    assert [c.name for c in page.items] == []  # Norway has no trunk zero: +47 22… not +470…
    page = contact_search(actor=staff, filters=ContactFilters(q="+47 22 33"), region="NO")
    assert [c.name for c in page.items] == ["Nordmann"]


@pytest.mark.django_db
def test_contact_search_loads_the_household_along(staff, people, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = contact_search(actor=staff, filters=ContactFilters())
        assert [c.household.tenant_number for c in page.items if c.household] == ["H300300"]


@pytest.mark.django_db
def test_contact_search_pages_by_cursor(staff, db):
    for index in range(7):
        ContactFactory(name=f"Bakker {index % 3}")
    seen: list[int] = []
    cursor = None
    while True:
        page = contact_search(actor=staff, filters=ContactFilters(), cursor=cursor, size=3)
        seen.extend(c.pk for c in page.items)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == list(Contact.objects.order_by("name", "pk").values_list("pk", flat=True))


@pytest.mark.django_db
def test_actors_without_access_find_no_contacts(people):
    assert search(Actor.system()) == []
    assert not contacts_visible(actor=Actor.system()).exists()


@pytest.mark.django_db
def test_contact_counts_cover_every_kind(staff, people, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = contact_counts(actor=staff)
    assert counts == {"tenant": 1, "supplier": 1, "owner": 0, "other": 1}
    assert contact_counts(actor=Actor.system()) == dict.fromkeys(Contact.Kind.values, 0)
