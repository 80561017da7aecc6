"""The client's address, as every rate limit and address check must see it (SPEC C-4).

``REMOTE_ADDR`` is the peer that opened the connection. Only when that peer is
the configured trusted proxy (``MELDPUNT_TRUSTED_PROXY``) is the address the
proxy appended to ``X-Forwarded-For`` used instead; the entries before it are
the client's own word and never trusted.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_ip(request: HttpRequest) -> str:
    """The sender's address: REMOTE_ADDR, or the address the trusted proxy saw."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxy = settings.MELDPUNT_TRUSTED_PROXY
    if proxy and remote == proxy:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        # The proxy appends the address it saw; earlier entries are the client's word.
        if forwarded:
            return forwarded[-1][:64]
    return remote[:64]


def parse_address(value: str) -> IPAddress | None:
    """``value`` as an address, an IPv4 address written as IPv6 made plain; else None."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_address(request: HttpRequest) -> IPAddress | None:
    """The real client address (see ``client_ip``), or None when it is not an address."""
    return parse_address(client_ip(request))
