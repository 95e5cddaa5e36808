"""Import in headless Chromium: paste the fixture 年度总结, preview, make one heading a level higher, create,
and land in the editor with that structure."""

from __future__ import annotations

import pytest
from browsing import login
from corpus import sample

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_paste_preview_fix_a_level_and_create(page):  # noqa: F811
    from playwright.sync_api import expect

    login(page)
    page.goto("/reports/import/")
    page.fill("textarea[name=text]", sample("annual_summary"))
    page.click("#import-form button[type=submit]")
    form = page.locator("#import-create")
    expect(form).to_be_visible()
    expect(form.locator("select[name=kind]")).to_have_value("annual_summary")
    expect(form.locator("input[name=year]")).to_have_value("2022")
    form.locator("input[name=title]").fill("县财政局2022年工作总结")

    row = page.locator("#import-preview li.import-heading", has_text="进一步强化机关建设")
    expect(row).to_have_attribute("data-kind", "h2")
    expect(row.locator(".number")).to_have_text("（六）")
    row.locator("select").select_option("h1")
    row = page.locator("#import-preview li.import-heading", has_text="进一步强化机关建设")
    expect(row).to_have_attribute("data-kind", "h1")
    expect(row.locator(".number")).to_have_text("四、")
    expect(page.locator("#import-create input[name=title]")).to_have_value("县财政局2022年工作总结")  # kept

    page.click("#import-create button[type=submit]")
    page.wait_for_url("**/reports/*/")
    expect(page.locator("input[name=title]").first).to_have_value("县财政局2022年工作总结")
    sections = page.locator("#document > .block-heading")
    expect(sections).to_have_count(4)
    titles = [
        sections.nth(i).locator(":scope > .block-form input[name=title]").input_value() for i in range(4)
    ]
    assert titles == ["2022年工作成效", "存在问题", "2023年工作计划", "进一步强化机关建设"]
    first = sections.nth(0).locator(":scope > .children > .block-heading")
    expect(first).to_have_count(8)
    expect(first.nth(0).locator(":scope > .block-form input[name=title]")).to_have_value(
        "抓党建，强化政治引领"
    )
    points = first.nth(7).locator(":scope > .children > .block-point")
    expect(points).to_have_count(5)
    expect(points.nth(0).locator("input[name=title]")).to_have_value("抓“清廉机关”建设")


def test_a_second_carry_forward_warns_and_offers_the_existing_report(page):  # noqa: F811
    from django.contrib.auth import get_user_model
    from playwright.sync_api import expect

    from reports.models import Report
    from reports.selectors import reports as report_selectors

    drafter = get_user_model().objects.get(username="drafter")
    source = report_selectors.reports_for_user(user=drafter).order_by("pk").first()
    login(page)
    page.goto(f"/reports/{source.pk}/")
    carry = page.locator("form[action$='/carry-forward/'] button")
    carry.click()
    page.wait_for_url(lambda url: not url.endswith(f"/reports/{source.pk}/"))
    existing = Report.objects.get(year=source.year + 1, kind=source.kind, subject=source.subject)
    assert page.url.endswith(f"/reports/{existing.pk}/")

    page.goto(f"/reports/{source.pk}/")
    carry.click()
    warning = page.locator(".carry-duplicate")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(existing.title)
    assert Report.objects.filter(year=source.year + 1, kind=source.kind).count() == 1  # nothing made
    page.screenshot(path="/tmp/import-duplicate-warning.png", full_page=True)
    warning.get_by_role("link", name="打开已有报告").click()
    page.wait_for_url(f"**/reports/{existing.pk}/")

    page.goto(f"/reports/{source.pk}/")
    carry.click()
    page.get_by_role("button", name="仍然新建").click()
    page.wait_for_url(lambda url: "/carry-forward/" not in url and not url.endswith(f"/reports/{source.pk}/"))
    assert Report.objects.filter(year=source.year + 1, kind=source.kind, subject=source.subject).count() == 2
