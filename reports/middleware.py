"""Request facts that the audit log records (from where), kept for the duration of a request."""

from __future__ import annotations

from contextvars import ContextVar

request_ip: ContextVar[str | None] = ContextVar("request_ip", default=None)


def client_ip(request) -> str | None:
    """The client address; behind a trusted proxy (BEHIND_HTTPS_PROXY) the first X-Forwarded-For hop."""
    from django.conf import settings

    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            request_ip.reset(token)
