"""Meeting packets (材料汇编): choose and order approved reports, build, watch, download."""

from __future__ import annotations

import datetime
import io

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..errors import DomainError, Forbidden
from ..models import Packet
from ..permissions import can_build_packet, is_admin
from ..selectors import members as member_selectors
from ..selectors import packets as packet_selectors
from ..services import packets as packet_services
from ..services import previews as preview_services
from .common import domain_error_response, login_required, parse_int, redirect_to

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "zip": "application/zip",
}


def _membership(request: HttpRequest):
    membership = member_selectors.membership_for(request.user)
    if not can_build_packet(membership):
        raise Forbidden("只有管理员和审核领导可以使用材料汇编。")
    return membership


def _packet(request: HttpRequest, pk: int) -> Packet:
    packet = packet_selectors.packet_for_user(membership=member_selectors.membership_for(request.user), pk=pk)
    if packet is None:
        raise Http404("材料汇编不存在或无权查看。")
    return packet


@require_GET
@login_required
def packet_list(request: HttpRequest) -> HttpResponse:
    try:
        membership = _membership(request)
    except Forbidden as error:
        return domain_error_response(request, error)
    packets = packet_selectors.packets_for(membership=membership)
    return render(request, "reports/packet_list.html", {"packets": packets})


def _ordered(ids: list[int], move: str) -> list[int]:
    """`ids` with one moved up or down (move = "up:ID" or "down:ID"), the form's fallback without
    JavaScript (with it, the buttons move the rows in the page)."""
    direction, _, target = move.partition(":")
    pk = parse_int(target)
    if pk not in ids:
        return ids
    k = ids.index(pk)
    j = k - 1 if direction == "up" else k + 1
    if 0 <= j < len(ids):
        ids[k], ids[j] = ids[j], ids[k]
    return ids


def _form_state(request: HttpRequest) -> dict:
    data = request.POST
    return {
        "meeting": data.get("meeting", "").strip(),
        "date": data.get("date", ""),
        "masked": data.get("masked") == "1",
        "format": data.get("format", "docx"),
        "double_sided": data.get("double_sided") == "on",
        "checked": {parse_int(v) for v in data.getlist("report")},
    }


@require_http_methods(["GET", "POST"])
@login_required
def packet_new(request: HttpRequest) -> HttpResponse:
    """GET: the approved reports of a year (and kind), in the bureau's order, all ticked. POST: build
    the ticked ones in the order shown; a move button (no JavaScript) re-renders the order."""
    try:
        membership = _membership(request)
    except Forbidden as error:
        return domain_error_response(request, error)
    source = request.POST if request.method == "POST" else request.GET
    candidates = packet_selectors.packet_candidates(
        membership=membership, year=parse_int(source.get("year")), kind_id=parse_int(source.get("kind"))
    )
    reports = candidates.reports
    state = {
        "meeting": "",
        "date": timezone.localdate().isoformat(),
        "masked": False,
        "format": "docx",
        "double_sided": False,
        "checked": {r.pk for r in reports},
    }
    error, status = "", 200
    if request.method == "POST":
        state = _form_state(request)
        by_id = {r.pk: r for r in reports}
        order = [pk for pk in (parse_int(v) for v in request.POST.getlist("order")) if pk in by_id]
        order += [pk for pk in by_id if pk not in order]
        if request.POST.get("move"):
            order = _ordered(order, request.POST["move"])
        reports = [by_id[pk] for pk in order]
        if not request.POST.get("move"):
            try:
                date = datetime.date.fromisoformat(state["date"]) if state["date"] else None
            except ValueError:
                date = None
            try:
                packet = packet_services.packet_request(
                    user=request.user,
                    report_ids=[pk for pk in order if pk in state["checked"]],
                    meeting=state["meeting"],
                    date=date,
                    masked=state["masked"],
                    format=state["format"],
                    double_sided=state["double_sided"],
                )
            except DomainError as refused:
                if request.htmx:
                    return domain_error_response(request, refused)
                error, status = str(refused), refused.status_code
            else:
                return redirect_to(request, reverse("packet_detail", args=[packet.pk]))
    context = {
        "candidates": candidates,
        "reports": reports,
        "state": state,
        "formats": Packet.Format.choices,
        "error": error,
        "can_rank": is_admin(membership),
        "rank_list": membership.bureau.rank_list,
    }
    return render(request, "reports/packet_new.html", context, status=status)


@require_POST
@login_required
def packet_rank_save(request: HttpRequest) -> HttpResponse:
    """Save the bureau's 班子成员排序 (admins), back to the new-packet page, which now follows it."""
    try:
        packet_services.bureau_rank_list_save(user=request.user, rank_list=request.POST.get("rank_list", ""))
    except DomainError as error:
        return domain_error_response(request, error)
    year = parse_int(request.POST.get("year"))
    return redirect_to(request, reverse("packet_new") + (f"?year={year}" if year > 0 else ""))


def _status_panel(request: HttpRequest, packet: Packet, status: int = 200) -> HttpResponse:
    context = {"packet": packet, "progress": packet_selectors.packet_progress(packet)}
    return render(request, "reports/_packet_status.html", context, status=status)


@require_GET
@login_required
def packet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    packet = packet_services.packet_requeue_if_stalled(packet=_packet(request, pk))
    context = {"packet": packet, "progress": packet_selectors.packet_progress(packet)}
    return render(request, "reports/packet_detail.html", context)


@require_GET
@login_required
def packet_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The self-polling progress panel; a packet whose worker is gone is queued again first."""
    return _status_panel(request, packet_services.packet_requeue_if_stalled(packet=_packet(request, pk)))


@require_POST
@login_required
def packet_retry(request: HttpRequest, pk: int) -> HttpResponse:
    packet = _packet(request, pk)
    try:
        packet = packet_services.packet_retry(packet=packet, user=request.user)
    except DomainError as error:
        return domain_error_response(request, error)
    if not request.htmx:
        return redirect_to(request, reverse("packet_detail", args=[packet.pk]))
    return _status_panel(request, packet)


@require_GET
@login_required
def packet_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The packet's PDF preview (page images made by the workers, cached by content)."""
    packet = _packet(request, pk)
    try:
        preview = preview_services.packet_preview_request(packet=packet, user=request.user)
    except DomainError as error:
        return domain_error_response(request, error)
    return redirect_to(request, reverse("preview_detail", args=[preview.pk]))


@require_GET
@login_required
def packet_download(request: HttpRequest, pk: int) -> HttpResponse:
    packet = _packet(request, pk)
    content = packet_selectors.packet_content(packet=packet)
    if content is None:
        return _status_panel(request, packet, status=409)
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=packet.file_name,
        content_type=CONTENT_TYPES[packet.format],
    )
