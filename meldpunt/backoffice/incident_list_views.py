"""The incident list with filters, search and saved views; the new-incident page
with its lookup; the category and phase settings (administrators)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from meldpunt.accounts.models import StaffRole, User
from meldpunt.accounts.permissions import staff_required
from meldpunt.backoffice.incident_forms import (
    CategoryForm,
    IncidentCreateForm,
    IncidentFilterForm,
    PhaseForm,
    SavedViewForm,
)
from meldpunt.common.actors import Actor
from meldpunt.incidents import services
from meldpunt.incidents.models import Category, Phase
from meldpunt.incidents.selectors import (
    categories_for_choice,
    categories_managed,
    category_get,
    common_areas_by_public_id,
    complexes_for_choice,
    households_by_public_id,
    incident_history,
    incident_page,
    installations_by_public_id,
    lookup_choice,
    lookup_place,
    lookup_search,
    phase_get,
    phases_for_choice,
    phases_managed,
    places_for_unit,
    saved_view_get,
    saved_views,
    staff_users,
    suppliers_for_choice,
    units_by_public_id,
)


def _actor(request: HttpRequest) -> Actor:
    return Actor.staff(cast(User, request.user))


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


# ---------------------------------------------------------------- the list


def _filter_form(actor: Actor, data: QueryDict) -> IncidentFilterForm:
    return IncidentFilterForm(
        data,
        phases=phases_for_choice(actor=actor),
        categories=categories_for_choice(actor=actor),
        staff=staff_users(actor=actor),
        complexes=complexes_for_choice(actor=actor),
        suppliers=suppliers_for_choice(actor=actor),
        units=units_by_public_id(actor=actor, public_ids=[data.get("unit", "")]),
        households=households_by_public_id(actor=actor, public_ids=[data.get("household", "")]),
    )


def _list_context(actor: Actor, params: QueryDict) -> dict[str, Any]:
    form = _filter_form(actor, params)
    page = incident_page(
        actor=actor, filters=form.filters(), cursor=params.get("cursor"), sort=form.sort_order
    )
    return {
        "form": form,
        "page": page,
        "saved_views": saved_views(actor=actor),
        "save_form": SavedViewForm(initial={"query": form.query_string()}),
        "current_query": form.query_string(),
    }


@require_safe
@staff_required()
def incident_list(request: HttpRequest) -> HttpResponse:
    template = "backoffice/incidents/list.html"
    # Filter changes swap only the results; a reload or history visit gets the page.
    if _is_htmx(request):
        template += "#results"
    response = render(request, template, _list_context(_actor(request), request.GET))
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@staff_required()
def saved_view_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = SavedViewForm(request.POST)
    if form.is_valid():
        try:
            view = services.saved_view_create(
                actor=actor, name=form.cleaned_data["name"], query=form.cleaned_data["query"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The view “%(name)s” is saved.") % {"name": view.name})
            return redirect(f"{reverse('backoffice:incident_list')}?{view.query}")
    context = _list_context(actor, QueryDict(form.data.get("query", "")[:1000]))
    context["save_form"] = form
    return render(request, "backoffice/incidents/list.html", context, status=422)


@require_POST
@staff_required()
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    view = saved_view_get(actor=actor, pk=pk)
    services.saved_view_delete(actor=actor, saved_view=view)
    messages.success(request, _("The view “%(name)s” is removed.") % {"name": view.name})
    return redirect("backoffice:incident_list")


# ---------------------------------------------------------------- new incident


LINK_FIELDS = ("household", "unit", "common_area", "installation")
PLACE_PICKS = ("common_area:", "installation:")


def _create_form(
    actor: Actor, data: QueryDict | None, initial: dict[str, Any] | None = None
) -> IncidentCreateForm:
    source = data if data is not None else QueryDict()
    ids = {name: [source.get(name, ""), (initial or {}).get(name, "")] for name in LINK_FIELDS}
    return IncidentCreateForm(
        data,
        initial=initial,
        categories=categories_for_choice(actor=actor),
        staff=staff_users(actor=actor),
        households=households_by_public_id(actor=actor, public_ids=ids["household"]),
        units=units_by_public_id(actor=actor, public_ids=ids["unit"]),
        common_areas=common_areas_by_public_id(actor=actor, public_ids=ids["common_area"]),
        installations=installations_by_public_id(actor=actor, public_ids=ids["installation"]),
    )


def _create_context(actor: Actor, form: IncidentCreateForm, find: str = "") -> dict[str, Any]:
    household, unit = form.chosen_household, form.chosen_unit
    common_area, installation = form.chosen_common_area, form.chosen_installation
    places = places_for_unit(actor=actor, unit=unit)
    return {
        "form": form,
        "household": household,
        "unit": unit,
        "common_area": common_area,
        "installation": installation,
        # What else at this address can be chosen (the chosen ones are left out).
        "places": {
            "common_areas": [a for a in places.common_areas if a != common_area],
            "installations": [i for i in places.installations if i != installation],
        },
        "history": incident_history(
            actor=actor, unit=unit, household=household, common_area=common_area
        ),
        "lookup": lookup_search(actor=actor, q=find) if find else None,
        "find": find,
    }


def _with_choice(actor: Actor, data: QueryDict, pick: str) -> QueryDict:
    """The posted form with the picked tenant/address and its contact details filled
    in, or with the picked common area or installation."""
    changed = data.copy()
    changed["find"] = ""
    if pick.startswith(PLACE_PICKS):
        place = lookup_place(actor=actor, pick=pick)
        changed["common_area"] = place.common_area.public_id if place.common_area else ""
        changed["installation"] = place.installation.public_id if place.installation else ""
        if place.unit is not None and not changed.get("unit"):
            changed["unit"] = place.unit.public_id
        return changed
    choice = lookup_choice(actor=actor, pick=pick)
    new_unit = choice.unit.public_id if choice.unit else ""
    if new_unit != data.get("unit", ""):
        # Common areas and installations belong to the address: start again.
        changed["common_area"] = changed["installation"] = ""
    changed["household"] = choice.household.public_id if choice.household else ""
    changed["unit"] = new_unit
    for name in ("contact_name", "contact_email", "contact_phone"):
        value = getattr(choice, name)
        if value:
            changed[name] = value
    return changed


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required()
def incident_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    template = "backoffice/incidents/create.html"
    if request.method != "POST":
        keys = (*LINK_FIELDS, "kind")
        initial = {k: request.GET[k] for k in keys if k in request.GET}
        form = _create_form(actor, None, initial=initial)
        return render(request, template, _create_context(actor, form))
    action = request.POST.get("action", "")
    if request.POST.get("pick"):
        action = "pick"
    elif action == "enter":  # Enter pressed in a field: search if a search is typed
        action = "find" if request.POST.get("find", "").strip() else "create"
    if action in ("find", "pick", "clear", "clear_place"):
        # Steps of the lookup without JavaScript: redisplay with everything typed.
        data: QueryDict = request.POST
        if action == "pick":
            try:
                data = _with_choice(actor, request.POST, request.POST.get("pick", ""))
            except Http404:
                data = request.POST
        elif action == "clear":
            data = request.POST.copy()
            for name in LINK_FIELDS:
                data[name] = ""
        elif action == "clear_place":
            data = request.POST.copy()
            data["common_area"] = data["installation"] = ""
        form = _create_form(actor, data)
        find = request.POST.get("find", "") if action == "find" else ""
        context = _create_context(actor, form, find=find)
        if _is_htmx(request):
            return render(request, template + "#link", context)
        return render(request, template, context)
    form = _create_form(actor, request.POST)
    if form.is_valid():
        cleaned: dict[str, Any] = form.cleaned_data
        try:
            incident = services.incident_create(
                actor=actor,
                kind=cleaned["kind"],
                title=cleaned["title"],
                description=cleaned["description"],
                category=cleaned["category"],
                household=cleaned["household"],
                unit=cleaned["unit"],
                common_area=cleaned["common_area"],
                installation=cleaned["installation"],
                contact_name=cleaned["contact_name"],
                contact_email=cleaned["contact_email"],
                contact_phone=cleaned["contact_phone"],
                contact_language=cleaned["contact_language"],
                responsible=cleaned["responsible"],
                relevant_on=cleaned["relevant_on"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Incident %(number)s is created.") % {"number": incident.pk}
            )
            return redirect("backoffice:incident_detail", public_id=incident.public_id)
    return render(request, template, _create_context(actor, form), status=422)


@require_safe
@staff_required()
def incident_lookup(request: HttpRequest) -> HttpResponse:
    """Search as you type on the new-incident page: the result list only."""
    actor = _actor(request)
    find = request.GET.get("find", "")
    context = {"lookup": lookup_search(actor=actor, q=find), "find": find}
    return render(request, "backoffice/incidents/_lookup_results.html", context)


@require_safe
@staff_required()
def incident_category_help(request: HttpRequest) -> HttpResponse:
    """The chosen category's help text, shown under the select."""
    actor = _actor(request)
    key = request.GET.get("category", "")
    category = next((c for c in categories_for_choice(actor=actor) if str(c.pk) == key), None)
    return render(request, "backoffice/incidents/_category_help.html", {"category": category})


