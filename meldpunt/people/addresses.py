"""Correspondence addresses: finding a Dutch street and city by postcode and
house number, and writing an address on one line (SPEC POR-5, A-12).

The lookup uses our own data, no outside service: the units we let (indexed
on postcode and house number) and, failing that, the correspondence
addresses households already gave us. In the Netherlands a postcode and a
house number name one street in one city, so the addition does not matter
for the lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from phonenumbers.geodata.locale import LOCALE_DATA

from meldpunt.people.models import Household
from meldpunt.properties.models import Unit
from meldpunt.properties.postcodes import display_postcode, normalize_postcode

# Countries whose addresses are looked up by postcode + house number.
LOOKUP_COUNTRIES = frozenset({"NL"})
HOUSE_NUMBER_MAX = 99999


@dataclass(frozen=True, slots=True)
class FoundAddress:
    street: str
    city: str
    postcode: str  # normalised: 1234AB


def address_lookup(*, postcode: str, house_number: int) -> FoundAddress | None:
    """Street and city of a Dutch postcode + house number, or None when we do not know it.

    Raises ``ValidationError`` for a postcode that is not Dutch-shaped.
    """
    code = normalize_postcode(postcode, country="NL")
    if not 0 < house_number <= HOUSE_NUMBER_MAX:
        raise ValidationError(_("Enter a house number."), code="invalid_house_number")
    for model in (Unit, Household):
        row = (
            model.objects.filter(postcode=code, house_number=house_number)
            .exclude(street="")
            .exclude(city="")
            .values("street", "city")
            .first()
        )
        if row is not None:
            return FoundAddress(street=row["street"], city=row["city"], postcode=code)
    return None


@cache
def _country_names(language: str) -> dict[str, str]:
    """Country names by region code in ``language``, English where a name is missing.

    The names come with ``phonenumbers`` (its geocoder's locale data), so no
    country list is kept here. Entries like ``"*aa"`` point at another
    language's name.
    """
    names: dict[str, str] = {}
    for region, by_language in LOCALE_DATA.items():
        if len(region) != 2 or not region.isalpha():
            continue
        name = by_language.get(language) or by_language.get("aa") or region
        while name.startswith("*"):
            name = by_language.get(name[1:]) or region
        names[region] = name
    return names


def is_country(code: str) -> bool:
    return code in _country_names("en")


def country_name(code: str) -> str:
    language = (translation.get_language() or "nl").split("-")[0]
    return _country_names(language).get(code, code)


def country_choices() -> list[tuple[str, str]]:
    """Every country as ``(code, name)`` in the active language, sorted by name."""
    language = (translation.get_language() or "nl").split("-")[0]
    names = _country_names(language)
    return sorted(names.items(), key=lambda item: item[1].casefold())


def address_one_line(household: Household, *, home_country: str) -> str:
    """The correspondence address on one line, the country named only when foreign."""
    number = household.address_line
    parts = [number] if number else []
    place = " ".join(
        part for part in (display_postcode(household.postcode), household.city) if part
    )
    if place:
        parts.append(place)
    if household.country and household.country != home_country:
        parts.append(country_name(household.country))
    return ", ".join(parts)
