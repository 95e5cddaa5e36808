"""The editor page's context: the numbered outline with previews, access, comments and
proofreading findings, the check panel, the latest export, and what the user may do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from .. import permissions
from ..core.block_check import BlockCheck, check_block, check_fields, node_labels, passage_text
from ..core.outline import Node, block_dict, renumbered, section_stats, tree_numbers
from ..core.similarity import MIN_SHINGLES, shingles
from ..core.text import count_chars
from ..core.tree import walk
from ..models import Report
from . import exports as export_selectors
from . import members as member_selectors
from . import metrics as metric_selectors
from . import proofread as proofread_selectors
from . import reports as report_selectors
from . import reuse as reuse_selectors
from . import review as review_selectors
from . import suggestions as suggestion_selectors

__all__ = [
    "CheckUpdate",
    "check_updates",
    "block_check",
    "check_panel",
    "editor_context",
    "editor_urls",
    "fields_check",
    "outline_context",
    "structure_context",
]

# The report's own fields the check panel resolves (reports/core/document.py names them).
_CHECKED_FIELDS = ("title", "subtitle", "opening", "closing", "signature", "date")


def fields_check(*, report: Report, metrics) -> BlockCheck:
    """The check panel's items of the report's own fields (标题, 导语, 结尾, 落款, 日期)."""
    snapshot = report_selectors.report_snapshot(report, tree=[])
    return check_fields({k: snapshot[k] for k in _CHECKED_FIELDS}, metrics=metrics, year=report.year)


def check_panel(*, report: Report, tree: list, metrics, last_year) -> list[BlockCheck]:
    """The check panel, built block by block (core.block_check) as an autosave rebuilds one block's
    items: the report's fields first, then every block in reading order. `last_year` (as
    reuse.last_year_for_editor returns it, or None) gives the copied flags."""
    labels = node_labels(tree)
    copied = {c.key.block_id: c for c in last_year.copied} if last_year else {}
    checks = [fields_check(report=report, metrics=metrics)]
    for visit in walk(tree, children=lambda n: n.children):
        block = visit.node.block
        check = check_block(block_dict(block), label=labels[block.pk], metrics=metrics, year=report.year)
        check.copied = copied.get(block.pk)
        checks.append(check)
    return checks


def _check_context(checks: list[BlockCheck]) -> dict[str, Any]:
    return {
        "checks": checks,
        "check_any": any(checks),
        "check_hand_numbers": sum(len(c.hand_numbers) for c in checks),
    }


def block_check(*, block, metrics, user, label: str | None = None) -> tuple[BlockCheck, str]:
    """The check panel's items of one saved block, and the title of last year's report when one was
    compared (the copied item names it): its place from its sibling lists (one query),
    last year's passages from the per-process index (one query, only when its text is long
    enough to be compared). Costs the same whatever the size of the report."""
    report = block.report
    data = block_dict(block)
    last_year, source = None, ""
    if len(shingles(passage_text(data, top_level=block.parent_id is None))) >= MIN_SHINGLES:
        last = reuse_selectors.last_year_report(user=user, report=report)
        if last is not None:
            last_year, source = reuse_selectors.last_year_index(last), last.title
    check = check_block(
        data,
        label=report_selectors.block_label(block) if label is None else label,
        metrics=metrics,
        year=report.year,
        top_level=block.parent_id is None,
        last_year=last_year,
    )
    return check, source


def editor_urls(report: Report) -> dict[str, str]:
    """The editor's per-block URLs reversed once per page, with pk 0 (filter reports_tags.with_pk)."""
    return {
        "save": reverse("block_save", args=[0]),
        "move": reverse("block_move", args=[0]),
        "delete": reverse("block_delete", args=[0]),
        "last_year": reverse("last_year_section", args=[0]),
        "add": reverse("block_add", args=[report.pk]),
        "picker": reverse("metric_picker", args=[report.pk]),
    }


def _outline(report: Report, tree: list, membership) -> dict[str, Any]:
    report_selectors.annotate_access(tree, membership, report)
    can_edit_report = permissions.can_edit_report(membership, report)
    return {
        "report": report,
        "stats": section_stats(tree),
        "total_chars": report_selectors.report_body_chars(report, tree),
        "can_edit_report": can_edit_report,
        "departments": report.bureau.departments.all() if can_edit_report else [],
    }


