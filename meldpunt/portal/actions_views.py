"""The portal's actions page (SPEC POR-9): the tenant starts an interaction.

Feature "other actions" (off: 404). The household comes from
``request.tenant`` only; the interaction is recorded with
``request.tenant.actor``, so an agent viewing as the tenant is stamped (A-8).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from meldpunt.interactions.portal_actions import portal_action_contracts, portal_action_record
from meldpunt.portal.actions_forms import ActionForm
from meldpunt.portal.tenant import TenantRequest, tenant_required

FEATURE = "other_actions"


@tenant_required(feature=FEATURE)
@require_http_methods(["GET", "POST"])
def actions(request: TenantRequest) -> HttpResponse:
    tenant = request.tenant
    contracts = portal_action_contracts(household=tenant.household)
    form = ActionForm(request.POST or None, contracts=contracts)
    if request.method == "POST" and form.is_valid():
        try:
            portal_action_record(
                actor=tenant.actor,
                household=tenant.household,
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                contract=form.chosen_contract(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("portal:actions_sent")
    status = 422 if form.errors else 200
    return render(request, "portal/tenant/actions.html", {"form": form}, status=status)


@tenant_required(feature=FEATURE)
@require_GET
def actions_sent(request: TenantRequest) -> HttpResponse:
    return render(request, "portal/tenant/actions_sent.html")
