"""Reads: every query that fetches domain rows for a user goes through here."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from .core.document import empty_block_warnings
from .core.importer.carry import stale_date_warnings
from .core.metrics import MetricValue, ResolveReport, resolve_snapshot, resolve_text
from .core.numbering import numbering_for, sibling_numbers
from .core.preview import Segment, has_placeholders, preview_segments
from .core.text import count_chars
from .models import (
    AuditLog,
    Block,
    Comment,
    Deadline,
    Department,
    Export,
    Membership,
    Metric,
    Notification,
    Presence,
    Report,
    ReportKind,
    Revision,
    SensitiveTerm,
)
from .permissions import trash_q, visible_reports_q


def membership_for(user) -> Membership | None:
    if not user.is_authenticated:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def reports_for_user(*, user) -> QuerySet[Report]:
    """Reports the user may open (permissions.visible_reports_q): never another bureau's."""
    membership = membership_for(user)
    if membership is None:
        return Report.objects.none()
    return Report.objects.filter(visible_reports_q(membership)).select_related("kind", "department")


def report_search(
    *,
    user,
    q: str = "",
    year: int | None = None,
    kind: ReportKind | None = None,
    status: str = "",
    department: Department | None = None,
) -> QuerySet[Report]:
    """The report list: reports the user may open, narrowed by the list's search and filters.

    `q` is split on whitespace; every word must occur in the title or the subject (主体).
    """
    reports = reports_for_user(user=user)
    for word in q.split():
        reports = reports.filter(Q(title__icontains=word) | Q(subject__icontains=word))
    if year:
        reports = reports.filter(year=year)
    if kind is not None:
        reports = reports.filter(kind=kind)
    if status:
        reports = reports.filter(status=status)
    if department is not None:
        reports = reports.filter(department=department)
    return reports


def trash_for_user(*, user) -> QuerySet[Report]:
    """The user's 回收站: deleted reports they may restore (permissions.trash_q), latest first."""
    membership = membership_for(user)
    if membership is None:
        return Report.objects.none()
    return (
        Report.objects.filter(trash_q(membership))
        .select_related("kind", "department", "deleted_by")
        .order_by("-deleted_at", "-pk")
    )


