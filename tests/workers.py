"""Real Celery workers for the tests and benchmarks that are about them: child processes pointed at
this test run's PostgreSQL database and Redis (REDIS_URL), stopped at the end."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def subprocess_env(**overrides) -> dict[str, str]:
    """Environment for a child process that uses this test run's database."""
    s = connection.settings_dict
    if s["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("the worker tests need PostgreSQL: run them through scripts/test.sh")
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}",
        SECRET_KEY="worker-test",
        DEBUG="0",
    )
    env.update(overrides)
    return env


DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens there: every enqueue fails


def shell_without_broker(code: str) -> None:
    """Run `code` in `manage.py shell` against this test run's database with the broker unreachable
    (REDIS_URL set, so tasks are queued, not run in-process); fails the test if the code raised."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=subprocess_env(REDIS_URL=DEAD_BROKER),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def start_worker(concurrency: int = 0, **env: str) -> subprocess.Popen:
    """A Celery worker on the app's queue: solo pool (concurrency 0), else prefork with that many
    processes. Its own process group, so that stop_worker takes its children too."""
    if not os.environ.get("REDIS_URL"):
        pytest.fail("REDIS_URL is not set: run the suite through scripts/test.sh")
    pool = ["-P", "solo"] if concurrency == 0 else ["-P", "prefork", "-c", str(concurrency)]
    queue = settings.CELERY_TASK_DEFAULT_QUEUE  # one per test process (bureau/settings.py)
    env = {"CELERY_QUEUE": queue, **env}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "bureau", "worker", *pool, "-Q", queue, "-l", "info"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=subprocess_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def stop_worker(proc: subprocess.Popen) -> str:
    """Stop the worker and its children; returns the end of its log."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    except ValueError:  # already stopped and read
        out = ""
    return (out or "")[-3000:]


@contextmanager
def running_worker(concurrency: int = 0, **env: str) -> Iterator[subprocess.Popen]:
    from bureau.celery import app as celery_app

    celery_app.control.purge()
    proc = start_worker(concurrency, **env)
    try:
        yield proc
    finally:
        stop_worker(proc)
