"""Thin views: fetch and authorise through selectors, call one service, render a template or partial."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from . import selectors, services
from .core.document import layout_paragraphs
from .core.metric_import import SpreadsheetError, parse_metrics_file, plan_import
from .core.metrics import UNITS
from .core.text import clean_text
from .errors import BlockConflict, DomainError
from .forms import MetricForm, MetricImportForm, ReportCreateForm
from .models import Export, Metric


def _editor_context(report) -> dict:
    tree = selectors.report_tree(report)
    metrics = selectors.metric_values_for_report(report)
    selectors.annotate_previews(tree, metrics)
    stats = selectors.section_stats(tree)
    return {
        "report": report,
        "tree": tree,
        "stats": stats,
        "total_chars": sum(s.chars for s in stats),
        "check": selectors.report_check(report, tree, metrics),
        "export": selectors.export_latest(report=report),
    }


@require_GET
@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    reports = selectors.reports_for_user(user=request.user)
    membership = selectors.membership_for(request.user)
    return render(request, "reports/report_list.html", {"reports": reports, "membership": membership})


@login_required
def report_create(request: HttpRequest) -> HttpResponse:
    membership = selectors.membership_for(request.user)
    bureau = membership.bureau if membership else None
    form = ReportCreateForm(request.POST or None, bureau=bureau)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            return redirect("report_edit", pk=report.pk)
    template = "reports/report_create.html#create-form" if request.htmx else "reports/report_create.html"
    return render(request, template, {"form": form})


@require_GET
@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    template = "reports/report_edit.html#document" if request.htmx else "reports/report_edit.html"
    return render(request, template, _editor_context(report))


@require_GET
@login_required
def report_outline(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    return render(request, "reports/report_edit.html#outline", _editor_context(report))


@require_POST
@login_required
def report_fields_save(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    data = {name: request.POST[name] for name in services.REPORT_FIELDS if name in request.POST}
    try:
        services.report_update_fields(report=report, data=data)
    except DomainError as error:
        return render(request, "reports/_save_state.html", {"error": str(error)}, status=422)
    response = render(request, "reports/_save_state.html", {"saved": True})
    return trigger_client_event(response, "report-changed")


@require_GET
@login_required
def report_preview(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    paragraphs = layout_paragraphs(selectors.report_snapshot(report))
    return render(request, "reports/report_preview.html", {"report": report, "paragraphs": paragraphs})


def _document_response(request: HttpRequest, report, error: str = "") -> HttpResponse:
    context = _editor_context(report) | {"error": error}
    response = render(request, "reports/report_edit.html#document", context, status=422 if error else 200)
    return trigger_client_event(response, "report-changed")


@require_POST
@login_required
def block_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    parent = after = None
    if request.POST.get("parent"):
        parent = selectors.block_get_for_user(user=request.user, pk=_int(request.POST["parent"]))
    if request.POST.get("after"):
        after = selectors.block_get_for_user(user=request.user, pk=_int(request.POST["after"]))
    if any(b is not None and b.report_id != report.pk for b in (parent, after)):
        return _document_response(request, report, "位置无效，请刷新页面。")
    try:
        services.block_add(report=report, type=request.POST.get("type", ""), parent=parent, after=after)
    except DomainError as error:
        return _document_response(request, report, str(error))
    return _document_response(request, report)


@require_POST
@login_required
def block_save(request: HttpRequest, pk: int) -> HttpResponse:
    block = selectors.block_get_for_user(user=request.user, pk=pk)
    version = _int(request.POST.get("version", ""))
    data = {
        "title": request.POST.get("title", block.title),
        "text": request.POST.get("text", block.text),
        "run_in": request.POST.get("run_in") == "on",
        "inline": request.POST.get("inline") == "on",
    }
    try:
        block = services.block_save(block=block, version=version, data=data)
    except BlockConflict as conflict:
        context = {"block": conflict.current, "mine_version": version, "error": str(conflict), "conflict": True}
        return render(request, "reports/_save_state.html", context, status=409)
    except DomainError as error:
        return render(request, "reports/_save_state.html", {"block": block, "error": str(error)}, status=422)
    preview = selectors.block_preview(block, selectors.metric_values_for_report(block.report))
    context = {"block": block, "saved": True, "segments": preview, "oob": True}
    response = render(request, "reports/_block_saved.html", context)
    return trigger_client_event(response, "report-changed")


@require_POST
@login_required
def block_delete(request: HttpRequest, pk: int) -> HttpResponse:
    block = selectors.block_get_for_user(user=request.user, pk=pk)
    report = block.report
    try:
        services.block_delete(block=block)
    except DomainError as error:
        return _document_response(request, report, str(error))
    return _document_response(request, report)


@require_POST
@login_required
def block_move(request: HttpRequest, pk: int) -> HttpResponse:
    block = selectors.block_get_for_user(user=request.user, pk=pk)
    try:
        services.block_move(block=block, direction=request.POST.get("direction", ""))
    except DomainError as error:
        return _document_response(request, block.report, str(error))
    return _document_response(request, block.report)


@require_POST
@login_required
def export_create(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    export = services.export_request(
        report=report,
        user=request.user,
        masked=request.POST.get("masked") == "1",
        mask_years=request.POST.get("mask_years") == "on",
        mask_all_numbers=request.POST.get("mask_all_numbers") == "on",
    )
    if not request.htmx:
        return HttpResponseRedirect(reverse("report_edit", args=[report.pk]))
    export.refresh_from_db(fields=["status", "progress", "error"])
    return render(request, "reports/_export_status.html", {"export": export, "report": report})


@require_GET
@login_required
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    export = selectors.export_get_for_user(user=request.user, pk=pk)
    return render(request, "reports/_export_status.html", {"export": export, "report": export.report})


@require_POST
@login_required
def export_retry(request: HttpRequest, pk: int) -> HttpResponse:
    export = selectors.export_get_for_user(user=request.user, pk=pk)
    new = services.export_retry(export=export)
    new.refresh_from_db(fields=["status", "progress", "error"])
    return render(request, "reports/_export_status.html", {"export": new, "report": export.report})


@require_GET
@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = selectors.export_get_for_user(user=request.user, pk=pk)
    if export.status != Export.Status.DONE:
        return render(request, "reports/_export_status.html", {"export": export, "report": export.report}, status=409)
    content = Export.objects.values_list("content", flat=True).get(pk=export.pk)
    return FileResponse(
        io.BytesIO(bytes(content)),
        as_attachment=True,
        filename=export.file_name,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1



# --- metrics library (指标库) ---------------------------------------------------------------------


def _metric_scope(request: HttpRequest) -> tuple:
    membership = selectors.membership_for(request.user)
    if membership is None:
        raise Http404("您的账号未加入任何财政局")
    source = request.POST if request.method == "POST" else request.GET
    year = _int(source.get("year", ""))
    if not 2000 <= year <= 2100:
        year = selectors.metrics_latest_year(bureau_id=membership.bureau_id) or timezone.localdate().year
    period = clean_text(source.get("period", ""), multiline=False)[:20]
    return membership.bureau, year, period


def _metric_table(request: HttpRequest, bureau, year: int, period: str, **extra) -> HttpResponse:
    context = {
        "metrics": selectors.metrics_for(bureau_id=bureau.pk, year=year, period=period),
        "year": year,
        "period": period,
        "form": MetricForm(),
        "units": UNITS,
        **extra,
    }
    template = "reports/metric_list.html#metric-table" if request.htmx else "reports/metric_list.html"
    return render(request, template, context, status=422 if extra.get("form_errors") else 200)


@require_GET
@login_required
def metric_list(request: HttpRequest) -> HttpResponse:
    bureau, year, period = _metric_scope(request)
    return _metric_table(request, bureau, year, period)


@require_POST
@login_required
def metric_create(request: HttpRequest) -> HttpResponse:
    bureau, year, period = _metric_scope(request)
    form = MetricForm(request.POST)
    if form.is_valid():
        try:
            services.metric_save(bureau=bureau, year=year, period=period, data=form.cleaned_data, user=request.user)
        except DomainError as error:
            form.add_error("name", str(error))
    if form.errors:
        return _metric_table(request, bureau, year, period, form=form, form_errors=True)
    return _metric_table(request, bureau, year, period)


@require_POST
@login_required
def metric_update(request: HttpRequest, pk: int) -> HttpResponse:
    metric = selectors.metric_get_for_user(user=request.user, pk=pk)
    form = MetricForm(request.POST, instance=Metric(pk=metric.pk, bureau_id=metric.bureau_id))
    saved = False
    if form.is_valid():
        try:
            metric = services.metric_save(
                bureau=metric.bureau, year=metric.year, period=metric.period, data=form.cleaned_data,
                user=request.user, metric=metric,
            )
            saved = True
        except DomainError as error:
            form.add_error("name", str(error))
    context = {"metric": metric, "row_form": form, "saved": saved, "units": UNITS}
    return render(request, "reports/metric_list.html#metric-row", context, status=200 if saved else 422)


@login_required
def metric_delete(request: HttpRequest, pk: int) -> HttpResponse:
    metric = selectors.metric_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        bureau, year, period = metric.bureau, metric.year, metric.period
        services.metric_delete(metric=metric)
        return _metric_table(request, bureau, year, period, message=f"已删除指标“{metric.name}”。")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    usage = selectors.metric_usage(metric)
    return render(request, "reports/metric_list.html#metric-delete", {"metric": metric, "usage": usage})


@require_POST
@login_required
def metric_import(request: HttpRequest) -> HttpResponse:
    bureau, year, period = _metric_scope(request)
    form = MetricImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "reports/metric_list.html#import-preview", {"error": " ".join(form.errors.get("file", ["上传失败。"]))}, status=422)
    upload = form.cleaned_data["file"]
    try:
        result = parse_metrics_file(upload.read(), upload.name)
    except SpreadsheetError as error:
        return render(request, "reports/metric_list.html#import-preview", {"error": str(error)}, status=422)
    existing = {m.name: m for m in selectors.metrics_for(bureau_id=bureau.pk, year=year, period=period)}
    plan = plan_import(result, {name: selectors.metric_as_import_dict(m) for name, m in existing.items()})
    request.session["metric_import"] = {
        "year": year,
        "period": period,
        "rows": [selectors.import_row_dict(row) for row in [*plan.added, *(row for row, _diff in plan.changed)]],
    }
    context = {"plan": plan, "year": year, "period": period, "warnings": result.warnings}
    return render(request, "reports/metric_list.html#import-preview", context)


@require_POST
@login_required
def metric_import_confirm(request: HttpRequest) -> HttpResponse:
    bureau, _year, _period = _metric_scope(request)
    pending = request.session.pop("metric_import", None)
    if not pending:
        return render(request, "reports/metric_list.html#import-preview", {"error": "没有待导入的数据，请重新上传文件。"}, status=422)
    year, period = pending["year"], pending["period"]
    rows = [selectors.import_row_from_dict(row) for row in pending["rows"]]
    added, changed = services.metrics_import_apply(bureau=bureau, year=year, period=period, rows=rows, user=request.user)
    return _metric_table(request, bureau, year, period, message=f"导入完成：新增{added}项，更新{changed}项。")


@require_GET
@login_required
def metric_picker(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    metrics = selectors.metrics_for(bureau_id=report.bureau_id, year=report.year, period=report.period)
    query = clean_text(request.GET.get("q", ""), multiline=False)
    if query:
        metrics = metrics.filter(name__contains=query)
    return render(request, "reports/_metric_picker.html", {"report": report, "metrics": metrics[:50], "q": query})
