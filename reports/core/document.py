"""The report snapshot and its flattening into typed paragraphs.

A *snapshot* is the JSON-able dict that every consumer of a report's content reads (renderer,
preview, revisions, tests). It is built by `reports.selectors.report_snapshot` and looks like::

    {
      "title": "2023年度述职报告",            # split into lines ≤ 20 字 by the renderer
      "subtitle": "（张三）",                   # line under the title, 楷体; "" for none
      "kind": "duty",
      "numbering": {"1": "{cn}、", "2": "（{cn}）", "3": "{n}.", "point": "{cn}是"},
      "opening": "…",                           # 导语; newlines separate paragraphs
      "blocks": [                               # ordered tree; a heading's level is its depth
        {"type": "heading", "title": "…", "text": "", "run_in": False, "inline": False,
         "children": [...]},
        {"type": "point", "lead": "…", "text": "…", "inline": False},
        {"type": "paragraph", "text": "…", "inline": False},
      ],
      "closing": "…",
      "signature": "某某市财政局",              # "" for none
      "date": "2023年12月20日",                 # "" for none
    }

Run-in heading (`run_in`): heading and its `text` share one body paragraph, the heading part in the
heading's font: "（一）抓党建、强化党组统领。加强党组…". `inline` on a point or paragraph: it
continues the paragraph before it instead of starting a new one (seed 001's "一是…。二是…" in one
paragraph, or points following a run-in heading).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .numbering import number_blocks, numbering_for
from .text import split_paragraphs
from .title import split_title
from .tree import Visit, walk

_END_PUNCT = "。！？；：…"


@dataclass
class Run:
    text: str
    style: str = ""  # "" = the paragraph's own font; "h1"/"h2"/"h3"/"h4" = that heading's font


@dataclass
class Para:
    """One output paragraph. role: title, subtitle, blank, body, h1..h4, signature, date."""

    role: str
    runs: list[Run] = field(default_factory=list)
    keep_next: bool = False
    keep_lines: bool = False
    block_ids: list[int] = field(default_factory=list)  # the blocks whose text is in this paragraph

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def _join_title(heading: str) -> str:
    """A run-in heading ends with a full stop unless it already ends with punctuation."""
    return heading if heading[-1:] in _END_PUNCT else heading + "。"


def point_text(block: Mapping[str, Any]) -> str:
    lead = block.get("lead", "")
    text = block.get("text", "")
    if lead and text:
        return block["number"] + _join_title(lead) + text
    return block["number"] + (lead or text)


def _flatten(blocks: Iterable[Mapping[str, Any]], out: list[Para]) -> None:
    for visit in walk(blocks):
        block = visit.node
        kind = block["type"]
        ids = [block["id"]] if block.get("id") is not None else []
        joinable = bool(out) and out[-1].role == "body"
        if kind == "heading":
            role = f"h{min(block['level'], 4)}"
            label = block["number"] + block.get("title", "")
            text = block.get("text", "")
            if block.get("run_in"):
                runs = [Run(_join_title(label), role)]
                if text:
                    runs.append(Run(text))
                out.append(Para("body", runs, block_ids=ids))
            else:
                out.append(Para(role, [Run(label)], keep_next=True, block_ids=ids))
                for line in split_paragraphs(text):
                    out.append(Para("body", [Run(line)], block_ids=ids))
        elif kind == "point":
            text = point_text(block)
            if block.get("inline") and joinable:
                out[-1].runs.append(Run(text))
                out[-1].block_ids.extend(ids)
            else:
                out.append(Para("body", [Run(text)], block_ids=ids))
        else:
            lines = split_paragraphs(block.get("text", ""))
            if lines and block.get("inline") and joinable:
                out[-1].runs.append(Run(lines.pop(0)))
                out[-1].block_ids.extend(ids)
            out.extend(Para("body", [Run(line)], block_ids=ids) for line in lines)


Flatten = Callable[[Iterable[Mapping[str, Any]], list[Para]], None]


def layout_paragraphs(snapshot: Mapping[str, Any], flatten: Flatten = _flatten) -> list[Para]:
    """Flatten a snapshot into the paragraphs of the printed report, numbering included.

    flatten: how the numbered blocks become paragraphs (appended to the list it is given); the
    花脸稿 (reports.core.tracked) passes its own, which marks suggested changes in the runs."""
    out: list[Para] = []
    for line in split_title(snapshot.get("title", "")):
        out.append(Para("title", [Run(line)], keep_next=True))
    if snapshot.get("subtitle"):
        out.append(Para("subtitle", [Run(snapshot["subtitle"])], keep_next=True))
    if out:
        out[-1].keep_next = True
        out.append(Para("blank"))
    for line in split_paragraphs(snapshot.get("opening", "")):
        out.append(Para("body", [Run(line)]))
    numbering = numbering_for(snapshot.get("numbering"))
    flatten(number_blocks(snapshot.get("blocks", ()), numbering), out)
    for line in split_paragraphs(snapshot.get("closing", "")):
        out.append(Para("body", [Run(line)]))
    signature = snapshot.get("signature", "")
    date = snapshot.get("date", "")
    if signature or date:
        # GB 7.3.5.5: the signature page must carry body text; keep the last text with it.
        last = next((p for p in reversed(out) if p.role not in ("blank",)), None)
        if last is not None and last.role not in ("title", "subtitle"):
            last.keep_next = True
            last.keep_lines = True
        out.append(Para("blank", keep_next=True))
        if signature:
            out.append(Para("signature", [Run(signature)], keep_next=bool(date)))
        if date:
            out.append(Para("date", [Run(date)]))
    return out


def plain_text(snapshot: Mapping[str, Any]) -> list[str]:
    """The report's paragraphs as plain strings (what must survive any rendering)."""
    return [p.text for p in layout_paragraphs(snapshot) if p.text]


def labelled_blocks(snapshot: Mapping[str, Any]) -> Iterator[tuple[Visit, str]]:
    """Every block of the snapshot in reading order (numbered: core.numbering.number_blocks) with
    its place as the editor numbers it: "二、（三）二是" for a point, "二、（一）" for a heading,
    "二、（一）第2段" for a paragraph (counted among its siblings), "第1段" at the top level."""
    paragraphs: Counter[tuple[int, ...]] = Counter()  # paragraphs so far, per list of siblings
    numbering = numbering_for(snapshot.get("numbering"))
    for visit in walk(number_blocks(snapshot.get("blocks", ()), numbering)):
        block = visit.node
        prefix = "".join(parent["number"] for parent in visit.parents)
        if block["type"] in ("point", "heading"):
            yield visit, prefix + block["number"]
        else:
            paragraphs[visit.path[:-1]] += 1
            yield visit, f"{prefix}第{paragraphs[visit.path[:-1]]}段"


def empty_block_warnings(snapshot: Mapping[str, Any]) -> list[str]:
    """One warning per empty point (no lead, no text) or empty paragraph, naming its place by the
    numbers above it: "二、一是：内容为空", "二、（一）第2段：内容为空", "第1段：内容为空"."""
    out: list[str] = []
    for visit, label in labelled_blocks(snapshot):
        block = visit.node
        kind = block["type"]
        if kind == "point":
            if not (block.get("lead", "").strip() or block.get("text", "").strip()):
                out.append(f"{label}：内容为空")
        elif kind != "heading" and not block.get("text", "").strip():
            out.append(f"{label}：内容为空")
    return out
