"""Reads of exports: one export for a user, the latest of a report, its stored file."""

from __future__ import annotations

from django.http import Http404

from ..models import Export, Report, SensitiveTerm
from . import reports as report_selectors

__all__ = ["export_content", "export_get_for_user", "export_latest", "sensitive_terms_for"]


def export_get_for_user(*, user, pk: int) -> Export:
    export = Export.objects.select_related("report").defer("content").filter(pk=pk).first()
    if (
        export is None
        or not report_selectors.reports_for_user(user=user).filter(pk=export.report_id).exists()
    ):
        raise Http404("导出记录不存在")
    return export


def export_latest(*, report: Report) -> Export | None:
    return report.exports.defer("content", "snapshot").first()


def export_content(*, export: Export) -> bytes:
    """The finished file's bytes (export_get_for_user defers them: the panel never needs them)."""
    return bytes(Export.objects.values_list("content", flat=True).get(pk=export.pk))


def sensitive_terms_for(*, bureau_id: int) -> list[str]:
    return list(SensitiveTerm.objects.filter(bureau_id=bureau_id).values_list("term", flat=True))
