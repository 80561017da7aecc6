"""The list's short, translated relative age."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from meldpunt.backoffice.templatetags.relative_age import short_age_text

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "expected"),
    [
        (timedelta(seconds=0), "now"),
        (timedelta(seconds=59), "now"),
        (timedelta(minutes=1), "1 min"),
        (timedelta(minutes=59, seconds=59), "59 min"),
        (timedelta(hours=1), "1 h"),
        (timedelta(hours=5, minutes=30), "5 h"),
        (timedelta(hours=23, minutes=59), "23 h"),
        (timedelta(days=1), "1 d"),
        (timedelta(days=3, hours=2), "3 d"),
        (timedelta(days=29), "29 d"),
        (timedelta(days=30), "1 mo"),
        (timedelta(days=65), "2 mo"),
        (timedelta(days=364), "12 mo"),
        (timedelta(days=365), "1 y"),
        (timedelta(days=365 * 4 + 10), "4 y"),
    ],
)
def test_the_age_is_one_number_and_a_short_unit(ago, expected):
    with translation.override("en"):
        assert short_age_text(NOW - ago, now=NOW) == expected


def test_a_moment_in_the_future_reads_as_now():
    with translation.override("en"):
        assert short_age_text(NOW + timedelta(minutes=5), now=NOW) == "now"


def test_empty_values_give_nothing():
    assert short_age_text(None, now=NOW) == ""
    assert short_age_text("", now=NOW) == ""  # type: ignore[arg-type]
    assert short_age_text("yesterday", now=NOW) == ""  # type: ignore[arg-type]


def test_a_date_counts_from_its_midnight():
    with translation.override("en"), timezone.override("UTC"):
        assert short_age_text(date(2026, 3, 12), now=NOW) == "3 d"


def test_a_naive_datetime_is_read_in_the_current_time_zone():
    with translation.override("en"), timezone.override("UTC"):
        assert short_age_text(datetime(2026, 3, 15, 7, 0), now=NOW) == "5 h"


def test_the_filter_renders_in_a_template():
    template = Template("{% load relative_age %}{{ moment|short_age }}")
    moment = timezone.now() - timedelta(days=3, minutes=1)
    with translation.override("en"):
        assert template.render(Context({"moment": moment})) == "3 d"


def test_the_units_go_through_the_translation_catalogue(monkeypatch):
    seen: list[tuple[str, str]] = []

    def fake_pgettext(context: str, message: str) -> str:
        seen.append((context, message))
        return message.replace(" d", " dg")

    monkeypatch.setattr("meldpunt.backoffice.templatetags.relative_age.pgettext", fake_pgettext)
    assert short_age_text(NOW - timedelta(days=3), now=NOW) == "3 dg"
    assert seen == [("short age", "%(count)d d")]
