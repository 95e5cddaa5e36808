"""Character-level comparison of two report snapshots, for a leader reviewing a resubmission.

Chinese has no spaces, so words are useless as diff units: paragraphs are compared character by
character (`diff_text`). Blocks are paired across the two snapshots by their stable `"id"`; blocks
without one (snapshots older than ids) are paired by position and text similarity. Numbers
(一、/（一）/一是) are computed with `number_blocks` for both sides and shown, but never compared: a
point renumbered only because another was inserted before it is unchanged.

Pure: plain dicts in, dataclasses out. No Django.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from diff_match_patch import diff_match_patch

from .document import point_text
from .numbering import number_blocks, numbering_for
from .tree import walk

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
STATUSES = ("same", "changed", "added", "removed", "moved")

# Myers' algorithm (diff-match-patch) takes up to (len(a) + len(b))² / 4 steps: 0.35 s in Python for
# 1,000 characters against 1,000 utterly different ones, while real edits cost a fraction of that.
# One diff_text call may spend this many squared characters; past it, a stretch shows as deleted
# and inserted whole. A bound on work, not on time, so that the same texts always compare the same.
_BUDGET = 1_000_000
# Sentence ends used to cut a text into tokens when characters alone would be too much work.
_SENTENCE_END = frozenset("。！？；\n")

_DMP = diff_match_patch()
_DMP.Diff_Timeout = 0  # no clock: _BUDGET bounds the work instead
_OPS = {_DMP.DIFF_EQUAL: EQUAL, _DMP.DIFF_INSERT: INSERT, _DMP.DIFF_DELETE: DELETE}
# Two id-less blocks of the same type are the same block edited when their texts are this similar.
_SIMILAR = 0.5

_FIELDS = (
    ("title", "标题"),
    ("subtitle", "副标题"),
    ("opening", "导语"),
)
_TAIL_FIELDS = (
    ("closing", "结语"),
    ("signature", "署名"),
    ("date", "日期"),
)


@dataclass(frozen=True)
class Segment:
    op: str  # "equal" | "insert" | "delete"
    text: str


@dataclass
class RowDiff:
    """One line of the comparison: a field of the report or one block.

    key: "title" | "subtitle" | "opening" | "closing" | "signature" | "date" | "block:<id>"
    (an id-less block gets "block:new-<n>" / "block:old-<n>", n its place in that side's order).
    label: 标题, 导语…, or the block's number ("一、", "（二）", "三是"; the old one if removed), or 段落.
    status: "same" | "changed" | "added" | "removed" | "moved".
    changed: anything but "same", except a "moved" block whose text and type are unchanged; so a
    moved block that was also edited has changed=True.
    """

    key: str
    label: str
    status: str
    old_number: str = ""
    new_number: str = ""
    segments: list[Segment] = field(default_factory=list)
    changed: bool = False


# --- characters ---------------------------------------------------------------------------------


def diff_text(old: str, new: str) -> list[Segment]:
    """Character-level diff of `old` into `new` (diff-match-patch, with its semantic cleanup).

    Adjacent segments of one op are merged; a replacement is a delete followed by an insert; short
    coincidental equalities inside an edit ("6.2" → "7.5" sharing ".") are folded into it. Joining
    the equal+delete texts gives `old`, the equal+insert texts give `new`.
    """
    if old == new:
        return [Segment(EQUAL, old)] if old else []
    prefix = _DMP.diff_commonPrefix(old, new)
    suffix = _DMP.diff_commonSuffix(old[prefix:], new[prefix:])
    diffs = [
        (_DMP.DIFF_EQUAL, old[:prefix]),
        *_diff_middle(old[prefix : len(old) - suffix], new[prefix : len(new) - suffix], [_BUDGET]),
        (_DMP.DIFF_EQUAL, old[len(old) - suffix :]),
    ]
    diffs = [(op, text) for op, text in diffs if text]
    _DMP.diff_cleanupMerge(diffs)
    _DMP.diff_cleanupSemantic(diffs)
    return [Segment(_OPS[op], text) for op, text in diffs]


def _replace(a: str, b: str) -> list[tuple[int, str]]:
    return [(op, text) for op, text in ((_DMP.DIFF_DELETE, a), (_DMP.DIFF_INSERT, b)) if text]


def _diff_middle(a: str, b: str, budget: list[int], *, by_sentence: bool = True) -> list[tuple[int, str]]:
    """Diff two texts character by character while budget[0] lasts (spending from it), else
    sentence by sentence and then the characters of each rewritten stretch, else whole."""
    if not a or not b:
        return _replace(a, b)
    cost = (len(a) + len(b)) ** 2
    if cost <= budget[0]:
        budget[0] -= cost
        return _DMP.diff_main(a, b, False)
    sa, sb = _sentences(a), _sentences(b)
    cost = (len(sa) + len(sb)) ** 2
    if not by_sentence or (len(sa) == 1 and len(sb) == 1) or cost > budget[0]:
        return _replace(a, b)
    budget[0] -= cost
    # Each distinct sentence becomes one symbol, so Myers aligns sentences; then each stretch of
    # rewritten sentences is diffed on its own (never by sentence again).
    codes: dict[str, str] = {}
    for sentence in (*sa, *sb):
        codes.setdefault(sentence, chr(len(codes)))
    sentences = {code: sentence for sentence, code in codes.items()}
    out: list[tuple[int, str]] = []
    deleted = inserted = ""
    for op, symbols in _DMP.diff_main("".join(map(codes.get, sa)), "".join(map(codes.get, sb)), False):
        text = "".join(map(sentences.get, symbols))
        if op == _DMP.DIFF_DELETE:
            deleted += text
        elif op == _DMP.DIFF_INSERT:
            inserted += text
        else:
            out.extend(_diff_middle(deleted, inserted, budget, by_sentence=False))
            out.append((op, text))
            deleted = inserted = ""
    out.extend(_diff_middle(deleted, inserted, budget, by_sentence=False))
    return out


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in _SENTENCE_END:
            out.append(text[start : i + 1])
            start = i + 1
    if start < len(text):
        out.append(text[start:])
    return out


# --- blocks -------------------------------------------------------------------------------------


@dataclass
class _Block:
    index: int  # place in this side's flattened (pre-order) list
    id: int | None
    type: str
    number: str
    text: str  # what is compared
    parent: int | None  # index of the enclosing heading


def _block_text(block: Mapping[str, Any]) -> str:
    kind = block["type"]
    if kind == "point":
        return point_text(dict(block, number=""))
    if kind == "heading":
        title = block.get("title", "")
        text = block.get("text", "")
        if block.get("run_in"):
            # Rendered as "（一）标题。正文…": compare it as printed, less the number.
            return point_text({"lead": title, "text": text, "number": ""})
        return title + "\n" + text if text else title
    return block.get("text", "")


def _flatten(snapshot: Mapping[str, Any]) -> list[_Block]:
    numbered = number_blocks(snapshot.get("blocks") or (), numbering_for(snapshot.get("numbering")))
    out: list[_Block] = []
    seen: set[int] = set()
    places: dict[tuple[int, ...], int] = {}  # path in the tree -> index in out
    for visit in walk(numbered):
        block = visit.node
        block_id = block.get("id")
        if not isinstance(block_id, int) or isinstance(block_id, bool) or block_id in seen:
            block_id = None  # missing, malformed or duplicated: align it like an old block
        else:
            seen.add(block_id)
        parent = places.get(visit.path[:-1])
        places[visit.path] = len(out)
        out.append(_Block(len(out), block_id, block["type"], block["number"], _block_text(block), parent))
    return out


def _similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigrams: cheap, linear, and meaningful for Chinese."""
    if a == b:
        return 1.0
    ga = Counter(a[i : i + 2] for i in range(max(len(a) - 1, 1)))
    gb = Counter(b[i : i + 2] for i in range(max(len(b) - 1, 1)))
    total = sum(ga.values()) + sum(gb.values())
    return 2 * sum((ga & gb).values()) / total if total else 0.0


def _pair(old: list[_Block], new: list[_Block]) -> dict[int, int]:
    """Map old index → new index: by id, then id-less blocks by order and text."""
    by_id = {b.id: b.index for b in new if b.id is not None}
    pairs = {b.index: by_id[b.id] for b in old if b.id is not None and b.id in by_id}
    # A block whose id is unknown to the other side was added or removed — unless the other side
    # has no id for the block at all (an older snapshot), which only similarity can settle.
    rest_old = [b for b in old if b.index not in pairs]
    paired_new = set(pairs.values())
    rest_new = [b for b in new if b.index not in paired_new]
    if not any(b.id is None for b in rest_old) and not any(b.id is None for b in rest_new):
        return pairs

    def allowed(o: _Block, n: _Block) -> bool:
        return (o.id is None or n.id is None) and o.type == n.type

    keys_old = [(b.type, b.text) for b in rest_old]
    keys_new = [(b.type, b.text) for b in rest_new]
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, keys_old, keys_new, autojunk=False).get_opcodes():
        if tag == "equal":
            for o, n in zip(rest_old[i1:i2], rest_new[j1:j2], strict=True):
                if allowed(o, n):
                    pairs[o.index] = n.index
        elif tag == "replace":
            # Pair in order, each old block with the most similar later new block of its type.
            start = j1
            for o in rest_old[i1:i2]:
                best, best_score = None, _SIMILAR
                for j in range(start, j2):
                    n = rest_new[j]
                    if allowed(o, n):
                        score = _similarity(o.text, n.text)
                        if score >= best_score:
                            best, best_score = j, score
                if best is not None:
                    pairs[o.index] = rest_new[best].index
                    start = best + 1
    return pairs


