"""The drafting loop in headless Chromium: log in as the demo drafter, create a report, write a
point and see it saved after reload, move a point and see 一是/二是 renumber, export and download."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from browsing import login, section_points
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_drafting_loop(page):
    from playwright.sync_api import expect

    login(page)
    expect(page.locator("h1")).to_contain_text("示范市财政局")

    page.click("text=新建报告")
    page.select_option("select[name=kind]", label="述职报告")
    page.fill("input[name=year]", "2026")
    page.fill("input[name=subject]", "副局长 陈明")
    page.click("#create-form button[type=submit]")
    page.wait_for_url("**/reports/*/")
    expect(page.locator("#document > .block-heading")).to_have_count(6)
    expect(page.locator(".guidance").first).to_contain_text("写作要点")

    section, points = section_points(page)
    section.locator(":scope > .children > .add-row button", has_text="要点").click()
    expect(points).to_have_count(1)
    section.locator(":scope > .children > .add-row button", has_text="要点").click()
    expect(points).to_have_count(2)

    first, second = points.nth(0), points.nth(1)
    first.locator("input[name=title]").fill("坚定政治立场")
    first.locator("textarea[name=text]").fill("始终坚持把党的领导作为最重大的政治原则。")
    expect(first.locator(".save-state")).to_contain_text("已保存")
    second.locator("input[name=title]").fill("压实政治责任")
    second.locator("textarea[name=text]").press_sequentially("分解细化工作任务。")
    expect(second.locator(".save-state")).to_contain_text("已保存")

    page.reload()
    section, points = section_points(page)
    expect(points.nth(0).locator(".number")).to_have_text("一是")
    expect(points.nth(0).locator("input[name=title]")).to_have_value("坚定政治立场")
    expect(points.nth(1).locator("textarea[name=text]")).to_have_value("分解细化工作任务。")
    expect(page.locator("#outline")).to_contain_text("字")

    points.nth(0).locator(":scope > .block-tools button", has_text="下移").click()
    expect(points.nth(0).locator("input[name=title]")).to_have_value("压实政治责任")
    expect(points.nth(0).locator(".number")).to_have_text("一是")
    expect(points.nth(1).locator(".number")).to_have_text("二是")
    expect(points.nth(1).locator("input[name=title]")).to_have_value("坚定政治立场")

    page.click("button:has-text('导出 Word')")
    link = page.locator("#export-panel a.download")
    expect(link).to_be_visible()
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "2026年度述职报告（副局长 陈明）.docx"
    with zipfile.ZipFile(download.path()) as package:
        document = package.read("word/document.xml").decode()
    assert document.index("一是压实政治责任") < document.index("二是坚定政治立场")


def test_a_failed_save_keeps_the_text_and_retries(page, live_server):
    """The server refuses while offline: the text stays in the page and is saved once it is back."""
    from playwright.sync_api import expect

    login(page)
    page.click("a:has-text('2025年度工作总结')")
    section = page.locator("#document > .block-heading").first
    title = section.locator(":scope > .block-form input[name=title]")
    page.route("**/blocks/*/save/", lambda route: route.abort())
    title.fill("2025年工作成效和亮点")
    expect(section.locator(":scope > .block-form .save-state")).to_contain_text("保存失败")
    expect(title).to_have_value("2025年工作成效和亮点")
    page.unroute("**/blocks/*/save/")
    expect(section.locator(":scope > .block-form .save-state")).to_contain_text("已保存", timeout=15_000)
    page.reload()
    expect(
        page.locator("#document > .block-heading").first.locator(":scope > .block-form input[name=title]")
    ).to_have_value("2025年工作成效和亮点")


def test_insert_a_metric_then_change_it_in_the_library(page):
    from playwright.sync_api import expect

    login(page)
    page.click("text=2025年度述职报告")
    section, points = section_points(page, 2)
    point = points.nth(0)
    textarea = point.locator(":scope > form textarea[name=text]")
    textarea.click()
    textarea.press("Control+End")
    point.locator(":scope > .block-tools button", has_text="插入指标").click()
    picker = page.locator("#metric-picker")
    expect(picker.locator("button.pick").first).to_be_visible()
    page.wait_for_timeout(200)  # htmx binds the search box's trigger as the swap settles
    with page.expect_response(re.compile(r"metric-picker/\?q=")):
        picker.locator("input[name=q]").fill("不存在的指标")
    expect(picker.locator("li.empty")).to_be_visible()
    with page.expect_response(re.compile(r"metric-picker/\?q=")):
        picker.locator("input[name=q]").fill("一般公共预算收入")
    picker.locator("button.pick[data-insert='一般公共预算收入']").click()
    expect(textarea).to_have_value(re.compile(r"\{\{一般公共预算收入\}\}$"))
    expect(point.locator(".save-state")).to_contain_text("已保存")
    preview = point.locator(".resolved mark.ph").last
    expect(preview).to_have_text("186.4")
    report_url = page.url

    page.goto("/metrics/?year=2025")
    row = page.locator(".metric-item", has=page.locator("input[name=name][value='一般公共预算收入']"))
    value = row.locator("input[name=value]")
    value.fill("200.5")
    value.dispatch_event("change")
    expect(row.locator(".save-state")).to_contain_text("已保存")

    page.goto(report_url)
    section, points = section_points(page, 2)
    expect(points.nth(0).locator(".resolved mark.ph").last).to_have_text("200.5")


def test_submit_comment_return_fix_resubmit_diff_approve_export(browser, live_server, kinds):
    from playwright.sync_api import expect

    from reports.models import Report

    call_command("seed_demo", stdout=io.StringIO())
    report = Report.objects.get(title="2025年度述职报告")

    def open_as(username, password):
        context = browser.new_context(base_url=live_server.url, accept_downloads=True, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("dialog", lambda dialog: dialog.accept())
        login(page, username, password)
        return context, page

    drafter_ctx, drafter = open_as("drafter", "drafter-demo-2025")
    drafter.goto(f"/reports/{report.pk}/")
    first_point = drafter.locator("#document .block-point").first
    text = first_point.locator(":scope > form textarea[name=text]")
    text.press("Control+End")
    text.press_sequentially("坚持问题导向。")
    expect(first_point.locator(".save-state")).to_contain_text("已保存")
    drafter.click("button:has-text('提交审核')")
    expect(drafter.locator(".paper-head .state")).to_have_text("已提交")
    expect(drafter.locator("#document .block-point textarea").first).to_be_disabled()

    leader_ctx, leader = open_as("leader", "leader-demo-2025")
    leader.goto(f"/reports/{report.pk}/review/")
    paragraph = leader.locator(".rb", has_text="坚持问题导向。").first
    paragraph.hover()
    paragraph.locator("input[name=text]").fill("请补充具体数据。")
    paragraph.locator("button:has-text('批注')").click()
    expect(leader.locator("#comments")).to_contain_text("请补充具体数据。")
    leader.fill("input[name=reason]", "数据不够具体，请修改后再报。")
    leader.click("button:has-text('退回修改')")
    expect(leader.locator(".paper-head .state")).to_have_text("退回修改")

    drafter.reload()
    expect(drafter.locator(".flash.warn")).to_contain_text("数据不够具体")
    expect(drafter.locator("#document .inline-comment").first).to_contain_text("请补充具体数据。")
    text = drafter.locator("#document .block-point").first.locator(":scope > form textarea[name=text]")
    text.press("Control+End")
    text.press_sequentially("全年走访企业47户。")
    expect(drafter.locator("#document .block-point").first.locator(".save-state")).to_contain_text("已保存")
    drafter.click("button:has-text('提交审核')")
    expect(drafter.locator(".paper-head .state")).to_have_text("已提交")

    leader.goto(f"/reports/{report.pk}/review/?view=previous")
    expect(leader.locator(".diff-row ins").first).to_have_text("全年走访企业47户。")
    leader.click("button:has-text('审定')")
    expect(leader.locator(".paper-head .state")).to_have_text("已审定")

    drafter.goto(f"/reports/{report.pk}/")
    drafter.click("button:has-text('导出 Word')")
    link = drafter.locator("#export-panel a.download")
    expect(link).to_be_visible()
    with drafter.expect_download() as info:
        link.click()
    with zipfile.ZipFile(info.value.path()) as package:
        document = package.read("word/document.xml").decode()
    assert "坚持问题导向。全年走访企业47户。" in document
    drafter_ctx.close()
    leader_ctx.close()


def test_the_owner_assigns_a_section_and_that_department_edits_only_it(browser, live_server, kinds):
    from playwright.sync_api import expect

    from reports.models import Block, Report

    call_command("seed_demo", stdout=io.StringIO())
    report = Report.objects.get(title="2025年度述职报告")

    def open_as(username, password):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, username, password)
        return context, page

    owner_ctx, owner = open_as("drafter", "drafter-demo-2025")
    owner.goto(f"/reports/{report.pk}/")
    owner.locator("#outline select.assign").nth(2).select_option(label="预算科")
    expect(owner.locator("#outline .owner").nth(2)).to_have_text("承办：预算科")

    budget_ctx, budget = open_as("budget", "budget-demo-2025")
    expect(budget.locator("table.list")).to_contain_text("2025年度述职报告")
    budget.goto(f"/reports/{report.pk}/")
    sections = budget.locator("#document > .block-heading")
    expect(sections.nth(0).locator(":scope > form textarea[name=text]")).to_be_disabled()
    point = sections.nth(2).locator(".block-point").first
    text = point.locator(":scope > form textarea[name=text]")
    text.press("Control+End")
    text.press_sequentially("预算科补充。")
    expect(point.locator(".save-state")).to_contain_text("已保存")
    assert Block.objects.get(pk=point.get_attribute("data-block-id")).text.endswith("预算科补充。")
    owner_ctx.close()
    budget_ctx.close()


def test_text_typed_before_the_browser_closed_is_restored_and_saved(page):
    """The save never reached the server (tab closed, network gone): reopening the report restores
    the text from the browser's storage and saves it."""
    from playwright.sync_api import expect

    from reports.models import Block

    login(page)
    page.click("text=2025年度述职报告")
    url = page.url
    point = page.locator("#document .block-point").first
    block_id = point.get_attribute("data-block-id")
    page.route("**/blocks/*/save/", lambda route: route.abort())
    text = point.locator(":scope > form textarea[name=text]")
    text.press("Control+End")
    text.press_sequentially("关闭前最后一句。")
    expect(point.locator(".save-state")).to_contain_text("保存失败")
    assert not Block.objects.get(pk=block_id).text.endswith("关闭前最后一句。")
    # The tab is closed while saves still fail (the route is this page's only): a retry of this page
    # must not save the text before the reopened page gets to restore it.
    page.evaluate("window.onbeforeunload = null")
    reopened = page.context.new_page()
    page.close()
    reopened.goto(url)
    restored = reopened.locator(f"#block-{block_id} .save-state")
    expect(restored).to_contain_text("已保存", timeout=15_000)
    assert Block.objects.get(pk=block_id).text.endswith("关闭前最后一句。")


