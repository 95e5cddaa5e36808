"""Chinese numbering (docs/layout.md §4) and title splitting (§4, D19). Pure functions, no database."""

from __future__ import annotations

import re

import pytest

from reports.core.numbering import DEFAULT_NUMBERING, cn_int, format_number, number_blocks
from reports.core.text import display_width
from reports.core.title import MAX_TITLE_WIDTH, split_title

UNITS = "一二三四五六七八九"

# Every value 1..99 written out by the rule of §8: 十 alone for 10, 十X for 11–19, X十 and X十Y above.
EXPECTED_1_TO_99 = {
    **{n: UNITS[n - 1] for n in range(1, 10)},
    10: "十",
    **{10 + n: "十" + UNITS[n - 1] for n in range(1, 10)},
    **{10 * t: UNITS[t - 1] + "十" for t in range(2, 10)},
    **{10 * t + n: UNITS[t - 1] + "十" + UNITS[n - 1] for t in range(2, 10) for n in range(1, 10)},
}


def test_the_expected_table_covers_1_to_99():
    assert sorted(EXPECTED_1_TO_99) == list(range(1, 100))


@pytest.mark.parametrize(("n", "expected"), sorted(EXPECTED_1_TO_99.items()))
def test_cn_int_writes_1_to_99(n, expected):
    assert cn_int(n) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "一"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"), (21, "二十一"), (99, "九十九"),
     (100, "一百"), (101, "一百零一"), (110, "一百一十"), (1001, "一千零一"), (1010, "一千零一十"),
     (2024, "二千零二十四"), (9999, "九千九百九十九")],
)  # fmt: skip
def test_cn_int_matches_the_spec_examples(n, expected):
    assert cn_int(n) == expected


@pytest.mark.parametrize("n", [0, -1, 10000])
def test_cn_int_rejects_values_out_of_range(n):
    with pytest.raises(ValueError):
        cn_int(n)


@pytest.mark.parametrize(
    ("level", "n", "expected"),
    [("1", 1, "一、"), ("1", 12, "十二、"), ("2", 1, "（一）"), ("2", 10, "（十）"), ("3", 1, "1."),
     ("3", 12, "12."), ("4", 3, "（3）"), ("point", 1, "一是"), ("point", 11, "十一是")],
)  # fmt: skip
def test_default_numbering_formats_each_level(level, n, expected):
    assert format_number(DEFAULT_NUMBERING[level], n) == expected


def test_default_numbering_uses_the_exact_punctuation():
    assert format_number(DEFAULT_NUMBERING["1"], 1)[-1] == "\u3001"  # 顿号
    h2 = format_number(DEFAULT_NUMBERING["2"], 1)
    assert (h2[0], h2[-1]) == ("\uff08", "\uff09")  # full-width parentheses, nothing after them
    assert format_number(DEFAULT_NUMBERING["3"], 1) == "1\u002e"  # ASCII digit + ASCII full stop
    h4 = format_number(DEFAULT_NUMBERING["4"], 1)
    assert h4 == "\uff081\uff09"


def test_number_blocks_restarts_under_each_parent_and_counts_points_separately():
    tree = [
        {"type": "heading", "title": "A", "children": [
            {"type": "heading", "title": "A1"},
            {"type": "point", "lead": "p"},
            {"type": "heading", "title": "A2", "children": [{"type": "heading", "title": "A2a"}]},
            {"type": "point", "lead": "q"},
            {"type": "paragraph", "text": "x"},
        ]},
        {"type": "heading", "title": "B", "children": [{"type": "heading", "title": "B1"}]},
    ]  # fmt: skip
    out = number_blocks(tree, DEFAULT_NUMBERING)
    a, b = out
    assert (a["number"], b["number"]) == ("一、", "二、")
    assert [c["number"] for c in a["children"]] == ["（一）", "一是", "（二）", "二是", ""]
    assert a["children"][2]["children"][0]["number"] == "1."
    assert b["children"][0]["number"] == "（一）"
    assert [c["level"] for c in (a, a["children"][0], a["children"][2]["children"][0])] == [1, 2, 3]
    assert "number" not in tree[0]  # the input is not modified


TITLES = [
    "2025年度述职报告",
    "示范市财政局2025年度工作总结",
    "某某市财政局2023年度工作总结和2024年工作计划的报告",
    "关于某某市2024年度预算执行情况和2025年预算草案的报告",
    "关于贯彻落实《中华人民共和国预算法实施条例》加强财政管理工作情况的报告",
    "中共某某市财政局党组关于2024年度抓基层党建工作和履行全面从严治党主体责任情况的述职报告",
]


@pytest.mark.parametrize("title", TITLES)
def test_split_title_keeps_every_line_within_20_chars_and_loses_nothing(title):
    lines = split_title(title)
    assert "".join(lines) == title
    assert all(display_width(line) <= MAX_TITLE_WIDTH for line in lines), lines
    assert len(lines) <= 3
    if display_width(title) <= MAX_TITLE_WIDTH:
        assert lines == [title]


@pytest.mark.parametrize("title", TITLES)
def test_split_title_never_breaks_a_book_title_or_a_number(title):
    lines = split_title(title)
    for line in lines:
        assert line.count("《") == line.count("》")
    for a, b in zip(lines, lines[1:], strict=False):
        assert not (a[-1].isdigit() and b[0].isdigit()), (a, b)
        assert not re.match(r"[，、。；：）》”]", b), b


def test_split_title_returns_nothing_for_an_empty_title():
    assert split_title("") == []
    assert split_title("   ") == []


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        (
            "某某市2023年预算执行情况和2024年预算草案的报告",
            ["某某市2023年预算执行情况和", "2024年预算草案的报告"],
        ),
        (
            "关于2024年度全面从严治党主体责任落实情况的报告",
            ["关于2024年度全面从严治党", "主体责任落实情况的报告"],
        ),
        (
            "某某市财政局关于《预算法实施条例》贯彻落实情况的报告",
            ["某某市财政局关于《预算法实施条例》", "贯彻落实情况的报告"],
        ),
    ],
)
def test_split_title_breaks_between_words_longer_line_first(title, lines):
    assert split_title(title) == lines


def test_empty_block_warnings_name_each_place_by_its_numbers():
    """Pure: an empty point (no lead, no text) or paragraph is named by the numbers above it,
    with the kind's numbering; a lead alone, or a heading's empty title, is not "empty"."""
    from reports.core.document import empty_block_warnings

    def point(lead="", text=""):
        return {"type": "point", "lead": lead, "text": text}

    snapshot = {
        "numbering": {"point": "{cn}要"},
        "blocks": [
            {"type": "paragraph", "text": " "},
            {"type": "heading", "title": "", "text": "", "children": [point("引语")]},
            {
                "type": "heading",
                "title": "二",
                "text": "",
                "children": [
                    point(text="有"),
                    point(),
                    {
                        "type": "heading",
                        "title": "小",
                        "children": [{"type": "paragraph", "text": "有"}, point()],
                    },
                ],
            },
        ],
    }
    assert empty_block_warnings(snapshot) == [
        "第1段：内容为空",
        "二、二要：内容为空",
        "二、（一）一要：内容为空",
    ]
