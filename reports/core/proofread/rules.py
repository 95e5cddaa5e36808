"""The text rules of proofreading, one small function per rule id (GBT9704.md §9).

A rule takes the text of one block (placeholders already blanked out by check.py, masks such as
"**亿元" left as they are) and yields Hits; check.py turns them into Findings and drops any that
touch a placeholder or a mask. Rules are registered with the contexts they apply to:

    body     a paragraph, the opening or closing, a heading's run-in text (may hold several lines)
    heading  a heading's title (numbered by the renderer)
    point    a point's lead or text (一是… is numbered by the renderer)
    title    the report's title
    line     short one-line fields: subtitle, subject, signature, date

Only P01–P05, P12, N01, N02, N05 and S01 are safe (may be applied without reading); every other
rule only suggests. Vocabulary (punctuation pairs, units, brackets, fixed expressions) is in tables.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..numbering import cn_int
from ..placeholders import _inner, find_placeholders
from ..quantities import _EvalError
from ..text import display_width
from ..title import MAX_TITLE_WIDTH, split_title
from .findings import Hit
from .tables import (
    BRACKETS,
    CJK_PUNCT,
    CN_ORDINALS,
    HAN,
    PUNCT_PAIRS,
    SEQUENCE_UNITS,
    UNIT_WORDS,
)

RuleFn = Callable[[str], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    check: RuleFn
    contexts: frozenset[str]
    trigger: frozenset[str] = frozenset()  # the rule cannot fire on a text without one of these
    numerals: bool = False  # never fires inside a fixed expression (tables.FIXED_EXPRESSIONS)
    on_placeholders: bool = False  # looks at placeholders themselves (they are not blanked for it)


CONTEXTS = frozenset({"body", "heading", "point", "title", "line"})
PROSE = CONTEXTS - {"line"}
RULES: list[Rule] = []


def rule(
    rule_id: str, contexts: frozenset[str] = CONTEXTS, trigger: str = "", **options: bool
) -> Callable[[RuleFn], RuleFn]:
    """Register a rule for `contexts`; `trigger` (characters) lets check_text skip it cheaply."""

    def register(fn: RuleFn) -> RuleFn:
        RULES.append(Rule(rule_id, fn, frozenset(contexts), frozenset(trigger), **options))
        return fn

    return register


# Character classes (inside [...]).
_PUNCT = "，。；：？！、,;:?!"  # the marks P09 finds doubled
_NUM = r"[0-9]+(?:\.[0-9]+)?"  # ASCII only: Python's \d also matches full-width digits
_UNIT = "(?:" + "|".join(map(re.escape, UNIT_WORDS)) + ")"
_SEQ_UNIT = "(?:" + "|".join(SEQUENCE_UNITS) + ")"
_CN = "一二三四五六七八九十"
_HAS_HAN = re.compile(f"[{HAN}]")


@lru_cache(maxsize=8)
def _half_width_pattern(marks: str) -> re.Pattern[str]:
    mark = f"[{re.escape(marks)}]"
    return re.compile(rf"(?<=[{HAN}]){mark}(?![{_PUNCT}])|(?<![{_PUNCT}]){mark}(?=[{HAN}])")


_NAMES = {",": "逗号", ";": "分号", ":": "冒号", "?": "问号", "!": "叹号"}


def _half_width(text: str, marks: str) -> Iterator[Hit]:
    """Half-width `marks` touching a Han character, unless they stand in a run of punctuation (P09)."""
    for m in _half_width_pattern(marks).finditer(text):
        full = PUNCT_PAIRS[m.group()]
        yield Hit(m.start(), m.end(), f"中文文字间应使用全角{_NAMES[m.group()]}“{full}”", full, safe=True)


# ---------------------------------------------------------------------------------------------
# Punctuation (GB/T 15834-2011)


@rule("P01", trigger=",")
def half_width_comma(text: str) -> Iterator[Hit]:
    """GB/T 15834-2011 4.4 逗号, 第5章 书写位置: 中文里用全角“，”, not ","."""
    yield from _half_width(text, ",")


_P02 = re.compile(rf"(?<=[{HAN}])\.(?![0-9.])|(?<![0-9.])\.(?=[{HAN}])")
_LEADING_CN_ORDINAL = re.compile(rf"(?:^|\n)[{_CN}]+$")


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
    han = _HAS_HAN

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
    if ('"' not in text and "'" not in text) or not _HAS_HAN.search(text):
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


_P09 = re.compile(f"[{_PUNCT}]{{2,}}")
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


_P11 = re.compile(rf"(?:[（(](?:[{_CN}]+|[0-9]+)[）)]|[①-⑳])([、.．，,])")


@rule("P11", trigger="、.．，,")
def bracketed_ordinal_punctuation(text: str) -> Iterator[Hit]:
    """GBT9704.md §8 (序号后不用双重标点): "（一）" "（1）" "①" take no 、 or . after them."""
    for m in _P11.finditer(text):
        yield Hit(m.start(1), m.end(1), "带括号或圆圈的序号后不再加标点", "")


# Not "1、2月份" or "1、2、3项" (a list of numbers): a short number and a list mark or unit after.
_P12 = re.compile(r"(?m)^[0-9]{1,2}([、．])(?![0-9０-９]{1,2}(?:[、，,.．月日号项条个]|$))")


@rule("P12", frozenset({"body"}), trigger="、．")
def arabic_ordinal(text: str) -> Iterator[Hit]:
    """GB/T 9704-2012 7.3.3 (GBT9704.md §8): the third-level number is "1." (Arabic digit and 下脚点),
    not "1、" or "1．"."""
    for m in _P12.finditer(text):
        yield Hit(m.start(1), m.end(1), "阿拉伯数字序号后应使用下脚点“.”，如“1.”", ".", safe=True)


_P13 = re.compile(rf"(?m)^[{_CN}]+([.．，,])")


@rule("P13", frozenset({"body"}), trigger=".．，,", numerals=True)
def chinese_ordinal(text: str) -> Iterator[Hit]:
    """GB/T 9704-2012 7.3.3 (GBT9704.md §8): the first-level number is "一、", not "一." or "一，"."""
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


# ---------------------------------------------------------------------------------------------
# Ranges (GB/T 15834-2011 4.13 连接号; GB/T 15835-2011)

_R01 = re.compile(rf"(?<![0-9*A-Za-z/\-])[0-9*]{{1,4}}\s*([-~])\s*[0-9*]{{1,4}}(?=\s*{_SEQ_UNIT})")


@rule("R01", PROSE, trigger="-~")
def time_range(text: str) -> Iterator[Hit]:
    """GB/T 15834-2011 4.13.3.2: the 起止 of times and sequences take the 一字线 "—":
    "2023—2025年", "1—10月", "第21—30条"; not "-" or "~"."""
    for m in _R01.finditer(text):
        yield Hit(m.start(1), m.end(1), "表示时间、序号的起止应使用一字线“—”", "—")


_R02_TILDE = re.compile(rf"~(?!\s*[0-9*]{{1,4}}\s*{_SEQ_UNIT})")
_R02_HYPHEN = re.compile(rf"(?<=[0-9%])\s*(-)\s*(?={_NUM}\s*(?:%|万|亿|{_UNIT}))")


@rule("R02", PROSE, trigger="-~")
def numeric_range(text: str) -> Iterator[Hit]:
    """GB/T 15834-2011 4.13.3.3: a numeric range takes the 浪纹线 "～" (full width): "15%～30%",
    "25～30万元"; not "~" or "-"."""
    if not _HAS_HAN.search(text):
        return
    seen = set()
    for m in _R02_TILDE.finditer(text):
        seen.add(m.start())
        yield Hit(m.start(), m.end(), "数值范围应使用全角浪纹线“～”", "～")
    for m in _R02_HYPHEN.finditer(text):
        if m.start(1) in seen or _R01.search(text, max(m.start(1) - 5, 0), m.end(1) + 12):
            continue
        yield Hit(m.start(1), m.end(1), "数值范围应使用浪纹线“～”", "～")


# ---------------------------------------------------------------------------------------------
# Numbers (GB/T 15835-2011)

_N01 = re.compile(r"[０-９]+(?:[．.][０-９]+)?")
_TO_ASCII = str.maketrans("０１２３４５６７８９．", "0123456789.")


@rule("N01", trigger="０１２３４５６７８９")
def full_width_digits(text: str) -> Iterator[Hit]:
    """GB/T 15835-2011 第5章 书写格式: Arabic numerals are half-width (0–9), never "０-９"."""
    for m in _N01.finditer(text):
        yield Hit(m.start(), m.end(), "阿拉伯数字应使用半角", m.group().translate(_TO_ASCII), safe=True)


@rule("N02", trigger="％")
def full_width_percent(text: str) -> Iterator[Hit]:
    """GB/T 15835-2011 第5章: the percent sign after Arabic numerals is half-width "%" ("8.7%")."""
    for m in re.finditer("％", text):
        yield Hit(m.start(), m.end(), "百分号应使用半角“%”", "%", safe=True)


_N03 = re.compile(rf"(?<![0-9.%])({_NUM})\s*([～~—-])\s*({_NUM})%")


@rule("N03", trigger="～~—-")
def percent_range(text: str) -> Iterator[Hit]:
    """GB/T 15835-2011 5.4 数值范围 (GBT9704.md §9): a percent range repeats %: "15%～30%", not "15～30%"."""
    for m in _N03.finditer(text):
        yield Hit(m.start(), m.end(), "百分数范围前后两个数都应带“%”", f"{m.group(1)}%～{m.group(3)}%")


_N04 = re.compile(rf"(?<![0-9.])({_NUM})\s*([～~—-])\s*({_NUM})((?:万|亿)(?:元|人次|人|户|亩)?)")


@rule("N04", trigger="～~—-")
def unit_range(text: str) -> Iterator[Hit]:
    """GB/T 15835-2011 5.4 数值范围 (GBT9704.md §9): "9亿元～16亿元", not "9～16亿元"."""
    for m in _N04.finditer(text):
        a, b, unit = m.group(1), m.group(3), m.group(4)
        yield Hit(m.start(), m.end(), f"数值范围前后两个数都应带“{unit}”", f"{a}{unit}～{b}{unit}")


_N05 = re.compile(rf"(?<=[0-9])[ \u00a0\t]+(?={_UNIT})")


@rule("N05", trigger=" \u00a0\t")
def space_before_unit(text: str) -> Iterator[Hit]:
    """GBT9704.md §9 N05 (practice): no space between a number and a Chinese unit or %: "700亿元"."""
    for m in _N05.finditer(text):
        yield Hit(m.start(), m.end(), "数字与单位之间不应有空格", "", safe=True)


_N06 = re.compile(r"(?<![0-9.])([0-9]{2})年(?=[0-9]{1,2}月|[底初末])")


@rule("N06", trigger="年")
def two_digit_year(text: str) -> Iterator[Hit]:
    """GB/T 15835-2011 (年份不简写): "2024年12月", not "24年12月"; "近10年" is a duration and stays."""
    for m in _N06.finditer(text):
        century = "20" if int(m.group(1)) <= 50 else "19"
        yield Hit(m.start(), m.end(), "年份应写全四位数字", f"{century}{m.group(1)}年")


_N07 = re.compile(r"(?<![0-9.])0([1-9])(?=月)|(?<=月)0([1-9])(?=日)")


@rule("N07", trigger="0")
def leading_zero_date(text: str) -> Iterator[Hit]:
    """GB/T 9704-2012 7.3.5.4 (GBT9704.md §9): months and days without a leading zero: "1月5日"."""
    for m in _N07.finditer(text):
        yield Hit(m.start(), m.end(), "月、日前不加“0”", m.group(1) or m.group(2))


_CN_VALUE = dict(zip("〇零一二三四五六七八九", (0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))


def cn_to_arabic(cn: str) -> str | None:
    """Spelled-out numbers up to 九百九十九 with an optional 点 part: "八点七" -> "8.7", else None."""
    whole, _, frac = cn.partition("点")
    total, current = 0, 0
    for ch in whole:
        if ch in _CN_VALUE:
            current = _CN_VALUE[ch]
        elif ch in "十百":
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
        else:
            return None
    total += current
    if any(ch not in _CN_VALUE for ch in frac):
        return None
    digits = "".join(str(_CN_VALUE[ch]) for ch in frac)
    return f"{total}.{digits}" if digits else str(total)


_N08 = re.compile("百分之([零〇一二三四五六七八九十百点]+)")


@rule("N08", numerals=True, trigger="百")
def spelled_percent(text: str) -> Iterator[Hit]:
    """GB/T 15835-2011 4.1.1: measured quantities take Arabic numerals: "8.7%", not "百分之八点七"."""
    for m in _N08.finditer(text):
        value = cn_to_arabic(m.group(1))
        if m.group(1) == "百" or value is None:
            continue
        yield Hit(m.start(), m.end(), "统计数据应使用阿拉伯数字", f"{value}%")


_N09 = re.compile(rf"([〇零一二三四五六七八九]{{4}})年(?:([{_CN}]{{1,2}})月(?:([{_CN}]{{1,3}})日)?)?")


@rule("N09", numerals=True, trigger="〇零")
def chinese_date(text: str) -> Iterator[Hit]:
    """GB/T 9704-2012 7.3.5.1 (成文日期用阿拉伯数字) and GB/T 15835-2011 4.1: "2024年12月20日"."""
    for m in _N09.finditer(text):
        year = "".join(str(_CN_VALUE[ch]) for ch in m.group(1))
        fix = f"{year}年"
        for part, unit in ((m.group(2), "月"), (m.group(3), "日")):
            if part:
                fix += f"{cn_to_arabic(part)}{unit}"
        yield Hit(m.start(), m.end(), "日期应使用阿拉伯数字", fix)


_N10 = re.compile(rf"(?<![0-9.，])[0-9]{{1,3}}(?:，[0-9]{{3}})+(?![0-9，])(?=\s*(?:万|亿|{_UNIT}))")


@rule("N10", trigger="，")
def full_width_comma_in_number(text: str) -> Iterator[Hit]:
    """GB/T 15835-2011 5.2 多位数: a number holds no full-width comma ("1，234" is a typo)."""
    for m in _N10.finditer(text):
        yield Hit(m.start(), m.end(), "数字中不应有全角逗号", m.group().replace("，", ""))


_N13 = re.compile(
    rf"(?:比重|占比|增速|增幅|比例)[^，。；：、0-9]{{0,8}}?(?:提高|下降|上升|降低|增加|减少|回落|提升)了?\s*({_NUM})%"
)


@rule("N13", trigger="%")
def percentage_points(text: str) -> Iterator[Hit]:
    """GB/T 15835-2011 (practice, GBT9704.md §9 N13): a change of a ratio is in 个百分点, not %."""
    for m in _N13.finditer(text):
        yield Hit(m.start(1), m.end(), "比重、增速等比率的变化应使用“个百分点”", f"{m.group(1)}个百分点")


_N14 = re.compile(rf"(增长|增加|提高|上升|下降|减少|降低|回落|同比)了?\s*[-－−]\s*({_NUM}%?)")
_OPPOSITE = {"增长": "下降", "增加": "减少", "提高": "降低", "上升": "下降", "下降": "增长"}
_OPPOSITE |= {"减少": "增加", "降低": "提高", "回落": "上升", "同比": "同比下降"}


@rule("N14", trigger="-－−")
def signed_change(text: str) -> Iterator[Hit]:
    """GBT9704.md §9 (practice): a change is worded, not signed: "下降3%", not "增长-3%"."""
    for m in _N14.finditer(text):
        yield Hit(m.start(), m.end(), "增减应以文字表述，不用负号", f"{_OPPOSITE[m.group(1)]}{m.group(2)}")


# ---------------------------------------------------------------------------------------------
# Spacing

_S01 = re.compile(rf"(?<=[{HAN}{CJK_PUNCT}])[ \u00a0\t]+(?=[{HAN}{CJK_PUNCT}])")


@rule("S01", PROSE, trigger=" \u00a0\t")
def space_between_han(text: str) -> Iterator[Hit]:
    """GBT9704.md §9 S01 (GB/T 15834-2011 第5章): no space between Chinese characters or marks."""
    for m in _S01.finditer(text):
        yield Hit(m.start(), m.end(), "汉字之间不应有空格", "", safe=True)


@rule("S02", trigger="\u3000")
def ideographic_space(text: str) -> Iterator[Hit]:
    """GBT9704.md §9 S02 (GB/T 9704-2012 D18): no U+3000 for indentation or alignment; the layout
    indents paragraphs."""
    for m in re.finditer("\u3000+", text):
        yield Hit(m.start(), m.end(), "不应使用全角空格缩进或对齐，段首缩进由排版自动处理", "")


# ---------------------------------------------------------------------------------------------
# Structure inside one text

_ORDINAL = re.compile(rf"(?:^|(?<=[。；：！？，\n]))([{_CN}]{{1,3}})是(?!否)", re.M)


@rule("O01", frozenset({"body", "point"}), trigger="是")
def point_sequence(text: str) -> Iterator[Hit]:
    """GBT9704.md §9 O01: "一是、二是、三是…" inside a paragraph run from 一 without a gap.

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
    rf"^\s*(?:第[{_CN}百]+[章节部分]|[{_CN}百]+[、.．，,]|[（(][{_CN}0-9]+[）)][、.．]?|[0-9]{{1,2}}[、.．](?![0-9])|[①-⑳])\s*"
)
_TYPED_POINT = re.compile(rf"^\s*[{_CN}]{{1,3}}是[，、：:]?")


@rule("H01", frozenset({"heading", "point"}))
def typed_heading_number(text: str) -> Iterator[Hit]:
    """GB/T 9704-2012 7.3.3 (GBT9704.md §9 H01): heading and point numbers are computed by the
    system, so a number typed at the start of a heading or point doubles it ("一、一、…")."""
    m = _TYPED_NUMBER.match(text) or _TYPED_POINT.match(text)
    if m and m.group().strip():
        yield Hit(m.start(), m.end(), f"序号由系统自动编排，请删除手工输入的“{m.group().strip()}”", "")


_title_lines = lru_cache(maxsize=64)(split_title)  # a few ms for a long title; autosave repeats it


@rule("T01", frozenset({"title"}))
def title_form(text: str) -> Iterator[Hit]:
    """GB/T 9704-2012 7.2.4 (GBT9704.md §9 T01): a title has no end punctuation and fits 3 lines of
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
    """GB/T 9704-2012 7.2.5 (GBT9704.md §9 T02): the year of a document number is in 六角括号
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