def test_a_stale_save_shows_both_texts_and_lets_the_user_choose(page):
    """htmx swaps the 409 answer: the second writer sees the first writer's text and keeps theirs."""
    from playwright.sync_api import expect

    from reports.models import Block

    login(page)
    page.click("text=2025年度述职报告")
    other = page.context.new_page()
    other.goto(page.url)
    block_id = page.locator("#document .block-point").first.get_attribute("data-block-id")

    first = page.locator(f"#block-{block_id}")
    first.locator(":scope > form textarea[name=text]").fill("甲写的版本。")
    expect(first.locator(":scope > form .save-state")).to_contain_text("已保存")

    second = other.locator(f"#block-{block_id}")
    second.locator(":scope > form textarea[name=text]").fill("乙写的版本。")
    conflict = second.locator(".conflict")
    expect(conflict).to_contain_text("甲写的版本。")
    expect(conflict).to_contain_text("已被他人修改")
    expect(second.locator(":scope > form textarea[name=text]")).to_have_value("乙写的版本。")
    assert Block.objects.get(pk=block_id).text == "甲写的版本。"

    conflict.locator("button", has_text="保留我的版本").click()
    expect(second.locator(":scope > form .save-state")).to_contain_text("已保存")
    assert Block.objects.get(pk=block_id).text == "乙写的版本。"
    other.close()


def test_an_expired_session_keeps_the_text_and_saves_after_login_again(page, live_server):
    from playwright.sync_api import expect

    from reports.models import Block

    login(page)
    page.click("text=2025年度述职报告")
    point = page.locator("#document .block-point").first
    block_id = point.get_attribute("data-block-id")
    cookies = page.context.cookies()
    page.context.clear_cookies()  # the session expired (the CSRF cookie lives on)
    page.context.add_cookies([c for c in cookies if c["name"] != "sessionid"])
    text = point.locator(":scope > form textarea[name=text]")
    text.press("Control+End")
    text.press_sequentially("过期后写的。")
    expect(point.locator(".save-state")).to_contain_text("登录已过期")
    assert not Block.objects.get(pk=block_id).text.endswith("过期后写的。")
    other = page.context.new_page()
    login(other)  # signs in again in another tab
    other.close()
    expect(point.locator(".save-state")).to_contain_text("已保存", timeout=15_000)
    assert Block.objects.get(pk=block_id).text.endswith("过期后写的。")
