"""Leaders' suggestions (修改建议, 留痕): a reviewer proposes wording for a block of a submitted
report; the drafter accepts (through the normal save) or rejects each one after 退回修改, or the
leader applies their own on approval (采纳修改并审定).

A suggestion holds the whole proposed field (`text`) and the field as submitted (`base_text`).
It applies only while the block still holds `base_text`: otherwise it is stale and refused with
SuggestionStale (a BlockConflict), never applied blindly.
"""

from __future__ import annotations

import copy

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import permissions
from ..core.suggestion_fields import has_field, set_snapshot_field, snapshot_block_fields
from ..core.text import clean_text
from ..errors import Forbidden, InvalidInput, SuggestionStale, WrongState
from ..models import Block, Report, Revision, Suggestion
from ..selectors import members as member_selectors
from . import reports as report_services
from . import search as search_services
from . import workflow as workflow_services
from .audit import audit, notify

__all__ = [
    "block_field",
    "report_approve_with_suggestions",
    "suggestion_accept",
    "suggestion_reject",
    "suggestion_save",
    "suggestions_accept_all",
    "suggestions_save",
]

FIELDS = (Suggestion.Field.TITLE, Suggestion.Field.TEXT)


def block_field(block: Block, field: str) -> str:
    return block.title if field == Suggestion.Field.TITLE else block.text


def _author_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _clean(block: Block, field: str, text: str) -> str:
    single_line = field == Suggestion.Field.TITLE and block.type == Block.Type.HEADING
    text = clean_text(text, multiline=not single_line)
    if len(text) > report_services.MAX_TEXT:
        raise InvalidInput(f"建议内容过长（{len(text)}字），单项最多{report_services.MAX_TEXT}字。")
    return text


def suggestion_save(*, block: Block, field: str, text: str, user) -> Suggestion | None:
    """The reviewer's suggestion for one field of `block`, made on the latest submission.

    Only a leader who may review the report, only while it is submitted (checked under a lock on
    the report row, so a return or an approval cannot slip in between). Text equal to the
    submitted field withdraws the leader's open suggestion (returns None). One audit row.
    Raises Forbidden, WrongState, InvalidInput.
    """
    with transaction.atomic():
        report = block.report
        if not permissions.can_review(member_selectors.membership_for(user), report):
            raise Forbidden("只有分管该科室的审核领导可以提出修改建议。")
        if report_services.lock_status(report.pk) != Report.Status.SUBMITTED:
            raise WrongState("只能对已提交审核的报告提出修改建议。请刷新页面。")
        if field not in FIELDS or not has_field(block.type, field):
            raise InvalidInput("这一段没有可修改的标题。")
        revision = report.revisions.order_by("-number").first()
        submitted = snapshot_block_fields(revision.snapshot).get(block.pk) if revision else None
        if submitted is None:
            raise InvalidInput("这一段不在本次提交的内容中，不能提出修改建议。")
        base, text = submitted[field], _clean(block, field, text)
        mine = Suggestion.objects.filter(block=block, field=field, author=user, status=Suggestion.Status.OPEN)
        if text == base:
            if mine.delete()[0]:
                audit(
                    bureau_id=report.bureau_id,
                    actor=user,
                    action="suggestion",
                    report=report,
                    summary=f"撤回对{block.get_type_display()}的修改建议",
                    detail={"block": block.pk, "field": field},
                )
            return None
        suggestion, _created = mine.update_or_create(
            block=block,
            field=field,
            author=user,
            status=Suggestion.Status.OPEN,
            defaults={
                "report": report,
                "revision": revision,
                "author_name": _author_name(user),
                "base_text": base,
                "text": text,
            },
        )
        audit(
            bureau_id=report.bureau_id,
            actor=user,
            action="suggestion",
            report=report,
            summary=f"对{block.get_type_display()}提出修改建议：{text[:60]}",
            detail={"suggestion": suggestion.pk, "block": block.pk, "field": field},
        )
        return suggestion


@transaction.atomic
def suggestions_save(*, block: Block, data: dict[str, str], user) -> list[Suggestion]:
    """suggestion_save for each field of `data` ("title", "text") the block has: one form, one commit."""
    saved = []
    for field in FIELDS:
        if field in data and has_field(block.type, field):
            suggestion = suggestion_save(block=block, field=field, text=data[field], user=user)
            if suggestion is not None:
                saved.append(suggestion)
    return saved


def _lock_open(suggestion: Suggestion) -> Suggestion:
    locked = Suggestion.objects.select_for_update().select_related("block", "report").get(pk=suggestion.pk)
    if locked.status != Suggestion.Status.OPEN:
        raise WrongState(f"该建议已处理（{locked.get_status_display()}）。请刷新页面。")
    return locked


def _decide(suggestion: Suggestion, status: str, user) -> None:
    now = timezone.now()
    Suggestion.objects.filter(pk=suggestion.pk).update(status=status, decided_by=user, decided_at=now)
    suggestion.status, suggestion.decided_by, suggestion.decided_at = status, user, now


