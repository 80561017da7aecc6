"""Links without login: issuing, resolving and revoking them (SPEC X-2, C-6).

A token has 256 bits from ``secrets``; the database keeps its SHA-256 only.
Resolving a link is a read: it never changes state, because mail scanners and
link previews open links too. A missing, expired, revoked or foreign token is
one and the same 404.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from meldpunt.common.models import AccessLink

TOKEN_BYTES = 32


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_issue(
    *, obj: models.Model, purpose: str, party: str, expires_at: datetime
) -> tuple[AccessLink, str]:
    """A new link for ``party`` to ``obj``; returns the row and the raw token (shown once)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = AccessLink.objects.create(
        token_hash=_hash(token),
        purpose=purpose,
        object_type=obj._meta.label_lower,
        object_id=str(getattr(obj, "public_id", None) or obj.pk),
        party=party[:200],
        expires_at=expires_at,
    )
    return link, token


def link_resolve(*, token: str, purpose: str, now: datetime | None = None) -> AccessLink:
    """The live link for ``token`` and ``purpose``, or Http404."""
    if not token or len(token) > 128:
        raise Http404
    now = now or timezone.now()
    link = AccessLink.objects.filter(
        token_hash=_hash(token), purpose=purpose, revoked_at__isnull=True, expires_at__gt=now
    ).first()
    if link is None:
        raise Http404
    return link


def link_revoke(*, link: AccessLink) -> None:
    AccessLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def links_extend(*, obj: models.Model, purpose: str, expires_at: datetime) -> int:
    """Move the expiry of every live link to ``obj`` (e.g. when a case is closed)."""
    return AccessLink.objects.filter(
        object_type=obj._meta.label_lower,
        object_id=str(getattr(obj, "public_id", None) or obj.pk),
        purpose=purpose,
        revoked_at__isnull=True,
    ).update(expires_at=expires_at)


def absolute_url(path: str) -> str:
    """A full URL from the configured site address, never from the request's Host header."""
    if not path.startswith("/"):
        raise ValueError("path must start with /")
    return f"{settings.SITE_URL}{path}"


View = Callable[..., HttpResponse]


def link_page(view: View) -> View:
    """Headers for pages behind a link: no Referer leaves them, nothing caches them."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, " + response["Cache-Control"]
        return response

    return wrapped