# ---------------------------------------------------------------- categories (admins)


@require_safe
@staff_required(StaffRole.ADMIN)
def category_list(request: HttpRequest) -> HttpResponse:
    categories = categories_managed(actor=_actor(request))
    return render(request, "backoffice/incidents/categories.html", {"categories": categories})


def _settings_form(
    request: HttpRequest,
    *,
    form_class: type[CategoryForm] | type[PhaseForm],
    instance: Category | Phase | None,
    save: Callable[[dict[str, Any]], object],
    template: str,
    context_name: str,
    saved: str,
    done: str,
) -> HttpResponse:
    """Show and save the form of one category or phase; the service validates."""
    context: dict[str, Any] = {context_name: instance}
    if request.method != "POST":
        context["form"] = form_class(instance=instance)
        return render(request, template, context)
    form = form_class(request.POST, instance=instance)
    context["form"] = form
    if form.is_valid():
        try:
            save({name: form.cleaned_data[name] for name in form.Meta.fields})
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, saved)
            return redirect(done)
    return render(request, template, context, status=422)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(StaffRole.ADMIN)
def category_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = _actor(request)
    category = category_get(actor=actor, pk=pk) if pk is not None else None

    def save(values: dict[str, Any]) -> object:
        if category is None:
            return services.category_create(actor=actor, **values)
        return services.category_update(actor=actor, category=category, **values)

    return _settings_form(
        request,
        form_class=CategoryForm,
        instance=category,
        save=save,
        template="backoffice/incidents/category_form.html",
        context_name="category",
        saved=_("The category is saved."),
        done="backoffice:incident_categories",
    )


