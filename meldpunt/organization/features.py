"""Portal feature toggles (SPEC ADM-SET) and their hierarchy (SPEC A-11).

Switching a parent off hides everything under it, whatever the child's own
setting says.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True, slots=True)
class Feature:
    key: str
    label: Promise
    parent: str | None = None
    default: bool = True


FEATURES: tuple[Feature, ...] = (
    Feature("household_data", _("Household data")),
    Feature("password_change", _("Password change"), parent="household_data"),
    Feature("contracts", _("Contracts")),
    Feature("unit_details", _("Unit details"), parent="contracts"),
    Feature("payment_method_change", _("Payment method change"), parent="contracts"),
    Feature("end_tenancy", _("End tenancy"), parent="contracts"),
    Feature("valuation_points", _("Valuation points"), parent="contracts"),
    Feature("contract_documents", _("Contract documents"), parent="contracts"),
    Feature("repair_overview", _("Repair overview")),
    Feature("new_repair_request", _("New repair request"), parent="repair_overview"),
    Feature("planned_maintenance", _("Planned maintenance"), parent="repair_overview"),
    Feature("balance", _("Balance")),
    Feature("online_payment", _("Online payment"), parent="balance"),
    Feature("payments", _("Payments"), parent="balance"),
    Feature("payment_arrangements", _("Payment arrangements"), parent="balance"),
    Feature("timeline", _("Timeline")),
    Feature("other_actions", _("Other actions")),
    Feature("documents", _("Documents")),
    Feature("contact", _("Contact")),
    Feature("news", _("News")),
)

FEATURES_BY_KEY: dict[str, Feature] = {feature.key: feature for feature in FEATURES}
FEATURE_CHOICES = [(feature.key, feature.label) for feature in FEATURES]


def effective_features(stored: dict[str, bool]) -> dict[str, bool]:
    """Each feature's effective state: its own switch, and every ancestor's."""
    result: dict[str, bool] = {}
    for feature in FEATURES:
        own = stored.get(feature.key, feature.default)
        parent_on = result.get(feature.parent, True) if feature.parent else True
        result[feature.key] = own and parent_on
    return result
