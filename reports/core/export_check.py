"""What an export would get wrong without saying so: the warnings shown before a Word file is made.

An exact export renders a placeholder without a value as ``**`` and a point with neither lead nor
text as a bare "二是"; neither stops the render, so the user is told first, place by place, and
chooses to export anyway or to go back. Steps:

1. resolve the snapshot once, exactly as the export does (reports.core.metrics.resolve_snapshot),
   so every placeholder carries the field it stands in ("blocks.1.children.0.text");
2. number the outline as the printed report does (reports.core.numbering) and name every field by
   its place: "二、（一）二是", "三、第2段", "导语";
3. list the problems in reading order: a placeholder that renders ``**`` (exact copy only; a masked
   copy masks every figure anyway), an empty point, an empty heading.

Pure: no Django, no Celery.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from .metrics import MASK, MetricValue, resolve_snapshot
from .numbering import number_blocks, numbering_for
from .tree import block_path, walk

# Report-level text fields and how the user knows them (the labels of the editor's head form).
FIELD_LABELS = {
    "title": "标题",
    "subtitle": "副标题",
    "opening": "导语",
    "closing": "结尾",
    "signature": "落款",
    "date": "日期",
}


def _places(blocks: Any, out: dict[str, str], problems: list[tuple[str, str]]) -> None:
    """Name every block of a numbered tree by its place; collect empty points and headings."""
    paragraphs: Counter[tuple[int, ...]] = Counter()  # paragraphs so far, per list of siblings
    for visit in walk(blocks):
        block = visit.node
        path = block_path(visit.path)
        prefix = "".join(parent.get("number", "") for parent in visit.parents)
        kind = block.get("type")
        if kind == "heading":
            place = prefix + block.get("number", "")
            if not block.get("title", "").strip():
                problems.append((path, f"{place}：标题为空"))
            out[path] = place
        elif kind == "point":
            place = prefix + block.get("number", "")
            if not block.get("lead", "").strip() and not block.get("text", "").strip():
                problems.append((path, f"{place}：内容为空"))
            out[path] = place
        else:
            paragraphs[visit.path[:-1]] += 1
            paragraph = paragraphs[visit.path[:-1]]
            out[path] = f"{prefix}第{paragraph}段" if prefix else f"正文第{paragraph}段"


def export_problems(
    snapshot: Mapping[str, Any],
    metrics: Mapping[str, MetricValue],
    *,
    masked: bool = False,
    metrics_only: bool = False,
) -> list[str]:
    """The places where the exported file would show ``**`` or an empty numbered line, in reading
    order, as Chinese sentences ("二、（一）二是：指标“X”尚无数值，将显示为 **"; "三、一是：内容为空").

    masked=True: only the empty points and headings (a masked copy shows every figure as * anyway),
    and with metrics_only first a warning that the hand-typed figures go out as typed.
    Never raises; [] means nothing to warn about.
    """
    numbered = number_blocks(snapshot.get("blocks", ()), numbering_for(snapshot.get("numbering")))
    places: dict[str, str] = {}
    found: list[tuple[str, str]] = []
    _places(numbered, places, found)
    _resolved, report = resolve_snapshot(snapshot, metrics)
    if not masked:
        for ph in report.placeholders:
            if not (ph.error or ph.warning):
                continue
            path = ph.field.rsplit(".", 1)[0] if ph.field.startswith("blocks.") else ph.field
            place = places.get(path) or FIELD_LABELS.get(path, path)
            found.append((path, f"{place}：{ph.error or ph.warning}，将显示为 {MASK}"))
    # Reading order: the head fields, the outline (places is filled depth-first), the foot fields.
    order = [*FIELD_LABELS][:3] + [*places] + [*FIELD_LABELS][3:]
    rank = {path: n for n, path in enumerate(order)}
    problems: list[str] = []
    if masked and metrics_only and report.hand_numbers:
        examples = "、".join(f"“{n.text}”" for n in report.hand_numbers[:3])
        problems.append(
            f"已选择“仅脱敏指标”：手工录入的 {len(report.hand_numbers)} 处数字（如{examples}）"
            "将原样出现在脱敏稿中"
        )
    for _path, message in sorted(found, key=lambda item: rank.get(item[0], len(rank))):  # stable
        if message not in problems:
            problems.append(message)
    return problems
