"""Request facts that the audit log records (from where), kept for the duration of a request."""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar

request_ip: ContextVar[str | None] = ContextVar("request_ip", default=None)


def client_ip(request) -> str | None:
    """The client address. Behind a trusted proxy (BEHIND_HTTPS_PROXY), the address the outermost of
    TRUSTED_PROXY_COUNT proxies appended to X-Forwarded-For: counted from the right, since anything to
    its left came from the client and may be made up. Without that many entries, or with one that is
    not an IP address, the request did not come through the proxies: the socket's address."""
    from django.conf import settings

    remote = _ip_or_none(request.META.get("REMOTE_ADDR", ""))
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 1)
    if not (getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and hops):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return remote
    return _ip_or_none(forwarded[-hops]) or remote


def _ip_or_none(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            request_ip.reset(token)
