"""Reuse a paragraph or point of last year's report in this year's (去年同节 → 插入)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from ..core.importer.carry import carry_text
from ..errors import Forbidden, InvalidInput
from ..models import AuditLog, Block
from ..selectors import metrics as metric_selectors
from ..selectors import reports as report_selectors
from ..selectors import reuse as reuse_selectors
from . import reports as report_services
from .audit import audit

__all__ = ["ReuseResult", "block_reuse"]


@dataclass
class ReuseResult:
    block: Block
    placeholders: int  # figures that became placeholders of this year's metrics
    hand_typed: int  # figures left as typed, to be checked by hand

    @property
    def message(self) -> str:
        text = f"已插入{self.block.source_label}"
        if self.placeholders:
            text += f"，{self.placeholders}处数字已转为本年指标"
        if self.hand_typed:
            text += f"，{self.hand_typed}处数字为手工录入，请逐一核对（检查栏中列出）"
        return text + "。"


@transaction.atomic
def block_reuse(
    *, user, section: Block, source_report_id: int, source_block_id: int, after: Block | None = None
) -> ReuseResult:
    """Insert a copy of a point or paragraph of another report into heading `section` of this
    report: at the end of the section, or after `after` (a block directly under it).

    The source must be a report the user may open (else Forbidden: no hint that it exists) and
    the block a point or paragraph of its content (approved revision's snapshot, else live
    blocks). The text goes through carry_text: the period's years move on by one, a figure confidently named as one of this report's metrics becomes its
    placeholder, the others stay as typed and are counted. The new block records its source
    (report id, title, path) and is added through services.reports.block_add, whose guard
    refuses (NotEditable / Forbidden) unless the report is editable and the user may edit that
    section. One audit row."""
    report = section.report
    if section.type != Block.Type.HEADING:
        raise InvalidInput("只能插入到标题下。")
    if after is not None and after.parent_id != section.pk:
        raise InvalidInput("插入位置无效，请刷新页面。")
    source = report_selectors.reports_for_user(user=user).filter(pk=source_report_id).first()
    if source is None or source.bureau_id != report.bureau_id:
        raise Forbidden("您无权查看所引用的报告，不能插入其内容。")
    passage = reuse_selectors.passage_of(source, source_block_id)
    if passage is None:
        raise InvalidInput("所引用的段落已不存在，请刷新页面。")
    known = frozenset(metric_selectors.metric_values_for_report(report))
    carried = carry_text(passage.text, year=source.year, known=known)
    block = report_services.block_add(
        report=report,
        type=passage.type,
        user=user,
        parent=None if after else section,
        after=after,
    )
    block.title, block.text = passage.lead, carried.text
    block.source = {"report": source.pk, "title": source.title, "path": passage.path}
    block.save(update_fields=["title", "text", "source", "updated_at"])
    audit(
        bureau_id=report.bureau_id,
        actor=user,
        action=AuditLog.Action.BLOCK_REUSE,
        report=report,
        summary=f"插入{block.source_label}",
        detail={
            "block": block.pk,
            "source_report": source.pk,
            "source_block": source_block_id,
            "placeholders": carried.placeholders,
            "hand_typed": carried.hand_typed,
        },
    )
    return ReuseResult(block, carried.placeholders, carried.hand_typed)
