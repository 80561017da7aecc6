"""The repair wizard's steps as pages (GET) and form actions (POST), one function each.

Pages only read; every action calls one wizard service and redirects back to a
page (POST/redirect/GET), or shows its page again with the errors and what was
typed (422). ``repair_views`` looks them up in ``PAGE_VIEWS`` / ``ACTION_VIEWS``
after ``guard`` said the visitor may be there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meldpunt.common.uploads import MAX_FILES
from meldpunt.incidents.notices import tenant_recipients
from meldpunt.intake.models import RepairWizard
from meldpunt.intake.repair_texts import repair_text
from meldpunt.intake.repair_tree import text
from meldpunt.intake.selectors import UnitQuery
from meldpunt.intake.wizard import (
    BEFORE_SUBMIT,
    Step,
    StopReason,
    costs_state,
    first_missing,
    next_step,
    repair_settings_current,
    wizard_view,
)
from meldpunt.intake.wizard_defect import (
    defect_position,
    leaf_result,
    path_text,
    saved_path,
    wizard_defect_choose,
    wizard_defect_confirm,
    wizard_tip_solved,
)
from meldpunt.intake.wizard_details import (
    contact_initial,
    contact_update_offered,
    email_change_offered,
    wizard_contact_save,
    wizard_costs_accept,
    wizard_photo_remove,
    wizard_photos,
    wizard_photos_add,
    wizard_photos_draft,
    wizard_photos_save,
)
from meldpunt.intake.wizard_forms import (
    CauseForm,
    ContactForm,
    CostsForm,
    IdentifyForm,
    PhotosForm,
    PlaceForm,
    PreferenceForm,
    TipForm,
    UnitForm,
)
from meldpunt.intake.wizard_object import (
    common_areas_for,
    units_for_household,
    wizard_identify,
    wizard_object_choose,
    wizard_unit_choose,
)
from meldpunt.intake.wizard_submit import (
    advised_date,
    wizard_preference_save,
    wizard_request,
    wizard_submit,
)
from meldpunt.organization.selectors import organization_for_request
from meldpunt.portal.repair_flow import (
    ACCEPT_PHOTOS,
    form_errors_add,
    go_to,
    page_url,
    render_step,
    repair_icons,
    stage_of,
    wizard_identity,
)


def _object_page(
    request: HttpRequest,
    wizard: RepairWizard,
    *,
    identify: IdentifyForm | None = None,
    place: PlaceForm | None = None,
    unit_form: UnitForm | None = None,
    status: int = 200,
) -> HttpResponse:
    identity = wizard_identity(request)
    units: list[Any] = []
    if identity.household_known and identity.household is not None:
        # The portal: the household's homes instead of postcode and house number.
        units = units_for_household(identity.household)
        if unit_form is None:
            initial = wizard.unit.public_id if wizard.unit is not None else None
            unit_form = UnitForm(units=units, initial={"unit": initial})
    areas: list[Any] = []
    everything: list[Any] = []
    show_all_link = False
    if wizard.unit is not None:
        everything = common_areas_for(wizard.unit, everything=True)
        usual = common_areas_for(wizard.unit)
        differs = {area.pk for area in everything} != {area.pk for area in usual}
        wants_all = request.GET.get("all") == "1" or (
            place is not None and place.data.get("show_all") == "1"
        )
        chosen_elsewhere = wizard.common_area_id is not None and wizard.common_area_id not in {
            area.pk for area in usual
        }
        areas = everything if wants_all or chosen_elsewhere else usual
        show_all_link = differs and areas is usual
        if place is None:
            initial = None
            if wizard.state.get("object_chosen"):
                initial = wizard.common_area.public_id if wizard.common_area else PlaceForm.HOME
            place = PlaceForm(areas=areas, initial={"place": initial})
    context = {
        "identify": identify or IdentifyForm(),
        "unit_form": unit_form,
        "units": units,
        "place": place,
        "areas": areas,
        "show_all_link": show_all_link,
        "show_all_url": page_url(request, wizard, Step.OBJECT, all="1"),
        "has_areas": bool(everything),
    }
    return render_step(request, wizard, Step.OBJECT, context, status=status)


LEVEL_QUESTIONS: dict[int, Callable[[], str]] = {
    1: lambda: _("Where is the problem?"),
    2: lambda: _("What is it about?"),
    3: lambda: _("Which part?"),
    4: lambda: _("What is wrong with it?"),
    5: lambda: _("Tell us more precisely"),
}


def _defect_context(
    request: HttpRequest,
    wizard: RepairWizard,
    *,
    query: str = "",
    at: str | None = None,
    leaf: str | None = None,
) -> dict[str, Any]:
    view = wizard_view(wizard)
    if view is None:
        raise Http404
    position = defect_position(wizard=wizard, view=view, query=query, at=at, leaf=leaf)
    result = None
    if position.leaf is not None:
        result = leaf_result(wizard=wizard, view=view, leaf_key=position.leaf["key"])
    defect_url = page_url(request, wizard, Step.DEFECT)
    crumbs = [
        {
            "name": _("All rooms"),
            "url": page_url(request, wizard, Step.DEFECT, at="-", q=position.query)
            if position.rooms_can_return
            else "",
        }
    ]
    crumbs += [
        {
            "name": crumb.name,
            "url": page_url(request, wizard, Step.DEFECT, at=crumb.key, q=position.query)
            if crumb.can_return
            else "",
        }
        for crumb in position.crumbs
    ]
    return {
        "position": position,
        "crumbs": crumbs,
        "result": result,
        "icons": repair_icons(),
        "query": position.query,
        "path_text": path_text(position.path),
        "defect_url": defect_url,
        "options": [
            {"key": option["key"], "name": text(option["name"]), "icon": option["icon"]}
            for option in position.options
        ],
        "level_question": LEVEL_QUESTIONS.get(position.level, LEVEL_QUESTIONS[5])(),
        "template_description": text(result.template["description"])
        if result is not None and result.template
        else "",
    }


def _defect_page(
    request: HttpRequest,
    wizard: RepairWizard,
    *,
    tip_form: TipForm | None = None,
    cause_form: CauseForm | None = None,
    node_key: str | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _defect_context(
        request,
        wizard,
        query=request.GET.get("q", ""),
        at=request.GET.get("at"),
        leaf=node_key,
    )
    result = context["result"]
    if result is not None:
        context["tip_form"] = tip_form or TipForm(tips=result.tips)
        cause = wizard.state.get("cause") or None
        context["cause_form"] = cause_form or CauseForm(
            causes=result.causes, initial={"cause": cause}
        )
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        return render_step(
            request,
            wizard,
            Step.DEFECT,
            context,
            status=status,
            template="portal/repair/defect.html#panel",
        )
    return render_step(request, wizard, Step.DEFECT, context, status=status)


def _costs_page(
    request: HttpRequest, wizard: RepairWizard, *, form: CostsForm | None = None, status: int = 200
) -> HttpResponse:
    costs = costs_state(wizard)
    view = wizard_view(wizard)
    cause = view.cause(str(wizard.state.get("cause") or "")) if view is not None else None
    context = {
        "costs": costs,
        "reason": costs.get("reason", ""),
        "cause_name": text(cause["name"]) if cause else "",
        "form": form or CostsForm(initial={"consent": bool(costs.get("consent_at"))}),
    }
    return render_step(request, wizard, Step.COSTS, context, status=status)


def _photos_page(
    request: HttpRequest, wizard: RepairWizard, *, form: PhotosForm | None = None, status: int = 200
) -> HttpResponse:
    required = repair_settings_current().description_required
    context = {
        "form": form
        or PhotosForm(required=required, initial={"description": wizard.state.get("description")}),
        "photos": wizard_photos(wizard),
        "max_files": MAX_FILES,
        "accept": ACCEPT_PHOTOS,
    }
    return render_step(request, wizard, Step.PHOTOS, context, status=status)


def _contact_page(
    request: HttpRequest,
    wizard: RepairWizard,
    *,
    form: ContactForm | None = None,
    status: int = 200,
) -> HttpResponse:
    identity = wizard_identity(request)
    offer = contact_update_offered(identity)
    email_offer = email_change_offered(identity)
    initial = contact_initial(wizard, identity)
    context = {
        "form": form
        or ContactForm(initial=initial, offer_update=offer, offer_email_change=email_offer),
        "offer_update": offer,
        "email_change_offered": email_offer,
        "email_change_sent": bool((wizard.state.get("contact") or {}).get("email_change_sent")),
    }
    return render_step(request, wizard, Step.CONTACT, context, status=status)


def _summary_context(request: HttpRequest, wizard: RepairWizard) -> dict[str, Any]:
    view = wizard_view(wizard)
    keys = saved_path(wizard, view) if view is not None else []
    result = leaf_result(wizard=wizard, view=view, leaf_key=keys[-1]) if view and keys else None
    cause = view.cause(str(wizard.state.get("cause") or "")) if view is not None else None
    return {
        "result": result,
        "path_text": path_text(result.path) if result else "",
        "template_description": text(result.template["description"])
        if result and result.template
        else "",
        "cause_name": text(cause["name"]) if cause else "",
        "costs": costs_state(wizard),
        "description": wizard.state.get("description") or "",
        "photos": wizard_photos(wizard),
        "contact": wizard.state.get("contact") or {},
        "edit": {step: page_url(request, wizard, step) for step in BEFORE_SUBMIT},
    }


def _summary_page(request: HttpRequest, wizard: RepairWizard) -> HttpResponse:
    return render_step(request, wizard, Step.SUMMARY, _summary_context(request, wizard))


def _appointment_page(
    request: HttpRequest,
    wizard: RepairWizard,
    *,
    form: PreferenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    organization = organization_for_request(request)
    today = timezone.localdate()
    request_row = wizard_request(wizard)
    advised = advised_date(organization, today)
    initial: dict[str, Any] = {"preferred_date": advised}
    if request_row is not None and request_row.preferred_date:
        initial = {
            "preferred_date": request_row.preferred_date,
            "preferred_part": request_row.preferred_part,
        }
    context = {
        "form": form or PreferenceForm(earliest=today, initial=initial),
        "advised": advised,
        "repair_request": request_row,
    }
    return render_step(request, wizard, Step.APPOINTMENT, context, status=status)


def _done_page(request: HttpRequest, wizard: RepairWizard) -> HttpResponse:
    request_row = wizard_request(wizard)
    incident = None
    if request_row is not None:
        incident = request_row.incident or (
            request_row.additional_to.incident if request_row.additional_to else None
        )
    context = {
        "repair_request": request_row,
        "incident": incident,
        "additional": bool(request_row and request_row.additional_to_id),
        "channels": [channel for channel, _address in tenant_recipients(incident)]
        if incident is not None and request_row is not None and not request_row.additional_to_id
        else [],
        "after_deadline_text": repair_text("after_deadline")
        if request_row is not None and request_row.after_deadline
        else "",
    }
    return render_step(request, wizard, "done", context)


def _stop_message(wizard: RepairWizard) -> str:
    stop = wizard.state.get("stop") or {}
    reason = stop.get("reason", "")
    if reason == StopReason.OWNER:
        return str(stop.get("message") or "") or _(
            "The owner of this home handles repairs through their own manager. Please contact them."
        )
    if reason == StopReason.ACTION_MESSAGE:
        view = wizard_view(wizard)
        node = view.node(stop.get("node", "")) if view is not None else None
        action = view.action_code(node["action_code"]) if view is not None and node else None
        if action is not None:
            return text(action["message"])
    if reason in ("not_specified", "no_request", "maintenance_form", "costs_blocked"):
        return repair_text(reason)
    return repair_text("not_specified")


def _stopped_page(request: HttpRequest, wizard: RepairWizard) -> HttpResponse:
    return render_step(request, wizard, "stopped", {"message": _stop_message(wizard)})


def _resolved_page(request: HttpRequest, wizard: RepairWizard) -> HttpResponse:
    return render_step(request, wizard, "resolved", {})


PAGE_VIEWS: dict[str, Callable[[HttpRequest, RepairWizard], HttpResponse]] = {
    Step.OBJECT: _object_page,
    Step.DEFECT: _defect_page,
    Step.COSTS: _costs_page,
    Step.PHOTOS: _photos_page,
    Step.CONTACT: _contact_page,
    Step.SUMMARY: _summary_page,
    Step.APPOINTMENT: _appointment_page,
    "done": _done_page,
    "stopped": _stopped_page,
    "resolved": _resolved_page,
}


# ---------------------------------------------------------------- actions (POST)


def _after_write(request: HttpRequest, wizard: RepairWizard, page: str) -> HttpResponse:
    if wizard.status != RepairWizard.Status.ACTIVE:
        return go_to(request, wizard, stage_of(wizard))
    return go_to(request, wizard, page)


def _object_identify(request: HttpRequest, wizard: RepairWizard) -> HttpResponse:
    if wizard.mode != RepairWizard.Mode.ANONYMOUS:
        raise Http404  # in the portal the home is one of the household's (``_object_unit``)
    form = IdentifyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            wizard_identify(
                wizard=wizard,
                query=UnitQuery(
                    postcode=data["postcode"],
                    house_number=data["house_number"],
                    addition=data["addition"],
                    tenant_number=data["tenant_number"],
                ),
                country=organization_for_request(request).country,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            done = Step.OBJECT in (wizard.state.get("done") or ())
            return _after_write(request, wizard, Step.DEFECT if done else Step.OBJECT)
    return _object_page(request, wizard, identify=form, status=422)


def _object_unit(request: HttpRequest, wizard: RepairWizard) -> HttpResponse:
    """Portal step 1: which of the household's homes."""
    identity = wizard_identity(request)
    if not identity.household_known or identity.household is None:
        raise Http404
    units = units_for_household(identity.household)
    form = UnitForm(request.POST, units=units)
    if form.is_valid():
        unit = next(item for item in units if item.public_id == form.cleaned_data["unit"])
        try:
            wizard_unit_choose(wizard=wizard, identity=identity, unit=unit)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            done = Step.OBJECT in (wizard.state.get("done") or ())
            return _after_write(request, wizard, Step.DEFECT if done else Step.OBJECT)
    return _object_page(request, wizard, unit_form=form, status=422)


