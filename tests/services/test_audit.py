"""The audit log tells the truth (issue 9, items 7, 8 and 10): the actor as named at the time, the
address the trusted proxy saw, and rows the database itself refuses to change or delete."""

from __future__ import annotations

import subprocess
import sys

import pytest
from crawling import admin_form
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory, override_settings
from django.urls import reverse

from reports.middleware import client_ip
from reports.models import AuditLog, Bureau, Report
from reports.services import audit as audit_services
from reports.services import exports as export_services
from reports.services import reports as report_services

HX = {"HTTP_HX_REQUEST": "true"}
PROXY = {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}


# --- item 7: the actor's name as it was ----------------------------------------------------------


def test_it_keeps_the_actors_name_when_the_user_is_renamed_in_the_admin(client, report, drafter, leader):
    drafter.first_name = "李文"
    drafter.save()
    section = report.blocks.get(parent=None, position=0)
    report_services.block_save(block=section, version=section.version, data={"text": "正文"}, user=drafter)
    export_services.export_request(report=report, user=drafter, confirmed=True)
    before = list(AuditLog.objects.filter(actor=drafter).values_list("pk", "actor_username", "actor_name"))
    assert len(before) >= 2 and {(u, n) for _, u, n in before} == {("drafter", "李文")}

    root = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(root)
    url = reverse("admin:auth_user_change", args=[drafter.pk])
    data = admin_form(client, url, "user_form") | {"username": "renamed", "first_name": "王某"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    drafter.refresh_from_db()
    assert (drafter.username, drafter.first_name) == ("renamed", "王某")

    after = list(
        AuditLog.objects.filter(pk__in=[pk for pk, _, _ in before]).values_list(
            "pk", "actor_username", "actor_name"
        )
    )
    assert sorted(after) == sorted(before), "no past row changed"
    admin_list = client.get(reverse("admin:reports_auditlog_changelist")).content.decode()
    assert "李文" in admin_list and "王某" not in admin_list
    client.force_login(leader)
    page = client.get(reverse("audit_log")).content.decode()
    assert "李文" in page and "王某" not in page

    # what the renamed user does from now on is recorded under the new name
    export_services.export_request(report=report, user=drafter, confirmed=True)
    assert AuditLog.objects.filter(actor=drafter).first().actor_name == "王某"


def test_it_keeps_the_name_when_the_user_is_deleted(report, drafter):
    drafter.first_name = "李文"
    drafter.save()
    entry = audit_services.audit(bureau_id=report.bureau_id, actor=drafter, action="export", summary="导出")
    drafter.delete()
    entry.refresh_from_db()
    assert entry.actor_id is None and entry.actor_display == "李文" and entry.actor_username == "drafter"


def test_an_action_without_a_user_is_shown_as_the_system(bureau):
    entry = audit_services.audit(bureau_id=bureau.pk, actor=None, action="metric", summary="自动导入")
    assert (entry.actor_username, entry.actor_name, entry.actor_display) == ("", "", "系统")


# --- item 8: the address the trusted proxy appended -----------------------------------------------


def _ip(forwarded: str | None, remote: str = "10.0.0.9") -> str | None:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **headers))


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (1, "6.6.6.6, 127.0.0.1", "127.0.0.1"),  # the spoof: the client's own value is ignored
        (1, "203.0.113.7", "203.0.113.7"),  # an honest client through one proxy
        (1, "6.6.6.6,  5.5.5.5 ,203.0.113.7", "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),  # two proxies: the outer one's entry
        (2, "203.0.113.7", "10.0.0.9"),  # fewer entries than proxies: not through them, the socket
        (1, "", "10.0.0.9"),
        (1, None, "10.0.0.9"),
        (1, "6.6.6.6, not-an-address", "10.0.0.9"),  # never a made-up value, never a 500 on save
        (1, "6.6.6.6, 2001:db8::1", "2001:db8::1"),
        (0, "6.6.6.6, 203.0.113.7", "10.0.0.9"),  # 0 trusted proxies: the header means nothing
    ],
)
def test_it_takes_the_address_the_trusted_proxy_appended(hops, forwarded, expected):
    with override_settings(TRUSTED_PROXY_COUNT=hops, **PROXY):
        assert _ip(forwarded) == expected


