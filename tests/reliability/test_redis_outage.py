"""Probe: Redis (the Celery broker) stopped for 30 s in the middle of 50 autosaves loses no save.

gunicorn runs against this run's PostgreSQL database and a private Redis. A logged-in drafter sends
the editor's autosave POSTs (same fields and headers as the browser: version, text, X-CSRFToken,
HX-Request) round-robin over five blocks, each answer giving the version of the next save. After 10
saves the probe stops its Redis for 30 s, keeps saving through the outage and asks for an export
(which needs the broker), starts Redis again on the same port, saves the rest and asks for a second
export. Every save must be answered 2xx with the next version, and the database must then hold exactly
the text sent; the export during the outage must answer with the Chinese "任务队列暂时不可用" message
(not a 5xx), the one after the restart must be queued.

Figures: saves lost (0), HTTP 5xx (0), the outage length, how long the refused export took.
"""

from __future__ import annotations

import re
import time

import pytest

from reports.models import Block, Export

from .probes import HttpClient, report_figures

pytestmark = pytest.mark.django_db(transaction=True)

SAVES = 50
SAVES_BEFORE_OUTAGE = 10
SAVES_DURING_OUTAGE = 30
OUTAGE_SECONDS = 30.0
BLOCKS = 5
VERSION = re.compile(r'data-version="(\d+)"')


def autosave_text(i: int) -> str:
    return f"第{i + 1}次自动保存：深化预算管理制度改革，盘活存量资金{i + 1}亿元。"


def test_autosaves_survive_a_redis_outage(report, drafter, redis_server, gunicorn):
    blocks = list(Block.objects.filter(report=report).order_by("pk")[:BLOCKS])
    assert len(blocks) == BLOCKS
    versions = {b.pk: b.version for b in blocks}
    last_sent: dict[int, str] = {}

    base = gunicorn(REDIS_URL=redis_server.url)
    client = HttpClient(base)
    client.login("drafter", "pw-drafter")

    answers: list[int] = []
    lost: list[str] = []

    def autosave(i: int) -> None:
        block = blocks[i % BLOCKS]
        text = autosave_text(i)
        status, body = client.post(f"/blocks/{block.pk}/save/", {"version": versions[block.pk], "text": text})
        answers.append(status)
        match = VERSION.search(body)
        if status != 200 or not match or int(match.group(1)) != versions[block.pk] + 1:
            lost.append(f"save {i + 1}: HTTP {status} {body[:200]!r}")
            return
        versions[block.pk] = int(match.group(1))
        last_sent[block.pk] = text
        stored = Block.objects.get(pk=block.pk)
        if stored.text != text or stored.version != versions[block.pk]:
            lost.append(f"save {i + 1}: stored {stored.text!r} v{stored.version}")

    for i in range(SAVES_BEFORE_OUTAGE):
        autosave(i)

    redis_server.stop()
    down_at = time.monotonic()
    assert not redis_server.answers()
    interval = OUTAGE_SECONDS / SAVES_DURING_OUTAGE
    export_seconds = None
    for k in range(SAVES_DURING_OUTAGE):
        time.sleep(max(0.0, down_at + k * interval - time.monotonic()))
        autosave(SAVES_BEFORE_OUTAGE + k)
        if k == SAVES_DURING_OUTAGE // 2:
            started = time.monotonic()
            export_down = client.post(f"/reports/{report.pk}/exports/", {"confirmed": "1"})
            export_seconds = time.monotonic() - started
            answers.append(export_down[0])
    time.sleep(max(0.0, down_at + OUTAGE_SECONDS - time.monotonic()))
    outage = time.monotonic() - down_at
    redis_server.start()

    for i in range(SAVES_BEFORE_OUTAGE + SAVES_DURING_OUTAGE, SAVES):
        autosave(i)
    export_up = client.post(f"/reports/{report.pk}/exports/", {"confirmed": "1"})
    answers.append(export_up[0])

    # What the database holds at the end is the last text sent to each block.
    for block in blocks:
        stored = Block.objects.get(pk=block.pk).text
        if stored != last_sent.get(block.pk):
            lost.append(f"block {block.pk}: ends with {stored!r}, last sent {last_sent.get(block.pk)!r}")

    server_errors = sum(status >= 500 for status in answers)
    exports = list(Export.objects.filter(report=report).order_by("pk"))
    report_figures(
        autosaves=len(answers) - 2,
        redis_down_s=f"{outage:.1f}",
        saves_lost=len(lost),
        http_5xx=server_errors,
        export_while_down_s=f"{export_seconds:.1f}",
        export_after_restart=exports[-1].status if exports else "none",
    )
    assert len(answers) - 2 == SAVES and outage >= OUTAGE_SECONDS
    assert server_errors == 0, answers
    assert not lost, lost
    # An export asked for while the broker is down says so in Chinese; the draft is untouched.
    assert export_down[0] == 200 and "任务队列暂时不可用" in export_down[1], export_down
    assert len(exports) == 2 and exports[0].status == Export.Status.FAILED
    # With Redis back, the next export is queued again (no worker runs here: it stays queued).
    assert export_up[0] == 200 and exports[1].status == Export.Status.QUEUED, (export_up, exports[1].error)