def _object_choose(request: HttpRequest, wizard: RepairWizard) -> HttpResponse:
    if wizard.unit is None:
        return go_to(request, wizard, Step.OBJECT)
    areas = common_areas_for(wizard.unit, everything=True)
    form = PlaceForm(request.POST, areas=areas)
    if form.is_valid():
        chosen = form.cleaned_data["place"]
        area = next((item for item in areas if item.public_id == chosen), None)
        try:
            wizard_object_choose(wizard=wizard, common_area=area)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            return _after_write(request, wizard, Step.DEFECT)
    return _object_page(request, wizard, place=form, status=422)


def _defect_choose(request: HttpRequest, wizard: RepairWizard) -> HttpResponse:
    node_key = request.POST.get("node", "")[:120]
    query = request.POST.get("q", "")[:80]
    try:
        wizard_defect_choose(wizard=wizard, node_key=node_key, query=query)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return go_to(request, wizard, Step.DEFECT)
    if wizard.status != RepairWizard.Status.ACTIVE:
        return _after_write(request, wizard, Step.DEFECT)
    keys = wizard.state.get("path") or []
    view = wizard_view(wizard)
    at_leaf = bool(keys) and view is not None and not view.nodes[keys[-1]]["children"]
    if query.strip() and not at_leaf:
        # Keep filtering the levels below with the same search.
        return go_to(request, wizard, Step.DEFECT, q=query, at=keys[-1] if keys else "")
    return go_to(request, wizard, Step.DEFECT)


