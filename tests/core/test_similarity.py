"""The similarity core: shingles, the measure on copied / reworded / figures-changed paragraphs,
heading similarity, section matching, the inverted index; and carry_text (reuse of one paragraph)."""

from __future__ import annotations

from reports.core.importer.carry import carry_text
from reports.core.similarity import (
    COPIED,
    Passage,
    ShingleIndex,
    containment,
    copied_passages,
    heading_similarity,
    jaccard,
    match_sections,
    normalise,
    paragraph_similarity,
    sections_of,
    shingles,
    subject_key,
)

# The paragraphs the module docstring's table was measured on.
BASE = (
    "全面推进预算绩效管理，将绩效目标管理覆盖到全部市级部门，完成重点项目绩效评价36个，涉及资金12.5亿元，"
    "评价结果与下年预算安排挂钩，收回低效无效资金3200万元，财政资金使用效益明显提升。"
)
FIGURES_CHANGED = BASE.replace("36个", "41个").replace("12.5亿元", "15.2亿元").replace("3200万元", "4100万元")
CLAUSE_ADDED = BASE.rstrip("。") + "，绩效管理走在全省前列。"
REWORDED = (
    "预算绩效管理持续深化，市级部门绩效目标实现全覆盖；围绕重点项目开展绩效评价，评价结果作为安排下年预算的"
    "重要依据，低效无效资金得到收回，财政资金的使用效益进一步提高。"
)
OTHER = (
    "加强国库现金管理，优化库款调度机制，确保基层“三保”支出不留缺口，全年未发生拖欠工资和基本民生支出情况，"
    "库款保障水平保持在合理区间。"
)


def test_it_normalises_away_numbering_figures_placeholders_and_punctuation():
    assert normalise("一、全年完成收入700.5亿元，同比增长8.7%。") == "全年完成收入亿元同比增长"
    assert normalise("（三）收入{{一般公共预算收入}}亿元") == "收入亿元"
    assert normalise("二是 压减支出**.*%") == "压减支出"
    assert normalise("1. 加强 管理") == "加强管理"


def test_shingles_are_character_trigrams_of_the_normalised_text():
    assert shingles("预算绩效管理") == frozenset({"预算绩", "算绩效", "绩效管", "效管理"})
    assert shingles("一、管理") == frozenset({"管理"})
    assert shingles("，。") == frozenset()


def test_a_paragraph_that_only_changed_its_figures_is_a_copy():
    assert paragraph_similarity(BASE, FIGURES_CHANGED) == 1.0


def test_a_placeholder_in_place_of_a_figure_is_still_a_copy():
    reused = BASE.replace("12.5", "{{重点绩效评价涉及资金}}")
    assert paragraph_similarity(BASE, reused) == 1.0


def test_copied_with_a_clause_added_is_flagged_and_reworded_is_not():
    assert paragraph_similarity(BASE, CLAUSE_ADDED) >= COPIED
    assert paragraph_similarity(BASE, REWORDED) < 0.3
    assert paragraph_similarity(BASE, OTHER) < 0.05


def test_trigrams_separate_rewording_better_than_bigrams():
    """The docstring's reason for n = 3: bigrams of one topic's words bring a reworded paragraph closer."""
    two = jaccard(shingles(BASE, 2), shingles(REWORDED, 2))
    three = jaccard(shingles(BASE), shingles(REWORDED))
    assert three < two


def test_containment_would_flag_a_paragraph_quoted_inside_a_longer_one_and_jaccard_does_not():
    long = BASE + OTHER + REWORDED
    assert containment(shingles(BASE), shingles(long)) == 1.0
    assert jaccard(shingles(BASE), shingles(long)) < COPIED


def test_heading_similarity_ignores_numbering_and_years():
    assert heading_similarity("二、2024年预算绩效管理工作", "三、预算绩效管理") >= 0.8
    assert heading_similarity("一、2024年工作成效", "一、2025年工作成效") == 1.0
    assert heading_similarity("抓监督、守住风险底线", "抓监督、守牢风险底线") >= 0.5
    assert heading_similarity("抓党建、强化政治引领", "存在问题") == 0.0


