"""Administrators edit the wording of every message per language (SPEC ADM-SET, X-1)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from meldpunt.accounts.models import StaffRole, User
from meldpunt.accounts.permissions import staff_required
from meldpunt.backoffice.message_template_forms import MessageTemplateForm
from meldpunt.common.actors import Actor
from meldpunt.notifications import template_services
from meldpunt.notifications.template_services import Preview, TemplateDetail


def _actor(request: HttpRequest) -> Actor:
    return Actor.staff(cast(User, request.user))


def _edit_page(
    request: HttpRequest,
    detail: TemplateDetail,
    form: MessageTemplateForm,
    *,
    preview: Preview | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "detail": detail,
        "form": form,
        "preview": preview,
        "variables": [
            ("{{ " + name + " }}", description)
            for name, description in detail.kind.all_variables.items()
        ],
    }
    return render(request, "backoffice/messages/edit.html", context, status=status)


@require_safe
@staff_required(StaffRole.ADMIN)
def message_template_list(request: HttpRequest) -> HttpResponse:
    groups = template_services.message_template_overview(actor=_actor(request))
    return render(request, "backoffice/messages/list.html", {"groups": groups})


@require_safe
@staff_required(StaffRole.ADMIN)
def message_template_edit(request: HttpRequest, key: str, language: str) -> HttpResponse:
    detail = template_services.message_template_detail(
        actor=_actor(request), key=key, language=language
    )
    return _edit_page(request, detail, MessageTemplateForm(initial=detail.initial()))


@require_POST
@staff_required(StaffRole.ADMIN)
def message_template_preview(request: HttpRequest, key: str, language: str) -> HttpResponse:
    detail = template_services.message_template_detail(
        actor=_actor(request), key=key, language=language
    )
    form = MessageTemplateForm(request.POST)
    if form.is_valid():
        try:
            preview = template_services.message_preview(key=key, language=language, **form.texts())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _edit_page(request, detail, form, preview=preview)
    return _edit_page(request, detail, form, status=422)


@require_POST
@staff_required(StaffRole.ADMIN)
def message_template_save(request: HttpRequest, key: str, language: str) -> HttpResponse:
    actor = _actor(request)
    detail = template_services.message_template_detail(actor=actor, key=key, language=language)
    form = MessageTemplateForm(request.POST)
    if form.is_valid():
        try:
            row = template_services.message_template_save(
                actor=actor, key=key, language=language, **form.texts()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if row is None:
                messages.success(request, _("Saved. This message uses the default text."))
            else:
                messages.success(request, _("Saved. New messages use your text."))
            return redirect("backoffice:message_template_edit", key=key, language=language)
    return _edit_page(request, detail, form, status=422)


@require_POST
@staff_required(StaffRole.ADMIN)
def message_template_reset(request: HttpRequest, key: str, language: str) -> HttpResponse:
    actor = _actor(request)
    template_services.message_template_detail(actor=actor, key=key, language=language)
    if template_services.message_template_reset(actor=actor, key=key, language=language):
        messages.success(request, _("The default text is back in use."))
    else:
        messages.info(request, _("This message already uses the default text."))
    return redirect("backoffice:message_template_edit", key=key, language=language)
