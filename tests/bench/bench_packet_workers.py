"""Benchmark: a packet of N seed-size reports built by real Celery workers, 1 worker process against
2, in one run (not collected by the suite; scripts/bench.sh runs it when PostgreSQL and Redis are
configured):

    BENCH_REPORTS=50 pytest tests/bench/bench_packet_workers.py -p no:xdist -s

Each report is the demo 述职报告's approved revision (about 6,500 characters, 9 pages) under its own
subject. Then the 2-worker packet is built again in another order: its parts are reused (same
content, same masking), so only the cover, 目录 and assembly are paid again. A worker process keeps one LibreOffice, which the first conversion starts: each
configuration builds a small packet first, so that both are measured warm. Prints, for each:
wall time from the request to the finished packet, the parts' share of it, and the assembly; and
the ratio 2 workers / 1 worker (target <= 0.6). Nothing here is a pass/fail threshold but the
packet being built.
"""

from __future__ import annotations

import datetime
import os
import time

import pytest
from django.contrib.auth import get_user_model
from drafts import approved_duty_copies
from workers import running_worker

from bureau.celery import app as celery_app
from reports.models import Packet
from reports.services import packets as packet_services

pytestmark = pytest.mark.django_db(transaction=True)


def _build(ids: list[int]) -> tuple[float, float, Packet]:
    """(seconds to the finished packet, seconds until the last part was done, the packet)."""
    leader = get_user_model().objects.get(username="leader")
    start = time.perf_counter()
    packet = packet_services.packet_request(
        user=leader, report_ids=ids, meeting="基准会议", date=datetime.date(2026, 1, 15)
    )
    parts_done = None
    while time.perf_counter() - start < 900:
        packet.refresh_from_db()
        if parts_done is None and not packet.parts.exclude(status="done").exists():
            parts_done = time.perf_counter() - start
        if packet.is_finished:
            break
        time.sleep(0.05)
    total = time.perf_counter() - start
    assert packet.status == Packet.Status.DONE, packet.error
    return total, parts_done or total, packet


def test_bench_packet_workers():
    count = int(os.environ.get("BENCH_REPORTS", "50"))
    celery_app.conf.task_always_eager = False
    results = {}
    for processes in (1, 2):
        with running_worker(processes):
            _build(approved_duty_copies(processes * 2, f"预热{processes}"))  # each starts its LibreOffice
            ids = approved_duty_copies(count, f"第{processes}轮")
            results[processes] = _build(ids)
            if processes == 2:
                rebuilt = _build(ids[::-1])  # the same reports again, in another order
    for processes, (total, parts, packet) in results.items():
        pages = sum(p.page_count for p in packet.parts.all())
        print(
            f"\n{processes} worker process(es): {count} reports, {pages} pages: {total:.2f} s to the packet "
            f"(parts {parts:.2f} s, assembly {total - parts:.2f} s)"
        )
    ratio = results[2][0] / results[1][0]
    print(f"2 workers / 1 worker: {ratio:.2f} (target <= 0.6)")
    print(f"the same {count} reports again in another order (parts reused): {rebuilt[0]:.2f} s")