def _longest_increasing(values: Sequence[int]) -> set[int]:
    """Positions (into `values`) of one longest strictly increasing subsequence.

    On ties the later element wins a slot, so in a swap of two the one that came up is "moved".
    """
    tails: list[int] = []  # tails[k]: position of the smallest tail of an increasing run of k+1
    back: list[int | None] = []
    for pos, value in enumerate(values):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if values[tails[mid]] < value:
                lo = mid + 1
            else:
                hi = mid
        back.append(tails[lo - 1] if lo else None)
        if lo == len(tails):
            tails.append(pos)
        else:
            tails[lo] = pos
    keep: set[int] = set()
    pos = tails[-1] if tails else None
    while pos is not None:
        keep.add(pos)
        pos = back[pos]
    return keep


def _moved(old: list[_Block], new: list[_Block], pairs: dict[int, int]) -> set[int]:
    """New indexes of paired blocks that changed section or order among their siblings."""
    back = {n: o for o, n in pairs.items()}
    moved: set[int] = set()
    siblings: dict[int | None, list[_Block]] = {}
    for n in new:
        o = back.get(n.index)
        if o is None:
            continue
        old_parent = old[o].parent
        if (None if old_parent is None else pairs.get(old_parent, -1)) != n.parent:
            moved.add(n.index)  # now under another heading (or its old heading is gone)
        else:
            siblings.setdefault(n.parent, []).append(n)
    for group in siblings.values():
        order = [back[n.index] for n in group]  # old places, in new order
        keep = _longest_increasing(order)
        moved.update(n.index for pos, n in enumerate(group) if pos not in keep)
    return moved


