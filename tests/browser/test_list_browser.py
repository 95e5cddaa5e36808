"""The report list in headless Chromium: search swaps the results and keeps the URL; a drafter
deletes a draft, it is gone after a reload, and comes back from the 回收站."""

from __future__ import annotations

import re

import pytest
from browsing import login
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_delete_and_restore_from_the_trash(page):  # noqa: F811
    page.on("dialog", lambda dialog: dialog.accept())  # 确定删除…？
    login(page)
    rows = page.locator("#report-results tbody tr")
    everything = rows.count()
    page.fill("#report-filters input[name=q]", "述职")
    # No wait_for_function: evaluating a string is eval, which the CSP refuses.
    page.wait_for_url(re.compile(r"[?&]q="))
    expect(rows).not_to_have_count(everything)
    assert all("述职" in t for t in rows.locator("td:first-child a").all_inner_texts())
    page.reload()  # the URL is the bookmark
    assert page.input_value("#report-filters input[name=q]") == "述职"

    row = rows.filter(has=page.locator("button:has-text('删除')")).first
    title = row.locator("td:first-child a").inner_text()
    row.locator("button:has-text('删除')").click()
    page.wait_for_selector(f"text=《{title}》已移入回收站")
    page.goto("/")
    assert title not in page.locator("#report-results").inner_text()

    page.click("a:has-text('回收站（1）')")
    page.locator("tr", has_text=title).locator("button:has-text('恢复')").click()
    page.wait_for_selector(f"text=《{title}》已恢复")
    page.click("text=打开报告")
    page.wait_for_selector("#outline")
    assert page.input_value("input[name=title]") == title
