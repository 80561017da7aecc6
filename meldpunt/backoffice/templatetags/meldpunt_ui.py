"""Display helpers shared by the page templates: money, postcodes, phone numbers.

Values are stored one way (Decimal amounts, ``1234AB``, E.164) and shown the
way the reader's language and the organization's country expect.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import formats, translation

from meldpunt.people.phones import DEFAULT_REGION, format_phone
from meldpunt.properties.postcodes import display_postcode

register = template.Library()

CURRENCY_BY_COUNTRY = {"NL": "EUR", "NO": "NOK"}
CURRENCY_SYMBOLS = {"EUR": "€", "NOK": "kr"}
# Where the symbol goes per language; a non-breaking space keeps it on the amount's line.
MONEY_PATTERNS = {
    "nl": "{symbol}\xa0{amount}",
    "en": "{symbol}{amount}",
    "nb": "{amount}\xa0{symbol}",
}


def currency_for_country(country: str) -> str:
    return CURRENCY_BY_COUNTRY.get(country, "EUR")


def format_money(value: Any, *, currency: str = "EUR", decimals: int = 2) -> str:
    """``value`` as an amount in ``currency`` for the active language, e.g. ``€ 245.000``."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    number = formats.number_format(amount, decimal_pos=decimals, force_grouping=True)
    language = (translation.get_language() or "nl").split("-")[0]
    pattern = MONEY_PATTERNS.get(language, MONEY_PATTERNS["nl"])
    return pattern.format(symbol=CURRENCY_SYMBOLS.get(currency, currency), amount=number)


@register.simple_tag(takes_context=True)
def money(context: template.Context, value: Any, decimals: int = 2) -> str:
    """``{% money amount %}`` or ``{% money amount 0 %}``: in the organization's currency."""
    organization = context.get("organization")
    country = getattr(organization, "country", "NL") or "NL"
    return format_money(value, currency=currency_for_country(country), decimals=decimals)


@register.filter
def postcode(value: str | None) -> str:
    return display_postcode(value or "")


@register.filter
def phone(value: str | None, region: str | None = None) -> str:
    """An E.164 number in national form for the organization's country, else international."""
    return format_phone(value or "", region=region or DEFAULT_REGION)
