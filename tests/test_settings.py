"""Settings come from the environment; production refuses to start without a secret key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRINT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG, s.ALLOWED_HOSTS)"
)


def run(**env) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")
    }
    base["DJANGO_SETTINGS_MODULE"] = "bureau.settings"
    return subprocess.run(
        [sys.executable, "-c", PRINT], cwd=ROOT, env=base | env, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_embedded_default_is_sqlite_with_in_process_tasks():
    result = run(SECRET_KEY="x", ALLOWED_HOSTS="reports.example, 10.0.0.5")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "False",
        "['reports.example',",
        "'10.0.0.5']",
    ]


def test_database_and_redis_urls_switch_to_postgres_and_a_real_broker():
    result = run(
        SECRET_KEY="x", DATABASE_URL="postgres://u:p@db:5432/bureau", REDIS_URL="redis://redis:6379/0"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["django.db.backends.postgresql", "False"]


def test_a_bad_boolean_is_refused():
    result = run(SECRET_KEY="x", DEBUG="maybe")
    assert result.returncode != 0 and "DEBUG must be a boolean" in result.stderr


SESSIONS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SESSION_ENGINE, s.CACHES['default']['BACKEND'])"
)


def test_sessions_are_read_from_redis_only_when_there_is_one():
    with_redis = run(SECRET_KEY="x", REDIS_URL="redis://redis:6379/0")
    embedded = run(SECRET_KEY="x")
    assert with_redis.returncode == 0 and embedded.returncode == 0
    assert "cached_db" not in embedded.stdout  # the embedded mode keeps database sessions
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "DEBUG")}
    env = base | {"DJANGO_SETTINGS_MODULE": "bureau.settings", "SECRET_KEY": "x"}
    printed = [
        subprocess.run(
            [sys.executable, "-c", SESSIONS],
            cwd=ROOT,
            env=env | extra,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.split()
        for extra in ({"REDIS_URL": "redis://redis:6379/0"}, {"REDIS_URL": ""})
    ]
    assert printed[0] == ["django.contrib.sessions.backends.cached_db", "bureau.cache.ForgivingRedisCache"]
    assert printed[1] == [
        "django.contrib.sessions.backends.db",
        "django.core.cache.backends.locmem.LocMemCache",
    ]
