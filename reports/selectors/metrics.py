"""Reads of the 指标库: a bureau's metrics, the values a report resolves against, where one is used."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from ..core.metrics import MetricSet, MetricValue, resolve_text
from ..models import Metric, Report
from . import members as member_selectors

__all__ = [
    "import_row_dict",
    "import_row_from_dict",
    "metric_as_import_dict",
    "metric_dict",
    "metric_get_for_user",
    "metric_usage",
    "metric_value",
    "metric_values_for_report",
    "metrics_for",
    "metrics_latest_year",
]


def metrics_for(*, bureau_id: int, year: int, period: str = "") -> QuerySet[Metric]:
    return Metric.objects.filter(bureau_id=bureau_id, year=year, period=period).order_by("name")


def metric_get_for_user(*, user, pk: int) -> Metric:
    membership = member_selectors.membership_for(user)
    metric = Metric.objects.filter(pk=pk, bureau_id=getattr(membership, "bureau_id", None)).first()
    if membership is None or metric is None:
        raise Http404("指标不存在")
    return metric


def metric_dict(metric: Metric) -> dict[str, Any]:
    """The one Metric -> plain data conversion, in full; each caller picks the keys it needs
    (metric_value: the placeholder's view; metric_as_import_dict: what an import compares)."""
    return {
        "name": metric.name,
        "value": metric.value,
        "unit": metric.unit,
        "decimals": metric.decimals,
        "prior": metric.prior_value,
        "budget": metric.budget_value,
        "source": metric.source,
        "confirmed": metric.status == Metric.Status.CONFIRMED,
    }


_VALUE_KEYS = ("name", "value", "unit", "decimals", "prior", "budget")


def metric_value(metric: Metric) -> MetricValue:
    """The metric as placeholders see it (its to_dict() is what revisions and exports freeze)."""
    data = metric_dict(metric)
    return MetricValue(**{key: data[key] for key in _VALUE_KEYS})


def metric_values_for_report(report: Report) -> MetricSet:
    """The metrics a report's placeholders resolve against: its bureau, year and period (one query).
    Pass the same MetricSet to everything one request resolves: each placeholder is evaluated once."""
    return MetricSet(
        {
            m.name: metric_value(m)
            for m in metrics_for(bureau_id=report.bureau_id, year=report.year, period=report.period)
        }
    )


def _report_texts(report: Report, blocks) -> list[str]:
    texts = [report.title, report.subject, report.opening, report.closing, report.signature, report.sign_date]
    for block in blocks:
        texts.extend((block.title, block.text))
    return texts


def metric_usage(metric: Metric, candidates: QuerySet[Report] | None = None) -> list[Report]:
    """Reports (of the metric's bureau, year and period, among `candidates`) whose placeholders use it."""
    if candidates is None:
        candidates = Report.objects.all()
    candidates = candidates.filter(bureau_id=metric.bureau_id, year=metric.year, period=metric.period)
    known = {metric.name: metric_value(metric)}
    using = []
    for report in candidates.prefetch_related("blocks"):
        texts = [t for t in _report_texts(report, report.blocks.all()) if metric.name in t and "{{" in t]
        if any(metric.name in ph.metrics for t in texts for ph in resolve_text(t, known).placeholders):
            using.append(report)
    return using


def metrics_latest_year(*, bureau_id: int) -> int | None:
    return Metric.objects.filter(bureau_id=bureau_id).order_by("-year").values_list("year", flat=True).first()


def metric_as_import_dict(metric: Metric) -> dict[str, Any]:
    """An existing metric in the shape plan_import compares against."""
    return {key: value for key, value in metric_dict(metric).items() if key != "name"}


def _dec(value) -> str | None:
    return None if value is None else str(value)


def import_row_dict(row) -> dict[str, Any]:
    """A parsed import row as JSON-able data (kept in the session until the user confirms)."""
    return {
        "name": row.name,
        "value": _dec(row.value),
        "unit": row.unit,
        "decimals": row.decimals,
        "prior_value": _dec(row.prior),
        "budget_value": _dec(row.budget),
        "source": row.source,
        "status": Metric.Status.CONFIRMED if row.confirmed else Metric.Status.PROVISIONAL,
    }


def import_row_from_dict(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for key in ("value", "prior_value", "budget_value"):
        out[key] = None if data[key] is None else Decimal(data[key])
    return out
