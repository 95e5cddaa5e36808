"""Retrying an export and taking over one whose worker is gone (issue 9, items 9 and 11).

A retry is recorded as the person who retried, and only a failed or stuck export may be retried. An
unfinished export with no sign of life for longer than the hard time limit is queued again when a
user polls it (here) or a worker starts (tests/services/test_worker.py), still storing exactly one file.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import STALL_AFTER, STUCK_AFTER, AuditLog, Export
from reports.services import exports as export_services

HX = {"HTTP_HX_REQUEST": "true"}


def _export(report, user, *, status, age=dt.timedelta(0), silent=dt.timedelta(0), attempts=0, **fields):
    """An export requested `age` ago whose worker was last heard of `silent` ago."""
    export = Export.objects.create(
        report=report,
        requested_by=user,
        status=status,
        attempts=attempts,
        snapshot={"title": "标题", "blocks": []},
        **fields,
    )
    now = timezone.now()
    Export.objects.filter(pk=export.pk).update(created_at=now - age, heartbeat_at=now - silent)
    export.refresh_from_db()
    return export


# --- item 9: who retries, and what may be retried -------------------------------------------------


def test_a_leader_retrying_a_drafters_failed_export_is_recorded_as_the_leader(
    client, report, drafter, leader, django_capture_on_commit_callbacks
):
    leader.first_name = "周领导"
    leader.save()
    failed = _export(report, drafter, status=Export.Status.FAILED, error="测试失败")
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("export_retry", args=[failed.pk]), **HX)
    assert response.status_code == 200
    new = Export.objects.exclude(pk=failed.pk).get(report=report)
    assert new.requested_by == leader and new.status == Export.Status.DONE
    entry = AuditLog.objects.get(action=AuditLog.Action.EXPORT, detail__export=new.pk)
    assert (entry.actor, entry.actor_name) == (leader, "周领导")
    assert Export.objects.get(pk=failed.pk).requested_by == drafter  # the old row stays as it was


@pytest.mark.parametrize(
    ("status", "silent", "message"),
    [
        (Export.Status.DONE, dt.timedelta(0), "已生成完毕"),
        (Export.Status.RUNNING, dt.timedelta(seconds=30), "正在生成"),  # its worker is alive
    ],
    ids=["done", "running"],
)
def test_it_refuses_to_retry_a_finished_or_live_export(
    client, report, drafter, leader, status, silent, message
):
    export = _export(report, drafter, status=status, age=STUCK_AFTER * 2, silent=silent, progress=10)
    client.force_login(leader)
    response = client.post(reverse("export_retry", args=[export.pk]), **HX)
    body = response.content.decode()
    assert response.status_code == 409
    assert 'id="export-panel"' in body and message in body and 'role="alert"' in body
    assert list(Export.objects.filter(report=report)) == [export], "nothing recorded"
    assert not AuditLog.objects.filter(action=AuditLog.Action.EXPORT).exists()


def test_a_stuck_export_may_be_retried(client, report, drafter, django_capture_on_commit_callbacks):
    """Queued for longer than a worker takes (no worker running at all): the retry button works."""
    stuck = _export(report, drafter, status=Export.Status.QUEUED, age=STUCK_AFTER * 2)
    client.force_login(drafter)
    body = client.get(reverse("export_status", args=[stuck.pk]), **HX).content.decode()
    assert "重新生成" in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("export_retry", args=[stuck.pk]), **HX)
    assert response.status_code == 200 and Export.objects.filter(report=report).count() == 2


def test_a_live_export_offers_no_retry_button(client, report, drafter):
    live = _export(
        report, drafter, status=Export.Status.RUNNING, age=STUCK_AFTER * 2, silent=dt.timedelta(seconds=5)
    )
    client.force_login(drafter)
    assert "重新生成" not in client.get(reverse("export_status", args=[live.pk]), **HX).content.decode()


# --- item 11: an export whose worker is gone is queued again --------------------------------------


def test_polling_an_export_whose_worker_died_renders_it(
    client, report, drafter, django_capture_on_commit_callbacks
):
    """RUNNING at 10 % for longer than the hard time limit: its worker is gone. The poll queues it
    again (tasks run in-process here) and the next poll offers the file."""
    dead = _export(
        report, drafter, status=Export.Status.RUNNING, progress=10, attempts=1, silent=STALL_AFTER * 1.1
    )
    client.force_login(drafter)
    url = reverse("export_status", args=[dead.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert "排队中" in client.get(url, **HX).content.decode()
    dead.refresh_from_db()
    assert dead.status == Export.Status.DONE and dead.attempts == 2 and dead.content
    assert "下载" in client.get(url, **HX).content.decode()


def test_polling_a_live_export_leaves_it_alone(client, report, drafter):
    live = _export(
        report, drafter, status=Export.Status.RUNNING, progress=10, attempts=1, silent=STALL_AFTER * 0.9
    )
    client.force_login(drafter)
    client.get(reverse("export_status", args=[live.pk]), **HX)
    live.refresh_from_db()
    assert (live.status, live.attempts) == (Export.Status.RUNNING, 1)


def test_a_stalled_export_is_queued_once_however_many_ask(
    report, drafter, django_capture_on_commit_callbacks
):
    """Two workers starting and a user polling at once: one of them queues it; the others see a
    fresh heartbeat. The render stores one file."""
    dead = _export(report, drafter, status=Export.Status.RUNNING, attempts=1, silent=STALL_AFTER * 2)
    alive = _export(report, drafter, status=Export.Status.RUNNING, attempts=1, silent=dt.timedelta(0))
    done = _export(report, drafter, status=Export.Status.DONE, silent=STALL_AFTER * 2)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert export_services.exports_requeue_stalled() == [dead.pk]
        assert export_services.exports_requeue_stalled() == []
        export_services.export_requeue_if_stalled(export=dead)  # a poll with the stale row in hand
    assert len(callbacks) == 1
    dead.refresh_from_db()
    assert dead.status == Export.Status.DONE and dead.attempts == 2
    assert export_services.export_run(export_id=dead.pk) is False  # a late copy of the old message: no-op
    assert Export.objects.get(pk=alive.pk).status == Export.Status.RUNNING
    assert Export.objects.get(pk=done.pk).status == Export.Status.DONE


def test_an_export_that_kills_its_worker_every_time_fails_with_a_message(report, drafter):
    poison = _export(
        report,
        drafter,
        status=Export.Status.RUNNING,
        attempts=export_services.MAX_RENDER_ATTEMPTS,
        silent=STALL_AFTER * 2,
    )
    assert export_services.exports_requeue_stalled() == []
    poison.refresh_from_db()
    assert poison.status == Export.Status.FAILED and "多次中断" in poison.error
    assert poison.can_retry


def test_the_stall_limit_is_the_hard_time_limit():
    from django.conf import settings

    from reports.tasks import export_render

    assert STALL_AFTER.total_seconds() == settings.CELERY_TASK_TIME_LIMIT == export_render.time_limit
