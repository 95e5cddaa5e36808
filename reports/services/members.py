"""Members of a bureau: the Django admin access that goes with the admin role."""

from __future__ import annotations

__all__ = ["bureau_admin_group", "membership_sync_staff"]

BUREAU_ADMIN_GROUP = "财政局管理员"
# model → permissions a bureau admin gets in the Django admin (rows are scoped per bureau there)
_ADMIN_PERMS = {
    ("reports", "department"): ("add", "change", "delete", "view"),
    ("reports", "membership"): ("add", "change", "delete", "view"),
    ("auth", "user"): ("add", "change", "view"),
    ("reports", "sensitiveterm"): ("add", "change", "delete", "view"),
    ("reports", "metric"): ("add", "change", "delete", "view"),
    ("reports", "deadline"): ("add", "change", "delete", "view"),
    ("reports", "phrase"): ("add", "change", "view"),  # 提法: disabled rather than deleted
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
