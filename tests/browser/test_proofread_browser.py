"""Proofreading in headless Chromium: type "统一思想,凝心聚力" in a point, see the finding under it
after the autosave, click 修改, reload, and the fixed text is what was saved."""

from __future__ import annotations

import pytest
from browsing import login
from django.contrib.auth import get_user_model

from reports.models import Block, ReportKind
from reports.services import reports as report_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_safe_fix_is_one_click_and_saved(page):
    from playwright.sync_api import expect

    drafter = get_user_model().objects.get(username="drafter")
    report = report_services.report_create(
        user=drafter, kind=ReportKind.objects.get(code="duty"), year=2026, subject="副局长 陈明"
    )
    heading = report.blocks.filter(parent=None).order_by("position").first()
    point = report_services.block_add(report=report, type="point", parent=heading, user=drafter)

    login(page)
    page.goto(f"/reports/{report.pk}/")
    block = page.locator(f"#block-{point.pk}")
    block.locator("textarea[name=text]").fill("统一思想,凝心聚力")
    expect(block.locator(".save-state")).to_contain_text("已保存")
    finding = block.locator(f"#findings-{point.pk} .finding")
    expect(finding).to_have_count(1)
    expect(finding).to_contain_text("中文文字间应使用全角逗号")
    expect(finding.locator("mark")).to_have_text(",")

    finding.locator("button", has_text="修改").click()
    expect(block.locator("textarea[name=text]")).to_have_value("统一思想，凝心聚力")
    expect(block.locator(f"#findings-{point.pk} .finding")).to_have_count(0)
    expect(block.locator(".save-state")).to_contain_text("已保存")

    page.reload()
    expect(page.locator(f"#block-{point.pk} textarea[name=text]")).to_have_value("统一思想，凝心聚力")
    assert Block.objects.get(pk=point.pk).text == "统一思想，凝心聚力"


def test_the_reports_own_fields_get_the_same_one_click_fix(page):
    from playwright.sync_api import expect

    drafter = get_user_model().objects.get(username="drafter")
    report = report_services.report_create(
        user=drafter, kind=ReportKind.objects.get(code="duty"), year=2026, subject="副局长 陈明"
    )
    login(page)
    page.goto(f"/reports/{report.pk}/")
    form = page.locator("#report-tail")
    form.locator("textarea[name=closing]").fill("统一思想,凝心聚力")
    expect(form.locator(".save-state")).to_contain_text("已保存")
    finding = page.locator("#findings-tail .finding")
    expect(finding).to_have_count(1)
    expect(finding.locator("mark")).to_have_text(",")

    finding.locator("button", has_text="修改").click()
    expect(form.locator("textarea[name=closing]")).to_have_value("统一思想，凝心聚力")
    expect(page.locator("#findings-tail .finding")).to_have_count(0)
    expect(form.locator(".save-state")).to_contain_text("已保存")

    page.reload()
    expect(page.locator("#report-tail textarea[name=closing]")).to_have_value("统一思想，凝心聚力")
    report.refresh_from_db()
    assert report.closing == "统一思想，凝心聚力"
