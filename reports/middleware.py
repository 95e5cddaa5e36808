"""Request-wide mechanisms: the facts the audit log records (from where), work left for after the
response, the Content-Security-Policy header, and session expiry after inactivity."""

from __future__ import annotations

import ipaddress
import logging
import time
from functools import wraps

from .request_context import after_response, request_ip

logger = logging.getLogger(__name__)


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


class AfterResponseMiddleware:
    """Runs the work services queued with request_context.run_after_response once the response has
    been sent: the server closes the response after the last byte, and Django then calls its
    resource closers (as it does to close a FileResponse's file). Failures are logged, never
    raised: the response is already gone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queued: list = []
        token = after_response.set(queued)
        try:
            response = self.get_response(request)
        finally:
            after_response.reset(token)
        if queued:
            response._resource_closers.append(lambda: _run_all(queued))
        return response


def _run_all(queued: list) -> None:
    for work in queued:
        try:
            work()
        except Exception:
            logger.exception("work after the response failed")


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


ACTIVITY_KEY = "_activity"
ACTIVITY_RESOLUTION = (
    60  # seconds: the idle expiry is exact to a minute, the session row written once a minute at most
)


class SessionActivityMiddleware:
    """A request of a signed-in user moves the session's expiry SESSION_COOKIE_AGE ahead, except
    background polling (@background_poll): an editor left open overnight must still expire.

    Instead of SESSION_SAVE_EVERY_REQUEST, which cannot tell a poll from a click and writes the
    session row on every request: here at most once per ACTIVITY_RESOLUTION per session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or getattr(request, "background_poll", False) or session.is_empty():
            return response
        if int(time.time()) - session.get(ACTIVITY_KEY, 0) >= ACTIVITY_RESOLUTION:
            session_mark_activity(request=request)  # SessionMiddleware saves it with a fresh expiry
        return response


def session_mark_activity(sender=None, *, request, **kwargs) -> None:
    """Records the user's last activity in the session (modifying it, so it is saved)."""
    request.session[ACTIVITY_KEY] = int(time.time())
