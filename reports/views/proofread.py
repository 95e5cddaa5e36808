"""The 校对 panel: every finding of a report by section, 修改全部安全项, 忽略 with a reason, and the
list of what was ignored. Findings under each block of the editor come with its autosave
(views.editor.block_save); a single safe fix there goes through that same save."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from ..errors import DomainError
from ..selectors import metrics as metric_selectors
from ..selectors import proofread as proofread_selectors
from ..selectors import reports as report_selectors
from ..services import proofread as proofread_services
from .common import domain_error_response, login_required, parse_int


@require_GET
@login_required
def report_proofread(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    template = "reports/report_proofread.html#panel" if request.htmx else "reports/report_proofread.html"
    return render(request, template, proofread_selectors.panel_context(report=report, user=request.user))


@require_POST
@login_required
def report_proofread_fix(request: HttpRequest, pk: int) -> HttpResponse:
    """修改全部安全项: the versions the panel showed come back as v-<key> fields."""
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    versions = {
        key.removeprefix("v-"): parse_int(value)
        for key, value in request.POST.items()
        if key.startswith("v-")
    }
    try:
        result = proofread_services.report_fix_safe(report=report, user=request.user, versions=versions)
    except DomainError as error:
        return domain_error_response(request, error, report=report)
    report.refresh_from_db()
    context = proofread_selectors.panel_context(report=report, user=request.user) | {"result": result}
    response = render(request, "reports/report_proofread.html#panel", context)
    return trigger_client_event(response, "report-changed")


@require_POST
@login_required
def finding_ignore(request: HttpRequest, pk: int) -> HttpResponse:
    """忽略 one finding, from the panel (answers the panel) or from under a block in the editor
    (answers that block's findings)."""
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    try:
        row = proofread_services.finding_ignore(
            report=report,
            user=request.user,
            where=request.POST.get("where", ""),
            rule=request.POST.get("rule", ""),
            start=parse_int(request.POST.get("start")),
            end=parse_int(request.POST.get("end")),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        return domain_error_response(request, error, report=report)
    if row.block_id is None and request.POST.get("back") == "block":  # under the report's own fields
        part = proofread_selectors.field_part(row.field)
        items = proofread_selectors.fields_findings(
            report=report, part=part, metrics=metric_selectors.metric_values_for_report(report)
        )
        context = {"part": part, "findings": items, "editable": True, "report": report}
        response = render(request, "reports/_findings.html", context)
    elif request.POST.get("back") == "panel" or row.block_id is None:
        response = render(
            request,
            "reports/report_proofread.html#panel",
            proofread_selectors.panel_context(report=report, user=request.user),
        )
    else:
        block = report_selectors.block_get_for_user(user=request.user, pk=row.block_id)
        items = proofread_selectors.block_findings(
            block=block, metrics=metric_selectors.metric_values_for_report(report)
        )
        context = {"block": block, "findings": items, "editable": True, "report": report}
        response = render(request, "reports/_findings.html", context)
    return trigger_client_event(response, "report-changed")
