"""`check --deploy` passes with the HTTPS settings on; every response carries the
Content-Security-Policy; no template has inline script or handlers; seed_demo stays out of
production (refused without DEBUG, never resets a changed password)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]
HTTPS_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3-" + "x7Q!p9#Lm2@vR8$wZ5^nB4&cY6*tH1" * 2,  # long and varied, as W009 wants
    "SECURE_COOKIES": "1",
    "BEHIND_HTTPS_PROXY": "1",
    "ALLOWED_HOSTS": "caizheng.example.gov.cn",
}


def deploy_check(**env) -> subprocess.CompletedProcess:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    skip = {*HTTPS_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in skip and not k.startswith("SECURE_")}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_the_https_settings_on():
    result = deploy_check(**HTTPS_ENV)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "identified no issues (0 silenced)" in output


def test_check_deploy_still_flags_a_plain_http_production():
    """The check is not silenced: without HTTPS declared, it names what is missing."""
    result = deploy_check(**(HTTPS_ENV | {"SECURE_COOKIES": "0", "BEHIND_HTTPS_PROXY": "0"}))
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/static/css/app.css", "/no-such-page/"])
def test_every_response_carries_the_content_security_policy(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    assert policy == settings.CONTENT_SECURITY_POLICY
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["base-uri"] == "'none'"


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "inline <style>"),
    (re.compile(r"\sstyle=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "on* handler"),
    (re.compile(r"\shx-on", re.I), "hx-on (needs eval)"),
    (re.compile(r"""hx-(vals|vars)=['"]\s*(js|javascript):""", re.I), "hx-vals js: (needs eval)"),
    (re.compile(r"hx-trigger=\"[^\"]*\[", re.I), "hx-trigger filter (needs eval)"),
]


def test_no_template_needs_inline_script_or_style():
    """Whatever the CSP would block, found before a browser does (the browser test covers the rest)."""
    found = []
    for template in sorted((ROOT / "reports" / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        found += [f"{template.relative_to(ROOT)}: {what}" for pattern, what in INLINE if pattern.search(text)]
    assert found == []


def test_htmx_eval_and_injected_styles_are_off():
    base = (ROOT / "reports" / "templates" / "reports" / "base.html").read_text(encoding="utf-8")
    for option in ('"allowEval":false', '"includeIndicatorStyles":false', '"allowScriptTags":false'):
        assert option in base


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug_unless_forced(monkeypatch, kinds):
    monkeypatch.delenv("SEED_DEMO", raising=False)
    assert settings.DEBUG is False
    with pytest.raises(CommandError, match="拒绝创建演示数据"):
        seed()
    assert not get_user_model().objects.filter(username="admin").exists()
    assert "admin / admin-demo-2025" in seed(force=True)


@pytest.mark.django_db
def test_seed_demo_forced_from_the_environment(monkeypatch, kinds):
    monkeypatch.setenv("SEED_DEMO", "force")
    assert "drafter / drafter-demo-2025" in seed()


@pytest.mark.django_db
def test_seed_demo_runs_under_debug(monkeypatch, settings, kinds):
    monkeypatch.delenv("SEED_DEMO", raising=False)
    settings.DEBUG = True
    assert "leader / leader-demo-2025" in seed()


@pytest.mark.django_db
def test_seed_demo_never_resets_a_password_an_operator_changed(client, kinds):
    seed(force=True)
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("Operator-chose-this-1")
    admin.first_name = "赵敏（信息科）"
    admin.save()

    out = seed(force=True)
    admin.refresh_from_db()
    assert admin.check_password("Operator-chose-this-1")
    assert not admin.check_password("admin-demo-2025")
    assert admin.first_name == "赵敏（信息科）"
    assert "admin / （密码已被修改，未重置）" in out and "admin-demo-2025" not in out
    assert "drafter / drafter-demo-2025" in out  # untouched demo users still show theirs
    response = client.post(reverse("login"), {"username": "admin", "password": "admin-demo-2025"})
    assert response.status_code == 200  # the public password no longer opens the account


@pytest.mark.django_db
def test_seed_demo_gives_an_unusable_password_the_demo_one(kinds):
    seed(force=True)
    budget = get_user_model().objects.get(username="budget")
    budget.set_unusable_password()
    budget.save()
    assert "budget / budget-demo-2025" in seed(force=True)
    budget.refresh_from_db()
    assert budget.check_password("budget-demo-2025")


def test_compose_does_not_seed_demo_data_by_default():
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "SEED_DEMO: ${SEED_DEMO:-0}" in compose
    assert "SEED_DEMO:-1" not in compose
