"""The portal's rule for a phone number as a tenant types it (SPEC POR-4).

The rule looks at the characters only; whether the number exists is
``phones.normalize_phone``'s job (``phonenumbers``), which runs after it.

- 10, 11 or 12 digits;
- only digits, spaces, parentheses and hyphens;
- at most one hyphen;
- at most one pair of parentheses, around 1 to 4 digits: ``(030) 123 4567``;
- decision: one leading ``+`` is allowed too, so a number in international
  form (``+31 6 12345678``, ``+47 412 34 567``) passes. The ``+`` is not a
  digit and does not count; ``0031 6 …`` has 13 digits and does not pass,
  the message suggests ``+31`` instead.

Pure functions without Django: the rule is tested with a table and with
hypothesis (``tests/test_phone_rules.py``).
"""

from __future__ import annotations

import re
from enum import StrEnum

MIN_DIGITS = 10
MAX_DIGITS = 12
ALLOWED = frozenset("0123456789 ()-")
_PARENTHESES = re.compile(r"\(([0-9]{1,4})\)")


class PhoneRuleError(StrEnum):
    EMPTY = "empty"
    CHARACTERS = "characters"
    DIGIT_COUNT = "digit_count"
    HYPHENS = "hyphens"
    PARENTHESES = "parentheses"


def phone_rule_errors(raw: str) -> list[PhoneRuleError]:
    """Every part of the rule ``raw`` breaks, in a fixed order; empty when it passes.

    Leading and trailing spaces are ignored.
    """
    text = (raw or "").strip()
    if not text:
        return [PhoneRuleError.EMPTY]
    body = text[1:] if text.startswith("+") else text
    errors: list[PhoneRuleError] = []
    if any(char not in ALLOWED for char in body):
        errors.append(PhoneRuleError.CHARACTERS)
    digits = sum(char.isascii() and char.isdigit() for char in body)
    if not MIN_DIGITS <= digits <= MAX_DIGITS:
        errors.append(PhoneRuleError.DIGIT_COUNT)
    if body.count("-") > 1:
        errors.append(PhoneRuleError.HYPHENS)
    if not _parentheses_ok(body):
        errors.append(PhoneRuleError.PARENTHESES)
    return errors


def _parentheses_ok(body: str) -> bool:
    opening, closing = body.count("("), body.count(")")
    if opening == closing == 0:
        return True
    if opening != 1 or closing != 1:
        return False
    return _PARENTHESES.search(body) is not None


def phone_rule_passes(raw: str) -> bool:
    return not phone_rule_errors(raw)
