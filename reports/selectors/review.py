"""Reads of the review: comments, the review page (the latest submission laid out, with diffs),
what changed since approval, the dashboard, presence."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from .. import permissions
from ..core.diff import diff_snapshots, summary
from ..core.document import layout_paragraphs
from ..core.metrics import MetricValue, resolve_snapshot
from ..models import PRESENCE_WINDOW, Block, Comment, Deadline, Presence, Report
from . import members as member_selectors
from . import metrics as metric_selectors
from . import proofread as proofread_selectors
from . import reports as report_selectors
from . import suggestions as suggestion_selectors

__all__ = [
    "DashboardRow",
    "comment_get_for_user",
    "comments_by_block",
    "dashboard_rows",
    "metrics_changed_since_approval",
    "presence_others",
    "report_comments",
    "review_context",
]


def comment_get_for_user(*, user, pk: int) -> Comment:
    comment = Comment.objects.select_related("report", "block").filter(pk=pk).first()
    if (
        comment is None
        or not report_selectors.reports_for_user(user=user).filter(pk=comment.report_id).exists()
    ):
        raise Http404("批注不存在")
    return comment


def report_comments(report: Report) -> list[Comment]:
    """Top-level comments with their replies (two queries), oldest first."""
    comments = list(report.comments.select_related("author").order_by("created_at", "id"))
    by_parent: dict[int, list[Comment]] = {}
    for c in comments:
        if c.parent_id:
            by_parent.setdefault(c.parent_id, []).append(c)
    for c in comments:
        c.thread = by_parent.get(c.pk, [])
    return [c for c in comments if not c.parent_id]


def comments_by_block(comments: list[Comment]) -> dict[int | None, list[Comment]]:
    out: dict[int | None, list[Comment]] = {}
    for c in comments:
        out.setdefault(c.block_id, []).append(c)
    return out


def _resolved(snapshot: dict) -> dict:
    metrics = {name: MetricValue.from_dict(d) for name, d in snapshot.get("metrics", {}).items()}
    resolved, _check = resolve_snapshot(snapshot, metrics)
    return resolved


def review_context(*, report: Report, user, view: str) -> dict[str, Any]:
    """The review page: every revision (newest first), the latest laid out as it will print with
    each paragraph's comments, and for view "previous" / "approved" the changed rows against that
    revision."""
    membership = member_selectors.membership_for(user)
    revisions = list(report.revisions.all())  # newest first
    can_review = permissions.can_review(membership, report) and report.status == Report.Status.SUBMITTED
    context: dict[str, Any] = {
        "report": report,
        "revisions": revisions,
        "view": view,
        "can_review": can_review,
        "can_suggest": can_review,
        "comments": report_comments(report),
        # counts for the reviewer: the live text is what was submitted while the report is submitted
        "proofread": proofread_selectors.report_proofread(report),
    }
    if not revisions:
        return context
    current = revisions[0]
    context["revision"] = current
    by_block = comments_by_block(context["comments"])
    paragraphs = layout_paragraphs(_resolved(current.snapshot))
    suggestions = suggestion_selectors.review_block_suggestions(
        report=report, user=user, snapshot=current.snapshot
    )
    sources = reused_sources(report)
    for para in paragraphs:
        para.sources = list(dict.fromkeys(sources[i] for i in para.block_ids if i in sources))
        para.comments = [c for block_id in para.block_ids for c in by_block.get(block_id, [])]
        para.suggestions = [suggestions[block_id] for block_id in para.block_ids if block_id in suggestions]
    context["my_open_suggestions"] = sum(
        v.suggestion.author_id == user.pk for bs in suggestions.values() for v in bs.items
    )
    context["paragraphs"] = paragraphs
    context["report_level_comments"] = by_block.get(None, [])
    base = None
    if view == "previous" and len(revisions) > 1:
        base = revisions[1]
    if view == "approved" and report.approved_revision_id:
        base = report.approved_revision
    if base is not None:
        rows = diff_snapshots(_resolved(base.snapshot), _resolved(current.snapshot))
        context.update(base=base, rows=[r for r in rows if r.status != "same"], counts=summary(rows))
    return context


def reused_sources(report: Report) -> dict[int, str]:
    """block id -> "引自2024年度工作总结 二、（一）一是" for the report's blocks reused from another
    report (services.reuse), for the reviewer. One query."""
    blocks = Block.objects.filter(report=report).exclude(source={}).only("id", "source")
    return {b.pk: b.source_label for b in blocks}


def metrics_changed_since_approval(
    report: Report, current: Mapping[str, MetricValue] | None = None
) -> list[str]:
    """Names of metrics the approved revision used whose values have changed since (数据已变更)."""
    revision = report.approved_revision
    if report.status != Report.Status.APPROVED or revision is None:
        return []
    frozen = revision.snapshot.get("metrics", {})
    _resolved_snapshot, check = resolve_snapshot(
        revision.snapshot, {n: MetricValue.from_dict(d) for n, d in frozen.items()}
    )
    current = metric_selectors.metric_values_for_report(report) if current is None else current
    changed = []
    for name in sorted(check.metrics_used):
        now = current.get(name)
        if now is None or now.to_dict() != MetricValue.from_dict(frozen[name]).to_dict():
            changed.append(name)
    return changed


@dataclass
class DashboardRow:
    report: Report
    deadline: object
    overdue: bool
    open_comments: int
    changed_metrics: list[str]


def dashboard_rows(*, user, status: str = "", department_id: int | None = None) -> list[DashboardRow]:
    """Every report the leader or admin may see, with deadline, overdue mark, open comments, 数据已变更."""
    reports = (
        report_selectors.with_last_changed(report_selectors.reports_for_user(user=user))
        .select_related("approved_revision", "created_by")
        .annotate(open_comments=Count("comments", filter=Q(comments__resolved=False, comments__parent=None)))
    )
    if status:
        reports = reports.filter(status=status)
    if department_id:
        reports = reports.filter(department_id=department_id)
    reports = list(reports.order_by("status", "-last_changed"))
    membership = member_selectors.membership_for(user)
    deadlines = {
        (d.kind_id, d.year): d.due_date
        for d in Deadline.objects.filter(bureau_id=getattr(membership, "bureau_id", None))
    }
    metrics_cache: dict[tuple[int, str], Mapping[str, MetricValue]] = {}
    today = timezone.localdate()
    rows = []
    for report in reports:
        due = deadlines.get((report.kind_id, report.year))
        changed: list[str] = []
        if report.status == Report.Status.APPROVED and report.approved_revision_id:
            key = (report.year, report.period)
            if key not in metrics_cache:
                metrics_cache[key] = metric_selectors.metric_values_for_report(report)
            changed = metrics_changed_since_approval(report, metrics_cache[key])
        overdue = due is not None and due < today and report.status != Report.Status.APPROVED
        rows.append(DashboardRow(report, due, overdue, report.open_comments, changed))
    return rows


def presence_others(*, report: Report, user) -> list:
    since = timezone.now() - PRESENCE_WINDOW
    return [
        p.user
        for p in Presence.objects.filter(report=report, last_seen__gte=since)
        .exclude(user=user)
        .select_related("user")
    ]
