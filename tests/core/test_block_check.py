"""reports.core.block_check: the check panel of one block, without the database. The same items as
the whole-report check (core.metrics.resolve_snapshot, document.empty_block_warnings), named by
the block's place."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from reports.core.block_check import check_block, check_fields, node_labels, sibling_label
from reports.core.document import empty_block_warnings
from reports.core.metrics import MetricValue
from reports.core.numbering import DEFAULT_NUMBERING
from reports.core.outline import build_tree, node_dict
from reports.core.similarity import Passage, ShingleIndex

METRICS = {"收入": MetricValue(name="收入", value=Decimal("186.4"), unit="亿元", decimals=1)}


def _block(pk, parent, kind, title="", text=""):
    return SimpleNamespace(
        id=pk, pk=pk, parent_id=parent, type=kind, title=title, text=text, run_in=False, inline=False
    )


def _tree():
    blocks = [
        _block(1, None, "heading", "甲"),
        _block(2, 1, "point", "", ""),
        _block(3, 1, "paragraph"),
        _block(4, 1, "heading", "乙"),
        _block(5, 4, "paragraph", text="有字"),
        _block(6, 4, "paragraph"),
        _block(7, None, "heading", "丙"),
        _block(8, 7, "point", "领句"),
    ]
    return build_tree(blocks, DEFAULT_NUMBERING)


def test_labels_name_each_place_as_the_empty_block_warnings_do():
    tree = _tree()
    labels = node_labels(tree)
    assert labels == {
        1: "一、", 2: "一、一是", 3: "一、第1段", 4: "一、（一）", 5: "一、（一）第1段", 6: "一、（一）第2段",
        7: "二、", 8: "二、一是",
    }  # fmt: skip
    warnings = empty_block_warnings({"blocks": [node_dict(n) for n in tree]})
    assert warnings == [f"{labels[pk]}：内容为空" for pk in (2, 3, 6)]


def test_a_sibling_label_counts_points_and_paragraphs_apart():
    types = ["paragraph", "point", "paragraph", "point"]
    assert [sibling_label("三、", types, i, 2, DEFAULT_NUMBERING) for i in range(4)] == [
        "三、第1段", "三、一是", "三、第2段", "三、二是",
    ]  # fmt: skip


def test_it_names_the_block_in_each_message():
    block = {
        "id": 9,
        "type": "point",
        "lead": "抓收入",
        "text": "收入{{收入}}亿元，{{支出}}，增长8.5%。2023年12月完成。",
    }
    check = check_block(block, label="二、一是", metrics=METRICS, year=2025)
    assert check.block_id == 9 and check.key == "9"
    assert [e.split("：")[0] for e in check.errors] == ["二、一是"] and "支出" in check.errors[0]
    assert any("2023年" in w for w in check.warnings)
    assert [h.text for h in check.hand_numbers] == ["8.5%", "12"]
    assert check and check.copied is None


def test_an_empty_block_is_one_warning_and_a_written_one_none():
    empty = check_block({"id": 1, "type": "paragraph", "text": " "}, label="第1段", metrics={}, year=2025)
    assert empty.warnings == ["第1段：内容为空"] and not empty.errors
    written = check_block(
        {"id": 1, "type": "paragraph", "text": "写好了。"}, label="第1段", metrics={}, year=2025
    )
    assert not written
    heading = check_block(
        {"id": 2, "type": "heading", "title": "", "text": ""}, label="一、", metrics={}, year=2025
    )
    assert not heading  # a heading without text is not an empty block


def test_a_paragraph_like_last_years_is_flagged_unless_it_stands_at_the_top():
    text = "全年一般公共预算收入完成预算的百分之一百零一，税收收入占比稳步提高。"
    index = ShingleIndex([Passage(5, "paragraph", "一、第1段", "一、", "", text)])
    block = {"id": 3, "type": "paragraph", "text": text}
    under = check_block(block, label="二、第1段", metrics={}, year=2025, last_year=index)
    assert (
        under.copied is not None and under.copied.source.path == "一、第1段" and under.copied.percent == 100
    )
    top = check_block(block, label="第1段", metrics={}, year=2025, top_level=True, last_year=index)
    assert top.copied is None


def test_the_report_fields_are_checked_as_one_place():
    fields = {
        "title": "2025年度述职报告",
        "opening": "收入{{收入}}亿元，{{没有}}。",
        "closing": "",
        "date": "",
    }
    check = check_fields(fields, metrics=METRICS, year=2025)
    assert check.key == "report" and len(check.errors) == 1 and "没有" in check.errors[0]
