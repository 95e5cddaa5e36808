"""Thin views: fetch and authorise through selectors, call one service, render a template or partial."""

from __future__ import annotations

import io
import json

from django.contrib import messages
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from .. import permissions
from ..core.document import layout_paragraphs
from ..core.outline import section_stats
from ..errors import (
    BlockConflict,
    DomainError,
    ExportNeedsConfirmation,
    Forbidden,
    InvalidInput,
    ReportFieldsConflict,
)
from ..forms import ReportCreateForm, ReportFilterForm
from ..models import Export
from ..selectors import exports as export_selectors
from ..selectors import members as member_selectors
from ..selectors import metrics as metric_selectors
from ..selectors import reports as report_selectors
from ..selectors import review as review_selectors
from ..services import exports as export_services
from ..services import reports as report_services
from .common import login_required, parse_int


def _editor_context(report, user) -> dict:
    membership = member_selectors.membership_for(user)
    tree = report_selectors.report_tree(report)
    metrics = metric_selectors.metric_values_for_report(report)
    report_selectors.annotate_previews(tree, metrics)
    comments = review_selectors.report_comments(report)
    open_by_block = review_selectors.comments_by_block([c for c in comments if not c.resolved])
    report_selectors.annotate_access(tree, membership, report, open_by_block)
    stats = section_stats(tree)
    return {
        "report": report,
        "tree": tree,
        "stats": stats,
        "total_chars": report_selectors.report_body_chars(report, tree),
        "check": report_selectors.report_check(report, tree, metrics),
        "export": export_selectors.export_latest(report=report),
        "membership": membership,
        "can_edit_report": permissions.can_edit_report(membership, report),
        "can_submit": permissions.can_submit(membership, report),
        "can_review": permissions.can_review(membership, report),
        "report_comments": open_by_block.get(None, []),
        "departments": report.bureau.departments.all()
        if permissions.can_edit_report(membership, report)
        else [],
    }


def _domain_error_status(error: DomainError) -> int:
    return 403 if isinstance(error, Forbidden) else 422


