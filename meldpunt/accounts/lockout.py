"""The lockout after five wrong passwords (SPEC ACC-8), built on django-axes.

django-axes counts failed sign-ins and refuses attempts on a locked account
before any password is checked. This module tells it what to count and how to
answer:

- the count is kept per account, whatever the address: the login a person types
  (username or email, any letter case) is turned into one key, the account's
  username, so five tries by email and five by username are one count. A login
  that names no account is counted under what was typed, so an unknown username
  is locked and answered exactly like a known one;
- the client address is the real one (trusted proxy only, SPEC C-4);
- the lock message says for how long, on the sign-in page itself.

Lock events reach the audit trail through the ``user_locked_out`` signal, the
only hook django-axes offers; the receiver only calls a service.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext

from meldpunt.accounts.services import account_lock_record
from meldpunt.common.network import client_address

_KEYS_ATTRIBUTE = "_meldpunt_lockout_keys"


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    """What a locked account sees, known or not: for how long, and what to do."""
    minutes = lockout_minutes()
    return ngettext(
        "Too many wrong passwords: this account is locked for %(minutes)d minute. "
        "Try again after that, or ask an administrator to unlock it.",
        "Too many wrong passwords: this account is locked for %(minutes)d minutes. "
        "Try again after that, or ask an administrator to unlock it.",
        minutes,
    ) % {"minutes": minutes}


def lockout_key(login: str) -> str:
    """The key the failures of ``login`` are counted under: its account's username.

    A username or an email address of exactly one account gives that account's
    username (lower case); anything else is counted as typed (lower case).
    """
    typed = (login or "").strip().lower()
    if not typed:
        return ""
    user_model = get_user_model()
    matches = list(
        user_model.objects.filter(
            Q(username__iexact=typed)
            | Q(email__iexact=typed)
            | Q(emailaddress__email__iexact=typed)
        )
        .values_list("username", flat=True)
        .distinct()[:2]
    )
    if len(matches) == 1:
        return matches[0].lower()  # the login is this account's username or email
    return typed


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """``AXES_USERNAME_CALLABLE``: the lockout key of this sign-in attempt.

    allauth authenticates with ``username`` and/or ``email`` credentials and
    posts the field ``login``; Django's own login form posts ``username``.
    """
    raw = ""
    if credentials:
        raw = credentials.get("username") or credentials.get("email") or ""
    if not raw and request is not None:
        data = getattr(request, "POST", {})
        raw = data.get("login") or data.get("username") or ""
    raw = str(raw)
    if request is None:
        return lockout_key(raw)
    # django-axes asks several times per attempt: one lookup per request and login.
    known: dict[str, str] = request.__dict__.setdefault(_KEYS_ATTRIBUTE, {})
    if raw not in known:
        known[raw] = lockout_key(raw)
    return known[raw]


def lockout_client_ip(request: HttpRequest) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: the real client address (trusted proxy only)."""
    address = client_address(request)
    return str(address) if address is not None else None


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the answer to an attempt on a locked account.

    The sign-in page already carries the lock message (the account adapter puts
    it on the form), so its answer is kept, marked 429 with a Retry-After.
    Other login forms (Django's admin) get the message as text.
    """
    match = getattr(request, "resolver_match", None)
    if (
        isinstance(original_response, HttpResponse)
        and match is not None
        and match.url_name == "account_login"
    ):
        response = original_response
        response.status_code = 429
    else:
        response = HttpResponse(lockout_message(), status=429, content_type="text/plain")
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def record_lock(sender: Any, request: HttpRequest, username: str, **kwargs: Any) -> None:
    """Receiver of axes' ``user_locked_out``: audit the moment an account locks.

    django-axes sends the signal again for every attempt during the lock; those
    carry no failure count (``axes_failures_since_start`` is None) and are not
    recorded again.
    """
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    account_lock_record(key=username or "", address=kwargs.get("ip_address") or "")
