"""Sign-in helpers: an English browser at a chosen address, and a clean cache.

The cache holds allauth's rate limits, used TOTP codes and the cached staff
address ranges; each test starts without them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import TEST_PASSWORD

LOGIN_URL = "/accounts/login/"
OUTSIDE = "203.0.113.50"  # an address on the internet (documentation range)


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def client_at() -> Callable[..., Client]:
    """A client whose requests come from ``address`` (and ``forwarded_for``, if given)."""

    def make(address: str = OUTSIDE, forwarded_for: str | None = None) -> Client:
        extra: dict[str, Any] = {"REMOTE_ADDR": address, "HTTP_ACCEPT_LANGUAGE": "en"}
        if forwarded_for is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
        client = Client(**extra)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def sign_in(client: Client, login: str, password: str = TEST_PASSWORD, **extra: Any) -> Any:
    return client.post(LOGIN_URL, {"login": login, "password": password}, **extra)


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("backoffice:home")).status_code == 200
