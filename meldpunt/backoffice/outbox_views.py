"""The outbox: what was sent (or kept locally) to whom, and a test message for admins."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from meldpunt.accounts.models import StaffRole, User
from meldpunt.accounts.permissions import staff_required
from meldpunt.backoffice.forms import TestMessageForm
from meldpunt.common.actors import Actor
from meldpunt.notifications.models import InboundMail, OutboxMessage
from meldpunt.notifications.selectors import inbound_mail_page, outbox_message_get, outbox_page
from meldpunt.notifications.services import notification_test_send


def _render_list(request: HttpRequest, actor: Actor, *, dev: bool) -> HttpResponse:
    status = request.GET.get("status", "")
    context = {
        "page": outbox_page(actor=actor, cursor=request.GET.get("cursor"), status=status),
        "status": status,
        "statuses": OutboxMessage.Status.choices,
        "dev": dev,
        "test_form": TestMessageForm(initial={"recipient": getattr(request.user, "email", "")}),
    }
    return render(request, "backoffice/outbox_list.html", context)


@require_safe
@staff_required()
def outbox_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, Actor.staff(cast(User, request.user)), dev=False)


@require_safe
@staff_required()
def outbox_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = Actor.staff(cast(User, request.user))
    message = outbox_message_get(actor=actor, public_id=public_id)
    return render(request, "backoffice/outbox_detail.html", {"message": message, "dev": False})


@require_POST
@staff_required(StaffRole.ADMIN)
def outbox_test(request: HttpRequest) -> HttpResponse:
    form = TestMessageForm(request.POST)
    if form.is_valid():
        try:
            notification_test_send(
                actor=Actor.staff(cast(User, request.user)),
                channel=form.cleaned_data["channel"],
                recipient=form.cleaned_data["recipient"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The test message is in the outbox."))
            return redirect("backoffice:outbox")
    actor = Actor.staff(cast(User, request.user))
    context = {
        "page": outbox_page(actor=actor, cursor=None),
        "status": "",
        "statuses": OutboxMessage.Status.choices,
        "dev": False,
        "test_form": form,
    }
    return render(request, "backoffice/outbox_list.html", context, status=422)


@login_not_required
@require_safe
def dev_outbox_list(request: HttpRequest) -> HttpResponse:
    """The same outbox for anyone, only while DEBUG is on (a newcomer's demo)."""
    if not settings.DEBUG:
        raise Http404
    return _render_list(request, Actor.system("dev-outbox"), dev=True)


@login_not_required
@require_safe
def dev_outbox_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    if not settings.DEBUG:
        raise Http404
    message = outbox_message_get(actor=Actor.system("dev-outbox"), public_id=public_id)
    return render(request, "backoffice/outbox_detail.html", {"message": message, "dev": True})


@require_safe
@staff_required()
def received_mail_list(request: HttpRequest) -> HttpResponse:
    """Email that came in and what became of it; unplaced mail waits here for staff."""
    actor = Actor.staff(cast(User, request.user))
    outcome = request.GET.get("outcome", "")
    context = {
        "page": inbound_mail_page(actor=actor, cursor=request.GET.get("cursor"), outcome=outcome),
        "outcome": outcome,
        "outcomes": InboundMail.Outcome.choices,
    }
    return render(request, "backoffice/received_mail_list.html", context)
