"""Reads of the audit log (操作记录)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ..models import AuditLog, Membership
from . import members as member_selectors
from . import reports as report_selectors

__all__ = ["audit_actions", "audit_entries"]


def audit_entries(
    *, user, action: str = "", report_id: int | None = None, actor_id: int | None = None
) -> QuerySet[AuditLog]:
    membership = member_selectors.membership_for(user)
    entries = AuditLog.objects.filter(bureau_id=getattr(membership, "bureau_id", None)).select_related(
        "actor", "report"
    )
    if membership is not None and membership.role == Membership.Role.LEADER:
        entries = entries.filter(
            Q(report__isnull=True) | Q(report__in=report_selectors.reports_for_user(user=user))
        )
    if action:
        entries = entries.filter(action=action)
    if report_id:
        entries = entries.filter(report_id=report_id)
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    return entries


def audit_actions(*, bureau_id: int) -> list[tuple[str, str]]:
    """(code, Chinese label) of every action the bureau's log holds, sorted by label (the filter)."""
    actions = AuditLog.objects.filter(bureau_id=bureau_id).values_list("action", flat=True).distinct()
    choices = sorted((AuditLog.action_label(a), a) for a in set(actions))
    return [(code, label) for label, code in choices]
