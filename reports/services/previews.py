"""PDF previews in the browser: record, queue, convert (LibreOffice), page images (pdftoppm), store.

A preview is keyed by the SHA-256 of the Word file it shows (models.Preview): the same file is never
converted twice, and any change of content makes a new preview. Sources: the live report (exact or
masked, as its export renders it), a revision, and — through `preview_request` with its bytes — a
meeting packet.

The worker's steps (`preview_run`):
1. Claim the row by a conditional UPDATE (not done yet): status running, progress 10.
2. Convert the .docx to PDF with the process's resident LibreOffice (core.pdf): progress 60.
3. Render the pages to PNG with pdftoppm in runs of PAGES_PER_RUN, progress rising towards 95.
4. Store the PDF and every page in one transaction whose conditional UPDATE (not done yet) decides
   who stores: two workers running the same preview store one result.
"""

from __future__ import annotations

import hashlib
import logging

from celery import current_app
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..core.filenames import masked_file_name
from ..core.pages import PageRenderError, pdf_page_count, pdf_page_images
from ..core.pdf import LibreOfficeMissing, PdfConversionError, docx_to_pdf
from ..errors import InvalidInput, WrongState
from ..models import STALL_AFTER, Bureau, Export, Packet, Preview, PreviewPage, Report, Revision
from ..selectors import reports as report_selectors
from .exports import MAX_RENDER_ATTEMPTS, export_options, export_render_content, report_render

__all__ = [
    "PREVIEW_RENDER_TASK",
    "preview_fail",
    "preview_request",
    "preview_requeue_if_stalled",
    "preview_retry",
    "preview_run",
    "previews_requeue_stalled",
    "packet_preview_request",
    "report_preview_request",
]

logger = logging.getLogger(__name__)

# The Celery task that makes a preview (reports/tasks.py registers it under this name); queued by
# name from the app's registry, so this layer never imports the tasks above it.
PREVIEW_RENDER_TASK = "reports.tasks.preview_render"

PAGES_PER_RUN = 8  # pages rendered by one pdftoppm run between two progress updates

NO_LIBREOFFICE = "服务器未安装 LibreOffice，无法生成 PDF 预览。请联系管理员。"
CONVERSION_FAILED = "Word 文件转换为 PDF 失败，请点击“重试”；若仍失败请联系管理员。"
PAGES_FAILED = "PDF 页面图像生成失败，请点击“重试”；若仍失败请联系管理员。"
QUEUE_DOWN = "任务队列暂时不可用，请稍后点击“重试”。报告内容不受影响。"


def preview_request(
    *,
    bureau: Bureau,
    docx: bytes,
    title: str,
    user,
    report: Report | None = None,
    packet: Packet | None = None,
    masked: bool = False,
) -> Preview:
    """The preview of the Word file `docx`: the existing one for the same bytes (done or in progress;
    a failed one is queued again), else a new one queued on commit.

    `report`: the report it shows (whoever may open the report may see the preview); or `packet`:
    the meeting packet it shows (whoever may see the packet may see it). A broker that is down fails the
    preview with a Chinese message; it never fails the request.
    """
    digest = hashlib.sha256(docx).hexdigest()
    defaults = {
        "docx": docx,
        "title": title[:255],
        "report": report,
        "packet": packet,
        "scope": Preview.Scope.REPORT if report is not None else Preview.Scope.PACKET,
        "masked": masked,
        "requested_by": user,
    }
    try:
        with transaction.atomic():
            preview, created = Preview.objects.defer("docx", "pdf").get_or_create(
                bureau=bureau, digest=digest, defaults=defaults
            )
    except IntegrityError:  # another request created it between our look-up and insert
        preview, created = Preview.objects.defer("docx", "pdf").get(bureau=bureau, digest=digest), False
    if created:
        _enqueue_on_commit(preview.pk)
        return preview
    if preview.status == Preview.Status.FAILED:
        return preview_retry(preview=preview)
    return preview_requeue_if_stalled(preview=preview)


def _revision_docx(*, report: Report, revision: Revision, masked: bool) -> tuple[str, bytes]:
    """(file name, .docx bytes) of a revision, rendered as an export of that snapshot would be."""
    options = export_options(report=report, masked=masked)
    name = report_selectors.report_file_name(report)
    if masked:
        name = masked_file_name(name, options)
    export = Export(report=report, masked=masked, options=options, snapshot=revision.snapshot, file_name=name)
    return name, export_render_content(export)


def report_preview_request(
    *, report: Report, user, masked: bool = False, revision: Revision | None = None
) -> Preview:
    """The preview of a report's Word file: its export now (exact, or masked exactly as the masked
    export, leak scan included), or of one of its revisions.

    Raises LeakFound (nothing recorded) when a masked copy would still show a masked figure.
    """
    if revision is None:
        name, docx = report_render(report=report, masked=masked)
        title = name.removesuffix(".docx")  # a masked copy's name says 脱敏稿
    else:
        name, docx = _revision_docx(report=report, revision=revision, masked=masked)
        title = f"{name.removesuffix('.docx')} · 第{revision.number}次提交"
    return preview_request(
        bureau=report.bureau, docx=docx, title=title, user=user, report=report, masked=masked
    )


def packet_preview_request(*, packet: Packet, user) -> Preview:
    """The preview of a finished packet's booklet (its .docx; for a PDF packet, the .docx it was
    converted from). Raises WrongState for a packet not finished, InvalidInput for a zip (separate
    files, no booklet)."""
    if packet.format == Packet.Format.ZIP:
        raise InvalidInput("分别打包的材料汇编没有合订本，无法预览；请生成 Word 或 PDF 格式。")
    docx = (
        Packet.objects.filter(pk=packet.pk, status=Packet.Status.DONE).values_list("docx", flat=True).first()
    )
    if docx is None:
        raise WrongState("材料汇编尚未生成完毕，请稍候再预览。")
    title = packet.file_name.rsplit(".", 1)[0]
    return preview_request(
        bureau=packet.bureau, docx=bytes(docx), title=title, user=user, packet=packet, masked=packet.masked
    )


