"""The search segmenter and passages (reports/core/search.py): pure, no database."""

from __future__ import annotations

from reports.core import search


def test_a_long_word_is_indexed_with_its_dictionary_parts():
    terms = search.index_terms("全面实施预算绩效管理")
    assert {"预算绩效管理", "绩效管理", "预算绩效", "预算", "绩效", "管理"} <= set(terms)


def test_domain_words_stay_whole():
    for word in ("三会一课", "一岗双责", "中央八项规定", "过紧日子", "直达资金", "国有资本经营预算"):
        assert word in search.index_terms(f"认真落实{word}要求"), word
        assert search.query_terms(word) == [word]


def test_masked_figures_punctuation_and_single_characters_are_dropped():
    terms = search.index_terms("税收占比**.*%，增长*.*%，共***项，年")
    assert not [t for t in terms if "*" in t or len(t) < 2]
    assert "税收占比" in terms and "增长" in terms


def test_numbers_of_two_or_more_characters_are_indexed_without_the_percent_sign():
    terms = search.index_terms("同比增长8.7%，完成2024年目标，新增5个")
    assert "8.7" in terms and "2024" in terms and "5" not in terms


def test_placeholders_are_indexed_and_shown_as_their_metric_names():
    text = "收入{{一般公共预算收入}}亿元，同比{{一般公共预算收入.增减}}"
    assert search.plain_text(text) == "收入〔一般公共预算收入〕亿元，同比〔一般公共预算收入·增减〕"
    terms = search.index_terms(text)
    assert "一般公共预算收入" in terms and "增减" in terms and "{{" not in "".join(terms)


def test_a_one_character_query_gives_no_terms():
    assert (
        search.query_terms("税") == [] and search.query_terms(" 的 ") == [] and search.query_terms("") == []
    )
    assert search.query_terms("预算 绩效") == ["预算", "绩效"]


def test_the_vector_weights_title_words_and_keeps_parts_at_their_words_position():
    indexed = search.index_passage("预算绩效管理", "开展绩效评价")
    assert "'预算绩效管理':1A" in indexed.vector and "'绩效':1A,3" in indexed.vector
    assert "'绩效评价':3" in indexed.vector
    assert indexed.terms.startswith(" 预算绩效管理 ") and " 绩效评价 " in indexed.terms


def test_the_snippet_marks_every_occurrence_and_cuts_around_the_first():
    text = "甲" * 100 + "推进预算绩效管理，绩效明显提升。" + "乙" * 100
    segments = search.snippet(text, ["绩效"], 40)
    assert segments[0].text == "…" and segments[-1].text == "…"
    assert [s.text for s in segments if s.hit] == ["绩效", "绩效"]
    assert len("".join(s.text for s in segments)) <= 42


def test_section_kinds_from_headings():
    assert search.section_kind("2025年工作成效") == search.SectionKind.RESULTS
    assert search.section_kind("存在问题") == search.SectionKind.PROBLEMS
    assert search.section_kind("2026年工作计划") == search.SectionKind.PLANS
    assert search.section_kind("强化政治建设") == ""


def test_passages_carry_the_editors_numbering():
    snapshot = {
        "opening": "导语文字",
        "blocks": [
            {
                "id": 1,
                "type": "heading",
                "title": "工作成效",
                "children": [
                    {
                        "id": 2,
                        "type": "heading",
                        "title": "抓收支",
                        "children": [
                            {"id": 3, "type": "point", "lead": "组织收入", "text": "正文"},
                            {"id": 4, "type": "paragraph", "text": "段落"},
                        ],
                    },
                ],
            }
        ],
        "closing": "",
    }
    got = [(p.key, p.path, p.section_kind) for p in search.passages(snapshot)]
    assert got == [
        ("opening", "导语", "opening"),
        ("b1", "一、", "results"),
        ("b2", "一、（一）", "results"),
        ("b3", "一、（一）一是", "results"),
        ("b4", "一、（一）第1段", "results"),
    ]
