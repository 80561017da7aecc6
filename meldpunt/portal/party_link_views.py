"""The supplier's and owner's page for one sub-incident, behind a personal link
(SPEC INC-9, INC-10, X-2, C-6): no login, phone first, works without JavaScript.

A supplier sees the work order (what, where, whom to call for an appointment,
the shared files and the shared thread) and can accept, reject, plan, report
it completed and write; an owner sees the question and can approve or
decline. Neither ever sees the main incident's thread or files, nor another
sub-incident's: everything here is read through this sub-incident, external
entries only.

Opening the page changes nothing. Each action is its own POST that redirects
back with a message; one that no longer applies (a double click, a cancelled
order) says so politely and changes nothing. A bad, revoked or expired link
is a 404 with a page that tells the visitor whom to contact.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from meldpunt.common.actors import Actor
from meldpunt.common.links import link_page, link_resolve
from meldpunt.common.models import AccessLink
from meldpunt.common.uploads import file_response
from meldpunt.incidents.models import (
    Message,
    SubIncident,
    SubIncidentAttachment,
    SubIncidentMessage,
)
from meldpunt.incidents.services import incident_address
from meldpunt.incidents.sub_incident_party import (
    owner_permission_answer,
    party_message_post,
    work_order_accept,
    work_order_complete,
    work_order_plan,
    work_order_reject,
)
from meldpunt.incidents.sub_incidents import (
    PARTY_LINK_PURPOSE,
    WORK_ORDER_LIVE,
    party_actor,
    party_link_resolve,
)
from meldpunt.organization.selectors import organization_for_request
from meldpunt.portal.party_link_forms import (
    CommentForm,
    CompleteForm,
    DeclineForm,
    PlanForm,
    RejectForm,
)

MAP_SEARCH_URL = "https://www.openstreetmap.org/search"

# The status in the words a supplier reads it.
STATUS_WORDS: dict[str, Promise] = {
    SubIncident.Status.OPEN: gettext_lazy("Open"),
    SubIncident.Status.SENT: gettext_lazy("Waiting for your answer"),
    SubIncident.Status.ACCEPTED: gettext_lazy("Accepted"),
    SubIncident.Status.REJECTED: gettext_lazy("Rejected"),
    SubIncident.Status.COMPLETED: gettext_lazy("Completed"),
    SubIncident.Status.CANCELLED: gettext_lazy("Cancelled"),
}
STATUS_BADGES: dict[str, str] = {
    SubIncident.Status.SENT: "badge--warning",
    SubIncident.Status.ACCEPTED: "badge--success",
    SubIncident.Status.COMPLETED: "badge--success",
    SubIncident.Status.REJECTED: "badge--danger",
    SubIncident.Status.CANCELLED: "badge--muted",
}
PERMISSION_WORDS: dict[str, Promise] = {
    SubIncident.Permission.REQUESTED: gettext_lazy("Waiting for your answer"),
    SubIncident.Permission.APPROVED: gettext_lazy("You gave permission"),
    SubIncident.Permission.DECLINED: gettext_lazy("You did not give permission"),
}


@dataclass(frozen=True, slots=True)
class Party:
    """The holder of a live link: the link, its sub-incident and how to link back."""

    link: AccessLink
    sub_incident: SubIncident
    token: str
    lang_query: str

    @property
    def actor(self) -> Actor:
        return party_actor(self.link)

    def page_url(self) -> str:
        return reverse("portal:party_link", kwargs={"token": self.token}) + self.lang_query


# ---------------------------------------------------------------- language and bad links


def _language(request: HttpRequest) -> str:
    """``?lang=`` picks the page's language for this request (no cookie, no POST);
    returns the query to keep on the page's own links and forms."""
    code = request.GET.get("lang", "")
    if code in dict(settings.LANGUAGES):
        translation.activate(code)
        request.LANGUAGE_CODE = code
        return f"?lang={code}"
    return ""


