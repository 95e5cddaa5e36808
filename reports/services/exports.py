"""Exports: record, queue, render (exact or masked), store."""

from __future__ import annotations

import io
import logging
import zipfile
from typing import Any

from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..core.export_check import export_problems
from ..core.filenames import masked_file_name
from ..core.leakscan import scan_docx
from ..core.metrics import MetricValue, ResolveReport, kept_years, resolve_snapshot
from ..errors import ExportNeedsConfirmation, LeakFound, WrongState
from ..models import STALL_AFTER, Export, Report
from ..selectors import exports as export_selectors
from ..selectors import reports as report_selectors
from ..selectors import suggestions as suggestion_selectors
from .audit import audit

__all__ = [
    "EXPORT_RENDER_TASK",
    "MAX_RENDER_ATTEMPTS",
    "export_fail",
    "export_options",
    "export_render_content",
    "export_request",
    "export_requeue_if_stalled",
    "export_resolve",
    "export_retry",
    "export_run",
    "exports_requeue_stalled",
    "report_preview_snapshot",
    "report_render",
]

logger = logging.getLogger(__name__)

# The Celery task that renders an export (reports/tasks.py registers it under this name). Services
# queue it by name from the app's registry, so this layer never imports the tasks above it.
EXPORT_RENDER_TASK = "reports.tasks.export_render"

# Renders started without finishing before a stalled export fails instead of being queued again.
MAX_RENDER_ATTEMPTS = 3


# --- exports -------------------------------------------------------------------------------------


def export_options(
    *, report: Report, masked: bool, mask_years: bool = False, metrics_only: bool = False
) -> dict[str, Any]:
    """The masking options an export of `report` freezes (sensitive terms, kept years)."""
    options: dict[str, Any] = {"mask_years": mask_years, "metrics_only": metrics_only}
    if masked:
        options["sensitive_terms"] = export_selectors.sensitive_terms_for(bureau_id=report.bureau_id)
        options["keep_years"] = [] if mask_years else list(kept_years(report.year))
    return options


def _export_fields(
    *, report: Report, masked: bool, mask_years: bool, metrics_only: bool, tracked: bool = False
) -> dict[str, Any]:
    """What an export freezes at request time: content, metric values, masking options, file name.

    A masked copy masks every number except the report's own year and the next (kept_years) unless
    mask_years; metrics_only masks only the metrics (the explicit opt-out of the export form).
    tracked: the 花脸稿 — the latest submission with the leaders' open suggestions as Word tracked
    changes and the open comments as Word comments (selectors.suggestions.report_tracked_snapshot).
    """
    if tracked:
        snapshot = suggestion_selectors.report_tracked_snapshot(report)
    else:
        snapshot = report_selectors.report_export_snapshot(report)
    options = export_options(report=report, masked=masked, mask_years=mask_years, metrics_only=metrics_only)
    if tracked:
        options["tracked"] = True
    name = report_selectors.report_file_name(report)
    if masked:
        name = masked_file_name(name, options)
    if tracked:
        name = name.removesuffix(".docx") + "（花脸稿）.docx"
    return {"report": report, "masked": masked, "options": options, "snapshot": snapshot, "file_name": name}


def _content_and_metrics(snapshot: dict[str, Any]) -> tuple[dict[str, Any], dict[str, MetricValue]]:
    """An export snapshot split into its content and the metric values frozen with it."""
    content = dict(snapshot)
    metrics = {name: MetricValue.from_dict(data) for name, data in content.pop("metrics", {}).items()}
    return content, metrics


def export_resolve(
    snapshot: dict[str, Any], *, masked: bool, options: dict[str, Any]
) -> tuple[dict[str, Any], ResolveReport]:
    """An export snapshot (content + "metrics") resolved exactly as its Word file will say it: the one
    path behind the export, the print preview and the check before an export."""
    content, metrics = _content_and_metrics(snapshot)
    return resolve_snapshot(
        content,
        metrics,
        masked=masked,
        mask_years=bool(options.get("mask_years")),
        sensitive_terms=options.get("sensitive_terms", []) if masked else (),
        metrics_only=bool(options.get("metrics_only")),
        keep_years=options.get("keep_years", ()),
    )