def test_sections_are_matched_by_heading_not_position():
    this_year = [
        "2025年工作成效",
        "抓改革、提升管理效能",
        "存在问题",
        "抓发展、优化营商环境",
        "2026年工作计划",
    ]
    last_year = ["存在问题", "2024年工作成效", "2025年工作计划", "抓改革、深化管理效能"]
    pairs = match_sections(this_year, last_year)
    assert pairs == {0: 1, 1: 3, 2: 0, 4: 2}  # moved and renamed found; 抓发展 (new) gets none


def test_matching_is_one_to_one():
    pairs = match_sections(["预算管理", "预算管理工作"], ["预算管理"])
    assert list(pairs.values()) == [0] and pairs == {0: 0}


def test_a_section_with_no_counterpart_gets_none():
    assert match_sections(["抓党建、强化政治引领"], ["收支矛盾依然突出"]) == {}


def test_subject_key_ignores_spaces_and_punctuation():
    assert subject_key("示范市财政局党组书记、局长 王建国") == subject_key("示范市财政局党组书记局长王建国")
    assert subject_key("局长 王建国") != subject_key("副局长 李四")


SNAPSHOT = {
    "numbering": {},
    "blocks": [
        {
            "id": 1,
            "type": "heading",
            "title": "工作成效",
            "text": "",
            "children": [
                {"id": 2, "type": "heading", "title": "抓收支", "text": "收入平稳。", "children": []},
                {"id": 3, "type": "point", "lead": "抓改革", "text": BASE},
                {"id": 4, "type": "paragraph", "text": OTHER},
                {"id": 5, "type": "point", "lead": "抓作风", "text": "作风持续好转。"},
            ],
        }
    ],
}


def test_sections_of_gives_each_passage_its_printed_path():
    sections = sections_of(SNAPSHOT)
    assert [(s.path, s.title, s.level) for s in sections] == [
        ("一、", "工作成效", 1),
        ("一、（一）", "抓收支", 2),
    ]
    assert [(p.block_id, p.path) for p in sections[0].passages] == [
        (3, "一、一是"),
        (4, "一、第1段"),
        (5, "一、二是"),
    ]
    assert [(p.block_id, p.path, p.text) for p in sections[1].passages] == [(2, "一、（一）", "收入平稳。")]


def test_the_index_scores_only_candidates_and_finds_the_copy():
    passages = [
        Passage(n, "paragraph", f"p{n}", "", "", text) for n, text in enumerate([OTHER, BASE, REWORDED])
    ]
    index = ShingleIndex(passages)
    found = index.best(FIGURES_CHANGED)
    assert found is not None and found[0].block_id == 1 and found[1] == 1.0
    assert index.best("作风持续好转。") is None  # too short to call copied
    copied = copied_passages(
        [("a", CLAUSE_ADDED), ("b", REWORDED + "并进一步加强。"), ("c", OTHER)], passages
    )
    assert [(c.key, c.source.block_id) for c in copied] == [("a", 1), ("b", 2), ("c", 0)]
    assert copied[0].percent == int(copied[0].score * 100) and copied[2].percent == 100


def test_carry_text_turns_this_years_metric_names_into_placeholders_and_keeps_the_rest():
    text = "2024年，全市一般公共预算收入700.5亿元，同比增长7.5%，完成年初预算103.2%。压减一般性支出8.5%，争取资金3000万元。"
    carried = carry_text(text, year=2024, known=frozenset({"一般公共预算收入"}))
    assert carried.text == (
        "2025年，全市一般公共预算收入{{一般公共预算收入}}亿元，同比{{一般公共预算收入.增减}}，"
        "完成年初预算{{一般公共预算收入.完成预算}}%。压减一般性支出8.5%，争取资金3000万元。"
    )
    assert (carried.placeholders, carried.hand_typed) == (3, 2)


def test_carry_text_without_known_metrics_keeps_every_figure():
    carried = carry_text("2024年以来，拨付资金3.5亿元。", year=2024, known=frozenset())
    assert (
        carried.text == "2025年以来，拨付资金3.5亿元。"
        and carried.placeholders == 0
        and carried.hand_typed == 1
    )