def _enqueue_on_commit(preview_id: int) -> None:
    def enqueue() -> None:
        try:
            current_app.tasks[PREVIEW_RENDER_TASK].delay(preview_id)
        except Exception:
            logger.exception("could not queue preview %s", preview_id)
            preview_fail(preview_id=preview_id, message=QUEUE_DOWN)

    transaction.on_commit(enqueue)


def preview_retry(*, preview: Preview) -> Preview:
    """Queue a failed or stuck preview again (the same row: it is a cache, not a record). A preview
    that is done or being made right now is returned as it is."""
    if preview.can_retry:
        taken = (
            Preview.objects.filter(pk=preview.pk)
            .exclude(status=Preview.Status.DONE)
            .update(
                status=Preview.Status.QUEUED, progress=0, error="", attempts=0, heartbeat_at=timezone.now()
            )
        )
        if taken:
            _enqueue_on_commit(preview.pk)
    preview.refresh_from_db(fields=["status", "progress", "error", "heartbeat_at", "attempts"])
    return preview


def _progress(preview_id: int, progress: int) -> None:
    Preview.objects.filter(pk=preview_id, status=Preview.Status.RUNNING).update(
        progress=progress, heartbeat_at=timezone.now()
    )


def preview_run(*, preview_id: int) -> bool:
    """Make one preview (steps in the module docstring). Idempotent: returns False and does nothing
    if it is already done. LibreOffice or poppler failing fails the preview with a Chinese message.
    """
    claimed = (
        Preview.objects.filter(pk=preview_id)
        .exclude(status=Preview.Status.DONE)
        .update(
            status=Preview.Status.RUNNING,
            progress=10,
            heartbeat_at=timezone.now(),
            attempts=F("attempts") + 1,
            error="",
        )
    )
    if not claimed:
        return False
    docx = bytes(Preview.objects.values_list("docx", flat=True).get(pk=preview_id))
    try:
        pdf = docx_to_pdf(docx)
    except LibreOfficeMissing:
        preview_fail(preview_id=preview_id, message=NO_LIBREOFFICE)
        return False
    except PdfConversionError:
        logger.exception("preview %s: conversion failed", preview_id)
        preview_fail(preview_id=preview_id, message=CONVERSION_FAILED)
        return False
    _progress(preview_id, 60)
    try:
        count = pdf_page_count(pdf)
        pages = []
        for first in range(1, count + 1, PAGES_PER_RUN):
            pages += pdf_page_images(pdf, first=first, last=min(first + PAGES_PER_RUN - 1, count))
            _progress(preview_id, 60 + 35 * len(pages) // count)
    except PageRenderError:
        logger.exception("preview %s: page images failed", preview_id)
        preview_fail(preview_id=preview_id, message=PAGES_FAILED)
        return False
    with transaction.atomic():
        stored = (
            Preview.objects.filter(pk=preview_id)
            .exclude(status=Preview.Status.DONE)
            .update(
                status=Preview.Status.DONE,
                progress=100,
                pdf=pdf,
                page_count=count,
                finished_at=timezone.now(),
            )
        )
        if stored:
            PreviewPage.objects.filter(preview_id=preview_id).delete()
            PreviewPage.objects.bulk_create(
                PreviewPage(
                    preview_id=preview_id, number=p.number, image=p.png, width=p.width, height=p.height
                )
                for p in pages
            )
    return bool(stored)


def preview_fail(*, preview_id: int, message: str) -> None:
    Preview.objects.filter(pk=preview_id).exclude(status=Preview.Status.DONE).update(
        status=Preview.Status.FAILED, error=message, finished_at=timezone.now()
    )


def previews_requeue_stalled(*, preview_ids: list[int] | None = None) -> list[int]:
    """Queue again the unfinished previews whose worker is gone (silent for longer than STALL_AFTER),
    as services.exports.exports_requeue_stalled does for exports; one started MAX_RENDER_ATTEMPTS
    times without finishing fails instead. Returns the ids queued."""
    now = timezone.now()
    stalled = Preview.objects.filter(
        status__in=[Preview.Status.QUEUED, Preview.Status.RUNNING], heartbeat_at__lt=now - STALL_AFTER
    )
    if preview_ids is not None:
        stalled = stalled.filter(pk__in=preview_ids)
    stalled.filter(attempts__gte=MAX_RENDER_ATTEMPTS).update(
        status=Preview.Status.FAILED,
        error="生成过程多次中断，已停止自动重试。请点击“重试”；若仍失败请联系管理员。",
        finished_at=now,
    )
    requeued = []
    for preview_id in stalled.values_list("pk", flat=True):
        if stalled.filter(pk=preview_id).update(status=Preview.Status.QUEUED, progress=0, heartbeat_at=now):
            requeued.append(preview_id)
            _enqueue_on_commit(preview_id)
    if requeued:
        logger.warning("re-queued stalled previews %s", requeued)
    return requeued


def preview_requeue_if_stalled(*, preview: Preview) -> Preview:
    """The preview as it is now, queued again first if its worker is gone (a user polling it)."""
    if preview.is_stalled and previews_requeue_stalled(preview_ids=[preview.pk]):
        preview.refresh_from_db(fields=["status", "progress", "error", "heartbeat_at", "attempts"])
    return preview
