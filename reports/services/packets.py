"""Meeting packets (会议材料汇编): several reports' approved revisions as one booklet or a zip."""

from __future__ import annotations

import datetime
import io
import logging
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from ..core.docx_render import render_docx
from ..core.filenames import masked_file_name, report_file_name
from ..core.leakscan import scan_docx
from ..core.masking import mask_numbers, mask_terms
from ..core.packet import PacketOptions, packet_secrets, packet_with_page_numbers, render_packet
from ..core.pdf import PdfConversionError, docx_to_pdf
from ..errors import InvalidInput, LeakFound
from ..models import Report
from ..selectors import reports as report_selectors
from .exports import export_options, export_resolve

__all__ = ["PACKET_FORMATS", "PacketPart", "packet_parts", "packet_render"]

logger = logging.getLogger(__name__)

PACKET_FORMATS = ("docx", "pdf", "zip")


@dataclass(frozen=True)
class PacketPart:
    """One report of a packet, resolved (exact or masked) as its single export would be."""

    report: Report
    snapshot: dict[str, Any]
    file_name: str
    secrets: frozenset[str]
    options: dict[str, Any]


def packet_parts(*, reports: Sequence[Report], masked: bool, drafts: bool = False) -> list[PacketPart]:
    """Each report's approved revision (or live content with drafts=True), resolved in order.

    Raises WrongState naming the first report without an approved revision (unless drafts),
    InvalidInput for no reports or reports of several bureaus.
    """
    if not reports:
        raise InvalidInput("请至少选择一份报告。")
    if len({r.bureau_id for r in reports}) > 1:
        raise InvalidInput("材料汇编只能包含同一财政局的报告。")
    parts = []
    for report in reports:
        snapshot = report_selectors.report_packet_snapshot(report, drafts=drafts)
        options = export_options(report=report, masked=masked)
        resolved, check = export_resolve(snapshot, masked=masked, options=options)
        name = report_selectors.report_file_name(report)
        parts.append(
            PacketPart(
                report=report,
                snapshot=resolved,
                file_name=masked_file_name(name, options) if masked else name,
                secrets=frozenset(check.secrets) if masked else frozenset(),
                options=options,
            )
        )
    return parts


def _cover_text(text: str, parts: Sequence[PacketPart], masked: bool) -> str:
    """Cover text, masked in a masked packet as the parts are (every digit but the parts' kept
    years, sensitive terms): the leak scan covers the cover too."""
    if not masked:
        return text
    keep = {year for part in parts for year in part.options.get("keep_years", [])}
    terms = {term for part in parts for term in part.options.get("sensitive_terms", [])}
    return mask_terms(mask_numbers(text, keep), terms)


def _scan(content: bytes, secrets: frozenset[str], file_name: str) -> None:
    leaks = scan_docx(content, secrets, file_name)
    if leaks:
        raise LeakFound(leaks)


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, suffix = name.rpartition(".")
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}（{n}）{dot}{suffix}"
    taken.add(candidate)
    return candidate


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
    """Render a packet now (command line): (file name, bytes) of a .docx, a .pdf or a .zip of one
    .docx per report named as its single export.

    The 目录's page numbers are measured with LibreOffice; when it is missing or fails, a .docx
    gets estimated numbers (reports.core.packet) and a PDF fails (PdfConversionError). A masked packet is
    scanned for every part's secrets (LeakFound). Raises what packet_parts raises.
    """
    if format not in PACKET_FORMATS:
        raise InvalidInput(f"不支持的格式：{format}")
    meeting = meeting.strip()
    if not meeting:
        raise InvalidInput("请填写会议名称。")
    parts = packet_parts(reports=reports, masked=masked, drafts=drafts)
    secrets = frozenset(
        packet_secrets([p.secrets for p in parts], [p.options.get("keep_years", []) for p in parts])
    )
    if format == "zip":
        buf, taken = io.BytesIO(), set()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in parts:
                content = render_docx(part.snapshot, settings.DOCX_LAYOUT)
                if masked:
                    _scan(content, part.secrets, part.file_name)
                archive.writestr(_unique(part.file_name, taken), content)
        name = report_file_name(_cover_text(meeting, parts, masked) + "材料汇编", "")
        return name.removesuffix(".docx") + ".zip", buf.getvalue()

    options = PacketOptions(
        meeting=_cover_text(meeting, parts, masked),
        bureau=_cover_text(reports[0].bureau.name, parts, masked),
        date=_cover_text(f"{date.year}年{date.month}月{date.day}日", parts, masked),
        double_sided=double_sided,
        draft=drafts,
        render=settings.DOCX_LAYOUT,
    )
    snapshots = [part.snapshot for part in parts]
    name = report_file_name(options.meeting + "材料汇编", "征求意见稿" if drafts else "")
    if masked:
        name = name.removesuffix(".docx") + "（脱敏稿）.docx"
    if format == "pdf":
        content, pdf = packet_with_page_numbers(snapshots, options, docx_to_pdf)
    else:
        try:
            content, _pdf = packet_with_page_numbers(snapshots, options, docx_to_pdf)
        except (PdfConversionError, ValueError):
            # No LibreOffice, or a render where a report's first page was not found: the 目录
            # keeps estimated numbers, which Word replaces when it updates the field on open.
            logger.warning("packet page numbers estimated: LibreOffice render unavailable", exc_info=True)
            content = render_packet(snapshots, options)
    if masked:
        _scan(content, secrets, name)
    if format == "pdf":
        return name.removesuffix(".docx") + ".pdf", pdf
    return name, content
