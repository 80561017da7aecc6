"""What the organization page shows, gathered in one place.

Editing forms (``organization_forms``) call ``organization.services``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext

from meldpunt.organization.calendar import closed_days_between, national_holidays
from meldpunt.organization.features import FEATURES, effective_features
from meldpunt.organization.models import OpeningHours, Organization
from meldpunt.organization.theme import COLOUR_SLOTS, ColourSlot, effective_colours

CLOSED_DAYS_AHEAD = 60


@dataclass(slots=True)
class FeatureRow:
    key: str
    label: Promise
    own: bool
    effective: bool
    children: list[FeatureRow] = field(default_factory=list)

    @property
    def hidden_by_parent(self) -> bool:
        return self.own and not self.effective


@dataclass(frozen=True, slots=True)
class ClosedDayRow:
    day: date
    reason: str
    own: bool


@dataclass(frozen=True, slots=True)
class ColourRow:
    slot: ColourSlot
    colour: str
    is_default: bool


@dataclass(frozen=True, slots=True)
class OrganizationOverview:
    organization: Organization
    opening_hours: list[OpeningHours]
    closed_days: list[ClosedDayRow]
    closed_from: date
    closed_until: date
    features: list[FeatureRow]
    colours: list[ColourRow]


def _feature_rows(stored: dict[str, bool]) -> list[FeatureRow]:
    effective = effective_features(stored)
    rows: dict[str, FeatureRow] = {}
    top: list[FeatureRow] = []
    for feature in FEATURES:
        row = FeatureRow(
            key=feature.key,
            label=feature.label,
            own=stored.get(feature.key, feature.default),
            effective=effective[feature.key],
        )
        rows[feature.key] = row
        parent = rows.get(feature.parent) if feature.parent else None
        (parent.children if parent else top).append(row)
    return top


def organization_overview(
    *, organization: Organization, today: date | None = None
) -> OrganizationOverview:
    """Details, opening hours, the coming closed days (holidays and the organization's
    own; plain weekends left out), feature toggles as a tree and the colour slots.
    Three queries."""
    today = today or timezone.localdate()
    until = today + timedelta(days=CLOSED_DAYS_AHEAD - 1)
    saved = organization.pk is not None
    hours = list(organization.opening_hours.all()) if saved else []
    stored = dict(organization.feature_toggles.values_list("key", "enabled")) if saved else {}
    closed: list[ClosedDayRow] = []
    if saved:
        holidays = national_holidays(organization.country, range(today.year, until.year + 1))
        weekend = gettext("Weekend")
        for day, reason in closed_days_between(organization, today, until).items():
            if day in holidays:
                # The organization's own reason wins over the holiday's name.
                closed.append(ClosedDayRow(day=day, reason=reason, own=reason != holidays[day]))
            elif day.weekday() < 5 or reason != weekend:
                closed.append(ClosedDayRow(day=day, reason=reason, own=True))
    colours = effective_colours(organization.colours or {})
    return OrganizationOverview(
        organization=organization,
        opening_hours=hours,
        closed_days=closed,
        closed_from=today,
        closed_until=until,
        features=_feature_rows(stored),
        colours=[
            ColourRow(
                slot=slot,
                colour=colours[slot.css_name],
                is_default=colours[slot.css_name].lower() == slot.default.lower(),
            )
            for slot in COLOUR_SLOTS
        ],
    )
