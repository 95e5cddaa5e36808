"""Character-level comparison of two report snapshots (reports.core.diff). Pure functions, no database."""

from __future__ import annotations

import copy
import random
import time

from diff_match_patch import diff_match_patch
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.core.diff import RowDiff, Segment, diff_snapshots, diff_text, summary


def old_side(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments if s.op != "insert")


def new_side(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments if s.op != "delete")


def snapshot(blocks, **fields):
    return {
        "title": "2023年度工作总结",
        "subtitle": "",
        "kind": "summary",
        "opening": "今年以来，我局坚持稳中求进工作总基调。",
        "blocks": blocks,
        "closing": "下一步，我们将继续努力。",
        "signature": "某某市财政局",
        "date": "2023年12月20日",
        **fields,
    }


def heading(id_, title, children=(), *, text="", run_in=False):
    block = {"type": "heading", "title": title, "text": text, "run_in": run_in, "inline": False,
             "children": list(children)}  # fmt: skip
    if id_ is not None:
        block["id"] = id_
    return block


def point(id_, lead, text=""):
    block = {"type": "point", "lead": lead, "text": text, "inline": False}
    if id_ is not None:
        block["id"] = id_
    return block


def para(id_, text):
    block = {"type": "paragraph", "text": text, "inline": False}
    if id_ is not None:
        block["id"] = id_
    return block


def base_blocks():
    return [
        heading(1, "主要工作", [
            point(11, "强化预算管理", "全年一般公共预算收入同比增长6.2%。"),
            point(12, "推进绩效改革", "实现绩效目标全覆盖。"),
            para(13, "以上工作取得明显成效。"),
        ]),
        heading(2, "存在问题", [
            point(21, "收支矛盾突出"),
        ]),
    ]  # fmt: skip


def rows_by_key(rows: list[RowDiff]) -> dict[str, RowDiff]:
    return {row.key: row for row in rows}


# --- diff_text ------------------------------------------------------------------------------------


def test_replace_inside_a_sentence_is_delete_then_insert():
    assert diff_text("同比增长6.2%", "同比增长7.5%") == [
        Segment("equal", "同比增长"),
        Segment("delete", "6.2"),
        Segment("insert", "7.5"),
        Segment("equal", "%"),
    ]


def test_insert_and_delete_inside_chinese_text():
    assert diff_text("加强预算管理", "全面加强预算绩效管理") == [
        Segment("insert", "全面"),
        Segment("equal", "加强预算"),
        Segment("insert", "绩效"),
        Segment("equal", "管理"),
    ]
    assert diff_text("全面加强预算管理工作", "加强预算管理") == [
        Segment("delete", "全面"),
        Segment("equal", "加强预算管理"),
        Segment("delete", "工作"),
    ]


def test_identical_and_empty_texts():
    assert diff_text("", "") == []
    assert diff_text("不变", "不变") == [Segment("equal", "不变")]
    assert diff_text("", "新增") == [Segment("insert", "新增")]
    assert diff_text("删除", "") == [Segment("delete", "删除")]


def test_segments_are_merged_and_never_empty():
    segments = diff_text("一二三四五六七八九十", "一二X四五Y七八Z十")
    assert all(s.text for s in segments)
    assert all(a.op != b.op for a, b in zip(segments, segments[1:], strict=False))
    assert old_side(segments) == "一二三四五六七八九十"
    assert new_side(segments) == "一二X四五Y七八Z十"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_segments_rebuild_both_texts(old, new):
    segments = diff_text(old, new)
    assert old_side(segments) == old
    assert new_side(segments) == new
    assert all(s.text and s.op in ("equal", "insert", "delete") for s in segments)
    assert all(a.op != b.op for a, b in zip(segments, segments[1:], strict=False))
    # A replacement is always delete then insert.
    assert all(
        not (a.op == "insert" and b.op == "delete") for a, b in zip(segments, segments[1:], strict=False)
    )


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="ab。", max_size=400), st.text(alphabet="ab。", max_size=400))
def test_segments_rebuild_both_texts_over_a_tiny_alphabet(old, new):
    segments = diff_text(old, new)
    assert old_side(segments) == old
    assert new_side(segments) == new


