"""Review and approval: transitions, the review page with comments and diffs, the dashboard, the
audit log, notifications and presence."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from .. import permissions
from ..core.diff import diff_snapshots, summary
from ..core.document import layout_paragraphs
from ..core.metrics import MetricValue, resolve_snapshot
from ..errors import DomainError, Forbidden
from ..middleware import background_poll
from ..models import AuditLog, Report
from ..selectors import audit as audit_selectors
from ..selectors import members as member_selectors
from ..selectors import reports as report_selectors
from ..selectors import review as review_selectors
from ..services import audit as audit_services
from ..services import workflow as workflow_services
from .common import flash_error, login_required, parse_int

TRANSITION_SERVICES = {
    "submit": workflow_services.report_submit,
    "withdraw": workflow_services.report_withdraw,
    "redraft": workflow_services.report_redraft,
}

TRANSITION_MESSAGES = {
    "submit": "已提交审核，等待审核领导审定。",
    "withdraw": "已撤回提交，可以继续修改。",
    "redraft": "已重新起草，报告回到草稿状态；已审定的版本保留不变。",
}


def _resolved(snapshot: dict) -> dict:
    metrics = {name: MetricValue.from_dict(d) for name, d in snapshot.get("metrics", {}).items()}
    resolved, _check = resolve_snapshot(snapshot, metrics)
    return resolved


def _back(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _error(request: HttpRequest, error: DomainError, report: Report) -> HttpResponse:
    status = 403 if isinstance(error, Forbidden) else 409
    return flash_error(request, str(error), status=status, report=report)


@require_POST
@login_required
def report_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    service = TRANSITION_SERVICES.get(action)
    if service is None:
        return flash_error(request, "未知的操作。", status=400)
    try:
        service(report=report, user=request.user)
    except DomainError as error:
        return _error(request, error, report)
    messages.success(request, TRANSITION_MESSAGES[action])
    return _back(request, reverse("report_edit", args=[report.pk]))


@require_POST
@login_required
def report_approve(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    try:
        workflow_services.report_approve(
            report=report, user=request.user, revision_id=parse_int(request.POST.get("revision", ""))
        )
    except DomainError as error:
        return _error(request, error, report)
    messages.success(request, "已审定。报告已定稿，导出的 Word 为审定版本；起草科室已收到通知。")
    return _back(request, reverse("report_review", args=[report.pk]))


@require_POST
@login_required
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    try:
        workflow_services.report_return(
            report=report,
            user=request.user,
            reason=request.POST.get("reason", ""),
            revision_id=parse_int(request.POST.get("revision", "")),
        )
    except DomainError as error:
        return _error(request, error, report)
    messages.success(request, "已退回修改，退回理由已通知起草科室。")
    return _back(request, reverse("report_review", args=[report.pk]))


@require_GET
@login_required
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The latest submission as it will print, with block comments and character-level diffs."""
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    membership = member_selectors.membership_for(request.user)
    revisions = list(report.revisions.all())  # newest first
    view = request.GET.get("view", "document")
    context: dict = {
        "report": report,
        "revisions": revisions,
        "view": view,
        "can_review": permissions.can_review(membership, report) and report.status == Report.Status.SUBMITTED,
        "comments": review_selectors.report_comments(report),
    }
    if not revisions:
        return render(request, "reports/report_review.html", context)
    current = revisions[0]
    context["revision"] = current
    by_block = review_selectors.comments_by_block(context["comments"])
    paragraphs = layout_paragraphs(_resolved(current.snapshot))
    for para in paragraphs:
        para.comments = [c for block_id in para.block_ids for c in by_block.get(block_id, [])]
    context["paragraphs"] = paragraphs
    context["report_level_comments"] = by_block.get(None, [])
    if view in ("previous", "approved"):
        base = None
        if view == "previous" and len(revisions) > 1:
            base = revisions[1]
        if view == "approved" and report.approved_revision_id:
            base = report.approved_revision
        if base is not None:
            rows = diff_snapshots(_resolved(base.snapshot), _resolved(current.snapshot))
            context.update(base=base, rows=[r for r in rows if r.status != "same"], counts=summary(rows))
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
        return _error(request, error, report)
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
        department = block.report.bureau.departments.filter(pk=parse_int(request.POST["department"])).first()
        if department is None:
            return flash_error(request, "科室不存在。", status=422)
    try:
        workflow_services.section_assign(block=block, department=department, user=request.user)
    except DomainError as error:
        return _error(request, error, block.report)
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
        return _error(request, error, block.report)
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
    actions = (
        AuditLog.objects.filter(bureau_id=membership.bureau_id).values_list("action", flat=True).distinct()
    )
    choices = sorted((AuditLog.action_label(a), a) for a in set(actions))
    context = {"entries": entries, "action": action, "actions": [(code, label) for label, code in choices]}
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
