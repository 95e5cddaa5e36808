"""Facts about the request being served that lower layers record without seeing the request: set
by middleware.AuditContextMiddleware, read by services.audit.audit (None outside a request)."""

from __future__ import annotations

from contextvars import ContextVar

request_ip: ContextVar[str | None] = ContextVar("request_ip", default=None)
