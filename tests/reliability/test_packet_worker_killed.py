"""Probe (issue 11): the worker is killed while it renders the parts of a meeting packet; the packet
still ends with exactly one file, every part rendered, about one hard time limit later at worst.

A Celery worker (prefork, 2 children, the leader of its own process group) builds a packet of 12
reports; when parts are done and others are rendering, the worker's whole process group gets
SIGKILL and a new worker starts. Without the take-over the interrupted parts stay "生成中" until the
broker's visibility timeout (10 min) and the join never fires; with it the new worker queues them
again once the packet has been silent for the hard time limit. Finally the dead worker's messages
are sent again, as the broker will after its visibility timeout: they must change nothing.

Figures: parts, parts interrupted, attempts, files (1), the time from the kill to the packet.
"""

from __future__ import annotations

import datetime
import os
import tempfile
import time

import pytest
from django.contrib.auth import get_user_model
from drafts import approved_duty_copies

from bureau.celery import app as celery_app
from reports.models import STALL_AFTER, Packet, PacketPart
from reports.services import packets as packet_services
from reports.tasks import packet_part_render

from .probes import Workers, report_figures

PARTS = 12
pytestmark = pytest.mark.django_db(transaction=True)


def _wait(condition, timeout: float, what: str, workers: Workers) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}\n{workers.logs()}")


def test_a_packet_survives_a_killed_worker():
    """On this run's Redis (REDIS_URL), where the service queues the parts."""
    ids = approved_duty_copies(PARTS)
    celery_app.conf.task_always_eager = False  # (restored by tests/conftest.py)
    celery_app.control.purge()
    with tempfile.TemporaryDirectory() as log_dir:
        workers = Workers(log_dir, os.environ["REDIS_URL"])
        try:
            first = workers.start()
            packet = packet_services.packet_request(
                user=get_user_model().objects.get(username="leader"),
                report_ids=ids,
                meeting="会议",
                date=datetime.date(2026, 1, 15),
            )
            parts = PacketPart.objects.filter(packet=packet)
            _wait(
                lambda: parts.filter(status="done").exists() and parts.filter(status="running").count() >= 2,
                180,
                "parts done and two rendering",
                workers,
            )
            workers.kill(first)
            killed_at = time.monotonic()
            interrupted = list(parts.filter(status="running").values_list("pk", flat=True))
            assert interrupted, "no part was rendering when the worker was killed"

            workers.start()
            _wait(
                lambda: Packet.objects.get(pk=packet.pk).is_finished,
                STALL_AFTER.total_seconds() + 240,
                "the packet to finish",
                workers,
            )
            recovered_after = time.monotonic() - killed_at
            packet.refresh_from_db()
            content = bytes(packet.content) if packet.content is not None else b""

            # The broker hands the dead worker's messages out again: they change nothing.
            for pk in interrupted:
                packet_part_render.delay(pk)
            time.sleep(5)
            again = Packet.objects.get(pk=packet.pk)
        finally:
            workers.stop_all()

    attempts = sorted(parts.values_list("attempts", flat=True))
    report_figures(
        packet_parts=PARTS,
        interrupted=len(interrupted),
        attempts_max=max(attempts),
        finished=packet.status,
        files=1
        if content and bytes(again.content) == content and again.finished_at == packet.finished_at
        else 0,
        packet_after_kill_s=f"{recovered_after:.1f}",
        hard_limit_s=f"{STALL_AFTER.total_seconds():.0f}",
    )
    assert packet.status == Packet.Status.DONE, packet.error
    assert content[:2] == b"PK"
    assert bytes(again.content) == content and again.finished_at == packet.finished_at
    assert all(a <= 2 for a in attempts), attempts
    assert recovered_after < STALL_AFTER.total_seconds() + 120
