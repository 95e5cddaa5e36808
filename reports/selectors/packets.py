"""Meeting packets (材料汇编): the approved reports a member may put in one, in the bureau's order,
the bureau's packets, and a packet's progress."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from ..core.packet import rank_lines, rank_position
from ..errors import InvalidInput
from ..models import Membership, Packet, PacketPart, Report, ReportKind
from ..permissions import can_build_packet, visible_reports_q

__all__ = [
    "PacketCandidates",
    "packet_candidates",
    "packet_content",
    "packet_for_user",
    "packet_progress",
    "packet_reports_for",
    "packets_for",
]


@dataclass(frozen=True)
class PacketCandidates:
    """Approved reports to choose from, in the default order, with the filters that found them."""

    reports: list[Report]
    years: list[int]
    kinds: list[ReportKind]
    year: int | None
    kind_id: int | None


def _approved(membership: Membership):
    return (
        Report.objects.filter(visible_reports_q(membership), approved_revision__isnull=False)
        .select_related("kind", "department", "bureau")
        .order_by()
    )


def _default_order(reports: Sequence[Report], rank_list: str) -> list[Report]:
    """The bureau's 班子成员排序 first (a report whose 主体 names a listed member or post), then by
    department and title."""
    lines = rank_lines(rank_list)
    return sorted(
        reports,
        key=lambda r: (
            rank_position(r.subject or r.title, lines),
            r.department.name if r.department else "",
            r.title,
            r.pk,
        ),
    )


def packet_candidates(*, membership: Membership, year: int | None, kind_id: int | None) -> PacketCandidates:
    """The approved reports the member may open, of one year (default: the one with the most, the
    latest of equals) and optionally one kind, in the default order (rank list, department, title)."""
    approved = _approved(membership)
    counts = Counter(approved.values_list("year", flat=True))
    years = sorted(counts, reverse=True)
    if year not in years:  # the year with the most approved reports (a meeting reviews one year)
        year = max(years, key=lambda y: (counts[y], y)) if years else None
    kinds = list(ReportKind.objects.filter(reports__in=approved.filter(year=year)).distinct().order_by("pk"))
    if kind_id not in {k.pk for k in kinds}:
        kind_id = None
    chosen = approved.filter(year=year)
    if kind_id:
        chosen = chosen.filter(kind_id=kind_id)
    return PacketCandidates(
        reports=_default_order(list(chosen), membership.bureau.rank_list),
        years=years,
        kinds=kinds,
        year=year,
        kind_id=kind_id,
    )


def packet_reports_for(*, membership: Membership, report_ids: Sequence[int]) -> list[Report]:
    """The reports of `report_ids`, in that order, each one the member may open (approved or not:
    the packet service refuses one without an approved revision, naming it). Raises InvalidInput
    for an id the member may not open."""
    found = {
        r.pk: r
        for r in Report.objects.filter(visible_reports_q(membership), pk__in=list(report_ids)).select_related(
            "kind", "bureau", "approved_revision", "department"
        )
    }
    missing = [pk for pk in report_ids if pk not in found]
    if missing:
        raise InvalidInput("所选报告中有不存在或无权查看的报告，请刷新页面后重新选择。")
    return [found[pk] for pk in report_ids]


def _visible_packets(membership: Membership):
    """The bureau's packets every report of which the member may open (admins and leaders): a
    packet shows its reports' titles and content, so a leader sees only packets of reports they
    could open one by one; a report moved to the 回收站 hides its packets."""
    hidden_part = PacketPart.objects.filter(packet=OuterRef("pk")).exclude(
        report__in=Report.objects.filter(visible_reports_q(membership))
    )
    return Packet.objects.filter(bureau_id=membership.bureau_id).exclude(Exists(hidden_part))


def packets_for(*, membership: Membership | None, limit: int = 50) -> list[Packet]:
    """The packets the member may see, newest first, with their part counts (admins and leaders)."""
    if not can_build_packet(membership):
        return []
    return list(
        _visible_packets(membership)
        .defer("content", "docx")
        .select_related("created_by")
        .annotate(
            total=Count("parts"),
            done=Count("parts", filter=Q(parts__status=PacketPart.Status.DONE)),
        )[:limit]
    )


def packet_for_user(*, membership: Membership | None, pk: int) -> Packet | None:
    """The packet if the member may see it (_visible_packets), else None."""
    if not can_build_packet(membership):
        return None
    return _visible_packets(membership).filter(pk=pk).defer("content", "docx").first()


def packet_progress(packet: Packet) -> dict[str, Any]:
    """n/N parts done, a percentage (parts up to 90 %, the assembly the rest), and the parts."""
    parts = list(packet.parts.order_by("position").only("position", "title", "status", "error", "page_count"))
    done = sum(p.status == PacketPart.Status.DONE for p in parts)
    total = len(parts)
    percent = int(90 * done / total) if total else 0
    if packet.status == Packet.Status.DONE:
        percent = 100
    return {"parts": parts, "done": done, "total": total, "percent": percent}


def packet_content(*, packet: Packet) -> bytes | None:
    """The finished file's bytes (loaded only for a download), None until the packet is done."""
    content = (
        Packet.objects.filter(pk=packet.pk, status=Packet.Status.DONE)
        .values_list("content", flat=True)
        .first()
    )
    return bytes(content) if content is not None else None
