"""Request-wide mechanisms: the facts the audit log records (from where), the Content-Security-Policy
header, and session expiry after inactivity."""

from __future__ import annotations

from contextvars import ContextVar
from functools import wraps

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


class ContentSecurityPolicyMiddleware:
    """Sends settings.CONTENT_SECURITY_POLICY on every response that has none of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


def background_poll(view):
    """Marks a view that the page polls by itself: it does not count as the user being active."""

    def wrapped(request, *args, **kwargs):
        request.background_poll = True
        return view(request, *args, **kwargs)

    return wraps(view)(wrapped)


class SessionActivityMiddleware:
    """Every request of a signed-in user moves the session's expiry SESSION_COOKIE_AGE ahead, except
    background polling (@background_poll): an editor left open overnight must still expire.

    Instead of SESSION_SAVE_EVERY_REQUEST, which cannot tell a poll from a click.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not getattr(request, "background_poll", False) and not session.is_empty():
            session.modified = True  # SessionMiddleware saves it with a fresh expiry
        return response
