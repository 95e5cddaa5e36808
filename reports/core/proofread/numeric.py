"""Range rules R01–R02 (GB/T 15834-2011 4.13) and number rules N01–N14 (GB/T 15835-2011)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .findings import Hit
from .rules import (
    CN_NUMERALS,
    HAS_HAN,
    NUM,
    PROSE,
    SEQ_UNIT_RE,
    UNIT_RE,
    rule,
)

_R01 = re.compile(rf"(?<![0-9*A-Za-z/\-])[0-9*]{{1,4}}\s*([-~])\s*[0-9*]{{1,4}}(?=\s*{SEQ_UNIT_RE})")


@rule("R01", PROSE, trigger="-~")
def time_range(text: str) -> Iterator[Hit]:
    """GB/T 15834-2011 4.13.3.2: the 起止 of times and sequences take the 一字线 "—":
    "2023—2025年", "1—10月", "第21—30条"; not "-" or "~"."""
    for m in _R01.finditer(text):
        yield Hit(m.start(1), m.end(1), "表示时间、序号的起止应使用一字线“—”", "—")


_R02_TILDE = re.compile(rf"~(?!\s*[0-9*]{{1,4}}\s*{SEQ_UNIT_RE})")
_R02_HYPHEN = re.compile(rf"(?<=[0-9%])\s*(-)\s*(?={NUM}\s*(?:%|万|亿|{UNIT_RE}))")


@rule("R02", PROSE, trigger="-~")
def numeric_range(text: str) -> Iterator[Hit]:
    """GB/T 15834-2011 4.13.3.3: a numeric range takes the 浪纹线 "～" (full width): "15%～30%",
    "25～30万元"; not "~" or "-"."""
    if not HAS_HAN.search(text):
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


_N03 = re.compile(rf"(?<![0-9.%])({NUM})\s*([～~—-])\s*({NUM})%")


@rule("N03", trigger="～~—-")
def percent_range(text: str) -> Iterator[Hit]:
    """GB/T 15835-2011 5.4 数值范围 (docs/proofreading.md): a percent range repeats %: "15%～30%", not "15～30%"."""
    for m in _N03.finditer(text):
        yield Hit(m.start(), m.end(), "百分数范围前后两个数都应带“%”", f"{m.group(1)}%～{m.group(3)}%")


_N04 = re.compile(rf"(?<![0-9.])({NUM})\s*([～~—-])\s*({NUM})((?:万|亿)(?:元|人次|人|户|亩)?)")


@rule("N04", trigger="～~—-")
def unit_range(text: str) -> Iterator[Hit]:
    """GB/T 15835-2011 5.4 数值范围 (docs/proofreading.md): "9亿元～16亿元", not "9～16亿元"."""
    for m in _N04.finditer(text):
        a, b, unit = m.group(1), m.group(3), m.group(4)
        yield Hit(m.start(), m.end(), f"数值范围前后两个数都应带“{unit}”", f"{a}{unit}～{b}{unit}")


_N05 = re.compile(rf"(?<=[0-9])[ \u00a0\t]+(?={UNIT_RE})")


@rule("N05", trigger=" \u00a0\t")
def space_before_unit(text: str) -> Iterator[Hit]:
    """docs/proofreading.md N05 (practice): no space between a number and a Chinese unit or %: "700亿元"."""
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
    """GB/T 9704-2012 7.3.5.4 (docs/proofreading.md): months and days without a leading zero: "1月5日"."""
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


_N09 = re.compile(
    rf"([〇零一二三四五六七八九]{{4}})年(?:([{CN_NUMERALS}]{{1,2}})月(?:([{CN_NUMERALS}]{{1,3}})日)?)?"
)


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


_N10 = re.compile(rf"(?<![0-9.，])[0-9]{{1,3}}(?:，[0-9]{{3}})+(?![0-9，])(?=\s*(?:万|亿|{UNIT_RE}))")


@rule("N10", trigger="，")
def full_width_comma_in_number(text: str) -> Iterator[Hit]:
    """GB/T 15835-2011 5.2 多位数: a number holds no full-width comma ("1，234" is a typo)."""
    for m in _N10.finditer(text):
        yield Hit(m.start(), m.end(), "数字中不应有全角逗号", m.group().replace("，", ""))


_N13 = re.compile(
    rf"(?:比重|占比|增速|增幅|比例)[^，。；：、0-9]{{0,8}}?(?:提高|下降|上升|降低|增加|减少|回落|提升)了?\s*({NUM})%"
)


@rule("N13", trigger="%")
def percentage_points(text: str) -> Iterator[Hit]:
    """GB/T 15835-2011 (practice, docs/proofreading.md N13): a change of a ratio is in 个百分点, not %."""
    for m in _N13.finditer(text):
        yield Hit(m.start(1), m.end(), "比重、增速等比率的变化应使用“个百分点”", f"{m.group(1)}个百分点")


_N14 = re.compile(rf"(增长|增加|提高|上升|下降|减少|降低|回落|同比)了?\s*[-－−]\s*({NUM}%?)")
_OPPOSITE = {"增长": "下降", "增加": "减少", "提高": "降低", "上升": "下降", "下降": "增长"}
_OPPOSITE |= {"减少": "增加", "降低": "提高", "回落": "上升", "同比": "同比下降"}


@rule("N14", trigger="-－−")
def signed_change(text: str) -> Iterator[Hit]:
    """docs/proofreading.md (practice): a change is worded, not signed: "下降3%", not "增长-3%"."""
    for m in _N14.finditer(text):
        yield Hit(m.start(), m.end(), "增减应以文字表述，不用负号", f"{_OPPOSITE[m.group(1)]}{m.group(2)}")
