"""The paths a bureau meets in its first week, in headless Chromium: failed saves of the report's
own fields, a second user on the same browser, error answers that must not kill the buttons,
messages that must not take a layout column, an assigned department's limited tools, and a
leader reviewing on a phone (375 × 812)."""

from __future__ import annotations

import io

import pytest
from browsing import login
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def _report(title="2025年度述职报告"):
    from reports.models import Report

    return Report.objects.get(title=title)


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _open_as(browser, live_server, username, viewport=None):  # noqa: F811
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport=viewport or {"width": 1280, "height": 900},
        has_touch=viewport is not None,
        is_mobile=viewport is not None,
    )
    page = context.new_page()  # noqa: F811
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, username, f"{username}-demo-2025")
    return context, page


def _backups(page):  # noqa: F811
    return page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('bureau-unsaved:'))"
        ".map(k => [k, localStorage.getItem(k)])"
    )


def test_report_fields_retry_and_survive_a_closed_tab(page, live_server):  # noqa: F811
    """标题…日期 go through the same save / retry / backup path as blocks (item 1)."""
    from playwright.sync_api import expect

    login(page)
    page.click("text=2025年度述职报告")
    url = page.url
    head, tail = page.locator("form.report-fields").nth(0), page.locator("form.report-fields").nth(1)

    page.route("**/fields/", lambda route: route.abort())
    head.locator("textarea[name=opening]").fill("断网时写的导语。")
    tail.locator("input[name=signature]").fill("示范市财政局办公室")
    expect(head.locator(".save-state")).to_contain_text("保存失败")
    expect(tail.locator(".save-state")).to_contain_text("保存失败")
    page.unroute("**/fields/")
    expect(head.locator(".save-state")).to_contain_text("已保存", timeout=15_000)
    expect(tail.locator(".save-state")).to_contain_text("已保存", timeout=15_000)
    report = _report()
    assert report.opening == "断网时写的导语。"
    assert report.signature == "示范市财政局办公室"

    # Saves fail, the tab is closed; the text comes back and is saved when the report is opened.
    page.route("**/fields/", lambda route: route.abort())
    head.locator("input[name=period]").fill("1—11月")
    expect(head.locator(".save-state")).to_contain_text("保存失败")
    context = page.context
    page.close()
    again = context.new_page()
    again.goto(url)
    expect(again.locator("form.report-fields input[name=period]")).to_have_value("1—11月")
    expect(again.locator("form.report-fields").first.locator(".save-state")).to_contain_text(
        "已保存", timeout=15_000
    )
    assert _report().period == "1—11月"
    assert _backups(again) == []


def test_a_second_user_on_the_same_browser_never_gets_the_first_users_text(browser, live_server, kinds):  # noqa: F811
    """Backups are keyed by user: B never sees or saves A's unsaved text; logout clears A's (item 2)."""
    from playwright.sync_api import expect

    from reports.models import AuditLog, Block
    from reports.services import workflow as workflow_services

    call_command("seed_demo", stdout=io.StringIO())
    report = _report()
    section = report.blocks.filter(parent=None).order_by("position")[2]
    workflow_services.section_assign(
        block=section, department=report.bureau.departments.get(name="预算科"), user=_user("drafter")
    )
    point = section.children.order_by("position").first()
    stored = point.text

    context, a = _open_as(browser, live_server, "drafter")
    a.goto(f"/reports/{report.pk}/")
    text = a.locator(f"#block-{point.pk} > form textarea[name=text]")
    a.route("**/blocks/*/save/", lambda route: route.abort())
    text.fill("甲尚未保存的文字。")
    expect(a.locator(f"#block-{point.pk} > form .save-state")).to_contain_text("保存失败")
    assert any("甲尚未保存的文字" in value for _key, value in _backups(a))
    a.close()

    # A's session ends without a logout (another person sits down): B signs in on the same browser.
    context.clear_cookies()
    b = context.new_page()
    b.set_default_timeout(15_000)
    login(b, "budget", "budget-demo-2025")
    b.goto(f"/reports/{report.pk}/")
    b_text = b.locator(f"#block-{point.pk} > form textarea[name=text]")
    expect(b_text).to_be_editable()
    b.wait_for_timeout(1500)
    expect(b_text).to_have_value(stored)
    assert Block.objects.get(pk=point.pk).text == stored
    assert not AuditLog.objects.filter(actor__username="budget", action="block_save").exists()
    b.close()

    # A comes back: A's own text is restored and saved.
    context.clear_cookies()
    a = context.new_page()
    a.set_default_timeout(15_000)
    a.on("dialog", lambda dialog: dialog.accept())
    login(a)
    a.goto(f"/reports/{report.pk}/")
    expect(a.locator(f"#block-{point.pk} > form .save-state")).to_contain_text("已保存", timeout=15_000)
    assert Block.objects.get(pk=point.pk).text == "甲尚未保存的文字。"

    # Unsaved text when signing out: confirmed, then nothing of A's is left in the browser.
    a.route("**/blocks/*/save/", lambda route: route.abort())
    a.locator(f"#block-{point.pk} > form textarea[name=text]").fill("退出前未保存。")
    expect(a.locator(f"#block-{point.pk} > form .save-state")).to_contain_text("保存失败")
    a.click("form.whoami button[type=submit]")
    a.wait_for_url("**/login/**")
    assert _backups(a) == []
    context.close()


