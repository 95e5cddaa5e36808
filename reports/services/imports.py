"""Writes for importing a report (from a parsed preview) and carrying a report forward.

Both create the report through services.reports.report_create_from_content, so an imported report is an
ordinary draft of the importing drafter's department.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..core import tree
from ..core.importer import (
    ImportRefused,
    MetricDraft,
    ParsedReport,
    apply_plan,
    find_figures,
    plan_figures,
)
from ..core.importer.carry import carry_forward
from ..core.importer.model import match_sections
from ..core.kinds import fill
from ..core.metrics import resolve_snapshot
from ..core.text import clean_text
from ..core.years import YEAR_RANGE_MESSAGE, year_in_range
from ..errors import DuplicateReport, Forbidden, InvalidInput
from ..models import ImportDraft, Membership, Metric, Report, ReportKind
from ..selectors import imports as import_selectors
from ..selectors import members as member_selectors
from ..selectors import metrics as metric_selectors
from . import reports as report_services
from .audit import audit

__all__ = [
    "ImportResult",
    "import_draft_delete",
    "import_draft_save",
    "import_drafts_purge",
    "report_carry_forward",
    "report_import_create",
]

# Report field lengths (models.Report) checked before anything is written.
_LIMITS = {"title": 200, "subject": 100, "signature": 100, "date": 20}
_LABELS = {"title": "标题", "subject": "主体", "signature": "落款", "date": "日期"}


@dataclass
class ImportResult:
    report: Report
    created: list[str] = field(default_factory=list)  # metrics created
    existing: list[str] = field(default_factory=list)  # chosen metrics that already existed (unchanged)
    kept: list[str] = field(default_factory=list)  # figures left as text, with the reason
    prompts: list[str] = field(default_factory=list)  # carry forward: last year's plan items

    @property
    def message(self) -> str:
        parts = []
        if self.created:
            parts.append(f"新建指标{len(self.created)}项")
        if self.existing:
            parts.append(f"{len(self.existing)}项指标已存在、保留原值（{'、'.join(self.existing[:5])}）")
        if self.prompts:
            parts.append(f"去年计划{len(self.prompts)}条已列在写作要点中")
        return "；".join(parts)


# --- the preview being fixed -----------------------------------------------------------------------


def import_draft_save(*, user, draft_id: int | None, parsed: ParsedReport) -> tuple[int, int]:
    """Store the preview: in the user's row `draft_id` when it is theirs and unexpired (its revision
    goes up by one), else in a new row. Returns (row id, revision). Deletes every expired row on
    the way, so abandoned previews never pile up. Two queries when the row exists."""
    now = timezone.now()
    import_drafts_purge(now=now)
    payload, expires = parsed.to_state(), now + ImportDraft.TTL
    if draft_id is not None:
        rows = ImportDraft.objects.filter(pk=draft_id, owner=user, expires_at__gt=now)
        if rows.update(payload=payload, expires_at=expires, revision=F("revision") + 1):
            return draft_id, rows.values_list("revision", flat=True).get()
    draft = ImportDraft.objects.create(owner=user, payload=payload, expires_at=expires)
    return draft.pk, draft.revision


def import_draft_delete(*, user, draft_id: int | None) -> None:
    ImportDraft.objects.filter(pk=draft_id, owner=user).delete()


def import_drafts_purge(*, now=None) -> int:
    """Delete expired previews; returns how many."""
    deleted, _ = ImportDraft.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


# --- creating reports -------------------------------------------------------------------------------


def _drafter(user) -> Membership:
    membership = member_selectors.membership_for(user)
    if membership is None:
        raise InvalidInput("您的账号未加入任何财政局，无法新建报告。")
    if membership.role != Membership.Role.DRAFTER or membership.department_id is None:
        raise Forbidden("只有各科室的起草人可以导入或新建报告。")
    return membership


def _check_content(content: dict[str, Any]) -> None:
    """Refuse (InvalidInput) what the database or the editor would refuse later."""
    for key, limit in _LIMITS.items():
        value = clean_text(content.get(key) or "", multiline=False)
        if len(value) > limit:
            raise InvalidInput(f"{_LABELS[key]}过长（{len(value)}字），最多{limit}字，请在预览中修改。")
    for key, label in (("opening", "导语"), ("closing", "结尾")):
        if len(content.get(key) or "") > report_services.MAX_TEXT:
            raise InvalidInput(f"{label}过长（超过{report_services.MAX_TEXT}字），请在预览中拆分。")

    for visit in tree.walk(content.get("blocks", []), tree.any_children):
        for key in ("title", "lead", "text"):
            value = visit.node.get(key) or ""
            if len(value) > report_services.MAX_TEXT:
                raise InvalidInput(
                    f"“{value[:15]}…”过长（超过{report_services.MAX_TEXT}字），请在预览中拆分。"
                )


def _section_guidance(content: dict[str, Any], kind: ReportKind, year: int) -> None:
    """Level-1 headings get the guidance, target length and required flag of the kind's section
    they resemble most (an imported report rarely uses the template's exact titles)."""
    sections = kind.definition.get("sections", [])
    values = {"year": year, "next_year": year + 1, "subject": content.get("subject", "")}
    headings = [b for b in content["blocks"] if b["type"] == "heading"]
    pairs = match_sections([h["title"] for h in headings], [fill(s["title"], **values) for s in sections])
    for i, j in pairs.items():
        section = sections[j]
        headings[i].update(
            guidance=section.get("guidance", ""),
            target_chars=section.get("target_chars", 0),
            required=section.get("required", False),
        )


def _metric_rows(
    *, membership: Membership, year: int, drafts, user, source: str
) -> tuple[list[str], list[str]]:
    names = [d.name for d in drafts]
    existing = import_selectors.existing_metric_names(bureau_id=membership.bureau_id, year=year, names=names)
    new = [
        Metric(
            bureau_id=membership.bureau_id,
            year=year,
            period="",
            name=d.name,
            value=d.value,
            unit=d.unit,
            decimals=min(d.decimals, 6),
            prior_value=d.prior,
            budget_value=d.budget,
            source=source[:100],
            status=Metric.Status.PROVISIONAL,
            updated_by=user,
        )
        for d in drafts
        if d.name not in existing
    ]
    # ignore_conflicts: a metric created by someone else meanwhile is theirs; ours is not written.
    Metric.objects.bulk_create(new, ignore_conflicts=True)
    return [m.name for m in new], sorted(existing)


@transaction.atomic
def report_import_create(
    *,
    user,
    parsed: ParsedReport,
    kind: ReportKind,
    year: int,
    chosen: Mapping[str, str] | None = None,
    title: str | None = None,
    subject: str | None = None,
) -> ImportResult:
    """Create a draft from a parsed (and possibly user-fixed) import.

    `chosen` maps base figure ids (find_figures) to the metric names the user confirmed: those
    metrics are created for the bureau and year unless one of that name exists (it is then left
    as it is), and the figures become placeholders. Everything else stays literal text.
    Raises InvalidInput (bad year, over-long fields, conflicting metric names) or Forbidden.
    """
    membership = _drafter(user)
    if not year_in_range(year):
        raise InvalidInput(YEAR_RANGE_MESSAGE)
    if not kind.is_active:
        raise InvalidInput("该报告类型已停用。")
    parsed = parsed.copy()
    parsed.kind, parsed.year = kind.code, year
    if title is not None and clean_text(title, multiline=False):
        parsed.title = clean_text(title, multiline=False)
    if subject is not None:
        parsed.subject = clean_text(subject, multiline=False)
    try:
        plan = plan_figures(find_figures(parsed), chosen or {})
    except ImportRefused as refused:
        raise InvalidInput(str(refused)) from refused
    parsed = apply_plan(parsed, plan)
    content = parsed.to_content(year=year)
    content["department"] = membership.department.name if membership.department else ""
    _check_content(content)
    _section_guidance(content, kind, year)
    report = report_services.report_create_from_content(
        user=user, bureau=membership.bureau, kind=kind, content=content
    )
    created, existing = _metric_rows(
        membership=membership,
        year=year,
        drafts=list(plan.metrics.values()),
        user=user,
        source=f"导入：{report.title}",
    )
    audit(
        bureau_id=membership.bureau_id,
        actor=user,
        action="report_import",
        summary=f"导入报告“{report.title}”",
        report=report,
        detail={"metrics_created": created, "metrics_existing": existing},
    )
    return ImportResult(report, created, existing, plan.kept)


@transaction.atomic
def report_carry_forward(*, user, report: Report, allow_duplicate: bool = False) -> ImportResult:
    """Start next year's draft from `report` (the caller fetched it through a selector, so the user
    may open it): same kind, subject and structure with guidance and assignments; the period's
    years move on; figures are cleared unless they name one of last year's metrics (then they
    become its placeholder); last year's plan items become "去年计划：…" guidance on the 成效
    section. Only the metrics the placeholders name are created for the new year, without a value
    and with last year's value as 上年同期, unless they exist: no metric is made from prose.
    Raises DuplicateReport when next year's report already exists (selectors.imports.
    carry_forward_duplicate) unless `allow_duplicate`."""
    membership = _drafter(user)
    if report.bureau_id != membership.bureau_id:
        raise Forbidden("不能以其他单位的报告为基础新建。")
    year = report.year + 1
    if not year_in_range(year):
        raise InvalidInput(YEAR_RANGE_MESSAGE)
    existing = None if allow_duplicate else import_selectors.carry_forward_duplicate(user=user, report=report)
    if existing is not None:
        raise DuplicateReport(existing)
    last_values = metric_selectors.metric_values_for_report(report)
    result = carry_forward(
        import_selectors.report_outline_content(report), year=report.year, known=frozenset(last_values)
    )
    content = result.content
    content["department"] = membership.department.name if membership.department else ""
    _check_content(content)
    new = report_services.report_create_from_content(
        user=user, bureau=membership.bureau, kind=report.kind, content=content
    )

    # The new year's metrics: every name a placeholder uses, old placeholders included.
    _resolved, check = resolve_snapshot(content, last_values)
    names = [*result.metrics, *sorted(check.metrics_used - set(result.metrics))]
    last_year = import_selectors.metrics_by_name(
        bureau_id=report.bureau_id, year=report.year, names=names, period=report.period
    )
    drafts = []
    for name in names:
        old = last_year.get(name)
        unit, value, decimals = result.metrics.get(name, ("", None, 1))
        drafts.append(
            MetricDraft(
                name=name,
                value=None,
                unit=old.unit if old else unit,
                decimals=old.decimals if old else decimals,
                prior=old.value if old else value,
            )
        )
    created, existing = _metric_rows(
        membership=membership, year=year, drafts=drafts, user=user, source=f"沿用{report.year}年报告"
    )
    audit(
        bureau_id=membership.bureau_id,
        actor=user,
        action="report_carry_forward",
        summary=f"以“{report.title}”为基础新建{year}年报告",
        report=new,
        detail={"from_report": report.pk, "metrics_created": created},
    )
    return ImportResult(new, created, existing, [], result.prompts)
