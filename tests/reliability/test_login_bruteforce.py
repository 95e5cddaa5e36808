"""Reliability probes (item 4 and 6 of the hardening issue): a brute force against the real login
over HTTP, and `check --deploy` with the HTTPS settings on. Each prints its figure line.

Run with scripts/reliability.sh (or `pytest tests/reliability -s`) under the env of scripts/test.sh.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
LOCKED = "已被暂时锁定"
WRONG = "用户名或密码不正确"


def figures(**values) -> None:
    print("\nRELIABILITY " + " ".join(f"{k}={v}" for k, v in values.items()), flush=True)


class Browser:
    """A cookie-keeping HTTP client that logs in like a browser (CSRF cookie + token)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            _NoRedirect(),
        )

    def login(self, username: str, password: str) -> tuple[int, str]:
        with self.opener.open(self.base + "/login/") as page:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()).group(1)
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password}
        ).encode()
        request = urllib.request.Request(self.base + "/login/", data=data, headers={"Referer": self.base})
        try:
            with self.opener.open(request) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a successful login answers 302: keep it as the answer


def brute_force(base: str, usernames, password_of, attempts: int) -> dict:
    """Sends `attempts` logins; returns the attempt that first got the lock-out page and timings."""
    client = Browser(base)
    first_lock = None
    wrong = 0
    started = time.monotonic()
    for n in range(attempts):
        status, body = client.login(usernames(n), password_of(n))
        if status == 429 and LOCKED in body:
            first_lock = first_lock or n + 1
        elif status == 200 and WRONG in body:
            assert first_lock is None, "a wrong password was checked again after the lock-out"
            wrong += 1
        else:
            pytest.fail(f"attempt {n + 1}: unexpected answer {status}")
    return {"first_lock": first_lock, "wrong": wrong, "seconds": time.monotonic() - started}


def test_login_brute_force_is_locked_out(live_server, drafter, leader):
    limit = settings.LOGIN_FAILURE_LIMIT

    # One account, 230 wrong passwords in a row (the attack), then the right one.
    account = brute_force(live_server.url, lambda n: "drafter", lambda n: f"guess-{n:04d}", 230)
    right_status, right_body = Browser(live_server.url).login("drafter", "pw-drafter")
    from axes.models import AccessAttempt

    recorded = sum(AccessAttempt.objects.values_list("failures_since_start", flat=True))
    assert account["first_lock"] == limit and account["wrong"] == limit - 1
    assert right_status == 429 and LOCKED in right_body
    assert recorded == limit

    # One address trying many accounts (password spraying), then a real user from that address.
    from axes.utils import reset

    reset()
    spray = brute_force(live_server.url, lambda n: f"user{n:03d}", lambda n: "123456", 50)
    sprayed_status, _ = Browser(live_server.url).login("leader", "pw-leader")
    assert spray["first_lock"] == settings.LOGIN_ADDRESS_FAILURE_LIMIT and sprayed_status == 429

    figures(
        login_attempts_before_lockout=account["first_lock"],
        wrong_passwords_checked=account["wrong"],
        right_password_after_lockout="refused",
        failures_recorded=recorded,  # refused attempts during the lock-out cost no write
        account_attempts=230,
        attempts_per_second=round(230 / account["seconds"], 1),
        address_spray_lockout_at=spray["first_lock"],
        lockout_minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    )


def test_check_deploy_has_no_warning_with_https_settings():
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SECURE_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"  # set by live_server use
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="probe-" + "Zq8#vL2!xR5@mN9$kT4^wB7&" * 3,
        SECURE_COOKIES="1",
        BEHIND_HTTPS_PROXY="1",
        ALLOWED_HOSTS="caizheng.example.gov.cn",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    warnings = len(re.findall(r"\(security\.W\d+\)|\?: \(\w+\.W\d+\)", output))
    figures(check_deploy_warnings=warnings, check_deploy_exit=result.returncode)
    assert result.returncode == 0 and warnings == 0, output
