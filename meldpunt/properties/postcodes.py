"""Postcodes as people type them, stored one way: ``1234AB`` (NL) or ``0150`` (NO)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_NL = re.compile(r"^([1-9][0-9]{3})\s?([A-Za-z]{2})$")
_NO = re.compile(r"^[0-9]{4}$")


def normalize_postcode(raw: str, *, country: str = "NL") -> str:
    text = (raw or "").strip()
    if country == "NL":
        match = _NL.match(text)
        if not match:
            raise ValidationError(_("Enter a postcode like 1234 AB."), code="invalid_postcode")
        return f"{match.group(1)}{match.group(2).upper()}"
    if country == "NO":
        if not _NO.match(text):
            raise ValidationError(_("Enter a postcode of four digits."), code="invalid_postcode")
        return text
    return text.upper()


def display_postcode(value: str) -> str:
    if len(value) == 6 and value[:4].isdigit():
        return f"{value[:4]} {value[4:]}"
    return value
