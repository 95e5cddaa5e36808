"""The data the proofreading rules read: one table of punctuation pairs, one of units, the bracket
pairs of the stack check and the fixed expressions that keep Chinese numerals.

Change a rule's vocabulary here, not in rules.py.
"""

from __future__ import annotations

from ..numbering import cn_int
from ..quantities import UNITS
from ..text import _HAN

# Han characters: the same ranges as reports.core.text (CJK ext. A, unified, compatibility).
HAN = _HAN.pattern[1:-1]

# Half-width punctuation -> its full-width form in Chinese text (GB/T 15834-2011 第5章 书写位置:
# 标点符号占一个字的位置). A quote maps to its (opening, closing) pair, paired by position.
PUNCT_PAIRS: dict[str, str] = {
    ",": "，",
    ".": "。",
    ";": "；",
    ":": "：",
    "?": "？",
    "!": "！",
    "(": "（",
    ")": "）",
    '"': "“”",
    "'": "‘’",
}

# Full-width punctuation that may stand next to a Han character without a space (S01 treats it as Han).
CJK_PUNCT = "，。；：？！、“”‘’（）《》【】〔〕…—"

# Units a number may carry: the metric units of the product (reports.core.quantities.UNITS), longest
# first so "亿元" wins over "元", plus the calendar units a number is also written against.
UNIT_WORDS: tuple[str, ...] = tuple(sorted({*UNITS, "年", "月", "日"}, key=len, reverse=True))

# Units after which a range is a time or sequence range (一字线 "—", GB/T 15834-2011 4.13.3.2);
# after any other unit a range is numeric (浪纹线 "～").
SEQUENCE_UNITS: tuple[str, ...] = ("季度", "年", "月", "日", "号", "条", "款", "期", "届")

# The stack check: opening -> (closing, rule id, name).
BRACKETS: dict[str, tuple[str, str, str]] = {
    "“": ("”", "Q01", "双引号"),
    "‘": ("’", "Q02", "单引号"),
    "《": ("》", "Q03", "书名号"),
    "（": ("）", "Q04", "括号"),
    "【": ("】", "Q05", "方头括号"),
}

# Fixed expressions written with Chinese numerals (GB/T 15835-2011 4.2: 已定型的含汉字数字的词语).
# The numeral rules (N08, N09, O01, P13) never flag inside them.
FIXED_EXPRESSIONS: tuple[str, ...] = (
    "十四五", "十五五", "十三五", "二十大", "十九大", "二十届", "十九届", "三中全会", "四中全会",
    "三公经费", "一季度", "二季度", "三季度", "四季度", "一岗双责", "三重一大", "两个确立", "两个维护",
    "四个意识", "四个自信", "三会一课", "一带一路", "一对一", "百分之百", "一体化", "第一责任人",
)  # fmt: skip

# Chinese numerals: 一..九十九 -> int, for ordinal sequences (一是, 二是) and spelled-out numbers.
CN_DIGITS = "〇零一二三四五六七八九"
CN_ORDINALS: dict[str, int] = {cn_int(n): n for n in range(1, 100)}
