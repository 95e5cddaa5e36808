"""Writes of proofreading (校对): the bureau's 提法 list seed, ignoring a finding, and applying every
safe fix of a report in one audited step. The findings themselves are read by
selectors.proofread; a single fix in the editor goes through the normal block save."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..core.proofread import apply_fixes
from ..core.proofread.phrases import STARTER_LIST
from ..errors import InvalidInput, WrongState
from ..models import AuditLog, Block, Bureau, IgnoredFinding, Phrase, Report
from ..selectors import proofread as proofread_selectors
from . import search as search_services
from .audit import audit
from .reports import REPORT_FIELD_PARTS, guard_edit

__all__ = ["FixResult", "finding_ignore", "phrases_seed", "report_fix_safe"]

MAX_REASON = 200


def phrases_seed(*, bureau: Bureau) -> int:
    """Give `bureau` the starter 提法 list (core/proofread/phrases.json, each entry with its
    source). Idempotent: an entry the bureau already has (edited or disabled) is left alone.
    Called when a bureau is created (the Django admin, seed_demo); migration 0012 seeded the
    bureaus that existed before. Returns the number of entries added."""
    entries = json.loads(STARTER_LIST.read_text(encoding="utf-8"))
    have = set(Phrase.objects.filter(bureau=bureau).values_list("discouraged", flat=True))
    rows = [
        Phrase(
            bureau=bureau,
            discouraged=e["discouraged"],
            preferred=e["preferred"],
            note=e.get("note", ""),
            source=e.get("source", ""),
        )
        for e in entries
        if e["discouraged"] not in have
    ]
    Phrase.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _parse_where(where: str) -> tuple[int | None, str]:
    block_id, _, field = (where or "").partition(":")
    try:
        return (int(block_id) if block_id else None), field
    except ValueError:
        return -1, field


@transaction.atomic
def finding_ignore(
    *, report: Report, user, where: str, rule: str, start: int, end: int, reason: str = ""
) -> IgnoredFinding:
    """Ignore one open finding of the report: `where` ("<block id>:<field>" or ":<report field>",
    as Item.where gives it), `rule`, `start` and `end` name it in the text as stored now.

    Only who may edit that place, while the report is a draft (NotEditable, Forbidden otherwise).
    Raises WrongState when no such finding is open any more (the text changed meanwhile) and
    InvalidInput for an error (an unresolved placeholder, an empty required section: it blocks
    submission and must be fixed). Writes the row and one audit row.
    """
    block_id, field = _parse_where(where)
    block = None
    if block_id is not None:
        block = Block.objects.filter(report=report, pk=block_id).first()
        if block is None:
            raise WrongState("这一段已不存在，请刷新页面。")
    guard_edit(report=report, user=user, section=block, whole=block is None)
    found = proofread_selectors.report_proofread(report)
    item = next(
        (
            i
            for i in found.items
            if i.block_id == block_id
            and i.field == field
            and i.rule == rule
            and (i.start, i.end) == (start, end)
        ),
        None,
    )
    if item is None:
        raise WrongState("这条提示已不存在（内容已修改或已忽略），请刷新后查看。")
    if item.severity == "error":
        raise InvalidInput("这是错误（会阻止提交审核），不能忽略，请修改。")
    row = IgnoredFinding.objects.create(
        report=report,
        block=block,
        field=field,
        rule=rule,
        text=item.text[:200],
        sentence=item.sentence,
        reason=(reason or "").strip()[:MAX_REASON],
        created_by=user,
    )
    audit(
        bureau_id=report.bureau_id,
        actor=user,
        action=AuditLog.Action.PROOFREAD_IGNORE,
        report=report,
        summary=f"校对：忽略{item.label}的提示“{item.message}”"
        + (f"（理由：{row.reason}）" if row.reason else ""),
        detail={"rule": rule, "block": block_id, "field": field, "text": row.text},
    )
    return row


@dataclass(frozen=True)
class FixResult:
    applied: int  # safe fixes written
    skipped: int  # safe fixes left alone: their block changed since the user saw it


def _version_key(block_id: int | None, field: str) -> str:
    """The key a version is posted under: "block-<id>", or the report form part holding the field."""
    if block_id is not None:
        return f"block-{block_id}"
    return next(part for part, names in REPORT_FIELD_PARTS.items() if field in names)


@transaction.atomic
def report_fix_safe(*, report: Report, user, versions: Mapping[str, int]) -> FixResult:
    """Apply every safe fix of the report's open findings in one transaction and one audit row.

    `versions` holds the version of each place the user saw ("block-<id>", "head", "tail"); a
    block or report part whose stored version differs (changed since) is skipped whole, its fixes
    counted in `skipped`. Each write is a conditional UPDATE on that version, like a block save.
    The report owner only, while the report is a draft (Forbidden, NotEditable otherwise).
    """
    guard_edit(report=report, user=user, whole=True, writes_report=True)
    found = proofread_selectors.report_proofread(report)
    groups: dict[str, dict[str, list]] = {}
    texts: dict[tuple[str, str], str] = {}
    for item in found.items:
        if item.safe and item.fix is not None and item.field:
            key = _version_key(item.block_id, item.field)
            groups.setdefault(key, {}).setdefault(item.field, []).append(item.finding)
            texts[key, item.field] = item.place.text
    applied = skipped = 0
    changed_blocks: list[int] = []
    now = timezone.now()
    for key, fields in groups.items():
        count = sum(len(findings) for findings in fields.values())
        changes = {name: apply_fixes(texts[key, name], findings) for name, findings in fields.items()}
        seen = versions.get(key)
        if key.startswith("block-"):
            block_id = int(key.removeprefix("block-"))
            rows = Block.objects.filter(pk=block_id, version=seen)
            done = seen is not None and rows.update(**changes, version=F("version") + 1, updated_at=now)
            if done:
                changed_blocks.append(block_id)
        else:
            rows = Report.objects.filter(pk=report.pk, **{f"{key}_version": seen})
            done = seen is not None and rows.update(**changes, **{f"{key}_version": F(f"{key}_version") + 1})
        if done:
            applied += count
        else:
            skipped += count
    if not applied and not skipped:
        raise WrongState("没有可以自动修改的安全项。")
    Report.objects.filter(pk=report.pk).update(updated_at=now)
    search_services.search_index_later(report_id=report.pk)
    summary = f"校对：修改全部安全项，共修改{applied}处"
    audit(
        bureau_id=report.bureau_id,
        actor=user,
        action=AuditLog.Action.PROOFREAD_FIX,
        report=report,
        summary=summary + (f"，{skipped}处因内容已变化未修改" if skipped else ""),
        detail={"applied": applied, "skipped": skipped, "blocks": changed_blocks},
    )
    return FixResult(applied, skipped)
