"""Facts about the request being served that lower layers record without seeing the request: set
by middleware.AuditContextMiddleware, read by services.audit.audit (None outside a request); and
work a service leaves for after the response (middleware.AfterResponseMiddleware runs it)."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

request_ip: ContextVar[str | None] = ContextVar("request_ip", default=None)

# None outside a request; in a request, what to run once the response has been sent
after_response: ContextVar[list[Callable[[], None]] | None] = ContextVar("after_response", default=None)


def run_after_response(work: Callable[[], None]) -> bool:
    """Queue `work` for after the current response has been sent (the user does not wait for it).
    False outside a request (a command, a task, a test calling a service): the caller runs it."""
    queued = after_response.get()
    if queued is None:
        return False
    queued.append(work)
    return True
