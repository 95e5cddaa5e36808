"""Views of 去年同节: the lazy panel, 插入, the source on the review page, the copied-text flag, and
the editor's query count with last year's report present."""

from __future__ import annotations

import pytest
from django.urls import reverse
from reuse_data import COPIED_TEXT, last_year_content

from reports.models import Block
from reports.services import reports as report_services
from reports.services import workflow as workflow_services

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def last(report, drafter):
    return report_services.report_create_from_content(
        user=drafter, bureau=report.bureau, kind=report.kind, content=last_year_content()
    )


def _renamed_section(report):
    return report.blocks.get(parent=None, title="聚焦主责主业，在“干”上见行见效")


def test_the_editor_shows_folded_last_year_headings_without_loading_them(client, report, last, drafter):
    client.force_login(drafter)
    page = client.get(reverse("report_edit", args=[report.pk])).content.decode()
    assert "去年同节：一、聚焦主责主业，在“干”上见实效" in page
    assert "去年同节：去年报告中没有对应的章节" in page  # 落实廉政责任 has none
    assert page.count('hx-trigger="toggle from:#last-year-') == report.blocks.filter(type="heading").count()
    assert "171.3" not in page  # the passages come only when the panel is opened


def test_the_lazy_panel_lists_last_years_passages_with_insert(client, report, last, drafter):
    client.force_login(drafter)
    response = client.get(reverse("last_year_section", args=[_renamed_section(report).pk]), **HX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "2024年度述职报告 一、聚焦主责主业" in body and "171.3亿元" in body and body.count(">插入<") == 2
    assert "从去年的其他章节中选择" in body


def test_the_panel_without_a_counterpart_offers_last_years_sections(client, report, last, drafter):
    client.force_login(drafter)
    section = report.blocks.get(parent=None, title="落实廉政责任，在“廉”上聚心聚力")
    body = client.get(reverse("last_year_section", args=[section.pk]), **HX).content.decode()
    assert "去年报告中没有对应的章节" in body and "?section=" in body
    picked = last.blocks.get(parent=None, position=1)
    body = client.get(
        reverse("last_year_section", args=[section.pk]), {"section": picked.pk}, **HX
    ).content.decode()
    assert "坚持把党的政治建设摆在首位" in body


def test_a_leader_sees_the_panel_without_insert(client, report, last, wang):
    client.force_login(wang)
    body = client.get(reverse("last_year_section", args=[_renamed_section(report).pk]), **HX).content.decode()
    assert "171.3亿元" in body and ">插入<" not in body


def test_the_panel_without_last_years_report(client, report, drafter):
    client.force_login(drafter)
    body = client.get(reverse("last_year_section", args=[_renamed_section(report).pk]), **HX).content.decode()
    assert "没有找到去年同类、同一主体的报告" in body


def test_insert_posts_the_paragraph_and_answers_the_new_block(client, report, last, drafter, income):
    client.force_login(drafter)
    section = _renamed_section(report)
    source = last.blocks.get(title="抓收入")
    data = {"source_report": last.pk, "source_block": source.pk}
    response = client.post(reverse("block_reuse", args=[section.pk]), data, **HX)
    body = response.content.decode()
    # issue 14: the new block at the end of its section and the outline, out of band; no document
    assert response.status_code == 200 and 'id="document"' not in body
    assert f'hx-swap-oob="beforebegin:#block-{section.pk} &gt; .children &gt; .add-row"' in body
    assert "3处数字已转为本年指标，1处数字为手工录入" in body
    assert "引自2024年度述职报告 一、一是" in body and "{{一般公共预算收入}}" in body
    assert client.get(reverse("block_reuse", args=[section.pk])).status_code == 405


def test_insert_of_an_unknown_source_is_refused_in_chinese(client, report, last, drafter):
    client.force_login(drafter)
    section = _renamed_section(report)
    before = Block.objects.count()
    response = client.post(
        reverse("block_reuse", args=[section.pk]), {"source_report": last.pk, "source_block": "x"}, **HX
    )
    assert response.status_code == 422 and "所引用的段落已不存在" in response.content.decode()
    response = client.post(
        reverse("block_reuse", args=[section.pk]), {"source_report": 999999, "source_block": 1}, **HX
    )
    assert response.status_code == 403 and "无权查看" in response.content.decode()
    assert Block.objects.count() == before


def test_an_outsider_gets_404(client, report, last, outsider):
    client.force_login(outsider)
    section = _renamed_section(report)
    assert client.get(reverse("last_year_section", args=[section.pk]), **HX).status_code == 404
    assert client.post(reverse("block_reuse", args=[section.pk]), {}, **HX).status_code == 404


def test_the_check_panel_flags_a_copied_paragraph_with_a_link(client, report, last, drafter):
    section = _renamed_section(report)
    point = report_services.block_add(report=report, type="point", parent=section, user=drafter)
    report_services.block_save(
        block=point, version=1, data={"text": COPIED_TEXT.replace("36个", "40个")}, user=drafter
    )
    client.force_login(drafter)
    outline = client.get(reverse("report_edit", args=[report.pk])).content.decode()
    assert f'<li data-block="{point.pk}"><a href="#block-{point.pk}"' in outline
    assert "与2024年度述职报告 一、二是 相似度 9" in outline


def test_the_review_page_shows_where_a_paragraph_came_from(client, report, last, drafter, wang):
    client.force_login(drafter)
    section = _renamed_section(report)
    client.post(
        reverse("block_reuse", args=[section.pk]),
        {"source_report": last.pk, "source_block": last.blocks.get(title="抓绩效").pk},
        **HX,
    )
    revision = workflow_services.report_submit(report=report, user=drafter)
    client.force_login(wang)
    page = client.get(reverse("report_review", args=[report.pk])).content.decode()
    assert revision.number == 1 and "引自2024年度述职报告 一、二是" in page


def test_the_editor_with_last_years_report_stays_within_its_query_budget(
    client, report, last, drafter, django_assert_max_num_queries
):
    for section in report.blocks.filter(parent=None):
        for _ in range(5):
            report_services.block_add(report=report, type="point", parent=section, user=drafter)
    client.force_login(drafter)
    with django_assert_max_num_queries(18):  # as test_views: last year's report and its blocks are 2
        page = client.get(reverse("report_edit", args=[report.pk])).content.decode()
    assert "去年同节：" in page
