"""What an editor request costs (issue 14): a block save's SQL statements, none of them a write to
the report row; the report list's 更新时间 from the blocks; each placeholder text evaluated once
per editor request. Counted with CaptureQueriesContext and the placeholder caches' cache_info()."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.core import placeholders
from reports.models import AuditLog, Block, Report
from reports.selectors import editor as editor_selectors
from reports.services import reports as report_services

HX = {"HTTP_HX_REQUEST": "true"}

# The whole POST of an autosave, as the test client sees it: the user with their membership (one
# query, reports.auth.MemberBackend; the session is read from Redis: cached_db), the block (with its
# report, kind, visibility and ancestors, one query), the save itself — one statement: the block's
# conditional UPDATE (version and the report's status, FOR SHARE) and the audit row's INSERT in one
# data-modifying CTE, atomic without BEGIN/COMMIT — then the answer's metrics and 提法 list (the
# ignored findings only when the block has findings), and for the check panel's items of the block
# its place (its and its ancestors' sibling lists, one query) and, when its text is long enough to
# be compared, last year's report (its passages are cached per process). No outline reload follows
# (issue 14). Was 11: session, user, membership, block, SAVEPOINT, status FOR SHARE, UPDATE,
# INSERT, RELEASE, metrics, 提法 (14 + 1 before that).
SAVE_POST_STATEMENTS = 7


def _deep_point(report, drafter) -> Block:
    """A point three headings deep (the deepest a block sits): the section's department is three
    parents up."""
    parent = report.blocks.get(parent=None, position=0)
    for _ in range(2):
        parent = report_services.block_add(report=report, type="heading", parent=parent, user=drafter)
    return report_services.block_add(report=report, type="point", parent=parent, user=drafter)


def test_it_saves_a_block_in_a_bounded_number_of_statements(client, report, drafter, income):
    point = _deep_point(report, drafter)
    client.force_login(drafter)
    text = "收入{{一般公共预算收入}}亿元，同比{{一般公共预算收入.增减}}。"
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("block_save", args=[point.pk]), {"version": "1", "text": text}, **HX)
    assert response.status_code == 200
    assert "186.4" in response.content.decode()  # the preview is in the answer
    sqls = [q["sql"] for q in queries.captured_queries]
    assert len(sqls) <= SAVE_POST_STATEMENTS, "\n".join(sqls)
    assert not [s for s in sqls if "django_session" in s or s.startswith(("SAVEPOINT", "BEGIN"))]
    writes = _writes(queries.captured_queries)
    assert len(writes) == 1
    assert writes[0].startswith("WITH saved AS (UPDATE reports_block SET")
    assert "FOR SHARE" in writes[0] and 'INSERT INTO "reports_auditlog"' in writes[0]
    log = AuditLog.objects.get(action="block_save", detail__block=point.pk)
    assert (log.actor, log.actor_username, log.detail["version"]) == (drafter, "drafter", 2)
    assert log.summary == "修改要点（第2版）"


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].split(None, 1)[0] in ("UPDATE", "INSERT", "DELETE", "WITH")]


def test_a_save_does_not_write_the_report_row_even_after_commit(
    client, report, drafter, django_capture_on_commit_callbacks
):
    client.force_login(drafter)
    point = _deep_point(report, drafter)
    before = Report.objects.get(pk=report.pk).updated_at
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("block_save", args=[point.pk]), {"version": "1", "text": "正文"}, **HX)
    # the save reads the report row (its status, FOR SHARE) and writes only the block and the audit row
    assert not [w for w in _writes(queries.captured_queries) if re.search(r'UPDATE "?reports_report"? ', w)]
    assert Report.objects.get(pk=report.pk).updated_at == before


def test_the_report_list_shows_and_orders_by_the_latest_block_change(client, drafter, kinds):
    older = report_services.report_create(user=drafter, kind=kinds["duty"], year=2025, subject="甲")
    report_services.report_create(user=drafter, kind=kinds["duty"], year=2025, subject="乙")
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Report.objects.filter(pk=older.pk).update(updated_at=long_ago)
    Block.objects.filter(report=older).update(updated_at=long_ago)
    client.force_login(drafter)
    first = client.get(reverse("report_list")).content.decode()
    assert first.index("乙") < first.index("甲")
    assert long_ago.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M") in first

    block = older.blocks.get(parent=None, position=0)
    client.post(
        reverse("block_save", args=[block.pk]), {"version": str(block.version), "text": "新写的"}, **HX
    )
    after = client.get(reverse("report_list")).content.decode()
    assert after.index("甲") < after.index("乙")
    assert long_ago.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M") not in after


@pytest.fixture
def cold():
    for cache in (placeholders._parsed, placeholders.checked, placeholders._compiled):
        cache.cache_clear()


def test_the_editor_evaluates_each_placeholder_text_once_per_request(report, drafter, income, cold):
    texts = ["{{一般公共预算收入}}", "{{一般公共预算收入.同比}}", "{{一般公共预算收入|万元}}"]
    for block, text in zip(report.blocks.all()[:3], texts, strict=True):
        Block.objects.filter(pk=block.pk).update(text=f"收入{text}，再写一次{text}。")
    report.opening = f"导语{texts[0]}"
    report.save()
    context = editor_selectors.editor_context(report=report, user=drafter)
    # previews, the check panel and proofreading share one evaluation of each distinct text
    info = placeholders.checked.cache_info()
    assert info.hits + info.misses == len(texts)
    assert not any(c.errors or c.warnings for c in context["checks"][:4])
    assert [s.text for s in context["tree"][0].preview if s.kind == "value"][:2] == ["186.4", "186.4"]


@pytest.mark.parametrize(
    ("poll", "delay", "following"), [("", 50, 1), ("abc", 50, 1), ("3", 250, 4), ("99", 1000, 100)]
)
def test_the_export_panel_polls_soon_then_backs_off(client, report, drafter, poll, delay, following):
    from reports.models import Export

    export = Export.objects.create(report=report, requested_by=drafter, snapshot={})
    client.force_login(drafter)
    body = client.get(reverse("export_status", args=[export.pk]), {"poll": poll}, **HX).content.decode()
    assert f'hx-trigger="load delay:{delay}ms"' in body
    assert f'?poll={following}"' in body


def test_the_save_checks_the_status_in_its_update_not_in_the_loaded_row(report, drafter):
    """The report is submitted after the block (and its report) were loaded: the conditional UPDATE
    itself refuses, and only then is the reason read — not editable, not a version conflict."""
    from reports.errors import NotEditable

    block = report.blocks.get(parent=None, position=0)
    assert block.report.is_editable
    Report.objects.filter(pk=report.pk).update(status=Report.Status.SUBMITTED)
    with pytest.raises(NotEditable):
        report_services.block_save(block=block, version=block.version, data={"text": "迟到"}, user=drafter)
    assert Block.objects.get(pk=block.pk).text != "迟到"
    assert not AuditLog.objects.filter(action="block_save").exists()


def test_a_stale_version_is_a_conflict_and_writes_no_audit_row(report, drafter):
    from reports.errors import BlockConflict

    block = report.blocks.get(parent=None, position=0)
    report_services.block_save(block=block, version=block.version, data={"text": "先到"}, user=drafter)
    with pytest.raises(BlockConflict) as conflict:
        report_services.block_save(block=block, version=1, data={"text": "后到"}, user=drafter)
    assert conflict.value.current.text == "先到"
    assert AuditLog.objects.filter(action="block_save").count() == 1


def test_the_signed_in_user_comes_with_the_membership(client, drafter):
    client.force_login(drafter)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("notifications"), **HX)
    users = [q["sql"] for q in queries.captured_queries if 'FROM "auth_user"' in q["sql"]]
    assert len(users) == 1 and "reports_membership" in users[0]
    assert not [q for q in queries.captured_queries if 'FROM "reports_membership"' in q["sql"]]
