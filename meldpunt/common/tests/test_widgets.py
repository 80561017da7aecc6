"""FastSelect writes the same markup as Django's Select, only faster."""

from __future__ import annotations

import re

import pytest
from django import forms

from meldpunt.common.widgets import FastSelect

CHOICES = [
    ("", "Any"),
    ("a", "Plain"),
    ("b", 'Tags <b>and</b> & "quotes"'),
    ("Group <1>", [("c", "Inside"), ("d", "Also inside")]),
    (5, "A number"),
]


def _normalised(html: str) -> str:
    html = re.sub(r">\s+<", "><", html.strip())
    # Attribute order differs; compare the opening tag's attributes as a set.
    head, rest = html.split(">", 1)
    return " ".join(sorted(head.removeprefix("<select").split())) + ">" + rest


@pytest.mark.parametrize("value", ["", "b", "d", "5", "unknown"])
def test_fast_select_matches_djangos_select(value):
    class Reference(forms.Form):
        pick = forms.ChoiceField(choices=CHOICES, required=False)

    class Fast(forms.Form):
        pick = forms.ChoiceField(choices=CHOICES, required=False, widget=FastSelect)

    expected = str(Reference({"pick": value})["pick"])
    actual = str(Fast({"pick": value})["pick"])
    assert _normalised(actual) == _normalised(expected)
    assert "<b>" not in actual and "&lt;b&gt;" in actual


def test_fast_select_keeps_attributes_and_marks_one_choice():
    widget = FastSelect(attrs={"class": "filter", "aria-describedby": "help"})
    widget.choices = [("x", "X"), ("y", "Y")]
    html = widget.render("f", "y", attrs={"id": "id_f", "required": True})
    assert 'class="filter"' in html and 'aria-describedby="help"' in html
    assert 'id="id_f"' in html and "required" in html and 'name="f"' in html
    assert html.count(" selected") == 1 and '<option value="y" selected>Y</option>' in html
