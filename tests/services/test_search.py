"""Search: the index follows every write after commit, and the selector shows only what the user may
open (results and snippets), ranked, one hit per passage, in a constant number of queries."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from personas import make_member
from workers import shell_without_broker

from reports.core.search import SHORT_QUERY_HINT
from reports.models import Block, Membership, SearchEntry, SearchStale
from reports.selectors import search as search_selectors
from reports.services import reports as report_services
from reports.services import search as search_services
from reports.services import workflow as workflow_services

SUMMARY = {
    "title": "2025年度工作总结",
    "year": 2025,
    "department": "办公室",
    "opening": "今年以来，我局坚持过紧日子，财政运行总体平稳。",
    "blocks": [
        {
            "type": "heading",
            "title": "工作成效",
            "children": [
                {
                    "type": "heading",
                    "title": "深化预算管理改革",
                    "children": [
                        {"type": "point", "lead": "全面实施预算绩效管理", "text": "开展事前绩效评估12项。"},
                        {
                            "type": "point",
                            "lead": "组织收入",
                            "text": "一般公共预算收入{{一般公共预算收入}}亿元，同比{{一般公共预算收入.增减}}，"
                            "税收占比**.*%，增长8.7%。",
                        },
                    ],
                },
            ],
        },
        {
            "type": "heading",
            "title": "存在问题",
            "children": [{"type": "paragraph", "text": "管理基础仍较薄弱。"}],
        },
        {
            "type": "heading",
            "title": "下步打算",
            "children": [{"type": "point", "lead": "严格落实三会一课制度"}],
        },
    ],
    "closing": "我们将继续努力。",
}


def create(user, kinds, content=SUMMARY, **changes):
    """A report made from `content` as its department's drafter, indexed as after its commit."""
    content = {**content, **changes}
    return report_services.report_create_from_content(
        user=user, bureau=user.membership.bureau, kind=kinds["annual_summary"], content=content
    )


