"""The 指标库 pages: list, inline edit, add, delete, import with preview, and the editor's picker."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ..core.metric_import import SpreadsheetError, parse_metrics_file, plan_import
from ..core.metrics import UNITS
from ..core.text import clean_text
from ..core.years import year_in_range
from ..errors import DomainError
from ..forms import MetricForm, MetricImportForm
from ..models import Metric
from ..selectors import members as member_selectors
from ..selectors import metrics as metric_selectors
from ..selectors import reports as report_selectors
from ..services import metrics as metric_services
from .common import login_required, parse_int

# --- metrics library (指标库) ---------------------------------------------------------------------


def _metric_scope(request: HttpRequest) -> tuple:
    membership = member_selectors.membership_for(request.user)
    if membership is None:
        raise Http404("您的账号未加入任何财政局")
    source = request.POST if request.method == "POST" else request.GET
    year = parse_int(source.get("year", ""))
    if not year_in_range(year):
        year = (
            metric_selectors.metrics_latest_year(bureau_id=membership.bureau_id) or timezone.localdate().year
        )
    period = clean_text(source.get("period", ""), multiline=False)[:20]
    return membership.bureau, year, period


def _metric_table(request: HttpRequest, bureau, year: int, period: str, **extra) -> HttpResponse:
    context = {
        "metrics": metric_selectors.metrics_for(bureau_id=bureau.pk, year=year, period=period),
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
            metric_services.metric_save(
                bureau=bureau, year=year, period=period, data=form.cleaned_data, user=request.user
            )
        except DomainError as error:
            form.add_error("name", str(error))
    if form.errors:
        return _metric_table(request, bureau, year, period, form=form, form_errors=True)
    return _metric_table(request, bureau, year, period)


@require_POST
@login_required
def metric_update(request: HttpRequest, pk: int) -> HttpResponse:
    metric = metric_selectors.metric_get_for_user(user=request.user, pk=pk)
    form = MetricForm(request.POST, instance=Metric(pk=metric.pk, bureau_id=metric.bureau_id))
    saved = False
    if form.is_valid():
        try:
            metric = metric_services.metric_save(
                bureau=metric.bureau,
                year=metric.year,
                period=metric.period,
                data=form.cleaned_data,
                user=request.user,
                metric=metric,
            )
            saved = True
        except DomainError as error:
            form.add_error("name", str(error))
    context = {"metric": metric, "row_form": form, "saved": saved, "units": UNITS}
    return render(request, "reports/metric_list.html#metric-row", context, status=200 if saved else 422)


@login_required
def metric_delete(request: HttpRequest, pk: int) -> HttpResponse:
    metric = metric_selectors.metric_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        bureau, year, period = metric.bureau, metric.year, metric.period
        metric_services.metric_delete(metric=metric, user=request.user)
        return _metric_table(request, bureau, year, period, message=f"已删除指标“{metric.name}”。")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    # Titles only of reports this user may open; the others are counted, not named.
    usage = metric_selectors.metric_usage(metric, report_selectors.reports_for_user(user=request.user))
    hidden = len(metric_selectors.metric_usage(metric)) - len(usage)
    return render(
        request,
        "reports/metric_list.html#metric-delete",
        {"metric": metric, "usage": usage, "hidden": hidden},
    )


@require_POST
@login_required
def metric_import(request: HttpRequest) -> HttpResponse:
    bureau, year, period = _metric_scope(request)
    form = MetricImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request,
            "reports/metric_list.html#import-preview",
            {"error": " ".join(form.errors.get("file", ["上传失败。"]))},
            status=422,
        )
    upload = form.cleaned_data["file"]
    try:
        result = parse_metrics_file(upload.read(), upload.name)
    except SpreadsheetError as error:
        return render(request, "reports/metric_list.html#import-preview", {"error": str(error)}, status=422)
    existing = {
        m.name: m for m in metric_selectors.metrics_for(bureau_id=bureau.pk, year=year, period=period)
    }
    plan = plan_import(
        result, {name: metric_selectors.metric_as_import_dict(m) for name, m in existing.items()}
    )
    request.session["metric_import"] = {
        "year": year,
        "period": period,
        "rows": [
            metric_selectors.import_row_dict(row)
            for row in [*plan.added, *(row for row, _diff in plan.changed)]
        ],
    }
    context = {"plan": plan, "year": year, "period": period, "warnings": result.warnings}
    return render(request, "reports/metric_list.html#import-preview", context)


@require_POST
@login_required
def metric_import_confirm(request: HttpRequest) -> HttpResponse:
    """Apply the import previewed in this session. The answer always replaces #metric-table with the
    table: a second click (double-click, a second tab) finds nothing pending and keeps it as it is."""
    bureau, year, period = _metric_scope(request)
    pending = request.session.pop("metric_import", None)
    if not pending:
        message = "这批数据已经导入（或预览已失效），无需再次确认；如需导入其他数据，请重新上传文件。"
        return _metric_table(request, bureau, year, period, message=message, import_done=True)
    year, period = pending["year"], pending["period"]
    rows = [metric_selectors.import_row_from_dict(row) for row in pending["rows"]]
    added, changed = metric_services.metrics_import_apply(
        bureau=bureau, year=year, period=period, rows=rows, user=request.user
    )
    message = f"导入完成：新增{added}项，更新{changed}项。"
    return _metric_table(request, bureau, year, period, message=message, import_done=True)


@require_GET
@login_required
def metric_picker(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    metrics = metric_selectors.metrics_for(bureau_id=report.bureau_id, year=report.year, period=report.period)
    query = clean_text(request.GET.get("q", ""), multiline=False)
    if query:
        metrics = metrics.filter(name__contains=query)
    return render(
        request, "reports/_metric_picker.html", {"report": report, "metrics": metrics[:50], "q": query}
    )
