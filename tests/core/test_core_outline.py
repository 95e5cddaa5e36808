"""The pure outline, file names and year range (reports/core/outline.py, filenames.py, years.py):
plain data in, plain data out, no database."""

from __future__ import annotations

from dataclasses import dataclass

from reports.core.filenames import masked_file_name, report_file_name, report_subtitle
from reports.core.numbering import numbering_for
from reports.core.outline import block_dict, body_chars, build_tree, node_dict, section_stats
from reports.core.years import YEAR_MAX, YEAR_MIN, year_in_range


@dataclass
class B:
    """A block as the core reads it (the model's attributes, nothing else)."""

    id: int
    parent_id: int | None
    type: str
    title: str = ""
    text: str = ""
    run_in: bool = False
    inline: bool = False
    target_chars: int = 0

    @property
    def pk(self) -> int:
        return self.id


BLOCKS = [
    B(1, None, "heading", "主要工作", target_chars=10),
    B(2, 1, "point", "坚定政治立场", "认真学习。"),
    B(3, 1, "point", "狠抓收入", "收入增长。"),
    B(4, 1, "heading", "预算管理"),
    B(5, 4, "paragraph", text="严格执行预算。", inline=True),
    B(6, None, "heading", "下一步打算", "一段导语", run_in=True),
]


def test_it_numbers_the_tree_by_level_and_type():
    tree = build_tree(BLOCKS, numbering_for(None))
    assert [n.number for n in tree] == ["一、", "二、"]
    assert [n.number for n in tree[0].children] == ["一是", "二是", "（一）"]
    assert tree[0].children[2].children[0].level == 3


def test_it_counts_body_text_not_heading_titles():
    tree = build_tree(BLOCKS, numbering_for(None))
    # points: lead + text; paragraph: text; headings: their run-in text only
    assert tree[0].chars == (6 + 5) + (4 + 5) + 7
    assert tree[1].chars == 4
    assert body_chars("导语", tree, "结尾") == 2 + tree[0].chars + 4 + 2
    stats = section_stats(tree)
    assert [(s.chars, s.target, s.over, s.under) for s in stats] == [
        (27, 10, True, False),
        (4, 0, False, False),
    ]


def test_a_block_becomes_the_snapshot_dict_once():
    tree = build_tree(BLOCKS, numbering_for(None))
    first = node_dict(tree[0])
    assert first["children"][0] == {
        "id": 2,
        "type": "point",
        "lead": "坚定政治立场",
        "text": "认真学习。",
        "inline": False,
    }
    assert first["children"][2]["children"] == [
        {"id": 5, "type": "paragraph", "text": "严格执行预算。", "inline": True}
    ]
    assert block_dict(BLOCKS[5]) == {
        "id": 6,
        "type": "heading",
        "title": "下一步打算",
        "text": "一段导语",
        "run_in": True,
        "inline": False,
        "children": [],
    }


def test_file_names_drop_what_windows_refuses_and_masks_the_copy():
    definition = {"signature": "subtitle", "subtitle": "（{subject}）"}
    subtitle = report_subtitle(definition, "局长 王建国")
    assert subtitle == "（局长 王建国）" and report_subtitle({}, "王建国") == ""
    assert report_file_name('2024年度"述职"报告', subtitle) == "2024年度述职报告（局长 王建国）.docx"
    assert report_file_name("///", "") == "报告.docx"
    masked = masked_file_name("2024年收入186.4亿元.docx", {"keep_years": [2024]})
    assert masked.endswith("（脱敏稿）.docx") and "186.4" not in masked and "2024" in masked


def test_one_year_range():
    assert (YEAR_MIN, YEAR_MAX) == (2000, 2100)
    assert year_in_range(2000) and year_in_range(2100)
    assert not year_in_range(1999) and not year_in_range(2101) and not year_in_range(None)
