"""Celery tasks: thin adapters that take ids and call services."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError

from . import services

logger = logging.getLogger(__name__)

MAX_RETRIES = 3


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=120,
    time_limit=180,
)
def export_render(self, export_id: int) -> bool:
    """Render export `export_id`. Retries database trouble with backoff; a re-run is a no-op."""
    try:
        return services.export_run(export_id=export_id)
    except SoftTimeLimitExceeded:
        services.export_fail(export_id=export_id, message="生成超时，请稍后重试。")
        return False
    except DatabaseError as exc:
        if self.request.retries < MAX_RETRIES:
            raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc
        services.export_fail(export_id=export_id, message="数据库暂时不可用，生成失败，请重试。")
        return False
    except Exception:
        logger.exception("export %s failed", export_id)
        services.export_fail(
            export_id=export_id, message="生成Word文件时出错，请重试；若仍失败请联系管理员。"
        )
        return False