def test_error_answers_never_kill_the_buttons(browser, live_server, kinds):  # noqa: F811
    """A refused 提交审核, a 退回修改 without a reason and 审定 from a stale tab (item 4)."""
    from playwright.sync_api import expect

    from reports.models import Report

    call_command("seed_demo", stdout=io.StringIO())
    report = _report()
    point = report.blocks.filter(type="point").first()

    d_ctx, d = _open_as(browser, live_server, "drafter")
    d.goto(f"/reports/{report.pk}/")
    text = d.locator(f"#block-{point.pk} > form textarea[name=text]")
    original = text.input_value()
    text.fill(original + "{{不存在的指标}}")
    expect(d.locator(f"#block-{point.pk} > form .save-state")).to_contain_text("已保存")
    submit = d.locator("button", has_text="提交审核")
    submit.click()
    expect(d.locator("#flash")).to_contain_text("修改后才能提交审核")
    expect(d.locator("#flash .flash-links a")).to_contain_text("不存在的指标")  # a link to the place
    submit.click()  # the button still works: a second answer arrives
    expect(d.locator("#flash .flash")).to_have_count(1)
    text.fill(original)
    expect(d.locator(f"#block-{point.pk} > form .save-state")).to_contain_text("已保存")
    submit.click()
    expect(d.locator(".paper-head .state")).to_have_text("已提交")
    expect(d.locator("#flash")).to_contain_text("已提交审核")

    l_ctx, leader = _open_as(browser, live_server, "leader")
    leader.goto(f"/reports/{report.pk}/review/")
    stale = l_ctx.new_page()
    stale.set_default_timeout(15_000)
    stale.on("dialog", lambda dialog: dialog.accept())
    stale.goto(f"/reports/{report.pk}/review/")

    leader.fill("input[name=reason]", "   ")  # passes the browser's `required`, refused by the server
    leader.click("button:has-text('退回修改')")
    expect(leader.locator("#flash")).to_contain_text("理由")
    leader.fill("input[name=reason]", "请补充数据来源。")
    leader.click("button:has-text('退回修改')")
    expect(leader.locator("#flash")).to_contain_text("已退回修改")
    assert Report.objects.get(pk=report.pk).status == "returned"

    stale.click("button:has-text('审定')")  # the stale tab: refused, and its buttons keep working
    expect(stale.locator("#flash .flash.error")).to_be_visible()
    stale.fill("input[name=reason]", "再次退回")
    stale.click("button:has-text('退回修改')")
    expect(stale.locator("#flash .flash.error")).to_be_visible()
    assert Report.objects.get(pk=report.pk).status == "returned"
    d_ctx.close()
    l_ctx.close()


def test_messages_never_take_a_layout_column(browser, live_server, kinds):  # noqa: F811
    """After 以本报告为基础新建下一年度 the editor keeps its two columns (item 5)."""
    from playwright.sync_api import expect

    call_command("seed_demo", stdout=io.StringIO())
    context, d = _open_as(browser, live_server, "drafter")
    d.goto(f"/reports/{_report().pk}/")
    d.click("button:has-text('以本报告为基础新建2026年度')")
    d.wait_for_url("**/reports/*/")
    expect(d.locator("#flash")).to_contain_text("已")
    outline, paper = d.locator("#outline").bounding_box(), d.locator(".paper").bounding_box()
    assert outline["width"] < 400, outline
    assert paper["width"] > 700, paper
    assert paper["x"] > outline["x"] + outline["width"] - 1
    context.close()


