"""The review workflow: submit, withdraw, approve, return, redraft — guarded transitions that write
an immutable revision and an audit row — plus comments, section assignment, presence."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .. import permissions
from ..core.text import clean_text
from ..errors import Forbidden, InvalidInput, NotEditable, SubmitBlocked, WrongState
from ..models import Block, Comment, Department, Membership, Presence, Report, Revision
from ..selectors import members as member_selectors
from ..selectors import metrics as metric_selectors
from ..selectors import proofread as proofread_selectors
from ..selectors import reports as report_selectors
from . import search as search_services
from .audit import audit, notify

__all__ = [
    "TRANSITIONS",
    "apply_transition",
    "comment_add",
    "comment_resolve",
    "drafters_of",
    "presence_touch",
    "report_approve",
    "report_redraft",
    "report_return",
    "report_submit",
    "report_url",
    "report_withdraw",
    "reviewed_revision",
    "section_assign",
    "section_set_done",
]

S = Report.Status
# name: (source states, target state, Chinese verb)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "submit": ((S.DRAFT, S.RETURNED), S.SUBMITTED, "提交审核"),
    "withdraw": ((S.SUBMITTED,), S.DRAFT, "撤回提交"),
    "approve": ((S.SUBMITTED,), S.APPROVED, "审定"),
    # the leader's own suggestions applied, then approved: services.suggestions
    "approve_with_suggestions": ((S.SUBMITTED,), S.APPROVED, "采纳修改并审定"),
    "return": ((S.SUBMITTED,), S.RETURNED, "退回修改"),
    "redraft": ((S.APPROVED,), S.DRAFT, "重新起草"),
}


def _apply(report: Report, name: str, **updates: Any) -> None:
    """One conditional UPDATE on the report row: it applies only from a legal source state.

    Two concurrent callers cannot both win: the second one's WHERE no longer holds once the first
    has committed. Raises WrongState when it did not apply.
    """
    sources, target, verb = TRANSITIONS[name]
    live = Report.objects.filter(pk=report.pk, deleted_at__isnull=True)  # not in the 回收站
    applied = live.filter(status__in=sources).update(status=target, updated_at=timezone.now(), **updates)
    if not applied:
        current = live.values_list("status", flat=True).first()
        label = S(current).label if current else "已删除"
        raise WrongState(f"报告当前状态为“{label}”，不能{verb}。请刷新页面。")
    report.status = target
    for field, value in updates.items():
        setattr(report, field, value)


apply_transition = _apply  # for the transitions that live beside their domain (services.suggestions)


def _drafters(report: Report, department_id: int | None = None):
    """The drafters of the report's owning department (or of `department_id`)."""
    User = get_user_model()
    return User.objects.filter(
        membership__bureau_id=report.bureau_id,
        membership__role=Membership.Role.DRAFTER,
        membership__department_id=department_id or report.department_id,
    )


def _leaders(report: Report):
    User = get_user_model()
    return User.objects.filter(
        membership__bureau_id=report.bureau_id,
        membership__role=Membership.Role.LEADER,
        membership__supervises=report.department_id,
    )


def _url(report: Report, name: str = "report_edit") -> str:
    return reverse(name, args=[report.pk])


drafters_of, report_url = _drafters, _url


