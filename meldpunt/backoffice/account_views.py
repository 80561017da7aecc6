"""Account management pages (SPEC ADM-ACC, ADM-REQ, ADM-SYNC, A-9, A-10).

Agents and administrators; agents see tenant accounts only (a staff account is
404 for them). Writes are POST-only and call one service each.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from meldpunt.accounts import account_admin as services
from meldpunt.accounts.account_selectors import (
    account_detail,
    account_get,
    account_request_first_missing,
    account_request_get,
    account_request_search,
    account_search,
)
from meldpunt.accounts.models import StaffRole, User
from meldpunt.accounts.permissions import staff_required
from meldpunt.backoffice.account_forms import (
    AccountBlockForm,
    AccountEditForm,
    AccountFilterForm,
    AccountRequestFilterForm,
    StaffAccountCreateForm,
    ViewAsForm,
)
from meldpunt.common.actors import Actor
from meldpunt.common.links import link_page

AGENTS = (StaffRole.ADMIN, StaffRole.AGENT)


def _actor(request: HttpRequest) -> Actor:
    return Actor.staff(cast(User, request.user))


def _results(request: HttpRequest, template: str, context: dict[str, object]) -> HttpResponse:
    # Search-as-you-type swaps only the results; a reload or history visit gets the page.
    if request.htmx and not request.htmx.history_restore_request:  # type: ignore[attr-defined]
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
@staff_required(*AGENTS)
def account_list(request: HttpRequest) -> HttpResponse:
    form = AccountFilterForm(request.GET)
    page = account_search(
        actor=_actor(request), filters=form.filters(), cursor=request.GET.get("cursor")
    )
    return _results(request, "backoffice/accounts/list.html", {"form": form, "page": page})


def _detail_page(
    request: HttpRequest, pk: int, *, block_form: AccountBlockForm | None = None, status: int = 200
) -> HttpResponse:
    actor = _actor(request)
    detail = account_detail(actor=actor, pk=pk)
    context = {
        "detail": detail,
        "account": detail.user,
        "block_form": block_form or AccountBlockForm(),
        "view_as_form": ViewAsForm(),
        "first_missing": (
            account_request_first_missing(detail.latest_request) if detail.latest_request else ""
        ),
        "may_edit": actor.is_admin or not detail.user.role,
        "is_self": detail.user.pk == request.user.pk,
    }
    return render(request, "backoffice/accounts/detail.html", context, status=status)


@require_safe
@staff_required(*AGENTS)
def account_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, pk)


@require_POST
@staff_required(*AGENTS)
def account_block(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    user = account_get(actor=actor, pk=pk)
    form = AccountBlockForm(request.POST)
    if form.is_valid():
        try:
            services.account_block(actor=actor, user=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("%(name)s is blocked.") % {"name": user.username})
            return redirect("backoffice:account_detail", pk=user.pk)
    return _detail_page(request, pk, block_form=form, status=422)


@require_POST
@staff_required(*AGENTS)
def account_unblock(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    user = account_get(actor=actor, pk=pk)
    services.account_unblock(actor=actor, user=user)
    messages.success(request, _("%(name)s can sign in again.") % {"name": user.username})
    return redirect("backoffice:account_detail", pk=user.pk)


@require_POST
@staff_required(*AGENTS)
def account_activate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    user = account_get(actor=actor, pk=pk)
    services.account_activate(actor=actor, user=user)
    messages.success(
        request,
        _("The wrong passwords of %(name)s are forgotten: the account is active again.")
        % {"name": user.username},
    )
    return redirect("backoffice:account_detail", pk=user.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(*AGENTS)
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    user = account_get(actor=actor, pk=pk)
    options = {"staff_account": bool(user.role), "may_set_role": actor.is_admin}
    if request.method == "POST":
        form = AccountEditForm(request.POST, **options)
        if form.is_valid():
            try:
                result = services.account_edit(
                    actor=actor,
                    user=user,
                    username=form.cleaned_data["username"],
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data.get("role"),
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("The account is saved."))
                if result.email_confirmation is not None:
                    messages.info(
                        request,
                        _(
                            "A confirmation link went to %(email)s. The account keeps its "
                            "current email address until the link is clicked."
                        )
                        % {"email": result.email_confirmation.recipient},
                    )
                return redirect("backoffice:account_detail", pk=user.pk)
        status = 422
    else:
        form = AccountEditForm(
            initial={"username": user.username, "email": user.email, "role": user.role}, **options
        )
        status = 200
    return render(
        request, "backoffice/accounts/edit.html", {"form": form, "account": user}, status=status
    )


@require_POST
@staff_required(*AGENTS)
def account_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    user = account_get(actor=actor, pk=pk)
    name = user.username
    try:
        services.account_delete(actor=actor, user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("backoffice:account_detail", pk=pk)
    messages.success(request, _("The account %(name)s is deleted.") % {"name": name})
    return redirect("backoffice:account_list")


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(StaffRole.ADMIN)
def account_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = StaffAccountCreateForm(request.POST)
        if form.is_valid():
            try:
                user = services.staff_account_create(actor=_actor(request), **form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    _("%(name)s is created; a link to choose a password went to %(email)s.")
                    % {"name": user.username, "email": user.email},
                )
                return redirect("backoffice:account_detail", pk=user.pk)
        status = 422
    else:
        form = StaffAccountCreateForm(initial={"role": StaffRole.AGENT})
        status = 200
    return render(request, "backoffice/accounts/create.html", {"form": form}, status=status)


@require_POST
@staff_required(StaffRole.ADMIN)
def account_status_resync(request: HttpRequest) -> HttpResponse:
    changed = services.account_statuses_resync(actor=_actor(request))
    messages.success(
        request,
        ngettext("%(count)d household updated.", "%(count)d households updated.", changed)
        % {"count": changed},
    )
    return redirect("backoffice:account_list")


# ---------------------------------------------------------------- email confirmation link


@login_not_required
@link_page
@require_http_methods(["GET", "HEAD", "POST"])
def account_email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent to a new address. GET only shows it (scanners follow links)."""
    change = services.email_change_check(token=token)
    if change is None:
        return render(request, "backoffice/accounts/email_confirm.html", {"gone": True}, status=404)
    if request.method == "POST":
        if services.account_email_change_confirm(token=token) is None:
            return render(
                request, "backoffice/accounts/email_confirm.html", {"gone": True}, status=404
            )
        return render(
            request, "backoffice/accounts/email_confirm.html", {"done": True, "change": change}
        )
    return render(request, "backoffice/accounts/email_confirm.html", {"change": change})


# ---------------------------------------------------------------- account requests (ADM-REQ)


@require_safe
@staff_required(*AGENTS)
def account_request_list(request: HttpRequest) -> HttpResponse:
    form = AccountRequestFilterForm(request.GET)
    page = account_request_search(
        actor=_actor(request), filters=form.filters(), cursor=request.GET.get("cursor")
    )
    return _results(request, "backoffice/accounts/requests.html", {"form": form, "page": page})


@require_POST
@staff_required(*AGENTS)
def account_request_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    account_request = account_request_get(actor=actor, public_id=public_id)
    services.account_request_delete(actor=actor, account_request=account_request)
    messages.success(
        request,
        _("The request of %(number)s is deleted.") % {"number": account_request.tenant_number},
    )
    return redirect("backoffice:account_request_list")


@require_POST
@staff_required(*AGENTS)
def account_request_resend(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    account_request = account_request_get(actor=actor, public_id=public_id)
    try:
        message = services.account_request_resend(actor=actor, account_request=account_request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The confirmation email went to %(email)s.") % {"email": message.recipient}
        )
    return redirect("backoffice:account_request_list")