def _long_paragraph(rng: random.Random, n: int) -> str:
    common = (
        "的是在了和有我们工作推进加强完善建设财政预算管理资金绩效改革落实全面深化制度体系监督服务发展保障"
    )
    rare = [chr(0x4E00 + rng.randrange(3000)) for _ in range(400)]
    return "".join(rng.choice(common) if rng.random() < 0.6 else rng.choice(rare) for _ in range(n))


def test_a_5000_character_paragraph_is_fast():
    rng = random.Random(7)
    old = _long_paragraph(rng, 5000)
    chars = list(old)
    for _ in range(100):
        i = rng.randrange(len(chars))
        chars[i : i + rng.randrange(1, 8)] = _long_paragraph(rng, rng.randrange(8))
    edited = "".join(chars)
    for new in (
        edited,
        _long_paragraph(rng, 5000),
        "啊" * 5000,
        "".join(rng.choice("ab") for _ in range(5000)),
    ):
        start = time.perf_counter()
        segments = diff_text(old, new)
        assert time.perf_counter() - start < 1.0
        assert old_side(segments) == old
        assert new_side(segments) == new
    # Over a tiny alphabet the character work is capped, yet both texts still rebuild quickly.
    a = "".join(rng.choice("ab") for _ in range(5000))
    b = a[:2000] + "ba" + a[2100:]
    start = time.perf_counter()
    segments = diff_text(a, b)
    assert time.perf_counter() - start < 1.0
    assert (old_side(segments), new_side(segments)) == (a, b)
    assert segments[0] == Segment("equal", a[:2000])


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="预算管理绩效收入增长，。6.2%", max_size=60),
    st.text(alphabet="预算管理绩效收入增长，。7.5%", max_size=60),
)
def test_it_is_diff_match_patchs_semantic_diff(old, new):
    # Within the work budget the segments are exactly the library's (no home-made variant).
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    expected = dmp.diff_main(old, new, False)
    dmp.diff_cleanupSemantic(expected)
    ops = {0: "equal", 1: "insert", -1: "delete"}
    assert diff_text(old, new) == [Segment(ops[op], text) for op, text in expected]


def test_a_long_paragraph_edited_at_both_ends_is_compared_sentence_by_sentence():
    sentences = [f"第{n}项工作全年一般公共预算收入同比增长6.2%，完成年初预算的百分之百。" for n in range(80)]
    old = "".join(sentences)
    new = old.replace("第0项工作", "第0项重点工作").replace(
        "第79项工作全年一般公共预算收入同比增长6.2%", "第79项工作全年一般公共预算收入同比增长7.5%"
    )
    assert len(old) > 2500  # far over what one character-level diff may take
    start = time.perf_counter()
    segments = diff_text(old, new)
    assert time.perf_counter() - start < 1.0
    assert [s for s in segments if s.op != "equal"] == [
        Segment("insert", "重点"),
        Segment("delete", "6.2"),
        Segment("insert", "7.5"),
    ]
    assert (old_side(segments), new_side(segments)) == (old, new)


# --- diff_snapshots -------------------------------------------------------------------------------


def test_identical_snapshots_are_all_same():
    rows = diff_snapshots(snapshot(base_blocks()), snapshot(base_blocks()))
    assert [r.key for r in rows] == [
        "title", "opening", "block:1", "block:11", "block:12", "block:13", "block:2", "block:21",
        "closing", "signature", "date",
    ]  # fmt: skip
    assert {r.status for r in rows} == {"same"}
    assert not any(r.changed for r in rows)
    by_key = rows_by_key(rows)
    assert [by_key[k].label for k in ("title", "opening", "block:1", "block:11", "block:13", "block:2")] == [
        "标题", "导语", "一、", "一是", "段落", "二、",
    ]  # fmt: skip
    assert (by_key["block:12"].old_number, by_key["block:12"].new_number) == ("二是", "二是")
    assert summary(rows) == {"same": 11, "changed": 0, "added": 0, "removed": 0, "moved": 0}


def test_a_changed_figure_in_a_point():
    new = copy.deepcopy(base_blocks())
    new[0]["children"][0]["text"] = "全年一般公共预算收入同比增长7.5%。"
    row = rows_by_key(diff_snapshots(snapshot(base_blocks()), snapshot(new)))["block:11"]
    assert (row.status, row.changed, row.label) == ("changed", True, "一是")
    # A point compares as printed, lead + 。 + text, without its number.
    assert row.segments == [
        Segment("equal", "强化预算管理。全年一般公共预算收入同比增长"),
        Segment("delete", "6.2"),
        Segment("insert", "7.5"),
        Segment("equal", "%。"),
    ]


