"""Reads of proofreading (校对): the findings of a report or of one block, located in the editor.

The pure core (reports.core.proofread) finds; this module feeds it what only the database knows
(the bureau's 提法 list, the metric values, the kind's sections, the ignored findings) and turns
its snapshot field paths ("blocks.0.children.2.text") back into blocks and model fields.

Steps of report_proofread:
1. The report's snapshot (as exports see it, plus the editable 主体) and a map from each snapshot
   text field to its block, model field, text and section label ("二、（三）一是").
2. check_document, placeholder_findings (evaluated placeholders), figures_matching_metrics per
   field, section_findings for the top-level sections; one finding per (field, rule, span).
3. Each finding is matched against the ignored rows (same place, rule, characters and sentence):
   a match is ignored, the rest are open.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import permissions
from ..core.kinds import fill
from ..core.metrics import MetricValue, resolve_snapshot
from ..core.outline import Node, block_dict
from ..core.proofread import (
    Finding,
    Phrase,
    check_document,
    figures_matching_metrics,
    placeholder_findings,
    section_findings,
    sentence_span,
)
from ..core.tree import block_path
from ..core.tree import walk as tree_walk
from ..models import Block, IgnoredFinding, Report
from ..models import Phrase as PhraseRow
from . import members as member_selectors
from . import metrics as metric_selectors
from . import reports as report_selectors

__all__ = [
    "CONTEXT_CHARS",
    "Item",
    "Proofread",
    "block_findings",
    "field_part",
    "fields_findings",
    "fields_findings_of",
    "bureau_phrases",
    "panel_context",
    "report_findings_by_block",
    "report_proofread",
]

# Characters of the sentence shown on each side of the flagged ones (a long sentence is cut).
CONTEXT_CHARS = 30

# snapshot key -> (model field, label) of the report's own text fields
_REPORT_FIELDS = {
    "title": ("title", "标题"),
    "subject": ("subject", "主体"),
    "opening": ("opening", "导语"),
    "closing": ("closing", "结尾"),
    "signature": ("signature", "落款"),
    "date": ("sign_date", "日期"),
}


# The report's own fields in the editor's tail form (services.reports.REPORT_FIELD_PARTS["tail"]).
_TAIL_FIELDS = ("closing", "signature", "sign_date")


def field_part(field: str) -> str:
    """The editor form ("head" or "tail") that holds a report field."""
    return "tail" if field in _TAIL_FIELDS else "head"


@dataclass
class Place:
    """A text of the report that findings point into."""

    block_id: int | None
    field: str  # the model field ("title"/"text" of a block, a Report field); "" for a whole section
    text: str
    label: str  # where a reader finds it: "导语", "二、（三）一是"
    section: str = ""  # the part of the report it belongs to: "导语", "二、聚焦主责主业…"


@dataclass
class Item:
    """One finding where the editor shows it."""

    finding: Finding
    place: Place
    ignored: IgnoredFinding | None = None

    def __getattr__(self, name: str) -> Any:  # rule, severity, message, text, fix, safe, start, end
        if name.startswith("__") or "finding" not in self.__dict__:
            raise AttributeError(name)
        return getattr(self.__dict__["finding"], name)

    @property
    def block_id(self) -> int | None:
        return self.place.block_id

    @property
    def field(self) -> str:
        return self.place.field

    @property
    def label(self) -> str:
        return self.place.label

    @property
    def sentence(self) -> str:
        start, end = self._sentence_span
        return self.place.text[start:end]

    @property
    def _sentence_span(self) -> tuple[int, int]:
        if not self.place.text or self.finding.end <= 0:
            return 0, 0
        return sentence_span(self.place.text, self.finding)

    @property
    def before(self) -> str:
        """The sentence before the flagged characters (cut to CONTEXT_CHARS)."""
        start = self._sentence_span[0]
        cut = max(start, self.finding.start - CONTEXT_CHARS)
        return ("…" if cut > start else "") + self.place.text[cut : self.finding.start]

    @property
    def after(self) -> str:
        end = self._sentence_span[1]
        cut = min(end, self.finding.end + CONTEXT_CHARS)
        return self.place.text[self.finding.end : cut] + ("…" if cut < end else "")

    @property
    def anchor(self) -> str:
        """The fragment of the editor's URL that shows the place: its block or the report's form."""
        if self.place.block_id is not None:
            return f"#block-{self.place.block_id}"
        return "#report-tail" if field_part(self.place.field) == "tail" else "#report-fields"

    @property
    def where(self) -> str:
        """The place as the ignore form posts it: "<block id>:<field>" or ":<report field>"."""
        return f"{self.place.block_id or ''}:{self.place.field}"


@dataclass
class Proofread:
    """A report's findings: open ones in document order, and those the drafter ignored."""

    items: list[Item] = field(default_factory=list)
    ignored: list[Item] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)  # every text checked, in document order

    @property
    def errors(self) -> list[Item]:
        return [i for i in self.items if i.severity == "error"]

    @property
    def warnings(self) -> list[Item]:
        return [i for i in self.items if i.severity != "error"]

    @property
    def safe_count(self) -> int:
        return sum(1 for i in self.items if i.safe and i.fix is not None)

    def by_section(self) -> list[tuple[str, list[Item]]]:
        """Open items grouped by the part of the report they are in, in document order."""
        groups: dict[str, list[Item]] = {}
        for item in self.items:
            groups.setdefault(item.place.section or item.place.label, []).append(item)
        return list(groups.items())