def _block_label(block: _Block) -> str:
    return block.number or "段落"


def _block_key(block: _Block, side: str) -> str:
    return f"block:{block.id}" if block.id is not None else f"block:{side}-{block.index}"


def _block_rows(old_snapshot: Mapping[str, Any], new_snapshot: Mapping[str, Any]) -> list[RowDiff]:
    old, new = _flatten(old_snapshot), _flatten(new_snapshot)
    pairs = _pair(old, new)
    back = {n: o for o, n in pairs.items()}
    moved = _moved(old, new, pairs)

    # A removed block goes right after the nearest old block before it that still exists.
    after: dict[int | None, list[RowDiff]] = {}
    anchor: int | None = None
    for o in old:
        if o.index in pairs:
            anchor = o.index
            continue
        row = RowDiff(
            _block_key(o, "old"), _block_label(o), "removed", old_number=o.number,
            segments=diff_text(o.text, ""), changed=True,
        )  # fmt: skip
        after.setdefault(anchor, []).append(row)

    rows: list[RowDiff] = list(after.get(None, ()))
    for n in new:
        o_index = back.get(n.index)
        if o_index is None:
            row = RowDiff(
                _block_key(n, "new"), _block_label(n), "added", new_number=n.number,
                segments=diff_text("", n.text), changed=True,
            )  # fmt: skip
            rows.append(row)
            continue
        o = old[o_index]
        segments = diff_text(o.text, n.text)
        changed = o.text != n.text or o.type != n.type
        status = "moved" if n.index in moved else "changed" if changed else "same"
        key = _block_key(n, "new") if n.id is not None or o.id is None else _block_key(o, "old")
        rows.append(RowDiff(key, _block_label(n), status, o.number, n.number, segments, changed))
        rows.extend(after.get(o_index, ()))
    return rows


def _field_row(key: str, label: str, old: str, new: str) -> RowDiff | None:
    if not old and not new:
        return None
    if old == new:
        status = "same"
    elif not old:
        status = "added"
    elif not new:
        status = "removed"
    else:
        status = "changed"
    return RowDiff(key, label, status, segments=diff_text(old, new), changed=old != new)


def _field_rows(
    fields: Iterable[tuple[str, str]], old: Mapping[str, Any], new: Mapping[str, Any]
) -> list[RowDiff]:
    rows = (_field_row(key, label, old.get(key) or "", new.get(key) or "") for key, label in fields)
    return [row for row in rows if row is not None]


def diff_snapshots(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[RowDiff]:
    """Compare two snapshots (see `document`): one row per field and per block, in the new order.

    Removed blocks appear after the block that preceded them in the old snapshot. A paired block
    whose section or order among its siblings changed is "moved" (with `changed` telling whether its
    text changed too); the rest are "same" or "changed". Numbers are never compared.
    """
    return [*_field_rows(_FIELDS, old, new), *_block_rows(old, new), *_field_rows(_TAIL_FIELDS, old, new)]


def summary(rows: Iterable[RowDiff]) -> dict[str, int]:
    """Rows per status; every status is present, with 0 when none."""
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row.status] += 1
    return counts
