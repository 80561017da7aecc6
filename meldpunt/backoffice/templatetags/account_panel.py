"""``{% household_account_panel household as panel %}``: the household's account panel data.

Used by ``templates/backoffice/households/_account_panel.html`` (SPEC A-8), so
the household page only passes ``household``; two queries.
"""

from __future__ import annotations

from django import template

from meldpunt.accounts.account_selectors import HouseholdAccountPanel, household_account_panel
from meldpunt.people.models import Household

register = template.Library()


@register.simple_tag
def household_account_panel_for(household: Household) -> HouseholdAccountPanel:
    return household_account_panel(household=household)