def outline_context(*, report: Report, user) -> dict[str, Any]:
    """What the outline list renders (sections, their counts and owners, the total): the tree and
    the access rules only, no previews, proofreading or check (one query for the blocks)."""
    membership = member_selectors.membership_for(user)
    return _outline(report, report_selectors.report_tree(report), membership)


def _place(tree: list, pk: int):
    """The node of block `pk` in `tree`, its parent node (None at the top) and its next sibling."""
    for visit in walk(tree, children=lambda n: n.children):
        if visit.node.block.pk == pk:
            parent = visit.parents[-1] if visit.parents else None
            siblings = parent.children if parent else tree
            index = visit.path[-1]
            following = siblings[index + 1] if index + 1 < len(siblings) else None
            return visit.node, parent, following
    return None, None, None


@dataclass
class CheckUpdate:
    """One place's check-panel items and 正文 characters, for reports/_check_update.html: `chars_of`
    is the id of the element that holds its characters (block-<id>, report-fields, report-tail)."""

    check: BlockCheck
    chars_of: str
    chars: int

    @property
    def checks(self) -> list[BlockCheck]:
        return [self.check]


def check_updates(updates: list[CheckUpdate], source: str = "") -> dict[str, Any]:
    """The context of reports/_check_update.html (`source`: last year's report, for copied items)."""
    return {"check_updates": updates, "source_label": {"label": source}}


def _relabelled(tree: list, renumbered_ids: set[int], block_id: int | None) -> list:
    """The nodes whose place in the check panel changed: the added or moved one, the renumbered
    ones and everything under a renumbered heading (its label starts with the heading's number)."""
    out = []
    for visit in walk(tree, children=lambda n: n.children):
        pk = visit.node.block.pk
        if pk == block_id or pk in renumbered_ids or any(p.block.pk in renumbered_ids for p in visit.parents):
            out.append(visit.node)
    return out


def _structure_checks(
    *, report: Report, user, tree: list, nodes: list, metrics, block_id: int | None
) -> dict[str, Any]:
    """The check items of `nodes` under their new labels (copied flags against last year's
    passages, one query for last year's report when one of them is long enough to compare). A
    relabelled block without items had none before either: only `block_id` is sent regardless."""
    labels = node_labels(tree)
    metrics = metric_selectors.metric_values_for_report(report) if metrics is None else metrics
    index, source = None, ""
    updates = []
    for node in nodes:
        data = block_dict(node.block)
        text = passage_text(data, top_level=node.block.parent_id is None)
        if index is None and len(shingles(text)) >= MIN_SHINGLES:
            last = reuse_selectors.last_year_report(user=user, report=report)
            index, source = (reuse_selectors.last_year_index(last), last.title) if last else (False, "")
        check = check_block(
            data,
            label=labels[node.block.pk],
            metrics=metrics,
            year=report.year,
            top_level=node.block.parent_id is None,
            last_year=index or None,
        )
        if check or node.block.pk == block_id:
            updates.append(CheckUpdate(check, f"block-{node.block.pk}", node.own_chars))
    return check_updates(updates, source)


def structure_context(
    *, report: Report, user, before: dict[int, str], block_id: int | None = None, metrics=None
) -> dict[str, Any]:
    """After an add, move or delete (before: report_numbers from before it): the outline list, the
    blocks whose number changed, the check items whose place changed (_relabelled), and for
    `block_id` (added or moved) its node — with its access; `metrics` given, for a block that came
    with text (插入), its preview and findings — its parent and next sibling. Constant queries:
    the blocks, the membership, the metrics, at most one for last year's report, one for a new
    heading's 去年同节, two for an inserted block's findings."""
    membership = member_selectors.membership_for(user)
    tree = report_selectors.report_tree(report)
    numbers = renumbered(before, tree_numbers(tree))
    context = _outline(report, tree, membership) | {
        "renumbered": numbers,
        "urls": editor_urls(report),
        "oob": True,
    }
    nodes = _relabelled(tree, {pk for pk, _number in numbers}, block_id)
    context |= _structure_checks(
        report=report, user=user, tree=tree, nodes=nodes, metrics=metrics, block_id=block_id
    )
    node, parent, following = _place(tree, block_id) if block_id else (None, None, None)
    if node is None:
        return context
    if metrics is not None:  # a block that came with text (插入): its preview and findings too
        node.preview = report_selectors.block_preview(node.block, metrics)
        label = node_labels(tree)[node.block.pk]
        node.findings = proofread_selectors.block_findings(block=node.block, metrics=metrics, label=label)
    if node.block.type == "heading":
        context["last_year"] = reuse_selectors.last_year_report(user=user, report=report)
    return context | {"node": node, "parent": parent, "following": following}


