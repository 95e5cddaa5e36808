"""What the importer produces: a flat, editable list of items plus the report's own fields.

The outline is kept *flat* (`ParsedReport.items`): a heading carries its level, everything after it
up to the next heading of the same or a higher level belongs to it. That is the shape a user fixes
in the preview (change a level, split, merge) and the shape stored between preview requests;
`tree()`, `to_json()` and `to_content()` build the nested forms from it.

Text conventions (the same as reports/core/document.py): numbering is never in the text; a point's
lead is stored without the 。 that ends it, a run-in heading's title without its 。 — the renderer
puts both back. `removed` lists every character the parser took out of the input for that reason
(markers, those stops, the dashes/brackets around a subject line), so that nothing is lost unseen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from ..kinds import fill, load_kinds
from ..numbering import numbering_for, sibling_numbers
from ..similarity import best_pairs
from ..tree import Visit, any_children, block_path, walk
from .figures import find_figures
from .limits import ImportRefused

HEADING, POINT, PARAGRAPH = "heading", "point", "paragraph"
TYPES = (HEADING, POINT, PARAGRAPH)
MAX_LEVEL = 3


@dataclass
class Paragraph:
    """One paragraph of an uploaded .docx, as read_upload returns it.

    number: the Word auto-numbering text computed from numbering.xml ("一、", "（一）", "1."), ""
    when the paragraph is not numbered; level: 1-9 from a heading style or outline level (None for
    body text); role: "title" / "subtitle" from the Title/Subtitle styles; align: w:jc.
    """

    text: str
    number: str = ""
    level: int | None = None
    bold: bool = False
    role: str = ""
    align: str = ""
    in_table: bool = False
    style: str = ""


@dataclass
class Item:
    """One line of the flat outline. See the module docstring for the text conventions."""

    type: str
    level: int = 0  # headings: 1..3
    title: str = ""  # heading title
    lead: str = ""  # point lead phrase
    text: str = ""  # heading: run-in text; point / paragraph: the text
    run_in: bool = False
    inline: bool = False  # continues the paragraph before it
    marker: str = ""  # the numbering as written in the source, "" if none
    line: int = 0  # 1-based source paragraph

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "level": self.level,
            "title": self.title,
            "lead": self.lead,
            "text": self.text,
            "run_in": self.run_in,
            "inline": self.inline,
            "marker": self.marker,
            "line": self.line,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Item:
        if not isinstance(data, dict) or data.get("type") not in TYPES:
            raise ImportRefused("预览数据已损坏，请重新粘贴或上传。")
        item = cls(
            type=data["type"],
            level=_int(data.get("level"), 0),
            title=_str(data.get("title")),
            lead=_str(data.get("lead")),
            text=_str(data.get("text")),
            run_in=bool(data.get("run_in")),
            inline=bool(data.get("inline")),
            marker=_str(data.get("marker")),
            line=_int(data.get("line"), 0),
        )
        if item.type == HEADING:
            item.inline = False
            if not 1 <= item.level <= MAX_LEVEL:
                raise ImportRefused("预览数据已损坏，请重新粘贴或上传。")
        else:
            item.level, item.run_in = 0, False
        return item


_OWN_STOP = tuple("。！？；：…")


def joined(head: str, text: str) -> str:
    """As the renderer joins them: a 。 between, unless the head ends with its own stop (：)."""
    return head + text if head.endswith(_OWN_STOP) else f"{head}。{text}"


def item_text(item: Item) -> str:
    """The item's text as printed, without its number (a run-in title keeps its 。)."""
    if item.type == HEADING:
        return joined(item.title, item.text) if item.run_in else item.title
    if item.type == POINT and item.lead:
        return joined(item.lead, item.text) if item.text else item.lead
    return item.text


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


@lru_cache(maxsize=1)
def _kinds() -> dict[str, dict[str, Any]]:
    return load_kinds()


def kind_definition(kind: str | None) -> dict[str, Any] | None:
    return _kinds().get(kind or "")


