"""What the organization page gathers: closed days, feature tree, colours."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from meldpunt.backoffice.organization_page import organization_overview
from meldpunt.organization.models import ClosedDay, FeatureToggle, Organization

pytestmark = pytest.mark.django_db

# Monday 1 December 2025: the window runs to Thursday 29 January 2026.
TODAY = date(2025, 12, 1)


def closed(organization: Organization) -> dict[date, tuple[str, bool]]:
    with translation.override("en"):
        overview = organization_overview(organization=organization, today=TODAY)
    return {row.day: (row.reason, row.own) for row in overview.closed_days}


def test_the_window_is_sixty_days(organization):
    overview = organization_overview(organization=organization, today=TODAY)
    assert overview.closed_from == TODAY
    assert overview.closed_until == date(2026, 1, 29)


def test_national_holidays_are_listed_and_plain_weekends_are_not(organization):
    days = closed(organization)
    assert days[date(2025, 12, 25)] == ("Christmas Day", False)
    assert days[date(2026, 1, 1)] == ("New Year's Day", False)
    assert date(2025, 12, 6) not in days  # an ordinary Saturday
    assert all(day.weekday() < 5 or not own for day, (_, own) in days.items())


def test_own_closed_days_are_listed_even_on_a_weekend(organization):
    ClosedDay.objects.create(
        organization=organization, date=date(2025, 12, 24), reason="Kerstavond"
    )
    ClosedDay.objects.create(organization=organization, date=date(2025, 12, 13), reason="")
    days = closed(organization)
    assert days[date(2025, 12, 24)] == ("Kerstavond", True)
    assert days[date(2025, 12, 13)] == ("Closed", True)


def test_an_own_reason_on_a_holiday_counts_as_an_own_closed_day(organization):
    ClosedDay.objects.create(
        organization=organization, date=date(2025, 12, 25), reason="Kerst, kantoor dicht"
    )
    assert closed(organization)[date(2025, 12, 25)] == ("Kerst, kantoor dicht", True)


def test_closed_days_outside_the_window_are_left_out(organization):
    ClosedDay.objects.create(organization=organization, date=date(2026, 1, 30), reason="Later")
    ClosedDay.objects.create(organization=organization, date=date(2025, 11, 30), reason="Before")
    reasons = {reason for reason, _ in closed(organization).values()}
    assert not {"Later", "Before"} & reasons


def test_norwegian_holidays_for_a_norwegian_organization(organization):
    organization.country = Organization.Country.NORWAY
    organization.save(update_fields=["country"])
    days = closed(organization)
    assert date(2025, 12, 26) in days  # Second day of Christmas
    assert date(2025, 12, 24) not in days  # not a public holiday in Norway


def test_feature_rows_form_a_tree_with_effective_states(organization):
    FeatureToggle.objects.create(organization=organization, key="contracts", enabled=False)
    FeatureToggle.objects.create(organization=organization, key="news", enabled=False)
    features = organization_overview(organization=organization, today=TODAY).features
    by_key = {row.key: row for row in features}
    contracts = by_key["contracts"]
    assert contracts.own is False
    assert contracts.effective is False
    children = {row.key: row for row in contracts.children}
    assert set(children) == {
        "unit_details",
        "payment_method_change",
        "end_tenancy",
        "valuation_points",
        "contract_documents",
    }
    assert all(row.own and not row.effective and row.hidden_by_parent for row in children.values())
    assert by_key["news"].hidden_by_parent is False
    assert by_key["household_data"].effective is True


def test_colour_rows_show_stored_colours_over_the_defaults(organization):
    organization.colours = {"menu-bg": "#000000"}
    organization.save(update_fields=["colours"])
    colours = organization_overview(organization=organization, today=TODAY).colours
    assert len(colours) == 17
    assert [row.slot.number for row in colours] == list(range(1, 18))
    menu = colours[0]
    assert (menu.slot.css_name, menu.colour, menu.is_default) == ("menu-bg", "#000000", False)
    assert colours[1].is_default


def test_an_organization_not_yet_saved_gives_an_empty_overview(db):
    overview = organization_overview(organization=Organization(name="Meldpunt"), today=TODAY)
    assert overview.opening_hours == []
    assert overview.closed_days == []
    assert all(row.effective for row in overview.features)


def test_the_page_runs_three_queries_for_its_content(organization, django_assert_num_queries):
    with django_assert_num_queries(3):
        organization_overview(organization=organization, today=TODAY)
