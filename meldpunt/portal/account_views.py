"""The tenant's sign-in, sign-out, forgotten password and account pages
(SPEC ACC-6..ACC-11, POR-6). Views parse, call one service and render; the rules
live in ``meldpunt.accounts``."""

from __future__ import annotations

from typing import Any, cast

from allauth.account.views import LoginView
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from meldpunt.accounts.email_change import (
    EmailTaken,
    email_change_check,
    email_change_confirm,
    email_change_pending,
    email_change_request,
)
from meldpunt.accounts.lockout import lockout_message
from meldpunt.accounts.models import User
from meldpunt.accounts.session_policy import forget_marker, session_limit, session_policy_start
from meldpunt.accounts.tenant_login import (
    password_reset_complete,
    password_reset_request,
    password_reset_user,
    tenant_password_change,
)
from meldpunt.common.links import link_page
from meldpunt.organization.selectors import organization_for_request
from meldpunt.portal.account_forms import (
    EmailChangeForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    PasswordSetForm,
    TenantLoginForm,
)
from meldpunt.portal.tenant import TenantRequest, tenant_required


def portal_home_url() -> str:
    try:
        return reverse("portal:home")
    except NoReverseMatch:
        return "/"


def _is_tenant(user: Any) -> bool:
    return isinstance(user, User) and user.is_authenticated and user.is_tenant


# ---------------------------------------------------------------- sign in / out (ACC-6, ACC-8)


@method_decorator(login_not_required, name="dispatch")
class TenantLoginView(LoginView):
    """allauth's sign-in with the portal's page: rate limits, the lockout and the
    account adapter (staff refused here, blocked and unconfirmed accounts) apply."""

    template_name = "portal/account/login.html"
    form_class = TenantLoginForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not _is_tenant(user):
            # Signed in as staff (or viewing as a tenant): say so instead of looping.
            return render(request, "portal/account/login_other_account.html", status=200)
        response = super().dispatch(request, *args, **kwargs)
        if getattr(request, "axes_locked_out", False):
            # The form already says the account is locked (the adapter put it
            # there); answer 429 here so django-axes keeps this page as it is.
            request.axes_locked_out = False  # type: ignore[attr-defined]
            response.status_code = 429
            response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
        return response

    def get_form_class(self) -> type[TenantLoginForm]:
        return TenantLoginForm

    def get_default_success_url(self) -> str:
        return portal_home_url()

    def form_valid(self, form: TenantLoginForm) -> HttpResponse:
        response = super().form_valid(form)
        if _is_tenant(self.request.user):
            # After allauth's own "remember" handling, which knows no idle limit.
            session_policy_start(self.request, remember=bool(form.cleaned_data.get("remember")))
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        organization = organization_for_request(self.request)
        context["idle_limit"] = session_limit(organization=organization, remember=False)
        context["remember_limit"] = session_limit(organization=organization, remember=True)
        context["lockout_text"] = lockout_message()
        return context


login = TenantLoginView.as_view()


@login_not_required
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    forget_marker(request)
    messages.success(request, _("You are signed out."))
    return redirect("portal:login")


# ---------------------------------------------------------------- forgotten password (ACC-7)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link by username or email; the answer never tells whether it exists."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        login_typed = form.cleaned_data["login"].strip().lower()
        if not ratelimit.consume(request, action="reset_password", key=login_typed):
            context = {"form": form, "limited": True}
            return render(request, "portal/account/password_reset.html", context, status=429)
        password_reset_request(login=login_typed)
        return redirect("portal:password_reset_sent")
    status = 422 if request.method == "POST" else 200
    return render(request, "portal/account/password_reset.html", {"form": form}, status=status)


@login_not_required
@require_safe
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/account/password_reset_sent.html")


@login_not_required
@link_page
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def password_reset_key(request: HttpRequest, uidb36: str, key: str) -> HttpResponse:
    """The page behind the reset link: a new password, twice. Opening it changes nothing."""
    limited = ratelimit.consume_or_429(request, action="reset_password_from_key")
    if limited is not None:
        return limited
    user = password_reset_user(uidb36=uidb36, key=key)
    if user is None:
        return render(request, "portal/account/password_reset_invalid.html", status=404)
    form = PasswordSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_complete(user=user, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("portal:password_reset_done")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "account": user}
    return render(request, "portal/account/password_reset_key.html", context, status=status)


@login_not_required
@require_safe
def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/account/password_reset_done.html")


# ---------------------------------------------------------------- the account (POR-6, ACC-9)


def _own_account(request: HttpRequest) -> User:
    """The signed-in tenant's account; an agent viewing as the tenant has none here."""
    account = cast(TenantRequest, request).tenant.account
    if account is None:
        raise Http404
    return account


@require_safe
@tenant_required
def account(request: HttpRequest) -> HttpResponse:
    tenant = cast(TenantRequest, request).tenant
    user = tenant.account
    context = {
        "account": user,
        "pending": email_change_pending(user=user) if user is not None else None,
    }
    return render(request, "portal/account/account.html", context)


@sensitive_post_parameters("current_password", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
@tenant_required(feature="password_change")
def password_change(request: HttpRequest) -> HttpResponse:
    user = _own_account(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limited = ratelimit.consume_or_429(request, action="change_password", user=user)
        if limited is not None:
            return limited
        try:
            tenant_password_change(
                actor=cast(TenantRequest, request).tenant.actor,
                user=user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            update_session_auth_hash(request, user)
            messages.success(
                request, _("Your password is changed. We sent a confirmation to your email.")
            )
            return redirect("portal:account")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "account": user}
    return render(request, "portal/account/password_change.html", context, status=status)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@tenant_required
def email_change(request: HttpRequest) -> HttpResponse:
    user = _own_account(request)
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limited = ratelimit.consume_or_429(request, action="reauthenticate", user=user)
        if limited is not None:
            return limited
        try:
            email_change_request(
                actor=cast(TenantRequest, request).tenant.actor,
                user=user,
                password=form.cleaned_data["password"],
                new_email=form.cleaned_data["new_email"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _(
                    "We sent a link to %(email)s. Your email address changes when you click "
                    "it; until then we keep using %(old)s."
                )
                % {"email": form.cleaned_data["new_email"], "old": user.email},
            )
            return redirect("portal:account")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "account": user}
    return render(request, "portal/account/email_change.html", context, status=status)


@login_not_required
@link_page
@require_http_methods(["GET", "POST"])
def email_change_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the mail to the new address: GET shows a button, POST confirms."""
    change = email_change_check(token=token)
    if change is None:
        return render(request, "portal/account/email_change_invalid.html", status=404)
    if request.method == "POST":
        try:
            user = email_change_confirm(token=token)
        except EmailTaken:
            return render(
                request, "portal/account/email_change_invalid.html", {"taken": True}, status=409
            )
        if user is None:
            return render(request, "portal/account/email_change_invalid.html", status=404)
        return render(request, "portal/account/email_change_done.html", {"new_email": user.email})
    return render(request, "portal/account/email_change_confirm.html", {"change": change})