def kind_codes() -> tuple[str, ...]:
    return tuple(_kinds())


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[\W\d_]", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def match_sections(titles: list[str], sections: list[str], threshold: float = 0.3) -> dict[int, int]:
    """Pair imported level-1 titles with a kind's section titles by character-bigram overlap
    (Jaccard >= threshold), each section at most once, best pairs first: {title index: section
    index}. "强化意识形态，在“政”上立稳立牢" pairs with "强化政治建设，在“政”上立稳立牢"."""
    scores = []
    for i, title in enumerate(titles):
        a = _bigrams(title)
        for j, section in enumerate(sections):
            b = _bigrams(section)
            if a and b:
                score = len(a & b) / len(a | b)
                if score >= threshold:
                    scores.append((score, i, j))
    return best_pairs(scores)


def normalise_levels(items: list[Item]) -> list[str]:
    """Make heading levels a valid outline in place: the first heading is level 1 and no heading is
    more than one level below the heading before it. Returns a warning per change."""
    notes: list[str] = []
    previous = 0
    for item in items:
        if item.type != HEADING:
            continue
        allowed = min(previous + 1, MAX_LEVEL)
        if item.level > allowed:
            notes.append(f"“{item.title[:20]}”不能作为{item.level}级标题，已调整为{allowed}级")
            item.level = allowed
        item.level = max(item.level, 1)
        previous = item.level
    return notes


def build_tree(items: list[Item]) -> list[dict[str, Any]]:
    """Nested nodes {"item": index, "children": [...]} (children only on headings)."""
    root: list[dict[str, Any]] = []
    stack: list[tuple[int, list[dict[str, Any]]]] = [(0, root)]
    for index, item in enumerate(items):
        if item.type == HEADING:
            while stack[-1][0] >= item.level:
                stack.pop()
            node: dict[str, Any] = {"item": index, "children": []}
            stack[-1][1].append(node)
            stack.append((item.level, node["children"]))
        else:
            stack[-1][1].append({"item": index})
    return root


def item_paths(items: list[Item]) -> dict[int, str]:
    """item index -> its place in to_content()["blocks"], e.g. "blocks.0.children.2"."""
    return {visit.node["item"]: block_path(visit.path) for visit in walk(build_tree(items), any_children)}


