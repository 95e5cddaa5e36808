"""The search page (/search/) and `manage.py search_reports`: full page, htmx partial, messages for
empty and one-character queries, permissions, links to the passage in the editor, wrong method."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.core.signals import request_finished
from django.db import close_old_connections
from django.http import HttpResponse
from django.urls import reverse

from reports.middleware import AfterResponseMiddleware
from reports.models import Block
from reports.request_context import run_after_response
from reports.selectors import search as search_selectors
from reports.services import reports as report_services

HX = {"HTTP_HX_REQUEST": "true"}
CONTENT = {
    "title": "2025年度工作总结",
    "year": 2025,
    "department": "办公室",
    "opening": "",
    "closing": "",
    "blocks": [
        {
            "type": "heading",
            "title": "工作成效",
            "children": [
                {"type": "point", "lead": "全面实施预算绩效管理", "text": "开展事前绩效评估<b>12</b>项。"},
            ],
        }
    ],
}


@pytest.fixture
def summary(drafter, kinds, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return report_services.report_create_from_content(
            user=drafter, bureau=drafter.membership.bureau, kind=kinds["annual_summary"], content=CONTENT
        )


def test_it_shows_hits_with_marks_path_state_and_a_link_to_the_block(client, drafter, summary):
    client.force_login(drafter)
    page = client.get(reverse("search"), {"q": "绩效管理"}).content.decode()
    block = Block.objects.get(report=summary, type="point")
    assert f'href="{reverse("report_edit", args=[summary.pk])}#block-{block.pk}"' in page
    assert "<mark>绩效管理</mark>" in page
    assert "一、一是" in page and "草稿" in page and "2025年度" in page and "工作成效" in page
    assert "&lt;b&gt;12&lt;/b&gt;" in page and "<b>12</b>" not in page  # the text is escaped


def test_the_top_bar_has_the_search_box_for_members(client, drafter):
    client.force_login(drafter)
    page = client.get(reverse("report_list")).content.decode()
    assert f'action="{reverse("search")}"' in page and 'name="q"' in page


def test_htmx_gets_the_results_partial(client, drafter, summary):
    client.force_login(drafter)
    response = client.get(reverse("search"), {"q": "绩效", "year": "2025"}, **HX)
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<div id="search-results"')
    assert "<mark>绩效</mark>" in body and "<html" not in body


@pytest.mark.parametrize(
    ("q", "message"),
    [("", "请输入要查找的词语"), ("税", "请至少输入两个字"), ("八项规定", "没有找到含“八项规定”的段落")],
)
def test_empty_short_and_unmatched_queries_say_so_in_chinese(client, drafter, summary, q, message):
    client.force_login(drafter)
    page = client.get(reverse("search"), {"q": q}).content.decode()
    assert message in page and "<mark>" not in page


def test_an_invalid_filter_is_reported_and_ignored(client, drafter, summary):
    client.force_login(drafter)
    page = client.get(
        reverse("search"), {"q": "绩效", "section_kind": "nonsense", "year": "abc"}
    ).content.decode()
    assert "没有这种章节类别" in page and "<mark>绩效</mark>" in page


def test_another_bureau_finds_nothing_of_ours(client, outsider, summary):
    client.force_login(outsider)
    page = client.get(reverse("search"), {"q": "预算绩效管理"}).content.decode()
    assert "没有找到" in page and "事前绩效评估" not in page and summary.title not in page


def test_a_user_without_membership_is_told_and_finds_nothing(client, summary, django_user_model):
    user = django_user_model.objects.create_user(username="nobody", password="pw-nobody")
    client.force_login(user)
    page = client.get(reverse("search"), {"q": "绩效管理"}).content.decode()
    assert "尚未加入任何财政局" in page and "事前绩效评估" not in page


def test_post_is_refused_and_anonymous_goes_to_login(client, drafter):
    assert client.get(reverse("search"), {"q": "绩效"}).status_code == 302
    client.force_login(drafter)
    assert client.post(reverse("search")).status_code == 405


# --- manage.py search_reports --------------------------------------------------------------------


def test_the_command_prints_hits_as_json_best_first(summary, drafter):
    out = io.StringIO()
    call_command("search_reports", "绩效管理", "--user", "drafter", "--json", stdout=out)
    hits = json.loads(out.getvalue())["hits"]
    assert hits[0] == {
        "report": summary.pk,
        "title": "2025年度工作总结",
        "year": 2025,
        "path": "一、一是",
        "snippet": hits[0]["snippet"],
        "score": hits[0]["score"],
    }
    assert "绩效管理" in hits[0]["snippet"]
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_the_command_prints_text_with_the_words_marked(summary, drafter):
    out = io.StringIO()
    call_command(
        "search_reports",
        "绩效管理",
        "--user",
        "drafter",
        "--year",
        "2025",
        "--kind",
        "annual_summary",
        stdout=out,
    )
    assert "《2025年度工作总结》 2025年度 一、一是" in out.getvalue() and "【绩效管理】" in out.getvalue()
    out = io.StringIO()
    call_command("search_reports", "绩效管理", "--user", "drafter", "--year", "2024", stdout=out)
    assert "没有找到" in out.getvalue()


def test_the_command_searches_with_the_users_permissions(summary, outsider):
    out = io.StringIO()
    call_command("search_reports", "绩效管理", "--user", outsider.username, "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"hits": []}


def test_the_command_refuses_an_unknown_user_or_kind_in_chinese(summary, drafter):
    with pytest.raises(CommandError, match="没有用户“ghost”"):
        call_command("search_reports", "绩效", "--user", "ghost")
    with pytest.raises(CommandError, match="没有“essay”这种报告类型"):
        call_command("search_reports", "绩效", "--user", "drafter", "--kind", "essay")


def test_search_reindex_rebuilds_the_index(summary):
    out = io.StringIO()
    call_command("search_reindex", stdout=out)
    assert "报告 1 份，段落 2 条" in out.getvalue()
    with pytest.raises(CommandError, match="没有名为"):
        call_command("search_reindex", "--bureau", "不存在的局")


# --- the index update of an autosave, after the response -----------------------------------------


def test_work_left_for_after_the_response_runs_when_the_response_is_closed(rf):
    ran = []

    def view(request):
        assert run_after_response(lambda: ran.append("after"))
        ran.append("view")
        return HttpResponse("ok")

    response = AfterResponseMiddleware(view)(rf.get("/"))
    assert ran == ["view"]  # the response is ready, the work is not done yet
    # What the server does once the last byte is sent; without closing the test's database
    # connection, as Django's test client does it.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert ran == ["view", "after"]
    assert run_after_response(lambda: None) is False  # outside a request: the caller runs it


@pytest.mark.django_db(transaction=True)
def test_an_autosave_is_searchable_once_its_response_is_sent(client, drafter, kinds):
    report = report_services.report_create_from_content(
        user=drafter, bureau=drafter.membership.bureau, kind=kinds["annual_summary"], content=CONTENT
    )
    block = Block.objects.get(report=report, type="point")
    client.force_login(drafter)
    response = client.post(
        reverse("block_save", args=[block.pk]),
        {"version": str(block.version), "text": "推进直达资金监控。"},
        **HX,
    )
    assert response.status_code == 200
    hits = search_selectors.search(user=drafter, q="直达资金").hits
    assert [(h.report.pk, h.path) for h in hits] == [(report.pk, "一、一是")]
