"""Reads of a household's persons for the tenant portal (SPEC POR-3).

Only persons whose role is flagged "show in portal" exist for the portal: a
person with another role, or of another household, is "not found" (404).

Contract holders are the persons whose role signs the contract: the main
tenant and the co-tenant (role codes ``main-tenant`` and ``co-tenant``, as
shipped in the demo data and imported from the tenancy system). They come
first, in role order; everybody else follows alphabetically by surname.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from meldpunt.people.models import Household, HouseholdRole, Person

CONTRACT_HOLDER_ROLES = frozenset({"main-tenant", "co-tenant"})


def is_contract_holder(person: Person) -> bool:
    return person.role.code in CONTRACT_HOLDER_ROLES


def _portal_persons(household: Household) -> QuerySet[Person]:
    return Person.objects.filter(household=household, role__show_in_portal=True).select_related(
        "role"
    )


def _sort_key(person: Person) -> tuple[int, int, str, str, str, int]:
    holder = is_contract_holder(person)
    return (
        0 if holder else 1,
        person.role.ordering if holder else 0,
        person.surname.casefold(),
        person.infix.casefold(),
        person.initials.casefold(),
        person.pk,
    )


def household_persons_for_portal(*, household: Household) -> list[Person]:
    """The persons the tenant sees: contract holders first, then alphabetical."""
    return sorted(_portal_persons(household), key=_sort_key)


def household_person_for_portal(*, household: Household, person_id: int) -> Person:
    """One of the household's visible persons; anything else is a 404."""
    person = _portal_persons(household).filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person


def household_roles_for_portal() -> QuerySet[HouseholdRole]:
    """The roles a tenant may give a person in the portal."""
    return HouseholdRole.objects.filter(usable_in_portal=True, show_in_portal=True).order_by(
        "ordering", "name"
    )
