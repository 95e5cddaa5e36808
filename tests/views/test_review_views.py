"""Review pages: comments with replies and resolve, the diff tabs, presence, notifications, the
dashboard with deadlines and 数据已变更, and the filterable audit log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.models import AuditLog, Deadline, Metric, Notification
from reports.services import reports as report_services
from reports.services import workflow as workflow_services

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def supervisor(bureau):
    from personas import make_member

    user = make_member(bureau, "supervisor", "leader")
    user.membership.supervises.set(bureau.departments.filter(name="办公室"))
    return user


@pytest.fixture
def submitted(report, drafter, supervisor):
    section = report.blocks.get(parent=None, position=0)
    point = report_services.block_add(report=report, type="point", parent=section, user=drafter)
    report_services.block_save(
        block=point, version=1, data={"title": "坚定政治立场", "text": "全年学习12次。"}, user=drafter
    )
    revision = workflow_services.report_submit(report=report, user=drafter)
    return report, point, revision


def test_submission_notifies_the_supervisor_and_the_review_page_shows_it(client, submitted, supervisor):
    report, _point, revision = submitted
    assert Notification.objects.filter(user=supervisor, text__contains=report.title).exists()
    client.force_login(supervisor)
    page = client.get(reverse("report_review", args=[report.pk])).content.decode()
    assert "一是坚定政治立场。全年学习12次。" in page and "审定" in page and f'value="{revision.pk}"' in page
    assert "<html" not in client.get(reverse("report_review", args=[report.pk]), **HX).content.decode()


def test_comment_reply_resolve_and_the_drafter_sees_it_next_to_the_block(
    client, submitted, supervisor, drafter
):
    report, point, _revision = submitted
    client.force_login(supervisor)
    response = client.post(
        reverse("comment_add", args=[report.pk]), {"block": point.pk, "text": "请补充数据"}, **HX
    )
    assert response.status_code == 200 and "请补充数据" in response.content.decode()
    comment = report.comments.get()
    client.force_login(drafter)
    client.post(reverse("comment_add", args=[report.pk]), {"parent": comment.pk, "text": "已补充"}, **HX)
    assert Notification.objects.filter(user=supervisor, text__contains="回复了您的批注").exists()
    editor = client.get(reverse("report_edit", args=[report.pk])).content.decode()
    assert "请补充数据" in editor and "已补充" in editor
    client.post(reverse("comment_resolve", args=[comment.pk]), {"resolved": "1"}, **HX)
    comment.refresh_from_db()
    assert comment.resolved
    assert "请补充数据" not in client.get(reverse("report_edit", args=[report.pk])).content.decode()


def test_an_empty_comment_is_refused(client, submitted, supervisor):
    report, point, _revision = submitted
    client.force_login(supervisor)
    response = client.post(reverse("comment_add", args=[report.pk]), {"block": point.pk, "text": "  "}, **HX)
    assert response.status_code == 422 and "批注内容不能为空" in response.content.decode()


def test_return_needs_a_reason_then_the_diff_shows_the_change(client, submitted, supervisor, drafter):
    report, point, revision = submitted
    client.force_login(supervisor)
    response = client.post(
        reverse("report_return", args=[report.pk]), {"revision": revision.pk, "reason": ""}, **HX
    )
    assert response.status_code == 422 and "必须填写理由" in response.content.decode()
    client.post(
        reverse("report_return", args=[report.pk]), {"revision": revision.pk, "reason": "数据不全"}, **HX
    )
    report.refresh_from_db()
    assert report.status == "returned" and report.return_reason == "数据不全"
    point.refresh_from_db()
    report_services.block_save(
        block=point, version=point.version, data={"text": "全年学习15次。"}, user=drafter
    )
    workflow_services.report_submit(report=report, user=drafter)
    page = client.get(reverse("report_review", args=[report.pk]) + "?view=previous").content.decode()
    assert "<del>2</del><ins>5</ins>" in page or ("<del>" in page and "<ins>" in page)
    assert "修改 1 处" in page


def test_presence_shows_who_else_has_the_report_open(client, report, drafter, supervisor):
    client.force_login(supervisor)
    client.post(reverse("report_presence", args=[report.pk]), **HX)
    client.force_login(drafter)
    body = client.post(reverse("report_presence", args=[report.pk]), **HX).content.decode()
    assert "supervisor" in body and "也在编辑此报告" in body


def test_dashboard_deadlines_overdue_and_data_changed(client, submitted, supervisor, drafter, kinds):
    report, _point, revision = submitted
    Deadline.objects.create(
        bureau=report.bureau, kind=report.kind, year=report.year, due_date=dt.date(2000, 1, 1)
    )
    metric = Metric.objects.create(
        bureau=report.bureau, year=report.year, name="收入", value=Decimal("10"), unit="亿元"
    )
    point = report.blocks.get(type="point")
    workflow_services.report_withdraw(report=report, user=drafter)
    report_services.block_save(
        block=point, version=point.version, data={"text": "收入{{收入}}亿元。"}, user=drafter
    )
    revision = workflow_services.report_submit(report=report, user=drafter)
    workflow_services.report_approve(report=report, user=supervisor, revision_id=revision.pk)
    client.force_login(supervisor)
    page = client.get(reverse("dashboard")).content.decode()
    assert report.title in page and "数据已变更" not in page and "已逾期" not in page  # approved: not overdue
    Metric.objects.filter(pk=metric.pk).update(value=Decimal("11"))
    page = client.get(reverse("dashboard")).content.decode()
    assert "数据已变更" in page
    assert report.title not in client.get(reverse("dashboard") + "?status=draft", **HX).content.decode()


def test_drafters_cannot_open_the_dashboard_or_audit_log(client, drafter):
    client.force_login(drafter)
    assert client.get(reverse("dashboard")).status_code == 403
    assert client.get(reverse("audit_log")).status_code == 403


def test_the_audit_log_records_who_what_and_where_and_filters(client, submitted, supervisor):
    report, _point, _revision = submitted
    client.force_login(supervisor)
    client.post(reverse("comment_add", args=[report.pk]), {"text": "总体可以"}, REMOTE_ADDR="10.1.2.3", **HX)
    entry = AuditLog.objects.get(action="comment")
    assert entry.actor == supervisor and entry.ip == "10.1.2.3" and entry.report == report
    page = client.get(reverse("audit_log") + "?action=comment", **HX).content.decode()
    assert "总体可以" in page and "提交审核" not in page
    page = client.get(reverse("audit_log")).content.decode()
    assert "提交审核" in page and "记录只读" in page


def test_notifications_page_marks_read(client, submitted, supervisor):
    client.force_login(supervisor)
    assert "已提交审核" in client.get(reverse("notifications")).content.decode()
    client.post(reverse("notifications"))
    assert not Notification.objects.filter(user=supervisor, read=False).exists()