def trashed_report_get_for_user(*, user, pk: int) -> Report:
    """A report in the user's 回收站, else Http404 (a live report is not in the trash)."""
    report = trash_for_user(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404("回收站中没有这份报告")
    return report


def report_get_for_user(*, user, pk: int) -> Report:
    """The report if the user may open it, else Http404 (others' ids do not exist for them)."""
    report = reports_for_user(user=user).filter(pk=pk).select_related("approved_revision").first()
    if report is None:
        raise Http404("报告不存在")
    return report


def block_get_for_user(*, user, pk: int) -> Block:
    """A block of a report the user may open, else Http404."""
    block = Block.objects.select_related("report", "report__kind").filter(pk=pk).first()
    if block is None or not reports_for_user(user=user).filter(pk=block.report_id).exists():
        raise Http404("内容不存在")
    return block


def export_get_for_user(*, user, pk: int) -> Export:
    export = Export.objects.select_related("report").defer("content").filter(pk=pk).first()
    if export is None or not reports_for_user(user=user).filter(pk=export.report_id).exists():
        raise Http404("导出记录不存在")
    return export


def export_latest(*, report: Report) -> Export | None:
    return report.exports.defer("content", "snapshot").first()


@dataclass
class Node:
    """A block with its computed number, level and children, for the editor and the snapshot."""

    block: Block
    level: int
    number: str
    children: list[Node] = field(default_factory=list)
    preview: list[Segment] | None = None  # placeholders evaluated, when the block has any
    editable: bool = False  # may the current user change this block's text (set by annotate_access)
    movable: bool = False  # … move or delete it, or add next to it (top-level: the owner only)
    comments: list = field(default_factory=list)  # open comments on this block

    @property
    def chars(self) -> int:
        """Characters of 正文 in this node and below: a heading's title is not body text (its
        run-in text is); a point's lead is (it opens the sentence: "一是坚定政治立场。…")."""
        b = self.block
        own = count_chars(b.text) + (0 if b.type == Block.Type.HEADING else count_chars(b.title))
        return own + sum(c.chars for c in self.children)


def report_tree(report: Report) -> list[Node]:
    """The report's outline as numbered nodes, from one query."""
    numbering = numbering_for(report.kind.definition.get("numbering"))
    by_parent: dict[int | None, list[Block]] = {}
    for block in report.blocks.order_by("position", "id"):
        by_parent.setdefault(block.parent_id, []).append(block)

    def build(parent_id: int | None, level: int) -> list[Node]:
        siblings = by_parent.get(parent_id, [])
        numbers = sibling_numbers([b.type for b in siblings], level, numbering)
        nodes = [Node(block, level, number) for block, number in zip(siblings, numbers, strict=True)]
        for node in nodes:
            if node.block.type == Block.Type.HEADING:
                node.children = build(node.block.id, level + 1)
        return nodes

    return build(None, 1)


def _node_to_dict(node: Node) -> dict[str, Any]:
    b = node.block
    if b.type == Block.Type.HEADING:
        return {
            "id": b.pk,
            "type": "heading",
            "title": b.title,
            "text": b.text,
            "run_in": b.run_in,
            "inline": False,
            "children": [_node_to_dict(c) for c in node.children],
        }
    if b.type == Block.Type.POINT:
        return {"id": b.pk, "type": "point", "lead": b.title, "text": b.text, "inline": b.inline}
    return {"id": b.pk, "type": "paragraph", "text": b.text, "inline": b.inline}


def report_subtitle(report: Report) -> str:
    definition = report.kind.definition
    if definition.get("signature") != "subtitle" or not report.subject:
        return ""
    return definition.get("subtitle", "{subject}").replace("{subject}", report.subject)


def report_snapshot(report: Report, tree: list[Node] | None = None) -> dict[str, Any]:
    """The JSON-able content of a report (reports/core/document.py describes the shape)."""
    tree = report_tree(report) if tree is None else tree
    return {
        "title": report.title,
        "subtitle": report_subtitle(report),
        "kind": report.kind.code,
        "year": report.year,
        "numbering": dict(report.kind.definition.get("numbering", {})),
        "opening": report.opening,
        "blocks": [_node_to_dict(n) for n in tree],
        "closing": report.closing,
        "signature": report.signature,
        "date": report.sign_date,
    }


def report_file_name(report: Report) -> str:
    """Download name such as 2023年度述职报告（张三）.docx."""
    name = report.title
    subtitle = report_subtitle(report)
    if subtitle and subtitle not in name:
        name += subtitle if subtitle.startswith("（") else f"（{subtitle}）"
    for ch in '\\/:*?"<>|\n\r\t':
        name = name.replace(ch, "")
    return (name.strip() or "报告")[:120] + ".docx"


@dataclass
class SectionStat:
    node: Node
    chars: int
    target: int

    @property
    def over(self) -> bool:
        return bool(self.target) and self.chars > self.target * 1.2

    @property
    def under(self) -> bool:
        return bool(self.target) and self.chars < self.target * 0.5


def section_stats(tree: list[Node]) -> list[SectionStat]:
    return [
        SectionStat(node, node.chars, node.block.target_chars)
        for node in tree
        if node.block.type == Block.Type.HEADING
    ]


def report_body_chars(report: Report, tree: list[Node]) -> int:
    """The whole report's 正文: 导语, every block's body text (no heading titles) and 结尾."""
    return count_chars(report.opening) + sum(n.chars for n in tree) + count_chars(report.closing)


# --- metrics -------------------------------------------------------------------------------------


def metrics_for(*, bureau_id: int, year: int, period: str = "") -> QuerySet[Metric]:
    return Metric.objects.filter(bureau_id=bureau_id, year=year, period=period).order_by("name")


def metric_get_for_user(*, user, pk: int) -> Metric:
    membership = membership_for(user)
    metric = Metric.objects.filter(pk=pk, bureau_id=getattr(membership, "bureau_id", None)).first()
    if membership is None or metric is None:
        raise Http404("指标不存在")
    return metric


def metric_value(metric: Metric) -> MetricValue:
    return MetricValue(
        name=metric.name,
        value=metric.value,
        unit=metric.unit,
        decimals=metric.decimals,
        prior=metric.prior_value,
        budget=metric.budget_value,
    )


def metric_values_for_report(report: Report) -> dict[str, MetricValue]:
    """The metrics a report's placeholders resolve against: its bureau, year and period (one query)."""
    return {
        m.name: metric_value(m)
        for m in metrics_for(bureau_id=report.bureau_id, year=report.year, period=report.period)
    }


def sensitive_terms_for(*, bureau_id: int) -> list[str]:
    return list(SensitiveTerm.objects.filter(bureau_id=bureau_id).values_list("term", flat=True))


def _report_texts(report: Report, blocks) -> list[str]:
    texts = [report.title, report.subject, report.opening, report.closing, report.signature, report.sign_date]
    for block in blocks:
        texts.extend((block.title, block.text))
    return texts


def metric_usage(metric: Metric, candidates: QuerySet[Report] | None = None) -> list[Report]:
    """Reports (of the metric's bureau, year and period, among `candidates`) whose placeholders use it."""
    if candidates is None:
        candidates = Report.objects.all()
    candidates = candidates.filter(bureau_id=metric.bureau_id, year=metric.year, period=metric.period)
    known = {metric.name: metric_value(metric)}
    using = []
    for report in candidates.prefetch_related("blocks"):
        texts = [t for t in _report_texts(report, report.blocks.all()) if metric.name in t and "{{" in t]
        if any(metric.name in ph.metrics for t in texts for ph in resolve_text(t, known).placeholders):
            using.append(report)
    return using


def block_preview(block: Block, metrics: dict[str, MetricValue]) -> list[Segment] | None:
    text = f"{block.title}。{block.text}" if block.title and block.text else block.title or block.text
    return preview_segments(text, metrics) if has_placeholders(text) else None


def annotate_previews(tree: list[Node], metrics: dict[str, MetricValue]) -> None:
    """Attach an evaluated preview to every node whose text has placeholders."""
    for node in tree:
        node.preview = block_preview(node.block, metrics)
        annotate_previews(node.children, metrics)


def annotate_access(tree: list[Node], membership, report: Report, comments: dict | None = None) -> None:
    """Mark what this member may do with each node (by its section's assignment, through the same
    rule the services apply) and attach its comments."""
    from .permissions import can_edit_part

    comments = comments or {}

    def walk(nodes: list[Node], section_department_id: int | None) -> None:
        for node in nodes:
            department_id = (
                node.block.assigned_department_id
                if node.level == 1 and node.block.parent_id is None
                else section_department_id
            )
            node.editable = can_edit_part(membership, report, department_id, whole=False)
            node.movable = can_edit_part(
                membership, report, department_id, whole=node.block.parent_id is None
            )
            node.comments = comments.get(node.block.pk, [])
            walk(node.children, department_id)

    walk(tree, None)


def report_check(report: Report, tree: list[Node], metrics: dict[str, MetricValue]) -> ResolveReport:
    """Placeholder errors, missing values, empty points or paragraphs (warnings naming each place),
    dates of earlier years left in the text (as carrying forward leaves them) and hand-typed figures
    of a report, for the check panel."""
    snapshot = report_snapshot(report, tree)
    _resolved, check = resolve_snapshot(snapshot, metrics)
    check.warnings.extend(empty_block_warnings(snapshot))
    check.warnings.extend(stale_date_warnings(snapshot, report.year))
    return check


def metrics_latest_year(*, bureau_id: int) -> int | None:
    return Metric.objects.filter(bureau_id=bureau_id).order_by("-year").values_list("year", flat=True).first()


def metric_as_import_dict(metric: Metric) -> dict[str, Any]:
    """An existing metric in the shape plan_import compares against."""
    return {
        "value": metric.value,
        "unit": metric.unit,
        "decimals": metric.decimals,
        "prior": metric.prior_value,
        "budget": metric.budget_value,
        "source": metric.source,
        "confirmed": metric.status == Metric.Status.CONFIRMED,
    }


def _dec(value) -> str | None:
    return None if value is None else str(value)


def import_row_dict(row) -> dict[str, Any]:
    """A parsed import row as JSON-able data (kept in the session until the user confirms)."""
    return {
        "name": row.name,
        "value": _dec(row.value),
        "unit": row.unit,
        "decimals": row.decimals,
        "prior_value": _dec(row.prior),
        "budget_value": _dec(row.budget),
        "source": row.source,
        "status": Metric.Status.CONFIRMED if row.confirmed else Metric.Status.PROVISIONAL,
    }


def import_row_from_dict(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for key in ("value", "prior_value", "budget_value"):
        out[key] = None if data[key] is None else Decimal(data[key])
    return out


def report_content_with_metrics(
    report: Report, tree: list[Node] | None = None, metrics: dict[str, MetricValue] | None = None
) -> dict[str, Any]:
    """The live content plus the metric values it uses: what a revision or an export freezes.

    Pass `tree` and `metrics` when the caller already loaded them (no second round of queries).
    """
    snapshot = report_snapshot(report, tree)
    metrics = metric_values_for_report(report) if metrics is None else metrics
    snapshot["metrics"] = {name: m.to_dict() for name, m in metrics.items()}
    return snapshot


def report_export_snapshot(report: Report) -> dict[str, Any]:
    """What an export renders: the approved revision of an approved report, else the live content."""
    if report.status == Report.Status.APPROVED and report.approved_revision_id:
        return dict(report.approved_revision.snapshot)
    return report_content_with_metrics(report)


# --- review --------------------------------------------------------------------------------------


def revision_get_for_user(*, user, pk: int) -> Revision:
    revision = Revision.objects.select_related("report").filter(pk=pk).first()
    if revision is None or not reports_for_user(user=user).filter(pk=revision.report_id).exists():
        raise Http404("版本不存在")
    return revision


def comment_get_for_user(*, user, pk: int) -> Comment:
    comment = Comment.objects.select_related("report", "block").filter(pk=pk).first()
    if comment is None or not reports_for_user(user=user).filter(pk=comment.report_id).exists():
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


def metrics_changed_since_approval(
    report: Report, current: dict[str, MetricValue] | None = None
) -> list[str]:
    """Names of metrics the approved revision used whose values have changed since (数据已变更)."""
    revision = report.approved_revision
    if report.status != Report.Status.APPROVED or revision is None:
        return []
    frozen = revision.snapshot.get("metrics", {})
    _resolved, check = resolve_snapshot(
        revision.snapshot, {n: MetricValue.from_dict(d) for n, d in frozen.items()}
    )
    current = metric_values_for_report(report) if current is None else current
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
    from django.db.models import Count, Q
    from django.utils import timezone

    reports = (
        reports_for_user(user=user)
        .select_related("approved_revision", "created_by")
        .annotate(open_comments=Count("comments", filter=Q(comments__resolved=False, comments__parent=None)))
    )
    if status:
        reports = reports.filter(status=status)
    if department_id:
        reports = reports.filter(department_id=department_id)
    reports = list(reports.order_by("status", "-updated_at"))
    membership = membership_for(user)
    deadlines = {
        (d.kind_id, d.year): d.due_date
        for d in Deadline.objects.filter(bureau_id=getattr(membership, "bureau_id", None))
    }
    metrics_cache: dict[tuple[int, str], dict[str, MetricValue]] = {}
    today = timezone.localdate()
    rows = []
    for report in reports:
        due = deadlines.get((report.kind_id, report.year))
        changed: list[str] = []
        if report.status == Report.Status.APPROVED and report.approved_revision_id:
            key = (report.year, report.period)
            if key not in metrics_cache:
                metrics_cache[key] = metric_values_for_report(report)
            changed = metrics_changed_since_approval(report, metrics_cache[key])
        overdue = due is not None and due < today and report.status != Report.Status.APPROVED
        rows.append(DashboardRow(report, due, overdue, report.open_comments, changed))
    return rows


def audit_entries(
    *, user, action: str = "", report_id: int | None = None, actor_id: int | None = None
) -> QuerySet[AuditLog]:
    membership = membership_for(user)
    entries = AuditLog.objects.filter(bureau_id=getattr(membership, "bureau_id", None)).select_related(
        "actor", "report"
    )
    if membership is not None and membership.role == Membership.Role.LEADER:
        entries = entries.filter(Q(report__isnull=True) | Q(report__in=reports_for_user(user=user)))
    if action:
        entries = entries.filter(action=action)
    if report_id:
        entries = entries.filter(report_id=report_id)
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    return entries


def notifications_for(*, user, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(user=user)[:limit])


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read=False).count() if user.is_authenticated else 0


def presence_others(*, report: Report, user) -> list:
    from django.utils import timezone

    from .services.workflow import PRESENCE_WINDOW

    since = timezone.now() - PRESENCE_WINDOW
    return [
        p.user
        for p in Presence.objects.filter(report=report, last_seen__gte=since)
        .exclude(user=user)
        .select_related("user")
    ]
