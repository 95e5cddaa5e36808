"""A real Celery worker with Redis renders an export end to end; a dead broker loses no draft."""

from __future__ import annotations

import datetime
import io
import time
import zipfile

import pytest
from django.contrib.auth import get_user_model
from drafts import approve, demo_reports
from workers import running_worker, shell_without_broker, stop_worker

from bureau.celery import app as celery_app
from reports.models import Export, Packet, Preview
from reports.services import exports as export_services
from reports.services import packets as packet_services
from reports.services import previews as preview_services

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    with running_worker() as proc:
        yield proc


def wait_for(export_id: int, statuses: set[str], timeout: float = 60) -> Export:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        export = Export.objects.get(pk=export_id)
        if not seen or seen[-1] != export.status:
            seen.append(export.status)
        if export.status in statuses:
            return export
        time.sleep(0.1)
    raise AssertionError(f"export {export_id} stayed in {seen}")


def test_a_real_worker_renders_an_export(worker, report, drafter):
    celery_app.conf.task_always_eager = False
    export = export_services.export_request(
        report=report, user=drafter, confirmed=True
    )  # autocommit: queued on commit
    assert Export.objects.get(pk=export.pk).status in (Export.Status.QUEUED, Export.Status.RUNNING)
    done = wait_for(export.pk, {Export.Status.DONE, Export.Status.FAILED})
    if done.status != Export.Status.DONE:
        pytest.fail(f"export failed: {done.error}\n{stop_worker(worker)}")
    assert done.progress == 100 and done.attempts == 1
    with zipfile.ZipFile(io.BytesIO(bytes(done.content))) as package:
        document = package.read("word/document.xml").decode()
    assert "强化政治建设" in document

    # Idempotent: the same export sent again renders nothing and stores no second file.
    finished_at = done.finished_at
    from reports.tasks import export_render

    export_render.delay(export.pk)
    time.sleep(1.5)
    again = Export.objects.get(pk=export.pk)
    assert (
        again.attempts == 1
        and again.finished_at == finished_at
        and bytes(again.content) == bytes(done.content)
    )


def test_a_rerun_of_a_finished_export_is_a_noop(report, drafter):
    export = Export.objects.create(
        report=report, requested_by=drafter, snapshot={"title": "标题", "blocks": []}
    )
    assert export_services.export_run(export_id=export.pk) is True
    first = bytes(Export.objects.get(pk=export.pk).content)
    assert export_services.export_run(export_id=export.pk) is False
    again = Export.objects.get(pk=export.pk)
    assert bytes(again.content) == first and again.attempts == 1


def test_a_dead_broker_fails_the_export_clearly_and_keeps_the_draft(report, drafter):
    """With Redis unreachable, requesting an export records a Chinese error; saving still works."""
    section = report.blocks.get(parent=None, position=0)
    code = (
        "from django.contrib.auth import get_user_model\n"
        "from reports.services import exports as export_services\n"
        "from reports.services import reports as report_services\n"
        "from reports.models import Report, Block\n"
        f"r = Report.objects.get(pk={report.pk})\n"
        f"b = Block.objects.get(pk={section.pk})\n"
        f"u = get_user_model().objects.get(pk={drafter.pk})\n"
        "report_services.block_save(block=b, version=b.version, data={'text': '断网时写的正文'}, user=u)\n"
        "export_services.export_request(report=r, user=u, confirmed=True)\n"
    )
    shell_without_broker(code)
    export = Export.objects.get(report=report)
    assert export.status == Export.Status.FAILED
    assert "任务队列暂时不可用" in export.error
    section.refresh_from_db()
    assert section.text == "断网时写的正文"


@pytest.fixture
def abandoned_export(report, drafter):
    """An export a killed worker left at "生成中 10%": claimed longer than the hard time limit ago,
    its message gone with the worker (the broker would hand it out again only after ten minutes)."""
    from django.utils import timezone

    from reports.models import STALL_AFTER

    export = Export.objects.create(
        report=report, requested_by=drafter, snapshot={"title": "标题", "blocks": []}
    )
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.RUNNING,
        progress=10,
        attempts=1,
        heartbeat_at=timezone.now() - STALL_AFTER * 1.5,
    )
    return export


def test_a_starting_worker_takes_over_an_export_a_dead_worker_left(abandoned_export, worker):
    celery_app.conf.task_always_eager = False
    done = wait_for(abandoned_export.pk, {Export.Status.DONE, Export.Status.FAILED}, timeout=90)
    if done.status != Export.Status.DONE:
        pytest.fail(f"export failed: {done.error}\n{stop_worker(worker)}")
    assert done.attempts == 2 and done.content


def test_real_workers_build_a_packet_part_by_part():
    """Two worker processes render the parts in parallel and the last part queues the assembly."""
    reports = demo_reports()[:3]
    for report in reports:
        approve(report)
    celery_app.conf.task_always_eager = False
    with running_worker(2) as worker:
        packet = packet_services.packet_request(
            user=get_user_model().objects.get(username="leader"),
            report_ids=[r.pk for r in reports],
            meeting="会议",
            date=datetime.date(2026, 1, 15),
        )  # autocommit: the parts are queued on commit
        deadline = time.monotonic() + 180
        seen = []
        while time.monotonic() < deadline:
            packet.refresh_from_db()
            done = packet.parts.filter(status="done").count()
            if not seen or seen[-1] != (packet.status, done):
                seen.append((packet.status, done))
            if packet.is_finished:
                break
            time.sleep(0.1)
        log = stop_worker(worker)
    assert packet.status == Packet.Status.DONE, f"{seen} {packet.error}\n{log}"
    assert ("running", 1) in seen or ("running", 2) in seen, seen  # progress was visible part by part
    assert list(packet.parts.values_list("attempts", flat=True)) == [1, 1, 1]
    assert bytes(packet.content)[:2] == b"PK"


def test_a_real_worker_makes_a_pdf_preview_with_its_progress(worker, report, drafter):
    """The preview task is registered and queued by name; the worker's LibreOffice and pdftoppm make
    the pages, and the progress seen on the way only rises."""
    celery_app.conf.task_always_eager = False
    preview = preview_services.report_preview_request(report=report, user=drafter)  # queued on commit
    deadline, seen = time.monotonic() + 90, []
    while time.monotonic() < deadline:
        row = Preview.objects.defer("docx", "pdf").get(pk=preview.pk)
        if not seen or seen[-1] != (row.status, row.progress):
            seen.append((row.status, row.progress))
        if row.is_finished:
            break
        time.sleep(0.05)
    if row.status != Preview.Status.DONE:
        pytest.fail(f"preview {seen}: {row.error}\n{stop_worker(worker)}")
    progress = [p for _status, p in seen]
    assert progress == sorted(progress) and progress[-1] == 100, seen
    assert row.attempts == 1 and row.pages.count() == row.page_count >= 1
