"""The audit log and in-app notifications: written here, read by selectors, never edited."""

from __future__ import annotations

from typing import Any

from django.db import connection

from ..models import AuditLog, Notification, Report
from ..request_context import request_ip

__all__ = ["audit", "audit_entry", "audit_insert_from", "notifications_mark_read", "notify"]


def audit_entry(
    *,
    bureau_id: int,
    actor,
    action: str,
    summary: str,
    report: Report | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditLog:
    """The audit row for one action (who, what, when, from where: the request's address if there
    is one), not yet saved: audit() saves it, block_save inserts it in its own UPDATE statement.

    The actor's username and display name are copied onto the row, so the record keeps saying who
    it was after the user is renamed or deleted (and the database refuses any later change: see
    migration 0010)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditLog(
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


def audit(**kwargs: Any) -> AuditLog:
    """Record one action: audit_entry(**kwargs), saved."""
    entry = audit_entry(**kwargs)
    entry.save(force_insert=True)
    return entry


def audit_insert_from(entry: AuditLog, source: str) -> tuple[str, list[Any]]:
    """SQL and parameters that insert `entry` once per row of `source` (a table or a CTE name):
    "INSERT INTO reports_auditlog (…) SELECT …, FROM source", the values cast to their columns'
    types. Lets a conditional write and its audit row be one statement (atomic without a
    transaction): no row in `source`, no audit row."""
    fields = [f for f in AuditLog._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in fields)
    params = [f.get_db_prep_save(f.pre_save(entry, add=True), connection) for f in fields]
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    return f"INSERT INTO {table} ({columns}) SELECT {values} FROM {source}", params


def notify(*, users, text: str, url: str = "") -> None:
    Notification.objects.bulk_create(
        Notification(user=u, text=text[:300], url=url) for u in {u.pk: u for u in users}.values()
    )


def notifications_mark_read(*, user) -> int:
    return Notification.objects.filter(user=user, read=False).update(read=True)