def test_a_paragraph_added_and_one_removed():
    new = copy.deepcopy(base_blocks())
    del new[0]["children"][2]  # 以上工作取得明显成效。
    new[1]["children"].append(para(22, "部分项目支出进度偏慢。"))
    rows = diff_snapshots(snapshot(base_blocks()), snapshot(new))
    keys = [r.key for r in rows]
    assert keys[2:8] == ["block:1", "block:11", "block:12", "block:13", "block:2", "block:21"]
    assert keys[8] == "block:22"
    by_key = rows_by_key(rows)
    removed, added = by_key["block:13"], by_key["block:22"]
    assert (removed.status, removed.label, removed.segments) == (
        "removed",
        "段落",
        [Segment("delete", "以上工作取得明显成效。")],
    )
    assert (added.status, added.label, added.segments) == (
        "added",
        "段落",
        [Segment("insert", "部分项目支出进度偏慢。")],
    )
    assert summary(rows)["added"] == summary(rows)["removed"] == 1
    assert summary(rows)["same"] == len(rows) - 2


def test_a_removed_block_stays_where_it_was():
    new = copy.deepcopy(base_blocks())
    del new[0]["children"][0]  # 一是 removed: 二是 becomes 一是
    rows = diff_snapshots(snapshot(base_blocks()), snapshot(new))
    assert [r.key for r in rows][2:5] == ["block:1", "block:11", "block:12"]
    by_key = rows_by_key(rows)
    assert (by_key["block:11"].status, by_key["block:11"].old_number, by_key["block:11"].new_number) == (
        "removed", "一是", "",
    )  # fmt: skip
    assert (by_key["block:12"].status, by_key["block:12"].old_number, by_key["block:12"].new_number) == (
        "same", "二是", "一是",
    )  # fmt: skip


def test_renumbering_alone_is_not_a_change():
    new = copy.deepcopy(base_blocks())
    new[0]["children"].insert(0, point(14, "严格财经纪律", "开展专项检查。"))
    new.insert(0, heading(3, "总体情况", [para(31, "全年运行平稳。")]))
    rows = diff_snapshots(snapshot(base_blocks()), snapshot(new))
    by_key = rows_by_key(rows)
    assert [r.key for r in rows][2:6] == ["block:3", "block:31", "block:1", "block:14"]
    assert summary(rows) == {"same": 11, "changed": 0, "added": 3, "removed": 0, "moved": 0}
    assert (by_key["block:1"].old_number, by_key["block:1"].new_number, by_key["block:1"].label) == (
        "一、",
        "二、",
        "二、",
    )
    assert (by_key["block:11"].old_number, by_key["block:11"].new_number) == ("一是", "二是")
    assert (by_key["block:12"].old_number, by_key["block:12"].new_number) == ("二是", "三是")
    assert by_key["block:12"].segments == [Segment("equal", "推进绩效改革。实现绩效目标全覆盖。")]


def test_a_point_moved_up():
    new = copy.deepcopy(base_blocks())
    children = new[0]["children"]
    children[0], children[1] = children[1], children[0]
    rows = diff_snapshots(snapshot(base_blocks()), snapshot(new))
    assert [r.key for r in rows][2:6] == ["block:1", "block:12", "block:11", "block:13"]
    by_key = rows_by_key(rows)
    moved = by_key["block:12"]
    assert (moved.status, moved.changed, moved.old_number, moved.new_number, moved.label) == (
        "moved", False, "二是", "一是", "一是",
    )  # fmt: skip
    assert by_key["block:11"].status == "same"  # the other one only got renumbered
    assert summary(rows)["moved"] == 1


def test_a_point_moved_down_past_several():
    old = [heading(1, "主要工作", [point(i, f"第{i}项工作") for i in range(11, 16)])]
    new = copy.deepcopy(old)
    children = new[0]["children"]
    children.append(children.pop(0))
    rows = rows_by_key(diff_snapshots(snapshot(old), snapshot(new)))
    assert (rows["block:11"].status, rows["block:11"].old_number, rows["block:11"].new_number) == (
        "moved",
        "一是",
        "五是",
    )
    assert all(rows[f"block:{i}"].status == "same" for i in range(12, 16))


