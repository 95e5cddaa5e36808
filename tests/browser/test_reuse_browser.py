"""去年同节 in Chromium on the demo: open it beside a section, 插入 a paragraph of last year's, see it
with its placeholders and source (1280 and 375 px)."""

from __future__ import annotations

import pytest
from browsing import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1280, 375])
def test_insert_a_paragraph_of_last_years_section(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page)
    page.click("text=示范市财政局2025年度工作总结")
    page.wait_for_selector("ul.copied li")  # the demo's nearly copied 预算绩效 point is flagged
    assert "相似度" in page.locator("ul.copied li").first.inner_text()
    panel = page.locator("details.last-year", has_text="去年同节：一、（三）抓收支").first
    panel.locator("summary").click()
    passage = panel.locator(".last-year-passage").first
    passage.wait_for()
    assert "171.3亿元" in passage.inner_text()
    passage.locator("button", has_text="插入").click()
    page.wait_for_selector("text=处数字已转为本年指标")
    note = page.locator(".source-note", has_text="引自示范市财政局2024年度工作总结 一、（三）")
    note.wait_for()
    block = page.locator(".block-paragraph", has=note)
    assert "{{一般公共预算收入}}" in block.locator("textarea").input_value()
    assert "2025年" in block.locator("textarea").input_value()
    page.screenshot(path=f"/tmp/shots_reuse/browser_insert_{width}.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
