"""The numbered outline of a report: blocks in, a tree of numbered nodes out, and what is derived
from it (the snapshot's block dicts, section statistics, character counts).

Pure: a block is anything with the attributes of reports.models.Block that are read here (`pk`,
`id`, `parent_id`, `type`, `title`, `text`, `run_in`, `inline`, `target_chars`). Steps of
build_tree:
1. group the blocks (already in position order) by their parent;
2. number each sibling list with the kind's numbering (core.numbering.sibling_numbers);
3. recurse into headings, one level deeper.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .numbering import sibling_numbers
from .preview import Segment
from .text import count_chars

HEADING, POINT, PARAGRAPH = "heading", "point", "paragraph"


@dataclass
class Node:
    """A block with its computed number, level and children, for the editor and the snapshot."""

    block: Any
    level: int
    number: str
    children: list[Node] = field(default_factory=list)
    preview: list[Segment] | None = None  # placeholders evaluated, when the block has any
    editable: bool = False  # may the current user change this block's text (set by annotate_access)
    movable: bool = False  # … move or delete it, or add next to it (top-level: the owner only)
    comments: list = field(default_factory=list)  # open comments on this block
    findings: list = field(default_factory=list)  # open proofreading findings of its own text

    @property
    def own_chars(self) -> int:
        return own_chars(self.block)

    @property
    def chars(self) -> int:
        """Characters of 正文 in this node and below: a heading's title is not body text (its
        run-in text is); a point's lead is (it opens the sentence: "一是坚定政治立场。…")."""
        return own_chars(self.block) + sum(c.chars for c in self.children)


def own_chars(block: Any) -> int:
    """Characters of 正文 in one block's own text (Node.chars without the children)."""
    return count_chars(block.text) + (0 if block.type == HEADING else count_chars(block.title))


def build_tree(blocks: Iterable[Any], numbering: Mapping[str, str]) -> list[Node]:
    """The outline of `blocks` (ordered by position) as numbered nodes, top level first."""
    by_parent: dict[int | None, list[Any]] = {}
    for block in blocks:
        by_parent.setdefault(block.parent_id, []).append(block)

    def build(parent_id: int | None, level: int) -> list[Node]:
        siblings = by_parent.get(parent_id, [])
        numbers = sibling_numbers([b.type for b in siblings], level, numbering)
        nodes = [Node(block, level, number) for block, number in zip(siblings, numbers, strict=True)]
        for node in nodes:
            if node.block.type == HEADING:
                node.children = build(node.block.id, level + 1)
        return nodes

    return build(None, 1)


def block_dict(block: Any, children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One block in the snapshot's shape (reports/core/document.py): the one Block -> dict."""
    if block.type == HEADING:
        return {
            "id": block.pk,
            "type": HEADING,
            "title": block.title,
            "text": block.text,
            "run_in": block.run_in,
            "inline": False,
            "children": children or [],
        }
    if block.type == POINT:
        return {
            "id": block.pk,
            "type": POINT,
            "lead": block.title,
            "text": block.text,
            "inline": block.inline,
        }
    return {"id": block.pk, "type": PARAGRAPH, "text": block.text, "inline": block.inline}


def node_dict(node: Node) -> dict[str, Any]:
    """A node and everything under it in the snapshot's shape."""
    return block_dict(node.block, [node_dict(c) for c in node.children])


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
    """Length against target of each top-level heading (the editor's 字数 panel)."""
    return [
        SectionStat(node, node.chars, node.block.target_chars) for node in tree if node.block.type == HEADING
    ]


def body_chars(opening: str, tree: list[Node], closing: str) -> int:
    """The whole report's 正文: 导语, every block's body text (no heading titles) and 结尾."""
    return count_chars(opening) + sum(n.chars for n in tree) + count_chars(closing)


def tree_numbers(tree: list[Node]) -> dict[int, str]:
    """Every node's own number ("二、", "一是", "" for a paragraph), by block id."""
    out: dict[int, str] = {}
    stack = list(tree)
    while stack:
        node = stack.pop()
        out[node.block.pk] = node.number
        stack.extend(node.children)
    return out


def renumbered(before: Mapping[int, str], after: Mapping[int, str]) -> list[tuple[int, str]]:
    """The blocks still there whose number changed (a structure change's siblings), as (id, number)."""
    return [(pk, number) for pk, number in after.items() if pk in before and before[pk] != number]