@dataclass
class ParsedReport:
    """A parsed report. Fields hold text exactly as in the source (whitespace aside), without
    numbering. `kind` is the kind asked for, else the one guessed (None if unknown)."""

    title: str = ""
    subject: str = ""  # 张三 / 2023年12月 (without the —— or brackets)
    subtitle: str = ""  # the subject line as written
    year: int | None = None
    kind: str | None = None
    opening: str = ""  # paragraphs separated by "\n"
    items: list[Item] = field(default_factory=list)
    closing: str = ""
    signature: str = ""
    date: str = ""
    warnings: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    structured: bool = True  # False: no heading and no point was recognised

    # --- shapes -----------------------------------------------------------------------------

    def tree(self) -> list[dict[str, Any]]:
        return build_tree(self.items)

    def numbers(self) -> dict[int, str]:
        """item index -> the number it will print with ("一、", "（二）", "三是"), for the preview."""
        numbering = numbering_for((kind_definition(self.kind) or {}).get("numbering"))
        siblings: dict[tuple[int, ...], list[Visit]] = {}  # parent's path -> its children
        for visit in walk(self.tree(), any_children):
            siblings.setdefault(visit.path[:-1], []).append(visit)
        out: dict[int, str] = {}
        for group in siblings.values():
            types = [self.items[visit.node["item"]].type for visit in group]
            for visit, number in zip(group, sibling_numbers(types, group[0].depth, numbering), strict=True):
                out[visit.node["item"]] = number
        return out

    def prose_fields(self) -> list[tuple[str, str, str]]:
        """(field, path, text) of each text a figure may stand in (the opening, the items' texts,
        the closing): field names it here ("items.3.text"), path in to_content()
        ("blocks.0.children.2.text")."""
        paths = item_paths(self.items)
        out = [("opening", "opening", self.opening)]
        for index, item in enumerate(self.items):
            if item.text:
                out.append((f"items.{index}.text", f"{paths.get(index, 'blocks')}.text", item.text))
        out.append(("closing", "closing", self.closing))
        return out

    def to_json(self) -> dict[str, Any]:
        """The `import_report --json` object (the issue's shape, nothing more)."""

        def block(node: dict[str, Any]) -> dict[str, Any]:
            item = self.items[node["item"]]
            if item.type == HEADING:
                children = [{"type": PARAGRAPH, "text": item.text}] if item.text else []
                children += [block(child) for child in node["children"]]
                return {"type": HEADING, "level": item.level, "text": item.title, "children": children}
            if item.type == POINT:
                return {"type": POINT, "lead": item.lead.rstrip("：:"), "text": item.text}
            return {"type": PARAGRAPH, "text": item.text}

        return {
            "title": self.title,
            "kind": self.kind,
            "subject": self.subject or None,
            "opening": self.opening,
            "blocks": [block(node) for node in self.tree()],
            "closing": self.closing or None,
            "signature": self.signature or None,
            "date": self.date or None,
            "metrics": [f.to_json() for f in find_figures(self) if f.role == "base"],
            "warnings": list(self.warnings),
        }

    def default_title(self, year: int | None = None) -> str:
        definition = kind_definition(self.kind)
        year = year or self.year
        if definition is None or year is None:
            return "导入的报告"
        return fill(definition["title"], year=year, next_year=year + 1, subject=self.subject).strip()

    def to_content(self, *, year: int | None = None) -> dict[str, Any]:
        """The snapshot-shaped dict services.report_create_from_content takes (and layout_paragraphs
        renders): see reports/core/document.py. `year` overrides the detected year."""

        def block(node: dict[str, Any]) -> dict[str, Any]:
            item = self.items[node["item"]]
            if item.type == HEADING:
                return {
                    "type": HEADING,
                    "title": item.title,
                    "text": item.text,
                    "run_in": item.run_in or bool(item.text),
                    "inline": False,
                    "children": [block(child) for child in node["children"]],
                }
            if item.type == POINT:
                return {"type": POINT, "lead": item.lead, "text": item.text, "inline": item.inline}
            return {"type": PARAGRAPH, "text": item.text, "inline": item.inline}

        year = year or self.year
        definition = kind_definition(self.kind) or {}
        return {
            "title": self.title or self.default_title(year),
            "subject": self.subject,
            "subtitle": self.subtitle,
            "kind": self.kind,
            "year": year,
            "period": "",
            "numbering": dict(definition.get("numbering", {})),
            "opening": self.opening,
            "blocks": [block(node) for node in self.tree()],
            "closing": self.closing,
            "signature": self.signature,
            "date": self.date,
        }

    # --- the preview's stored state ------------------------------------------------------------

    def to_state(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "subject": self.subject,
            "subtitle": self.subtitle,
            "year": self.year,
            "kind": self.kind,
            "opening": self.opening,
            "items": [item.to_dict() for item in self.items],
            "closing": self.closing,
            "signature": self.signature,
            "date": self.date,
            "warnings": list(self.warnings),
            "structured": self.structured,
        }

    @classmethod
    def from_state(cls, state: Any) -> ParsedReport:
        """Rebuild from to_state() output; ImportRefused if it is not that shape."""
        if not isinstance(state, dict) or not isinstance(state.get("items"), list):
            raise ImportRefused("预览数据已损坏，请重新粘贴或上传。")
        year = state.get("year")
        kind = state.get("kind")
        parsed = cls(
            title=_str(state.get("title")),
            subject=_str(state.get("subject")),
            subtitle=_str(state.get("subtitle")),
            year=year if isinstance(year, int) and not isinstance(year, bool) else None,
            kind=kind if isinstance(kind, str) else None,
            opening=_str(state.get("opening")),
            items=[Item.from_dict(item) for item in state["items"]],
            closing=_str(state.get("closing")),
            signature=_str(state.get("signature")),
            date=_str(state.get("date")),
            warnings=[w for w in state.get("warnings", []) if isinstance(w, str)],
            structured=bool(state.get("structured", True)),
        )
        normalise_levels(parsed.items)
        return parsed

    def copy(self) -> ParsedReport:
        return replace(
            self,
            items=[replace(item) for item in self.items],
            warnings=list(self.warnings),
            removed=list(self.removed),
        )
