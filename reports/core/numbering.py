"""Chinese ordinal numbering (GBT9704.md §8). Numbering is computed, never stored in text."""

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
    """Apply a numbering pattern: "{cn}" is the Chinese numeral, "{n}" the Arabic one."""
    return pattern.replace("{cn}", cn_int(n)).replace("{n}", str(n))


def numbering_for(overrides: Mapping[str, str] | None) -> dict[str, str]:
    merged = dict(DEFAULT_NUMBERING)
    merged.update(overrides or {})
    return merged


def number_blocks(blocks: Iterable[Mapping[str, Any]], numbering: Mapping[str, str], level: int = 1) -> list[dict]:
    """Return a copy of a block tree with a "number" on every heading and point.

    Headings are numbered among their sibling headings with the pattern of their level (the level is
    the depth: a heading inside a level-1 heading is level 2). Points are numbered among their
    sibling points. Paragraphs get "". Each heading also gets "level".
    """
    out: list[dict] = []
    heading_n = point_n = 0
    for block in blocks:
        item = dict(block)
        if block["type"] == "heading":
            heading_n += 1
            item["level"] = level
            item["number"] = format_number(numbering.get(str(level), DEFAULT_NUMBERING["4"]), heading_n)
            item["children"] = number_blocks(block.get("children", ()), numbering, level + 1)
        elif block["type"] == "point":
            point_n += 1
            item["number"] = format_number(numbering["point"], point_n)
        else:
            item["number"] = ""
        out.append(item)
    return out
