"""The report list: search (title, subject) and filters (year, kind, state, department), as a GET
form whose URL can be bookmarked and an htmx partial that swaps the results."""

from __future__ import annotations

import pytest
from django.urls import reverse
from personas import make_member

from reports.models import Report
from reports.services import reports as report_services

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def reports(bureau, admin_user, kinds):
    office = make_member(bureau, "office", "drafter", department="办公室")
    budget = make_member(bureau, "budget", "drafter", department="预算科")
    a = report_services.report_create(user=office, kind=kinds["duty"], year=2025, subject="局长 王建国")
    b = report_services.report_create(
        user=office, kind=kinds["annual_summary"], year=2024, subject="测试市财政局"
    )
    c = report_services.report_create(user=budget, kind=kinds["work_plan"], year=2026, subject="预算科")
    Report.objects.filter(pk=c.pk).update(status=Report.Status.SUBMITTED)
    return {"duty": a, "summary": b, "plan": c}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"duty", "summary", "plan"}),
        ({"q": "王建国"}, {"duty"}),  # the subject
        ({"q": "述职 2025"}, {"duty"}),  # every word, in title or subject
        ({"q": "述职 2024"}, set()),
        ({"year": "2024"}, {"summary"}),
        ({"kind": "work_plan"}, {"plan"}),
        ({"status": "submitted"}, {"plan"}),
        ({"status": "draft", "year": "2025"}, {"duty"}),
    ],
)
def test_it_searches_and_filters(client, admin_user, reports, params, expected):
    client.force_login(admin_user)
    response = client.get(reverse("report_list"), params)
    assert response.status_code == 200
    shown = {key for key, r in reports.items() if r.title in response.content.decode()}
    assert shown == expected


def test_it_filters_by_department(client, admin_user, reports, bureau):
    client.force_login(admin_user)
    budget = bureau.departments.get(name="预算科")
    body = client.get(reverse("report_list"), {"department": budget.pk}).content.decode()
    assert reports["plan"].title in body and reports["duty"].title not in body


def test_htmx_gets_the_results_only_and_the_page_keeps_the_query(client, admin_user, reports):
    client.force_login(admin_user)
    url = reverse("report_list") + "?q=王建国&year=2025"
    partial = client.get(url, **HX)
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="report-results"') and "<html" not in body
    assert reports["duty"].title in body and reports["plan"].title not in body
    assert "HX-Request" in partial["Vary"]
    page = client.get(url).content.decode()  # the bookmark: the form shows what is filtered
    assert 'value="王建国"' in page and 'value="2025"' in page and "<html" in page
    restore = client.get(url, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HX).content.decode()
    assert "<html" in restore  # htmx history restore needs the whole page


def test_a_bad_filter_is_named_in_chinese_and_the_others_still_apply(client, admin_user, reports):
    client.force_login(admin_user)
    body = client.get(reverse("report_list"), {"year": "abc", "kind": "nope", "q": "王建国"}).content.decode()
    assert "年度：请输入四位数字年度" in body and "类型：没有这种报告类型" in body
    assert reports["duty"].title in body and reports["plan"].title not in body


def test_no_match_says_so_with_a_way_back(client, admin_user, reports):
    client.force_login(admin_user)
    body = client.get(reverse("report_list"), {"q": "不存在的标题"}).content.decode()
    assert "没有符合条件的报告" in body and "清除搜索和筛选" in body


def test_the_search_never_reaches_past_what_the_user_may_open(client, reports, drafter, outsider):
    """The filters narrow reports_for_user; a department filter cannot widen it."""
    client.force_login(drafter)  # 办公室: sees duty and summary, not 预算科's plan
    plan = reports["plan"]
    body = client.get(reverse("report_list"), {"department": plan.department_id}).content.decode()
    assert plan.title not in body
    client.force_login(outsider)
    body = client.get(reverse("report_list"), {"q": "述职"}).content.decode()
    assert reports["duty"].title not in body
