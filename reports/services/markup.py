"""Bring a marked-up Word file back (导入修改稿): a leader who marked up our export of a submission
offline (Word or WPS tracked changes and comments) uploads it, and each change becomes a
suggestion, each comment a comment, on the block it falls in.

1. read_tracked reads the file under the importer's guards (size, zip bombs, XML): a bad file is
   refused with its Chinese message (InvalidInput).
2. place_suggestions places the revisions on the latest submission's snapshot, resolved exactly as
   its export resolves it (the file the leader marked up), one suggestion per block, field and
   author with the whole proposed field.
3. Each placed suggestion is stored on its block like suggestion_save stores one (base_text: the
   submitted field); an open suggestion of the same author on the same field is updated, so the
   same file uploaded twice duplicates nothing. The author is the bureau member whose full name or
   username is the name in the file, else no user and the name kept as text ("未署名" if none).
4. Each comment is a Comment on its block ("【李四】…" when its author is not a member); each
   change that cannot be placed is kept as a report-level comment naming its author and reason,
   so the drafter sees it with the other comments after 退回修改. Nothing is dropped.

All in one transaction with one audit row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from .. import permissions
from ..core.importer.limits import MAX_DOCX_BYTES, ImportRefused
from ..core.safezip import MB
from ..core.suggestion_fields import snapshot_block_fields
from ..core.text import clean_text
from ..core.tracked import place_suggestions, read_tracked
from ..errors import Forbidden, InvalidInput, WrongState
from ..models import Block, Comment, Report, Revision, Suggestion
from ..selectors import members as member_selectors
from . import reports as report_services
from .audit import audit
from .exports import export_options, export_resolve

__all__ = ["MAX_UPLOAD_BYTES", "MarkupResult", "markup_import", "too_big"]

UNSIGNED = "未署名"
MAX_UPLOAD_BYTES = MAX_DOCX_BYTES  # checked by the view before reading the upload
MAX_COMMENT = 5000  # as comment_add


@dataclass
class MarkupResult:
    suggestions_created: list[Suggestion] = field(default_factory=list)
    comments_created: list[Comment] = field(default_factory=list)
    unplaced: list[dict[str, Any]] = field(default_factory=list)  # {"reason", "author", "text"}


def too_big(size: int) -> str:
    return f"Word 文件过大（{size / MB:.1f} MB），上限为 {MAX_DOCX_BYTES // MB} MB。"


def _read(data: bytes, file_name: str):
    if not file_name.lower().endswith(".docx"):
        raise InvalidInput("请上传 Word 文件（.docx）：导出的报告在 Word 或 WPS 中修订、批注后保存的文件。")
    if len(data) > MAX_DOCX_BYTES:
        raise InvalidInput(too_big(len(data)))
    try:
        return read_tracked(data)
    except ImportRefused as exc:
        raise InvalidInput(f"无法读取这个文件：{exc}") from exc


def _exported_snapshot(report: Report, revision: Revision) -> dict[str, Any]:
    """The submission as its plain export wrote it (placeholders resolved): what was marked up."""
    resolved, _check = export_resolve(
        revision.snapshot, masked=False, options=export_options(report=report, masked=False)
    )
    return resolved


def _store_suggestion(
    *,
    report: Report,
    revision: Revision,
    block: Block,
    field_name: str,
    base: str,
    text: str,
    name: str,
    user,
) -> Suggestion:
    author = member_selectors.member_named(bureau_id=report.bureau_id, name=name)
    author_name = (author.get_full_name() or author.get_username()) if author else (name or UNSIGNED)
    mine = Suggestion.objects.filter(block=block, field=field_name, status=Suggestion.Status.OPEN)
    mine = mine.filter(author=author) if author else mine.filter(author=None, author_name=author_name)
    suggestion = mine.first() or Suggestion(
        report=report, block=block, field=field_name, author=author, author_name=author_name
    )
    suggestion.revision, suggestion.base_text, suggestion.text = revision, base, text
    suggestion.save()
    return suggestion


def _comment(*, report: Report, revision: Revision, block: Block | None, text: str, user) -> Comment | None:
    """A new comment, or None when the same one is already there (the same file uploaded again)."""
    text = clean_text(text)[:MAX_COMMENT]
    if Comment.objects.filter(report=report, block=block, text=text, parent=None).exists():
        return None
    return Comment.objects.create(
        report=report,
        revision=revision,
        block=block,
        block_label=(block.title or block.text)[:60] if block else "",
        author=user,
        text=text,
    )


def markup_import(*, report: Report, data: bytes, file_name: str, user) -> MarkupResult:
    """Turn a marked-up .docx of the latest submission into suggestions and comments (see module).

    Only a leader who may review the report, only while it is submitted (checked under a lock on
    the report row). Raises Forbidden, WrongState, InvalidInput (not a .docx, too big, unreadable,
    or nothing marked up in it: nothing is stored then)."""
    if not permissions.can_review(member_selectors.membership_for(user), report):
        raise Forbidden("只有分管该科室的审核领导可以导入修改稿。")
    read = _read(data, file_name)
    with transaction.atomic():
        if report_services.lock_status(report.pk) != Report.Status.SUBMITTED:
            raise WrongState("只能对已提交审核的报告导入修改稿。请刷新页面。")
        revision = report.revisions.order_by("-number").first()
        exported = _exported_snapshot(report, revision)
        placement = place_suggestions(read, exported)
        if not (placement.suggestions or placement.comments or placement.unplaced):
            raise InvalidInput(
                "文件中没有找到修订或批注。请在 Word 或 WPS 中打开“修订”后修改，或插入批注，保存后再导入。"
            )
        submitted = snapshot_block_fields(revision.snapshot)
        shown = snapshot_block_fields(exported)
        blocks = Block.objects.in_bulk([*submitted])
        result = MarkupResult(unplaced=list(placement.unplaced))
        for item in placement.suggestions:
            block_id, name = item["block_id"], item["field"]
            block = blocks.get(block_id)
            if block is None:
                result.unplaced.append(
                    {
                        "reason": "这一段已被删除，无法作为修改建议，请手工处理",
                        "author": item["author"],
                        "text": item["text"],
                    }
                )
                continue
            base = submitted[block_id][name]
            if shown[block_id][name] != base:
                # The field holds metric placeholders the export filled in: the leader edited the
                # figures as printed, which cannot be written back into the placeholders safely.
                result.unplaced.append(
                    {
                        "reason": "这一段含有自动填入的指标数据，修改无法自动对应，请手工处理",
                        "author": item["author"],
                        "text": item["text"],
                    }
                )
                continue
            if item["text"] == base:
                continue
            result.suggestions_created.append(
                _store_suggestion(
                    report=report,
                    revision=revision,
                    block=block,
                    field_name=name,
                    base=base,
                    text=item["text"],
                    name=item["author"],
                    user=user,
                )
            )
        for item in placement.comments:
            block = blocks.get(item["block_id"])
            author = member_selectors.member_named(bureau_id=report.bureau_id, name=item["author"])
            text = item["text"] if author else f"【{item['author'] or UNSIGNED}】{item['text']}"
            if block is None:
                text = f"（原批注位置已删除）{text}"
            comment = _comment(report=report, revision=revision, block=block, text=text, user=author or user)
            if comment is not None:
                result.comments_created.append(comment)
        for item in result.unplaced:
            text = f"未能定位的修改（{item['author'] or UNSIGNED}）：{item['text']}（原因：{item['reason']}）"
            _comment(report=report, revision=revision, block=None, text=text, user=user)
        audit(
            bureau_id=report.bureau_id,
            actor=user,
            action="markup_import",
            report=report,
            summary=(
                f"导入修改稿：{len(result.suggestions_created)} 条修改建议，"
                f"{len(result.comments_created)} 条批注，{len(result.unplaced)} 条未能定位"
            ),
            detail={
                "file": file_name[:200],
                "suggestions": [s.pk for s in result.suggestions_created],
                "comments": [c.pk for c in result.comments_created],
            },
        )
    return result
