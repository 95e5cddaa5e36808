"""Probe: a backup drill. pg_dump the database, restore it into a new database, re-render every
approved revision from the restored copy and compare the files byte for byte with the originals.

The database is this run's test database filled with the demo data (seed_demo), every demo report
submitted by its drafter and approved by the leader, so each has an approved revision. A child
process (`manage.py shell`, the same code path as an export: report_render) renders every approved
report, exact and masked, first from the original and then, after `pg_dump -Fc` / `createdb` /
`pg_restore`, from the restored database; it also counts the rows of every table. The renderer is
deterministic (fixed zip timestamps, no creation date), so the files must be identical.

Figures: approved revisions re-rendered, files identical, tables with the same row counts, dump size
and the dump and restore times. The restored database is dropped at the end.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command, load_command_class
from django.db import connection

from reports.models import Report
from reports.services import workflow as workflow_services

from .probes import ROOT, database_url, report_figures, subprocess_env

pytestmark = pytest.mark.django_db(transaction=True)

RENDER_ALL = """
import json, pathlib
from django.apps import apps
from reports.models import Report
from reports.services import exports as export_services

out = pathlib.Path({out!r})
approved = Report.objects.filter(status=Report.Status.APPROVED, approved_revision__isnull=False)
for report in approved.order_by("pk"):
    for masked in (False, True):
        _name, content = export_services.report_render(report=report, masked=masked)
        kind = "masked" if masked else "exact"
        (out / f"{{report.pk}}-rev{{report.approved_revision_id}}-{{kind}}.docx").write_bytes(content)
counts = {{model._meta.db_table: model._default_manager.count() for model in apps.get_models()}}
(out / "row_counts.json").write_text(json.dumps(counts, sort_keys=True))
"""


def seed_demo() -> None:
    """seed_demo, forced when the command asks for it outside DEBUG (it refuses demo data there)."""
    parser = load_command_class("reports", "seed_demo").create_parser("manage.py", "seed_demo")
    force = {"force": True} if any(action.dest == "force" for action in parser._actions) else {}
    call_command("seed_demo", stdout=io.StringIO(), **force)


def approve_every_report() -> int:
    User = get_user_model()
    drafter, leader = User.objects.get(username="drafter"), User.objects.get(username="leader")
    reports = list(Report.objects.order_by("pk"))
    for report in reports:
        revision = workflow_services.report_submit(report=report, user=drafter)
        workflow_services.report_approve(report=report, user=leader, revision_id=revision.pk)
    return len(reports)


def render_all(database: str, out: Path) -> dict[str, bytes]:
    """Render every approved report from `database` in a child process: {file name: bytes}."""
    out.mkdir()
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", RENDER_ALL.format(out=str(out))],
        cwd=ROOT,
        env=subprocess_env(DATABASE_URL=database_url(database), REDIS_URL=""),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


def pg(command: str, *args: str) -> None:
    """Run a PostgreSQL client program as this run's database role."""
    s = connection.settings_dict
    login = ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"]]
    env = dict(os.environ, PGPASSWORD=s["PASSWORD"])
    result = subprocess.run([command, *login, *args], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{command} failed: {result.stderr[-2000:]}"


def test_a_restored_backup_renders_every_approved_revision_identically(tmp_path):
    seed_demo()
    approved = approve_every_report()
    assert approved >= 4  # one demo report of each kind
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"
    original = render_all(source, tmp_path / "original")

    dump = tmp_path / "bureau.dump"
    started = time.monotonic()
    pg("pg_dump", "--format=custom", "--file", str(dump), source)
    dump_seconds = time.monotonic() - started
    pg("dropdb", "--if-exists", restored)  # a drill interrupted earlier
    try:
        started = time.monotonic()
        pg("createdb", "--template=template0", "--encoding=UTF8", restored)
        pg("pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored, str(dump))
        restore_seconds = time.monotonic() - started
        again = render_all(restored, tmp_path / "restored")
    finally:
        pg("dropdb", "--if-exists", restored)

    files = sorted(name for name in original if name.endswith(".docx"))
    identical = [name for name in files if again.get(name) == original[name]]
    counts, counts_again = (json.loads(d["row_counts.json"]) for d in (original, again))
    same_tables = [table for table in counts if counts_again.get(table) == counts[table]]
    report_figures(
        approved_revisions_rerendered=len(files) // 2,
        files_rendered=len(files),
        files_identical=len(identical),
        tables_same_rows=f"{len(same_tables)}/{len(counts)}",
        dump_kb=dump.stat().st_size // 1024,
        dump_s=f"{dump_seconds:.1f}",
        restore_s=f"{restore_seconds:.1f}",
    )
    assert len(files) == 2 * approved  # exact and masked copy of every approved revision
    assert sorted(again) == sorted(original)
    assert identical == files, sorted(set(files) - set(identical))
    assert same_tables == list(counts), {t: (counts[t], counts_again.get(t)) for t in counts}