def _apply(suggestion: Suggestion, *, version: int, user) -> Block:
    """Inside a transaction, the suggestion locked and open: apply it through block_save."""
    block = Block.objects.select_for_update().select_related("report").get(pk=suggestion.block_id)
    report_services.guard_edit(report=block.report, user=user, section=block)
    if block_field(block, suggestion.field) != suggestion.base_text:
        raise SuggestionStale(block)
    block = report_services.block_save(
        block=block, version=version, data={suggestion.field: suggestion.text}, user=user
    )
    _decide(suggestion, Suggestion.Status.ACCEPTED, user)
    audit(
        bureau_id=block.report.bureau_id,
        actor=user,
        action="suggestion_accept",
        report=block.report,
        summary=f"采纳 {suggestion.author_name} 的修改建议",
        detail={"suggestion": suggestion.pk, "block": block.pk, "version": block.version},
    )
    return block


@transaction.atomic
def suggestion_accept(*, suggestion: Suggestion, user, version: int) -> Block:
    """The drafter accepts: the block's field becomes the suggested text through the normal save
    (version check, audit row "修改…"), plus the audit row "采纳 王建国 的修改建议".

    Raises SuggestionStale (409, a BlockConflict) when the block no longer holds the text the
    suggestion was made on, BlockConflict for a stale `version`, WrongState when the suggestion
    was decided already, NotEditable / Forbidden as block_save does."""
    return _apply(_lock_open(suggestion), version=version, user=user)


@transaction.atomic
def suggestion_reject(*, suggestion: Suggestion, user) -> Suggestion:
    """The drafter rejects (不采纳): nothing changes but the suggestion's status, and one audit row."""
    suggestion = _lock_open(suggestion)
    report_services.guard_edit(report=suggestion.report, user=user, section=suggestion.block)
    _decide(suggestion, Suggestion.Status.REJECTED, user)
    audit(
        bureau_id=suggestion.report.bureau_id,
        actor=user,
        action="suggestion_reject",
        report=suggestion.report,
        summary=f"不采纳 {suggestion.author_name} 的修改建议",
        detail={"suggestion": suggestion.pk, "block": suggestion.block_id},
    )
    return suggestion


@transaction.atomic
def suggestions_accept_all(*, report: Report, user, author=None, author_name: str = "") -> tuple[int, int]:
    """全部采纳 (or all of one leader's: the user `author`, or `author_name` for an author who is not
    a user, as imported from a Word file): the report's owner, in one transaction. Stale
    suggestions (and a second one on a field the first just changed) are skipped, never applied.
    Returns (applied, skipped)."""
    report_services.guard_edit(report=report, user=user, whole=True)
    open_ones = report.suggestions.filter(status=Suggestion.Status.OPEN).order_by("created_at", "id")
    if author is not None:
        open_ones = open_ones.filter(author=author)
    elif author_name:
        open_ones = open_ones.filter(author=None, author_name=author_name)
    applied = skipped = 0
    for suggestion in open_ones:
        current = Block.objects.filter(pk=suggestion.block_id).values_list("version", flat=True).first()
        try:
            with transaction.atomic():
                _apply(_lock_open(suggestion), version=current, user=user)
        except SuggestionStale:
            skipped += 1
        else:
            applied += 1
    return applied, skipped


@transaction.atomic
def report_approve_with_suggestions(*, report: Report, user, revision_id: int) -> Revision:
    """采纳修改并审定: the leader's own open suggestions are applied to the submitted text and the
    result is approved. The applied text becomes a new revision (the approved one), the blocks
    take it too (their versions move on), and the audit log says so. Same rules as report_approve
    (the revision the leader saw, a submitted report); a suggestion whose base is not the
    submitted text is left open. Raises InvalidInput when the leader has none to apply."""
    if not permissions.can_review(member_selectors.membership_for(user), report):
        raise Forbidden("只有分管该科室的审核领导可以审定。")
    workflow_services.apply_transition(report, "approve_with_suggestions")
    reviewed = workflow_services.reviewed_revision(report, revision_id)
    snapshot = copy.deepcopy(reviewed.snapshot)
    submitted = snapshot_block_fields(snapshot)
    mine = list(
        report.suggestions.select_for_update()
        .filter(status=Suggestion.Status.OPEN, author=user)
        .order_by("created_at", "id")
    )
    applied = [s for s in mine if s.block_id in submitted and submitted[s.block_id][s.field] == s.base_text]
    if not applied:
        raise InvalidInput("您没有可采纳的修改建议，请直接审定。")
    now = timezone.now()
    for suggestion in applied:
        set_snapshot_field(snapshot, suggestion.block_id, suggestion.field, suggestion.text)
        Block.objects.filter(pk=suggestion.block_id).update(
            **{suggestion.field: suggestion.text}, version=F("version") + 1, updated_at=now
        )
        _decide(suggestion, Suggestion.Status.APPLIED_ON_APPROVAL, user)
    revision = Revision.objects.create(
        report=report, number=reviewed.number + 1, snapshot=snapshot, created_by=user
    )
    Report.objects.filter(pk=report.pk).update(approved_revision=revision)
    report.approved_revision = revision
    search_services.search_index_later(report_id=report.pk)
    audit(
        bureau_id=report.bureau_id,
        actor=user,
        action="approve_with_suggestions",
        report=report,
        summary=f"采纳修改并审定（第{reviewed.number}次提交，采纳{len(applied)}处修改建议，审定版本为第{revision.number}版）",
        detail={"revision": revision.pk, "reviewed": reviewed.pk, "suggestions": [s.pk for s in applied]},
    )
    notify(
        users=workflow_services.drafters_of(report),
        text=f"《{report.title}》已采纳修改并审定。",
        url=workflow_services.report_url(report),
    )
    return revision
