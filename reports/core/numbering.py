"""Chinese ordinal numbering (docs/layout.md §4). Numbering is computed, never stored in text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

DIGITS = "零一二三四五六七八九"

# Default format per level; a kind may override any of them (templates_docx/kinds/*.json "numbering").
DEFAULT_NUMBERING: dict[str, str] = {
    "1": "{cn}、",
    "2": "（{cn}）",
    "3": "{n}.",
    "4": "（{n}）",
    "point": "{cn}是",
}


def cn_int(n: int) -> str:
    """1..9999 as Chinese numerals: 1 一, 10 十, 11 十一, 20 二十, 101 一百零一, 110 一百一十."""
    if not 1 <= n <= 9999:
        raise ValueError(f"cn_int supports 1..9999, got {n}")
    out: list[str] = []
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d == 0:
            zero = zero or bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        if not (value == 10 and d == 1 and not out):
            out.append(DIGITS[d])
        out.append(unit)
    return "".join(out)


def format_number(pattern: str, n: int) -> str:
    """Apply a numbering pattern: "{cn}" is the Chinese numeral, "{n}" the Arabic one.

    Never raises: outside cn_int's 1..9999 (only a report created before the block cap could get
    there) "{cn}" falls back to the Arabic numeral, so the editor, preview and export still work."""
    cn = cn_int(n) if 1 <= n <= 9999 else str(n)
    return pattern.replace("{cn}", cn).replace("{n}", str(n))


def numbering_for(overrides: Mapping[str, str] | None) -> dict[str, str]:
    merged = dict(DEFAULT_NUMBERING)
    merged.update(overrides or {})
    return merged


def sibling_numbers(types: Iterable[str], level: int, numbering: Mapping[str, str]) -> list[str]:
    """Numbers for one list of siblings given their types, at heading depth `level`.

    Headings are numbered among sibling headings with their level's pattern; points among sibling
    points with the "point" pattern; anything else gets "".
    """
    heading_pattern = numbering.get(str(level), DEFAULT_NUMBERING["4"])
    out: list[str] = []
    heading_n = point_n = 0
    for kind in types:
        if kind == "heading":
            heading_n += 1
            out.append(format_number(heading_pattern, heading_n))
        elif kind == "point":
            point_n += 1
            out.append(format_number(numbering["point"], point_n))
        else:
            out.append("")
    return out


def number_blocks(
    blocks: Iterable[Mapping[str, Any]], numbering: Mapping[str, str], level: int = 1
) -> list[dict]:
    """Return a copy of a block tree with "number" on every block and "level" on headings.

    A heading's level is its depth: a heading inside a level-1 heading is level 2.
    """
    blocks = list(blocks)
    out: list[dict] = []
    for block, number in zip(
        blocks, sibling_numbers([b["type"] for b in blocks], level, numbering), strict=True
    ):
        item = dict(block, number=number)
        if block["type"] == "heading":
            item["level"] = level
            item["children"] = number_blocks(block.get("children", ()), numbering, level + 1)
        out.append(item)
    return out
