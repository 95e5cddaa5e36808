"""Django admin pages for bureaus, departments, users (with membership) and kinds open for a superuser."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:reports_bureau_changelist",
        "admin:reports_department_changelist",
        "admin:auth_user_changelist",
        "admin:reports_reportkind_changelist",
        "admin:reports_report_changelist",
        "admin:reports_export_changelist",
    ],
)
def test_admin_changelists_open(client, report, url_name):
    admin = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(admin)
    assert client.get(reverse(url_name)).status_code == 200


def test_the_user_page_edits_membership(client, drafter):
    admin = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(admin)
    page = client.get(reverse("admin:auth_user_change", args=[drafter.pk])).content.decode()
    assert "所属财政局、科室与角色" in page and "起草人" in page


def test_a_drafter_cannot_enter_the_admin(client, drafter):
    client.force_login(drafter)
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_bureau_admin_sees_only_their_bureau(client, admin_user, outsider, report, kinds):
    from reports import services
    from reports.models import Membership, Metric

    membership = Membership.objects.get(user=admin_user)
    membership.role = Membership.Role.ADMIN
    membership.save()
    services.membership_sync_staff(membership)
    theirs = services.report_create(user=outsider, kind=kinds["work_plan"], year=2026, subject="邻县财政局")
    Metric.objects.create(bureau=theirs.bureau, year=2026, name="邻县收入")
    client.force_login(admin_user)
    for url_name, ours, other in [
        ("admin:reports_report_changelist", report.title, theirs.title),
        ("admin:auth_user_changelist", "drafter", "outsider"),
        ("admin:reports_metric_changelist", None, "邻县收入"),
        ("admin:reports_department_changelist", "预算科", None),
    ]:
        page = client.get(reverse(url_name))
        assert page.status_code == 200, url_name
        body = page.content.decode()
        if ours:
            assert ours in body, url_name
        if other:
            assert other not in body, url_name
    assert client.get(reverse("admin:reports_report_change", args=[theirs.pk])).status_code in (302, 404)
    assert client.get(reverse("admin:auth_user_change", args=[outsider.pk])).status_code in (302, 404)
    assert client.get(reverse("admin:reports_auditlog_changelist")).status_code == 200


def test_the_audit_log_cannot_be_edited_in_the_admin(client, report, drafter):
    from reports.models import AuditLog

    entry = AuditLog.objects.create(bureau=report.bureau, actor=drafter, action="test", summary="x")
    root = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(root)
    assert (
        client.post(reverse("admin:reports_auditlog_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AuditLog.objects.filter(pk=entry.pk).exists()