@transaction.atomic
def report_submit(*, report: Report, user) -> Revision:
    """Drafter submits: the report becomes read-only for drafters and an immutable revision is stored.

    The whole proofreading check runs first (on the report as locked by the transition): any
    error finding (selectors.proofread) refuses with SubmitBlocked, linking each place; warnings
    do not block."""
    if not permissions.can_submit(member_selectors.membership_for(user), report):
        raise Forbidden("只有牵头科室的起草人可以提交审核。")
    _apply(report, "submit", return_reason="")
    tree, metrics = report_selectors.report_tree(report), metric_selectors.metric_values_for_report(report)
    errors = proofread_selectors.report_proofread(report, tree=tree, metrics=metrics).errors
    if errors:
        raise SubmitBlocked([(f"{e.label}：{e.message}", _url(report) + e.anchor) for e in errors])
    snapshot = report_selectors.report_content_with_metrics(report, tree, metrics)
    number = (report.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    revision = Revision.objects.create(report=report, number=number, snapshot=snapshot, created_by=user)
    audit(
        bureau_id=report.bureau_id,
        actor=user,
        action="submit",
        report=report,
        summary=f"提交审核（第{number}次提交）",
        detail={"revision": revision.pk},
    )
    notify(
        users=_leaders(report),
        text=f"《{report.title}》已提交审核，请审阅。",
        url=_url(report, "report_review"),
    )
    return revision


@transaction.atomic
def report_withdraw(*, report: Report, user) -> None:
    """Drafter takes a submission back before the leader has acted on it."""
    if not permissions.can_submit(member_selectors.membership_for(user), report):
        raise Forbidden("只有牵头科室的起草人可以撤回提交。")
    _apply(report, "withdraw")
    audit(bureau_id=report.bureau_id, actor=user, action="withdraw", report=report, summary="撤回提交")


def _reviewed_revision(report: Report, revision_id: int) -> Revision:
    latest = report.revisions.order_by("-number").first()
    if latest is None or latest.pk != revision_id:
        raise WrongState("报告已重新提交，您看到的不是最新提交的内容。请刷新后重新审阅。")
    return latest


reviewed_revision = _reviewed_revision


@transaction.atomic
def report_approve(*, report: Report, user, revision_id: int) -> Revision:
    """Leader approves exactly the revision they reviewed; the report is frozen on it."""
    if not permissions.can_review(member_selectors.membership_for(user), report):
        raise Forbidden("只有分管该科室的审核领导可以审定。")
    _apply(report, "approve")
    revision = _reviewed_revision(report, revision_id)
    Report.objects.filter(pk=report.pk).update(approved_revision=revision)
    report.approved_revision = revision
    search_services.search_index_later(report_id=report.pk)  # the 已审定 passages
    audit(
        bureau_id=report.bureau_id,
        actor=user,
        action="approve",
        report=report,
        summary=f"审定（第{revision.number}次提交）",
        detail={"revision": revision.pk},
    )
    notify(users=_drafters(report), text=f"《{report.title}》已审定。", url=_url(report))
    return revision


@transaction.atomic
def report_return(*, report: Report, user, reason: str, revision_id: int) -> None:
    """Leader returns the submission with a required reason; drafters can edit again."""
    if not permissions.can_review(member_selectors.membership_for(user), report):
        raise Forbidden("只有分管该科室的审核领导可以退回。")
    reason = clean_text(reason)
    if not reason:
        raise InvalidInput("退回修改必须填写理由。")
    if len(reason) > 2000:
        raise InvalidInput("退回理由最多2000字。")
    _apply(report, "return", return_reason=reason)
    _reviewed_revision(report, revision_id)
    audit(
        bureau_id=report.bureau_id,
        actor=user,
        action="return",
        report=report,
        summary=f"退回修改：{reason[:100]}",
        detail={"reason": reason},
    )
    notify(users=_drafters(report), text=f"《{report.title}》被退回修改：{reason[:60]}", url=_url(report))


@transaction.atomic
def report_redraft(*, report: Report, user) -> None:
    """重新起草: an approved report becomes a draft again; its approved revision stays as it was."""
    if not permissions.can_submit(member_selectors.membership_for(user), report):
        raise Forbidden("只有牵头科室的起草人可以重新起草。")
    _apply(report, "redraft")
    audit(
        bureau_id=report.bureau_id,
        actor=user,
        action="redraft",
        report=report,
        summary="重新起草（审定版本保留）",
    )


# --- comments ------------------------------------------------------------------------------------


@transaction.atomic
def comment_add(
    *, report: Report, user, text: str, block: Block | None = None, parent: Comment | None = None
) -> Comment:
    """A remark on a block (or the report), or a reply in a thread. Anyone who can open the report."""
    text = clean_text(text)
    if not text:
        raise InvalidInput("批注内容不能为空。")
    if len(text) > 5000:
        raise InvalidInput("批注最多5000字。")
    if parent is not None:
        if parent.report_id != report.pk:
            raise InvalidInput("回复的批注不属于这份报告。")
        block = parent.block
        parent = parent.parent or parent  # one level of threading
    if block is not None and block.report_id != report.pk:
        raise InvalidInput("批注位置不属于这份报告。")
    label = ""
    if block is not None:
        label = (block.title or block.text)[:60]
    comment = Comment.objects.create(
        report=report,
        block=block,
        block_label=label,
        parent=parent,
        author=user,
        text=text,
        revision=report.revisions.order_by("-number").first(),
    )
    audit(
        bureau_id=report.bureau_id,
        actor=user,
        action="comment",
        report=report,
        summary=("回复批注：" if parent else "批注：") + text[:80],
        detail={"comment": comment.pk},
    )
    if parent is not None and parent.author_id and parent.author_id != getattr(user, "pk", None):
        notify(
            users=[parent.author],
            text=f"{user.get_full_name() or user.username}回复了您的批注：{text[:40]}",
            url=_url(report, "report_review"),
        )
    return comment


def comment_resolve(*, comment: Comment, user, resolved: bool = True) -> Comment:
    Comment.objects.filter(pk=comment.pk).update(resolved=resolved)
    comment.resolved = resolved
    audit(
        bureau_id=comment.report.bureau_id,
        actor=user,
        action="comment_resolve",
        report=comment.report,
        summary=("解决批注" if resolved else "重新打开批注"),
        detail={"comment": comment.pk},
    )
    return comment


# --- sections ------------------------------------------------------------------------------------


@transaction.atomic
def section_assign(*, block: Block, department: Department | None, user) -> Block:
    """The owner assigns a top-level section to a department (who may then edit it)."""
    report = block.report
    if block.parent_id is not None or block.type != Block.Type.HEADING:
        raise InvalidInput("只能把一级标题（章节）分配给科室。")
    if not report.is_editable:
        raise NotEditable(f"报告当前状态为“{report.get_status_display()}”，不能分配章节。")
    if not permissions.can_edit_report(member_selectors.membership_for(user), report):
        raise Forbidden("只有牵头科室的起草人可以分配章节。")
    if department is not None and department.bureau_id != report.bureau_id:
        raise InvalidInput("科室不属于本局。")
    Block.objects.filter(pk=block.pk).update(assigned_department=department)
    block.assigned_department = department
    audit(
        bureau_id=report.bureau_id,
        actor=user,
        action="assign",
        report=report,
        summary=f"章节“{block.title[:30]}”分配给{department.name if department else '牵头科室'}",
        detail={"block": block.pk, "department": department.pk if department else None},
    )
    if department is not None and department.pk != report.department_id:
        notify(
            users=_drafters(report, department.pk),
            text=f"《{report.title}》的章节“{block.title[:30]}”已分配给{department.name}，请编写。",
            url=_url(report) + f"#block-{block.pk}",
        )
    return block


def section_set_done(*, block: Block, done: bool, user) -> Block:
    """A section's editors mark it finished (or not); shown in the outline."""
    report = block.report
    if block.parent_id is not None:
        raise InvalidInput("只能标记一级标题（章节）的完成状态。")
    if not report.is_editable:
        raise NotEditable(f"报告当前状态为“{report.get_status_display()}”，不能修改章节状态。")
    if not permissions.can_edit_section(
        member_selectors.membership_for(user), report, block.assigned_department_id
    ):
        raise Forbidden("您不能修改这一章节。")
    Block.objects.filter(pk=block.pk).update(done=done)
    block.done = done
    return block


# --- presence ------------------------------------------------------------------------------------


def presence_touch(*, report: Report, user) -> None:
    Presence.objects.update_or_create(report=report, user=user, defaults={"last_seen": timezone.now()})
