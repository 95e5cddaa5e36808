"""Probe (issue 9, item 11): the whole worker is killed during 20 renders; every export still ends
with exactly one file, about one hard time limit later at worst.

gunicorn and Celery workers (prefork, 2 children, each worker the leader of its own process group) run
against this run's PostgreSQL database and a private Redis. A logged-in drafter asks for 20 exports
over HTTP; when both children are rendering, the worker's whole process group gets SIGKILL; a new
worker starts. Without the take-over the interrupted exports stay at "生成中 10%" until the broker's
visibility timeout (10 min); with it the new worker re-queues them once they have been silent for the
hard time limit. Finally the dead worker's messages are sent again, as the broker will after its
visibility timeout: they must change nothing.

Figures: exports finished (20), files per export (1), interrupted renders, the longest wait from
request to file, and the time from the kill to the last file.
"""

from __future__ import annotations

import tempfile
import time

import pytest

from reports.models import STALL_AFTER, Export

from .probes import HttpClient, Workers, report_figures

EXPORTS = 20
pytestmark = pytest.mark.django_db(transaction=True)


def _wait(condition, timeout: float, what: str, workers: Workers):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}\n{workers.logs()}")


def test_exports_survive_a_killed_worker(report, drafter, redis_server, gunicorn):
    client = HttpClient(gunicorn(REDIS_URL=redis_server.url))
    client.login("drafter", "pw-drafter")
    with tempfile.TemporaryDirectory() as log_dir:
        workers = Workers(log_dir, redis_server.url)
        try:
            first = workers.start()
            for _ in range(EXPORTS):
                status, body = client.post(f"/reports/{report.pk}/exports/", {"confirmed": "1"})
                assert status == 200, body[:300]
            exports = Export.objects.filter(report=report)
            assert exports.count() == EXPORTS

            _wait(
                lambda: exports.filter(status=Export.Status.RUNNING).count() >= 2,  # both children busy
                120,
                "two renders to start",
                workers,
            )
            workers.kill(first)
            killed_at = time.monotonic()
            interrupted = set(exports.filter(status=Export.Status.RUNNING).values_list("pk", flat=True))
            assert interrupted, "no render was running when the worker was killed"

            workers.start()
            _wait(
                lambda: not exports.exclude(status__in=[Export.Status.DONE, Export.Status.FAILED]).exists(),
                STALL_AFTER.total_seconds() + 180,
                "every export to finish",
                workers,
            )
            recovered_after = time.monotonic() - killed_at
            rows = list(exports.values("pk", "status", "created_at", "finished_at", "content"))

            # The broker hands the dead worker's messages out again after its visibility timeout:
            # send them now and check that they change nothing.
            from reports.tasks import export_render

            export_render.app.conf.task_always_eager = False  # (restored by tests/conftest.py)
            with export_render.app.connection_for_write(redis_server.url) as connection:
                for pk in interrupted:
                    export_render.apply_async((pk,), connection=connection)
            time.sleep(5)
            again = {r["pk"]: r for r in exports.values("pk", "finished_at", "content")}
        finally:
            workers.stop_all()

    finished = sum(r["status"] == Export.Status.DONE for r in rows)
    one_file = [
        r["content"] is not None
        and again[r["pk"]]["finished_at"] == r["finished_at"]
        and bytes(again[r["pk"]]["content"]) == bytes(r["content"])
        for r in rows
    ]
    files_per_export = 1 if all(one_file) and len(rows) == EXPORTS else 0
    longest = max((r["finished_at"] - r["created_at"]).total_seconds() for r in rows if r["finished_at"])
    report_figures(
        worker_killed_exports=EXPORTS,
        interrupted=len(interrupted),
        finished=finished,
        files_per_export=files_per_export,
        longest_wait_s=f"{longest:.1f}",
        last_file_after_kill_s=f"{recovered_after:.1f}",
        hard_limit_s=f"{STALL_AFTER.total_seconds():.0f}",
    )
    assert finished == EXPORTS, [r["status"] for r in rows]
    assert files_per_export == 1
    assert longest < STALL_AFTER.total_seconds() + 60, (
        "an interrupted export waited much longer than the hard limit"
    )
