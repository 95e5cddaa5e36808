"""Reads of exports: one export for a user, the latest of a report, its stored file."""

from __future__ import annotations

from django.http import Http404

from ..models import Export, Report, SensitiveTerm
from . import reports as report_selectors

__all__ = [
    "EXPORT_POLL_MS",
    "export_content",
    "export_get_for_user",
    "export_latest",
    "export_poll",
    "sensitive_terms_for",
]

# How long the export panel waits before each poll (ms), attempt by attempt. A seed-size export is
# ready on the server in about 0.1 s: the first polls come soon, then back off to the cap for the
# long ones (a fixed 700 ms used to put the download link in view only ~0.75 s after the click).
EXPORT_POLL_MS = (50, 100, 150, 250, 400, 600, 1000)


def export_poll(attempt: int) -> dict[str, int]:
    """The panel's next poll after `attempt` polls (any int; a bad one counts as none): the delay
    before it and the attempt number it carries in its URL."""
    attempt = max(0, attempt)
    return {"poll_delay": EXPORT_POLL_MS[min(attempt, len(EXPORT_POLL_MS) - 1)], "poll_next": attempt + 1}


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
