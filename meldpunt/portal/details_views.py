"""The tenant's "My details" pages (SPEC POR-3, POR-4, POR-5, C-2, A-12).

Every page belongs to the feature "household data" (off: 404) and serves
the household on ``request.tenant`` only; a person id in the URL is looked up
inside that household, so another household's person is a 404. Every write
goes to one service of ``people.household_services`` with
``request.tenant.actor``: an agent viewing as the tenant is recorded as the
agent (SPEC A-8).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meldpunt.organization.selectors import organization_for_request
from meldpunt.people import household_services as services
from meldpunt.people.addresses import LOOKUP_COUNTRIES, address_lookup, address_one_line
from meldpunt.people.models import Household, Person
from meldpunt.people.phones import format_phone
from meldpunt.people.portal_persons import (
    household_person_for_portal,
    household_persons_for_portal,
    is_contract_holder,
)
from meldpunt.portal.details_forms import AddressForm, PersonForm, PhoneForm
from meldpunt.portal.tenant import TenantRequest, tenant_required

FEATURE = "household_data"
TEMPLATES = "portal/tenant/details"


def _page(
    request: HttpRequest, name: str, context: dict[str, Any], *, form: Any = None
) -> HttpResponse:
    status = 422 if form is not None and form.errors else 200
    return render(request, f"{TEMPLATES}/{name}", {**context, "form": form}, status=status)


def _home_country(request: HttpRequest) -> str:
    return organization_for_request(request).country or "NL"


@tenant_required(feature=FEATURE)
@require_GET
def details(request: TenantRequest) -> HttpResponse:
    household = request.tenant.household
    persons = household_persons_for_portal(household=household)
    context = {
        "household": household,
        "address": address_one_line(household, home_country=_home_country(request)),
        "persons": [(person, is_contract_holder(person)) for person in persons],
    }
    return _page(request, "index.html", context)


# Phone --------------------------------------------------------------------------


@tenant_required(feature=FEATURE)
@require_http_methods(["GET", "POST"])
def phone_change(request: TenantRequest) -> HttpResponse:
    tenant = request.tenant
    household = tenant.household
    initial = {"phone": format_phone(household.phone, region=_home_country(request))}
    form = PhoneForm(request.POST or None, initial=initial, needs_password=not tenant.is_view_as)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.household_phone_change(
                actor=tenant.actor,
                household=household,
                phone=form.cleaned_data["phone"],
                password=form.cleaned_data.get("password", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if changed.phone == household.phone:
                messages.info(request, _("Your phone number stays the same."))
            else:
                messages.success(request, _("Your phone number has been changed."))
            return redirect("portal:details")
    return _page(request, "phone.html", {"household": household}, form=form)


# Correspondence address -----------------------------------------------------------


def _address_initial(household: Household, home_country: str) -> dict[str, Any]:
    if not household.street and not household.postcode:
        return {"country": home_country}
    return {
        "country": household.country or home_country,
        "postcode": household.postcode,
        "house_number": household.house_number,
        "house_number_addition": household.house_number_addition,
        "street": household.street,
        "city": household.city,
    }


def _looked_up(form: AddressForm) -> AddressForm:
    """``form`` with street and city filled from our addresses, or an error saying why not.

    Only for a country we look addresses up in; a foreign address is typed in full.
    """
    if not form.is_valid() or form.cleaned_data["country"] not in LOOKUP_COUNTRIES:
        return form
    postcode, number = form.cleaned_data["postcode"], form.cleaned_data["house_number"]
    if not postcode or number is None:
        if not postcode:
            form.add_error("postcode", _("Enter the postcode."))
        if number is None:
            form.add_error("house_number", _("Enter a house number."))
        return form
    try:
        found = address_lookup(postcode=postcode, house_number=number)
    except ValidationError as error:
        form.add_error("postcode", error)
        return form
    if found is None:
        form.add_error(
            "postcode",
            _(
                "We could not find this address. Check the postcode and house number, "
                "or type the street and city yourself."
            ),
        )
        return form
    data = {**form.data.dict(), "street": found.street, "city": found.city}  # type: ignore[attr-defined]
    filled = AddressForm(data)
    filled.is_valid()
    filled.found = found  # type: ignore[attr-defined]
    return filled


@tenant_required(feature=FEATURE)
@require_http_methods(["GET", "POST"])
def address_change(request: TenantRequest) -> HttpResponse:
    tenant = request.tenant
    home_country = _home_country(request)
    initial = _address_initial(tenant.household, home_country)
    form = AddressForm(request.POST or None, initial=initial)
    context = {"household": tenant.household, "lookup_countries": LOOKUP_COUNTRIES}
    # "Look up" (also what Enter in a Dutch address does) fills in street and city;
    # for a foreign address there is nothing to look up, so it saves.
    looking_up = request.POST.get("country", "").upper() in LOOKUP_COUNTRIES
    if request.method == "POST" and "lookup" in request.POST and looking_up:
        return _page(request, "address.html", context, form=_looked_up(form))
    if request.method == "POST" and form.is_valid():
        try:
            services.household_address_change(
                actor=tenant.actor, household=tenant.household, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your correspondence address has been changed."))
            return redirect("portal:details")
    return _page(request, "address.html", context, form=form)


@tenant_required(feature=FEATURE)
@require_GET
def address_lookup_fields(request: TenantRequest) -> HttpResponse:
    """htmx: the street and city fields filled in from postcode + house number."""
    form = _looked_up(AddressForm(request.GET))
    return render(
        request,
        f"{TEMPLATES}/address.html#found",
        {"form": form, "lookup_countries": LOOKUP_COUNTRIES},
    )


# Household persons ----------------------------------------------------------------


def _editable_person(request: TenantRequest, person_id: int) -> Person:
    """A person of this household whose role tenants may change; anything else is a 404."""
    person = household_person_for_portal(household=request.tenant.household, person_id=person_id)
    if not person.role.usable_in_portal:
        raise Http404
    return person


def _person_fields(form: PersonForm) -> dict[str, Any]:
    return {field: form.cleaned_data[field] for field in services.PERSON_FIELDS}


@tenant_required(feature=FEATURE)
@require_http_methods(["GET", "POST"])
def person_add(request: TenantRequest) -> HttpResponse:
    tenant = request.tenant
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.household_person_add(
                actor=tenant.actor, household=tenant.household, **_person_fields(form)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": person.full_name})
            return redirect("portal:details")
    return _page(request, "person_form.html", {"person": None}, form=form)


@tenant_required(feature=FEATURE)
@require_http_methods(["GET", "POST"])
def person_edit(request: TenantRequest, person_id: int) -> HttpResponse:
    tenant = request.tenant
    person = _editable_person(request, person_id)
    form = PersonForm(request.POST or None, initial=PersonForm.initial_for(person))
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.household_person_change(
                actor=tenant.actor,
                household=tenant.household,
                person=person,
                **_person_fields(form),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s has been changed.") % {"name": changed.full_name})
            return redirect("portal:details")
    return _page(request, "person_form.html", {"person": person}, form=form)


@tenant_required(feature=FEATURE)
@require_GET
def person_remove_confirm(request: TenantRequest, person_id: int) -> HttpResponse:
    person = _editable_person(request, person_id)
    return _page(request, "person_remove.html", {"person": person})


@tenant_required(feature=FEATURE)
@require_POST
def person_remove(request: TenantRequest, person_id: int) -> HttpResponse:
    tenant = request.tenant
    person = _editable_person(request, person_id)
    services.household_person_remove(actor=tenant.actor, household=tenant.household, person=person)
    messages.success(request, _("%(name)s has been removed.") % {"name": person.full_name})
    return redirect("portal:details")
