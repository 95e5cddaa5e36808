"""Celery tasks: thin adapters that take ids and call services.exports and services.previews (which
queue them by name, EXPORT_RENDER_TASK and PREVIEW_RENDER_TASK, so that they never import this
module)."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.conf import settings
from django.db import DatabaseError, connection

from .services import exports as export_services
from .services import previews as preview_services

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


@shared_task(
    name=preview_services.PREVIEW_RENDER_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,  # models.STALL_AFTER
)
def preview_render(self, preview_id: int) -> bool:
    """Make preview `preview_id` (PDF and page images). Retries database trouble; a re-run is a no-op."""
    try:
        return preview_services.preview_run(preview_id=preview_id)
    except SoftTimeLimitExceeded:
        preview_services.preview_fail(preview_id=preview_id, message="生成超时，请稍后重试。")
        return False
    except DatabaseError as exc:
        if self.request.retries < MAX_RETRIES:
            raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc
        preview_services.preview_fail(preview_id=preview_id, message="数据库暂时不可用，生成失败，请重试。")
        return False
    except Exception:
        logger.exception("preview %s failed", preview_id)
        preview_services.preview_fail(
            preview_id=preview_id, message="生成 PDF 预览时出错，请重试；若仍失败请联系管理员。"
        )
        return False


@shared_task(acks_late=True)
def exports_requeue_stalled() -> list[int]:
    """Queue again the exports and previews whose worker is gone (see
    services.exports.exports_requeue_stalled and services.previews.previews_requeue_stalled)."""
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
        preview_services.previews_requeue_stalled()
        exports_requeue_stalled.apply_async(countdown=STALL_AFTER.total_seconds() + 5)
    except Exception:  # the database or broker is down: the worker still starts; users' polls re-queue
        logger.exception("could not re-queue stalled exports at worker start")
    finally:
        connection.close()  # the main process renders nothing; do not keep its connection open
