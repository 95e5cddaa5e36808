"""Reliability probe (issue 9, items 7, 8, 10): the audit log tells the truth under attack.

300 rows by 李文, then the user is renamed in the admin: rows whose recorded or shown name changed
(0). Direct SQL against the table: UPDATEs and DELETEs that got through (0). Requests with a spoofed
X-Forwarded-For behind one trusted proxy: rows that recorded the spoofed address (0).
"""

from __future__ import annotations

import pytest
from crawling import admin_form
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.urls import reverse

from reports.models import AuditLog
from reports.services import audit as audit_services

from .probes import report_figures

ROWS = 300
pytestmark = pytest.mark.django_db(transaction=True)


def test_the_audit_log_tells_the_truth(client, report, drafter, leader):
    assert connection.vendor == "postgresql", "run with DATABASE_URL (scripts/test.sh env)"
    drafter.first_name = "李文"
    drafter.save()
    for n in range(ROWS):
        audit_services.audit(
            bureau_id=report.bureau_id, actor=drafter, action="block_save", report=report, summary=f"第{n}次"
        )
    before = dict(AuditLog.objects.filter(actor=drafter).values_list("pk", "actor_name"))

    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    url = reverse("admin:auth_user_change", args=[drafter.pk])
    assert (
        client.post(url, admin_form(client, url, "user_form") | {"first_name": "另一个名字"}).status_code
        == 302
    )
    after = dict(AuditLog.objects.filter(pk__in=before).values_list("pk", "actor_name"))
    changed = sum(after[pk] != name for pk, name in before.items())
    client.force_login(leader)
    page = client.get(reverse("audit_log")).content.decode()
    shown_renamed = page.count("另一个名字")

    updates = [
        "summary = '改写'",
        "actor_name = '别人'",
        "created_at = now()",
        "report_id = NULL, summary = '改写'",
    ]
    updated = 0
    for assignment in updates:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"UPDATE reports_auditlog SET {assignment}")
                updated += 1
        except DatabaseError:
            pass
    deleted = 0
    for statement in [
        "DELETE FROM reports_auditlog",
        f"DELETE FROM reports_auditlog WHERE id = {min(before)}",
    ]:
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
                deleted += 1
        except DatabaseError:
            pass

    spoofed = 0
    client.force_login(drafter)
    proxy = {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"), "TRUSTED_PROXY_COUNT": 1}
    with override_settings(**proxy):
        for forged in ["6.6.6.6", "6.6.6.6, 127.0.0.1", "unknown, 10.0.0.1", "::1, 6.6.6.6"]:
            client.post(
                reverse("export_create", args=[report.pk]),
                {"confirmed": "1"},
                HTTP_X_FORWARDED_FOR=f"{forged}, 198.51.100.4",  # the proxy appended the real one
                HTTP_X_FORWARDED_PROTO="https",
                HTTP_HX_REQUEST="true",
            )
            spoofed += AuditLog.objects.filter(action="export").order_by("-pk").first().ip != "198.51.100.4"

    report_figures(
        audit_rows=ROWS,
        rows_changed_by_rename=changed,
        renamed_shown=shown_renamed,
        sql_updates_applied=f"{updated}/{len(updates)}",
        sql_deletes_applied=f"{deleted}/2",
        spoofed_ip_recorded=f"{spoofed}/4",
    )
    assert (changed, shown_renamed, updated, deleted, spoofed) == (0, 0, 0, 0, 0)
    assert AuditLog.objects.filter(actor=drafter).count() >= ROWS
