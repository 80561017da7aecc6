from datetime import date

import pytest
from django.core.exceptions import ValidationError

from meldpunt.common.actors import Actor
from meldpunt.organization.calendar import closed_days_between, is_working_day
from meldpunt.organization.features import FEATURES, effective_features
from meldpunt.organization.services import closed_day_add
from meldpunt.organization.theme import (
    COLOUR_SLOTS,
    DEFAULT_COLOURS,
    theme_stylesheet,
    validate_colours,
)
from tests.factories import OrganizationFactory


def test_every_feature_is_on_by_default():
    assert all(effective_features({}).values())
    assert len(FEATURES) == 20


def test_switching_a_parent_off_hides_its_children():
    effective = effective_features({"balance": False, "password_change": True})
    assert effective["balance"] is False
    assert effective["online_payment"] is False
    assert effective["payment_arrangements"] is False
    assert effective["password_change"] is True


def test_a_child_can_be_off_while_its_parent_is_on():
    effective = effective_features({"contracts": True, "end_tenancy": False})
    assert effective["contracts"] is True
    assert effective["end_tenancy"] is False
    assert effective["unit_details"] is True


def test_there_are_seventeen_numbered_colour_slots():
    assert [slot.number for slot in COLOUR_SLOTS] == list(range(1, 18))
    assert len(DEFAULT_COLOURS) == 17


def test_theme_stylesheet_uses_stored_colours_and_fills_gaps_with_defaults():
    css = theme_stylesheet({"menu-bg": "#000000", "unknown": "#ffffff"})
    assert "--colour-menu-bg: #000000;" in css
    assert f"--colour-button-bg: {DEFAULT_COLOURS['button-bg']};" in css
    assert "unknown" not in css


@pytest.mark.parametrize(
    "value",
    [
        {"menu-bg": "red"},
        {"menu-bg": "#12345"},
        {"nope": "#123456"},
        ["#123456"],
        {"menu-bg": "#12345g"},
    ],
)
def test_invalid_colours_are_rejected(value):
    with pytest.raises(ValidationError):
        validate_colours(value)


@pytest.mark.django_db
def test_dutch_national_holidays_and_weekends_are_closed():
    organization = OrganizationFactory(country="NL")
    closed = closed_days_between(organization, date(2026, 4, 25), date(2026, 4, 28))
    assert date(2026, 4, 27) in closed  # King's Day
    assert date(2026, 4, 25) in closed and date(2026, 4, 26) in closed  # weekend
    assert date(2026, 4, 28) not in closed
    assert is_working_day(organization, date(2026, 4, 28))
    assert not is_working_day(organization, date(2026, 12, 25))


@pytest.mark.django_db
def test_norwegian_constitution_day_is_closed_for_a_norwegian_organization():
    organization = OrganizationFactory(country="NO")
    assert not is_working_day(organization, date(2026, 5, 25))  # Whit Monday 2026
    assert not is_working_day(organization, date(2027, 5, 17))
    assert is_working_day(organization, date(2027, 5, 18))


@pytest.mark.django_db
def test_own_closed_days_count_and_keep_their_reason():
    organization = OrganizationFactory()
    closed_day_add(
        actor=Actor.system(), organization=organization, day=date(2026, 5, 15), reason="Brugdag"
    )
    closed = closed_days_between(organization, date(2026, 5, 15), date(2026, 5, 15))
    assert closed == {date(2026, 5, 15): "Brugdag"}


@pytest.mark.django_db
def test_an_empty_range_is_empty():
    organization = OrganizationFactory()
    assert closed_days_between(organization, date(2026, 5, 2), date(2026, 5, 1)) == {}
