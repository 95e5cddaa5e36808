"""The audit log and in-app notifications: written here, read by selectors, never edited."""

from __future__ import annotations

from typing import Any

from ..models import AuditLog, Notification, Report
from ..request_context import request_ip

__all__ = ["audit", "notifications_mark_read", "notify"]


def audit(
    *,
    bureau_id: int,
    actor,
    action: str,
    summary: str,
    report: Report | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditLog:
    """Record one action (who, what, when, from where: the request's address if there is one).

    The actor's username and display name are copied onto the row, so the record keeps saying who
    it was after the user is renamed or deleted (and the database refuses any later change: see
    migration 0010)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditLog.objects.create(
        bureau_id=bureau_id,
        report=report,
        actor=user,
        actor_username=user.get_username() if user else "",
        actor_name=(user.get_full_name() or user.get_username()) if user else "",
        action=action,
        summary=summary[:300],
        detail=detail or {},
        ip=request_ip.get(),
    )


def notify(*, users, text: str, url: str = "") -> None:
    Notification.objects.bulk_create(
        Notification(user=u, text=text[:300], url=url) for u in {u.pk: u for u in users}.values()
    )


def notifications_mark_read(*, user) -> int:
    return Notification.objects.filter(user=user, read=False).update(read=True)
