"""Reads of reports and their outline: what the user may open, the numbered tree, the snapshot,
the check panel, and the editor page's whole context."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404

from .. import permissions
from ..core.block_check import sibling_label
from ..core.document import empty_block_warnings
from ..core.filenames import report_file_name as docx_file_name
from ..core.filenames import report_subtitle as kind_subtitle
from ..core.importer.carry import stale_date_warnings
from ..core.metrics import MetricValue, ResolveReport, resolve_snapshot
from ..core.numbering import numbering_for, sibling_numbers
from ..core.outline import Node, body_chars, build_tree, node_dict, tree_numbers
from ..core.preview import Segment, has_placeholders, preview_segments
from ..core.tree import walk as tree_walk
from ..errors import WrongState
from ..models import Block, Department, Report, ReportKind
from ..permissions import trash_q, visible_reports_q
from . import members as member_selectors
from . import metrics as metric_selectors

__all__ = [
    "annotate_access",
    "annotate_previews",
    "block_ancestors",
    "block_get_for_user",
    "block_label",
    "block_place",
    "block_preview",
    "report_body_chars",
    "report_check",
    "report_content_with_metrics",
    "report_export_snapshot",
    "report_file_name",
    "report_get_for_user",
    "report_numbers",
    "report_search",
    "report_snapshot",
    "report_subtitle",
    "report_tree",
    "reports_for_user",
    "trash_for_user",
    "trashed_report_get_for_user",
    "with_last_changed",
]


def reports_for_user(*, user) -> QuerySet[Report]:
    """Reports the user may open (permissions.visible_reports_q): never another bureau's."""
    membership = member_selectors.membership_for(user)
    if membership is None:
        return Report.objects.none()
    return Report.objects.filter(visible_reports_q(membership)).select_related("kind", "department")


def with_last_changed(reports: QuerySet[Report]) -> QuerySet[Report]:
    """`reports` annotated with `last_changed` (更新时间): the later of the report row's own
    updated_at and its latest block's. A block save writes only its block row (no second write to
    the report row per keystroke); lists show and order by this instead."""
    latest_block = (
        Block.objects.filter(report=OuterRef("pk")).order_by("-updated_at").values("updated_at")[:1]
    )
    return reports.annotate(
        last_changed=Greatest("updated_at", Coalesce(Subquery(latest_block), "updated_at"))
    )


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
    reports = with_last_changed(reports_for_user(user=user)).order_by("-year", "-last_changed")
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
    membership = member_selectors.membership_for(user)
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


# A block's ancestors up to its top-level section (headings nest at most 3 deep), fetched with it
# so that the section's department (services.reports.section_department_id) costs no query.
_BLOCK_ANCESTORS = "parent__parent__parent"


def block_get_for_user(*, user, pk: int) -> Block:
    """A block of a report the user may open (with its report, kind and ancestors), else Http404.
    One query besides the membership."""
    visible = reports_for_user(user=user).values("pk")
    block = (
        Block.objects.select_related("report", "report__kind", _BLOCK_ANCESTORS)
        .filter(pk=pk, report__in=visible)
        .first()
    )
    if block is None:
        raise Http404("内容不存在")
    return block


def report_tree(report: Report) -> list[Node]:
    """The report's outline as numbered nodes (core.outline.build_tree), from one query."""
    numbering = numbering_for(report.kind.definition.get("numbering"))
    return build_tree(report.blocks.order_by("position", "id"), numbering)


def block_ancestors(block: Block) -> list[Block]:
    """The block's parents, nearest first (fetched with it by block_get_for_user: no query)."""
    out, parent = [], block.parent if block.parent_id else None
    while parent is not None:
        out.append(parent)
        parent = parent.parent if parent.parent_id else None
    return out


def block_place(block: Block) -> tuple[str, str, int]:
    """The block's place: its label as the check panel names it ("二、（一）一是", "三、第2段"), its
    own number ("一是", "" for a paragraph) and its level, from one query of its and its ancestors'
    sibling lists, whatever the size of the rest of the report."""
    chain = [block, *block_ancestors(block)][::-1]  # top-level first
    parents = {b.parent_id for b in chain}
    where = Q(parent_id__in=[p for p in parents if p is not None])
    if None in parents:
        where |= Q(parent__isnull=True)
    rows = Block.objects.filter(where, report_id=block.report_id).order_by("position", "id")
    siblings: dict[int | None, list[tuple[int, str]]] = {}
    for pk, parent_id, kind in rows.values_list("pk", "parent_id", "type"):
        siblings.setdefault(parent_id, []).append((pk, kind))
    numbering = numbering_for(block.report.kind.definition.get("numbering"))
    label = number = ""
    for level, item in enumerate(chain, start=1):
        ids = [pk for pk, _kind in siblings.get(item.parent_id, [])]
        types = [kind for _pk, kind in siblings.get(item.parent_id, [])]
        index = ids.index(item.pk)
        label = sibling_label(label, types, index, level, numbering)
        number = sibling_numbers(types, level, numbering)[index]
    return label, number, len(chain)


