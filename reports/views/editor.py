"""The drafting editor and its exports. Thin views: fetch and authorise through selectors, call one
service, render a template or partial."""

from __future__ import annotations

import io
import json

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from ..core.document import layout_paragraphs
from ..core.docx_render import DOCX_CONTENT_TYPE
from ..core.outline import own_chars
from ..core.text import count_chars
from ..errors import (
    BlockConflict,
    DomainError,
    ExportNeedsConfirmation,
    ReportFieldsConflict,
)
from ..models import Export
from ..selectors import editor as editor_selectors
from ..selectors import exports as export_selectors
from ..selectors import metrics as metric_selectors
from ..selectors import proofread as proofread_selectors
from ..selectors import reports as report_selectors
from ..selectors import suggestions as suggestion_selectors
from ..services import exports as export_services
from ..services import reports as report_services
from ..services import suggestions as suggestion_services
from .common import login_required, parse_int


@require_GET
@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    template = "reports/report_edit.html#document" if request.htmx else "reports/report_edit.html"
    return render(request, template, editor_selectors.editor_context(report=report, user=request.user))


@require_GET
@login_required
def report_outline(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    context = editor_selectors.outline_context(report=report, user=request.user)
    return render(request, "reports/report_edit.html#outline-list", context)


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
        return _save_state(request, version=version, error=str(error), status=error.status_code)
    metrics = metric_selectors.metric_values_for_report(report)
    findings = proofread_selectors.fields_findings(report=report, part=part, metrics=metrics)
    chars = count_chars(report.opening if part == "head" else report.closing)
    context = {
        "version": getattr(report, f"{part}_version"),
        "saved": True,
        "report": report,
        "part": part,
        "findings": findings,
        "editable": True,
        "oob": True,
        **editor_selectors.check_updates(
            [
                editor_selectors.CheckUpdate(
                    editor_selectors.fields_check(report=report, metrics=metrics),
                    "report-fields" if part == "head" else "report-tail",
                    chars if part in ("head", "tail") else 0,
                )
            ]
        ),
    }
    return render(request, "reports/_fields_saved.html", context)


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
    request: HttpRequest,
    report,
    error: DomainError | str | None = None,
    near: int | None = None,
    note: str = "",
) -> HttpResponse:
    """The re-rendered document and check panel (全部采纳 changes any number of blocks); an error is
    shown next to the block it concerns (`near`), a `note` (what 全部采纳 did) above the blocks."""
    context = editor_selectors.editor_context(report=report, user=request.user) | {
        "error": str(error or ""),
        "error_block": near,
        "note": note,
    }
    status = 200 if not error else error.status_code if isinstance(error, DomainError) else 422
    response = render(request, "reports/_document_changed.html", context, status=status)
    return trigger_client_event(response, "report-changed")


def _block_changed(request: HttpRequest, suggestion) -> HttpResponse:
    """After 采纳 / 不采纳: the block's form, findings, suggestions, the suggestion bar and its check
    items, out of band (reports/_block_changed.html); the document itself is not swapped."""
    block = report_selectors.block_get_for_user(user=request.user, pk=suggestion.block_id)
    metrics = metric_selectors.metric_values_for_report(block.report)
    context = editor_selectors.block_changed_context(block=block, user=request.user, metrics=metrics)
    response = render(request, "reports/_block_changed.html", context | {"decided": suggestion.pk})
    response["HX-Reswap"] = "none"
    return response


@require_POST
@login_required
def suggestion_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """采纳 a leader's suggestion: the block takes it through the normal save; the answer brings
    that block's new state (a stale one is refused, its message next to its block)."""
    suggestion = suggestion_selectors.suggestion_get_for_user(user=request.user, pk=pk)
    try:
        suggestion_services.suggestion_accept(
            suggestion=suggestion, user=request.user, version=parse_int(request.POST.get("version"))
        )
    except DomainError as error:
        return structure_error(request, error, suggestion.block_id)
    return _block_changed(request, suggestion)


