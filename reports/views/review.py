"""Review and approval: transitions, the review page with comments and diffs, the dashboard, the
audit log, notifications and presence."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from .. import permissions
from ..errors import DomainError, InvalidInput
from ..middleware import background_poll
from ..models import Report
from ..selectors import audit as audit_selectors
from ..selectors import members as member_selectors
from ..selectors import reports as report_selectors
from ..selectors import review as review_selectors
from ..selectors import suggestions as suggestion_selectors
from ..services import audit as audit_services
from ..services import markup as markup_services
from ..services import suggestions as suggestion_services
from ..services import workflow as workflow_services
from .common import domain_error_response, login_required, parse_int


def _back(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _transition(
    request: HttpRequest, pk: int, service: Callable[..., object], done: str, to: str, **arguments
) -> HttpResponse:
    """Fetch the report, apply one workflow service to it, and go back to the page `to` saying
    `done`; a refusal is answered by domain_error_response."""
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    try:
        service(report=report, user=request.user, **arguments)
    except DomainError as error:
        return domain_error_response(request, error, report=report)
    messages.success(request, done)
    return _back(request, reverse(to, args=[report.pk]))


@require_POST
@login_required
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    done = "已提交审核，等待审核领导审定。"
    return _transition(request, pk, workflow_services.report_submit, done, "report_edit")


@require_POST
@login_required
def report_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    done = "已撤回提交，可以继续修改。"
    return _transition(request, pk, workflow_services.report_withdraw, done, "report_edit")


@require_POST
@login_required
def report_redraft(request: HttpRequest, pk: int) -> HttpResponse:
    done = "已重新起草，报告回到草稿状态；已审定的版本保留不变。"
    return _transition(request, pk, workflow_services.report_redraft, done, "report_edit")


@require_POST
@login_required
def report_approve(request: HttpRequest, pk: int) -> HttpResponse:
    done = "已审定。报告已定稿，导出的 Word 为审定版本；起草科室已收到通知。"
    revision_id = parse_int(request.POST.get("revision", ""))
    return _transition(
        request, pk, workflow_services.report_approve, done, "report_review", revision_id=revision_id
    )


@require_POST
@login_required
def report_approve_with_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    done = "已采纳您的修改建议并审定。审定版本为采纳修改后的文字；起草科室已收到通知。"
    revision_id = parse_int(request.POST.get("revision", ""))
    return _transition(
        request,
        pk,
        suggestion_services.report_approve_with_suggestions,
        done,
        "report_review",
        revision_id=revision_id,
    )


@require_POST
@login_required
def suggestion_save(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader's 修改建议 on one block (its title and text as edited): stored, not applied; the
    block's suggestion panel is answered, with every leader's suggestions marked up."""
    block = report_selectors.block_get_for_user(user=request.user, pk=pk)
    data = {name: request.POST[name] for name in ("title", "text") if name in request.POST}
    try:
        suggestion_services.suggestions_save(block=block, data=data, user=request.user)
    except DomainError as error:
        return domain_error_response(request, error, report=block.report)
    revision = block.report.revisions.order_by("-number").first()
    panels = suggestion_selectors.review_block_suggestions(
        report=block.report, user=request.user, snapshot=revision.snapshot
    )
    context = {"bs": panels[block.pk], "can_suggest": True, "report": block.report, "saved": True}
    return render(request, "reports/_suggest_review.html", context)


@require_POST
@login_required
def markup_import(request: HttpRequest, pk: int) -> HttpResponse:
    """导入修改稿: a Word file of the submission with tracked changes and comments becomes
    suggestions and comments; the answer lists what was created and what could not be placed."""
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InvalidInput("请选择要导入的 Word 文件（.docx）。")
        if upload.size > markup_services.MAX_UPLOAD_BYTES:
            raise InvalidInput(markup_services.too_big(upload.size))
        result = markup_services.markup_import(
            report=report, data=upload.read(), file_name=upload.name or "", user=request.user
        )
    except DomainError as error:
        return domain_error_response(request, error, report=report)
    context = {"report": report, "result": result}
    if request.htmx:
        return render(request, "reports/report_review.html#markup-result", context)
    messages.success(request, "已导入修改稿。")
    return redirect(reverse("report_review", args=[report.pk]))


@require_POST
@login_required
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    done = "已退回修改，退回理由已通知起草科室。"
    arguments = {
        "reason": request.POST.get("reason", ""),
        "revision_id": parse_int(request.POST.get("revision", "")),
    }
    return _transition(request, pk, workflow_services.report_return, done, "report_review", **arguments)


