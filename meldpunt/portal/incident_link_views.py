"""The tenant's personal page for one incident (SPEC INT-3): no login, phone first,
works without JavaScript.

It shows the incident's title and phase, the external messages and external
files only, and lets the tenant reply and add photos. Opening the page
changes nothing (scanners and link previews open links too). A missing,
expired, revoked or foreign token, or a file of another incident, is 404.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from meldpunt.common.actors import Actor
from meldpunt.common.links import link_page, link_resolve
from meldpunt.common.models import AccessLink, AuditEvent
from meldpunt.common.uploads import file_response
from meldpunt.incidents.links import INCIDENT_LINK_PURPOSE
from meldpunt.incidents.models import Attachment, Incident, Message
from meldpunt.incidents.thread import tenant_reply_post
from meldpunt.incidents.timeline import tenant_thread
from meldpunt.portal.incident_link_forms import TenantReplyForm


def _resolve(token: str) -> tuple[AccessLink, Incident]:
    link = link_resolve(token=token, purpose=INCIDENT_LINK_PURPOSE)
    if link.object_type != Incident._meta.label_lower:
        raise Http404
    incident = (
        Incident.objects.select_related("phase", "household")
        .filter(public_id=link.object_id)
        .first()
    )
    if incident is None:
        raise Http404
    return link, incident


def _link_actor(link: AccessLink) -> Actor:
    return Actor(kind=AuditEvent.ActorKind.LINK, label=f"tenant link: {link.party}"[:200])


def _render(
    request: HttpRequest, token: str, incident: Incident, form: TenantReplyForm, status: int = 200
) -> HttpResponse:
    context = {
        "incident": incident,
        "token": token,
        "entries": tenant_thread(incident=incident).entries(),
        "form": form,
    }
    return render(request, "portal/incident_link.html", context, status=status)


@login_not_required
@link_page
@require_safe
def incident_link(request: HttpRequest, token: str) -> HttpResponse:
    _link, incident = _resolve(token)
    return _render(request, token, incident, TenantReplyForm())


# The page sends ``Referrer-Policy: no-referrer``, so browsers post its forms with
# ``Origin: null`` and Django's origin check would refuse every reply. The secret
# token in the URL is what protects this form: a forged post would need the token,
# and whoever holds it may post anyway.
@csrf_exempt
@login_not_required
@link_page
@require_POST
def incident_link_reply(request: HttpRequest, token: str) -> HttpResponse:
    link, incident = _resolve(token)
    form = TenantReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            tenant_reply_post(
                actor=_link_actor(link),
                incident=incident,
                body=form.cleaned_data["body"],
                uploads=form.cleaned_data["photos"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, field_errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Thank you. Your reply was sent."))
            url = reverse("portal:incident_link", kwargs={"token": token})
            return redirect(f"{url}#reply")
    return _render(request, token, incident, form, status=422)


@login_not_required
@link_page
@require_safe
def incident_link_file(request: HttpRequest, token: str, file_id: str) -> HttpResponse:
    _link, incident = _resolve(token)
    attachment = (
        Attachment.objects.filter(
            incident=incident, public_id=file_id, visibility=Message.Visibility.EXTERNAL
        )
        .exclude(message__visibility=Message.Visibility.INTERNAL)
        .first()
    )
    if attachment is None:
        raise Http404
    response = file_response(
        field_file=attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    # A streamed response; the view decorators are typed for HttpResponse only.
    return cast(HttpResponse, response)
