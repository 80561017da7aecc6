"""Reads of households for the back office (SPEC ACC-1, ACC-12, C-3): the
searchable list, one household's record, and the households a letter batch is for.

Every read is scoped by actor: only staff see households; anyone else finds
nothing, so a household's URL is simply "not found" for them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from meldpunt.common.actors import Actor
from meldpunt.common.pagination import Page, keyset_page
from meldpunt.people.models import AccountStatus, Household, Person

MAX_SEARCH_TERMS = 5
# "3512", "3512AB", "3512 ab": the start of a Dutch postcode, or a Norwegian one.
_POSTCODE_START = re.compile(r"^[1-9][0-9]{3}[A-Z]{0,2}$")


@dataclass(frozen=True, slots=True)
class HouseholdFilters:
    """What the household list is narrowed by: free text and the portal account status."""

    q: str = ""
    account_status: str = ""


def households_visible(*, actor: Actor) -> QuerySet[Household]:
    if not actor.is_staff:
        return Household.objects.none()
    return Household.objects.all()


def _search_condition(q: str) -> Q:
    """Every typed word matches the name, email or the start of the tenant number
    or postcode; or the whole text (spaces dropped) is the start of a postcode."""
    condition = Q()
    for word in q.split()[:MAX_SEARCH_TERMS]:
        condition &= (
            Q(name__icontains=word)
            | Q(email__icontains=word)
            | Q(tenant_number__istartswith=word)
            | Q(postcode__istartswith=word)
        )
    compact = q.replace(" ", "").upper()
    if _POSTCODE_START.match(compact):
        condition |= Q(postcode__startswith=compact)
    return condition


def households_filtered(*, actor: Actor, filters: HouseholdFilters) -> QuerySet[Household]:
    """The visible households that match ``filters`` (unordered, not yet evaluated)."""
    households = households_visible(actor=actor)
    if filters.account_status:
        households = households.filter(account_status=filters.account_status)
    q = filters.q.strip()
    if q:
        households = households.filter(_search_condition(q))
    return households


def household_search(
    *, actor: Actor, filters: HouseholdFilters, cursor: str | None = None, size: int = 50
) -> Page:
    """One page of households in name order, narrowed by ``filters``. One query,
    whatever the page size (the account-status filter has its own index)."""
    households = households_filtered(actor=actor, filters=filters)
    return keyset_page(households, order_field="name", cursor=cursor, size=size)


def household_get(*, actor: Actor, public_id: str) -> Household:
    """The household with ``public_id``; ``Http404`` when it is unknown or not the
    actor's to see — both look the same."""
    household = households_visible(actor=actor).filter(public_id=public_id).first()
    if household is None:
        raise Http404("no such household")
    return household


@dataclass(frozen=True, slots=True)
class HouseholdRecord:
    """What the back office shows of one household besides its own fields."""

    household: Household
    persons: Sequence[Person]
    contracts: Sequence[Any]  # tenancy.Contract: people sits below tenancy


def household_record(*, actor: Actor, public_id: str, today: date | None = None) -> HouseholdRecord:
    """The household with its persons (with roles; main roles first) and its
    contracts with their units (newest first, each marked ``is_running`` on
    ``today``). Four queries; 404 as ``household_get``."""
    today = today or timezone.localdate()
    persons = Person.objects.select_related("role").order_by("role__ordering", "birth_date", "pk")
    # The reverse relation by name keeps people free of an import of tenancy.
    household = (
        households_visible(actor=actor)
        .filter(public_id=public_id)
        .prefetch_related(Prefetch("persons", queryset=persons), "contracts__unit")
        .first()
    )
    if household is None:
        raise Http404("no such household")
    contracts: list[Any] = sorted(
        household.contracts.all(),
        key=lambda contract: (contract.start_date, contract.pk),
        reverse=True,
    )
    for contract in contracts:
        contract.is_running = contract.is_running_on(today)
    return HouseholdRecord(
        household=household, persons=list(household.persons.all()), contracts=contracts
    )


@dataclass(frozen=True, slots=True)
class LetterBatch:
    """The households a letter batch is for; ``too_many`` when more matched than
    the batch may hold (then ``households`` is cut at the cap)."""

    households: list[Household]
    too_many: bool


def _batch(households: QuerySet[Household], cap: int) -> LetterBatch:
    rows = list(households.order_by("name", "pk")[: cap + 1])
    return LetterBatch(households=rows[:cap], too_many=len(rows) > cap)


def households_for_letters_selected(
    *, actor: Actor, public_ids: Sequence[str], cap: int
) -> LetterBatch:
    """The visible households among ``public_ids`` (unknown ids are skipped). One query."""
    ids = list(dict.fromkeys(public_ids))
    if len(ids) > cap:
        # No need to ask the database about a list that is too long anyway.
        return LetterBatch(households=[], too_many=True)
    return _batch(households_visible(actor=actor).filter(public_id__in=ids), cap)


def households_for_letters_without_account(
    *, actor: Actor, filters: HouseholdFilters, cap: int
) -> LetterBatch:
    """Every household matching ``filters`` that has no portal account yet. One query."""
    households = households_filtered(actor=actor, filters=filters).filter(
        account_status=AccountStatus.NONE
    )
    return _batch(households, cap)
