"""Spacing S01–S02, point sequences O01, typed heading numbers H01, title T01, document numbers
and titles T02, placeholder syntax D01."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ..numbering import cn_int
from ..placeholders import _inner, find_placeholders
from ..quantities import _EvalError
from ..text import display_width
from ..title import MAX_TITLE_WIDTH, split_title
from .findings import Hit
from .rules import (
    CN_NUMERALS,
    PROSE,
    rule,
)
from .tables import CJK_PUNCT, CN_ORDINALS, HAN

# ---------------------------------------------------------------------------------------------
# Spacing

_S01 = re.compile(rf"(?<=[{HAN}{CJK_PUNCT}])[ \u00a0\t]+(?=[{HAN}{CJK_PUNCT}])")


@rule("S01", PROSE, trigger=" \u00a0\t")
def space_between_han(text: str) -> Iterator[Hit]:
    """docs/proofreading.md S01 (GB/T 15834-2011 第5章): no space between Chinese characters or marks."""
    for m in _S01.finditer(text):
        yield Hit(m.start(), m.end(), "汉字之间不应有空格", "", safe=True)


@rule("S02", trigger="\u3000")
def ideographic_space(text: str) -> Iterator[Hit]:
    """docs/proofreading.md S02 (GB/T 9704-2012 D18): no U+3000 for indentation or alignment; the layout
    indents paragraphs. One U+3000 between the post and the name of a 述职 subtitle line
    ("——市财政局局长　王某") is the customary separator and stays."""
    subtitle = text.startswith("——")
    for m in re.finditer("\u3000+", text):
        if subtitle and m.end() - m.start() == 1 and m.start() > 2 and m.end() < len(text):
            continue
        yield Hit(m.start(), m.end(), "不应使用全角空格缩进或对齐，段首缩进由排版自动处理", "")


# ---------------------------------------------------------------------------------------------
# Structure inside one text

_ORDINAL = re.compile(rf"(?:^|(?<=[。；：！？，\n]))([{CN_NUMERALS}]{{1,3}})是(?!否)", re.M)


@rule("O01", frozenset({"body", "point"}), trigger="是")
def point_sequence(text: str) -> Iterator[Hit]:
    """docs/proofreading.md O01: "一是、二是、三是…" inside a paragraph run from 一 without a gap.

    A paragraph that starts with "三是" carries its own number in an outer sequence; the count
    then continues from it, and "一是" always starts a new sequence.
    """
    expected: int | None = None
    for m in _ORDINAL.finditer(text):
        n = CN_ORDINALS.get(m.group(1))
        if n is None:
            continue
        if n != 1 and expected is not None and n != expected:
            right = cn_int(expected)
            yield Hit(m.start(), m.end(), f"“一是、二是”序号不连续，此处应为“{right}是”", f"{right}是")
        expected = n + 1


_TYPED_NUMBER = re.compile(
    rf"^\s*(?:第[{CN_NUMERALS}百]+[章节部分]|[{CN_NUMERALS}百]+[、.．，,]|[（(][{CN_NUMERALS}0-9]+[）)][、.．]?|[0-9]{{1,2}}[、.．](?![0-9])|[①-⑳])\s*"
)
_TYPED_POINT = re.compile(rf"^\s*[{CN_NUMERALS}]{{1,3}}是[，、：:]?")


@rule("H01", frozenset({"heading", "point"}))
def typed_heading_number(text: str) -> Iterator[Hit]:
    """GB/T 9704-2012 7.3.3 (docs/proofreading.md H01): heading and point numbers are computed by the
    system, so a number typed at the start of a heading or point doubles it ("一、一、…")."""
    m = _TYPED_NUMBER.match(text) or _TYPED_POINT.match(text)
    if m and m.group().strip():
        yield Hit(m.start(), m.end(), f"序号由系统自动编排，请删除手工输入的“{m.group().strip()}”", "")


_title_lines = lru_cache(maxsize=64)(split_title)  # a few ms for a long title; autosave repeats it


@rule("T01", frozenset({"title"}))
def title_form(text: str) -> Iterator[Hit]:
    """GB/T 9704-2012 7.2.4 (docs/proofreading.md T01): a title has no end punctuation and fits 3 lines of
    ≤ 20 字 (as reports.core.title splits it)."""
    m = re.search(r"[。，、；：！？.,;:!?]+\s*$", text)
    if m:
        yield Hit(m.start(), m.end(), "标题末尾不用标点", "")
    # split_title tries every way to cut; past 3 full lines no cut can fit, so do not ask it.
    too_long = display_width(text) > 3 * MAX_TITLE_WIDTH
    lines = [] if too_long else _title_lines(text)
    if too_long or len(lines) > 3 or any(display_width(line) > MAX_TITLE_WIDTH for line in lines):
        yield Hit(0, len(text), "标题过长：排版后超过3行（每行不超过20字），请精简")


_T02_NUMBER = re.compile(rf"(?<=[{HAN}])([\[【［(（])([0-9]{{4}})([\]】］)）])(?=\s*[0-9]+\s*号)")
# A quoted document title: "关于…" or a name ending like a regulation ("…管理办法"); a slogan that
# ends in 规定 ("中央八项规定") or 方案 is not one.
_T02_TITLE = re.compile(
    r"“((?:关于[^“”]{2,40}|[^“”]{2,40}(?:办法|条例|细则|实施方案|暂行规定|管理规定|若干规定|实施意见|指导意见|纲要))"
    r"(?:（试行）)?)”"
)


@rule("T02", PROSE, trigger="[【［(（“")
def document_brackets(text: str) -> Iterator[Hit]:
    """GB/T 9704-2012 7.2.5 (docs/proofreading.md T02): the year of a document number is in 六角括号
    "〔2024〕"; GB/T 15834-2011 4.15 书名号: titles of laws and documents take 《》, not “”."""
    for m in _T02_NUMBER.finditer(text):
        yield Hit(m.start(), m.end(), "发文字号中的年份应使用六角括号“〔〕”", f"〔{m.group(2)}〕")
    for m in _T02_TITLE.finditer(text):
        yield Hit(m.start(), m.end(), "法规、文件名称应使用书名号《》", f"《{m.group(1)}》")


@rule("D01", on_placeholders=True, trigger="{}")
def placeholder_syntax(text: str) -> Iterator[Hit]:
    """Placeholders (reports.core.placeholders): "{{指标名}}" well formed; a stray "}}", an unclosed
    "{{" or a statement "{% %}" is an error that blocks submission. Names are checked against the
    metrics by placeholder_findings (document.py)."""
    for start, end, source in find_placeholders(text):
        try:
            _inner(source)
        except _EvalError as error:
            yield Hit(start, end, str(error), severity="error")