@require_POST
@login_required
def suggestion_reject(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = suggestion_selectors.suggestion_get_for_user(user=request.user, pk=pk)
    try:
        suggestion_services.suggestion_reject(suggestion=suggestion, user=request.user)
    except DomainError as error:
        return structure_error(request, error, suggestion.block_id)
    return _block_changed(request, suggestion)


@require_POST
@login_required
def suggestions_accept_all(request: HttpRequest, pk: int) -> HttpResponse:
    """全部采纳, or all of one leader's (`author`, a user id; `author_name` for an author who is not a
    user, imported from a Word file): stale ones are skipped and counted."""
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    author = None
    if request.POST.get("author"):
        author = suggestion_selectors.suggestion_author(report=report, pk=parse_int(request.POST["author"]))
    try:
        applied, skipped = suggestion_services.suggestions_accept_all(
            report=report, user=request.user, author=author, author_name=request.POST.get("author_name", "")
        )
    except DomainError as error:
        return _document_response(request, report, error)
    note = (
        f"已采纳{applied}条修改建议" + (f"，{skipped}条因该段已修改而过期，未采纳" if skipped else "") + "。"
    )
    return _document_response(request, report, note=note)


def structure_error(request: HttpRequest, error: DomainError | str, near: int | None) -> HttpResponse:
    """A refused add, move or delete: the message next to the block it concerns (or atop the
    document); nothing else on the page changes."""
    status = error.status_code if isinstance(error, DomainError) else 422
    html = f'<p class="error inline-error" role="alert">{escape(str(error))}</p>'
    response = HttpResponse(html, status=status)
    response["HX-Retarget"] = f"#block-{near}" if near else "#document"
    response["HX-Reswap"] = "beforeend" if near else "afterbegin"
    return response


def structure_response(
    request: HttpRequest,
    report,
    before: dict[int, str],
    *,
    block_id: int | None = None,
    placement: str = "",
    placed: bool = False,
    metrics=None,
    **extra,
) -> HttpResponse:
    """What an add, move or delete changed, not the document (reports/_structure_changed.html):
    `placement` puts block `block_id`'s node there (an added block); `placed` tells the page where
    the existing block went instead (event block-placed: its parent and next sibling)."""
    context = editor_selectors.structure_context(
        report=report, user=request.user, before=before, block_id=block_id, metrics=metrics
    )
    response = render(request, "reports/_structure_changed.html", context | {"placement": placement, **extra})
    response["HX-Reswap"] = "none"  # all of it is out of band, whatever the button targets
    if placed and context.get("node") is not None:
        parent, following = context["parent"], context["following"]
        detail = {
            "id": block_id,
            "parent": parent.block.pk if parent else None,
            "before": following.block.pk if following else None,
        }
        trigger_client_event(response, "block-placed", detail, after="swap")
    return response


def placement(parent, after) -> str:
    """Where an added block goes: after `after`, else at the end of `parent` (or of the document)."""
    if after is not None:
        return f"afterend:#block-{after.pk}"
    if parent is not None:
        return f"beforebegin:#block-{parent.pk} > .children > .add-row"
    return "beforebegin:#document > .add-row"


@require_POST
@login_required
def block_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an empty block; the answer is the new block's node where it goes, the renumbered
    siblings and the outline (out of band)."""
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    parent = after = None
    if request.POST.get("parent"):
        parent = report_selectors.block_get_for_user(user=request.user, pk=parse_int(request.POST["parent"]))
    if request.POST.get("after"):
        after = report_selectors.block_get_for_user(user=request.user, pk=parse_int(request.POST["after"]))
    if any(b is not None and b.report_id != report.pk for b in (parent, after)):
        return structure_error(request, "位置无效，请刷新页面。", None)
    before = report_selectors.report_numbers(report)
    try:
        block = report_services.block_add(
            report=report, type=request.POST.get("type", ""), parent=parent, after=after, user=request.user
        )
    except DomainError as error:
        near = (after or parent).pk if (after or parent) else None
        return structure_error(request, error, near)
    where = placement(block.parent, after)
    return structure_response(request, report, before, block_id=block.pk, placement=where)


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
        return _save_state(request, version=block.version, error=str(error), status=error.status_code)
    metrics = metric_selectors.metric_values_for_report(block.report)
    check, source = editor_selectors.block_check(block=block, metrics=metrics, user=request.user)
    context = {
        "block": block,
        "version": block.version,
        "saved": True,
        "segments": report_selectors.block_preview(block, metrics),
        "findings": proofread_selectors.block_findings(block=block, metrics=metrics),
        "editable": True,
        "report": block.report,
        "oob": True,
        **editor_selectors.check_updates(
            [editor_selectors.CheckUpdate(check, f"block-{block.pk}", own_chars(block))], source
        ),
    }
    # No report-changed: the answer carries all that changed (the outline is not reloaded).
    return render(request, "reports/_block_saved.html", context)


@require_POST
@login_required
def block_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a block and what is under it; the answer removes it from the page (HX-Reswap delete)
    and brings the renumbered siblings and the outline."""
    block = report_selectors.block_get_for_user(user=request.user, pk=pk)
    report = block.report
    before = report_selectors.report_numbers(report)
    try:
        report_services.block_delete(block=block, user=request.user)
    except DomainError as error:
        return structure_error(request, error, block.pk)
    response = structure_response(request, report, before)
    response["HX-Retarget"] = f"#block-{pk}"
    response["HX-Reswap"] = "delete"
    return response


@require_POST
@login_required
def block_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a block one place; the answer tells the page where it went (event block-placed, handled
    by static/js/app.js) and brings the renumbered blocks and the outline."""
    block = report_selectors.block_get_for_user(user=request.user, pk=pk)
    before = report_selectors.report_numbers(block.report)
    try:
        report_services.block_move(
            block=block, direction=request.POST.get("direction", ""), user=request.user
        )
    except DomainError as error:
        return structure_error(request, error, block.pk)
    return structure_response(request, block.report, before, block_id=block.pk, placed=True)


@require_POST
@login_required
def export_create(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    options = _export_options(request.POST)
    tracked = request.POST.get("tracked") == "1"
    try:
        export = export_services.export_request(
            report=report,
            user=request.user,
            tracked=tracked,
            confirmed=request.POST.get("confirmed") == "1",
            **options,
        )
    except ExportNeedsConfirmation as warning:
        context = {
            "report": report,
            "problems": warning.problems,
            "options": options | {"tracked": tracked},
            "export": export_selectors.export_latest(report=report),
        }
        return render(request, "reports/_export_status.html#export-confirm", context)
    if not request.htmx:
        return HttpResponseRedirect(reverse("report_edit", args=[report.pk]))
    export.refresh_from_db(fields=["status", "progress", "error"])
    context = {"export": export, "report": report} | export_selectors.export_poll(0)
    return render(request, "reports/_export_status.html", context)


@require_GET
@login_required
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The self-polling export panel; an export whose worker is gone is queued again first. `poll`
    (the attempt number the panel carries) sets how long it waits before asking again."""
    export = export_selectors.export_get_for_user(user=request.user, pk=pk)
    export = export_services.export_requeue_if_stalled(export=export)
    poll = export_selectors.export_poll(parse_int(request.GET.get("poll")))
    return render(request, "reports/_export_status.html", {"export": export, "report": export.report} | poll)


@require_POST
@login_required
def export_retry(request: HttpRequest, pk: int) -> HttpResponse:
    export = export_selectors.export_get_for_user(user=request.user, pk=pk)
    try:
        new = export_services.export_retry(export=export, user=request.user)
    except DomainError as error:
        context = {"export": export, "report": export.report, "error": str(error)}
        return render(request, "reports/_export_status.html", context, status=error.status_code)
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
    return FileResponse(
        io.BytesIO(export_selectors.export_content(export=export)),
        as_attachment=True,
        filename=export.file_name,
        content_type=DOCX_CONTENT_TYPE,
    )