def report_preview_snapshot(
    *, report: Report, masked: bool = False, mask_years: bool = False, metrics_only: bool = False
) -> tuple[dict[str, Any], str]:
    """(resolved snapshot, file name) of the export these options would make now (print preview)."""
    fields = _export_fields(report=report, masked=masked, mask_years=mask_years, metrics_only=metrics_only)
    resolved, _check = export_resolve(fields["snapshot"], masked=masked, options=fields["options"])
    return resolved, fields["file_name"]


def report_render(
    *,
    report: Report,
    masked: bool = False,
    mask_years: bool = False,
    metrics_only: bool = False,
    tracked: bool = False,
) -> tuple[str, bytes]:
    """Render a report now, without recording an export (command line): (file name, .docx bytes);
    tracked: its 花脸稿."""
    export = Export(
        **_export_fields(
            report=report, masked=masked, mask_years=mask_years, metrics_only=metrics_only, tracked=tracked
        )
    )
    return export.file_name, export_render_content(export)


def export_request(
    *,
    report: Report,
    user,
    masked: bool = False,
    mask_years: bool = False,
    metrics_only: bool = False,
    tracked: bool = False,
    confirmed: bool = False,
) -> Export:
    """Record an export of the report as it is now (content and metric values) and queue it on commit.

    Raises ExportNeedsConfirmation (nothing recorded) when the file would show "**" for a missing
    value or an empty numbered point (reports.core.export_check), unless confirmed=True.
    """
    fields = _export_fields(
        report=report, masked=masked, mask_years=mask_years, metrics_only=metrics_only, tracked=tracked
    )
    if not confirmed:
        problems = export_problems(
            *_content_and_metrics(fields["snapshot"]), masked=masked, metrics_only=metrics_only
        )
        if problems:
            raise ExportNeedsConfirmation(problems)
    export = Export.objects.create(requested_by=user, **fields)
    audit(
        bureau_id=report.bureau_id,
        actor=user,
        action="export",
        report=report,
        summary=f"导出{'花脸稿' if tracked else ''}{'脱敏稿' if masked else 'Word'}：{export.file_name}",
        detail={"export": export.pk},
    )

    _enqueue_on_commit(export.pk)
    return export


def _enqueue_on_commit(export_id: int) -> None:
    """Queue the render once the transaction commits; a broker that is down fails the export with a
    Chinese message instead of failing the request."""

    def enqueue() -> None:
        try:
            current_app.tasks[EXPORT_RENDER_TASK].delay(export_id)
        except Exception:
            logger.exception("could not queue export %s", export_id)
            export_fail(
                export_id=export_id, message="任务队列暂时不可用，请稍后点击“重试”。草稿内容不受影响。"
            )

    transaction.on_commit(enqueue)


def export_retry(*, export: Export, user) -> Export:
    """Request a failed or stuck export again, as `user` (a new row and audit entry in their name;
    the old row stays as a record). They already confirmed its warnings.

    Raises WrongState (nothing recorded) for an export that is done or being rendered right now.
    """
    if not export.can_retry:
        if export.status == Export.Status.DONE:
            raise WrongState("该文件已生成完毕，无需重新生成，请直接下载。")
        raise WrongState("该文件正在生成，请稍候；生成服务长时间无响应时才可重新生成。")
    return export_request(
        report=export.report,
        user=user,
        masked=export.masked,
        mask_years=export.options.get("mask_years", False),
        metrics_only=export.options.get("metrics_only", False),
        tracked=export.options.get("tracked", False),
        confirmed=True,
    )