def test_an_assigned_department_sees_only_what_it_may_do(browser, live_server, kinds):  # noqa: F811
    """Item 7: no 上移/删除/+同级标题 on a section heading the 预算科 drafter cannot change; their
    section is marked; a refused move says so next to the point; the department is notified."""
    from playwright.sync_api import expect

    from reports.services import workflow as workflow_services

    call_command("seed_demo", stdout=io.StringIO())
    report = _report()
    sections = list(report.blocks.filter(parent=None).order_by("position"))
    workflow_services.section_assign(
        block=sections[1], department=report.bureau.departments.get(name="预算科"), user=_user("drafter")
    )
    context, b = _open_as(browser, live_server, "budget")
    expect(b.locator("a[href='/notifications/'] .badge")).to_have_text("1")
    b.goto("/notifications/")
    expect(b.locator(".notifications")).to_contain_text("已分配给预算科")
    b.goto(f"/reports/{report.pk}/")

    mine = b.locator(f"#block-{sections[1].pk}")
    expect(mine).to_have_class(lambda_re("is-mine"))
    own_tools = mine.locator(":scope > .block-tools")
    for label in ("上移", "下移", "删除", "+ 同级标题"):
        expect(own_tools.locator("button", has_text=label)).to_have_count(0)
    expect(b.locator(f"#block-{sections[0].pk} > .block-tools")).to_have_count(0)
    expect(b.locator(f"#block-{sections[0].pk}")).not_to_have_class(lambda_re("is-mine"))

    last = mine.locator(":scope > .children > .block-point").last
    last_id = last.get_attribute("data-block-id")
    last.locator(":scope > .block-tools button", has_text="下移").click()  # into a section not theirs
    error = b.locator(f"#block-{last_id} .inline-error")
    expect(error).to_contain_text("没有修改这一部分的权限")
    expect(error).to_be_in_viewport()
    context.close()


def lambda_re(text):
    import re

    return re.compile(rf"(^|\s){re.escape(text)}(\s|$)")


def _no_horizontal_scroll(page):  # noqa: F811
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{page.url} is {width}px wide at 375px"


def _overlap(a, b):
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_a_leader_reviews_comments_and_approves_on_a_phone(browser, live_server, kinds):  # noqa: F811
    """Item 13 at 375 × 812: login, 总览, 审阅 (tap a paragraph to comment), 审定, 通知, the list."""
    from playwright.sync_api import expect

    from reports.models import Comment, Report
    from reports.services import workflow as workflow_services

    call_command("seed_demo", stdout=io.StringIO())
    report = _report()
    workflow_services.report_submit(report=report, user=_user("drafter"))

    context, leader = _open_as(browser, live_server, "leader", viewport=PHONE)
    _no_horizontal_scroll(leader)
    for link in leader.locator(".topbar nav a").all():
        box = link.bounding_box()
        assert box["height"] < 40, "a navigation link broke into one character per line"

    leader.click(".topbar nav a:has-text('总览')")
    leader.wait_for_url("**/dashboard/")
    _no_horizontal_scroll(leader)
    row = leader.locator("#dashboard-table tbody tr", has_text="2025年度述职报告")
    expect(row).to_be_visible()
    expect(row).to_contain_text("已提交")

    row.locator("a").first.click()
    leader.wait_for_url("**/review/")
    _no_horizontal_scroll(leader)
    sheet = leader.locator(".review-sheet")
    assert sheet.bounding_box()["width"] > 300
    assert not _overlap(sheet.bounding_box(), leader.locator(".review-side").bounding_box())

    paragraph = leader.locator(".rb[tabindex]").nth(3)
    form = paragraph.locator(".block-comment")
    expect(form).to_be_hidden()
    paragraph.locator("p.gw").tap()
    expect(form).to_be_visible()
    form.locator("input[name=text]").fill("此段数据请核实。")
    form.locator("button").click()
    expect(leader.locator("#comments")).to_contain_text("此段数据请核实。")
    assert Comment.objects.filter(report=report, text="此段数据请核实。").exists()

    leader.click("a:has-text('与审定版本对比')")
    _no_horizontal_scroll(leader)
    leader.click("a:has-text('正文')")

    approve = leader.locator(".review-actions button:has-text('审定')")
    approve.scroll_into_view_if_needed()
    expect(approve).to_be_in_viewport()
    approve.click()  # confirmation accepted by the dialog handler
    expect(leader.locator("#flash")).to_contain_text("已审定")
    expect(leader.locator("#flash")).to_be_in_viewport()
    assert Report.objects.get(pk=report.pk).status == "approved"

    for path in ("/notifications/", "/", f"/reports/{report.pk}/"):
        leader.goto(path)
        _no_horizontal_scroll(leader)
    context.close()


