"""Reads for importing reports and carrying one forward."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .core.importer import ImportRefused, ParsedReport
from .models import Block, ImportDraft, Metric, Report, ReportKind
from .selectors import membership_for, reports_for_user


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
    return reports_for_user(user=user).order_by("-year", "-updated_at")[:50]


def carry_forward_duplicate(*, user, report: Report) -> Report | None:
    """A report the user may open that carrying `report` forward would duplicate: same bureau,
    kind, subject and period, the next year (the most recently changed one)."""
    return (
        reports_for_user(user=user)
        .filter(
            bureau_id=report.bureau_id,
            kind_id=report.kind_id,
            subject=report.subject,
            period=report.period,
            year=report.year + 1,
        )
        .order_by("-updated_at")
        .first()
    )


def can_import(user) -> bool:
    """Only a department's drafter creates reports (services.report_create's rule)."""
    membership = membership_for(user)
    return (
        membership is not None
        and membership.role == membership.Role.DRAFTER
        and membership.department_id is not None
    )


def report_outline_content(report: Report) -> dict[str, Any]:
    """The report as a snapshot-shaped dict whose blocks also carry guidance, target_chars,
    required and assigned_department_id (what a carried-forward copy keeps). One query."""
    rows = list(report.blocks.order_by("position", "id"))
    by_parent: dict[int | None, list[Block]] = {}
    for block in rows:
        by_parent.setdefault(block.parent_id, []).append(block)

    def build(parent_id: int | None) -> list[dict[str, Any]]:
        out = []
        for b in by_parent.get(parent_id, []):
            item: dict[str, Any] = {
                "type": b.type,
                "guidance": b.guidance,
                "target_chars": b.target_chars,
                "required": b.required,
                "assigned_department_id": getattr(b, "assigned_department_id", None),
            }
            if b.type == Block.Type.HEADING:
                item.update(title=b.title, text=b.text, run_in=b.run_in, inline=False, children=build(b.pk))
            elif b.type == Block.Type.POINT:
                item.update(lead=b.title, text=b.text, inline=b.inline)
            else:
                item.update(text=b.text, inline=b.inline)
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
