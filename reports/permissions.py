"""Who may do what. Decided here, in Python, from the user's membership — never by which page or
partial a client asks for (docs/architecture.md, Permissions).

Roles: a drafter works on reports their department owns (everything) or sections assigned to their
department (those sections); a leader reads and reviews the reports of the departments they
supervise; an admin reads every report of the bureau and manages the bureau. Nobody sees another
bureau's data.

A deleted report (in the 回收站, `Report.deleted_at` set) is visible to nobody through
`visible_reports_q`; only `trash_q` finds it, for those who may restore it.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from .models import Block, Membership, Report

Role = Membership.Role


def visible_reports_q(membership: Membership) -> Q:
    """A filter on Report for the reports this member may open (never a deleted one)."""
    in_bureau = Q(bureau_id=membership.bureau_id, deleted_at__isnull=True)
    if membership.role == Role.ADMIN:
        return in_bureau
    if membership.role == Role.LEADER:
        supervised = list(membership.supervises.values_list("id", flat=True))
        return in_bureau & (Q(department_id__in=supervised) | Q(department_id=membership.department_id))
    assigned = Block.objects.filter(report_id=OuterRef("pk"), assigned_department_id=membership.department_id)
    return in_bureau & (Q(department_id=membership.department_id) | Q(Exists(assigned)))


def owns(membership: Membership | None, report: Report) -> bool:
    """A drafter of the report's own department (the owner)."""
    return (
        membership is not None
        and membership.role == Role.DRAFTER
        and membership.bureau_id == report.bureau_id
        and membership.department_id is not None
        and membership.department_id == report.department_id
    )


def can_edit_report(membership: Membership | None, report: Report) -> bool:
    """Report-level fields, structure anywhere, assignments: the owner, while the report is a draft."""
    return report.is_editable and owns(membership, report)


def can_edit_section(
    membership: Membership | None, report: Report, section_department_id: int | None
) -> bool:
    """Text and structure inside one section (the top-level heading's assignment decides)."""
    if not report.is_editable or membership is None or membership.role != Role.DRAFTER:
        return False
    if owns(membership, report):
        return True
    return section_department_id is not None and section_department_id == membership.department_id


def can_edit_part(
    membership: Membership | None, report: Report, section_department_id: int | None, *, whole: bool
) -> bool:
    """The one rule for every edit of the outline, used by the services and by the editor's buttons.

    `whole`: the change touches the report itself (its own fields, a top-level block's place — moving,
    deleting or adding next to a section), which only the owner may do; otherwise it stays inside
    one section, which that section's department may change too.
    """
    if whole:
        return can_edit_report(membership, report)
    return can_edit_section(membership, report, section_department_id)


def can_submit(membership: Membership | None, report: Report) -> bool:
    return owns(membership, report)


def supervises(membership: Membership | None, report: Report) -> bool:
    return (
        membership is not None
        and membership.role == Role.LEADER
        and membership.bureau_id == report.bureau_id
        and report.department_id is not None
        and membership.supervises.filter(pk=report.department_id).exists()
    )


def can_review(membership: Membership | None, report: Report) -> bool:
    """Approve or return: a leader who supervises the owning department."""
    return supervises(membership, report)


def is_admin(membership: Membership | None) -> bool:
    return membership is not None and membership.role == Role.ADMIN


def can_see_dashboard(membership: Membership | None) -> bool:
    return membership is not None and membership.role in (Role.LEADER, Role.ADMIN)


def can_build_packet(membership: Membership | None) -> bool:
    """Assemble meeting packets (材料汇编) of the approved reports the member may open, and see the
    bureau's packets: admins and leaders."""
    return membership is not None and membership.role in (Role.LEADER, Role.ADMIN)


def can_delete_report(membership: Membership | None, report: Report) -> bool:
    """Move to the 回收站: the bureau's admin (any report), or the owner while it is only a draft
    (draft or returned, never approved). The service re-checks the state under a row lock."""
    if report.deleted_at is not None or membership is None:
        return False
    if membership.role == Role.ADMIN:
        return membership.bureau_id == report.bureau_id
    return owns(membership, report) and report.is_editable and not report.was_approved


def trash_q(membership: Membership) -> Q:
    """A filter on Report for the deleted reports this member may see in the 回收站 and restore:
    the admin, every deleted report of the bureau; the owner, those they could have deleted."""
    deleted = Q(bureau_id=membership.bureau_id, deleted_at__isnull=False)
    if membership.role == Role.ADMIN:
        return deleted
    if membership.role == Role.DRAFTER and membership.department_id is not None:
        return deleted & Q(
            department_id=membership.department_id,
            status__in=(Report.Status.DRAFT, Report.Status.RETURNED),
            approved_revision__isnull=True,
        )
    return Q(pk__in=[])


def can_purge_report(membership: Membership | None, report: Report) -> bool:
    """Delete for good (from the 回收站 only): the bureau's admin."""
    return (
        report.deleted_at is not None
        and membership is not None
        and membership.role == Role.ADMIN
        and membership.bureau_id == report.bureau_id
    )
