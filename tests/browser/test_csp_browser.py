"""The Content-Security-Policy in headless Chromium: the login, editor, review, preview, metrics,
dashboard and admin pages run with no violation, autosave still saves, and the export
confirmation's 返回修改 (a handler moved out of hx-on into app.js) still works."""

from __future__ import annotations

import pytest
from browsing import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium reports a blocked script/style/eval on the console; the event catches the rest.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sample);
});
"""


def watch(tab, problems: list[str]) -> None:
    """Appends every CSP violation and uncaught script error of `tab` to `problems`."""
    tab.add_init_script(REPORT_VIOLATIONS)
    tab.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and ("Content Security Policy" in m.text or "CSP violation" in m.text)
            else None
        ),
    )
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))


def test_no_page_violates_the_csp_and_autosave_still_works(page, browser, live_server):  # noqa: F811
    from playwright.sync_api import expect

    from reports.models import Report

    problems: list[str] = []
    watch(page, problems)
    response = page.goto("/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    login(page)
    report = Report.objects.get(title="2025年度述职报告")

    page.goto(f"/reports/{report.pk}/")
    section = page.locator("#document > .block-heading").first
    points = section.locator(":scope > .children > .block-point")
    count = points.count()
    section.locator(":scope > .children > .add-row button", has_text="要点").click()
    expect(points).to_have_count(count + 1)
    point = points.nth(count)
    point.locator("input[name=title]").fill("严守纪律规矩")
    point.locator("textarea[name=text]").fill("坚持把纪律挺在前面。")
    expect(point.locator(".save-state")).to_contain_text("已保存")

    # An empty point makes 导出 ask first; 返回修改 closes the question (app.js, not hx-on).
    section.locator(":scope > .children > .add-row button", has_text="要点").click()
    expect(points).to_have_count(count + 2)
    page.click("button:has-text('导出 Word')")
    panel = page.locator("#export-panel")
    expect(panel).to_contain_text("导出前请确认")
    panel.locator("button:has-text('返回修改')").click()
    expect(panel).to_be_empty()

    for path in [f"/reports/{report.pk}/preview/", "/metrics/", "/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")

    leader = browser.new_context(base_url=live_server.url)
    review = leader.new_page()
    watch(review, problems)
    login(review, "leader", "leader-demo-2025")
    for path in [f"/reports/{report.pk}/review/", "/dashboard/", "/audit/"]:
        review.goto(path)
        review.wait_for_load_state("networkidle")
    leader.close()

    admin = browser.new_context(base_url=live_server.url)
    site = admin.new_page()
    watch(site, problems)
    login(site, "admin", "admin-demo-2025")
    for path in ["/admin/", "/admin/auth/user/", "/admin/auth/user/add/"]:
        site.goto(path)
        site.wait_for_load_state("networkidle")
    admin.close()

    assert problems == []
