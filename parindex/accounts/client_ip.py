"""The client's address for lockout: REMOTE_ADDR, or behind N trusted reverse proxies the
address the outermost trusted proxy saw (never a value the client could forge)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    # Each trusted proxy appends the address it received from; the client's is proxies-th from
    # the right (the last proxy's own peer is REMOTE_ADDR).
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return remote
