"""Writes on the 指标库."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from ..errors import InvalidInput
from ..models import Bureau, Metric
from .audit import audit

__all__ = ["METRIC_FIELDS", "metric_delete", "metric_save", "metrics_import_apply"]

logger = logging.getLogger(__name__)

METRIC_FIELDS = ("name", "value", "unit", "decimals", "prior_value", "budget_value", "source", "status")


# --- metrics -------------------------------------------------------------------------------------


def metric_save(
    *, bureau: Bureau, year: int, period: str, data: dict[str, Any], user, metric: Metric | None = None
) -> Metric:
    """Create or update one metric from validated form data (reports show the new value at once)."""
    name = data["name"]
    clash = Metric.objects.filter(bureau=bureau, year=year, period=period, name=name)
    if metric is not None:
        clash = clash.exclude(pk=metric.pk)
    if clash.exists():
        raise InvalidInput(f"指标“{name}”已存在。")
    if metric is None:
        metric = Metric(bureau=bureau, year=year, period=period)
    else:
        metric.version += 1
    for field in METRIC_FIELDS:
        if field in data:
            setattr(metric, field, data[field])
    metric.updated_by = user
    metric.save()
    audit(
        bureau_id=bureau.pk,
        actor=user,
        action="metric",
        summary=f"指标“{metric.name}”= {metric.value}{metric.unit}",
        detail={"metric": metric.pk, "value": None if metric.value is None else str(metric.value)},
    )
    return metric


def metric_delete(*, metric: Metric, user) -> None:
    audit(
        bureau_id=metric.bureau_id,
        actor=user,
        action="metric",
        summary=f"删除指标“{metric.name}”",
        detail={"metric": metric.pk},
    )
    metric.delete()


@transaction.atomic
def metrics_import_apply(
    *, bureau: Bureau, year: int, period: str, rows: list[dict[str, Any]], user
) -> tuple[int, int]:
    """Apply confirmed import rows (added or changed); returns (added, changed)."""
    existing = {
        m.name: m for m in Metric.objects.select_for_update().filter(bureau=bureau, year=year, period=period)
    }
    added = changed = 0
    for row in rows:
        metric = existing.get(row["name"])
        if metric is None:
            metric = Metric(bureau=bureau, year=year, period=period, name=row["name"])
            added += 1
        else:
            metric.version += 1
            changed += 1
        for field in METRIC_FIELDS[1:]:
            setattr(metric, field, row[field])
        metric.updated_by = user
        metric.save()
    audit(
        bureau_id=bureau.pk,
        actor=user,
        action="metric",
        summary=f"导入指标：新增{added}项，更新{changed}项",
        detail={"names": [row["name"] for row in rows]},
    )
    return added, changed
