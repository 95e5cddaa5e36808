"""Reliability probe (issue 9, item 11): the whole worker is killed during 20 renders.

Starts its own Celery worker (prefork, 2 children, in its own process group) against this run's
database and REDIS_URL, requests 20 exports, kills the worker's whole process group with SIGKILL
while it renders, starts a new worker and measures: exports finished (20), files per export (1, also
after the old messages are delivered again), and the longest wait from request to file. Without the
take-over the interrupted exports wait for the broker's visibility timeout (10 min); with it, about
one hard time limit (the new worker re-queues them when they have been silent that long).

Only the processes started here are killed; the shared PostgreSQL and Redis are left alone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

from bureau.celery import app as celery_app
from reports import services
from reports.models import STALL_AFTER, Export

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = 20
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _env() -> dict[str, str]:
    s = connection.settings_dict
    assert s["ENGINE"] == "django.db.backends.postgresql", "run with DATABASE_URL (scripts/test.sh env)"
    assert os.environ.get("REDIS_URL"), "run with REDIS_URL (scripts/test.sh env)"
    return dict(
        os.environ,
        DATABASE_URL=f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}",
        SECRET_KEY="reliability",
        DEBUG="0",
    )


class Workers:
    """The worker processes this probe started (each the leader of its own process group)."""

    def __init__(self, log_dir: str):
        self.log_dir, self.procs = log_dir, []

    def start(self) -> subprocess.Popen:
        log = open(Path(self.log_dir) / f"worker-{len(self.procs)}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "bureau", "worker", "-P", "prefork", "-c", "2"]
            + ["-Q", "bureau", "-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT,
            env=_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        """SIGKILL the worker's main process and its children at once."""
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)

    def logs(self) -> str:
        return "\n".join(p.read_text()[-3000:] for p in sorted(Path(self.log_dir).glob("*.log")))


def _wait(condition, timeout: float, what: str, workers: Workers):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}\n{workers.logs()}")


def test_exports_survive_a_killed_worker(report, drafter):
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    with tempfile.TemporaryDirectory() as log_dir:
        workers = Workers(log_dir)
        try:
            first = workers.start()
            ids = [
                services.export_request(report=report, user=drafter, confirmed=True).pk
                for _ in range(EXPORTS)
            ]
            exports = Export.objects.filter(pk__in=ids)

            running = _wait(
                lambda: exports.filter(status=Export.Status.RUNNING).count() >= 2,  # both children busy
                120,
                "two renders to start",
                workers,
            )
            workers.kill(first)
            killed_at = time.monotonic()
            interrupted = set(exports.filter(status=Export.Status.RUNNING).values_list("pk", flat=True))
            assert interrupted and running, "no render was running when the worker was killed"

            workers.start()
            _wait(
                lambda: not exports.exclude(status__in=[Export.Status.DONE, Export.Status.FAILED]).exists(),
                STALL_AFTER.total_seconds() + 180,
                "every export to finish",
                workers,
            )
            recovered_after = time.monotonic() - killed_at
            rows = list(exports.values("pk", "status", "created_at", "finished_at", "content", "attempts"))

            # The dead worker's messages come back after the broker's visibility timeout: send them
            # now and check that they change nothing.
            from reports.tasks import export_render

            for pk in interrupted:
                export_render.delay(pk)
            time.sleep(5)
            again = {r["pk"]: r for r in exports.values("pk", "finished_at", "content", "attempts")}
        finally:
            workers.stop_all()

    finished = sum(r["status"] == Export.Status.DONE for r in rows)
    unchanged = all(
        again[r["pk"]]["finished_at"] == r["finished_at"]
        and bytes(again[r["pk"]]["content"]) == bytes(r["content"])
        for r in rows
        if r["content"] is not None
    )
    files_per_export = 1 if unchanged and Export.objects.filter(report=report).count() == EXPORTS else 0
    longest = max((r["finished_at"] - r["created_at"]).total_seconds() for r in rows if r["finished_at"])
    print(
        f"RELIABILITY worker_killed exports={EXPORTS} interrupted={len(interrupted)} finished={finished} "
        f"files_per_export={files_per_export} longest_wait_s={longest:.1f} "
        f"recovered_after_kill_s={recovered_after:.1f} hard_limit_s={STALL_AFTER.total_seconds():.0f}"
    )
    assert finished == EXPORTS, [r["status"] for r in rows]
    assert files_per_export == 1
    assert longest < STALL_AFTER.total_seconds() + 60, (
        "an interrupted export waited much longer than the hard limit"
    )
