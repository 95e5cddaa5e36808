"""The 指标库 pages: inline edit, add, delete with usage warning, import with preview, the picker,
placeholders shown with current values in the editor, and exact / masked exports."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.models import Export, Metric, SensitiveTerm
from reports.selectors import metrics as metric_selectors
from reports.services import exports as export_services
from reports.services import reports as report_services

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def placeholder_block(report, income, drafter):
    section = report.blocks.get(parent=None, position=2)
    block = report_services.block_add(report=report, type="point", parent=section, user=drafter)
    return report_services.block_save(
        block=block,
        version=1,
        data={
            "title": "挖潜增收",
            "text": "全年一般公共预算收入完成{{一般公共预算收入}}亿元，同比{{一般公共预算收入.增减}}，完成年初预算的{{一般公共预算收入.完成预算}}%。",
        },
        user=drafter,
    )


def test_the_metric_list_and_inline_update(client, drafter, income):
    client.force_login(drafter)
    page = client.get(reverse("metric_list") + "?year=2025").content.decode()
    assert "一般公共预算收入" in page and "186.4" in page and "metric-head" in page
    data = {
        "name": "一般公共预算收入",
        "value": "190.25",
        "unit": "亿元",
        "decimals": "2",
        "prior_value": "175.5",
        "budget_value": "",
        "source": "国库科",
        "status": "confirmed",
    }
    response = client.post(reverse("metric_update", args=[income.pk]), data, **HX)
    assert response.status_code == 200 and "已保存" in response.content.decode()
    income.refresh_from_db()
    assert income.value == Decimal("190.25") and income.budget_value is None and income.version == 2


def test_a_bad_number_is_refused_in_chinese_and_changes_nothing(client, drafter, income):
    client.force_login(drafter)
    data = {
        "name": "一般公共预算收入",
        "value": "约400",
        "unit": "亿元",
        "decimals": "1",
        "status": "confirmed",
    }
    response = client.post(reverse("metric_update", args=[income.pk]), data, **HX)
    assert response.status_code == 422 and "请输入数字" in response.content.decode()
    assert 'value="约400"' in response.content.decode()  # the typed text stays in the row
    income.refresh_from_db()
    assert income.value == Decimal("186.4")


@pytest.mark.parametrize("name", ["一般 公共", "1收入", "收入(全口径)", "{{x}}", ""])
def test_metric_names_must_be_placeholder_names(client, drafter, report, name):
    client.force_login(drafter)
    response = client.post(
        reverse("metric_create"),
        {"year": "2025", "name": name, "unit": "亿元", "decimals": "1", "status": "provisional"},
        **HX,
    )
    assert response.status_code == 422
    assert not Metric.objects.exists()


def test_add_and_delete_with_a_usage_warning(client, drafter, placeholder_block, income, report):
    client.force_login(drafter)
    response = client.post(
        reverse("metric_create"),
        {
            "year": "2025",
            "name": "税收收入",
            "value": "142.7",
            "unit": "亿元",
            "decimals": "1",
            "status": "confirmed",
        },
        **HX,
    )
    assert response.status_code == 200 and "税收收入" in response.content.decode()
    confirm = client.get(reverse("metric_delete", args=[income.pk]), **HX).content.decode()
    assert "正被以下报告引用" in confirm and report.title in confirm
    tax = Metric.objects.get(name="税收收入")
    assert "未被任何报告引用" in client.get(reverse("metric_delete", args=[tax.pk]), **HX).content.decode()
    client.post(reverse("metric_delete", args=[income.pk]), **HX)
    assert not Metric.objects.filter(pk=income.pk).exists()


def test_import_previews_then_saves_only_on_confirm(client, drafter, report, income):
    client.force_login(drafter)
    csv = "指标名称,数值,单位,小数位,上年同期,年初预算,来源,状态\n一般公共预算收入,190.1,亿元,1,175.5,182.2,国库科,已确认\n税收收入,142.7,亿元,1,,,,预计\n坏数字,abc,亿元,1,,,,\n"
    upload = io.BytesIO(csv.encode("utf-8"))
    upload.name = "指标.csv"
    response = client.post(reverse("metric_import"), {"year": "2025", "file": upload}, **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "新增 <b>1</b> 项" in body and "更新 <b>1</b> 项" in body and "拒绝 <b>1</b> 行" in body
    assert Metric.objects.count() == 1 and Metric.objects.get().value == Decimal("186.4")  # nothing saved yet
    response = client.post(reverse("metric_import_confirm"), {"year": "2025"}, **HX)
    assert "新增1项，更新1项" in response.content.decode()
    assert Metric.objects.get(name="一般公共预算收入").value == Decimal("190.1")
    assert Metric.objects.get(name="税收收入").status == Metric.Status.PROVISIONAL


def test_a_non_spreadsheet_changes_nothing(client, drafter, income):
    client.force_login(drafter)
    upload = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    upload.name = "指标.xlsx"
    response = client.post(reverse("metric_import"), {"year": "2025", "file": upload}, **HX)
    assert response.status_code == 422 and "xlsx" in response.content.decode()
    assert Metric.objects.count() == 1
    # Nothing pending: the table stays (tests/browser/test_metrics_browser.py clicks 确认导入 twice).
    again = client.post(reverse("metric_import_confirm"), {"year": "2025"}, **HX)
    assert again.status_code == 200 and 'id="metric-table"' in again.content.decode()
    assert "一般公共预算收入" in again.content.decode() and "无需再次确认" in again.content.decode()


def test_the_picker_searches_the_reports_metrics(client, drafter, report, income):
    client.force_login(drafter)
    body = client.get(reverse("metric_picker", args=[report.pk]) + "?q=公共", **HX).content.decode()
    assert 'data-insert="一般公共预算收入"' in body and "186.4亿元" in body
    body = client.get(reverse("metric_picker", args=[report.pk]) + "?q=土地", **HX).content.decode()
    assert "没有名称含“土地”的指标" in body


def test_the_editor_shows_current_values_and_a_metric_change_flows_in(
    client, drafter, report, placeholder_block, income
):
    client.force_login(drafter)
    page = client.get(reverse("report_edit", args=[report.pk])).content.decode()
    assert '<mark class="ph"' in page and ">186.4<" in page and ">增长6.2%<" in page and ">102.3<" in page
    Metric.objects.filter(pk=income.pk).update(value=Decimal("170.0"))
    page = client.get(reverse("report_edit", args=[report.pk])).content.decode()
    assert ">170.0<" in page and ">下降3.1%<" in page


def test_a_missing_value_shows_a_mask_and_a_warning(client, drafter, report, placeholder_block, income):
    Metric.objects.filter(pk=income.pk).update(value=None)
    client.force_login(drafter)
    page = client.get(reverse("report_edit", args=[report.pk])).content.decode()
    assert "**" in page and "尚无数值" in page


def test_a_hostile_placeholder_is_an_error_on_the_block_not_a_server_error(client, drafter, report):
    client.force_login(drafter)
    section = report.blocks.get(parent=None, position=0)
    block = report_services.block_add(report=report, type="paragraph", parent=section, user=drafter)
    response = client.post(
        reverse("block_save", args=[block.pk]), {"version": "1", "text": "{{ ''.__class__.__mro__ }}"}, **HX
    )
    assert response.status_code == 200
    assert 'class="ph error"' in response.content.decode()
    page = client.get(reverse("report_edit", args=[report.pk]))
    assert page.status_code == 200


def test_editor_and_render_queries_do_not_grow_with_placeholders(
    client, drafter, report, income, django_assert_max_num_queries
):
    section = report.blocks.get(parent=None, position=0)
    for _ in range(30):
        block = report_services.block_add(report=report, type="paragraph", parent=section, user=drafter)
        report_services.block_save(
            block=block,
            version=1,
            data={"text": "{{一般公共预算收入}}亿元，同比{{一般公共预算收入.增减}}"},
            user=drafter,
        )
    client.force_login(drafter)
    with django_assert_max_num_queries(18):  # as test_views: the editor's 18
        client.get(reverse("report_edit", args=[report.pk]))
    with django_assert_max_num_queries(8):
        export_services.report_render(report=report)


def read_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return package.read("word/document.xml").decode()


def test_exact_and_masked_renders(report, placeholder_block, income, drafter):
    SensitiveTerm.objects.create(bureau=report.bureau, term="东湖新区")
    report_services.report_update_fields(
        report=report, data={"opening": "2025年，东湖新区财政工作稳步推进。"}, user=drafter
    )
    name, exact = export_services.report_render(report=report)
    assert "186.4亿元" in read_text(exact) and "增长6.2%" in read_text(exact) and "102.3%" in read_text(exact)
    name, masked = export_services.report_render(report=report, masked=True, mask_years=True)
    text = read_text(masked)
    assert "***.*亿元" in text and "增长*.*%" in text and "***.*%" in text
    assert "186.4" not in text and "6.2" not in text and "东湖新区" not in text and "****年" in text
    assert name == "＊＊＊＊年度述职报告（局长 王建国）（脱敏稿）.docx"


def test_a_metrics_only_export_refuses_to_leak_a_hand_typed_metric_figure_the_default_masks_it(
    report, placeholder_block, income, drafter, django_capture_on_commit_callbacks
):
    report_services.report_update_fields(
        report=report, data={"closing": "收入186.4亿元的成绩来之不易。"}, user=drafter
    )
    with django_capture_on_commit_callbacks(execute=True):
        export = export_services.export_request(
            report=report, user=drafter, masked=True, metrics_only=True, confirmed=True
        )
    export.refresh_from_db()
    assert (
        export.status == Export.Status.FAILED and "脱敏检查未通过" in export.error and "186.4" in export.error
    )
    assert export.content is None
    with django_capture_on_commit_callbacks(execute=True):
        export = export_services.export_request(report=report, user=drafter, masked=True, confirmed=True)
    export.refresh_from_db()
    assert export.status == Export.Status.DONE, export.error
    assert "186.4" not in read_text(bytes(export.content))


def test_an_export_freezes_the_metric_values_it_used(report, placeholder_block, income, drafter):
    export = export_services.export_request(
        report=report, user=drafter, confirmed=True
    )  # queued (on commit), not run yet
    Metric.objects.filter(pk=income.pk).update(value=Decimal("1.0"))
    export_services.export_run(export_id=export.pk)
    export.refresh_from_db()
    assert "186.4亿元" in read_text(bytes(export.content))
    assert metric_selectors.metric_values_for_report(report)["一般公共预算收入"].value == Decimal("1.0")


def test_text_and_values_are_escaped_for_html_and_word(client, drafter, report, income):
    section = report.blocks.get(parent=None, position=0)
    block = report_services.block_add(report=report, type="paragraph", parent=section, user=drafter)
    report_services.block_save(
        block=block, version=1, data={"text": "R&D <w:p> 投入{{一般公共预算收入}}亿元"}, user=drafter
    )
    client.force_login(drafter)
    page = client.get(reverse("report_edit", args=[report.pk])).content.decode()
    assert "R&amp;D &lt;w:p&gt; 投入" in page and "<w:p>" not in page
    _name, content = export_services.report_render(report=report)
    xml = read_text(content)
    assert "R&amp;D &lt;w:p&gt; 投入186.4亿元" in xml


@pytest.mark.parametrize("name", ["一般 公共预算收入", "<script>alert(1)</script>", "=cmd|' /C calc'!A0"])
def test_the_form_and_the_import_refuse_the_same_names_with_the_same_reason(client, drafter, name):
    client.force_login(drafter)
    added = client.post(reverse("metric_create"), {"year": "2025", "name": name, "unit": "亿元", "decimals": "1",
                                                   "status": "confirmed"}, **HX).content.decode()  # fmt: skip
    reason = "指标名称只能由汉字、字母、数字和下划线组成，且不能以数字开头（不能含空格或标点）"
    assert reason in added
    upload = io.BytesIO(f"指标名称,数值,单位\n{name},12,亿元\n民生支出,3,亿元\n".encode())
    upload.name = "指标.csv"
    preview = client.post(reverse("metric_import"), {"year": "2025", "file": upload}, **HX).content.decode()
    assert "拒绝 <b>1</b> 行" in preview and f"第2行：{reason}" in preview
    assert "<script>alert" not in preview  # shown, escaped, never run
    client.post(reverse("metric_import_confirm"), {"year": "2025"}, **HX)
    assert list(Metric.objects.values_list("name", flat=True)) == ["民生支出"]


def test_the_import_preview_speaks_chinese_with_the_metrics_decimals(client, drafter, income):
    client.force_login(drafter)
    upload = io.BytesIO(
        "指标名称,数值,单位,小数位,上年同期,年初预算\n一般公共预算收入,190.2,亿元,1,175.5,\n".encode()
    )
    upload.name = "指标.csv"
    preview = client.post(reverse("metric_import"), {"year": "2025", "file": upload}, **HX).content.decode()
    assert "一般公共预算收入：数值 186.4 → 190.2；年初预算 182.2 → 空" in preview
    shown = re.sub(r"<[^>]+>", "", preview)  # the text the user reads
    assert "value" not in shown and "budget" not in shown and "186.400000" not in shown
