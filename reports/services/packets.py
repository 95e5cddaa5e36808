"""Meeting packets (会议材料汇编): several reports' approved revisions as one booklet or a zip.

One path for the worker and the command line: each part is resolved and rendered alone
(`part_render`: its .docx, its secrets, its page count measured on its own LibreOffice render), then
the packet is assembled from the parts (`packet_assemble_content`: the 目录's numbers from the
parts' page counts, one render of the whole, the leak scan of a masked packet).

On the web (`packet_request`), each part is one Celery task (`packet_part_run`) so parts render in
parallel across workers; the last part to finish queues the assembly (`packet_assemble`), a join
kept in the database (a row lock on the packet), not in the broker: a worker killed mid-packet or a
flushed Redis loses nothing that `packets_requeue_stalled` does not queue again. A failed part
fails the packet with a message naming the report; `packet_retry` redoes only the failed parts.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import logging
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from ..core.docx_render import render_docx
from ..core.filenames import masked_file_name, report_file_name
from ..core.leakscan import scan_docx
from ..core.masking import mask_numbers, mask_terms
from ..core.packet import (
    PacketOptions,
    estimate_pages,
    packet_secrets,
    packet_starts,
    render_packet,
    toc_text,
)
from ..core.pages import PageRenderError, pdf_page_count
from ..core.pdf import PdfConversionError, docx_to_pdf
from ..errors import Forbidden, InvalidInput, LeakFound, WrongState
from ..models import STALL_AFTER, Bureau, Packet, PacketPart, Report
from ..permissions import can_build_packet
from ..selectors import members as member_selectors
from ..selectors import packets as packet_selectors
from ..selectors import reports as report_selectors
from .audit import audit
from .exports import export_options, export_resolve

__all__ = [
    "MAX_PACKET_REPORTS",
    "PACKET_ASSEMBLE_TASK",
    "PACKET_FORMATS",
    "PACKET_PART_TASK",
    "PartRender",
    "bureau_rank_list_save",
    "packet_assemble",
    "packet_assemble_content",
    "packet_fail",
    "packet_part_fail",
    "packet_part_run",
    "packet_render",
    "packet_request",
    "packet_requeue_if_stalled",
    "packet_retry",
    "packets_requeue_stalled",
    "part_digest",
    "part_render",
]

logger = logging.getLogger(__name__)

PACKET_FORMATS = ("docx", "pdf", "zip")
MAX_PACKET_REPORTS = 200
# The Celery tasks (reports/tasks.py registers them under these names; queued by name, as exports).
PACKET_PART_TASK = "reports.tasks.packet_part_render"
PACKET_ASSEMBLE_TASK = "reports.tasks.packet_assemble"
NO_OFFICE = "服务器未安装 LibreOffice，无法生成 PDF；请选择 Word 格式或联系管理员。"


# --- one part --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartRender:
    """One report rendered alone, as its single export would be."""

    resolved: dict[str, Any]  # placeholders resolved (and masked): what render_packet takes
    content: bytes  # the report's own .docx
    secrets: list[str]  # what a masked copy must not show
    page_count: int
    pages_estimated: bool  # no LibreOffice: the page count is estimated from the text


def _part_fields(report: Report, *, masked: bool, drafts: bool = False) -> dict[str, Any]:
    """What a packet freezes of a report: its approved revision (or live text with drafts), the
    masking options of its single masked copy, its file name and 目录 line."""
    snapshot = report_selectors.report_packet_snapshot(report, drafts=drafts)
    options = export_options(report=report, masked=masked)
    name = report_selectors.report_file_name(report)
    return {
        "report": report,
        "snapshot": snapshot,
        "options": options,
        "file_name": masked_file_name(name, options) if masked else name,
        "title": toc_text(snapshot)[:300],
    }


def part_digest(*, snapshot: dict[str, Any], options: dict[str, Any], masked: bool, measure: bool) -> str:
    """What one part's render and page count depend on, as a digest: the frozen content with its
    metric values, the masking options, the Word layout, and whether its pages are measured."""
    data = {"snapshot": snapshot, "options": options, "masked": masked, "layout": settings.DOCX_LAYOUT}
    text = json.dumps({**data, "measure": measure}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def part_render(
    *, snapshot: dict[str, Any], options: dict[str, Any], masked: bool, file_name: str, measure: bool
) -> PartRender:
    """Resolve and render one part; measure its pages on its own LibreOffice render (`measure`),
    or estimate them when LibreOffice is missing. Raises LeakFound for a masked part that would
    show a secret figure."""
    resolved, check = export_resolve(snapshot, masked=masked, options=options)
    content = render_docx(resolved, settings.DOCX_LAYOUT)
    secrets = sorted(check.secrets) if masked else []
    if masked:
        leaks = scan_docx(content, frozenset(secrets), file_name)
        if leaks:
            raise LeakFound(leaks)
    pages, estimated = 0, False
    if measure:
        try:
            pages = pdf_page_count(docx_to_pdf(content))
        except (PdfConversionError, PageRenderError):
            logger.warning("packet part pages estimated: LibreOffice unavailable", exc_info=True)
            pages, estimated = estimate_pages(resolved), True
    return PartRender(resolved, content, secrets, pages, estimated)


# --- assembly ---------------------------------------------------------------------------------------


def _cover_text(text: str, options: Sequence[dict[str, Any]], masked: bool) -> str:
    """Cover text, masked in a masked packet as the parts are (every digit but the parts' kept
    years, sensitive terms): the leak scan covers the cover too."""
    if not masked:
        return text
    keep = {year for part in options for year in part.get("keep_years", [])}
    terms = {term for part in options for term in part.get("sensitive_terms", [])}
    return mask_terms(mask_numbers(text, keep), terms)


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, suffix = name.rpartition(".")
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}（{n}）{dot}{suffix}"
    taken.add(candidate)
    return candidate


def _count_pages(docx: bytes) -> int:
    return pdf_page_count(docx_to_pdf(docx))


def packet_assemble_content(
    *,
    parts: Sequence[PartRender],
    options: Sequence[dict[str, Any]],
    file_names: Sequence[str],
    meeting: str,
    bureau: str,
    date: datetime.date,
    masked: bool,
    format: str,
    double_sided: bool = False,
    drafts: bool = False,
) -> tuple[str, bytes, bytes | None, bool]:
    """(file name, file bytes, packet .docx or None for a zip, page numbers estimated) of a packet
    made of rendered parts, in order.

    The 目录's numbers come from the parts' page counts and the cover and 目录 measured alone
    (estimated when a part or the front could not be measured: Word corrects them on open). A PDF
    is one LibreOffice render of the whole packet (PdfConversionError without LibreOffice). A masked
    packet is scanned for every part's secrets (LeakFound).
    """
    secrets = frozenset(
        packet_secrets([p.secrets for p in parts], [o.get("keep_years", []) for o in options])
    )
    title = _cover_text(meeting, options, masked)
    if format == "zip":
        buf, taken = io.BytesIO(), set()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
            for part, name in zip(parts, file_names, strict=True):
                archive.writestr(_unique(name, taken), part.content)
        name = report_file_name(title + "材料汇编", "")
        return name.removesuffix(".docx") + ".zip", buf.getvalue(), None, False

    packet_options = PacketOptions(
        meeting=title,
        bureau=_cover_text(bureau, options, masked),
        date=_cover_text(f"{date.year}年{date.month}月{date.day}日", options, masked),
        double_sided=double_sided,
        draft=drafts,
        render=settings.DOCX_LAYOUT,
    )
    snapshots = [p.resolved for p in parts]
    estimated = any(p.pages_estimated for p in parts)
    counter = None if estimated else _count_pages
    try:
        starts = packet_starts(snapshots, [p.page_count for p in parts], packet_options, counter)
    except (PdfConversionError, PageRenderError):
        if format == "pdf":
            raise
        logger.warning("packet front pages estimated: LibreOffice unavailable", exc_info=True)
        starts = packet_starts(snapshots, [p.page_count for p in parts], packet_options)
        estimated = True
    docx = render_packet(snapshots, packet_options, starts)
    name = report_file_name(packet_options.meeting + "材料汇编", "征求意见稿" if drafts else "")
    if masked:
        name = name.removesuffix(".docx") + "（脱敏稿）.docx"
        leaks = scan_docx(docx, secrets, name)
        if leaks:
            raise LeakFound(leaks)
    if format == "pdf":
        return name.removesuffix(".docx") + ".pdf", docx_to_pdf(docx), docx, estimated
    return name, docx, docx, estimated


def packet_render(
    *,
    reports: Sequence[Report],
    meeting: str,
    date: datetime.date,
    masked: bool = False,
    drafts: bool = False,
    double_sided: bool = False,
    format: str = "docx",
) -> tuple[str, bytes]:
    """Render a packet now, in this process (command line): (file name, bytes) of a .docx, a .pdf
    or a .zip of one .docx per report named as its single export. The same parts and assembly as
    the workers'. Raises WrongState for a report without an approved revision (unless drafts),
    InvalidInput, LeakFound, PdfConversionError (a PDF without LibreOffice)."""
    meeting = _clean_meeting(meeting)
    _check_format(format)
    _check_reports(reports)
    fields = [_part_fields(r, masked=masked, drafts=drafts) for r in reports]
    parts = [
        part_render(
            snapshot=f["snapshot"],
            options=f["options"],
            masked=masked,
            file_name=f["file_name"],
            measure=format != "zip",
        )
        for f in fields
    ]
    name, content, _docx, _estimated = packet_assemble_content(
        parts=parts,
        options=[f["options"] for f in fields],
        file_names=[f["file_name"] for f in fields],
        meeting=meeting,
        bureau=reports[0].bureau.name,
        date=date,
        masked=masked,
        format=format,
        double_sided=double_sided,
        drafts=drafts,
    )
    return name, content


# --- checks ------------------------------------------------------------------------------------------


def _clean_meeting(meeting: str) -> str:
    meeting = " ".join(str(meeting).split())
    if not meeting:
        raise InvalidInput("请填写会议名称。")
    if len(meeting) > 100:
        raise InvalidInput("会议名称不能超过100个字。")
    return meeting


def _check_format(format: str) -> None:
    if format not in PACKET_FORMATS:
        raise InvalidInput(f"不支持的格式：{format}")


def _check_reports(reports: Sequence[Report]) -> None:
    if not reports:
        raise InvalidInput("请至少选择一份报告。")
    if len(reports) > MAX_PACKET_REPORTS:
        raise InvalidInput(f"一次最多汇编{MAX_PACKET_REPORTS}份报告。")
    if len({r.pk for r in reports}) != len(reports):
        raise InvalidInput("同一份报告不能重复编入。")
    if len({r.bureau_id for r in reports}) > 1:
        raise InvalidInput("材料汇编只能包含同一财政局的报告。")


# --- the web: request, parts, join, assembly, retry ---------------------------------------------------


def packet_request(
    *,
    user,
    report_ids: Sequence[int],
    meeting: str,
    date: datetime.date | None,
    masked: bool = False,
    format: str = "docx",
    double_sided: bool = False,
) -> Packet:
    """Record a packet of the reports (in this order) as their approved revisions are now and queue
    one task per report on commit.

    Raises Forbidden (not an admin or leader), InvalidInput (no reports, a report the user may not
    open, no meeting name or date, a bad format), WrongState (a report without an approved revision).
    """
    membership = member_selectors.membership_for(user)
    if not can_build_packet(membership):
        raise Forbidden("只有管理员和审核领导可以生成材料汇编。")
    meeting = _clean_meeting(meeting)
    _check_format(format)
    if date is None:
        raise InvalidInput("请填写日期。")
    reports = packet_selectors.packet_reports_for(membership=membership, report_ids=report_ids)
    _check_reports(reports)
    fields = [_part_fields(r, masked=masked) for r in reports]
    with transaction.atomic():
        packet = Packet.objects.create(
            bureau_id=membership.bureau_id,
            meeting=meeting,
            date=date,
            masked=masked,
            format=format,
            double_sided=double_sided,
            created_by=user,
        )
        measure = format != Packet.Format.ZIP
        PacketPart.objects.bulk_create(
            PacketPart(
                packet=packet,
                position=k,
                digest=part_digest(
                    snapshot=f["snapshot"], options=f["options"], masked=masked, measure=measure
                ),
                **f,
            )
            for k, f in enumerate(fields, start=1)
        )
        audit(
            bureau_id=membership.bureau_id,
            actor=user,
            action="packet",
            summary=f"生成材料汇编{'（脱敏稿）' if masked else ''}：{meeting}，{len(reports)}份报告",
            detail={"packet": packet.pk, "reports": [r.pk for r in reports]},
        )
        _enqueue_parts_on_commit(packet.pk, [None])
    return packet


def _enqueue(task: str, arg: int, packet_id: int) -> None:
    try:
        current_app.tasks[task].delay(arg)
    except Exception:
        logger.exception("could not queue %s(%s)", task, arg)
        packet_fail(packet_id=packet_id, message="任务队列暂时不可用，请稍后点击“重试”。")


def _enqueue_parts_on_commit(packet_id: int, part_ids: list[int | None]) -> None:
    """Queue the packet's parts once the transaction commits: `part_ids`, or [None] for every part
    not done. A broker that is down fails the packet with a Chinese message."""

    def enqueue() -> None:
        parts = PacketPart.objects.filter(packet_id=packet_id).exclude(status=PacketPart.Status.DONE)
        if part_ids != [None]:
            parts = parts.filter(pk__in=part_ids)
        ids = list(parts.values_list("pk", flat=True))
        for part_id in ids:
            _enqueue(PACKET_PART_TASK, part_id, packet_id)
        if not ids:  # every part was already done (a stalled assembly): assemble again
            _join(packet_id)

    transaction.on_commit(enqueue)


def packet_part_run(*, part_id: int) -> bool:
    """Render one part (idempotent: a done part is not rendered again; two workers store one
    result), then join: the last part to finish queues the assembly."""
    claimed = (
        PacketPart.objects.filter(
            pk=part_id, packet__status__in=[Packet.Status.QUEUED, Packet.Status.RUNNING]
        )
        .exclude(status=PacketPart.Status.DONE)
        .update(
            status=PacketPart.Status.RUNNING,
            attempts=F("attempts") + 1,
            error="",
            heartbeat_at=timezone.now(),
        )
    )
    if not claimed:
        return False
    part = PacketPart.objects.select_related("packet").get(pk=part_id)
    packet = part.packet
    Packet.objects.filter(pk=packet.pk, status=Packet.Status.QUEUED).update(status=Packet.Status.RUNNING)
    Packet.objects.filter(pk=packet.pk).update(heartbeat_at=timezone.now())
    try:
        rendered = _rendered_before(part) or part_render(
            snapshot=part.snapshot,
            options=part.options,
            masked=packet.masked,
            file_name=part.file_name,
            measure=packet.format != Packet.Format.ZIP,
        )
    except LeakFound as leak:
        packet_part_fail(part_id=part_id, message=str(leak))
        return False
    if rendered.pages_estimated and packet.format == Packet.Format.PDF:
        packet_part_fail(part_id=part_id, message=NO_OFFICE)
        return False
    stored = (
        PacketPart.objects.filter(pk=part_id)
        .exclude(status=PacketPart.Status.DONE)
        .update(
            status=PacketPart.Status.DONE,
            resolved=rendered.resolved,
            content=rendered.content,
            secrets=rendered.secrets,
            page_count=rendered.page_count,
            pages_estimated=rendered.pages_estimated,
        )
    )
    _join(packet.pk)
    return bool(stored)


def _rendered_before(part: PacketPart) -> PartRender | None:
    """The same part rendered and measured for an earlier packet of the bureau (same digest: same
    content, masking, layout), reused: rebuilding a packet in another order or format renders
    and measures nothing again."""
    if not part.digest:
        return None
    done = (
        PacketPart.objects.filter(
            digest=part.digest,
            status=PacketPart.Status.DONE,
            pages_estimated=False,
            packet__bureau_id=part.packet.bureau_id,
        )
        .exclude(pk=part.pk)
        .only("resolved", "content", "secrets", "page_count")
        .first()
    )
    if done is None:
        return None
    return PartRender(done.resolved, bytes(done.content), done.secrets, done.page_count or 0, False)


def packet_part_fail(*, part_id: int, message: str) -> None:
    """Fail one part (the packet fails once every part has finished, naming it)."""
    part = PacketPart.objects.filter(pk=part_id).exclude(status=PacketPart.Status.DONE)
    if part.update(status=PacketPart.Status.FAILED, error=message):
        _join(PacketPart.objects.values_list("packet_id", flat=True).get(pk=part_id))


def _join(packet_id: int) -> None:
    """Once no part is waiting or rendering: fail the packet naming its failed parts, or mark it
    assembling and queue the assembly, once (the packet's row lock orders the last finishers)."""
    with transaction.atomic():
        packet = Packet.objects.select_for_update().filter(pk=packet_id).first()
        if packet is None or packet.status not in (Packet.Status.QUEUED, Packet.Status.RUNNING):
            return
        parts = list(packet.parts.values("status", "title", "error"))
        if any(p["status"] in (PacketPart.Status.QUEUED, PacketPart.Status.RUNNING) for p in parts):
            packet.heartbeat_at = timezone.now()
            packet.save(update_fields=["heartbeat_at"])
            return
        failed = [p for p in parts if p["status"] == PacketPart.Status.FAILED]
        if failed:
            named = "；".join(f"《{p['title']}》：{p['error']}" for p in failed)
            packet.status, packet.error = Packet.Status.FAILED, f"{len(failed)}份报告生成失败。{named}"
            packet.finished_at = timezone.now()
            packet.save(update_fields=["status", "error", "finished_at"])
            return
        packet.status, packet.heartbeat_at = Packet.Status.ASSEMBLING, timezone.now()
        packet.save(update_fields=["status", "heartbeat_at"])
        transaction.on_commit(lambda: _enqueue(PACKET_ASSEMBLE_TASK, packet_id, packet_id))


def packet_assemble(*, packet_id: int) -> bool:
    """Assemble a packet whose parts are all done (idempotent: stored once by a conditional UPDATE)."""
    claimed = Packet.objects.filter(pk=packet_id, status=Packet.Status.ASSEMBLING).update(
        heartbeat_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    packet = Packet.objects.select_related("bureau").get(pk=packet_id)
    parts = list(packet.parts.order_by("position"))
    rendered = [
        PartRender(p.resolved, bytes(p.content), p.secrets, p.page_count or 0, p.pages_estimated)
        for p in parts
    ]
    try:
        name, content, docx, estimated = packet_assemble_content(
            parts=rendered,
            options=[p.options for p in parts],
            file_names=[p.file_name for p in parts],
            meeting=packet.meeting,
            bureau=packet.bureau.name,
            date=packet.date,
            masked=packet.masked,
            format=packet.format,
            double_sided=packet.double_sided,
        )
    except LeakFound as leak:
        packet_fail(packet_id=packet_id, message=str(leak))
        return False
    except PdfConversionError:
        logger.exception("packet %s: PDF conversion failed", packet_id)
        packet_fail(packet_id=packet_id, message="PDF 转换失败，请点击“重试”；若仍失败请选择 Word 格式。")
        return False
    stored = Packet.objects.filter(pk=packet_id, status=Packet.Status.ASSEMBLING).update(
        status=Packet.Status.DONE,
        file_name=name,
        content=content,
        docx=docx,
        pages_estimated=estimated,
        error="",
        finished_at=timezone.now(),
    )
    return bool(stored)


def packet_fail(*, packet_id: int, message: str) -> None:
    Packet.objects.filter(pk=packet_id).exclude(status=Packet.Status.DONE).update(
        status=Packet.Status.FAILED, error=message, finished_at=timezone.now()
    )


def packet_retry(*, packet: Packet, user) -> Packet:
    """Build a failed (or stalled) packet again: only the parts that failed (or never finished) are
    rendered again; done parts are kept. Raises WrongState for a packet done or in progress."""
    membership = member_selectors.membership_for(user)
    if not can_build_packet(membership) or membership.bureau_id != packet.bureau_id:
        raise Forbidden("只有本局的管理员和审核领导可以重新生成材料汇编。")
    if packet.status == Packet.Status.DONE:
        raise WrongState("该材料汇编已生成完毕，无需重新生成，请直接下载。")
    if not (packet.status == Packet.Status.FAILED or packet.is_stalled):
        raise WrongState("该材料汇编正在生成，请稍候。")
    with transaction.atomic():
        packet.parts.exclude(status=PacketPart.Status.DONE).update(status=PacketPart.Status.QUEUED, error="")
        Packet.objects.filter(pk=packet.pk).update(
            status=Packet.Status.QUEUED, error="", finished_at=None, heartbeat_at=timezone.now()
        )
        _enqueue_parts_on_commit(packet.pk, [None])
    packet.refresh_from_db()
    return packet


def _stalled_packets(now):
    """Unfinished packets whose worker is gone: silent as a whole for longer than the hard time
    limit (lost messages, a dead assembly), or with a part claimed longer ago than that and not
    finished (its worker was killed while other workers finished the rest)."""
    limit = now - STALL_AFTER
    dead_part = PacketPart.objects.filter(
        packet=OuterRef("pk"), status=PacketPart.Status.RUNNING, heartbeat_at__lt=limit
    )
    unfinished = [Packet.Status.QUEUED, Packet.Status.RUNNING, Packet.Status.ASSEMBLING]
    return Packet.objects.filter(status__in=unfinished).filter(
        Q(heartbeat_at__lt=limit) | Q(Exists(dead_part), status__in=unfinished[:2])
    )


def packets_requeue_stalled(*, packet_ids: list[int] | None = None) -> list[int]:
    """Queue again what a dead worker left of unfinished packets (_stalled_packets): the parts it
    was rendering (every unfinished part when the whole packet is silent), or the assembly. Each
    packet is re-checked under its row lock and its heartbeat reset, so racing callers queue it
    once. Returns the packet ids."""
    now = timezone.now()
    stalled = _stalled_packets(now)
    if packet_ids is not None:
        stalled = stalled.filter(pk__in=packet_ids)
    requeued = []
    for packet_id in stalled.values_list("pk", flat=True):
        with transaction.atomic():
            packet = _stalled_packets(now).select_for_update().filter(pk=packet_id).first()
            if packet is None:
                continue
            silent = packet.heartbeat_at < now - STALL_AFTER
            Packet.objects.filter(pk=packet_id).update(heartbeat_at=now)
            requeued.append(packet_id)
            if packet.status == Packet.Status.ASSEMBLING:
                transaction.on_commit(lambda pk=packet_id: _enqueue(PACKET_ASSEMBLE_TASK, pk, pk))
                continue
            dead = packet.parts.filter(status=PacketPart.Status.RUNNING)
            if not silent:
                dead = dead.filter(heartbeat_at__lt=now - STALL_AFTER)
            dead_ids = list(dead.values_list("pk", flat=True))
            PacketPart.objects.filter(pk__in=dead_ids).update(
                status=PacketPart.Status.QUEUED, heartbeat_at=now
            )
            _enqueue_parts_on_commit(packet_id, [None] if silent else dead_ids)
    if requeued:
        logger.warning("re-queued stalled packets %s", requeued)
    return requeued


def packet_requeue_if_stalled(*, packet: Packet) -> Packet:
    """The packet as it is now, queued again first if its worker is gone (a user polling it)."""
    if not packet.is_finished and packets_requeue_stalled(packet_ids=[packet.pk]):
        packet.refresh_from_db()
    return packet


def bureau_rank_list_save(*, user, rank_list: str) -> Bureau:
    """Save the bureau's 班子成员排序 (admins only): one name or post per line."""
    membership = member_selectors.membership_for(user)
    if membership is None or membership.role != membership.Role.ADMIN:
        raise Forbidden("只有管理员可以修改班子成员排序。")
    lines = [line.strip() for line in str(rank_list).splitlines() if line.strip()]
    if len(lines) > 100 or any(len(line) > 50 for line in lines):
        raise InvalidInput("排序名单最多100行，每行不超过50个字。")
    bureau = membership.bureau
    bureau.rank_list = "\n".join(lines)
    bureau.save(update_fields=["rank_list"])
    audit(
        bureau_id=bureau.pk,
        actor=user,
        action="packet_rank",
        summary=f"修改班子成员排序（{len(lines)}行）",
    )
    return bureau
