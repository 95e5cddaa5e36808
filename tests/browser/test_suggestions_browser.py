"""Leaders' suggestions in Chromium: the leader suggests on two blocks of the demo's submitted
report and returns it; the drafter accepts one and rejects the other, resubmits; the review diff
shows the accepted change; the leader approves."""

from __future__ import annotations

import pytest
from browsing import login

from reports.models import Block, Report, Suggestion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INSERTED = "，并建立台账逐项销号"


def test_leader_suggests_drafter_accepts_one_rejects_one_leader_approves(page):
    from playwright.sync_api import expect

    page.on("dialog", lambda dialog: dialog.accept())
    report = Report.objects.get(subject__contains="副局长", status="submitted")
    points = list(Block.objects.filter(report=report, type="point").order_by("position", "id"))
    take, drop = [p for p in points if not p.suggestions.exists()][:2]

    login(page, "leader", "leader-demo-2025")
    page.goto(f"/reports/{report.pk}/review/")
    for block, text in ((take, take.text.rstrip("。") + INSERTED + "。"), (drop, "删去本段。")):
        panel = page.locator(f"#sg-{block.pk}")
        panel.locator("summary").click()
        panel.locator("textarea[name=text]").fill(text)
        panel.get_by_role("button", name="保存建议").click()
        expect(page.locator(f"#sg-{block.pk} .suggestion")).to_have_count(1)
        expect(page.locator(f"#sg-{block.pk} .suggest-saved")).to_be_visible()
    expect(page.locator(f"#sg-{take.pk} .suggestion ins")).to_have_text(INSERTED)
    page.fill("input[name=reason]", "请按修改建议完善")
    page.get_by_role("button", name="退回修改").click()
    expect(page.locator(".state")).to_have_text("退回修改")

    page.context.clear_cookies()
    login(page)
    page.goto(f"/reports/{report.pk}/")
    accept = Suggestion.objects.get(block=take, status="open")
    reject = Suggestion.objects.get(block=drop, status="open")
    page.locator(f"#suggestion-{accept.pk}").get_by_role("button", name="采纳", exact=True).click()
    expect(page.locator(f"#suggestion-{accept.pk}")).to_have_count(0)
    expect(page.locator(f"#block-{take.pk} textarea[name=text]")).to_have_value(
        take.text.rstrip("。") + INSERTED + "。"
    )
    page.locator(f"#suggestion-{reject.pk}").get_by_role("button", name="不采纳").click()
    expect(page.locator(f"#suggestion-{reject.pk}")).to_have_count(0)
    expect(page.locator(f"#block-{drop.pk} textarea[name=text]")).to_have_value(drop.text)
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".state").first).to_have_text("已提交")

    page.context.clear_cookies()
    login(page, "leader", "leader-demo-2025")
    page.goto(f"/reports/{report.pk}/review/?view=previous")
    expect(page.locator(".diff-row ins").filter(has_text="台账逐项销号")).to_have_count(1)
    page.goto(f"/reports/{report.pk}/review/")
    page.get_by_role("button", name="审定", exact=True).click()
    expect(page.locator(".state").first).to_have_text("已审定")
    report.refresh_from_db()
    assert report.status == "approved"
    assert Suggestion.objects.get(pk=accept.pk).status == "accepted"
    assert Suggestion.objects.get(pk=reject.pk).status == "rejected"
