"""The tenant portal's menu and the home page's quick links (SPEC POR-1, A-11).

One list drives both: an entry shows when its feature is on (a parent
switched off hides its children) and its page exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from meldpunt.organization.selectors import features_effective, organization_for_request


@dataclass(frozen=True, slots=True)
class MenuEntry:
    key: str
    url_name: str
    label: Promise
    icon: str
    feature: str | None = None
    quick_link: bool = True


@dataclass(frozen=True, slots=True)
class MenuItem:
    key: str
    url: str
    label: str
    icon: str
    current: bool
    quick_link: bool


MENU: tuple[MenuEntry, ...] = (
    MenuEntry("home", "portal:home", _("Home"), "home", quick_link=False),
    MenuEntry("maintenance", "portal:maintenance", _("Maintenance"), "key", "repair_overview"),
    MenuEntry("details", "portal:details", _("My details"), "user", "household_data"),
    MenuEntry("finance", "portal:finance", _("Finance"), "file", "balance"),
    MenuEntry("end_tenancy", "portal:end_tenancy", _("End tenancy"), "door", "end_tenancy"),
    MenuEntry("timeline", "portal:timeline", _("Timeline"), "clock", "timeline"),
    MenuEntry("actions", "portal:actions", _("Actions"), "mail", "other_actions"),
)


def portal_menu(request: HttpRequest) -> list[MenuItem]:
    features = features_effective(organization=organization_for_request(request))
    match = request.resolver_match
    current = match.view_name if match is not None else ""
    items = []
    for entry in MENU:
        if entry.feature is not None and not features.get(entry.feature, False):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue  # a page this installation does not have yet
        items.append(
            MenuItem(
                key=entry.key,
                url=url,
                label=str(entry.label),
                icon=entry.icon,
                current=current == entry.url_name,
                quick_link=entry.quick_link,
            )
        )
    return items
