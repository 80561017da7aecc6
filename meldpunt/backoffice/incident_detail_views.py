"""One incident: thread, notes, tasks, files, phase and handler (SPEC INC-5 … INC-8, INC-16).

Every write is a POST that calls one service. A plain form post redirects back
to the page; an htmx post gets the changed parts of the page (the form and,
out of band, the summary and the timeline), or the form again with 422.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from meldpunt.accounts.models import User
from meldpunt.accounts.permissions import staff_required
from meldpunt.backoffice.incident_detail_forms import (
    ComposerForm,
    Rows,
    StatusForm,
    TaskForm,
    UploadForm,
    staff_users,
)
from meldpunt.common.actors import Actor
from meldpunt.common.uploads import file_response
from meldpunt.incidents import thread
from meldpunt.incidents.models import Attachment, Incident, Task
from meldpunt.incidents.notices import tenant_recipients
from meldpunt.incidents.selectors import incident_get, incident_history
from meldpunt.incidents.sub_incident_selectors import sub_incidents_of_incident
from meldpunt.incidents.timeline import incident_tasks, incident_timeline
from meldpunt.intake.repair_requests import repair_request_of_incident


def _actor(request: HttpRequest) -> Actor:
    return Actor.staff(cast(User, request.user))


def _incident(actor: Actor, public_id: str) -> Incident:
    return incident_get(actor=actor, public_id=public_id)


def _detail_url(incident: Incident, anchor: str = "") -> str:
    url = reverse("backoffice:incident_detail", kwargs={"public_id": incident.public_id})
    return f"{url}#{anchor}" if anchor else url


def _context(
    request: HttpRequest, actor: Actor, incident: Incident, **forms: Form
) -> dict[str, Any]:
    recipients = tenant_recipients(incident)
    timeline = incident_timeline(actor=actor, incident=incident)
    staff = Rows(staff_users())  # read once for the task and the status form
    return {
        "incident": incident,
        "timeline": timeline,
        "attachments": [attachment for entry in timeline for attachment in entry.attachments],
        "tasks": list(incident_tasks(incident=incident)),
        "sub_incidents": sub_incidents_of_incident(actor=actor, incident=incident),
        "repair_request": repair_request_of_incident(incident=incident),
        "earlier": incident_history(
            unit=incident.unit,
            household=incident.household,
            common_area=incident.common_area,
            exclude=incident,
            actor=actor,
        ),
        "tenant_reachable": bool(recipients),
        "tenant_channels": [channel for channel, _address in recipients],
        "composer": forms.get("composer") or ComposerForm(),
        "upload_form": forms.get("upload_form") or UploadForm(),
        "task_form": forms.get("task_form") or TaskForm(staff=staff),
        "status_form": forms.get("status_form") or _status_form(incident, staff=staff),
    }


def _status_form(incident: Incident, data: Any = None, *, staff: Rows | None = None) -> StatusForm:
    initial = {
        "phase": incident.phase_id,
        "handler": incident.handler_id,
        "responsible": incident.responsible_id,
    }
    return StatusForm(data, initial=initial, current_phase_id=incident.phase_id, staff=staff)


def _partials(request: HttpRequest, context: dict[str, Any], *names: str) -> str:
    """Parts of the page for htmx; every part but the first is swapped out of band."""
    html = []
    for index, name in enumerate(names):
        part = {**context, "oob": index > 0}
        html.append(render_to_string(f"backoffice/incidents/_{name}.html", part, request))
    return "".join(html)


def _respond(
    request: HttpRequest,
    actor: Actor,
    incident: Incident,
    *,
    form_key: str,
    form: Form | None,
    partials: tuple[str, ...],
    anchor: str,
    done: str,
) -> HttpResponse:
    """Answer a write: ``form`` is None after success, the bound form on errors."""
    if form is None and not request.htmx:  # type: ignore[attr-defined]
        messages.success(request, done)
        return redirect(_detail_url(incident, anchor))
    if form is None:
        fresh = _incident(actor, incident.public_id)
        context = _context(request, actor, fresh)
        context["announcement"] = done
        return HttpResponse(_partials(request, context, *partials, "announcer"))
    context = _context(request, actor, incident, **{form_key: form})
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponse(_partials(request, context, partials[0]), status=422)
    return render(request, "backoffice/incidents/detail.html", context, status=422)


def _apply(form: Form, call: Any) -> bool:
    """Run the service; its validation errors land on the form. True on success."""
    try:
        call()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, field_errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            form.add_error(None, error)
        return False
    return True


@require_safe
@staff_required()
def incident_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    incident = _incident(actor, public_id)
    return render(request, "backoffice/incidents/detail.html", _context(request, actor, incident))


@require_POST
@staff_required()
def message_create(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    incident = _incident(actor, public_id)
    form = ComposerForm(request.POST, request.FILES)

    def post() -> None:
        data = form.cleaned_data
        if data["kind"] == ComposerForm.NOTE:
            thread.note_add(actor=actor, incident=incident, body=data["body"])
            return
        thread.message_post(
            actor=actor,
            incident=incident,
            body=data["body"],
            visibility=form.visibility,
            uploads=data["photos"],
        )

    ok = form.is_valid() and _apply(form, post)
    kind = form.cleaned_data.get("kind") if ok else None
    done = {
        ComposerForm.NOTE: _("The note was added."),
        ComposerForm.EXTERNAL: _("The message was sent to the tenant."),
    }.get(kind or "", _("The internal message was added."))
    return _respond(
        request,
        actor,
        incident,
        form_key="composer",
        form=None if ok else form,
        partials=("composer", "timeline", "summary"),
        anchor="timeline",
        done=done,
    )


@require_POST
@staff_required()
def attachment_upload(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    incident = _incident(actor, public_id)
    form = UploadForm(request.POST, request.FILES)
    ok = form.is_valid() and _apply(
        form,
        lambda: thread.attachments_add(
            actor=actor,
            incident=incident,
            uploads=form.cleaned_data["photos"],
            visibility=form.cleaned_data["visibility"],
        ),
    )
    return _respond(
        request,
        actor,
        incident,
        form_key="upload_form",
        form=None if ok else form,
        partials=("files", "timeline"),
        anchor="files",
        done=_("The files were added."),
    )


@require_safe
@staff_required()
def attachment_download(request: HttpRequest, public_id: str, file_id: str) -> HttpResponse:
    incident = _incident(_actor(request), public_id)
    attachment = Attachment.objects.filter(incident=incident, public_id=file_id).first()
    if attachment is None:
        raise Http404
    response = file_response(
        field_file=attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    # A streamed response; the view decorators are typed for HttpResponse only.
    return cast(HttpResponse, response)


@require_POST
@staff_required()
def task_create(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    incident = _incident(actor, public_id)
    form = TaskForm(request.POST)
    ok = form.is_valid() and _apply(
        form,
        lambda: thread.task_add(
            actor=actor,
            incident=incident,
            title=form.cleaned_data["title"],
            assignee=form.cleaned_data["assignee"],
            due_on=form.cleaned_data["due_on"],
        ),
    )
    return _respond(
        request,
        actor,
        incident,
        form_key="task_form",
        form=None if ok else form,
        partials=("tasks", "timeline"),
        anchor="tasks",
        done=_("The task was added."),
    )


def _task(incident: Incident, task_id: str) -> Task:
    task = Task.objects.filter(incident=incident, public_id=task_id).first()
    if task is None:
        raise Http404
    return task


@require_POST
@staff_required()
def task_toggle(request: HttpRequest, public_id: str, task_id: str, action: str) -> HttpResponse:
    actor = _actor(request)
    incident = _incident(actor, public_id)
    task = _task(incident, task_id)
    if action == "done":
        thread.task_done(actor=actor, task=task)
        done = _("The task is done.")
    else:
        thread.task_reopen(actor=actor, task=task)
        done = _("The task was reopened.")
    return _respond(
        request,
        actor,
        incident,
        form_key="task_form",
        form=None,
        partials=("tasks", "timeline"),
        anchor="tasks",
        done=done,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required()
def incident_status(request: HttpRequest, public_id: str) -> HttpResponse:
    """The status dialog; as a page of its own when the browser runs no script."""
    actor = _actor(request)
    incident = _incident(actor, public_id)
    if request.method != "POST":
        context = {"incident": incident, "status_form": _status_form(incident)}
        return render(request, "backoffice/incidents/status.html", context)
    form = _status_form(incident, request.POST)
    ok = form.is_valid() and _apply(
        form,
        lambda: thread.incident_status_set(
            actor=actor,
            incident=incident,
            phase=form.cleaned_data["phase"],
            handler=form.cleaned_data["handler"],
            responsible=form.cleaned_data["responsible"],
            note=form.cleaned_data["note"],
        ),
    )
    if not ok and not request.htmx:  # type: ignore[attr-defined]
        context = {"incident": incident, "status_form": form}
        return render(request, "backoffice/incidents/status.html", context, status=422)
    return _respond(
        request,
        actor,
        incident,
        form_key="status_form",
        form=None if ok else form,
        partials=("status_fields", "summary", "timeline"),
        anchor="",
        done=_("The status was saved."),
    )