def bureau_phrases(bureau_id: int) -> list[Phrase]:
    """The bureau's enabled 提法 entries, as the core checks them (one query)."""
    rows = PhraseRow.objects.filter(bureau_id=bureau_id, enabled=True).values_list(
        "discouraged", "preferred", "note"
    )
    return [Phrase(d, p, n) for d, p, n in rows]


def _metric_numbers(metrics: Mapping[str, MetricValue]) -> dict[str, Decimal]:
    return {name: m.value for name, m in metrics.items() if m.value is not None}


def _block_places(block: Any, path: str, label: str, section: str = "") -> dict[str, Place]:
    """The block's text fields by snapshot path, title (or lead) first."""
    places = {}
    if block.type != Block.Type.PARAGRAPH:
        key = "lead" if block.type == Block.Type.POINT else "title"
        places[f"{path}.{key}"] = Place(block.pk, "title", block.title, label, section)
    places[f"{path}.text"] = Place(block.pk, "text", block.text, label, section)
    return places


def _label(visit) -> str:
    node: Node = visit.node
    numbers = "".join(p.number for p in visit.parents)
    if node.number:
        return numbers + node.number
    return f"{numbers}第{visit.index + 1}段" if numbers else f"正文第{visit.index + 1}段"


def _findings(
    snapshot: dict[str, Any],
    places: dict[str, Place],
    metrics: Mapping[str, MetricValue],
    phrases: Iterable[Phrase],
) -> list[tuple[str, Finding]]:
    """(snapshot field, finding) of every text rule, placeholder and typed metric figure, once each."""
    found = check_document(snapshot, phrases=phrases)
    _resolved, check = resolve_snapshot(snapshot, metrics)
    texts = {path: place.text for path, place in places.items()}
    found += placeholder_findings(check.placeholders, texts)
    numbers = _metric_numbers(metrics)
    if numbers:
        for path, place in places.items():
            if place.text:
                found += figures_matching_metrics(place.text, numbers, field=path)
    seen: set[tuple[str, str, int, int]] = set()
    out = []
    for f in found:
        key = (f.field, f.rule, f.start, f.end)
        if key not in seen and f.field in places:
            seen.add(key)
            out.append((f.field, f))
    return out


def _match_ignored(items: list[Item], rows: Iterable[IgnoredFinding]) -> Proofread:
    """Split `items` into open and ignored by the ignored rows (a queryset is read only when there
    is something to match: a block without findings costs no query)."""
    if not items:
        return Proofread()
    keyed = {(r.block_id, r.field, r.rule, r.text, r.sentence): r for r in rows}
    result = Proofread()
    for item in items:
        row = keyed.get((item.place.block_id, item.place.field, item.rule, item.text, item.sentence))
        if row is not None:
            item.ignored = row
            result.ignored.append(item)
        else:
            result.items.append(item)
    return result


def _sections(report: Report, tree: list[Node]) -> list[tuple[Place, dict[str, Any]]]:
    """The top-level headings with what section_findings needs: required and target length from
    the block (copied from the kind when the report was created) or from the kind's section of
    the same title (templates_docx/kinds, as ReportKind.definition holds it)."""
    values = {"year": report.year, "next_year": report.year + 1, "subject": report.subject}
    kind_sections = {fill(s["title"], **values): s for s in report.kind.definition.get("sections", [])}
    out = []
    for node in tree:
        block = node.block
        if block.type != Block.Type.HEADING:
            continue
        section = kind_sections.get(block.title, {})
        name = node.number + (block.title or "（未命名）")
        place = Place(block.pk, "", "", name, name)
        out.append(
            (
                place,
                {
                    "title": block.title or "（未命名）",
                    "required": block.required or bool(section.get("required")),
                    "chars": node.chars,
                    "target_chars": block.target_chars or section.get("target_chars", 0),
                },
            )
        )
    return out