@require_GET
@login_required
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The latest submission as it will print, with block comments and character-level diffs."""
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    context = review_selectors.review_context(
        report=report, user=request.user, view=request.GET.get("view", "document")
    )
    if "revision" not in context:
        return render(request, "reports/report_review.html", context)
    template = "reports/report_review.html#review-body" if request.htmx else "reports/report_review.html"
    return render(request, template, context)


@require_POST
@login_required
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    block = parent = None
    if request.POST.get("block"):
        block = report_selectors.block_get_for_user(user=request.user, pk=parse_int(request.POST["block"]))
    if request.POST.get("parent"):
        parent = review_selectors.comment_get_for_user(
            user=request.user, pk=parse_int(request.POST["parent"])
        )
    try:
        workflow_services.comment_add(
            report=report, user=request.user, text=request.POST.get("text", ""), block=block, parent=parent
        )
    except DomainError as error:
        return domain_error_response(request, error, report=report)
    comments = review_selectors.report_comments(report)
    return render(request, "reports/_comments.html", {"report": report, "comments": comments})


@require_POST
@login_required
def comment_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    comment = review_selectors.comment_get_for_user(user=request.user, pk=pk)
    workflow_services.comment_resolve(
        comment=comment, user=request.user, resolved=request.POST.get("resolved", "1") == "1"
    )
    comments = review_selectors.report_comments(comment.report)
    return render(request, "reports/_comments.html", {"report": comment.report, "comments": comments})


@require_POST
@login_required
def section_assign(request: HttpRequest, pk: int) -> HttpResponse:
    block = report_selectors.block_get_for_user(user=request.user, pk=pk)
    department = None
    if request.POST.get("department"):
        department = member_selectors.department_get(
            bureau_id=block.report.bureau_id, pk=parse_int(request.POST["department"])
        )
        if department is None:
            return domain_error_response(request, InvalidInput("科室不存在。"), report=block.report)
    try:
        workflow_services.section_assign(block=block, department=department, user=request.user)
    except DomainError as error:
        return domain_error_response(request, error, report=block.report)
    return _back(request, reverse("report_edit", args=[block.report_id]))


@require_POST
@login_required
def section_done(request: HttpRequest, pk: int) -> HttpResponse:
    block = report_selectors.block_get_for_user(user=request.user, pk=pk)
    try:
        workflow_services.section_set_done(
            block=block, done=request.POST.get("done") == "1", user=request.user
        )
    except DomainError as error:
        return domain_error_response(request, error, report=block.report)
    return _back(request, reverse("report_edit", args=[block.report_id]))


@background_poll
@login_required
def report_presence(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by the open editor: records that this user is here, answers who else is."""
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        workflow_services.presence_touch(report=report, user=request.user)
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    others = review_selectors.presence_others(report=report, user=request.user)
    return render(request, "reports/_presence.html", {"report": report, "others": others})


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    membership = member_selectors.membership_for(request.user)
    if not permissions.can_see_dashboard(membership):
        raise PermissionDenied("只有审核领导和管理员可以查看总览。")
    status = request.GET.get("status", "")
    department = parse_int(request.GET.get("department", "")) if request.GET.get("department") else None
    rows = review_selectors.dashboard_rows(
        user=request.user, status=status if status in Report.Status.values else "", department_id=department
    )
    context = {
        "rows": rows,
        "status": status,
        "department": department,
        "statuses": Report.Status.choices,
        "departments": membership.bureau.departments.all(),
    }
    template = "reports/dashboard.html#dashboard-table" if request.htmx else "reports/dashboard.html"
    return render(request, template, context)


@require_GET
@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    membership = member_selectors.membership_for(request.user)
    if not permissions.can_see_dashboard(membership):
        raise PermissionDenied("只有审核领导和管理员可以查看操作记录。")
    action = request.GET.get("action", "")
    entries = audit_selectors.audit_entries(
        user=request.user,
        action=action,
        report_id=parse_int(request.GET.get("report", "")) if request.GET.get("report") else None,
    )[:300]
    actions = audit_selectors.audit_actions(bureau_id=membership.bureau_id)
    context = {"entries": entries, "action": action, "actions": actions}
    template = "reports/audit_log.html#audit-table" if request.htmx else "reports/audit_log.html"
    return render(request, template, context)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        audit_services.notifications_mark_read(user=request.user)
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    items = member_selectors.notifications_for(user=request.user)
    return render(request, "reports/notifications.html", {"items": items})
