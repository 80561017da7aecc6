"""Staff pages. Each view parses its input, calls selectors and renders."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from meldpunt.accounts.models import StaffRole, User
from meldpunt.accounts.permissions import staff_required
from meldpunt.accounts.tenant_login import portal_account_settings_update
from meldpunt.backoffice.forms import ContactFilterForm, UnitFilterForm
from meldpunt.backoffice.organization_forms import IncidentSettingsForm, PortalAccountSettingsForm
from meldpunt.backoffice.organization_page import organization_overview
from meldpunt.common.actors import Actor
from meldpunt.organization.selectors import organization_for_request
from meldpunt.organization.services import organization_incident_settings_update
from meldpunt.people.selectors import contact_counts, contact_search
from meldpunt.properties.selectors import complex_get, complex_unit_types, unit_get, unit_owner
from meldpunt.tenancy.selectors import complex_units_page, stock_overview, unit_tenancy


def _actor(request: HttpRequest) -> Actor:
    return Actor.staff(cast(User, request.user))


@require_safe
@staff_required()
def home(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    context = {
        "overview": stock_overview(actor=actor),
        "contact_counts": contact_counts(actor=actor),
    }
    return render(request, "backoffice/home.html", context)


@require_safe
@staff_required()
def complex_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    complex = complex_get(actor=actor, public_id=public_id)
    unit_types = complex_unit_types(actor=actor, complex=complex)
    form = UnitFilterForm(request.GET, complex=complex, unit_types=unit_types)
    page = complex_units_page(
        actor=actor,
        complex=complex,
        building_block=form.building_block,
        unit_type=form.unit_type,
        cursor=request.GET.get("cursor"),
    )
    context = {"complex": complex, "form": form, "page": page}
    return render(request, "backoffice/complex_detail.html", context)


@require_safe
@staff_required()
def unit_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    unit = unit_get(actor=actor, public_id=public_id)
    context = {
        "unit": unit,
        "owner": unit_owner(unit),
        "tenancy": unit_tenancy(actor=actor, unit=unit),
    }
    return render(request, "backoffice/unit_detail.html", context)


@require_safe
@staff_required()
def contact_list(request: HttpRequest) -> HttpResponse:
    form = ContactFilterForm(request.GET)
    page = contact_search(
        actor=_actor(request),
        filters=form.filters(),
        cursor=request.GET.get("cursor"),
        region=organization_for_request(request).country,
    )
    template = "backoffice/contact_list.html"
    # Search-as-you-type swaps only the results; a reload or history visit gets the page.
    if request.htmx and not request.htmx.history_restore_request:  # type: ignore[attr-defined]
        template += "#results"
    response = render(request, template, {"form": form, "page": page})
    patch_vary_headers(response, ["HX-Request"])
    return response


def _organization_page(
    request: HttpRequest,
    incident_form: IncidentSettingsForm | None = None,
    status: int = 200,
    portal_accounts_form: PortalAccountSettingsForm | None = None,
) -> HttpResponse:
    current = organization_for_request(request)
    context = {
        "overview": organization_overview(organization=current),
        "incident_form": incident_form or IncidentSettingsForm.for_organization(current),
        "portal_accounts_form": portal_accounts_form
        or PortalAccountSettingsForm.for_organization(current),
    }
    return render(request, "backoffice/organization.html", context, status=status)


@require_safe
@staff_required(StaffRole.ADMIN)
def organization(request: HttpRequest) -> HttpResponse:
    return _organization_page(request)


@require_POST
@staff_required(StaffRole.ADMIN)
def organization_incident_settings(request: HttpRequest) -> HttpResponse:
    """Save the incident settings of the organization page (administrators)."""
    form = IncidentSettingsForm(request.POST)
    current = organization_for_request(request)
    if form.is_valid() and current.pk is not None:
        try:
            organization_incident_settings_update(
                actor=_actor(request),
                organization=current,
                first_responder_becomes_handler=form.cleaned_data[
                    "first_responder_becomes_handler"
                ],
                duplicate_window_hours=form.cleaned_data["duplicate_window_hours"],
                reminder_first_after_hours=form.cleaned_data["reminder_first_after_hours"],
                reminder_max=form.cleaned_data["reminder_max"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The incident settings are saved."))
            return redirect(f"{reverse('backoffice:organization')}#incident-settings")
    elif current.pk is None:
        form.add_error(None, _("Set up the organization first."))
    return _organization_page(request, form, status=422)


@require_POST
@staff_required(StaffRole.ADMIN)
def organization_portal_account_settings(request: HttpRequest) -> HttpResponse:
    """Save the "Portal accounts" settings of the organization page (administrators)."""
    form = PortalAccountSettingsForm(request.POST)
    current = organization_for_request(request)
    if form.is_valid() and current.pk is not None:
        try:
            portal_account_settings_update(
                actor=_actor(request), organization=current, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The portal account settings are saved."))
            return redirect(f"{reverse('backoffice:organization')}#portal-account-settings")
    elif current.pk is None:
        form.add_error(None, _("Set up the organization first."))
    return _organization_page(request, status=422, portal_accounts_form=form)
