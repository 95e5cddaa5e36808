"""Masking digits, years and sensitive terms, and finding the numbers typed by hand in prose."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .placeholders import find_placeholders
from .quantities import MASK

_DIGITS = "0123456789０１２３４５６７８９"
_MASK_DIGITS = str.maketrans(dict.fromkeys(_DIGITS, "*"))
_ASCII_DIGITS = str.maketrans("０１２３４５６７８９．％", "0123456789.%")


def mask_digits(text: str) -> str:
    """Every ASCII and full-width digit becomes "*"; everything else is unchanged (same length)."""
    return text.translate(_MASK_DIGITS)


# ---------------------------------------------------------------------------------------------
# Hand-typed numbers, years, sensitive terms

_D = "[0-9０-９]"
_YEAR = re.compile(
    rf"(?<![0-9０-９.．])(?:"
    rf"{_D}{{4}}(?=\s*年)"  # 2023年, 2023年度
    rf"|{_D}{{4}}(?=\s*[—–\-~～至到]\s*{_D}{{4}}\s*年)"  # the first year of 2023—2025年
    rf"|(?<=[〔\[［(（]){_D}{{4}}(?=[〕\]］)）])"  # 〔2023〕 in document numbers
    rf")"
)
_NUMBER = re.compile(rf"{_D}+(?:[.．]{_D}+)?[%％‰]?")
_CONTEXT = 12


@dataclass(frozen=True)
class HandNumber:
    """A number typed in the prose (not produced by a placeholder). kind: "number" or "year"."""

    start: int
    end: int
    text: str
    context: str  # the text around it, newlines as spaces
    kind: str = "number"
    field: str = ""

    @property
    def token(self) -> str:
        """The number in ASCII digits without %, as a secret or a leak scan would see it."""
        return self.text.translate(_ASCII_DIGITS).rstrip("%‰")


def find_hand_numbers(text: str) -> list[HandNumber]:
    """ASCII/full-width digit runs (with decimals and %) outside placeholders, in order.

    Years (2023年, 2023—2025年, 〔2023〕) have kind "year"; everything else "number". Chinese
    numerals (十四五, 二十大, 一是, 三公经费) are never numbers.
    """
    if not text:
        return []
    inside = find_placeholders(text)

    def in_placeholder(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e, _ in inside)

    years = {m.span() for m in _YEAR.finditer(text)}
    found: list[HandNumber] = []
    for m in _NUMBER.finditer(text):
        if in_placeholder(*m.span()):
            continue
        context = text[max(m.start() - _CONTEXT, 0) : m.end() + _CONTEXT].replace("\n", " ")
        kind = "year" if m.span() in years else "number"
        found.append(HandNumber(m.start(), m.end(), m.group(), context, kind))
    return found


def kept_years(year: int | None) -> tuple[int, ...]:
    """The years a masked copy of a report for `year` keeps by default: the report's own year and
    the next one. The masked reports this product replaces keep both ("一、2022年工作成效" and
    "三、2023年工作计划" in a 2022 summary) and mask every other year ("对比****年")."""
    return (year, year + 1) if year else ()


def mask_numbers(text: str, keep_years: Iterable[int | str] = ()) -> str:
    """Every digit becomes "*" except the four-digit years in `keep_years` where they stand as years
    (2025年, 2025—2026年, 〔2025〕); same length. The default of a masked copy."""
    keep = {str(y) for y in keep_years}
    if not keep or not text:
        return mask_digits(text)
    out: list[str] = []
    pos = 0
    for match in _YEAR.finditer(text):
        if match.group().translate(_ASCII_DIGITS) in keep:
            out.append(mask_digits(text[pos : match.start()]))
            out.append(match.group())
            pos = match.end()
    out.append(mask_digits(text[pos:]))
    return "".join(out)


def mask_years(text: str) -> str:
    """Four-digit years become "****": 2023年 -> ****年, 2023—2025年 -> ****—****年, 〔2023〕."""
    return _YEAR.sub(lambda m: "*" * len(m.group()), text)


@lru_cache(maxsize=64)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    unique = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, unique))) if unique else None


def mask_terms(text: str, terms: Iterable[str]) -> str:
    """Every occurrence of a sensitive term (longest first) becomes MASK ("**")."""
    pattern = _terms_pattern(tuple(terms))
    return pattern.sub(MASK, text) if pattern is not None and text else text
