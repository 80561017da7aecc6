"""Making a tenant account from the letters (SPEC ACC-1 … ACC-4).

Anonymous pages. The account request's public id travels in the session, never
in the address bar; the only secret in a URL is the confirmation key, and its
page changes nothing on GET (mail scanners follow links): a button POSTs.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_safe

from meldpunt.accounts.activation import (
    ActivationExpired,
    ActivationLimited,
    account_create_from_request,
    account_email_confirm,
    account_request_for_details,
    account_request_identify,
    confirmation_key_check,
)
from meldpunt.accounts.lost_letter import activation_letter_request
from meldpunt.common.network import client_ip
from meldpunt.portal.activation_forms import ActivateForm, DetailsForm, LostLetterForm

SESSION_KEY = "activation_request"
SESSION_SENT_KEY = "activation_sent_to"
STEPS = ("activate", "details", "confirm")


def _private(response: HttpResponse, *, key_in_url: bool = False) -> HttpResponse:
    add_never_cache_headers(response)
    if not response["Cache-Control"].startswith("no-store"):
        response["Cache-Control"] = "no-store, " + response["Cache-Control"]
    if key_in_url:
        # The key never leaves the site in a Referer; "no-referrer" would also
        # make the browser send "Origin: null" with the form, which CSRF refuses.
        response["Referrer-Policy"] = "same-origin"
    return response


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, f"portal/activation/{template}", context, status=status)
    return _private(response)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    """Step 1: tenant number + activation code (ACC-1)."""
    form = ActivateForm(request.POST or None)
    context: dict = {"form": form, "step": 1}
    if request.method == "POST" and form.is_valid():
        try:
            result = account_request_identify(
                tenant_number=form.cleaned_data["tenant_number"],
                code=form.cleaned_data["code"],
                client=client_ip(request),
                account_request_id=request.session.get(SESSION_KEY),
            )
        except ActivationLimited as limited:
            context["limited_minutes"] = limited.minutes
            return _page(request, "activate.html", context, status=429)
        request.session[SESSION_KEY] = result.account_request.public_id
        if result.account_exists:
            return _page(request, "account_exists.html", {})
        if result.matched:
            request.session.cycle_key()
            return redirect("portal:activate_details")
        context["mismatch"] = True
        return _page(request, "activate.html", context, status=422)
    return _page(request, "activate.html", context, status=422 if form.errors else 200)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def activate_details(request: HttpRequest) -> HttpResponse:
    """Step 2: username, password twice, email twice (ACC-2)."""
    account_request = account_request_for_details(public_id=request.session.get(SESSION_KEY))
    if account_request is None or account_request.household is None:
        return _page(
            request, "start_again.html", {}, status=409 if request.method == "POST" else 200
        )
    initial = {"email1": account_request.household.email, "email2": account_request.household.email}
    form = DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = account_create_from_request(
                account_request=account_request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                email=form.cleaned_data["email1"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except ActivationExpired:
            request.session.pop(SESSION_KEY, None)
            return _page(request, "start_again.html", {}, status=409)
        else:
            request.session.pop(SESSION_KEY, None)
            request.session[SESSION_SENT_KEY] = user.email
            return redirect("portal:activate_sent")
    context = {"form": form, "step": 2, "tenant_number": account_request.tenant_number}
    return _page(request, "details.html", context, status=422 if form.errors else 200)


@login_not_required
@require_safe
def activate_sent(request: HttpRequest) -> HttpResponse:
    """Step 3: "check your email"."""
    return _page(request, "sent.html", {"email": request.session.get(SESSION_SENT_KEY), "step": 3})


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_email(request: HttpRequest, key: str) -> HttpResponse:
    """The link from the email: GET shows a button, POST confirms."""
    if request.method == "POST":
        user = account_email_confirm(key=key, request=request)
        if user is not None:
            request.session.pop(SESSION_SENT_KEY, None)
            response = _page(request, "confirmed.html", {"username": user.get_username()})
            return _private(response, key_in_url=True)
    check = confirmation_key_check(key=key)
    if check.user is None:
        template = "confirmed_before.html" if check.already else "confirm_invalid.html"
        status = 200 if check.already else 404
        return _private(_page(request, template, {}, status=status), key_in_url=True)
    response = _page(request, "confirm.html", {"key": key, "username": check.user.get_username()})
    return _private(response, key_in_url=True)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def lost_letter(request: HttpRequest) -> HttpResponse:
    """'Lost the letter?' (ACC-3): the same answer whether the number is known or not."""
    form = LostLetterForm(request.POST or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            activation_letter_request(
                tenant_number=form.cleaned_data["tenant_number"], client=client_ip(request)
            )
        except ActivationLimited as limited:
            context["limited_minutes"] = limited.minutes
            return _page(request, "lost_letter.html", context, status=429)
        return _page(request, "lost_letter_sent.html", {})
    return _page(request, "lost_letter.html", context, status=422 if form.errors else 200)


@login_not_required
@require_safe
def register(request: HttpRequest) -> HttpResponse:
    """'New? Register' (ACC-4): an account needs the letters; ask for them."""
    return _page(request, "register.html", {})
