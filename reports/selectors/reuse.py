"""Reads for 去年同节 and the copied-text flag: last year's report of the same kind and subject, its
sections matched to this year's headings, and the draft paragraphs that repeat it.

Last year's report: same bureau, same kind, year − 1, the same 主体 once normalised (spaces and
punctuation ignored), or — when this report has no 主体 — the same department; only a report the
user may open (selectors.reports.reports_for_user, which never returns a deleted one). An approved
one is preferred, then the most recently changed. Its content is its approved revision's snapshot
when it has one (what was signed off), else its live blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.outline import Node, node_dict
from ..core.similarity import (
    Copied,
    Passage,
    Section,
    ShingleIndex,
    match_sections,
    passages_of,
    sections_of,
    subject_key,
)
from ..core.tree import walk
from ..models import Block, Report
from . import reports as report_selectors

__all__ = [
    "LastYear",
    "last_year_for_editor",
    "last_year_get",
    "last_year_index",
    "last_year_report",
    "last_year_section",
    "passage_of",
]


def last_year_report(*, user, report: Report) -> Report | None:
    """Last year's report of the same kind and subject that `user` may open, or None. One query."""
    candidates = (
        report_selectors.with_last_changed(report_selectors.reports_for_user(user=user))
        .filter(bureau_id=report.bureau_id, kind_id=report.kind_id, year=report.year - 1)
        .exclude(pk=report.pk)
        .select_related("approved_revision")
        .order_by("-updated_at", "-pk")
    )
    key = subject_key(report.subject)
    if not key:
        candidates = candidates.filter(department_id=report.department_id)
    same = [r for r in candidates if subject_key(r.subject) == key]
    approved = [r for r in same if r.approved_revision_id]
    return (approved or same or [None])[0]


def _snapshot(report: Report) -> dict[str, Any]:
    """The approved revision's snapshot if there is one, else the live content (one query)."""
    if report.approved_revision_id:
        return report.approved_revision.snapshot
    return report_selectors.report_snapshot(report)


@dataclass
class LastYear:
    """Last year's report as sections (core.similarity.Section), and how this year's headings match
    them: `matched` maps a heading block id of this report to last year's section, or None."""

    report: Report
    sections: list[Section]
    matched: dict[int, Section | None] = field(default_factory=dict)
    copied: list[Copied] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.report.title

    def section(self, block_id: int | None) -> Section | None:
        return next((s for s in self.sections if s.block_id == block_id), None)


# Last year's passages indexed for the copied check, per process, by report and change: an autosave
# compares one block with them without loading last year's report again. Bounded: cleared when full.
_INDEXES: dict[tuple[Any, ...], ShingleIndex] = {}
_INDEXES_MAX = 64


def last_year_index(last: Report, sections: list[Section] | None = None) -> ShingleIndex:
    """Last year's passages (of `last`, as last_year_report returns it) as a ShingleIndex, built once
    per change of that report (its approved revision, or its latest block or row change)."""
    key = (last.pk, last.approved_revision_id, getattr(last, "last_changed", None) or last.updated_at)
    index = _INDEXES.get(key)
    if index is None:
        if len(_INDEXES) >= _INDEXES_MAX:
            _INDEXES.clear()
        sections = sections_of(_snapshot(last)) if sections is None else sections
        index = _INDEXES[key] = ShingleIndex(passages_of(sections))
    return index


def last_year_get(*, user, report: Report) -> LastYear | None:
    """Last year's report (last_year_report) with its sections, or None. One or two queries."""
    last = last_year_report(user=user, report=report)
    if last is None:
        return None
    return LastYear(last, sections_of(_snapshot(last)))


def passage_of(report: Report, block_id: int) -> Passage | None:
    """The point or paragraph `block_id` of `report`'s content (as _snapshot gives it), or None."""
    return next((p for p in passages_of(sections_of(_snapshot(report))) if p.block_id == block_id), None)


def _match(last: LastYear, tree: list[Node]) -> list[Node]:
    """Fill `last.matched` for this year's headings, level by level (a level-2 heading may match
    one under another level-1 heading: sub-sections move too). Returns the heading nodes."""
    visits = [v for v in walk(tree, children=_children) if v.node.block.type == Block.Type.HEADING]
    for level in sorted({v.depth for v in visits}):
        mine = [v.node for v in visits if v.depth == level]
        theirs = [s for s in last.sections if s.level == level]
        pairs = match_sections([n.block.title for n in mine], [s.title for s in theirs])
        for i, node in enumerate(mine):
            last.matched[node.block.pk] = theirs[pairs[i]] if i in pairs else None
    return [v.node for v in visits]


def _children(node: Node) -> list[Node]:
    return node.children


def last_year_for_editor(*, user, report: Report, tree: list[Node]) -> LastYear | None:
    """For the editor: last year's report with every heading of `tree` matched (node.last_year is
    set on each heading node) and the draft's points and paragraphs that repeat last year's
    (core.similarity.copied_passages). At most two queries, whatever the size of either report."""
    last = last_year_get(user=user, report=report)
    if last is None:
        return None
    for node in _match(last, tree):
        node.last_year = last.matched.get(node.block.pk)
    numbering = report.kind.definition.get("numbering")
    mine = passages_of(sections_of({"numbering": numbering, "blocks": [node_dict(n) for n in tree]}))
    index = last_year_index(last.report, last.sections)
    found = [(p, index.best(p.full_text)) for p in mine if p.block_id is not None]
    last.copied = [Copied(p, *best) for p, best in found if best is not None]
    return last


def last_year_section(
    *, user, block: Block, choice: int | None = None
) -> tuple[LastYear | None, Section | None]:
    """For the lazy 去年同节 panel of heading `block`: last year's report and the section matched
    to it, or the section `choice` (a block id of last year's) the user picked instead."""
    report = block.report
    last = last_year_get(user=user, report=report)
    if last is None:
        return None, None
    if choice is not None:
        return last, last.section(choice)
    _match(last, report_selectors.report_tree(report))
    return last, last.matched.get(block.pk)