@require_POST
@staff_required(StaffRole.ADMIN)
def category_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    category = category_get(actor=actor, pk=pk)
    try:
        services.category_delete(actor=actor, category=category)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The category is removed."))
    return redirect("backoffice:incident_categories")


def _moved(rows: list[Any], pk: int, direction: str) -> list[int]:
    order = [row.pk for row in rows]
    if pk not in order:
        raise Http404
    index = order.index(pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    return order


@require_POST
@staff_required(StaffRole.ADMIN)
def category_move(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    order = _moved(categories_managed(actor=actor), pk, request.POST.get("direction", ""))
    services.category_reorder(actor=actor, order=order)
    return redirect("backoffice:incident_categories")


# ---------------------------------------------------------------- phases (admins)


@require_safe
@staff_required(StaffRole.ADMIN)
def phase_list(request: HttpRequest) -> HttpResponse:
    phases = phases_managed(actor=_actor(request))
    return render(request, "backoffice/incidents/phases.html", {"phases": phases})


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(StaffRole.ADMIN)
def phase_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = _actor(request)
    phase = phase_get(actor=actor, pk=pk) if pk is not None else None

    def save(values: dict[str, Any]) -> object:
        if phase is None:
            return services.phase_create(actor=actor, **values)
        return services.phase_update(actor=actor, phase=phase, **values)

    return _settings_form(
        request,
        form_class=PhaseForm,
        instance=phase,
        save=save,
        template="backoffice/incidents/phase_form.html",
        context_name="phase",
        saved=_("The phase is saved."),
        done="backoffice:incident_phases",
    )


@require_POST
@staff_required(StaffRole.ADMIN)
def phase_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    phase = phase_get(actor=actor, pk=pk)
    try:
        services.phase_delete(actor=actor, phase=phase)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The phase is removed."))
    return redirect("backoffice:incident_phases")


@require_POST
@staff_required(StaffRole.ADMIN)
def phase_move(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    order = _moved(phases_managed(actor=actor), pk, request.POST.get("direction", ""))
    services.phase_reorder(actor=actor, order=order)
    return redirect("backoffice:incident_phases")
