"""Reads for importing reports and carrying one forward."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ..core.importer import ImportRefused, ParsedReport
from ..core.outline import block_dict
from ..models import ImportDraft, Metric, Report, ReportKind
from . import members as member_selectors
from . import reports as report_selectors

__all__ = [
    "can_import",
    "carry_forward_duplicate",
    "carry_forward_sources",
    "existing_metric_names",
    "import_draft_get",
    "import_kinds",
    "metrics_by_name",
    "report_outline_content",
]


def import_kinds() -> QuerySet[ReportKind]:
    return ReportKind.objects.filter(is_active=True).order_by("id")


def import_draft_get(*, user, draft_id: Any) -> tuple[ParsedReport, int] | None:
    """The user's unexpired import preview `draft_id` (from their session) and its revision, or
    None (no such row, someone else's, expired, or not a preview any more). One query."""
    try:
        draft_id = int(draft_id)
    except (TypeError, ValueError):
        return None
    draft = ImportDraft.objects.filter(pk=draft_id, owner=user, expires_at__gt=timezone.now()).first()
    if draft is None:
        return None
    try:
        return ParsedReport.from_state(draft.payload), draft.revision
    except (ImportRefused, TypeError, ValueError):
        return None


def existing_metric_names(*, bureau_id: int, year: int, names, period: str = "") -> set[str]:
    """Which of `names` already exist in the bureau's 指标库 for the year (these are never changed)."""
    return set(
        Metric.objects.filter(
            bureau_id=bureau_id, year=year, period=period, name__in=list(names)
        ).values_list("name", flat=True)
    )


def metrics_by_name(*, bureau_id: int, year: int, names, period: str = "") -> dict[str, Metric]:
    return {
        m.name: m
        for m in Metric.objects.filter(bureau_id=bureau_id, year=year, period=period, name__in=list(names))
    }


def carry_forward_sources(*, user) -> QuerySet[Report]:
    """Reports the user may open, newest year first: candidates for 以上年报告为基础新建."""
    reports = report_selectors.with_last_changed(report_selectors.reports_for_user(user=user))
    return reports.order_by("-year", "-last_changed")[:50]


def carry_forward_duplicate(*, user, report: Report) -> Report | None:
    """A report the user may open that carrying `report` forward would duplicate: same bureau,
    kind, subject and period, the next year (the most recently changed one)."""
    return (
        report_selectors.with_last_changed(report_selectors.reports_for_user(user=user))
        .filter(
            bureau_id=report.bureau_id,
            kind_id=report.kind_id,
            subject=report.subject,
            period=report.period,
            year=report.year + 1,
        )
        .order_by("-last_changed")
        .first()
    )


def can_import(user) -> bool:
    """Only a department's drafter creates reports (services.reports.report_create's rule)."""
    membership = member_selectors.membership_for(user)
    return (
        membership is not None
        and membership.role == membership.Role.DRAFTER
        and membership.department_id is not None
    )


def report_outline_content(report: Report) -> dict[str, Any]:
    """The report as a snapshot-shaped dict whose blocks also carry guidance, target_chars,
    required and assigned_department_id (what a carried-forward copy keeps). One query."""
    rows = list(report.blocks.order_by("position", "id"))
    by_parent: dict[int | None, list[Any]] = {}
    for block in rows:
        by_parent.setdefault(block.parent_id, []).append(block)

    def build(parent_id: int | None) -> list[dict[str, Any]]:
        out = []
        for b in by_parent.get(parent_id, []):
            item = block_dict(b, build(b.pk))
            del item["id"]  # a copy gets new rows
            item.update(
                guidance=b.guidance,
                target_chars=b.target_chars,
                required=b.required,
                assigned_department_id=b.assigned_department_id,
            )
            out.append(item)
        return out

    return {
        "title": report.title,
        "subject": report.subject,
        "year": report.year,
        "period": report.period,
        "opening": report.opening,
        "blocks": build(None),
        "closing": report.closing,
        "signature": report.signature,
        "date": report.sign_date,
    }