def _validate_docx(content: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        names = set(package.namelist())
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise ValueError("rendered package is not a .docx")


def export_render_content(export: Export) -> bytes:
    """Resolve the export's placeholders (exact or masked) and render the .docx.

    Raises LeakFound when a masked copy still contains a masked figure anywhere in the package.
    """
    from django.conf import settings

    from ..core.docx_render import render_docx
    from ..core.tracked import render_tracked_docx

    resolved, check = export_resolve(export.snapshot, masked=export.masked, options=export.options or {})
    if (export.options or {}).get("tracked"):
        content = render_tracked_docx(resolved, settings.DOCX_LAYOUT).docx
    else:
        content = render_docx(resolved, settings.DOCX_LAYOUT)
    _validate_docx(content)
    if export.masked:
        leaks = scan_docx(content, check.secrets, export.file_name)
        if leaks:
            raise LeakFound(leaks)
    return content


def export_run(*, export_id: int) -> bool:
    """Render one export. Idempotent: returns False and does nothing if it is already done.

    The finished bytes are written by a conditional UPDATE (status != done), so even two workers
    running the same export concurrently store one file, once. A masked copy that would leak a
    figure fails with a message naming it, and no file is stored.
    """
    claimed = (
        Export.objects.filter(pk=export_id)
        .exclude(status=Export.Status.DONE)
        .update(
            status=Export.Status.RUNNING,
            progress=10,
            started_at=timezone.now(),
            heartbeat_at=timezone.now(),
            attempts=F("attempts") + 1,
            error="",
        )
    )
    if not claimed:
        return False
    export = Export.objects.only("snapshot", "masked", "options", "file_name").get(pk=export_id)
    try:
        content = export_render_content(export)
    except LeakFound as leak:
        export_fail(export_id=export_id, message=str(leak))
        return False
    Export.objects.filter(pk=export_id, status=Export.Status.RUNNING).update(
        progress=80, heartbeat_at=timezone.now()
    )
    stored = (
        Export.objects.filter(pk=export_id)
        .exclude(status=Export.Status.DONE)
        .update(status=Export.Status.DONE, progress=100, content=content, finished_at=timezone.now())
    )
    return bool(stored)


def export_fail(*, export_id: int, message: str) -> None:
    Export.objects.filter(pk=export_id).exclude(status=Export.Status.DONE).update(
        status=Export.Status.FAILED, error=message, finished_at=timezone.now()
    )


def exports_requeue_stalled(*, export_ids: list[int] | None = None) -> list[int]:
    """Queue again the unfinished exports whose worker is gone (no sign of life for longer than the
    hard time limit, STALL_AFTER): called when a worker starts and when a user looks at a stalled
    export. Returns the ids queued. `export_ids` limits the sweep to those exports.

    Each export is taken by one conditional UPDATE that also resets its heartbeat, so callers racing
    each other queue it once per STALL_AFTER; rendering it twice still stores one file (export_run).
    An export whose render was started MAX_RENDER_ATTEMPTS times without finishing (a render that
    takes its worker down each time) fails with a message instead of being queued again.
    """
    now = timezone.now()
    stalled = Export.objects.filter(
        status__in=[Export.Status.QUEUED, Export.Status.RUNNING], heartbeat_at__lt=now - STALL_AFTER
    )
    if export_ids is not None:
        stalled = stalled.filter(pk__in=export_ids)
    stalled.filter(attempts__gte=MAX_RENDER_ATTEMPTS).update(
        status=Export.Status.FAILED,
        error="生成过程多次中断，已停止自动重试。请点击“重试”；若仍失败请联系管理员。",
        finished_at=now,
    )
    requeued = []
    for export_id in stalled.values_list("pk", flat=True):
        taken = stalled.filter(pk=export_id).update(status=Export.Status.QUEUED, progress=0, heartbeat_at=now)
        if taken:
            requeued.append(export_id)
            _enqueue_on_commit(export_id)
    if requeued:
        logger.warning("re-queued stalled exports %s", requeued)
    return requeued


def export_requeue_if_stalled(*, export: Export) -> Export:
    """The export as it is now, queued again first if its worker is gone (a user polling it)."""
    if export.is_stalled and exports_requeue_stalled(export_ids=[export.pk]):
        export.refresh_from_db(fields=["status", "progress", "error", "heartbeat_at", "attempts"])
    return export
