"""Exporting (the warning before an export) and the print preview, as the user meets them."""

from __future__ import annotations

import io
import re
from html import unescape

import docx
import pytest
from django.urls import reverse

from reports.models import Export, Metric
from reports.services import exports as export_services
from reports.services import reports as report_services

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def filled(report, income, drafter):
    """The report with a point per section filled in: one figure from the 指标库, one typed by hand."""
    for position, section in enumerate(report.blocks.filter(parent=None).order_by("position")):
        for child in section.children.all():
            report_services.block_delete(block=child, user=drafter)
        point = report_services.block_add(report=report, type="point", parent=section, user=drafter)
        text = "全年收入{{一般公共预算收入}}亿元，压减8.5%。" if position == 0 else "扎实推进各项工作。"
        report_services.block_save(
            block=point, version=1, data={"title": "抓落实", "text": text}, user=drafter
        )
    report.refresh_from_db()
    return report


def paragraphs(html: str) -> list[str]:
    return [
        unescape(re.sub(r"<[^>]+>", "", p)).strip()
        for p in re.findall(r'<p class="gw [^"]*">(.*?)</p>', html)
    ]


def test_a_complete_report_exports_at_once(client, filled, drafter, django_capture_on_commit_callbacks):
    client.force_login(drafter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("export_create", args=[filled.pk]), {"masked": "0"}, **HX)
    assert "仍然导出" not in response.content.decode()
    assert Export.objects.get(report=filled).status == Export.Status.DONE


def test_an_exact_export_names_each_star_and_empty_point_first(
    client, filled, income, drafter, django_capture_on_commit_callbacks
):
    client.force_login(drafter)
    Metric.objects.filter(pk=income.pk).update(value=None)
    second = filled.blocks.filter(parent=None).order_by("position")[1]
    report_services.block_add(
        report=filled, type="point", parent=second, user=drafter
    )  # 二、二是, left empty
    url = reverse("export_create", args=[filled.pk])

    response = client.post(url, {"masked": "0"}, **HX)
    page = response.content.decode()
    assert response.status_code == 200 and 'id="export-panel"' in page
    assert "一、一是：指标“一般公共预算收入”尚无数值，将显示为 **" in page
    assert "二、二是：内容为空" in page
    assert "仍然导出" in page and "返回修改" in page
    assert not Export.objects.filter(report=filled).exists()  # nothing recorded until confirmed

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"masked": "0", "confirmed": "1"}, **HX)
    export = Export.objects.get(report=filled)
    assert response.status_code == 200 and export.status == Export.Status.DONE, export.error


def test_a_masked_export_warns_of_empty_points_and_of_only_metrics_masked(client, filled, drafter):
    client.force_login(drafter)
    url = reverse("export_create", args=[filled.pk])
    second = filled.blocks.filter(parent=None).order_by("position")[1]
    report_services.block_add(report=filled, type="point", parent=second, user=drafter)
    page = client.post(url, {"masked": "1"}, **HX).content.decode()
    assert "二、二是：内容为空" in page and "尚无数值" not in page and 'name="masked" value="1"' in page
    page = client.post(url, {"masked": "1", "metrics_only": "on"}, **HX).content.decode()
    assert "已选择“仅脱敏指标”：手工录入的 1 处数字（如“8.5%”）将原样出现在脱敏稿中" in page
    assert 'name="metrics_only" value="on"' in page  # 仍然导出 keeps the options
    assert not Export.objects.filter(report=filled).exists()


def test_the_print_preview_says_what_the_word_file_says(client, filled, drafter):
    client.force_login(drafter)
    url = reverse("report_preview", args=[filled.pk])
    for query, options in (
        ({}, {}),
        ({"masked": "1"}, {"masked": True}),
        ({"masked": "1", "mask_years": "on"}, {"masked": True, "mask_years": True}),
        ({"masked": "1", "metrics_only": "on"}, {"masked": True, "metrics_only": True}),
    ):
        page = client.get(url, query).content.decode()
        shown = [p for p in paragraphs(page) if p]
        name, content = export_services.report_render(report=filled, **options)
        word = [p.text for p in docx.Document(io.BytesIO(content)).paragraphs if p.text.strip()]
        assert shown == word, query
        assert name in page and "{{" not in page

    exact = client.get(url).content.decode()
    assert "全年收入186.4亿元，压减8.5%。" in exact
    masked = client.get(url, {"masked": "1"}).content.decode()
    assert "全年收入***.*亿元，压减*.*%。" in masked and "2025年度述职报告" in masked
    only_metrics = client.get(url, {"masked": "1", "metrics_only": "on"}).content.decode()
    assert "全年收入***.*亿元，压减8.5%。" in only_metrics


def test_the_preview_is_as_protected_as_the_report(client, filled, outsider):
    client.force_login(outsider)
    assert client.get(reverse("report_preview", args=[filled.pk]), {"masked": "1"}).status_code == 404