def editor_context(*, report: Report, user) -> dict[str, Any]:
    """Everything reports/report_edit.html renders, for `user` (who may open `report`)."""
    membership = member_selectors.membership_for(user)
    tree = report_selectors.report_tree(report)
    metrics = metric_selectors.metric_values_for_report(report)
    report_selectors.annotate_previews(tree, metrics)
    comments = review_selectors.report_comments(report)
    open_by_block = review_selectors.comments_by_block([c for c in comments if not c.resolved])
    report_selectors.annotate_access(tree, membership, report, open_by_block)
    can_edit_report = permissions.can_edit_report(membership, report)
    proofread = proofread_selectors.report_proofread(report, tree=tree, metrics=metrics)
    findings = proofread_selectors.report_findings_by_block(proofread)
    suggestions = suggestion_selectors.suggestions_by_block(report)
    for visit in walk(tree, children=lambda n: n.children):
        visit.node.findings = findings.get(visit.node.block.pk, [])
        visit.node.suggestions = suggestions.get(visit.node.block.pk, [])
    last_year = reuse_selectors.last_year_for_editor(user=user, report=report, tree=tree)
    return {
        "last_year": last_year,
        "urls": editor_urls(report),
        "proofread": proofread,
        "fields_findings": proofread_selectors.fields_findings_of(proofread),
        "report": report,
        "tree": tree,
        "stats": section_stats(tree),
        "total_chars": report_selectors.report_body_chars(report, tree),
        "opening_chars": count_chars(report.opening),
        "closing_chars": count_chars(report.closing),
        **_check_context(check_panel(report=report, tree=tree, metrics=metrics, last_year=last_year)),
        "export": export_selectors.export_latest(report=report),
        "membership": membership,
        "can_edit_report": can_edit_report,
        "can_submit": permissions.can_submit(membership, report),
        "can_review": permissions.can_review(membership, report),
        "report_comments": open_by_block.get(None, []),
        "suggestion_authors": suggestion_selectors.suggestion_authors(suggestions),
        "suggestion_count": sum(len(v) for v in suggestions.values()),
        "suggestion_stale": sum(v.stale for views in suggestions.values() for v in views),
        "departments": report.bureau.departments.all() if can_edit_report else [],
    }


def block_changed_context(*, block, user, metrics) -> dict[str, Any]:
    """After 采纳 or 不采纳 of a suggestion on `block`: what reports/_block_changed.html renders out of
    band — the block's form (text, version, preview), its findings and open suggestions, the
    suggestion bar, its check items and characters. Not its children, not the rest of the report."""
    report = block.report
    membership = member_selectors.membership_for(user)
    label, number, level = report_selectors.block_place(block)
    node = Node(block, level, number)
    chain = [block, *report_selectors.block_ancestors(block)]
    department_id = chain[-1].assigned_department_id
    node.editable = permissions.can_edit_part(membership, report, department_id, whole=False)
    node.preview = report_selectors.block_preview(block, metrics)
    node.findings = proofread_selectors.block_findings(block=block, metrics=metrics, label=label)
    suggestions = suggestion_selectors.suggestions_by_block(report)
    node.suggestions = suggestions.get(block.pk, [])
    check, source = block_check(block=block, metrics=metrics, user=user, label=label)
    return {
        "node": node,
        "b": block,
        "report": report,
        "urls": editor_urls(report),
        "oob": True,
        "can_edit_report": permissions.can_edit_report(membership, report),
        "suggestion_authors": suggestion_selectors.suggestion_authors(suggestions),
        "suggestion_count": sum(len(v) for v in suggestions.values()),
        "suggestion_stale": sum(v.stale for views in suggestions.values() for v in views),
        **check_updates([CheckUpdate(check, f"block-{block.pk}", node.own_chars)], source),
    }