def test_a_point_moved_to_another_section_and_edited():
    new = copy.deepcopy(base_blocks())
    moved = new[0]["children"].pop(1)  # 推进绩效改革
    moved["text"] = "实现绩效目标管理全覆盖。"
    new[1]["children"].append(moved)
    rows = diff_snapshots(snapshot(base_blocks()), snapshot(new))
    assert [r.key for r in rows][2:8] == [
        "block:1",
        "block:11",
        "block:13",
        "block:2",
        "block:21",
        "block:12",
    ]
    row = rows_by_key(rows)["block:12"]
    assert (row.status, row.changed, row.old_number, row.new_number) == ("moved", True, "二是", "二是")
    assert row.segments == [
        Segment("equal", "推进绩效改革。实现绩效目标"),
        Segment("insert", "管理"),
        Segment("equal", "全覆盖。"),
    ]
    assert summary(rows)["moved"] == 1
    assert summary(rows)["changed"] == 0


def test_moving_a_section_moves_only_its_heading():
    new = list(reversed(copy.deepcopy(base_blocks())))
    rows = diff_snapshots(snapshot(base_blocks()), snapshot(new))
    assert [r.key for r in rows][2:8] == [
        "block:2",
        "block:21",
        "block:1",
        "block:11",
        "block:12",
        "block:13",
    ]
    assert summary(rows)["moved"] == 1
    by_key = rows_by_key(rows)
    assert by_key["block:2"].status == "moved"
    assert (by_key["block:2"].old_number, by_key["block:2"].new_number) == ("二、", "一、")


def test_run_in_heading_text_change():
    old = [heading(1, "抓党建、强化党组统领", text="加强党组理论学习。", run_in=True)]
    new = [heading(1, "抓党建、强化党组统领", text="加强党组理论学习和作风建设。", run_in=True)]
    row = rows_by_key(diff_snapshots(snapshot(old), snapshot(new)))["block:1"]
    assert (row.status, row.label) == ("changed", "一、")
    assert row.segments == [
        Segment("equal", "抓党建、强化党组统领。加强党组理论学习"),
        Segment("insert", "和作风建设"),
        Segment("equal", "。"),
    ]


def test_heading_title_change():
    new = copy.deepcopy(base_blocks())
    new[1]["title"] = "存在的问题"
    row = rows_by_key(diff_snapshots(snapshot(base_blocks()), snapshot(new)))["block:2"]
    assert row.status == "changed"
    assert row.segments == [Segment("equal", "存在"), Segment("insert", "的"), Segment("equal", "问题")]


def test_opening_closing_and_fields():
    old = snapshot(base_blocks())
    new = snapshot(
        base_blocks(),
        opening="今年以来，我局坚持稳中求进工作总基调，统筹发展和安全。",
        closing="",
        subtitle="（初稿）",
        date="2023年12月25日",
    )
    rows = diff_snapshots(old, new)
    by_key = rows_by_key(rows)
    assert [r.key for r in rows][:3] == ["title", "subtitle", "opening"]
    assert [r.key for r in rows][-3:] == ["closing", "signature", "date"]
    assert (by_key["subtitle"].status, by_key["subtitle"].label) == ("added", "副标题")
    assert (by_key["opening"].status, by_key["opening"].label) == ("changed", "导语")
    assert by_key["opening"].segments == [
        Segment("equal", "今年以来，我局坚持稳中求进工作总基调"),
        Segment("insert", "，统筹发展和安全"),
        Segment("equal", "。"),
    ]
    assert by_key["closing"].status == "removed"
    assert by_key["closing"].segments == [Segment("delete", "下一步，我们将继续努力。")]
    assert by_key["date"].segments == [
        Segment("equal", "2023年12月2"), Segment("delete", "0"), Segment("insert", "5"), Segment("equal", "日"),
    ]  # fmt: skip
    assert by_key["signature"].status == by_key["title"].status == "same"


