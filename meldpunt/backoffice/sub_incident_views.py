"""Sub-incidents and work orders in the back office (SPEC INC-9 … INC-11).

Creating one from an incident, its page (thread, files, actions) and the
work-order overview. Every write is a POST that calls one service and
redirects back with a message; on bad input the page comes back with 422 and
the form as typed.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from meldpunt.accounts.models import User
from meldpunt.accounts.permissions import staff_required
from meldpunt.backoffice.sub_incident_forms import (
    CancelForm,
    CompleteForm,
    DetailsForm,
    DraftSendForm,
    FilesForm,
    MessageForm,
    PhaseForm,
    SubIncidentCreateForm,
    WorkOrderFilterForm,
)
from meldpunt.common.actors import Actor
from meldpunt.common.uploads import file_response
from meldpunt.incidents import sub_incidents as services
from meldpunt.incidents.models import Incident, SubIncident
from meldpunt.incidents.selectors import incident_get
from meldpunt.incidents.sub_incident_selectors import (
    complexes_for_filter,
    incident_owner,
    phases_for_sub_incident,
    staff_for_choice,
    sub_incident_file_get,
    sub_incident_files,
    sub_incident_get,
    sub_incident_thread,
    suppliers_for_filter,
    work_order_page,
)
from meldpunt.organization.selectors import organization_for_request
from meldpunt.people.models import Channel
from meldpunt.people.services import contact_portal_access_set


def _actor(request: HttpRequest) -> Actor:
    return Actor.staff(cast(User, request.user))


def _detail_url(sub_incident: SubIncident, anchor: str = "") -> str:
    url = reverse("backoffice:sub_incident_detail", kwargs={"public_id": sub_incident.public_id})
    return f"{url}#{anchor}" if anchor else url


def _apply(form: Form, call: Any) -> bool:
    """Run the service; its validation errors land on the form. True on success."""
    try:
        call()
    except ValidationError as error:
        form.add_service_errors(error)  # type: ignore[attr-defined]
        return False
    return True


def _channels_text(channels: list[str]) -> str:
    names: dict[str, str] = {
        Channel.EMAIL: _("email"),
        Channel.SMS: _("SMS"),
        Channel.WHATSAPP: _("WhatsApp"),
    }
    return _(" and ").join(str(names.get(channel, channel)) for channel in channels)


# ---------------------------------------------------------------- creating


def _create_initial(request: HttpRequest, incident: Incident) -> dict[str, Any]:
    kind = request.GET.get("kind", "")
    owner = incident_owner(incident)
    return {
        "kind": kind if kind in SubIncident.Kind.values else SubIncident.Kind.EXTERNAL,
        "title": incident.title,
        "description": incident.description,
        "owner": owner.pk if owner is not None else None,
        "responsible": request.user.pk,
        "reminders_on": True,
    }


def _created_message(sub_incident: SubIncident) -> str:
    contact = sub_incident.contact
    if contact is None:
        assignee = sub_incident.assignee
        name = (assignee.get_full_name() or assignee.get_username()) if assignee else "—"
        return _("%(kind)s %(number)s is created for %(name)s.") % {
            "kind": sub_incident.get_kind_display(),
            "number": sub_incident.number,
            "name": name,
        }
    channels = [channel for channel, _address in services.party_recipients(contact)]
    return _("%(kind)s %(number)s is created; the link was sent to %(name)s by %(channels)s.") % {
        "kind": sub_incident.get_kind_display(),
        "number": sub_incident.number,
        "name": contact,
        "channels": _channels_text(channels),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required()
def sub_incident_create(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    incident = incident_get(actor=actor, public_id=public_id)
    template = "backoffice/sub_incident_create.html"
    if request.method != "POST":
        form = SubIncidentCreateForm(incident=incident, initial=_create_initial(request, incident))
        return render(request, template, {"incident": incident, "form": form})
    form = SubIncidentCreateForm(request.POST, incident=incident)
    if form.is_valid():
        try:
            sub_incident = services.sub_incident_create(
                actor=actor, incident=incident, draft=form.draft()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _created_message(sub_incident))
            return redirect(_detail_url(sub_incident))
    return render(request, template, {"incident": incident, "form": form}, status=422)


# ---------------------------------------------------------------- the page


def _details_form(sub_incident: SubIncident, staff: list[User], data: Any = None) -> DetailsForm:
    initial = {
        "responsible": sub_incident.responsible_id,
        "planned_on": sub_incident.planned_on,
        "cost_limit": sub_incident.cost_limit,
        "reminders_on": sub_incident.reminders_on,
        "instructions": sub_incident.instructions,
        "access_instructions": sub_incident.access_instructions,
    }
    return DetailsForm(data, initial=initial, staff=staff)


def _phase_form(actor: Actor, sub_incident: SubIncident, data: Any = None) -> PhaseForm:
    phases = phases_for_sub_incident(actor=actor, current=sub_incident.phase)
    return PhaseForm(data, initial={"phase": sub_incident.phase_id}, phases=phases)


def _context(actor: Actor, sub_incident: SubIncident, **forms: Form) -> dict[str, Any]:
    thread = sub_incident_thread(actor=actor, sub_incident=sub_incident)
    return {
        "sub_incident": sub_incident,
        "incident": sub_incident.incident,
        "thread": thread,
        "files": sub_incident_files(actor=actor, sub_incident=sub_incident),
        "party_channels": [
            channel
            for channel, _address in (
                services.party_recipients(sub_incident.contact) if sub_incident.contact else []
            )
        ],
        "message_form": forms.get("message_form") or MessageForm(),
        "files_form": forms.get("files_form") or FilesForm(),
        "phase_form": forms.get("phase_form") or _phase_form(actor, sub_incident),
        "details_form": forms.get("details_form")
        or _details_form(sub_incident, staff_for_choice(actor=actor)),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "send_form": forms.get("send_form") or DraftSendForm(),
        "is_draft": sub_incident.is_work_order
        and sub_incident.contact_id is None
        and sub_incident.status == SubIncident.Status.OPEN,
        "complete_form": forms.get("complete_form") or CompleteForm(),
        "can_cancel": sub_incident.is_work_order
        and sub_incident.status not in (SubIncident.Status.CANCELLED, SubIncident.Status.COMPLETED),
        "can_complete": sub_incident.is_open
        and sub_incident.status
        in (
            (SubIncident.Status.SENT, SubIncident.Status.ACCEPTED)
            if sub_incident.is_work_order
            else (SubIncident.Status.OPEN,)
        ),
    }


def _page(
    request: HttpRequest, actor: Actor, sub_incident: SubIncident, status: int = 200, **forms: Form
) -> HttpResponse:
    context = _context(actor, sub_incident, **forms)
    return render(request, "backoffice/sub_incident_detail.html", context, status=status)


def _respond(
    request: HttpRequest,
    actor: Actor,
    sub_incident: SubIncident,
    *,
    form_key: str,
    form: Form,
    ok: bool,
    done: str,
    anchor: str = "",
) -> HttpResponse:
    if ok:
        messages.success(request, done)
        return redirect(_detail_url(sub_incident, anchor))
    fresh = sub_incident_get(actor=actor, public_id=sub_incident.public_id)
    return _page(request, actor, fresh, status=422, **{form_key: form})


@require_safe
@staff_required()
def sub_incident_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    return _page(request, actor, sub_incident_get(actor=actor, public_id=public_id))


@require_POST
@staff_required()
def sub_incident_message_create(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    sub_incident = sub_incident_get(actor=actor, public_id=public_id)
    form = MessageForm(request.POST, request.FILES)
    ok = form.is_valid() and _apply(
        form,
        lambda: services.sub_incident_message_post(
            actor=actor,
            sub_incident=sub_incident,
            body=form.cleaned_data["body"],
            visibility=form.cleaned_data["visibility"],
            uploads=form.cleaned_data["photos"],
        ),
    )
    external = ok and form.cleaned_data["visibility"] == "external"
    done = (
        _("The message was sent to %(name)s.") % {"name": sub_incident.contact}
        if external
        else _("The internal message was added.")
    )
    return _respond(
        request,
        actor,
        sub_incident,
        form_key="message_form",
        form=form,
        ok=ok,
        done=done,
        anchor="thread",
    )


@require_POST
@staff_required()
def sub_incident_files_add(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    sub_incident = sub_incident_get(actor=actor, public_id=public_id)
    form = FilesForm(request.POST, request.FILES)
    ok = form.is_valid() and _apply(
        form,
        lambda: services.sub_incident_attachments_add(
            actor=actor,
            sub_incident=sub_incident,
            uploads=form.cleaned_data["photos"],
            visibility=form.cleaned_data["visibility"],
        ),
    )
    return _respond(
        request,
        actor,
        sub_incident,
        form_key="files_form",
        form=form,
        ok=ok,
        done=_("The files were added."),
        anchor="files",
    )


@require_safe
@staff_required()
def sub_incident_file(request: HttpRequest, public_id: str, file_id: str) -> HttpResponse:
    actor = _actor(request)
    sub_incident = sub_incident_get(actor=actor, public_id=public_id)
    attachment = sub_incident_file_get(actor=actor, sub_incident=sub_incident, public_id=file_id)
    response = file_response(
        field_file=attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    # A streamed response; the view decorators are typed for HttpResponse only.
    return cast(HttpResponse, response)


@require_POST
@staff_required()
def sub_incident_phase(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    sub_incident = sub_incident_get(actor=actor, public_id=public_id)
    form = _phase_form(actor, sub_incident, request.POST)
    ok = form.is_valid() and _apply(
        form,
        lambda: services.sub_incident_phase_change(
            actor=actor, sub_incident=sub_incident, phase=form.cleaned_data["phase"]
        ),
    )
    return _respond(
        request,
        actor,
        sub_incident,
        form_key="phase_form",
        form=form,
        ok=ok,
        done=_("The phase was saved."),
    )


@require_POST
@staff_required()
def sub_incident_details(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    sub_incident = sub_incident_get(actor=actor, public_id=public_id)
    form = _details_form(sub_incident, staff_for_choice(actor=actor), request.POST)
    ok = form.is_valid() and _apply(
        form,
        lambda: services.sub_incident_update(
            actor=actor,
            sub_incident=sub_incident,
            responsible=form.cleaned_data["responsible"],
            planned_on=form.cleaned_data["planned_on"],
            cost_limit=form.cleaned_data["cost_limit"],
            reminders_on=form.cleaned_data["reminders_on"],
            instructions=form.cleaned_data["instructions"],
            access_instructions=form.cleaned_data["access_instructions"],
        ),
    )
    return _respond(
        request,
        actor,
        sub_incident,
        form_key="details_form",
        form=form,
        ok=ok,
        done=_("The details were saved."),
    )


@require_POST
@staff_required()
def sub_incident_draft_send(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    sub_incident = sub_incident_get(actor=actor, public_id=public_id)
    form = DraftSendForm(request.POST)
    ok = form.is_valid() and _apply(
        form,
        lambda: services.work_order_draft_send(
            actor=actor,
            sub_incident=sub_incident,
            contact=form.cleaned_data["contact"],
            reminders_on=form.cleaned_data["reminders_on"],
        ),
    )
    return _respond(
        request,
        actor,
        sub_incident,
        form_key="send_form",
        form=form,
        ok=ok,
        done=_("The work order was sent to the supplier."),
    )


@require_POST
@staff_required()
def sub_incident_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    sub_incident = sub_incident_get(actor=actor, public_id=public_id)
    form = CancelForm(request.POST)
    ok = form.is_valid() and _apply(
        form,
        lambda: services.work_order_cancel(
            actor=actor, sub_incident=sub_incident, reason=form.cleaned_data["reason"]
        ),
    )
    return _respond(
        request,
        actor,
        sub_incident,
        form_key="cancel_form",
        form=form,
        ok=ok,
        done=_("The work order is cancelled; the supplier is told why."),
    )


@require_POST
@staff_required()
def sub_incident_complete(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    sub_incident = sub_incident_get(actor=actor, public_id=public_id)
    form = CompleteForm(request.POST)
    changed: list[bool] = []
    ok = form.is_valid() and _apply(
        form,
        lambda: changed.append(
            services.sub_incident_complete(
                actor=actor, sub_incident=sub_incident, note=form.cleaned_data["note"]
            )
        ),
    )
    if ok and not changed[0]:
        messages.info(request, _("Nothing changed: it was completed or closed already."))
        return redirect(_detail_url(sub_incident))
    return _respond(
        request,
        actor,
        sub_incident,
        form_key="complete_form",
        form=form,
        ok=ok,
        done=_("Marked as completed."),
    )


@require_POST
@staff_required()
def sub_incident_links_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    sub_incident = sub_incident_get(actor=actor, public_id=public_id)
    count = services.party_links_revoke(actor=actor, sub_incident=sub_incident)
    if count:
        messages.success(request, _("The links were revoked; they no longer open this page."))
    else:
        messages.info(request, _("There was no working link to revoke."))
    return redirect(_detail_url(sub_incident))


@require_POST
@staff_required()
def sub_incident_link_reissue(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    sub_incident = sub_incident_get(actor=actor, public_id=public_id)
    try:
        channels = services.party_link_reissue(actor=actor, sub_incident=sub_incident)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if channels:
            messages.success(
                request,
                _("A new link was sent to %(name)s by %(channels)s; the old ones no longer work.")
                % {"name": sub_incident.contact, "channels": _channels_text(channels)},
            )
        else:
            messages.error(
                request,
                _("No email address or mobile number is known, so no link could be sent."),
            )
    return redirect(_detail_url(sub_incident))


@require_POST
@staff_required()
def sub_incident_portal_access(request: HttpRequest, public_id: str) -> HttpResponse:
    """Switch the supplier's or owner's portal sign-in on or off (SPEC INC-12); the
    button posts ``portal_access=on`` or ``off``, so a second click changes nothing."""
    actor = _actor(request)
    sub_incident = sub_incident_get(actor=actor, public_id=public_id)
    choice = request.POST.get("portal_access", "")
    if sub_incident.contact is None or choice not in ("on", "off"):
        messages.error(request, _("Portal access could not be changed."))
        return redirect(_detail_url(sub_incident))
    try:
        contact = contact_portal_access_set(
            actor=actor, contact=sub_incident.contact, enabled=choice == "on"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if contact.portal_access:
            messages.success(
                request,
                _("%(name)s may now sign in to the portal with their email address.")
                % {"name": contact},
            )
        else:
            messages.success(
                request,
                _("%(name)s can no longer sign in to the portal; their personal links still work.")
                % {"name": contact},
            )
    return redirect(_detail_url(sub_incident))


# ---------------------------------------------------------------- the overview (INC-11)


@require_safe
@staff_required()
def work_order_list(request: HttpRequest) -> HttpResponse:
    """All work orders newest first, filtered through the URL (status, supplier,
    complex, overdue); see ``overdue_condition`` for what counts as overdue."""
    actor = _actor(request)
    form = WorkOrderFilterForm(
        request.GET,
        suppliers=suppliers_for_filter(actor=actor),
        complexes=complexes_for_filter(actor=actor),
    )
    page = work_order_page(
        actor=actor,
        filters=form.filters(),
        organization=organization_for_request(request),
        cursor=request.GET.get("cursor"),
    )
    template = "backoffice/work_order_list.html"
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        template += "#results"
    response = render(request, template, {"form": form, "page": page})
    patch_vary_headers(response, ["HX-Request"])
    return response
