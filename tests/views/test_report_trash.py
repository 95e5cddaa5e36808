"""删除 / 回收站: soft delete by the owner (drafts only) or the admin, restore, purge; audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.errors import NotEditable, WrongState
from reports.models import AuditLog, Report, Revision
from reports.services import reports as report_services
from reports.services import workflow as workflow_services

HX = {"HTTP_HX_REQUEST": "true"}


def _post(client, name, report, data=None, htmx=True):
    return client.post(reverse(name, args=[report.pk]), data or {}, **(HX if htmx else {}))


def test_it_lets_the_owner_delete_a_draft_and_restore_it(client, report, drafter):
    client.force_login(drafter)
    response = _post(client, "report_delete", report)
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        f"《{report.title}》已移入回收站" in body
        and "撤销" in body
        and f'id="report-row-{report.pk}"' in body
    )
    report.refresh_from_db()
    assert report.deleted_at is not None and report.deleted_by == drafter
    entry = AuditLog.objects.get(action="report_delete")
    assert entry.report == report and entry.actor == drafter and "移入回收站" in entry.summary

    assert client.get(reverse("report_edit", args=[report.pk])).status_code == 404
    assert report.title not in client.get(reverse("report_list")).content.decode()
    trash = client.get(reverse("report_trash")).content.decode()
    assert report.title in trash and "恢复" in trash and "彻底删除" not in trash.split("</p>", 1)[1]

    response = _post(client, "report_restore", report)
    assert response.status_code == 200 and "已恢复" in response.content.decode()
    report.refresh_from_db()
    assert report.deleted_at is None and report.deleted_by is None
    assert AuditLog.objects.filter(action="report_restore", report=report, actor=drafter).exists()
    assert client.get(reverse("report_edit", args=[report.pk])).status_code == 200
    assert report.title not in client.get(reverse("report_trash")).content.decode()


def test_the_list_offers_delete_only_where_it_is_allowed(client, report, drafter, leader, admin_user):
    client.force_login(drafter)
    delete_url = reverse("report_delete", args=[report.pk])
    assert delete_url in client.get(reverse("report_list")).content.decode()
    workflow_services.report_submit(report=report, user=drafter)
    assert delete_url not in client.get(reverse("report_list")).content.decode()
    client.force_login(admin_user)
    assert delete_url in client.get(reverse("report_list")).content.decode()
    client.force_login(leader)
    assert delete_url not in client.get(reverse("report_list")).content.decode()


def test_it_refuses_the_owner_a_submitted_report_beside_the_button(client, report, drafter):
    workflow_services.report_submit(report=report, user=drafter)
    client.force_login(drafter)
    response = _post(client, "report_delete", report)
    body = response.content.decode()
    assert response.status_code == 409  # WrongState: the report is no longer a draft
    assert f'id="report-row-{report.pk}"' in body  # the row the button targets survives
    assert "起草人只能删除未提交、未审定过的草稿" in body
    assert Report.objects.get(pk=report.pk).deleted_at is None
    assert not AuditLog.objects.filter(action="report_delete").exists()


def test_a_once_approved_report_is_not_the_owners_to_delete(report, drafter, bureau):
    from personas import make_member

    boss = make_member(bureau, "boss", "leader", department="预算科")
    boss.membership.supervises.set([report.department])
    revision = workflow_services.report_submit(report=report, user=drafter)
    workflow_services.report_approve(report=report, user=boss, revision_id=revision.pk)
    workflow_services.report_redraft(report=report, user=drafter)
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT and report.was_approved
    with pytest.raises(WrongState):
        report_services.report_delete(report=report, user=drafter)


def test_the_admin_deletes_any_report_and_purges_only_after_confirmation(client, report, drafter, admin_user):
    workflow_services.report_submit(report=report, user=drafter)
    client.force_login(admin_user)
    assert _post(client, "report_delete", report).status_code == 200
    # The owner could not have deleted a submitted report, so it is not in the owner's 回收站.
    client.force_login(drafter)
    assert report.title not in client.get(reverse("report_trash")).content.decode()
    assert _post(client, "report_restore", report).status_code == 404

    client.force_login(admin_user)
    trash = client.get(reverse("report_trash")).content.decode()
    assert report.title in trash and "彻底删除" in trash
    response = _post(client, "report_purge", report)
    assert response.status_code == 422 and "请先勾选“确认彻底删除”" in response.content.decode()
    assert Report.objects.filter(pk=report.pk).exists()

    response = _post(client, "report_purge", report, {"confirm": "on"})
    assert response.status_code == 200 and "已彻底删除" in response.content.decode()
    assert not Report.objects.filter(pk=report.pk).exists()
    assert not Revision.objects.filter(report_id=report.pk).exists()
    entry = AuditLog.objects.get(action="report_purge")
    assert (
        entry.detail["title"] == report.title and report.title in entry.summary and entry.actor == admin_user
    )


def test_the_owner_may_not_purge(client, report, drafter):
    report_services.report_delete(report=report, user=drafter)
    client.force_login(drafter)
    assert _post(client, "report_purge", report, {"confirm": "on"}).status_code == 403
    assert Report.objects.filter(pk=report.pk).exists()


def test_plain_forms_work_without_javascript(client, report, drafter):
    client.force_login(drafter)
    response = _post(client, "report_delete", report, htmx=False)
    assert response.status_code == 302 and response["Location"] == reverse("report_list")
    page = client.get(response["Location"]).content.decode()
    assert "已移入回收站" in page and "回收站（1）" in page
    response = _post(client, "report_restore", report, htmx=False)
    assert response.status_code == 302 and response["Location"] == reverse("report_trash")
    assert "已恢复" in client.get(response["Location"]).content.decode()


def test_nothing_can_be_written_to_a_deleted_report(report, drafter):
    """A tab left open on a report that was deleted meanwhile: saves and submissions are refused."""
    section = report.blocks.get(parent=None, position=0)
    point = report_services.block_add(report=report, type="point", parent=section, user=drafter)
    report_services.report_delete(report=report, user=drafter)
    with pytest.raises(NotEditable, match="回收站"):
        report_services.block_save(
            block=point, version=point.version, data={"text": "迟到的保存"}, user=drafter
        )
    with pytest.raises(NotEditable):
        report_services.report_update_fields(report=report, data={"opening": "迟到"}, user=drafter)
    with pytest.raises(WrongState):
        workflow_services.report_submit(report=report, user=drafter)
    assert Report.objects.get(pk=report.pk).status == Report.Status.DRAFT


def test_a_report_cannot_be_deleted_twice_or_restored_when_live(report, drafter):
    with pytest.raises(WrongState):
        report_services.report_restore(report=report, user=drafter)
    report_services.report_delete(report=report, user=drafter)
    with pytest.raises(WrongState):
        report_services.report_delete(report=report, user=drafter)
    assert AuditLog.objects.filter(action="report_delete").count() == 1
