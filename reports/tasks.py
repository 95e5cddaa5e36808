"""Celery tasks: thin adapters that take ids and call services.exports (which queues them by name,
EXPORT_RENDER_TASK, so that it never imports this module)."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.conf import settings
from django.db import DatabaseError, connection

from .services import exports as export_services
from .services import packets as packet_services
from .services import previews as preview_services
from .services import search as search_services

logger = logging.getLogger(__name__)

MAX_RETRIES = 3


@shared_task(
    name=export_services.EXPORT_RENDER_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,  # models.STALL_AFTER: a render older than this is dead
)
def export_render(self, export_id: int) -> bool:
    """Render export `export_id`. Retries database trouble with backoff; a re-run is a no-op."""
    try:
        return export_services.export_run(export_id=export_id)
    except SoftTimeLimitExceeded:
        export_services.export_fail(export_id=export_id, message="生成超时，请稍后重试。")
        return False
    except DatabaseError as exc:
        if self.request.retries < MAX_RETRIES:
            raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc
        export_services.export_fail(export_id=export_id, message="数据库暂时不可用，生成失败，请重试。")
        return False
    except Exception:
        logger.exception("export %s failed", export_id)
        export_services.export_fail(
            export_id=export_id, message="生成Word文件时出错，请重试；若仍失败请联系管理员。"
        )
        return False


def _job_task(self, run, fail, target_id: int, what: str) -> bool:
    """Run one packet step or preview with the export task's handling: database trouble retried
    with backoff, anything else recorded as a Chinese message on the row."""
    try:
        return run(target_id)
    except SoftTimeLimitExceeded:
        fail(target_id, "生成超时，请点击“重试”。")
        return False
    except DatabaseError as exc:
        if self.request.retries < MAX_RETRIES:
            raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc
        fail(target_id, "数据库暂时不可用，生成失败，请点击“重试”。")
        return False
    except Exception:
        logger.exception("%s %s failed", what, target_id)
        fail(target_id, "生成时出错，请点击“重试”；若仍失败请联系管理员。")
        return False


_JOB_TASK = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": MAX_RETRIES,
    "soft_time_limit": settings.CELERY_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.CELERY_TASK_TIME_LIMIT,
}


@shared_task(name=packet_services.PACKET_PART_TASK, **_JOB_TASK)
def packet_part_render(self, part_id: int) -> bool:
    """Render one report of a packet; the last part to finish queues the assembly."""
    return _job_task(
        self,
        lambda pk: packet_services.packet_part_run(part_id=pk),
        lambda pk, message: packet_services.packet_part_fail(part_id=pk, message=message),
        part_id,
        "packet part",
    )


@shared_task(name=packet_services.PACKET_ASSEMBLE_TASK, **_JOB_TASK)
def packet_assemble(self, packet_id: int) -> bool:
    """Assemble a packet whose parts are all rendered."""
    return _job_task(
        self,
        lambda pk: packet_services.packet_assemble(packet_id=pk),
        lambda pk, message: packet_services.packet_fail(packet_id=pk, message=message),
        packet_id,
        "packet",
    )


@shared_task(name=preview_services.PREVIEW_RENDER_TASK, **_JOB_TASK)
def preview_render(self, preview_id: int) -> bool:
    """Make preview `preview_id` (PDF and page images). A re-run is a no-op."""
    return _job_task(
        self,
        lambda pk: preview_services.preview_run(preview_id=pk),
        lambda pk, message: preview_services.preview_fail(preview_id=pk, message=message),
        preview_id,
        "preview",
    )


@shared_task(name=search_services.SEARCH_INDEX_TASK, acks_late=True, ignore_result=True)
def search_index(report_id: int, keys: list[str] | None = None) -> int:
    """Update the search entries of one report (all, or the passages of `keys`); a failure marks
    the report stale for the next search to catch up (services.search), it is not retried."""
    return search_services.search_index_run(report_id=report_id, keys=keys)


@shared_task(acks_late=True)
def exports_requeue_stalled() -> list[int]:
    """Queue again the exports, packets and previews whose worker is gone (the *_requeue_stalled
    services of exports, packets and previews)."""
    packet_services.packets_requeue_stalled()
    preview_services.previews_requeue_stalled()
    return export_services.exports_requeue_stalled()


@worker_ready.connect
def requeue_stalled_exports_on_start(sender=None, **kwargs) -> None:
    """A worker that starts takes over the exports a dead worker left behind: those already stalled
    now, and, one hard time limit from now, those it was rendering when it died (the broker would
    only hand them out again after its visibility timeout, ten minutes)."""
    from .models import STALL_AFTER

    try:
        export_services.exports_requeue_stalled()
        packet_services.packets_requeue_stalled()
        preview_services.previews_requeue_stalled()
        exports_requeue_stalled.apply_async(countdown=STALL_AFTER.total_seconds() + 5)
    except Exception:  # the database or broker is down: the worker still starts; users' polls re-queue
        logger.exception("could not re-queue stalled exports at worker start")
    finally:
        connection.close()  # the main process renders nothing; do not keep its connection open
