"""The audit log and in-app notifications: written here, read by selectors, never edited."""

from __future__ import annotations

from typing import Any

from ..middleware import request_ip
from ..models import AuditLog, Notification, Report


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


BUREAU_ADMIN_GROUP = "财政局管理员"
# model → permissions a bureau admin gets in the Django admin (rows are scoped per bureau there)
_ADMIN_PERMS = {
    ("reports", "department"): ("add", "change", "delete", "view"),
    ("reports", "membership"): ("add", "change", "delete", "view"),
    ("auth", "user"): ("add", "change", "view"),
    ("reports", "sensitiveterm"): ("add", "change", "delete", "view"),
    ("reports", "metric"): ("add", "change", "delete", "view"),
    ("reports", "deadline"): ("add", "change", "delete", "view"),
    ("reports", "bureau"): ("change", "view"),
    ("reports", "reportkind"): ("view",),
    ("reports", "report"): ("view",),
    ("reports", "export"): ("view",),
    ("reports", "auditlog"): ("view",),
}


def bureau_admin_group():
    """The group whose permissions a bureau admin needs in the Django admin (created on demand)."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=BUREAU_ADMIN_GROUP)
    wanted = []
    for (app, model), actions in _ADMIN_PERMS.items():
        wanted += list(
            Permission.objects.filter(
                content_type__app_label=app, codename__in=[f"{a}_{model}" for a in actions]
            )
        )
    group.permissions.set(wanted)
    return group


def membership_sync_staff(membership) -> None:
    """A member with the admin role may use the (bureau-scoped) Django admin; nobody else may."""
    user = membership.user
    if user.is_superuser:
        return
    is_admin = membership.role == membership.Role.ADMIN
    if user.is_staff != is_admin:
        user.is_staff = is_admin
        user.save(update_fields=["is_staff"])
    group = bureau_admin_group()
    if is_admin:
        user.groups.add(group)
    else:
        user.groups.remove(group)