def test_blocks_without_ids_align_by_position_and_text():
    def strip_ids(blocks):
        for block in blocks:
            block.pop("id", None)
            strip_ids(block.get("children", ()))
        return blocks

    old = strip_ids(base_blocks())
    new = strip_ids(base_blocks())
    new[0]["children"][0]["text"] = "全年一般公共预算收入同比增长7.5%。"
    del new[0]["children"][1]  # 推进绩效改革
    new[1]["children"].insert(0, point(None, "债务风险仍需关注"))
    rows = diff_snapshots(snapshot(old), snapshot(new))
    blocks = [r for r in rows if r.key.startswith("block:")]
    assert [(r.status, r.old_number, r.new_number) for r in blocks] == [
        ("same", "一、", "一、"),
        ("changed", "一是", "一是"),
        ("removed", "二是", ""),
        ("same", "", ""),
        ("same", "二、", "二、"),
        ("added", "", "一是"),
        ("same", "一是", "二是"),
    ]
    assert blocks[1].segments[1:3] == [Segment("delete", "6.2"), Segment("insert", "7.5")]
    assert len({r.key for r in rows}) == len(rows)


def test_old_snapshot_without_ids_against_a_new_one_with_ids():
    def strip_ids(blocks):
        for block in blocks:
            block.pop("id", None)
            strip_ids(block.get("children", ()))
        return blocks

    rows = diff_snapshots(snapshot(strip_ids(base_blocks())), snapshot(base_blocks()))
    assert summary(rows) == {"same": 11, "changed": 0, "added": 0, "removed": 0, "moved": 0}
    assert [r.key for r in rows if r.key.startswith("block:")] == [
        "block:1", "block:11", "block:12", "block:13", "block:2", "block:21",
    ]  # fmt: skip


def test_ids_are_authoritative_when_both_sides_have_them():
    old = [para(1, "全年一般公共预算收入同比增长6.2%。")]
    new = [para(2, "全年一般公共预算收入同比增长6.2%。")]  # same text, but a new block
    rows = diff_snapshots(snapshot(old), snapshot(new))
    # A removed first block has no predecessor: it comes first, before what replaced it.
    assert [(r.key, r.status) for r in rows if r.key.startswith("block:")] == [
        ("block:1", "removed"), ("block:2", "added"),
    ]  # fmt: skip


def test_custom_numbering_is_used():
    rows = rows_by_key(
        diff_snapshots(snapshot(base_blocks()), snapshot(base_blocks(), numbering={"point": "第{cn}"}))
    )
    assert rows["block:11"].old_number == "一是"
    assert rows["block:11"].new_number == rows["block:11"].label == "第一"
    assert rows["block:11"].status == "same"


def _random_tree(rng: random.Random, *, with_ids: bool, depth: int = 1) -> list[dict]:
    blocks = []
    for _ in range(rng.randrange(4)):
        kind = rng.choice(["heading", "point", "paragraph"] if depth < 3 else ["point", "paragraph"])
        block = {
            "type": kind,
            "text": rng.choice(["甲乙丙", "甲乙丁", "戊己", "", "庚辛壬癸"]),
            "inline": False,
        }
        if with_ids and rng.random() < 0.8:
            block["id"] = rng.randrange(8)  # duplicates included: a duplicate id is treated as none
        if kind == "heading":
            block.update(title=rng.choice(["一", "二"]), run_in=rng.random() < 0.3)
            block["children"] = _random_tree(rng, with_ids=with_ids, depth=depth + 1)
        elif kind == "point":
            block["lead"] = rng.choice(["", "抓"])
        blocks.append(block)
    return blocks


def _count(blocks) -> int:
    return sum(1 + _count(b.get("children", ())) for b in blocks)


@settings(max_examples=300, deadline=None)
@given(st.randoms(use_true_random=False), st.booleans())
def test_every_block_of_either_side_appears_once(rng, old_has_ids):
    old = _random_tree(rng, with_ids=old_has_ids)
    new = _random_tree(rng, with_ids=True)
    rows = diff_snapshots({"blocks": old}, {"blocks": new})
    counts = summary(rows)
    assert len({r.key for r in rows}) == len(rows)
    paired = counts["same"] + counts["changed"] + counts["moved"]
    assert paired + counts["removed"] == _count(old)
    assert paired + counts["added"] == _count(new)
    for row in rows:
        if row.status == "added":
            assert old_side(row.segments) == ""
        if row.status == "removed":
            assert new_side(row.segments) == ""
        if row.status == "same":
            assert all(s.op == "equal" for s in row.segments)
        assert row.changed == (row.status != "same") or row.status == "moved"