def _link_ended(token: str) -> bool:
    """Whether ``token`` was a supplier's or owner's link that is revoked or has expired.

    Only asked after the link failed to resolve, so an existing row means it
    is no longer live. The hash is the one the links module stores.
    """
    if not token or len(token) > 128:
        return False
    digest = hashlib.sha256(token.encode()).hexdigest()
    return AccessLink.objects.filter(token_hash=digest, purpose=PARTY_LINK_PURPOSE).exists()


def _gone(request: HttpRequest, *, ended: bool) -> HttpResponse:
    context = {"ended": ended, "organization": organization_for_request(request)}
    return render(request, "portal/party_link_gone.html", context, status=404)


def _party_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve the token into a :class:`Party` for ``view``; a bad link gets the polite 404."""

    @wraps(view)
    def wrapped(request: HttpRequest, token: str, **kwargs: Any) -> HttpResponse:
        lang_query = _language(request)
        try:
            link = link_resolve(token=token, purpose=PARTY_LINK_PURPOSE)
        except Http404:
            return _gone(request, ended=_link_ended(token))
        sub_incident = party_link_resolve(link)
        if sub_incident is None:
            return _gone(request, ended=True)
        party = Party(link=link, sub_incident=sub_incident, token=token, lang_query=lang_query)
        return view(request, party, **kwargs)

    return wrapped


# ---------------------------------------------------------------- reading


def _shared_files(sub_incident: SubIncident) -> QuerySet[SubIncidentAttachment]:
    """External files of this sub-incident only; never one on an internal message."""
    return (
        SubIncidentAttachment.objects.filter(
            sub_incident=sub_incident, visibility=Message.Visibility.EXTERNAL
        )
        .exclude(message__visibility=Message.Visibility.INTERNAL)
        .order_by("created_at", "id")
    )


def _shared_thread(sub_incident: SubIncident) -> list[SubIncidentMessage]:
    """External messages of this sub-incident only, each with its shared files."""
    files = SubIncidentAttachment.objects.filter(visibility=Message.Visibility.EXTERNAL)
    return list(
        SubIncidentMessage.objects.filter(
            sub_incident=sub_incident,
            visibility=Message.Visibility.EXTERNAL,
            kind=Message.Kind.MESSAGE,
        )
        .prefetch_related(Prefetch("attachments", queryset=files, to_attr="shared_files"))
        .order_by("created_at", "id")
    )


def _actions(sub_incident: SubIncident, today: date) -> dict[str, bool]:
    """Which actions the page offers now; the services decide again on every POST."""
    work_order = sub_incident.is_work_order
    live = work_order and sub_incident.is_open and sub_incident.status in WORK_ORDER_LIVE
    planned = sub_incident.planned_on
    return {
        "accept": live and sub_incident.status == SubIncident.Status.SENT,
        "reject": live,
        "plan": live,
        "confirm": live
        and planned is not None
        and planned >= today
        and sub_incident.planned_confirmed_at is None,
        "complete": live,
        "answer": sub_incident.kind == SubIncident.Kind.OWNER
        and sub_incident.is_open
        and sub_incident.permission == SubIncident.Permission.REQUESTED,
        "comment": sub_incident.is_open and sub_incident.status != SubIncident.Status.CANCELLED,
    }


def _tenant_contact(sub_incident: SubIncident) -> tuple[str, str]:
    """Whom the supplier calls for an appointment: the reporter's name and phone only,
    and only while the order runs (a rejected or finished order needs no appointment)."""
    running = (
        sub_incident.is_work_order
        and sub_incident.is_open
        and sub_incident.status in WORK_ORDER_LIVE
    )
    if not running:
        return "", ""
    incident = sub_incident.incident
    household = incident.household
    name = incident.contact_name or (household.name if household else "")
    phone = incident.contact_phone or (household.phone if household else "")
    return name, phone


def _render(
    request: HttpRequest,
    party: Party,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    sub_incident = party.sub_incident
    address = incident_address(sub_incident.incident)
    tenant_name, tenant_phone = _tenant_contact(sub_incident)
    page_forms: dict[str, forms.Form] = {
        "reject_form": RejectForm(),
        "plan_form": PlanForm(),
        "complete_form": CompleteForm(),
        "comment_form": CommentForm(),
        "decline_form": DeclineForm(),
        **(bound or {}),
    }
    context = {
        "sub_incident": sub_incident,
        "token": party.token,
        "lang_query": party.lang_query,
        "status_words": STATUS_WORDS.get(sub_incident.status, sub_incident.get_status_display()),
        "status_badge": STATUS_BADGES.get(sub_incident.status, "badge--muted"),
        "permission_words": PERMISSION_WORDS.get(sub_incident.permission, ""),
        "address": address,
        "map_url": f"{MAP_SEARCH_URL}?{urlencode({'query': address})}" if address else "",
        "tenant_name": tenant_name,
        "tenant_phone": tenant_phone,
        "files": list(_shared_files(sub_incident)),
        "thread": _shared_thread(sub_incident),
        "can": _actions(sub_incident, timezone.localdate()),
        **page_forms,
    }
    return render(request, "portal/party_link.html", context, status=status)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def _nothing_changed(request: HttpRequest, party: Party) -> HttpResponse:
    """The action no longer applies (a double click, a cancelled order): say so, change nothing."""
    sub_incident = party.sub_incident
    sub_incident.refresh_from_db()
    if sub_incident.kind == SubIncident.Kind.OWNER:
        if sub_incident.permission in (
            SubIncident.Permission.APPROVED,
            SubIncident.Permission.DECLINED,
        ):
            text = _("You have answered this question already; nothing was changed.")
        else:
            text = _("This request is closed; nothing was changed.")
    else:
        status = STATUS_WORDS.get(sub_incident.status, sub_incident.get_status_display())
        text = _("Nothing was changed: this work order is now “%(status)s”.") % {"status": status}
    messages.info(request, text)
    return redirect(party.page_url())


def _done(request: HttpRequest, party: Party, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect(party.page_url())


def _applies(party: Party, action: str) -> bool:
    return _actions(party.sub_incident, timezone.localdate())[action]


# ---------------------------------------------------------------- the page and its files


@login_not_required
@link_page
@require_safe
@_party_view
def party_link(request: HttpRequest, party: Party) -> HttpResponse:
    return _render(request, party)


@login_not_required
@link_page
@require_safe
@_party_view
def party_link_file(request: HttpRequest, party: Party, file_id: str) -> HttpResponse:
    attachment = _shared_files(party.sub_incident).filter(public_id=file_id).first()
    if attachment is None:
        return _gone(request, ended=False)
    response = file_response(
        field_file=attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    # A streamed response; the view decorators are typed for HttpResponse only.
    return cast(HttpResponse, response)


# ---------------------------------------------------------------- actions
#
# The page sends ``Referrer-Policy: no-referrer``, so browsers post its forms
# with ``Origin: null`` and Django's origin check would refuse them. The
# secret token in the URL is what protects these forms: a forged post would
# need the token, and whoever holds it may post anyway.


@csrf_exempt
@login_not_required
@link_page
@require_POST
@_party_view
def party_link_accept(request: HttpRequest, party: Party) -> HttpResponse:
    if not _applies(party, "accept"):
        return _nothing_changed(request, party)
    if not work_order_accept(actor=party.actor, sub_incident=party.sub_incident):
        return _nothing_changed(request, party)
    return _done(request, party, _("Thank you. You accepted the work order."))


def _form_action(
    request: HttpRequest,
    party: Party,
    *,
    form: forms.Form,
    bound_as: str,
    run: Callable[[dict[str, Any]], bool | str],
) -> HttpResponse:
    """The flow every form action shares: a valid form runs the service; ``run``
    returns the thank-you text, or ``False`` when the action no longer applied
    (nothing changed). Refusals show at the fields, with what was typed, as 400."""
    if form.is_valid():
        try:
            outcome = run(form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if outcome is False:
                return _nothing_changed(request, party)
            return _done(request, party, str(outcome))
    return _render(request, party, bound={bound_as: form}, status=400)


@csrf_exempt
@login_not_required
@link_page
@require_POST
@_party_view
def party_link_reject(request: HttpRequest, party: Party) -> HttpResponse:
    if not _applies(party, "reject"):
        return _nothing_changed(request, party)

    def run(data: dict[str, Any]) -> bool | str:
        rejected = work_order_reject(
            actor=party.actor, sub_incident=party.sub_incident, reason=data["reason"]
        )
        return rejected and _("You rejected the work order. Thank you for letting us know.")

    return _form_action(
        request, party, form=RejectForm(request.POST), bound_as="reject_form", run=run
    )


@csrf_exempt
@login_not_required
@link_page
@require_POST
@_party_view
def party_link_plan(request: HttpRequest, party: Party) -> HttpResponse:
    if not _applies(party, "plan"):
        return _nothing_changed(request, party)

    def run(data: dict[str, Any]) -> bool | str:
        planned_on = data["planned_on"]
        confirming = planned_on == party.sub_incident.planned_on
        if not work_order_plan(
            actor=party.actor, sub_incident=party.sub_incident, planned_on=planned_on
        ):
            return False
        if confirming:
            return _("Thank you. You confirmed the date.")
        return _("Thank you. We passed on the date you proposed.")

    return _form_action(request, party, form=PlanForm(request.POST), bound_as="plan_form", run=run)


@csrf_exempt
@login_not_required
@link_page
@require_POST
@_party_view
def party_link_complete(request: HttpRequest, party: Party) -> HttpResponse:
    if not _applies(party, "complete"):
        return _nothing_changed(request, party)

    def run(data: dict[str, Any]) -> bool | str:
        completed = work_order_complete(
            actor=party.actor,
            sub_incident=party.sub_incident,
            note=data["note"],
            before=data["before"],
            after=data["after"],
        )
        return completed and _("Thank you. You reported the work as completed.")

    form = CompleteForm(request.POST, request.FILES)
    return _form_action(request, party, form=form, bound_as="complete_form", run=run)


@csrf_exempt
@login_not_required
@link_page
@require_POST
@_party_view
def party_link_comment(request: HttpRequest, party: Party) -> HttpResponse:
    if not _applies(party, "comment"):
        messages.info(request, _("This is closed, so messages can no longer be sent here."))
        return redirect(party.page_url())

    def run(data: dict[str, Any]) -> bool | str:
        party_message_post(
            actor=party.actor,
            sub_incident=party.sub_incident,
            body=data["body"],
            uploads=data["photos"],
        )
        return _("Thank you. Your message was sent.")

    form = CommentForm(request.POST, request.FILES)
    return _form_action(request, party, form=form, bound_as="comment_form", run=run)


@csrf_exempt
@login_not_required
@link_page
@require_POST
@_party_view
def party_link_approve(request: HttpRequest, party: Party) -> HttpResponse:
    if not _applies(party, "answer"):
        return _nothing_changed(request, party)
    if not owner_permission_answer(
        actor=party.actor, sub_incident=party.sub_incident, approve=True
    ):
        return _nothing_changed(request, party)
    return _done(request, party, _("Thank you. You gave permission."))


@csrf_exempt
@login_not_required
@link_page
@require_POST
@_party_view
def party_link_decline(request: HttpRequest, party: Party) -> HttpResponse:
    if not _applies(party, "answer"):
        return _nothing_changed(request, party)

    def run(data: dict[str, Any]) -> bool | str:
        answered = owner_permission_answer(
            actor=party.actor,
            sub_incident=party.sub_incident,
            approve=False,
            reason=data["reason"],
        )
        return answered and _("Thank you. We received your answer.")

    return _form_action(
        request, party, form=DeclineForm(request.POST), bound_as="decline_form", run=run
    )
