"""The portal's phone rule (SPEC POR-4): a table of cases and properties over many inputs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meldpunt.people.phone_rules import PhoneRuleError, phone_rule_errors, phone_rule_passes

E = PhoneRuleError


@pytest.mark.parametrize(
    ("raw", "errors"),
    [
        ("0612345678", []),
        ("06 12345678", []),
        ("06-12345678", []),
        ("(030) 123 4567", []),
        ("(0)30-1234567", []),
        ("(070) 123 45 67", []),
        ("(0031) 6 1234 5678", [E.DIGIT_COUNT]),  # 13 digits
        ("+31 6 12345678", []),
        ("+31 (0)6 12345678", []),
        ("+47 412 34 567", []),
        ("  0612345678  ", []),
        ("031612345678", []),  # 12 digits
        ("", [E.EMPTY]),
        ("   ", [E.EMPTY]),
        ("061234567", [E.DIGIT_COUNT]),  # 9 digits
        ("0031612345678", [E.DIGIT_COUNT]),  # 13 digits
        ("06-1234-5678", [E.HYPHENS]),
        ("06.12345678", [E.CHARACTERS]),
        ("06 1234567a", [E.CHARACTERS, E.DIGIT_COUNT]),
        ("0612345678 ext", [E.CHARACTERS]),
        ("++31612345678", [E.CHARACTERS]),
        ("06+12345678", [E.CHARACTERS]),
        ("(03012) 34567", [E.PARENTHESES]),  # five digits inside
        ("() 0612345678", [E.PARENTHESES]),
        ("(0 30) 1234567", [E.PARENTHESES]),
        ("(030) (123) 4567", [E.PARENTHESES]),
        ("030) 1234567", [E.PARENTHESES]),
        (")030( 1234567", [E.PARENTHESES]),
        ("０６１２３４５６７８", [E.CHARACTERS, E.DIGIT_COUNT]),  # full-width digits
    ],
)
def test_phone_rule_table(raw, errors):
    assert phone_rule_errors(raw) == errors
    assert phone_rule_passes(raw) == (not errors)


digits = st.text(alphabet="0123456789", min_size=10, max_size=12)


@given(digits)
def test_ten_to_twelve_digits_pass(number):
    assert phone_rule_passes(number)
    assert phone_rule_passes("+" + number)


@given(digits, st.lists(st.integers(min_value=1, max_value=11), max_size=4))
def test_spaces_anywhere_inside_do_not_matter(number, cuts):
    spaced = number
    for cut in sorted(set(cuts), reverse=True):
        if cut < len(spaced):
            spaced = spaced[:cut] + " " + spaced[cut:]
    assert phone_rule_passes(spaced)


@given(st.text(alphabet="0123456789", min_size=0, max_size=30))
def test_only_ten_to_twelve_digits_pass(number):
    assert phone_rule_passes(number) == (10 <= len(number) <= 12)


@given(digits, st.integers(min_value=1, max_value=9), st.integers(min_value=1, max_value=9))
def test_one_hyphen_passes_two_do_not(number, first, second):
    one = number[:first] + "-" + number[first:]
    assert phone_rule_passes(one)
    at = min(second, len(one))
    two = one[:at] + "-" + one[at:]
    assert E.HYPHENS in phone_rule_errors(two)


@given(st.integers(min_value=1, max_value=4), st.integers(min_value=6, max_value=8))
def test_parentheses_around_one_to_four_digits_pass(inside, outside):
    number = f"({'0' * inside}) {'1' * outside}"
    total = inside + outside
    assert phone_rule_passes(number) == (10 <= total <= 12)
    assert E.PARENTHESES not in phone_rule_errors(number)


@given(st.characters().filter(lambda c: c not in "0123456789 ()-+" and not c.isspace()))
def test_any_other_character_breaks_the_rule(char):
    assert E.CHARACTERS in phone_rule_errors("06123" + char + "45678")