@pytest.fixture
def summary(drafter, kinds, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return create(drafter, kinds)


def paths(user, q, **filters):
    return [(h.report.pk, h.path) for h in search_selectors.search(user=user, q=q, **filters).hits]


def test_it_indexes_every_passage_with_its_place_and_section_kind(summary):
    rows = {e.path: e for e in SearchEntry.objects.filter(report=summary)}
    assert set(rows) >= {
        "导语",
        "一、",
        "一、（一）",
        "一、（一）一是",
        "一、（一）二是",
        "二、第1段",
        "三、一是",
        "结尾",
    }
    assert rows["一、（一）一是"].section_kind == "results"
    assert rows["二、第1段"].section_kind == "problems"
    assert rows["三、一是"].section_kind == "plans"
    assert rows["导语"].section_kind == "opening"
    block = Block.objects.get(report=summary, title="全面实施预算绩效管理")
    assert rows["一、（一）一是"].block_id == block.pk


def test_it_finds_words_inside_longer_words(summary, drafter):
    for q in ("预算绩效管理", "绩效管理", "绩效", "三会一课"):
        assert paths(drafter, q), q
    assert paths(drafter, "绩效管理")[0] == (summary.pk, "一、（一）一是")


def test_it_indexes_placeholders_as_their_metric_names_and_numbers_but_not_masked_figures(summary, drafter):
    entry = SearchEntry.objects.get(report=summary, path="一、（一）二是")
    assert "〔一般公共预算收入〕亿元" in entry.text and "{{" not in entry.text
    assert " 一般公共预算收入 " in entry.terms and " 增减 " in entry.terms
    assert " 8.7 " in entry.terms and "*" not in entry.terms
    assert paths(drafter, "一般公共预算收入") == [(summary.pk, "一、（一）二是")]
    assert paths(drafter, "8.7%") == [(summary.pk, "一、（一）二是")]
    assert paths(drafter, "12") == [(summary.pk, "一、（一）一是")]


@pytest.mark.parametrize("q", ["税", " 预 ", "**.*", "的 了"])
def test_a_one_character_or_masked_query_gives_a_hint_not_a_flood(summary, drafter, q):
    result = search_selectors.search(user=drafter, q=q)
    assert result.hits == [] and result.message == SHORT_QUERY_HINT


def test_an_empty_query_asks_for_words(summary, drafter):
    result = search_selectors.search(user=drafter, q="  ")
    assert result.hits == [] and "请输入" in result.message


def test_a_passage_with_every_word_ranks_above_one_with_one_word(
    drafter, kinds, django_capture_on_commit_callbacks
):
    one = {"type": "paragraph", "text": "加强预算编制工作，提高预算编制质量，预算编制更加规范。"}
    every = {"type": "paragraph", "text": "推进国库集中支付改革，规范预算编制。"}
    with django_capture_on_commit_callbacks(execute=True):
        create(drafter, kinds, blocks=[one, every], opening="", closing="")
    hits = search_selectors.search(user=drafter, q="国库集中支付 预算编制").hits
    assert [h.path for h in hits] == ["第2段", "第1段"]
    assert hits[0].score > hits[1].score


def test_the_snippet_marks_the_words_and_is_plain_text(summary, drafter):
    hit = search_selectors.search(user=drafter, q="绩效管理").hits[0]
    assert [s.text for s in hit.snippet if s.hit] == ["绩效管理"]
    assert hit.snippet_text.startswith("全面实施预算绩效管理")


def test_a_block_save_updates_its_passage_after_commit(summary, drafter, django_capture_on_commit_callbacks):
    block = Block.objects.get(report=summary, title="全面实施预算绩效管理")
    others = dict(SearchEntry.objects.exclude(block=block).values_list("pk", "text"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report_services.block_save(
            block=block, version=block.version, data={"text": "推进直达资金监控。"}, user=drafter
        )
    assert len(callbacks) == 1  # the index update
    assert paths(drafter, "直达资金") == [(summary.pk, "一、（一）一是")]
    assert paths(drafter, "事前绩效评估") == []
    # only that block's passage was rewritten
    assert dict(SearchEntry.objects.exclude(block=block).values_list("pk", "text")) == others


def test_structure_changes_renumber_the_paths(summary, drafter, django_capture_on_commit_callbacks):
    block = Block.objects.get(report=summary, title="组织收入")
    with django_capture_on_commit_callbacks(execute=True):
        report_services.block_move(block=block, direction="up", user=drafter)
    assert paths(drafter, "一般公共预算收入") == [(summary.pk, "一、（一）一是")]
    with django_capture_on_commit_callbacks(execute=True):
        report_services.block_delete(block=Block.objects.get(pk=block.pk), user=drafter)
    assert paths(drafter, "一般公共预算收入") == []
    assert paths(drafter, "绩效管理") == [(summary.pk, "一、（一）一是")]


def test_the_report_fields_save_updates_the_opening(summary, drafter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_update_fields(
            report=summary, data={"opening": "全面从严治党取得新成效。"}, user=drafter
        )
    assert paths(drafter, "全面从严治党") == [(summary.pk, "导语")]
    assert paths(drafter, "过紧日子") == []


# --- permissions ---------------------------------------------------------------------------------


SECRET = {"title": "2025年度工作总结", "year": 2025, "department": "办公室", "opening": "", "closing": ""}


def secret_report(user, kinds, words: str, **changes):
    block = {"type": "paragraph", "text": f"推进政府采购改革，{words}。"}
    return create(user, kinds, content=SECRET, blocks=[block], **changes)


@pytest.fixture
def reports_of_others(drafter, outsider, bureau, kinds, django_capture_on_commit_callbacks):
    """The same words in: the drafter's own report, another bureau's, another department's (预算科),
    and a deleted report of the drafter's."""
    budget = make_member(bureau, "budget", Membership.Role.DRAFTER, department="预算科")
    with django_capture_on_commit_callbacks(execute=True):
        own = secret_report(drafter, kinds, "本科室正文")
        other_bureau = secret_report(outsider, kinds, "邻县机密正文")
        other_department = secret_report(budget, kinds, "预算科机密正文", department="预算科")
        deleted = secret_report(drafter, kinds, "已删除机密正文")
    report_services.report_delete(report=deleted, user=drafter)
    return {"own": own, "bureau": other_bureau, "department": other_department, "deleted": deleted}


def _texts(user, q="政府采购"):
    result = search_selectors.search(user=user, q=q)
    return {h.report.pk for h in result.hits}, " ".join(h.snippet_text for h in result.hits)


def test_nobody_finds_what_they_may_not_open(reports_of_others, drafter, outsider, leader, admin_user):
    r = reports_of_others
    found, snippets = _texts(drafter)
    assert found == {r["own"].pk}
    assert "机密" not in snippets
    found, snippets = _texts(outsider)
    assert found == {r["bureau"].pk} and "预算科" not in snippets and "本科室" not in snippets
    assert _texts(leader)[0] == {r["own"].pk}  # supervises nothing, belongs to 办公室
    assert _texts(admin_user)[0] == {r["own"].pk, r["department"].pk}  # never the deleted one
    for q in ("机密", "预算科", "邻县"):
        assert _texts(drafter, q)[0] == set()


def test_a_user_without_membership_finds_nothing(reports_of_others):
    nobody = get_user_model().objects.create_user(username="nobody", password="pw")
    assert search_selectors.search(user=nobody, q="政府采购").hits == []


def test_an_assigned_section_opens_its_report_to_that_department(reports_of_others, drafter, bureau):
    section = Block.objects.get(report=reports_of_others["department"])
    office = bureau.departments.get(name="办公室")
    Block.objects.filter(pk=section.pk).update(assigned_department=office)
    assert reports_of_others["department"].pk in _texts(drafter)[0]


def test_filters_narrow_the_hits(summary, drafter, kinds, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        older = create(drafter, kinds, year=2024, title="2024年度工作总结")
    assert {h.report.pk for h in search_selectors.search(user=drafter, q="绩效管理").hits} == {
        summary.pk,
        older.pk,
    }
    assert paths(drafter, "绩效管理", year=2024) == [(older.pk, "一、（一）一是")]
    assert paths(drafter, "管理", section_kind="problems") == [
        (summary.pk, "二、第1段"),
        (older.pk, "二、第1段"),
    ]
    assert paths(drafter, "绩效管理", kind=kinds["duty"]) == []
    assert paths(drafter, "绩效管理", approved_only=True) == []


def test_the_query_count_does_not_grow_with_the_hits(drafter, kinds, django_capture_on_commit_callbacks):
    many = [{"type": "paragraph", "text": f"推进预算绩效管理第{i}项工作。"} for i in range(30)]
    with django_capture_on_commit_callbacks(execute=True):
        create(drafter, kinds, blocks=many)
    counts = []
    for q in ("过紧日子", "预算绩效管理"):
        with CaptureQueriesContext(connection) as queries:
            hits = search_selectors.search(user=drafter, q=q, limit=25).hits
        counts.append((len(hits), len(queries)))
    assert counts[0][0] == 1 and counts[1][0] == 25
    assert counts[0][1] == counts[1][1] <= 3


# --- approved text, stale reports ----------------------------------------------------------------


def test_an_approved_text_is_still_found_after_a_redraft_as_one_hit(
    drafter, wang, kinds, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = create(drafter, kinds, blocks=[{"type": "paragraph", "text": "落实中央八项规定精神。"}])
        revision = workflow_services.report_submit(report=report, user=drafter)
        workflow_services.report_approve(report=report, user=wang, revision_id=revision.pk)
    assert paths(drafter, "八项规定", approved_only=True) == [(report.pk, "第1段")]
    with django_capture_on_commit_callbacks(execute=True):
        workflow_services.report_redraft(report=report, user=drafter)
        block = report.blocks.get()
        report_services.block_save(
            block=block, version=block.version, data={"text": "落实八项规定，整治四风。"}, user=drafter
        )
    hits = search_selectors.search(user=drafter, q="八项规定").hits
    assert len(hits) == 1 and hits[0].other_version  # live and approved: one passage
    approved = search_selectors.search(user=drafter, q="八项规定", approved_only=True).hits
    assert [h.source for h in approved] == ["approved"] and "中央八项规定" in approved[0].snippet_text
    assert paths(drafter, "四风", approved_only=True) == []


def test_a_stale_report_is_caught_up_before_the_next_search(summary, drafter):
    block = Block.objects.get(report=summary, title="全面实施预算绩效管理")
    Block.objects.filter(pk=block.pk).update(text="新增盘活存量资金内容。")  # a write the index missed
    search_services.search_mark_stale(report_id=summary.pk)
    assert search_services.search_catch_up() == 1
    assert paths(drafter, "盘活存量") == [(summary.pk, "一、（一）一是")]
    assert not SearchStale.objects.exists()


def test_reindex_all_rebuilds_every_report(summary):
    SearchEntry.objects.all().delete()
    assert search_services.search_reindex_all() == (1, 10)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_dead_broker_keeps_the_save_and_marks_the_report_stale(drafter, kinds):
    report = create(drafter, kinds)
    block = Block.objects.get(report=report, title="全面实施预算绩效管理")
    code = (
        "from django.contrib.auth import get_user_model\n"
        "from reports.services import reports as report_services\n"
        "from reports.models import Block\n"
        f"b = Block.objects.select_related('report').get(pk={block.pk})\n"
        f"u = get_user_model().objects.get(pk={drafter.pk})\n"
        "report_services.block_save(block=b, version=b.version, data={'text': '断网时写的直达资金'}, user=u)\n"
    )
    shell_without_broker(code)
    block.refresh_from_db()
    assert block.text == "断网时写的直达资金"
    assert SearchStale.objects.filter(report=report).exists()
    search_services.search_catch_up()
    assert paths(drafter, "直达资金") == [(report.pk, "一、（一）一是")]


def test_a_problems_and_plans_heading_files_its_points_as_plans(
    drafter, kinds, django_capture_on_commit_callbacks
):
    section = {
        "type": "heading",
        "title": "存在的问题和下步打算",
        "children": [
            {"type": "paragraph", "text": "收支矛盾依然突出。"},
            {"type": "point", "lead": "纵深推进财政改革"},
        ],
    }
    with django_capture_on_commit_callbacks(execute=True):
        report = create(drafter, kinds, blocks=[section])
    kinds_by_path = dict(SearchEntry.objects.filter(report=report).values_list("path", "section_kind"))
    assert kinds_by_path["一、第1段"] == "problems" and kinds_by_path["一、一是"] == "plans"
