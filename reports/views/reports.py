"""The report list, creating a report, and the 回收站 (delete, restore, purge). Thin views: fetch and
authorise through selectors, call one service, render a template or partial."""

from __future__ import annotations

from django.contrib import messages
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from .. import permissions
from ..errors import (
    DomainError,
    InvalidInput,
)
from ..forms import ReportCreateForm, ReportFilterForm
from ..selectors import members as member_selectors
from ..selectors import reports as report_selectors
from ..services import reports as report_services
from .common import login_required


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
        return render(request, template, context, status=error.status_code)
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
