"""Finding the home a public report is about (SPEC INT-1), without telling who lives there."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from meldpunt.intake.selectors import (
    UnitMatch,
    UnitQuery,
    client_ip,
    client_ip_hash,
    split_house_number,
    unit_resolve,
)
from tests.factories import ContractFactory, HouseholdFactory, UnitFactory

pytestmark = pytest.mark.django_db


def errors_of(query: UnitQuery) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        unit_resolve(query=query)
    return caught.value.message_dict


def codes_of(query: UnitQuery) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        unit_resolve(query=query)
    return {error.code for errors in caught.value.error_dict.values() for error in errors}


def test_postcode_house_number_and_addition_find_the_home_and_its_household(place):
    match = unit_resolve(query=UnitQuery(postcode="3521 kl", house_number="12", addition="a"))
    assert match.unit == place.unit
    assert match.household == place.household
    assert match.address_typed is True


def test_the_addition_may_be_typed_with_the_house_number(place):
    assert unit_resolve(query=UnitQuery(postcode="3521KL", house_number="12-A")).unit == place.unit
    assert unit_resolve(query=UnitQuery(postcode="3521KL", house_number="12 a")).unit == place.unit


def test_a_single_home_at_a_number_is_found_without_its_addition(place):
    assert unit_resolve(query=UnitQuery(postcode="3521KL", house_number="12")).unit == place.unit


def test_several_homes_at_a_number_ask_for_the_addition(place, empty_unit):
    errors = errors_of(UnitQuery(postcode="3521KL", house_number="12"))
    assert list(errors) == ["addition"]
    assert codes_of(UnitQuery(postcode="3521KL", house_number="12")) == {"addition_needed"}
    assert (
        unit_resolve(query=UnitQuery(postcode="3521KL", house_number="12", addition="B")).unit
        == empty_unit
    )


def test_a_blank_addition_means_the_home_without_one_when_there_is_one(place):
    plain = UnitFactory(
        complex=place.complex, street="Merelstraat", house_number=12, postcode="3521KL"
    )
    assert unit_resolve(query=UnitQuery(postcode="3521KL", house_number="12")).unit == plain


def test_an_unknown_addition_is_said_next_to_the_addition(place):
    assert codes_of(UnitQuery(postcode="3521KL", house_number="12", addition="Z")) == {
        "unknown_addition"
    }


def test_an_unknown_address_is_said_next_to_the_postcode(place):
    errors = errors_of(UnitQuery(postcode="9999ZZ", house_number="1"))
    assert list(errors) == ["postcode"]
    assert "cannot find" in errors["postcode"][0]


def test_malformed_postcode_and_house_number_are_each_reported(place):
    errors = errors_of(UnitQuery(postcode="hello", house_number="twelve"))
    assert set(errors) == {"postcode", "house_number"}


def test_nothing_at_all_asks_for_an_address_or_tenant_number(place):
    assert codes_of(UnitQuery()) == {"no_address"}


def test_a_tenant_number_finds_the_home_of_the_running_contract(place):
    match = unit_resolve(query=UnitQuery(tenant_number=" h700123 "))
    assert match.unit == place.unit
    assert match.household == place.household
    assert match.address_typed is False


def test_a_tenant_number_wins_over_an_address(place, empty_unit):
    match = unit_resolve(
        query=UnitQuery(postcode="3521KL", house_number="12", addition="B", tenant_number="H700123")
    )
    assert match.unit == place.unit


def test_an_unknown_or_ended_tenant_number_is_not_found(place):
    assert codes_of(UnitQuery(tenant_number="H000000")) == {"unknown_tenant_number"}
    former = HouseholdFactory(tenant_number="H100001")
    ContractFactory(
        household=former, unit=place.unit, start_date=date(2010, 1, 1), end_date=date(2018, 12, 31)
    )
    assert codes_of(UnitQuery(tenant_number="H100001")) == {"unknown_tenant_number"}


def test_an_empty_home_has_no_household(empty_unit):
    match = unit_resolve(query=UnitQuery(postcode="3521KL", house_number="12", addition="B"))
    assert match.unit == empty_unit
    assert match.household is None


def test_the_messages_are_the_same_for_a_let_and_an_empty_home(place, empty_unit):
    """Nothing a visitor reads tells whether someone lives at an address."""
    let = UnitQuery(postcode="3521KL", house_number="12", addition="Q")
    assert errors_of(let) == errors_of(dataclasses.replace(let, addition="R"))
    fields = {field.name for field in dataclasses.fields(UnitMatch)}
    assert fields == {"unit", "household", "address_typed"}


def test_house_numbers_are_split_into_number_and_addition():
    assert split_house_number("12") == (12, "")
    assert split_house_number(" 12a ") == (12, "A")
    assert split_house_number("12-2") == (12, "2")
    assert split_house_number("١٢") == (12, "")  # typed on an Arabic keyboard
    assert split_house_number("🏠") == (None, "")


def test_the_client_address_comes_from_the_proxy_only_when_it_is_trusted(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7")
    settings.MELDPUNT_TRUSTED_PROXY = ""
    assert client_ip(request) == "10.0.0.5"
    settings.MELDPUNT_TRUSTED_PROXY = "10.0.0.5"
    assert client_ip(request) == "192.0.2.7"
    other = factory.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="192.0.2.8")
    assert client_ip(other) == "10.0.0.9"


def test_the_client_hash_is_keyed_and_never_the_address(settings):
    first = client_ip_hash("192.0.2.7")
    assert "192.0.2.7" not in first and len(first) == 64
    assert client_ip_hash("192.0.2.7") == first
    settings.SECRET_KEY = "another-secret-key-for-this-test-0123456789abcdef"
    assert client_ip_hash("192.0.2.7") != first
    assert client_ip_hash("") == ""


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Error texts are asserted in English; the interface default is Dutch."""
    from django.utils import translation

    with translation.override("en"):
        yield
