"""Signing in for suppliers and owners, and their list of work orders (SPEC INC-12).

No password: ``/w/`` asks for the email address and, when the address may sign
in, a one-time link goes out. Opening that link shows a button; only the POST
signs in, so mail scanners that open links change nothing. The list offers an
"Open" button per row that hands out a fresh personal link and goes there.

These pages have no secret in the address bar except the sign-in link, which
stops working the moment it is used, so their forms keep normal CSRF
protection. The sign-in link page keeps its Referer on this site only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from meldpunt.incidents.models import SubIncident
from meldpunt.incidents.party_accounts import (
    ORDERS_MAX,
    SignInLimited,
    party_order_get,
    party_orders,
    sign_in_complete,
    sign_in_link_get,
    sign_in_request,
)
from meldpunt.incidents.services import incident_address
from meldpunt.incidents.sub_incidents import party_link_url
from meldpunt.intake.selectors import client_ip, client_ip_hash
from meldpunt.portal.party_account import session_contact, session_sign_in, session_sign_out
from meldpunt.portal.party_link_views import PERMISSION_WORDS, STATUS_BADGES, STATUS_WORDS


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={
            "required": _("Fill in your email address."),
            "invalid": _("Fill in a complete email address, like name@example.com."),
        },
    )


@dataclass(frozen=True, slots=True)
class OrderRow:
    sub_incident: SubIncident
    address: str
    status: str
    badge: str


def _private(response: HttpResponse, *, referrer: str = "") -> HttpResponse:
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, " + response["Cache-Control"]
    if referrer:
        response["Referrer-Policy"] = referrer
    return response


def _row(sub_incident: SubIncident) -> OrderRow:
    if sub_incident.is_work_order:
        status = STATUS_WORDS.get(sub_incident.status, sub_incident.get_status_display())
        badge = STATUS_BADGES.get(sub_incident.status, "badge--muted")
    else:
        words = PERMISSION_WORDS.get(sub_incident.permission)
        status = words if words is not None else sub_incident.get_status_display()
        badge = "badge--muted" if sub_incident.is_open else "badge--success"
    return OrderRow(
        sub_incident=sub_incident,
        address=incident_address(sub_incident.incident),
        status=str(status),
        badge=badge,
    )


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def party_sign_in(request: HttpRequest) -> HttpResponse:
    """Ask for the email address; the answer never tells whether it is known."""
    if request.method != "POST":
        if session_contact(request) is not None:
            return redirect("portal:party_orders")
        return _private(
            render(request, "portal/party_account_sign_in.html", {"form": SignInForm()})
        )
    form = SignInForm(request.POST)
    if not form.is_valid():
        context: dict[str, Any] = {"form": form}
        return _private(render(request, "portal/party_account_sign_in.html", context, status=422))
    try:
        sign_in_request(
            email=form.cleaned_data["email"],
            client_hash=client_ip_hash(client_ip(request)),
        )
    except SignInLimited:
        context = {"form": form, "limited": True}
        return _private(render(request, "portal/party_account_sign_in.html", context, status=429))
    context = {"email": form.cleaned_data["email"]}
    return _private(render(request, "portal/party_account_sent.html", context))


def _link_gone(request: HttpRequest) -> HttpResponse:
    response = render(request, "portal/party_account_gone.html", status=404)
    return _private(response, referrer="same-origin")


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def party_sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button and changes nothing; the POST uses the link up and signs in."""
    if request.method != "POST":
        try:
            _link, contact = sign_in_link_get(token=token)
        except Http404:
            return _link_gone(request)
        response = render(request, "portal/party_account_link.html", {"contact": contact})
        return _private(response, referrer="same-origin")
    try:
        contact = sign_in_complete(token=token)
    except Http404:
        return _link_gone(request)
    session_sign_in(request, contact)
    return _private(redirect("portal:party_orders"), referrer="same-origin")


@login_not_required
@require_safe
def party_orders_list(request: HttpRequest) -> HttpResponse:
    contact = session_contact(request)
    if contact is None:
        return redirect("portal:party_sign_in")
    rows = [_row(sub_incident) for sub_incident in party_orders(contact=contact)[:ORDERS_MAX]]
    context = {
        "contact": contact,
        "open_rows": [row for row in rows if row.sub_incident.is_open],
        "closed_rows": [row for row in rows if not row.sub_incident.is_open],
    }
    return _private(render(request, "portal/party_account_orders.html", context))


@login_not_required
@require_POST
def party_order_open(request: HttpRequest, public_id: str) -> HttpResponse:
    """Hand out a fresh personal link for one of their own sub-incidents and go there."""
    contact = session_contact(request)
    if contact is None:
        return redirect("portal:party_sign_in")
    sub_incident = party_order_get(contact=contact, public_id=public_id)
    return _private(redirect(party_link_url(sub_incident)))


@login_not_required
@require_POST
def party_sign_out(request: HttpRequest) -> HttpResponse:
    session_sign_out(request)
    return redirect("portal:party_sign_in")
