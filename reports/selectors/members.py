"""Who the user is in the bureau, and what is waiting for them (notifications)."""

from __future__ import annotations

from ..models import Department, Membership, Notification

__all__ = ["department_get", "member_named", "membership_for", "notifications_for", "unread_count"]


def membership_for(user) -> Membership | None:
    if not user.is_authenticated:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def notifications_for(*, user, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(user=user)[:limit])


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read=False).count() if user.is_authenticated else 0


def department_get(*, bureau_id: int, pk: int) -> Department | None:
    """A department of the bureau, or None (another bureau's id does not exist here)."""
    return Department.objects.filter(bureau_id=bureau_id, pk=pk).first()


def member_named(*, bureau_id: int, name: str):
    """The bureau's member whose full name (or, failing that, username) is `name`, else None.

    A name two members share is ambiguous and matches nobody (kept as text, never misattributed)."""
    name = name.strip()
    if not name:
        return None
    users = [m.user for m in Membership.objects.filter(bureau_id=bureau_id).select_related("user")]
    by_full = [u for u in users if u.get_full_name().strip() == name]
    found = by_full or [u for u in users if u.get_username() == name]
    return found[0] if len(found) == 1 else None
