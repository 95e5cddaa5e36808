"""The 指标库 import in headless Chromium: upload, preview, 确认导入 double-clicked."""

from __future__ import annotations

import pytest
from browsing import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = "指标名称,数值,单位,小数位\n新增测试指标,12.5,亿元,1\n一般公共预算收入,190.2,亿元,1\n坏 名称,1,亿元,1\n"


def test_a_double_clicked_import_confirm_keeps_the_table(page):  # noqa: F811
    from playwright.sync_api import expect

    from reports.models import Metric

    login(page)
    page.goto("/metrics/?year=2025")
    rows = page.locator("#metric-table .metric-item")
    before = rows.count()
    page.set_input_files(
        "input[name=file]", files=[{"name": "指标.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.click("button:has-text('预览导入')")
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("新增 1 项，更新 1 项")
    expect(preview).to_contain_text("数值 186.4 → 190.2")
    expect(preview).to_contain_text("第4行：指标名称只能由汉字、字母、数字和下划线组成")

    preview.locator("button:has-text('确认导入')").dblclick()
    expect(page.locator("#metric-table .notice")).to_contain_text("导入完成：新增1项，更新1项。")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#metric-table")).to_be_visible()
    expect(rows).to_have_count(before + 1)
    expect(page.locator("#metric-table input[value='新增测试指标']")).to_be_visible()
    expect(page.locator("text=没有待导入的数据")).to_have_count(0)
    expect(page.locator("#import-preview button:has-text('确认导入')")).to_have_count(0)
    assert str(Metric.objects.get(year=2025, name="一般公共预算收入").value).startswith("190.2")
