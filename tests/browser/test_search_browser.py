"""Search in headless Chromium: the top bar's box finds a passage of the demo reports with the words
marked, a filter swaps the results and keeps the URL, a one-character query says why, and a hit opens
the editor at its block; the page fits a 375 px wide phone."""

from __future__ import annotations

import re

import pytest
from browsing import login
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 375])
def test_search_filter_and_open_a_hit_at_its_block(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page)
    page.fill(".topbar-search input[name=q]", "预算绩效管理")
    page.press(".topbar-search input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    hits = page.locator("#search-results .hit")
    expect(hits.first).to_be_visible()
    assert page.locator(".hit-snippet mark").first.inner_text() == "预算绩效管理"
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    everything = hits.count()
    page.select_option("#search-form select[name=section_kind]", "plans")
    page.wait_for_url(re.compile(r"section_kind=plans"))
    expect(hits).not_to_have_count(everything)
    assert all(t == "下步打算" for t in page.locator(".hit-meta span:nth-child(4)").all_inner_texts())

    page.fill("#search-form input[name=q]", "税")
    page.press("#search-form input[name=q]", "Enter")
    expect(page.locator("#search-results")).to_contain_text("请至少输入两个字")

    page.select_option("#search-form select[name=section_kind]", "")
    page.fill("#search-form input[name=q]", "三会一课")
    page.press("#search-form input[name=q]", "Enter")
    first = page.locator(".hit-title").first
    expect(first).to_be_visible()
    anchor = first.get_attribute("href").split("#")[1]
    first.click()
    page.wait_for_selector("#outline")
    block = page.locator(f"#{anchor}")
    expect(block).to_be_in_viewport()
    assert "三会一课" in block.inner_text() or "三会一课" in block.locator("textarea").first.input_value()