def block_label(block: Block) -> str:
    """The block's place as the check panel names it (block_place)."""
    return block_place(block)[0]


def report_numbers(report: Report) -> dict[int, str]:
    """Every block's own number (core.outline.tree_numbers), from one query of ids and types: what a
    structure change compares with the numbers after it."""
    numbering = numbering_for(report.kind.definition.get("numbering"))
    rows = report.blocks.order_by("position", "id").values_list("id", "parent_id", "type")
    blocks = [SimpleNamespace(id=pk, pk=pk, parent_id=parent_id, type=kind) for pk, parent_id, kind in rows]
    return tree_numbers(build_tree(blocks, numbering))


def report_subtitle(report: Report) -> str:
    return kind_subtitle(report.kind.definition, report.subject)


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
        "blocks": [node_dict(n) for n in tree],
        "closing": report.closing,
        "signature": report.signature,
        "date": report.sign_date,
    }


def report_file_name(report: Report) -> str:
    """Download name such as 2023年度述职报告（张三）.docx."""
    return docx_file_name(report.title, report_subtitle(report))


def report_body_chars(report: Report, tree: list[Node]) -> int:
    """The whole report's 正文: 导语, every block's body text (no heading titles) and 结尾."""
    return body_chars(report.opening, tree, report.closing)


def block_preview(block: Block, metrics: Mapping[str, MetricValue]) -> list[Segment] | None:
    text = f"{block.title}。{block.text}" if block.title and block.text else block.title or block.text
    return preview_segments(text, metrics) if has_placeholders(text) else None


def _node_children(node: Node) -> list[Node]:
    return node.children


def annotate_previews(tree: list[Node], metrics: Mapping[str, MetricValue]) -> None:
    """Attach an evaluated preview to every node whose text has placeholders."""
    for visit in tree_walk(tree, children=_node_children):
        visit.node.preview = block_preview(visit.node.block, metrics)


def annotate_access(tree: list[Node], membership, report: Report, comments: dict | None = None) -> None:
    """Mark what this member may do with each node (by its section's assignment, through the same
    rule the services apply) and attach its comments."""
    comments = comments or {}

    for visit in tree_walk(tree, children=_node_children):
        node = visit.node
        section = visit.parents[0] if visit.parents else node  # the top-level heading it is in
        department_id = section.block.assigned_department_id
        node.editable = permissions.can_edit_part(membership, report, department_id, whole=False)
        node.movable = permissions.can_edit_part(
            membership, report, department_id, whole=node.block.parent_id is None
        )
        node.comments = comments.get(node.block.pk, [])


def report_check(report: Report, tree: list[Node], metrics: Mapping[str, MetricValue]) -> ResolveReport:
    """Placeholder errors, missing values, empty points or paragraphs (warnings naming each place),
    dates of earlier years left in the text (as carrying forward leaves them) and hand-typed figures
    of a report, for the check panel."""
    snapshot = report_snapshot(report, tree)
    _resolved, check = resolve_snapshot(snapshot, metrics)
    check.warnings.extend(empty_block_warnings(snapshot))
    check.warnings.extend(stale_date_warnings(snapshot, report.year))
    return check


def report_content_with_metrics(
    report: Report, tree: list[Node] | None = None, metrics: Mapping[str, MetricValue] | None = None
) -> dict[str, Any]:
    """The live content plus the metric values it uses: what a revision or an export freezes.

    Pass `tree` and `metrics` when the caller already loaded them (no second round of queries).
    """
    snapshot = report_snapshot(report, tree)
    metrics = metric_selectors.metric_values_for_report(report) if metrics is None else metrics
    snapshot["metrics"] = {name: m.to_dict() for name, m in metrics.items()}
    return snapshot


def report_packet_snapshot(report: Report, *, drafts: bool = False) -> dict[str, Any]:
    """What a meeting packet takes of a report: its approved revision (kept when the report was
    redrafted since), or with drafts=True the live content (trying a packet out).

    Raises WrongState for a report that has no approved revision, unless drafts.
    """
    if drafts:
        return report_content_with_metrics(report)
    if not report.approved_revision_id:
        raise WrongState(f"报告“{report.title}”（编号{report.pk}）尚未审定，没有可编入材料汇编的审定版本。")
    return dict(report.approved_revision.snapshot)


def report_export_snapshot(report: Report) -> dict[str, Any]:
    """What an export renders: the approved revision of an approved report, else the live content."""
    if report.status == Report.Status.APPROVED and report.approved_revision_id:
        return dict(report.approved_revision.snapshot)
    return report_content_with_metrics(report)
