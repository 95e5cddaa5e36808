"""Writes on reports and their outline (blocks)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, NoReturn

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .. import permissions
from ..core.importer.limits import MAX_BLOCKS, too_many_blocks
from ..core.kinds import fill, load_kinds
from ..core.text import clean_text
from ..core.years import YEAR_RANGE_MESSAGE, year_in_range
from ..errors import BlockConflict, Forbidden, InvalidInput, NotEditable, ReportFieldsConflict, WrongState
from ..models import AuditLog, Block, Bureau, Report, ReportKind
from ..selectors import members as member_selectors
from .audit import audit, audit_entry, audit_insert_from

__all__ = [
    "MAX_TEXT",
    "REPORT_FIELDS",
    "REPORT_FIELD_PARTS",
    "block_add",
    "block_delete",
    "block_move",
    "block_save",
    "cn_date",
    "count_blocks",
    "guard_edit",
    "lock_status",
    "kinds_sync",
    "kinds_sync_after_migrate",
    "report_create",
    "report_create_from_content",
    "report_delete",
    "report_purge",
    "report_restore",
    "report_update_fields",
    "section_department_id",
]

logger = logging.getLogger(__name__)

MAX_DEPTH = 3
MAX_TEXT = 20_000  # characters per field; a section longer than this is a paste accident
SINGLE_LINE_FIELDS = ("title", "subject", "period", "signature", "sign_date")


# --- kinds ---------------------------------------------------------------------------------------


def kinds_sync() -> int:
    """Mirror templates_docx/kinds/*.json into ReportKind rows (create or update). Returns the count."""
    kinds = load_kinds()
    for code, definition in kinds.items():
        ReportKind.objects.update_or_create(
            code=code, defaults={"name": definition["name"], "definition": definition}
        )
    return len(kinds)


def kinds_sync_after_migrate(sender, **kwargs) -> None:
    kinds_sync()


# --- reports -------------------------------------------------------------------------------------


def cn_date(day: dt.date) -> str:
    """GB 7.3.5.4: full year, no leading zeros: 2024年1月5日."""
    return f"{day.year}年{day.month}月{day.day}日"


@transaction.atomic
def report_create(*, user, kind: ReportKind, year: int, subject: str = "", period: str = "") -> Report:
    """Create a report owned by the drafter's department, with the kind's default outline."""
    membership = member_selectors.membership_for(user)
    if membership is None:
        raise InvalidInput("您的账号未加入任何财政局，无法新建报告。")
    if membership.role != membership.Role.DRAFTER or membership.department_id is None:
        raise Forbidden("只有各科室的起草人可以新建报告。")
    if not year_in_range(year):
        raise InvalidInput(YEAR_RANGE_MESSAGE)
    definition = kind.definition
    subject = clean_text(subject, multiline=False)[:100]
    values = {"year": year, "next_year": year + 1, "subject": subject}
    bureau: Bureau = membership.bureau
    end_signature = definition.get("signature") == "end"
    report = Report.objects.create(
        bureau=bureau,
        department=membership.department,
        kind=kind,
        year=year,
        period=clean_text(period, multiline=False)[:20],
        title=fill(definition["title"], **values).strip()[:200],
        subject=subject,
        signature=bureau.name if end_signature else "",
        sign_date=cn_date(timezone.localdate()) if end_signature else "",
        created_by=user,
    )
    Block.objects.bulk_create(
        Block(
            report=report,
            position=i,
            type=Block.Type.HEADING,
            title=fill(section["title"], **values),
            guidance=section.get("guidance", ""),
            target_chars=section.get("target_chars", 0),
            required=section.get("required", False),
        )
        for i, section in enumerate(definition["sections"])
    )
    return report


def _check_editable(report: Report) -> None:
    if not report.is_editable:
        raise NotEditable(f"报告当前状态为“{report.get_status_display()}”，不能修改。")


def _lock_status(report_id: int, *, for_update: bool = False) -> str:
    """The report's status, read under a row lock (PostgreSQL) held to the end of the transaction.

    Block writes take a share lock and never write the report row in the same transaction, so
    any number of them run side by side without deadlocking; a submission's conditional UPDATE
    waits for them, and its revision contains every save that got in before it, none after.
    Writes to the report row itself take FOR NO KEY UPDATE up front (no lock upgrade, so no
    deadlock between two of them).
    """
    lock = ""
    if connection.vendor == "postgresql":
        lock = " FOR NO KEY UPDATE" if for_update else " FOR SHARE"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT status, deleted_at FROM reports_report WHERE id = %s{lock}", [report_id])
        row = cursor.fetchone()
    if row is None:
        raise InvalidInput("报告已不存在。")
    if row[1] is not None:
        raise NotEditable("报告已被删除（在回收站中），不能修改。")
    return row[0]


def section_department_id(block: Block | None) -> int | None:
    """The department assigned to the top-level section that holds `block`."""
    while block is not None and block.parent_id is not None:
        block = block.parent
    return None if block is None else block.assigned_department_id


def _guard_edit(
    *, report: Report, user, section: Block | None = None, whole: bool = False, writes_report: bool = False
) -> None:
    """Inside a transaction: refuse unless the report is editable now and the user may edit this part."""
    report.status = _lock_status(report.pk, for_update=writes_report)
    _check_editable(report)
    _check_part(report=report, user=user, section=section, whole=whole)


def _check_part(*, report: Report, user, section: Block | None, whole: bool = False) -> None:
    membership = member_selectors.membership_for(user)
    if not permissions.can_edit_part(membership, report, section_department_id(section), whole=whole):
        raise Forbidden("您没有修改这一部分的权限：报告由牵头科室起草，其他科室只能修改分配给本科室的章节。")


def _check_editable_row(report: Report) -> None:
    """block_save's early refusal, before the permission and length checks: when the row as loaded
    says deleted or not editable, read it again (it may be stale) and refuse. An editable-looking
    row costs nothing here: the UPDATE checks the status again."""
    if report.deleted_at is not None or not report.is_editable:
        report.status = _lock_status(report.pk)
        _check_editable(report)


guard_edit = _guard_edit  # for the other services that edit a report's text (proofreading's fixes)
lock_status = _lock_status  # for the services that write beside a report (leaders' suggestions)


def _clean_field(name: str, value: str) -> str:
    value = clean_text(value, multiline=name not in SINGLE_LINE_FIELDS)
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"内容过长（{len(value)}字），单项最多{MAX_TEXT}字，请分段。")
    return value


# The report's own fields, in the two editor forms that hold them; each form has its own version.
REPORT_FIELD_PARTS = {
    "head": ("title", "subject", "period", "opening"),
    "tail": ("closing", "signature", "sign_date"),
}
REPORT_FIELDS = REPORT_FIELD_PARTS["head"] + REPORT_FIELD_PARTS["tail"]


@transaction.atomic
def report_update_fields(
    *, report: Report, data: dict[str, str], user, part: str | None = None, version: int | None = None
) -> Report:
    """Save the report's own fields, like a block save.

    The editor saves one form at a time (`part`: head or tail) with the version it was shown; the
    check is one conditional UPDATE on that part's version column, so two saves from the same
    version cannot both succeed, and the two forms never conflict with each other. Without a
    `version` (internal callers: import, tests) the write is unconditional and bumps the versions
    of the parts it touches. Fields of `data` outside `part` are ignored.
    Raises ReportFieldsConflict (with the stored report) when `version` is stale, InvalidInput for
    an unknown part, an empty title or over-long text, NotEditable/Forbidden like every edit.
    Each successful save writes one audit row.
    """
    if part is not None and part not in REPORT_FIELD_PARTS:
        raise InvalidInput("未知的报告栏目。")
    _guard_edit(report=report, user=user, whole=True, writes_report=True)
    names = REPORT_FIELD_PARTS[part] if part else REPORT_FIELDS
    changes: dict[str, Any] = {}
    for name in names:
        if name in data:
            value = _clean_field(name, data[name])
            field = Report._meta.get_field(name)
            if field.max_length and len(value) > field.max_length:
                raise InvalidInput(f"“{field.verbose_name}”最多{field.max_length}字。")
            changes[name] = value
    if "title" in changes and not changes["title"]:
        raise InvalidInput("标题不能为空。")
    parts = [part] if part else [p for p, fields in REPORT_FIELD_PARTS.items() if set(fields) & set(changes)]
    bumps = {f"{p}_version": F(f"{p}_version") + 1 for p in parts}
    rows = Report.objects.filter(pk=report.pk)
    if version is not None:
        rows = rows.filter(**{f"{part}_version": version})
    if not rows.update(**changes, **bumps, updated_at=timezone.now()):
        raise ReportFieldsConflict(Report.objects.get(pk=report.pk), part or "head")
    for name, value in changes.items():
        setattr(report, name, value)
    report.refresh_from_db(fields=[f"{p}_version" for p in REPORT_FIELD_PARTS])
    audit(
        bureau_id=report.bureau_id,
        actor=user,
        action=AuditLog.Action.REPORT_FIELDS_SAVE,
        report=report,
        summary="修改" + "、".join(str(Report._meta.get_field(n).verbose_name) for n in changes),
        detail={"fields": sorted(changes)},
    )
    return report


# --- the 回收站 (soft delete) --------------------------------------------------------------------


def _lock_report(report: Report) -> Report:
    """The report row as stored now, locked like a write to the report row (see _lock_status)."""
    locked = Report.objects.select_for_update(no_key=True).filter(pk=report.pk).first()
    if locked is None:
        raise WrongState("报告已被彻底删除。请刷新页面。")
    return locked


@transaction.atomic
def report_delete(*, report: Report, user) -> None:
    """Move a report to the 回收站: from then on every list, selector and URL treats it as absent.

    The bureau's admin may delete any report of the bureau; the owner only a draft (draft or
    returned, never approved). The state is read under the report row's lock, so a submission
    that commits first wins and the delete is refused (WrongState). Raises Forbidden for anyone
    else. Writes one audit row; nothing is removed (report_restore undoes it).
    """
    membership = member_selectors.membership_for(user)
    locked = _lock_report(report)
    if locked.deleted_at is not None:
        raise WrongState("报告已在回收站中。请刷新页面。")
    if not permissions.can_delete_report(membership, locked):
        if permissions.owns(membership, locked):
            raise WrongState(
                f"报告当前状态为“{locked.get_status_display()}”，起草人只能删除未提交、未审定过的草稿。"
                "如需删除，请联系管理员。"
            )
        raise Forbidden("只有牵头科室的起草人（限草稿）和管理员可以删除报告。")
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(deleted_at=now, deleted_by=user)
    report.deleted_at, report.deleted_by = now, user
    audit(
        bureau_id=report.bureau_id,
        actor=user,
        action=AuditLog.Action.REPORT_DELETE,
        report=report,
        summary=f"删除报告《{report.title}》（移入回收站，可恢复）",
    )


@transaction.atomic
def report_restore(*, report: Report, user) -> None:
    """Take a report out of the 回收站, as it was. Allowed to whoever finds it in their 回收站
    (permissions.trash_q). Raises WrongState when it is not deleted (any more), Forbidden
    otherwise. Writes one audit row."""
    membership = member_selectors.membership_for(user)
    locked = _lock_report(report)
    if locked.deleted_at is None:
        raise WrongState("报告不在回收站中（可能已被恢复）。请刷新页面。")
    if (
        membership is None
        or not Report.objects.filter(permissions.trash_q(membership), pk=report.pk).exists()
    ):
        raise Forbidden("您不能恢复这份报告。")
    Report.objects.filter(pk=report.pk).update(deleted_at=None, deleted_by=None)
    report.deleted_at = report.deleted_by = None
    audit(
        bureau_id=report.bureau_id,
        actor=user,
        action=AuditLog.Action.REPORT_RESTORE,
        report=report,
        summary=f"从回收站恢复报告《{report.title}》",
    )


@transaction.atomic
def report_purge(*, report: Report, user) -> None:
    """Delete a report of the 回收站 for good, with its outline, revisions, comments and exports.

    The bureau's admin only (Forbidden otherwise); only a report already in the 回收站
    (WrongState otherwise). The audit row keeps the title and id, since the report is gone.
    """
    locked = _lock_report(report)
    if not permissions.can_purge_report(member_selectors.membership_for(user), locked):
        if locked.deleted_at is None:
            raise WrongState("只能彻底删除回收站中的报告。")
        raise Forbidden("只有管理员可以彻底删除报告。")
    audit(
        bureau_id=report.bureau_id,
        actor=user,
        action=AuditLog.Action.REPORT_PURGE,
        summary=f"彻底删除报告《{report.title}》（不可恢复）",
        detail={"report": report.pk, "title": report.title, "year": report.year},
    )
    locked.delete()


# --- blocks --------------------------------------------------------------------------------------


def _depth(block: Block | None) -> int:
    """Heading depth of a block's position (0 = top level)."""
    depth = 0
    while block is not None:
        depth += 1
        block = block.parent
    return depth


def _compact(report: Report, parent_id: int | None) -> None:
    siblings = list(Block.objects.filter(report=report, parent_id=parent_id).order_by("position", "id"))
    changed = []
    for i, block in enumerate(siblings):
        if block.position != i:
            block.position = i
            changed.append(block)
    Block.objects.bulk_update(changed, ["position"])


def block_save(*, block: Block, version: int, data: dict[str, Any], user) -> Block:
    """Save a block's text with an optimistic version check, in one statement on PostgreSQL.

    The block's conditional UPDATE (`WHERE id = %s AND version = %s AND` the report is editable,
    its row read FOR SHARE as _lock_status does) and the audit row's INSERT are one statement
    (a data-modifying CTE: atomic without a transaction, no audit row when no row was updated), so
    two concurrent saves from the same version cannot both succeed and a submission waits for the
    save. Only when nothing was updated is the reason read: NotEditable (the report is no longer a
    draft, or deleted), InvalidInput (the block was deleted), else BlockConflict (with the stored
    block). Forbidden when the user may not edit this section, InvalidInput for over-long text,
    both before any write. Other databases: the same UPDATE and audit row in a transaction.
    """
    _check_editable_row(block.report)
    _check_part(report=block.report, user=user, section=block)
    title = _clean_field(
        "title" if block.type == Block.Type.HEADING else "lead", data.get("title", block.title)
    )
    if block.type == Block.Type.HEADING:
        title = clean_text(title, multiline=False)
    text = _clean_field("text", data.get("text", block.text))
    run_in = bool(data.get("run_in", block.run_in)) and block.type == Block.Type.HEADING
    inline = bool(data.get("inline", block.inline)) and block.type != Block.Type.HEADING
    entry = audit_entry(
        bureau_id=block.report.bureau_id,
        actor=user,
        action="block_save",
        report=block.report,
        summary=f"修改{block.get_type_display()}（第{version + 1}版）",
        detail={"block": block.pk, "version": version + 1},
    )
    if not _update_block(block.pk, version, [title, text, run_in, inline, timezone.now()], entry):
        _why_not_saved(block)
    block.title, block.text, block.run_in, block.inline = title, text, run_in, inline
    block.version = version + 1
    return block


_BLOCK_UPDATE = (
    "UPDATE reports_block SET title = %s, text = %s, run_in = %s, inline = %s, version = version + 1, "
    "updated_at = %s WHERE id = %s AND version = %s AND EXISTS (SELECT 1 FROM reports_report "
    "WHERE id = reports_block.report_id AND status IN (%s, %s) AND deleted_at IS NULL{lock})"
)


def _update_block(pk: int, version: int, values: list[Any], entry) -> bool:
    """The conditional UPDATE of block_save and its audit row; True when the block was updated."""
    params = [*values, pk, version, Report.Status.DRAFT, Report.Status.RETURNED]
    if connection.vendor == "postgresql":
        insert, insert_params = audit_insert_from(entry, "saved")
        sql = f"WITH saved AS ({_BLOCK_UPDATE.format(lock=' FOR SHARE')} RETURNING id) {insert}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params + insert_params)
            return cursor.rowcount == 1
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_BLOCK_UPDATE.format(lock=""), params)
        if cursor.rowcount != 1:
            return False
        entry.save(force_insert=True)
        return True


def _why_not_saved(block: Block) -> NoReturn:
    """Raise the reason block_save's conditional UPDATE changed nothing."""
    report = block.report
    report.status = _lock_status(report.pk)
    _check_editable(report)
    current = Block.objects.filter(pk=block.pk).first()
    if current is None:
        raise InvalidInput("此段已被删除，您的内容仍保留在页面中，可复制到其他位置。")
    raise BlockConflict(current)


@transaction.atomic
def block_add(
    *, report: Report, type: str, user, parent: Block | None = None, after: Block | None = None
) -> Block:
    """Insert an empty block under `parent` (None = top level), after `after` or at the end.

    Raises InvalidInput when the report already has MAX_BLOCKS blocks (or for a fourth heading
    level, or a parent that is not a heading)."""
    if type not in Block.Type.values:
        raise InvalidInput("未知的内容类型。")
    if after is not None:
        parent = after.parent
    _guard_edit(report=report, user=user, section=parent, whole=parent is None)
    if parent is not None and parent.type != Block.Type.HEADING:
        raise InvalidInput("只能在标题下添加内容。")
    if type == Block.Type.HEADING and _depth(parent) >= MAX_DEPTH:
        raise InvalidInput("标题最多三级（一、（一）1.）。")
    if Block.objects.filter(report=report).count() >= MAX_BLOCKS:
        raise InvalidInput(too_many_blocks())
    siblings = Block.objects.filter(report=report, parent=parent)
    if after is not None:
        position = after.position + 1
        siblings.filter(position__gte=position).update(position=F("position") + 1)
    else:
        last = siblings.order_by("-position").first()
        position = last.position + 1 if last else 0
    return Block.objects.create(report=report, parent=parent, position=position, type=type)


@transaction.atomic
def block_delete(*, block: Block, user) -> None:
    """Delete a block with everything under it; the remaining siblings close the gap."""
    _guard_edit(report=block.report, user=user, section=block, whole=block.parent_id is None)
    report, parent_id = block.report, block.parent_id
    block.delete()
    _compact(report, parent_id)


@transaction.atomic
def block_move(*, block: Block, direction: str, user) -> None:
    """Move a block one place up or down among its siblings.

    At the edge of its section, a point or paragraph moves into the neighbouring section of the
    same level (to its end when moving up, to its start when moving down); a heading stays put.
    """
    if direction not in ("up", "down"):
        raise InvalidInput("未知的移动方向。")
    report = block.report
    _guard_edit(report=report, user=user, section=block, whole=block.parent_id is None)
    siblings = list(Block.objects.filter(report=report, parent_id=block.parent_id).order_by("position", "id"))
    index = next(i for i, b in enumerate(siblings) if b.pk == block.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
        for i, b in enumerate(siblings):
            b.position = i
        Block.objects.bulk_update(siblings, ["position"])
        return
    if block.type == Block.Type.HEADING or block.parent is None:
        return
    parent = block.parent
    parents = list(
        Block.objects.filter(report=report, parent_id=parent.parent_id, type=Block.Type.HEADING).order_by(
            "position", "id"
        )
    )
    pi = next(i for i, b in enumerate(parents) if b.pk == parent.pk)
    neighbour_index = pi - 1 if direction == "up" else pi + 1
    if not 0 <= neighbour_index < len(parents):
        return
    neighbour = parents[neighbour_index]
    _guard_edit(report=report, user=user, section=neighbour)  # the destination section too
    if direction == "up":
        last = neighbour.children.order_by("-position").first()
        block.position = last.position + 1 if last else 0
    else:
        neighbour.children.update(position=F("position") + 1)
        block.position = 0
    block.parent = neighbour
    block.save(update_fields=["parent", "position"])
    _compact(report, parent.pk)


# --- content from a snapshot (demo data, later: import) -------------------------------------------


def count_blocks(blocks: list[dict[str, Any]]) -> int:
    """Blocks in a snapshot-shaped tree, children included."""
    return sum(1 + count_blocks(b.get("children", [])) for b in blocks)


def _create_blocks(report: Report, blocks: list[dict[str, Any]]) -> None:
    """Create a block tree with one INSERT per level (at most MAX_DEPTH + 1), whatever its size:
    each level's rows get their ids back from bulk_create and become the next level's parents.
    Every field comes from the dict (guidance, target length, required, assignment included), so
    nothing is updated afterwards."""
    level: list[tuple[Block | None, list[dict[str, Any]]]] = [(None, blocks)]
    depth = 0
    while level:
        rows: list[Block] = []
        below: list[tuple[Block | None, list[dict[str, Any]]]] = []
        for parent, items in level:
            for position, data in enumerate(items):
                kind = data["type"]
                if kind == Block.Type.HEADING and depth >= MAX_DEPTH:
                    raise InvalidInput("标题最多三级（一、（一）1.）。")
                block = Block(
                    report=report,
                    parent=parent,
                    position=position,
                    type=kind,
                    title=clean_text(
                        data.get("title") or data.get("lead", ""), multiline=kind != Block.Type.HEADING
                    ),
                    text=clean_text(data.get("text", "")),
                    run_in=bool(data.get("run_in")) and kind == Block.Type.HEADING,
                    inline=bool(data.get("inline")) and kind != Block.Type.HEADING,
                    guidance=data.get("guidance", "") or "",
                    target_chars=data.get("target_chars", 0) or 0,
                    required=bool(data.get("required")),
                    assigned_department_id=data.get("assigned_department_id"),
                )
                rows.append(block)
                if kind == Block.Type.HEADING and data.get("children"):
                    below.append((block, data["children"]))
        Block.objects.bulk_create(rows)
        level, depth = below, depth + 1


@transaction.atomic
def report_create_from_content(*, user, bureau: Bureau, kind: ReportKind, content: dict[str, Any]) -> Report:
    """Create a report whose fields and outline come from a snapshot-shaped dict.

    Level-1 headings that match one of the kind's sections by title get its guidance and target
    length, unless the dict gives a guidance of its own. Raises InvalidInput for more than
    MAX_BLOCKS blocks (nothing is written) or a fourth heading level. A fixed number of queries.
    """
    count = count_blocks(content.get("blocks", []))
    if count > MAX_BLOCKS:
        raise InvalidInput(too_many_blocks(count))
    year = int(content["year"])
    values = {"year": year, "next_year": year + 1, "subject": content.get("subject", "")}
    sections = {fill(s["title"], **values): s for s in kind.definition.get("sections", [])}
    department = bureau.departments.filter(name=content.get("department", "")).first()
    report = Report.objects.create(
        bureau=bureau,
        department=department,
        kind=kind,
        year=year,
        period=clean_text(content.get("period", ""), multiline=False),
        title=clean_text(content["title"], multiline=False),
        subject=clean_text(content.get("subject", ""), multiline=False),
        opening=clean_text(content.get("opening", "")),
        closing=clean_text(content.get("closing", "")),
        signature=clean_text(content.get("signature", ""), multiline=False),
        sign_date=clean_text(content.get("date", ""), multiline=False),
        created_by=user,
    )
    blocks = []
    for block in content.get("blocks", []):
        section = sections.get(block.get("title", ""))
        if block["type"] == "heading" and section and "guidance" not in block:
            block = dict(block, guidance=section["guidance"], target_chars=section["target_chars"])
        blocks.append(block)
    _create_blocks(report, blocks)
    return report
