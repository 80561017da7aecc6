"""View as tenant: start, end, and the sessions page (SPEC ADM-KCC, INC-16)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from meldpunt.accounts import view_as_services as services
from meldpunt.accounts.account_selectors import view_as_household_get, view_as_session_rows
from meldpunt.accounts.models import StaffRole, User
from meldpunt.accounts.permissions import staff_required
from meldpunt.backoffice.account_forms import ViewAsForm
from meldpunt.common.actors import Actor
from meldpunt.people.models import Household

AGENTS = (StaffRole.ADMIN, StaffRole.AGENT)


def _actor(request: HttpRequest) -> Actor:
    return Actor.staff(cast(User, request.user))


def _reverse_or(name: str, fallback: str, **kwargs: str) -> str:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return fallback


def household_page_url(household: Household) -> str:
    """The household's record in the back office (or the account list when it has none)."""
    fallback = f"{reverse('backoffice:account_list')}?q={household.tenant_number}"
    return _reverse_or("backoffice:household_detail", fallback, public_id=household.public_id)


@require_POST
@staff_required(*AGENTS)
def view_as_start(request: HttpRequest, public_id: str) -> HttpResponse:
    household = view_as_household_get(actor=_actor(request), public_id=public_id)
    form = ViewAsForm(request.POST)
    if form.is_valid():
        try:
            services.view_as_start(
                actor=_actor(request),
                household=household,
                password=form.cleaned_data["password"],
                request=request,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect(_reverse_or("portal:home", "/portal/"))
    context = {"form": form, "household": household, "back_url": household_page_url(household)}
    return render(request, "backoffice/accounts/view_as_start.html", context, status=422)


@require_POST
@staff_required(*AGENTS)
def view_as_end(request: HttpRequest) -> HttpResponse:
    session = services.view_as_end(actor=_actor(request), request=request)
    if session is None:
        return redirect("backoffice:home")
    messages.success(
        request,
        _("You stopped viewing the portal as %(household)s.") % {"household": session.household},
    )
    return redirect(household_page_url(session.household))


@require_safe
@staff_required(StaffRole.ADMIN)
def view_as_sessions(request: HttpRequest) -> HttpResponse:
    page, rows = view_as_session_rows(actor=_actor(request), cursor=request.GET.get("cursor"))
    return render(
        request, "backoffice/accounts/view_as_sessions.html", {"page": page, "rows": rows}
    )
