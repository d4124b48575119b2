"""The client's address: REMOTE_ADDR, or X-Forwarded-For only behind the configured number of
trusted proxies (``TRUSTED_PROXY_COUNT``). Used by the audit, the lockout and rate limits."""

from __future__ import annotations

from django.conf import settings


def client_address(request) -> str | None:
    if request is None:
        return None
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    if proxies:
        forwarded = [
            p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
