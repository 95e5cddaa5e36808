"""The 材料汇编 flow in headless Chromium with real Celery workers: a leader selects, orders, builds,
watches the parts finish one by one, downloads, opens the PDF preview; the same on a phone
(375 × 812)."""

from __future__ import annotations

import pytest
from browsing import login
from drafts import approve, demo_reports
from packetdocx import toc_entries
from playwright.sync_api import expect
from workers import running_worker

from bureau.celery import app as celery_app
from reports.core.packet import toc_text
from reports.models import Packet, Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def _approved() -> list[Report]:
    reports = demo_reports()[:3]
    for report in reports:
        approve(report)
    return [Report.objects.get(pk=r.pk) for r in reports]


def _build(page, live_server, meeting: str) -> list[str]:
    """As the leader: open 新建材料汇编, move the first report down, build as Word. Returns the
    titles in the order the page showed them when the form was sent."""
    login(page, "leader", "leader-demo-2025")
    page.click("nav >> text=材料汇编")
    page.click("text=新建材料汇编")
    rows = page.locator("[data-row]")
    expect(rows).to_have_count(3)
    before = rows.locator("b").all_inner_texts()
    rows.nth(0).locator("[data-move=down]").click()
    after = rows.locator("b").all_inner_texts()
    assert after == [before[1], before[0], before[2]]
    page.fill("input[name=meeting]", meeting)
    page.check("input[name=format][value=docx]")
    page.click("button:has-text('生成材料汇编')")
    page.wait_for_url("**/packets/*/")
    return after


def _watch_and_download(page, tmp_path) -> bytes:
    """Wait for the packet, noting the progress texts seen on the way; download it."""
    seen = set()
    for _ in range(600):
        state = page.locator(".packet-state").inner_text()
        seen.add(state)
        if page.locator("a.download").count():
            break
        page.wait_for_timeout(100)
    assert any("已完成" in s and "/3 份" in s for s in seen), seen  # n/N while the parts render
    assert page.locator("a.download").count(), seen
    with page.expect_download() as info:
        page.click("a.download")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path.read_bytes()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_leader_builds_a_packet_and_watches_it_part_by_part(browser, live_server, tmp_path, viewport):
    reports = _approved()
    celery_app.conf.task_always_eager = False  # (restored by tests/conftest.py)
    context = browser.new_context(
        base_url=live_server.url,
        accept_downloads=True,
        locale="zh-CN",
        viewport=viewport or {"width": 1280, "height": 900},
        is_mobile=viewport is not None,
        has_touch=viewport is not None,
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        with running_worker(2):
            order = _build(page, live_server, "2025年度述职述廉会议")
            content = _watch_and_download(page, tmp_path)
            if viewport:
                assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            page.click("text=PDF预览")
            pages = page.locator(".pdf-pages img")
            expect(pages.first).to_be_visible(timeout=120_000)
            count = pages.count()
            width = page.evaluate("document.documentElement.scrollWidth")
            first_width = pages.first.bounding_box()["width"]
    finally:
        context.close()
    packet = Packet.objects.get()
    assert packet.status == Packet.Status.DONE
    by_title = {r.title: r for r in reports}
    expected = [toc_text(by_title[title].approved_revision.snapshot) for title in order]
    assert [text for text, _ in toc_entries(content)] == expected
    # The preview shows every page of the packet (cover, 目录, the three reports), phone-wide.
    last = packet.parts.order_by("position").last()
    assert count == toc_entries(content)[-1][1] + last.page_count - 1
    if viewport:
        assert width <= PHONE["width"] and first_width >= PHONE["width"] - 40
    assert errors == []
