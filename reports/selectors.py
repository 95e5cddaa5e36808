"""Reads: every query that fetches domain rows for a user goes through here."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from .core.metrics import MetricValue, ResolveReport, resolve_snapshot, resolve_text
from .core.numbering import numbering_for, sibling_numbers
from .core.preview import Segment, has_placeholders, preview_segments
from .core.text import count_chars
from .models import Block, Export, Membership, Metric, Report, SensitiveTerm


def membership_for(user) -> Membership | None:
    if not user.is_authenticated:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def reports_for_user(*, user) -> QuerySet[Report]:
    """Reports the user may open: those of the user's bureau."""
    membership = membership_for(user)
    if membership is None:
        return Report.objects.none()
    return Report.objects.filter(bureau_id=membership.bureau_id).select_related("kind", "department")


def report_get_for_user(*, user, pk: int) -> Report:
    """The report if the user may open it, else Http404 (another bureau's ids do not exist for them)."""
    report = reports_for_user(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404("报告不存在")
    return report


def block_get_for_user(*, user, pk: int) -> Block:
    membership = membership_for(user)
    block = (
        Block.objects.select_related("report", "report__kind")
        .filter(pk=pk, report__bureau_id=getattr(membership, "bureau_id", None))
        .first()
    )
    if membership is None or block is None:
        raise Http404("内容不存在")
    return block


def export_get_for_user(*, user, pk: int) -> Export:
    membership = membership_for(user)
    export = (
        Export.objects.select_related("report")
        .defer("content")
        .filter(pk=pk, report__bureau_id=getattr(membership, "bureau_id", None))
        .first()
    )
    if membership is None or export is None:
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

    @property
    def chars(self) -> int:
        b = self.block
        return count_chars(b.title) + count_chars(b.text) + sum(c.chars for c in self.children)


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
            "type": "heading",
            "title": b.title,
            "text": b.text,
            "run_in": b.run_in,
            "inline": False,
            "children": [_node_to_dict(c) for c in node.children],
        }
    if b.type == Block.Type.POINT:
        return {"type": "point", "lead": b.title, "text": b.text, "inline": b.inline}
    return {"type": "paragraph", "text": b.text, "inline": b.inline}


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
    return {m.name: metric_value(m) for m in metrics_for(bureau_id=report.bureau_id, year=report.year, period=report.period)}


def sensitive_terms_for(*, bureau_id: int) -> list[str]:
    return list(SensitiveTerm.objects.filter(bureau_id=bureau_id).values_list("term", flat=True))


def _report_texts(report: Report, blocks) -> list[str]:
    texts = [report.title, report.subject, report.opening, report.closing, report.signature, report.sign_date]
    for block in blocks:
        texts.extend((block.title, block.text))
    return texts


def metric_usage(metric: Metric) -> list[Report]:
    """Reports of the metric's bureau and year whose placeholders refer to it."""
    candidates = Report.objects.filter(bureau_id=metric.bureau_id, year=metric.year, period=metric.period)
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


def report_check(report: Report, tree: list[Node], metrics: dict[str, MetricValue]) -> ResolveReport:
    """Placeholder errors, missing values and hand-typed figures of a report, for the check panel."""
    _resolved, check = resolve_snapshot(report_snapshot(report, tree), metrics)
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
