"""Security settings for administrators: where staff may sign in from (ADM-IP)
and which accounts are locked after too many wrong passwords (ACC-8)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from meldpunt.accounts import services
from meldpunt.accounts.ip_ranges import address_in_ranges, is_server_address
from meldpunt.accounts.lockout import lockout_minutes
from meldpunt.accounts.models import StaffRole, User
from meldpunt.accounts.permissions import staff_required
from meldpunt.accounts.selectors import (
    locked_account_get,
    locked_accounts,
    staff_ip_range_get,
    staff_ip_ranges_by_role,
)
from meldpunt.backoffice.security_forms import StaffIpRangeForm
from meldpunt.common.actors import Actor
from meldpunt.common.network import client_address


def _actor(request: HttpRequest) -> Actor:
    return Actor.staff(cast(User, request.user))


def _page(
    request: HttpRequest, form: StaffIpRangeForm | None = None, *, status: int = 200
) -> HttpResponse:
    actor = _actor(request)
    address = client_address(request)
    roles = staff_ip_ranges_by_role(actor=actor)
    rows = [
        {
            "role": group,
            "lets_you_in": address_in_ranges(address, tuple(row.network for row in group.ranges)),
        }
        for group in roles
    ]
    context = {
        "form": form or StaffIpRangeForm(initial={"role": actor.role}),
        "roles": rows,
        "address": address,
        "address_is_server": address is not None and is_server_address(address),
        "locked": locked_accounts(actor=actor),
        "lockout_minutes": lockout_minutes(),
    }
    return render(request, "backoffice/security/overview.html", context, status=status)


@require_safe
@staff_required(StaffRole.ADMIN)
def security_overview(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@staff_required(StaffRole.ADMIN)
def security_range_add(request: HttpRequest) -> HttpResponse:
    form = StaffIpRangeForm(request.POST)
    if form.is_valid():
        try:
            ip_range = services.staff_ip_range_add(
                actor=_actor(request),
                role=form.cleaned_data["role"],
                cidr=form.cleaned_data["cidr"],
                note=form.cleaned_data["note"],
                actor_address=client_address(request),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("%(range)s is added for %(role)s.")
                % {"range": ip_range.cidr, "role": ip_range.get_role_display()},
            )
            return redirect("backoffice:security")
    return _page(request, form, status=422)


@require_POST
@staff_required(StaffRole.ADMIN)
def security_range_remove(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    ip_range = staff_ip_range_get(actor=actor, pk=pk)
    try:
        services.staff_ip_range_remove(
            actor=actor, ip_range=ip_range, actor_address=client_address(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(range)s is removed for %(role)s.")
            % {"range": ip_range.cidr, "role": ip_range.get_role_display()},
        )
    return redirect("backoffice:security")


@require_POST
@staff_required(StaffRole.ADMIN)
def security_unlock(request: HttpRequest, lock_id: int) -> HttpResponse:
    actor = _actor(request)
    account = locked_account_get(actor=actor, lock_id=lock_id)
    services.account_unlock(actor=actor, account=account)
    messages.success(request, _("%(name)s can sign in again.") % {"name": account.key})
    return redirect("backoffice:security")
