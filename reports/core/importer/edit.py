"""Fixes a user makes in the import preview, and applying a figure plan. Each function returns a new
ParsedReport (the argument is not changed) or raises ImportRefused with a Chinese message.

No character is dropped by a fix: when a point or heading becomes a paragraph, or is merged into
the item before it, its numbering as written (`marker`) goes back into the text, since the source
wrote it as text.
"""

from __future__ import annotations

from .figures import FigurePlan
from .limits import MAX_BLOCKS, ImportRefused, too_many_blocks
from .markers import point_markers
from .model import HEADING, MAX_LEVEL, PARAGRAPH, POINT, Item, ParsedReport, normalise_levels
from .model import item_text as _whole
from .parse import split_heading, split_lead

ITEM_KINDS: dict[str, str] = {
    "h1": "一级标题",
    "h2": "二级标题",
    "h3": "三级标题",
    "point": "要点",
    "paragraph": "段落",
}


def item_kind(item: Item) -> str:
    return f"h{item.level}" if item.type == HEADING else item.type


def _get(parsed: ParsedReport, index: int) -> tuple[ParsedReport, Item]:
    if not 0 <= index < len(parsed.items):
        raise ImportRefused("要修改的内容不存在，请刷新预览")
    copy = parsed.copy()
    return copy, copy.items[index]


def _as(kind: str, text: str, base: Item) -> Item:
    """`text` (no number) as an item of `kind`, keeping base's marker, line and inline flag."""
    if kind.startswith("h"):
        title, rest, stop = split_heading(text)
        return Item(
            HEADING,
            level=int(kind[1]),
            title=title,
            text=rest,
            run_in=bool(stop),
            marker=base.marker,
            line=base.line,
        )
    if kind == POINT:
        lead, rest, _stop = split_lead(text)
        return Item(POINT, lead=lead, text=rest, inline=base.inline, marker=base.marker, line=base.line)
    return Item(PARAGRAPH, text=text, inline=base.inline, line=base.line)


def retype_item(parsed: ParsedReport, index: int, kind: str) -> ParsedReport:
    """Make item `index` a heading of level 1-3 ("h1".."h3"), a "point" or a "paragraph"."""
    if kind not in ITEM_KINDS:
        raise ImportRefused("未知的类型")
    copy, item = _get(parsed, index)
    if item_kind(item) == kind:
        return copy
    if item.type == HEADING and kind.startswith("h"):
        item.level = int(kind[1])
    elif item.type == HEADING and kind == POINT:
        copy.items[index] = Item(POINT, lead=item.title, text=item.text, marker=item.marker, line=item.line)
    elif kind == PARAGRAPH:
        copy.items[index] = Item(
            PARAGRAPH, text=item.marker + _whole(item), inline=item.inline, line=item.line
        )
    else:
        copy.items[index] = _as(kind, _whole(item), item)
    copy.warnings = [*parsed.warnings, *normalise_levels(copy.items)]
    return copy


def split_item(parsed: ParsedReport, index: int, at: str) -> ParsedReport:
    """Split item `index` where the text `at` (the first words of the new item) begins. The new item
    is a point when it starts with a point marker or the old one was a point, else a paragraph; it
    continues the same printed paragraph unless the old item was a standalone heading."""
    at = (at or "").strip()
    if not at:
        raise ImportRefused("请输入新的一项开头的几个字，例如“二是”")
    copy, item = _get(parsed, index)
    if len(parsed.items) >= MAX_BLOCKS:
        raise ImportRefused(too_many_blocks(len(parsed.items) + 1))
    whole = _whole(item)
    k = whole.find(at, 1)
    if k <= 0:
        raise ImportRefused(f"在这一项中没有找到“{at[:20]}”（不能从开头拆分）")
    left, right = whole[:k].rstrip(), whole[k:]
    markers = point_markers(right, ordinal=True, sequence=True)
    inline = not (item.type == HEADING and not item.run_in)
    if markers and markers[0].start == 0:
        lead, text, _stop = split_lead(right[markers[0].end :])
        new = Item(POINT, lead=lead, text=text, inline=inline, marker=markers[0].text.strip(), line=item.line)
    elif item.type == POINT:
        lead, text, _stop = split_lead(right)
        new = Item(POINT, lead=lead, text=text, inline=inline, line=item.line)
    else:
        new = Item(PARAGRAPH, text=right, inline=inline, line=item.line)
    kept = _as(item_kind(item), left, item)
    kept.inline = item.inline
    copy.items[index : index + 1] = [kept, new]
    copy.warnings = [*parsed.warnings, *normalise_levels(copy.items)]
    return copy


def merge_item(parsed: ParsedReport, index: int) -> ParsedReport:
    """Append item `index` (numbering as written included) to the item before it, or to the
    opening when it is the first item."""
    copy, item = _get(parsed, index)
    addition = item.marker + _whole(item)
    del copy.items[index]
    if index == 0:
        copy.opening = copy.opening + addition if copy.opening else addition
    else:
        previous = copy.items[index - 1]
        if previous.type == HEADING:
            if previous.run_in:
                previous.text += addition
            else:
                previous.run_in, previous.text = True, addition
        elif previous.type == POINT and previous.lead and not previous.text:
            previous.text = addition
        else:
            previous.text += addition
    copy.warnings = [*parsed.warnings, *normalise_levels(copy.items)]
    return copy


def apply_plan(parsed: ParsedReport, plan: FigurePlan) -> ParsedReport:
    """The report with the plan's placeholders written into its texts (figures stay elsewhere)."""
    copy = parsed.copy()
    by_field: dict[str, list] = {}
    for r in plan.replacements:
        by_field.setdefault(r.field, []).append(r)

    def apply(text: str, replacements: list) -> str:
        end = len(text) + 1
        for r in sorted(replacements, key=lambda r: r.start, reverse=True):
            if r.end <= end and 0 <= r.start <= r.end <= len(text):
                text = text[: r.start] + r.text + text[r.end :]
                end = r.start
        return text

    for name, replacements in by_field.items():
        if name in ("opening", "closing"):
            setattr(copy, name, apply(getattr(copy, name), replacements))
        elif name.startswith("items.") and name.endswith(".text"):
            index = int(name.split(".")[1])
            if 0 <= index < len(copy.items):
                copy.items[index].text = apply(copy.items[index].text, replacements)
    return copy


__all__ = ["ITEM_KINDS", "MAX_LEVEL", "apply_plan", "item_kind", "merge_item", "retype_item", "split_item"]
