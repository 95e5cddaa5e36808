"""Helpers for the reliability probes: figure lines, free ports, child processes on this run's
database, a private Redis, a browser-like HTTP client. Fixtures built on them are in conftest.py."""

from __future__ import annotations

import http.cookiejar
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def report_figures(**figures) -> str:
    """Print the probe's figure line ("RELIABILITY key=value …"); scripts/reliability.sh collects them."""
    line = "RELIABILITY " + " ".join(f"{key}={value}" for key, value in figures.items())
    print("\n" + line, flush=True)
    return line


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(name: str | None = None) -> str:
    """URL of this run's (test) database, or of another database on the same server."""
    s = connection.settings_dict
    if s["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("the reliability probes need PostgreSQL: run them through scripts/reliability.sh")
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{host}:{port}/{name or s['NAME']}"


def subprocess_env(**overrides: str) -> dict[str, str]:
    """Environment for a child process (manage.py, gunicorn, celery) that uses this run's database."""
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url(), SECRET_KEY="reliability-probe", DEBUG="0")
    env.update(overrides)
    return env


def stop_process(proc: subprocess.Popen, timeout: float = 15) -> None:
    """Stop one process this probe started: SIGTERM, then SIGKILL if it does not exit."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)


class RedisServer:
    """A private redis-server on a free port (no persistence) that a probe may stop and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tempfile.mkdtemp(prefix="reliability-redis-")
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ]
            + ["--dir", self.dir, "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                pytest.fail(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)
            self.proc = None

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


class HttpClient:
    """A browser-like HTTP client for a live server: cookies, CSRF header, htmx header.

    Answers are (status, body); an HTTP error status is an answer, not an exception.
    """

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.cookies if c.name == name), "")

    def request(self, method: str, path: str, data: dict | None = None, htmx: bool = True) -> tuple[int, str]:
        body = urllib.parse.urlencode(data or {}).encode() if method == "POST" else None
        req = urllib.request.Request(self.base + path, data=body, method=method)
        req.add_header("Referer", self.base + "/")
        if method == "POST":
            req.add_header("X-CSRFToken", self.cookie("csrftoken"))
        if htmx:
            req.add_header("HX-Request", "true")
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def get(self, path: str, **kwargs) -> tuple[int, str]:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict | None = None, **kwargs) -> tuple[int, str]:
        return self.request("POST", path, data, **kwargs)

    def login(self, username: str, password: str) -> None:
        self.get("/login/", htmx=False)  # sets the csrftoken cookie
        data = {"username": username, "password": password, "csrfmiddlewaretoken": self.cookie("csrftoken")}
        status, _body = self.post("/login/", data, htmx=False)
        if status != 200 or not self.cookie("sessionid"):
            pytest.fail(f"login as {username} failed (HTTP {status})")


class Workers:
    """The Celery workers this probe started, each the leader of its own process group."""

    def __init__(self, log_dir: str, redis_url: str):
        self.log_dir, self.redis_url, self.procs = log_dir, redis_url, []

    def start(self) -> subprocess.Popen:
        log = open(Path(self.log_dir) / f"worker-{len(self.procs)}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "bureau", "worker", "-P", "prefork", "-c", "2"]
            + ["-Q", "bureau", "-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT,
            env=subprocess_env(REDIS_URL=self.redis_url),
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
