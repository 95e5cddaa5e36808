"""The editor's check panel, one block at a time: what the report check finds in a block's own text,
so that an autosave re-checks only the block it saved and a page load builds the same panel.

Pure. Steps of check_block, for one block in the snapshot's shape (core.outline.block_dict):
1. resolve its title, lead and text (core.metrics.resolve_snapshot over a one-block snapshot):
   placeholder errors, missing values (warnings), hand-typed numbers;
2. an empty point (no lead, no text) or paragraph is a warning;
3. dates of earlier years left in its text (core.importer.carry.stale_date_warnings);
4. its text against last year's passages (core.similarity.ShingleIndex): 去年 copied.
The report's own fields (标题, 导语, 结尾, 落款, 日期) are checked the same way by check_fields.
Every message names its place by `label` ("二、一是", "二、（一）第2段"), as node_labels gives it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .importer.carry import stale_date_warnings
from .masking import HandNumber
from .metrics import MetricValue, resolve_snapshot
from .numbering import sibling_numbers
from .similarity import Copied, ShingleIndex
from .tree import walk

__all__ = [
    "BlockCheck",
    "check_block",
    "check_fields",
    "is_empty",
    "node_labels",
    "passage_text",
    "sibling_label",
]

HEADING, POINT, PARAGRAPH = "heading", "point", "paragraph"


@dataclass
class BlockCheck:
    """The check panel's items of one block (`block_id`), or of the report's fields (None)."""

    block_id: int | None
    label: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    hand_numbers: list[HandNumber] = field(default_factory=list)
    copied: Copied | None = None

    @property
    def key(self) -> str:
        """What the panel's items carry in data-block: the block id, or "report"."""
        return "report" if self.block_id is None else str(self.block_id)

    def __bool__(self) -> bool:
        return bool(self.errors or self.warnings or self.hand_numbers or self.copied)


def _unique(messages: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(m for m in messages if m))


def _resolved(
    snapshot: Mapping[str, Any], metrics: Mapping[str, MetricValue], year: int, out: BlockCheck
) -> None:
    _resolved_snapshot, found = resolve_snapshot(snapshot, metrics)
    out.errors = _unique(found.errors)
    out.warnings = _unique([*found.warnings, *stale_date_warnings(dict(snapshot), year)])
    out.hand_numbers = list(found.hand_numbers)


def is_empty(block: Mapping[str, Any]) -> bool:
    """An empty point (no lead, no text) or paragraph; a heading is never empty here."""
    if block["type"] == HEADING:
        return False
    return not (block.get("lead", "").strip() or block.get("text", "").strip())


def passage_text(block: Mapping[str, Any], *, top_level: bool) -> str:
    """What the copied check compares of a block (core.similarity.sections_of: a heading's own text,
    the lead and text of a point or paragraph under a heading); "" for a top-level paragraph."""
    if block["type"] == HEADING:
        return block.get("text", "") if block.get("text", "").strip() else ""
    return "" if top_level else f"{block.get('lead', '')}{block.get('text', '')}"


def check_block(
    block: Mapping[str, Any],
    *,
    label: str,
    metrics: Mapping[str, MetricValue],
    year: int,
    top_level: bool = False,
    last_year: ShingleIndex | None = None,
) -> BlockCheck:
    """The check items of one block's own text (not its children's). Never raises."""
    own = {k: v for k, v in block.items() if k != "children"}
    out = BlockCheck(own.get("id"), label)
    _resolved({"blocks": [own]}, metrics, year, out)
    out.errors = [f"{label}：{m}" for m in out.errors]
    out.warnings = [f"{label}：{m}" for m in out.warnings]
    if is_empty(own):
        out.warnings.insert(0, f"{label}：内容为空")
    text = passage_text(own, top_level=top_level)
    found = last_year.best(text) if last_year is not None and text else None
    if found is not None:
        out.copied = Copied(own.get("id"), found[0], found[1])
    return out


def check_fields(fields: Mapping[str, Any], *, metrics: Mapping[str, MetricValue], year: int) -> BlockCheck:
    """The check items of the report's own fields (a snapshot without its blocks)."""
    out = BlockCheck(None, "")
    _resolved({**fields, "blocks": []}, metrics, year, out)
    return out


def sibling_label(prefix: str, types: list[str], index: int, level: int, numbering: Mapping[str, str]) -> str:
    """The place of sibling `index` among `types` at heading depth `level`: the numbers above it
    (`prefix`) and its own number, or 第N段 for a paragraph (counted among its sibling paragraphs)."""
    if types[index] == PARAGRAPH:
        return f"{prefix}第{types[: index + 1].count(PARAGRAPH)}段"
    return prefix + sibling_numbers(types, level, numbering)[index]


def node_labels(tree: list[Any]) -> dict[int, str]:
    """The label of every node of a numbered tree (core.outline.Node), by block id."""
    out: dict[int, str] = {}
    paragraphs: dict[tuple[int, ...], int] = {}
    for visit in walk(tree, children=lambda n: n.children):
        node = visit.node
        prefix = "".join(parent.number for parent in visit.parents)
        if node.block.type == PARAGRAPH:
            key = visit.path[:-1]
            paragraphs[key] = paragraphs.get(key, 0) + 1
            out[node.block.pk] = f"{prefix}第{paragraphs[key]}段"
        else:
            out[node.block.pk] = prefix + node.number
    return out