def report_proofread(
    report: Report,
    *,
    tree: list[Node] | None = None,
    metrics: Mapping[str, MetricValue] | None = None,
) -> Proofread:
    """Every finding of the report's live text (steps in the module docstring). Three queries
    besides the tree and metrics the caller may pass: the 提法 list, the ignored rows."""
    tree = report_selectors.report_tree(report) if tree is None else tree
    metrics = metric_selectors.metric_values_for_report(report) if metrics is None else metrics
    snapshot = report_selectors.report_snapshot(report, tree)
    snapshot.pop("subtitle", None)  # derived from the kind and 主体, which is checked itself
    snapshot["subject"] = report.subject
    places: dict[str, Place] = {}
    for key, (name, label) in _REPORT_FIELDS.items():
        places[key] = Place(None, name, getattr(report, name), label, label)
    for visit in tree_walk(tree, children=lambda n: n.children):
        top = visit.parents[0] if visit.parents else visit.node
        section = top.number + (top.block.title or "") if top.block.type == Block.Type.HEADING else "正文"
        places.update(_block_places(visit.node.block, block_path(visit.path), _label(visit), section))
    items = [
        Item(f, places[path])
        for path, f in _findings(snapshot, places, metrics, bureau_phrases(report.bureau_id))
    ]
    for place, data in _sections(report, tree):
        items.extend(Item(f, place) for f in section_findings([data]))
    # document order: report head, then each block (its section finding first), then the tail
    order = {(p.block_id, p.field): i for i, p in enumerate(places.values())}

    def position(item: Item) -> tuple[int, int, int]:
        p = item.place
        if p.block_id is None:
            return (2 if field_part(p.field) == "tail" else 0, order[(None, p.field)], item.start)
        first = order.get((p.block_id, "title"), order.get((p.block_id, "text"), 0))
        return (1, order.get((p.block_id, p.field), first - 1) if p.field else first - 1, item.start)

    items.sort(key=position)
    rows = IgnoredFinding.objects.filter(report=report).select_related("created_by")
    result = _match_ignored(items, rows)
    head = [p for p in places.values() if p.block_id is None and field_part(p.field) == "head"]
    result.places = (
        head
        + [p for p in places.values() if p.block_id is not None]
        + [p for p in places.values() if p.block_id is None and field_part(p.field) == "tail"]
    )
    return result


def block_findings(*, block: Block, metrics: Mapping[str, MetricValue], label: str = "") -> list[Item]:
    """The open findings of one block's own text (title or lead, and text): what its autosave
    answer shows under it. Two queries: the 提法 list and the block's ignored rows."""
    snapshot = {"blocks": [block_dict(block)]}
    places = _block_places(block, "blocks.0", label)
    phrases = bureau_phrases(block.report.bureau_id)
    items = [Item(f, places[path]) for path, f in _findings(snapshot, places, metrics, phrases)]
    items.sort(key=lambda i: (i.place.field != "title", i.start))
    return _match_ignored(items, IgnoredFinding.objects.filter(report_id=block.report_id, block=block)).items


def fields_findings(*, report: Report, part: str, metrics: Mapping[str, MetricValue]) -> list[Item]:
    """The open findings of the report's own fields in one editor form (head: 标题, 主体, 导语;
    tail: 结尾, 落款, 日期): what that form's autosave answer shows under it. Two queries."""
    keys = [k for k, (name, _label) in _REPORT_FIELDS.items() if field_part(name) == part]
    snapshot: dict[str, Any] = {k: getattr(report, _REPORT_FIELDS[k][0]) for k in keys} | {"blocks": []}
    places = {
        k: Place(None, _REPORT_FIELDS[k][0], snapshot[k], _REPORT_FIELDS[k][1], _REPORT_FIELDS[k][1])
        for k in keys
    }
    found = _findings(snapshot, places, metrics, bureau_phrases(report.bureau_id))
    found.sort(key=lambda pair: (keys.index(pair[0]), pair[1].start))
    items = [Item(f, places[path]) for path, f in found]
    return _match_ignored(items, IgnoredFinding.objects.filter(report=report, block=None)).items


def fields_findings_of(proofread: Proofread) -> dict[str, list[Item]]:
    """The open findings of the report's own fields, by editor form ("head", "tail")."""
    out: dict[str, list[Item]] = {"head": [], "tail": []}
    for item in proofread.items:
        if item.place.block_id is None and item.place.field:
            out[field_part(item.place.field)].append(item)
    return out


def report_findings_by_block(proofread: Proofread) -> dict[int | None, list[Item]]:
    """Open text findings per block id (section-level ones, without a field, left out)."""
    out: dict[int | None, list[Item]] = {}
    for item in proofread.items:
        if item.place.field:
            out.setdefault(item.place.block_id, []).append(item)
    return out


def panel_context(*, report: Report, user) -> dict[str, Any]:
    """What reports/report_proofread.html renders for `user` (who may open `report`): the findings,
    the blocks the user may edit (fix, ignore), and the version of each place as the panel shows
    it (修改全部安全项 sends them back, so a block changed since is left alone)."""
    membership = member_selectors.membership_for(user)
    tree = report_selectors.report_tree(report)
    report_selectors.annotate_access(tree, membership, report)
    nodes = [visit.node for visit in tree_walk(tree, children=lambda n: n.children)]
    versions = {f"block-{n.block.pk}": n.block.version for n in nodes}
    versions |= {"head": report.head_version, "tail": report.tail_version}
    can_edit_report = permissions.can_edit_report(membership, report)
    return {
        "report": report,
        "proofread": report_proofread(report, tree=tree),
        "editable_blocks": {n.block.pk for n in nodes if n.editable},
        "can_edit_report": can_edit_report,
        "versions": versions,
    }