def _defect_search(request: HttpRequest, wizard: RepairWizard) -> HttpResponse:
    return go_to(request, wizard, Step.DEFECT, q=request.POST.get("q", "")[:80])


def _defect_tip(request: HttpRequest, wizard: RepairWizard) -> HttpResponse:
    node_key = request.POST.get("node", "")[:120]
    view = wizard_view(wizard)
    if view is None or view.node(node_key) is None:
        return go_to(request, wizard, Step.DEFECT)
    result = leaf_result(wizard=wizard, view=view, leaf_key=node_key)
    form = TipForm(request.POST, tips=result.tips)
    if form.is_valid():
        try:
            wizard_tip_solved(wizard=wizard, node_key=node_key, tip_code=form.cleaned_data["tip"])
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            return _after_write(request, wizard, "resolved")
    return _defect_page(request, wizard, tip_form=form, node_key=node_key, status=422)


def _defect_confirm(request: HttpRequest, wizard: RepairWizard) -> HttpResponse:
    node_key = request.POST.get("node", "")[:120]
    view = wizard_view(wizard)
    if view is None or view.node(node_key) is None:
        return go_to(request, wizard, Step.DEFECT)
    result = leaf_result(wizard=wizard, view=view, leaf_key=node_key)
    form = CauseForm(request.POST, causes=result.causes)
    if form.is_valid():
        try:
            wizard_defect_confirm(
                wizard=wizard, node_key=node_key, cause_code=form.cleaned_data["cause"]
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            return _after_write(request, wizard, next_step(wizard, Step.DEFECT) or Step.SUMMARY)
    return _defect_page(request, wizard, cause_form=form, node_key=node_key, status=422)


def _costs_accept(request: HttpRequest, wizard: RepairWizard) -> HttpResponse:
    form = CostsForm(request.POST)
    if form.is_valid():
        try:
            wizard_costs_accept(wizard=wizard, consent=form.cleaned_data["consent"])
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            return _after_write(request, wizard, Step.PHOTOS)
    return _costs_page(request, wizard, form=form, status=422)


def _photos_send(request: HttpRequest, wizard: RepairWizard) -> HttpResponse:
    required = repair_settings_current().description_required
    form = PhotosForm(request.POST, required=required)
    files = request.FILES.getlist("photos")
    refused = wizard_photos_add(wizard=wizard, files=files) if files else []
    for message in refused:
        messages.error(request, message)
    remove = request.POST.get("remove_photo", "")
    if remove.isdigit():
        wizard_photo_remove(wizard=wizard, upload_id=int(remove))
    if "next" not in request.POST or refused:
        # Added or removed a photo: back to the page, with the text typed so far kept.
        wizard_photos_draft(wizard=wizard, description=request.POST.get("description", ""))
        return go_to(request, wizard, Step.PHOTOS)
    if form.is_valid():
        try:
            wizard_photos_save(wizard=wizard, description=form.cleaned_data["description"])
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            return _after_write(request, wizard, Step.CONTACT)
    return _photos_page(request, wizard, form=form, status=422)


def _contact_save(request: HttpRequest, wizard: RepairWizard) -> HttpResponse:
    identity = wizard_identity(request)
    form = ContactForm(
        request.POST,
        offer_update=contact_update_offered(identity),
        offer_email_change=email_change_offered(identity),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            wizard_contact_save(
                wizard=wizard,
                identity=identity,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                update_household=data.get("update") == ContactForm.HOUSEHOLD,
                password=data.get("password") or "",
                country=organization_for_request(request).country,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            return _after_write(request, wizard, Step.SUMMARY)
    return _contact_page(request, wizard, form=form, status=422)


def _summary_send(request: HttpRequest, wizard: RepairWizard) -> HttpResponse:
    language = (translation.get_language() or "nl")[:2]
    try:
        wizard_submit(wizard=wizard, identity=wizard_identity(request), language=language)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return go_to(request, wizard, first_missing(wizard, Step.SUMMARY) or Step.SUMMARY)
    return go_to(request, wizard, stage_of(wizard))


def _appointment_save(request: HttpRequest, wizard: RepairWizard) -> HttpResponse:
    today = timezone.localdate()
    form = PreferenceForm(request.POST, earliest=today)
    if form.is_valid():
        try:
            wizard_preference_save(
                wizard=wizard,
                preferred_date=form.cleaned_data["preferred_date"],
                part=form.cleaned_data["preferred_part"] or "",
                organization=organization_for_request(request),
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            return go_to(request, wizard, "done")
    return _appointment_page(request, wizard, form=form, status=422)


ACTION_VIEWS: dict[tuple[str, str], Callable[[HttpRequest, RepairWizard], HttpResponse]] = {
    (Step.OBJECT, "identify"): _object_identify,
    (Step.OBJECT, "unit"): _object_unit,
    (Step.OBJECT, "choose"): _object_choose,
    (Step.DEFECT, "choose"): _defect_choose,
    (Step.DEFECT, "search"): _defect_search,
    (Step.DEFECT, "tip"): _defect_tip,
    (Step.DEFECT, "confirm"): _defect_confirm,
    (Step.COSTS, "accept"): _costs_accept,
    (Step.PHOTOS, "send"): _photos_send,
    (Step.CONTACT, "save"): _contact_save,
    (Step.SUMMARY, "send"): _summary_send,
    (Step.APPOINTMENT, "save"): _appointment_save,
}