def test_a_paste_over_the_server_limit_is_answered_in_chinese_and_not_retried(page, live_server, settings):  # noqa: F811
    """Item 3: a body over DATA_UPLOAD_MAX_MEMORY_SIZE gets 内容过长…请分段 once, no retry loop."""
    from playwright.sync_api import expect

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 200_000  # the live server reads settings per request
    login(page)
    page.click("text=2025年度述职报告")
    point = page.locator("#document .block-point").first
    sent = []
    page.on("request", lambda request: sent.append(request.url) if "/save/" in request.url else None)
    point.locator(":scope > form textarea[name=text]").fill("长" * 100_000)
    state = point.locator(":scope > form .save-state")
    expect(state).to_contain_text("内容过长")
    expect(state).to_contain_text("请分段")
    page.wait_for_timeout(6500)  # longer than the 5 s retry delay
    assert len(sent) == 1, sent
    expect(point.locator(":scope > form textarea[name=text]")).to_have_value("长" * 100_000)


def test_a_failed_export_keeps_its_words_whole_on_a_phone(browser, live_server, kinds):  # noqa: F811
    """At 375 px the broker-down message wraps, but 失败 and 重试 stay on one line (not one character
    per line, as the flex row squeezed them)."""
    from playwright.sync_api import expect

    from reports.models import Export

    call_command("seed_demo", stdout=io.StringIO())
    report = _report()
    Export.objects.create(
        report=report,
        requested_by=_user("drafter"),
        status=Export.Status.FAILED,
        error="任务队列暂时不可用，请稍后点击“重试”。草稿内容不受影响。",
    )
    context, d = _open_as(browser, live_server, "drafter", PHONE)
    d.goto(f"/reports/{report.pk}/")
    panel = d.locator("#export-panel")
    expect(panel).to_contain_text("任务队列暂时不可用")
    for part in (panel.locator(".export-state"), panel.locator("button", has_text="重试")):
        box = part.bounding_box()
        assert box["width"] > box["height"], (part.inner_text(), box)  # two characters side by side
    _no_horizontal_scroll(d)
    context.close()


def test_a_stale_report_field_save_offers_both_versions(page, live_server):  # noqa: F811
    """The report's own fields conflict like blocks: the second writer sees the first one's text
    and may take it (采用对方版本) or keep their own (保留我的版本)."""
    from playwright.sync_api import expect

    login(page)
    page.click("text=2025年度述职报告")
    other = page.context.new_page()
    other.goto(page.url)

    mine = page.locator("form.report-fields").first
    mine.locator("input[name=period]").fill("1—10月")
    expect(mine.locator(".save-state")).to_contain_text("已保存")

    theirs = other.locator("form.report-fields").first
    theirs.locator("input[name=period]").fill("1—12月")
    conflict = theirs.locator(".conflict")
    expect(conflict).to_contain_text("1—10月")
    assert _report().period == "1—10月"
    conflict.locator("button", has_text="采用对方版本").click()
    expect(theirs.locator("input[name=period]")).to_have_value("1—10月")
    expect(theirs.locator(".save-state")).to_contain_text("已采用对方版本")

    theirs.locator("input[name=period]").fill("1—11月")  # after taking theirs, saving goes on normally
    expect(theirs.locator(".save-state")).to_contain_text("已保存")
    assert _report().period == "1—11月"

    mine.locator("input[name=period]").fill("全年")  # now the first tab is stale: keep mine
    expect(mine.locator(".conflict")).to_contain_text("1—11月")
    mine.locator(".conflict button", has_text="保留我的版本").click()
    expect(mine.locator(".save-state")).to_contain_text("已保存")
    assert _report().period == "全年"
    other.close()
