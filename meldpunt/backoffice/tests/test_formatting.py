"""Money, postcodes and phone numbers as the reader's language expects them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from meldpunt.backoffice.templatetags.meldpunt_ui import currency_for_country, format_money
from meldpunt.organization.models import Organization


@pytest.mark.parametrize(
    ("language", "value", "decimals", "expected"),
    [
        ("nl", Decimal("245000.00"), 0, "€\xa0245.000"),
        ("nl", Decimal("712.35"), 2, "€\xa0712,35"),
        ("nl", Decimal("1234567.5"), 2, "€\xa01.234.567,50"),
        ("en", Decimal("245000.00"), 0, "€245,000"),
        ("en", Decimal("712.35"), 2, "€712.35"),
        ("nb", Decimal("245000.00"), 0, "245\xa0000\xa0€"),
        ("nb", Decimal("48.5"), 2, "48,50\xa0€"),
        ("nl", "650.00", 2, "€\xa0650,00"),
        ("nl", 0, 2, "€\xa00,00"),
    ],
)
def test_format_money_follows_the_language(language, value, decimals, expected):
    with translation.override(language):
        assert format_money(value, currency="EUR", decimals=decimals) == expected


def test_format_money_in_norwegian_kroner():
    with translation.override("nb"):
        assert format_money(Decimal("8950"), currency="NOK", decimals=0) == "8\xa0950\xa0kr"


@pytest.mark.parametrize("value", [None, ""])
def test_format_money_of_nothing_is_empty(value):
    assert format_money(value) == ""


def test_format_money_leaves_text_that_is_no_number_alone():
    assert format_money("n/a") == "n/a"


def test_the_currency_follows_the_organizations_country():
    assert currency_for_country("NL") == "EUR"
    assert currency_for_country("NO") == "NOK"
    assert currency_for_country("") == "EUR"


def render(source: str, **context: object) -> str:
    return Template("{% load meldpunt_ui %}" + source).render(Context(context))


def test_money_tag_uses_the_organizations_currency():
    norway = Organization(name="Boligselskap", country="NO")
    with translation.override("nb"):
        assert render("{% money v 0 %}", v=Decimal("12000"), organization=norway) == (
            "12\xa0000\xa0kr"
        )
    with translation.override("nl"):
        assert render("{% money v %}", v=Decimal("12.5")) == "€\xa012,50"


@pytest.mark.parametrize(
    ("stored", "shown"), [("1234AB", "1234 AB"), ("0150", "0150"), ("", ""), (None, "")]
)
def test_postcode_filter(stored, shown):
    assert render("{{ v|postcode }}", v=stored) == shown


@pytest.mark.parametrize(
    ("stored", "region", "shown"),
    [
        ("+31612345678", "NL", "06 12345678"),
        ("+31201234567", "NL", "020 123 4567"),
        ("+4722334455", "NL", "+47 22 33 44 55"),
        ("+4722334455", "NO", "22 33 44 55"),
        ("", "NL", ""),
    ],
)
def test_phone_filter(stored, region, shown):
    assert render("{{ v|phone:r }}", v=stored, r=region) == shown