@require_GET
@login_required
@vary_on_headers("HX-Request")
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports the user may open, searched and filtered by the query string (bookmarkable);
    an htmx request gets the results partial only."""
    membership = member_selectors.membership_for(request.user)
    form = ReportFilterForm(request.GET, bureau=membership.bureau if membership else None)
    reports = report_selectors.report_search(user=request.user, **form.filters())
    context = {
        "form": form,
        "rows": [(r, permissions.can_delete_report(membership, r)) for r in reports],
        "membership": membership,
        "trash_count": report_selectors.trash_for_user(user=request.user).count(),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "reports/report_list.html#report-results" if partial else "reports/report_list.html"
    return render(request, template, context)


_DONE = {"deleted": "《{}》已移入回收站。", "restored": "《{}》已恢复。", "purged": "《{}》已彻底删除。"}


def _row_response(
    request: HttpRequest, report, *, done: str = "", error: DomainError | None = None, to: str = "report_list"
) -> HttpResponse:
    """Answer a 回收站 action on one report (`done` is a key of _DONE). htmx gets the report's table
    row: a notice (with 撤销 after a delete), or on error the row itself with the error beside its
    buttons, so the swap target always survives. A plain form post goes back to the page `to`."""
    message = str(error) if error else _DONE[done].format(report.title)
    if not request.htmx:
        (messages.error if error else messages.success)(request, message)
        return redirect(to)
    if error:
        membership = member_selectors.membership_for(request.user)
        if report.deleted_at:
            template = "reports/report_trash.html#trash-row"
            can = permissions.can_purge_report(membership, report)
        else:
            template = "reports/report_list.html#report-row"
            can = permissions.can_delete_report(membership, report)
        context = {"report": report, "can": can, "error": message}
        return render(request, template, context, status=_domain_error_status(error))
    context = {"report": report, "message": message, "done": done}
    return render(request, "reports/report_trash.html#notice-row", context)


@require_POST
@login_required
def report_delete(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    try:
        report_services.report_delete(report=report, user=request.user)
    except DomainError as error:
        report.refresh_from_db()
        return _row_response(request, report, error=error)
    return _row_response(request, report, done="deleted")


@require_GET
@login_required
def report_trash(request: HttpRequest) -> HttpResponse:
    membership = member_selectors.membership_for(request.user)
    reports = report_selectors.trash_for_user(user=request.user)
    rows = [(r, permissions.can_purge_report(membership, r)) for r in reports]
    return render(request, "reports/report_trash.html", {"rows": rows, "membership": membership})


@require_POST
@login_required
def report_restore(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_selectors.trashed_report_get_for_user(user=request.user, pk=pk)
    try:
        report_services.report_restore(report=report, user=request.user)
    except DomainError as error:
        return _row_response(request, report, error=error, to="report_trash")
    return _row_response(request, report, done="restored", to="report_trash")


@require_POST
@login_required
def report_purge(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_selectors.trashed_report_get_for_user(user=request.user, pk=pk)
    try:
        if request.POST.get("confirm") != "on":
            raise InvalidInput("请先勾选“确认彻底删除”：彻底删除后无法恢复。")
        report_services.report_purge(report=report, user=request.user)
    except DomainError as error:
        return _row_response(request, report, error=error, to="report_trash")
    return _row_response(request, report, done="purged", to="report_trash")


@login_required
def report_create(request: HttpRequest) -> HttpResponse:
    membership = member_selectors.membership_for(request.user)
    bureau = membership.bureau if membership else None
    form = ReportCreateForm(request.POST or None, bureau=bureau)
    if request.method == "POST" and form.is_valid():
        try:
            report = report_services.report_create(user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            return redirect("report_edit", pk=report.pk)
    template = "reports/report_create.html#create-form" if request.htmx else "reports/report_create.html"
    return render(request, template, {"form": form})


@require_GET
@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    template = "reports/report_edit.html#document" if request.htmx else "reports/report_edit.html"
    return render(request, template, _editor_context(report, request.user))


@require_GET
@login_required
def report_outline(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    return render(request, "reports/report_edit.html#outline", _editor_context(report, request.user))


def _save_state(request: HttpRequest, *, version: int, status: int = 200, **context) -> HttpResponse:
    """The save-state fragment every autosaving form targets (blocks and the report's fields)."""
    return render(request, "reports/_save_state.html", {"version": version, **context}, status=status)


def _conflict(
    request: HttpRequest, error: DomainError, *, mine: int, theirs: int, fields: list
) -> HttpResponse:
    """409 with the stored values (`fields`: (name, label, value)) for 保留我的版本 / 采用对方版本."""
    context = {
        "error": str(error),
        "conflict": True,
        "mine_version": mine,
        "their_version": theirs,
        "their_fields": fields,
        # JSON in an attribute: htmx (allowScriptTags off, for the CSP) drops <script> from swaps.
        "their_json": json.dumps({name: value for name, _label, value in fields}, ensure_ascii=False),
    }
    return _save_state(request, version=mine, status=409, **context)


@require_POST
@login_required
def report_fields_save(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    part = request.POST.get("part", "")
    version = parse_int(request.POST.get("version", ""))
    names = report_services.REPORT_FIELD_PARTS.get(part, ())
    data = {name: request.POST[name] for name in names if name in request.POST}
    try:
        report = report_services.report_update_fields(
            report=report, part=part, version=version, data=data, user=request.user
        )
    except ReportFieldsConflict as conflict:
        current = conflict.current
        fields = [(n, current._meta.get_field(n).verbose_name, getattr(current, n)) for n in names]
        theirs = getattr(current, f"{part}_version")
        return _conflict(request, conflict, mine=version, theirs=theirs, fields=fields)
    except DomainError as error:
        return _save_state(request, version=version, error=str(error), status=_domain_error_status(error))
    response = _save_state(request, version=getattr(report, f"{part}_version"), saved=True)
    return trigger_client_event(response, "report-changed")


def _export_options(data) -> dict[str, bool]:
    """The masking options of the export form (POST) or of the print preview (GET)."""
    return {
        "masked": data.get("masked") == "1",
        "mask_years": data.get("mask_years") == "on",
        "metrics_only": data.get("metrics_only") == "on",
    }


@require_GET
@login_required
def report_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The report exactly as its Word file (exact, or masked with ?masked=1 and the export options)
    will say it: the same snapshot and the same resolving as the export."""
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    options = _export_options(request.GET)
    resolved, file_name = export_services.report_preview_snapshot(report=report, **options)
    context = {
        "report": report,
        "paragraphs": layout_paragraphs(resolved),
        "file_name": file_name,
        "options": options,
    }
    return render(request, "reports/report_preview.html", context)


def _document_response(
    request: HttpRequest, report, error: DomainError | str | None = None, near: int | None = None
) -> HttpResponse:
    """The re-rendered document; an error is shown next to the block it concerns (`near`)."""
    context = _editor_context(report, request.user) | {"error": str(error or ""), "error_block": near}
    status = 200 if not error else _domain_error_status(error) if isinstance(error, DomainError) else 422
    response = render(request, "reports/report_edit.html#document", context, status=status)
    return trigger_client_event(response, "report-changed")


@require_POST
@login_required
def block_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    parent = after = None
    if request.POST.get("parent"):
        parent = report_selectors.block_get_for_user(user=request.user, pk=parse_int(request.POST["parent"]))
    if request.POST.get("after"):
        after = report_selectors.block_get_for_user(user=request.user, pk=parse_int(request.POST["after"]))
    if any(b is not None and b.report_id != report.pk for b in (parent, after)):
        return _document_response(request, report, "位置无效，请刷新页面。")
    try:
        report_services.block_add(
            report=report, type=request.POST.get("type", ""), parent=parent, after=after, user=request.user
        )
    except DomainError as error:
        near = (after or parent).pk if (after or parent) else None
        return _document_response(request, report, error, near=near)
    return _document_response(request, report)


@require_POST
@login_required
def block_save(request: HttpRequest, pk: int) -> HttpResponse:
    block = report_selectors.block_get_for_user(user=request.user, pk=pk)
    version = parse_int(request.POST.get("version", ""))
    data = {
        "title": request.POST.get("title", block.title),
        "text": request.POST.get("text", block.text),
        "run_in": request.POST.get("run_in") == "on",
        "inline": request.POST.get("inline") == "on",
    }
    try:
        block = report_services.block_save(block=block, version=version, data=data, user=request.user)
    except BlockConflict as conflict:
        current = conflict.current
        fields = [("title", "标题", current.title), ("text", "正文", current.text)]
        return _conflict(request, conflict, mine=version, theirs=current.version, fields=fields)
    except DomainError as error:
        return _save_state(
            request, version=block.version, error=str(error), status=_domain_error_status(error)
        )
    preview = report_selectors.block_preview(block, metric_selectors.metric_values_for_report(block.report))
    context = {"block": block, "version": block.version, "saved": True, "segments": preview, "oob": True}
    response = render(request, "reports/_block_saved.html", context)
    return trigger_client_event(response, "report-changed")


@require_POST
@login_required
def block_delete(request: HttpRequest, pk: int) -> HttpResponse:
    block = report_selectors.block_get_for_user(user=request.user, pk=pk)
    report = block.report
    try:
        report_services.block_delete(block=block, user=request.user)
    except DomainError as error:
        return _document_response(request, report, error, near=block.pk)
    return _document_response(request, report)


@require_POST
@login_required
def block_move(request: HttpRequest, pk: int) -> HttpResponse:
    block = report_selectors.block_get_for_user(user=request.user, pk=pk)
    try:
        report_services.block_move(
            block=block, direction=request.POST.get("direction", ""), user=request.user
        )
    except DomainError as error:
        return _document_response(request, block.report, error, near=block.pk)
    return _document_response(request, block.report)


@require_POST
@login_required
def export_create(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    options = _export_options(request.POST)
    try:
        export = export_services.export_request(
            report=report, user=request.user, confirmed=request.POST.get("confirmed") == "1", **options
        )
    except ExportNeedsConfirmation as warning:
        context = {
            "report": report,
            "problems": warning.problems,
            "options": options,
            "export": export_selectors.export_latest(report=report),
        }
        return render(request, "reports/_export_status.html#export-confirm", context)
    if not request.htmx:
        return HttpResponseRedirect(reverse("report_edit", args=[report.pk]))
    export.refresh_from_db(fields=["status", "progress", "error"])
    return render(request, "reports/_export_status.html", {"export": export, "report": report})


@require_GET
@login_required
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The self-polling export panel; an export whose worker is gone is queued again first."""
    export = export_selectors.export_get_for_user(user=request.user, pk=pk)
    export = export_services.export_requeue_if_stalled(export=export)
    return render(request, "reports/_export_status.html", {"export": export, "report": export.report})


@require_POST
@login_required
def export_retry(request: HttpRequest, pk: int) -> HttpResponse:
    export = export_selectors.export_get_for_user(user=request.user, pk=pk)
    try:
        new = export_services.export_retry(export=export, user=request.user)
    except DomainError as error:
        context = {"export": export, "report": export.report, "error": str(error)}
        return render(request, "reports/_export_status.html", context, status=409)
    new.refresh_from_db(fields=["status", "progress", "error"])
    return render(request, "reports/_export_status.html", {"export": new, "report": export.report})


@require_GET
@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = export_selectors.export_get_for_user(user=request.user, pk=pk)
    if export.status != Export.Status.DONE:
        return render(
            request, "reports/_export_status.html", {"export": export, "report": export.report}, status=409
        )
    content = Export.objects.values_list("content", flat=True).get(pk=export.pk)
    return FileResponse(
        io.BytesIO(bytes(content)),
        as_attachment=True,
        filename=export.file_name,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
