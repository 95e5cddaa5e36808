"""Helpers for the reliability probes (scripts/reliability.sh).

tests/reliability is in norecursedirs, so the normal suite never collects it; run explicitly
(`pytest tests/reliability`), pytest still loads every conftest.py from the rootdir down to this
directory, so the personas and fixtures of tests/conftest.py (drafter, leader, report, …) work here
unchanged. What follows is only what a probe adds: its own Redis, its own gunicorn, child processes
pointed at this run's test database, and the figure line every probe prints.

The machine is shared: a probe starts its own servers on free ports and stops only the processes it
started (never the shared PostgreSQL or Redis).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from .probes import ROOT, RedisServer, free_port, stop_process, subprocess_env


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A private Redis, started; stopped at the end whatever the probe did to it."""
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def gunicorn():
    """Start gunicorn (bureau.wsgi, like the Dockerfile) on a free port against this run's database:
    gunicorn(REDIS_URL=…) -> base URL. Every server started is stopped at the end."""
    started: list[subprocess.Popen] = []
    logs = contextlib.ExitStack()

    def start(workers: int = 2, **env: str) -> str:
        port = free_port()
        log = logs.enter_context(tempfile.TemporaryFile("w+"))  # noqa: SIM115 (closed by the ExitStack)
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "bureau.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", str(workers), "--timeout", "120"],
            cwd=ROOT,
            env=subprocess_env(**env),
            stdout=subprocess.DEVNULL,
            stderr=log,  # a file, not a pipe: tracebacks must never block the server
        )
        started.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/login/", timeout=2):
                    return base
            except (urllib.error.URLError, OSError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    stop_process(proc)
                    log.seek(0)
                    pytest.fail(f"gunicorn did not start: {log.read()[-2000:]}")
                time.sleep(0.2)

    yield start
    for proc in started:
        stop_process(proc, timeout=30)
    logs.close()
