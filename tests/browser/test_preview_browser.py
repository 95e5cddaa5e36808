"""The PDF preview in headless Chromium: from the editor's 「PDF预览」 the progress, then the Word
file's pages as images; on a 375 px phone each page fills the width and nothing is wider than it."""

from __future__ import annotations

import pytest
from browsing import login

from reports.models import Preview, Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_preview_from_the_editor_shows_every_page_and_fits_a_phone(page):
    from playwright.sync_api import expect

    report = Report.objects.filter(department__name="办公室").order_by("pk").first()
    login(page)
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"/reports/{report.pk}/")
    with page.context.expect_page() as opened:
        page.click("a:has-text('PDF预览')")
    preview_page = opened.value
    preview_page.set_viewport_size({"width": 375, "height": 812})  # a new tab has the context's size
    preview_page.set_default_timeout(60_000)
    # The first answer shows the progress (the worker — eager here — has not reported yet), then the pages.
    expect(preview_page.locator("#preview-body")).to_be_visible()
    images = preview_page.locator(".pdf-pages img")
    expect(images.first).to_be_visible()
    preview = Preview.objects.get(report=report, masked=False)
    assert preview.status == Preview.Status.DONE and preview.page_count >= 2
    expect(images).to_have_count(preview.page_count)
    expect(preview_page.locator(".pdf-page-number").first).to_have_text(
        f"第 1 页 / 共 {preview.page_count} 页"
    )
    expect(preview_page.locator("a", has_text="下载 PDF")).to_be_visible()

    loaded = preview_page.evaluate(
        "() => { const i = document.querySelector('.pdf-pages img'); return i.complete && i.naturalWidth }"
    )
    assert loaded > 0  # the image was served and decoded
    widths = preview_page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " document.querySelector('.pdf-pages img').getBoundingClientRect().width]"
    )
    page_width, viewport, image = widths
    assert page_width <= viewport == 375 and 340 <= image <= 375  # fills the phone's width, no wider

    preview_page.click("nav.pdf-kinds a:has-text('脱敏稿')")
    expect(preview_page.locator(".pdf-pages img").first).to_be_visible()
    expect(preview_page.locator("h1")).to_contain_text("脱敏稿")
