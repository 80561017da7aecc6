"""The tenant portal's home page and timeline (SPEC POR-1, POR-8, A-8, A-11).

Both serve the household on ``request.tenant`` only.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from meldpunt.accounts.welcome import account_welcome_seen
from meldpunt.common.markdown import markdown_html
from meldpunt.common.pagination import newest_first_page
from meldpunt.interactions.models import InteractionKind
from meldpunt.interactions.selectors import interactions_for_portal
from meldpunt.organization.selectors import organization_for_request
from meldpunt.portal.menu import portal_menu
from meldpunt.portal.tenant import TenantRequest, tenant_required

TIMELINE_PAGE_SIZE = 20
# The icon each section's interactions carry in the timeline (static/icons/icons.svg).
SECTION_ICONS = {
    InteractionKind.Section.ACCOUNT: "lock",
    InteractionKind.Section.MAINTENANCE: "key",
    InteractionKind.Section.DETAILS: "user",
    InteractionKind.Section.CONTRACT: "home",
    InteractionKind.Section.FINANCE: "file",
    InteractionKind.Section.ACTIONS: "mail",
}


@tenant_required
@require_GET
def home(request: TenantRequest) -> HttpResponse:
    """Greeting, the "do it directly" links, the welcome text at first login, contact."""
    tenant = request.tenant
    organization = organization_for_request(request)
    welcome = ""
    # Shown to the tenant until seen once; an agent viewing as them does not use it up.
    if tenant.account is not None and tenant.account.welcomed_at is None:
        welcome = markdown_html(organization.welcome_text)
        account_welcome_seen(account=tenant.account)
    context = {
        "household": tenant.household,
        "quick_links": [item for item in portal_menu(request) if item.quick_link],
        "welcome": welcome,
    }
    return render(request, "portal/tenant/home.html", context)


@tenant_required(feature="timeline")
@require_GET
def timeline(request: TenantRequest) -> HttpResponse:
    """The household's interactions flagged for the portal, newest first, paged."""
    page = newest_first_page(
        interactions_for_portal(household=request.tenant.household),
        cursor=request.GET.get("cursor"),
        size=TIMELINE_PAGE_SIZE,
    )
    entries = [
        (interaction, SECTION_ICONS.get(interaction.kind.section, "info"))
        for interaction in page.items
    ]
    return render(request, "portal/tenant/timeline.html", {"page": page, "entries": entries})