def test_it_ignores_the_header_without_a_proxy():
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert _ip("6.6.6.6, 127.0.0.1") == "10.0.0.9"


def test_a_spoofed_header_does_not_reach_the_audit_log(client, report, drafter):
    client.force_login(drafter)
    with override_settings(TRUSTED_PROXY_COUNT=1, **PROXY):
        response = client.post(
            reverse("export_create", args=[report.pk]),
            {"confirmed": "1"},
            HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4",
            HTTP_X_FORWARDED_PROTO="https",
            REMOTE_ADDR="127.0.0.1",
            **HX,
        )
    assert response.status_code == 200
    assert AuditLog.objects.get(action="export").ip == "198.51.100.4"


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_a_bad_trusted_proxy_count_refuses_to_start(value):
    code = "import django; django.setup()"
    env = {"DJANGO_SETTINGS_MODULE": "bureau.settings", "SECRET_KEY": "x", "TRUSTED_PROXY_COUNT": value}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "TRUSTED_PROXY_COUNT must be a whole number" in result.stderr


# --- item 10: the database refuses to rewrite the log ---------------------------------------------


def _postgresql():
    assert connection.vendor == "postgresql", "run the suite against PostgreSQL (scripts/test.sh)"


@pytest.fixture
def entry(report, drafter):
    _postgresql()
    return audit_services.audit(
        bureau_id=report.bureau_id, actor=drafter, action="export", report=report, summary="导出Word"
    )


@pytest.mark.parametrize(
    "assignment",
    [
        "summary = '改写的摘要'",
        "actor_name = '别人'",
        "actor_username = 'someone'",
        "ip = '6.6.6.6'",
        "created_at = created_at - interval '1 day'",
        "detail = '{\"export\": 1}'::jsonb",
        "action = 'approve'",
        "actor_id = NULL, actor_name = ''",  # emptying the link is allowed; the name is not
    ],
)
def test_sql_cannot_update_an_audit_row(entry, assignment):
    with (
        pytest.raises(DatabaseError, match="操作记录不可修改"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE reports_auditlog SET {assignment} WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert (entry.summary, entry.actor_name) == ("导出Word", "drafter") and entry.actor_id is not None


def test_sql_cannot_point_an_audit_row_at_another_report(entry, kinds, drafter):
    other = report_services.report_create(user=drafter, kind=kinds["work_plan"], year=2026, subject="另一份")
    with pytest.raises(DatabaseError, match="操作记录不可修改"), transaction.atomic():
        AuditLog.objects.filter(pk=entry.pk).update(report=other)
    assert AuditLog.objects.get(pk=entry.pk).report_id == entry.report_id


@pytest.mark.django_db(transaction=True)
def test_sql_cannot_delete_an_audit_row(entry):
    with pytest.raises(DatabaseError, match="操作记录不可删除"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_auditlog WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match="操作记录不可删除"):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_purging_a_report_or_deleting_a_user_keeps_their_rows(entry, report, drafter, admin_user):
    report_services.report_delete(report=report, user=drafter)
    report_services.report_purge(report=Report.objects.get(pk=report.pk), user=admin_user)
    drafter.delete()
    kept = AuditLog.objects.get(pk=entry.pk)
    assert (kept.report_id, kept.actor_id, kept.summary, kept.actor_name) == (
        None,
        None,
        "导出Word",
        "drafter",
    )
    assert AuditLog.objects.filter(action=AuditLog.Action.REPORT_PURGE).exists()


@pytest.mark.django_db(transaction=True)
def test_deleting_a_whole_bureau_takes_its_log_with_it(entry, bureau):
    Bureau.objects.filter(pk=bureau.pk).delete()
    assert not AuditLog.objects.filter(pk=entry.pk).exists()
