"""Numbering markers, sentence stops and boundaries as the importer recognises them.

Heading markers (at the start of a paragraph), by rank:

    1  一、  (also 一. 一． 一， written by mistake: recognised and flagged for proofreading)
    2  （一） (一)
    3  1.  1、  1．
    4  （1）  (1)  1)

A heading's level in the report is its depth, decided by the ranks of the headings above it (see
parse.py), so a document that goes from 一、 straight to 1. gets a level-2 heading numbered （一）
on export. Point markers: 一是/一要 (at a paragraph start or after a sentence end), 第一， and
首先，/其次，/最后， (only when the document also has 第二 / 其次).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..numbering import cn_int

CN_VALUES: dict[str, int] = {cn_int(n): n for n in range(1, 100)}
_CN = "[一二三四五六七八九十]{1,3}"
_AR = "[0-9０-９]{1,2}"
_SP = "[ \\t\u3000]*"

_HEADINGS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (2, re.compile(rf"[（(]{_SP}(?P<n>{_CN}){_SP}[）)](?P<p>[、.．]?)")),
    (4, re.compile(rf"[（(]{_SP}(?P<n>{_AR}){_SP}[）)](?P<p>[、.．]?)")),
    (1, re.compile(rf"(?P<n>{_CN}){_SP}(?P<p>[、.．，,])")),
    (3, re.compile(rf"(?P<n>{_AR}){_SP}(?P<p>[.．、])(?![0-9０-９])")),
    (4, re.compile(rf"(?P<n>{_AR})(?P<p>[)）])")),
)
FLAGGED_L1 = ".．，,"  # 一. 一， : recognised as level 1 and flagged

# One alternation for every point marker, so that finditer sees them in order without overlaps.
POINTS = re.compile(
    rf"(?P<cn>{_CN})(?P<f>是|要(?![求点素件务害闻领]))"
    rf"|第(?P<on>{_CN})(?P<op>[，,、：:])"
    r"|(?P<w>首先|其次|再次|最后)(?P<wp>[，,：:])"
)
SEQUENCE_WORDS = {"首先": 1, "其次": 2, "再次": 3}

# A sentence stop: 。 or a half-width / full-width full stop that is not a decimal point.
STOP = re.compile(
    r"。"
    r"|(?<=[^0-9０-９*＊A-Za-z.．])[.．](?![A-Za-z.．])"  # after a word: 立场.始终 / 保障.*-**月
    r"|(?<=[0-9０-９*＊])[.．](?![0-9０-９*＊A-Za-z.．])"  # after a number, not a decimal point (8.7, **.*)
)
_BOUNDARY = set("。；！？：;!?:")
_CLOSERS = set("”’）」』)")
_WS = set(" \t\u3000\u00a0")

ARABIC = str.maketrans("０１２３４５６７８９", "0123456789")


def arabic(text: str) -> int:
    return int(text.translate(ARABIC))


@dataclass(frozen=True)
class HeadingMarker:
    rank: int
    number: int
    text: str  # the marker as written, including spaces after it
    flagged: bool  # 一. / 一， instead of 一、


@dataclass(frozen=True)
class PointMarker:
    start: int
    end: int
    family: str  # "cn" (一是/一要), "ordinal" (第一，), "sequence" (首先，)
    number: int  # 0 for 最后 (accepted after any other)
    text: str


def heading_marker(line: str) -> HeadingMarker | None:
    """The heading marker at the start of `line`, with the whitespace after it, or None."""
    for rank, pattern in _HEADINGS:
        m = pattern.match(line)
        if m is None:
            continue
        raw = m.group("n")
        if rank in (1, 2):
            number = CN_VALUES.get(raw)
            if number is None:
                continue
        else:
            number = arabic(raw)
            if number == 0:
                continue
        end = m.end()
        while end < len(line) and line[end] in _WS:
            end += 1
        flagged = rank == 1 and m.group("p") in FLAGGED_L1
        return HeadingMarker(rank, number, line[:end], flagged)
    return None


def at_boundary(text: str, i: int) -> bool:
    """True at the start of `text` or right after a sentence end (spaces and closing quotes allowed)."""
    j = i - 1
    while j >= 0 and text[j] in _WS:
        j -= 1
    if j < 0:
        return True
    ch = text[j]
    if ch in _BOUNDARY:
        return True
    if ch in ".．":  # a marker (一是, 第一) after it is never a decimal's digits
        return True
    return ch in _CLOSERS and j > 0 and text[j - 1] in "。！？!?"


def point_markers(text: str, *, ordinal: bool, sequence: bool) -> list[PointMarker]:
    """Every point marker standing at a boundary of `text`, in order (whether it is accepted as a
    point depends on the numbering around it: see parse.Container)."""
    found: list[PointMarker] = []
    for m in POINTS.finditer(text):
        if not at_boundary(text, m.start()):
            continue
        if m.group("cn"):
            number = CN_VALUES.get(m.group("cn"))
            family = "cn"
        elif m.group("on"):
            if not ordinal:
                continue
            number = CN_VALUES.get(m.group("on"))
            family = "ordinal"
        else:
            if not sequence:
                continue
            number = SEQUENCE_WORDS.get(m.group("w"), 0)
            family = "sequence"
        if number is None:
            continue
        end = m.end()
        while end < len(text) and text[end] in _WS:
            end += 1
        found.append(PointMarker(m.start(), end, family, number, text[m.start() : end]))
    return found
