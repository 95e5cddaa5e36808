"""Punctuation rules P01–P13 and the bracket stack check Q01–Q05 (GB/T 15834-2011)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from .findings import Hit
from .rules import (
    CN_NUMERALS,
    HAS_HAN,
    PROSE,
    STOP_MARKS,
    rule,
)
from .tables import BRACKETS, HAN, PUNCT_PAIRS


@lru_cache(maxsize=8)
def _half_width_pattern(marks: str) -> re.Pattern[str]:
    mark = f"[{re.escape(marks)}]"
    return re.compile(rf"(?<=[{HAN}]){mark}(?![{STOP_MARKS}])|(?<![{STOP_MARKS}]){mark}(?=[{HAN}])")


_NAMES = {",": "逗号", ";": "分号", ":": "冒号", "?": "问号", "!": "叹号"}


def _half_width(text: str, marks: str) -> Iterator[Hit]:
    """Half-width `marks` touching a Han character, unless they stand in a run of punctuation (P09)."""
    for m in _half_width_pattern(marks).finditer(text):
        full = PUNCT_PAIRS[m.group()]
        yield Hit(m.start(), m.end(), f"中文文字间应使用全角{_NAMES[m.group()]}“{full}”", full, safe=True)


@rule("P01", trigger=",")
def half_width_comma(text: str) -> Iterator[Hit]:
    """GB/T 15834-2011 4.4 逗号, 第5章 书写位置: 中文里用全角“，”, not ","."""
    yield from _half_width(text, ",")


_P02 = re.compile(rf"(?<=[{HAN}])\.(?![0-9.])|(?<![0-9.])\.(?=[{HAN}])")
_LEADING_CN_ORDINAL = re.compile(rf"(?:^|\n)[{CN_NUMERALS}]+$")


@rule("P02", trigger=".")
def half_width_full_stop(text: str) -> Iterator[Hit]:
    """GB/T 15834-2011 4.1 句号: "。", not "."; a decimal point, "1." and "..." are not full stops."""
    for m in _P02.finditer(text):
        if _LEADING_CN_ORDINAL.search(text, 0, m.start()):
            continue  # "一." at a paragraph start is P13's
        yield Hit(m.start(), m.end(), "中文文字间应使用全角句号“。”", "。", safe=True)


@rule("P03", trigger=";:?!")
def half_width_stops(text: str) -> Iterator[Hit]:
    """GB/T 15834-2011 4.6 分号, 4.7 冒号, 4.2 问号, 4.3 叹号: full-width ；：？！ in Chinese text."""
    yield from _half_width(text, ";:?!")


@rule("P04", trigger="()")
def half_width_brackets(text: str) -> Iterator[Hit]:
    """GB/T 15834-2011 4.9 括号: "（）" in Chinese text. A pair of "( )" is converted together when
    either side touches a Han character or it encloses one, so "(1)加强" becomes "（1）加强"."""
    if "(" not in text and ")" not in text:
        return
    han = HAS_HAN

    def touches(i: int) -> bool:
        return any(0 <= j < len(text) and han.match(text[j]) for j in (i - 1, i + 1))

    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    lone: list[int] = []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")":
            if stack:
                pairs.append((stack.pop(), i))
            else:
                lone.append(i)
    lone.extend(stack)
    hits = [i for i in lone if touches(i)]
    for a, b in pairs:
        if touches(a) or touches(b) or han.search(text, a, b):
            hits.extend((a, b))
    for i in sorted(hits):
        full = PUNCT_PAIRS[text[i]]
        yield Hit(i, i + 1, f"中文文字间应使用全角括号“{full}”", full, safe=True)


_SINGLE_QUOTE = re.compile(rf"(?<=[{HAN}])'|'(?=[{HAN}])")


@rule("P05", trigger="\"'")
def straight_quotes(text: str) -> Iterator[Hit]:
    """GB/T 15834-2011 4.8 引号: “” and ‘’, not straight quotes. Paired by position (open, close,
    open…); safe only when they pair up. A "'" counts only next to a Han character (not don't)."""
    if ('"' not in text and "'" not in text) or not HAS_HAN.search(text):
        return
    doubles = [m.start() for m in re.finditer('"', text)]
    singles = [m.start() for m in _SINGLE_QUOTE.finditer(text)]
    for positions, mark in ((doubles, '"'), (singles, "'")):
        pair = PUNCT_PAIRS[mark]
        paired = len(positions) % 2 == 0
        for k, i in enumerate(positions):
            full = pair[k % 2]
            message = f"中文引号应使用“{pair}”" + ("" if paired else "，且引号不成对，请核对")
            yield Hit(i, i + 1, message, full, safe=paired)


_P06 = {"「": "“", "」": "”", "『": "‘", "』": "’"}


@rule("P06", trigger="「」『』")
def corner_quotes(text: str) -> Iterator[Hit]:
    """GB/T 15834-2011 4.8 引号: mainland texts use “” ‘’, not 「」『』."""
    for m in re.finditer("[「」『』]", text):
        yield Hit(m.start(), m.end(), "内地公文应使用“”‘’，不用「」『』", _P06[m.group()])


_P07 = re.compile(r"\.{3,}|。{3,}|…{3,}|(?<!…)…(?!…)")


@rule("P07", trigger=".。…")
def ellipsis(text: str) -> Iterator[Hit]:
    """GB/T 15834-2011 4.11 省略号: "……" (two U+2026), not "...", "。。。" or a single "…"."""
    for m in _P07.finditer(text):
        yield Hit(m.start(), m.end(), "省略号应写作“……”（占两个字的位置）", "……")


_P08 = re.compile(r"-{2,}|—{3,}|(?<![—0-9*])—(?![—0-9*])")


@rule("P08", PROSE, trigger="-—")
def dash(text: str) -> Iterator[Hit]:
    """GB/T 15834-2011 4.10 破折号: "——" (two U+2014). A single "—" between numbers is the
    连接号 of a range or a code (4.13) and stays."""
    for m in _P08.finditer(text):
        message = "破折号应写作“——”（占两个字的位置）"
        if m.group() == "—":
            message += "；如表示地点起止，一字线“—”可保留"
        yield Hit(m.start(), m.end(), message, "——")


_P09 = re.compile(f"[{STOP_MARKS}]{{2,}}")
_P09_ALLOWED = re.compile(r"[？！?!]{2}|。{3,}")  # ?! for a rhetorical exclamation; 。。。 is P07's


@rule("P09")
def doubled_punctuation(text: str) -> Iterator[Hit]:
    """GB/T 15834-2011 (点号不连用): no "，，" "，；" "。。" "、，"; keep the one the sentence needs."""
    for m in _P09.finditer(text):
        if _P09_ALLOWED.fullmatch(m.group()):
            continue
        yield Hit(m.start(), m.end(), f"标点重复或连用“{m.group()}”，请保留一个合适的标点")


@rule("P10", trigger="、")
def pause_between_titles(text: str) -> Iterator[Hit]:
    """GB/T 15834-2011 4.5.3.5: between quoted items or book titles side by side (”“, 》《) a 顿号 is
    usually not used; kept when a bracketed note intervenes (《A》（试行）、《B》)."""
    for m in re.finditer("(?<=[”》])、(?=[“《])", text):
        yield Hit(m.start(), m.end(), "并列的引号或书名号之间通常不用顿号", "")


_P11 = re.compile(rf"(?:[（(](?:[{CN_NUMERALS}]+|[0-9]+)[）)]|[①-⑳])([、.．，,])")


@rule("P11", trigger="、.．，,")
def bracketed_ordinal_punctuation(text: str) -> Iterator[Hit]:
    """docs/layout.md §4 (序号后不用双重标点): "（一）" "（1）" "①" take no 、 or . after them."""
    for m in _P11.finditer(text):
        yield Hit(m.start(1), m.end(1), "带括号或圆圈的序号后不再加标点", "")


# Not "1、2月份" or "1、2、3项" (a list of numbers): a short number and a list mark or unit after.
_P12 = re.compile(r"(?m)^[0-9]{1,2}([、．])(?![0-9０-９]{1,2}(?:[、，,.．月日号项条个]|$))")


@rule("P12", frozenset({"body"}), trigger="、．")
def arabic_ordinal(text: str) -> Iterator[Hit]:
    """GB/T 9704-2012 7.3.3 (docs/layout.md §4): the third-level number is "1." (Arabic digit and 下脚点),
    not "1、" or "1．"."""
    for m in _P12.finditer(text):
        yield Hit(m.start(1), m.end(1), "阿拉伯数字序号后应使用下脚点“.”，如“1.”", ".", safe=True)


_P13 = re.compile(rf"(?m)^[{CN_NUMERALS}]+([.．，,])")


@rule("P13", frozenset({"body"}), trigger=".．，,", numerals=True)
def chinese_ordinal(text: str) -> Iterator[Hit]:
    """GB/T 9704-2012 7.3.3 (docs/layout.md §4): the first-level number is "一、", not "一." or "一，"."""
    for m in _P13.finditer(text):
        yield Hit(m.start(1), m.end(1), "汉字数字序号后应使用顿号“、”，如“一、”", "、")


_BRACKET_CHARS = re.compile("[" + "".join(o + c for o, (c, _, _) in BRACKETS.items()) + "]")
_Q_CLOSERS = {close: (opener, rule_id, name) for opener, (close, rule_id, name) in BRACKETS.items()}


@rule("Q01", trigger="“”‘’《》（）【】")
def bracket_check(text: str) -> Iterator[Hit]:
    """Q01–Q05 (GB/T 15834-2011 4.8 引号, 4.9 括号, 4.15 书名号): a stack check of “” ‘’ 《》 （） 【】.

    Reports, each under its own id: a closing mark with nothing to close, an opening mark never closed, and
    double quotes directly inside double quotes (4.8.3.2: 引号里面还要用引号时，里面一层用单引号).
    """
    stack: list[tuple[str, int]] = []
    for m in _BRACKET_CHARS.finditer(text):
        i, ch = m.start(), m.group()
        if ch in BRACKETS:
            if ch == "“" and stack and stack[-1][0] == "“":
                stack.append(("“inner", i))
            else:
                stack.append((ch, i))
        elif ch in _Q_CLOSERS:
            opener, rule_id, name = _Q_CLOSERS[ch]
            depth = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][0].startswith(opener)), None)
            if depth is None:
                yield Hit(i, i + 1, f"“{ch}”没有对应的“{opener}”，{name}不成对", rule=rule_id)
                continue
            for mark, j in stack[depth + 1 :]:
                mark = mark[:1]
                close, unclosed_rule, unclosed_name = BRACKETS[mark]
                yield Hit(j, j + 1, f"“{mark}”没有对应的“{close}”，{unclosed_name}不成对", rule=unclosed_rule)
            mark, j = stack[depth]
            del stack[depth:]
            if mark == "“inner":
                inner = text[j + 1 : i]
                yield Hit(j, i + 1, "双引号内再用引号应使用单引号‘’", f"‘{inner}’", rule="Q01")
    for mark, j in stack:
        mark = mark[:1]
        close, rule_id, name = BRACKETS[mark]
        yield Hit(j, j + 1, f"“{mark}”没有对应的“{close}”，{name}不成对", rule=rule_id)
