"""Where staff may sign in from (SPEC ADM-IP, C-4).

A role without address ranges signs in from anywhere. A role with ranges signs
in only from an address inside one of them, or from the server itself
(loopback or one of ``MELDPUNT_SERVER_ADDRESSES``). The address is the real
client address (``meldpunt.common.network.client_address``).

``staff_request_allowed`` is the one check: the login, every request of a
signed-in staff session and an agent's view-as-tenant start all call it.
It is checked on every request, so the ranges are cached: no query while the
cache holds them. Writes clear the cache; other processes with their own
(local-memory) cache see a change within ``CACHE_SECONDS``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from meldpunt.accounts.models import StaffIpRange
from meldpunt.common.network import IPAddress, client_address

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

CACHE_KEY = "meldpunt.accounts.staff_ip_ranges"
CACHE_SECONDS = 60


def normalize_cidr(value: str) -> str:
    """``"192.0.2.7/24"`` → ``"192.0.2.0/24"``; ValueError when it is no range."""
    text = (value or "").strip()
    if not text:
        raise ValueError("empty")
    return str(ipaddress.ip_network(text, strict=False))


@lru_cache(maxsize=64)
def _networks(cidrs: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def _stored_ranges() -> dict[str, tuple[str, ...]]:
    ranges: dict[str, list[str]] = {}
    for role, cidr in StaffIpRange.objects.order_by("role", "cidr").values_list("role", "cidr"):
        ranges.setdefault(role, []).append(cidr)
    return {role: tuple(cidrs) for role, cidrs in ranges.items()}


def ranges_by_role() -> Mapping[str, tuple[IPNetwork, ...]]:
    """Every role's ranges: from the cache, or one query."""
    stored = cache.get(CACHE_KEY)
    if stored is None:
        stored = _stored_ranges()
        cache.set(CACHE_KEY, stored, CACHE_SECONDS)
    return {role: _networks(cidrs) for role, cidrs in stored.items()}


def forget_cached_ranges() -> None:
    cache.delete(CACHE_KEY)


@lru_cache(maxsize=8)
def _server_addresses(configured: tuple[str, ...]) -> frozenset[IPAddress]:
    return frozenset(ipaddress.ip_address(address) for address in configured)


def is_server_address(address: IPAddress) -> bool:
    """Is ``address`` the server itself: loopback or one of its configured addresses?"""
    if address.is_loopback:
        return True
    return address in _server_addresses(tuple(settings.MELDPUNT_SERVER_ADDRESSES))


def address_in_ranges(address: IPAddress | None, networks: tuple[IPNetwork, ...]) -> bool:
    """No ranges → True; otherwise the address must be the server's or inside one."""
    if not networks:
        return True
    if address is None:
        return False
    if is_server_address(address):
        return True
    return any(address in network for network in networks if network.version == address.version)


def staff_address_allowed(*, role: str, address: IPAddress | None) -> bool:
    # The server itself is always let in: decided before the ranges are read, so
    # requests from this machine never depend on the cache.
    if address is not None and is_server_address(address):
        return True
    return address_in_ranges(address, ranges_by_role().get(role, ()))


def staff_request_allowed(request: HttpRequest, *, role: str) -> bool:
    """May staff of ``role`` act from this request's real client address?

    The one check for normal staff sign-ins, every request of a staff session and
    an agent's sign-in as a tenant.
    """
    return staff_address_allowed(role=role, address=client_address(request))
