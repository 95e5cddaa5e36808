"""Carry a report forward: last year's content -> this year's draft (pure).

- Years in the title and in headings move on by one (2022年工作成效 -> 2023年工作成效, and the
  2023年工作计划 heading of a 2022 summary -> 2024年工作计划).
- Years in the prose move on by one where they denote the reporting period (move_period_years):
  the report's year, the year before it and the year after it, followed by 年 and not by a single
  month (2022年，/ 2022年以来 / 2021年1-10月 / 到2023年底 / 比2021年增长 all move). Years in
  document titles 《…》, dates (2022年3月) and historical starting points (2019年开始, 自2022年起)
  stay; the check panel lists the dates left from earlier years (stale_dates).
- Figures in the prose are last year's, not this year's: they are cleared to * (**.*亿元) and no
  metric is made for them, except where the figure's confident name is a metric the bureau already
  keeps (`known`): it becomes that metric's placeholder ({{名称}}, 同比{{名称.增减}},
  {{名称.完成预算}}%). Placeholders already in the text stay. The new year's rows of those metrics
  are made by the service, without a value, so the draft shows ** until they are filled.
- The points (or sub-headings) of last year's 计划/打算 section are added to the guidance of this
  year's 成效 section as "去年计划：…" lines, shown beside it in the editor.
- Date cleared; everything else (structure, guidance, target lengths, assignments) kept.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..document import plain_text
from ..metrics import mask_digits
from ..tree import walk
from .figures import Figure, find_figures
from .markers import STOP
from .model import HEADING, PARAGRAPH, POINT, Item, ParsedReport

_YEAR = re.compile(r"(?<![0-9])(19[0-9]{2}|20[0-9]{2})(?![0-9])")
# What a heading of plans, or of results, says (also read by core.search for section kinds).
PLAN_HEADING = re.compile(r"计划|打算|安排|思路|下步|下一步|展望")
RESULTS_HEADING = re.compile(r"成效|成绩|完成情况|工作情况|主要工作|履职情况|主责主业|工作总结")
MAX_PROMPTS = 15
PROMPT_CHARS = 60


@dataclass
class CarryResult:
    content: dict[str, Any]
    metrics: dict[str, tuple[str, Decimal | None, int]] = field(
        default_factory=dict
    )  # name -> (unit, last value, decimals)
    prompts: list[str] = field(default_factory=list)


def shift_years(text: str, year: int) -> str:
    """Move the report's year and the year after it on by one (other years stay): for titles."""
    return _YEAR.sub(
        lambda m: str(int(m.group()) + 1) if int(m.group()) in (year, year + 1) else m.group(), text
    )


# After "2022年": a single month or day makes a date (2022年3月, but not the range 2022年1-10月);
# 开始/起/以前… make a historical starting point. Neither is the reporting period.
_DATE_AFTER = re.compile(
    r"年\s*(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*月(?![0-9０-９]*\s*[至到\-—–~～])"
    r"|年(?:开始|起|以前|之前|前后|之后)"
)
_START_BEFORE = re.compile(r"(?:自|从|于)$")
_TITLE_SPAN = re.compile(r"《[^《》]*》")


def _year_mentions(text: str) -> list[tuple[re.Match[str], bool]]:
    """Each 4-digit year followed by 年 outside 《…》, with whether it denotes a period (True) or a
    date / starting point (False)."""
    titles = [m.span() for m in _TITLE_SPAN.finditer(text)]
    out = []
    for m in _YEAR.finditer(text):
        if not text.startswith("年", m.end()) or any(a <= m.start() < b for a, b in titles):
            continue
        dated = bool(_DATE_AFTER.match(text, m.end())) or bool(_START_BEFORE.search(text, 0, m.start()))
        out.append((m, not dated))
    return out


def move_period_years(text: str, year: int) -> str:
    """The prose of a `year` report for the next year: each of year-1, year and year+1 that denotes
    the period moves on by one ("2022年，" -> "2023年，"; see the module docstring)."""
    for m, period in reversed(_year_mentions(text)):
        value = int(m.group())
        if period and year - 1 <= value <= year + 1:
            text = text[: m.start()] + str(value + 1) + text[m.end() :]
    return text


def stale_dates(text: str, year: int) -> list[str]:
    """Dates and starting points from the two years before `year` (2025年3月 in a 2026 report),
    as written with a few characters after: what carrying forward left for the user to check."""
    out = []
    for m, period in _year_mentions(text):
        if not period and year - 2 <= int(m.group()) < year:
            after = _DATE_AFTER.match(text, m.end())
            out.append(text[m.start() : after.end() if after else m.end() + 1])
    return out


def stale_date_warnings(snapshot: dict[str, Any], year: int) -> list[str]:
    """The check panel's warning for each date of an earlier year left in a `year` report's text
    (the date line under the signature aside): carrying forward moves only the period's years."""
    text = "\n".join(plain_text({**snapshot, "date": ""}))
    found = dict.fromkeys(stale_dates(text, year))
    return [f"正文中的“{d}”是往年的时间，本报告为{year}年度，请核对是否需要更新" for d in found]


def _item(block: dict[str, Any], level: int) -> Item:
    kind = block.get("type")
    if kind == HEADING:
        return Item(
            HEADING,
            level=min(level, 3),
            title=block.get("title", ""),
            text=block.get("text", ""),
            run_in=bool(block.get("run_in")),
        )
    if kind == POINT:
        return Item(
            POINT, lead=block.get("lead", ""), text=block.get("text", ""), inline=bool(block.get("inline"))
        )
    return Item(PARAGRAPH, text=block.get("text", ""), inline=bool(block.get("inline")))


def _prompt(block: dict[str, Any]) -> str:
    if block.get("type") == HEADING:
        text = block.get("title", "")
    elif block.get("type") == POINT and block.get("lead"):
        text = block["lead"]
    else:
        raw = block.get("text", "")
        stop = STOP.search(raw)
        text = raw[: stop.start()] if stop else raw
    text = text.strip()
    return text if len(text) <= PROMPT_CHARS else text[: PROMPT_CHARS - 1] + "…"


def carry_forward(content: dict[str, Any], *, year: int, known: frozenset[str] = frozenset()) -> CarryResult:
    """`content`: last year's snapshot-shaped dict (blocks may carry extra keys such as guidance,
    target_chars, required, assigned_department_id, which are kept). `year`: last year's year.
    `known`: the names of last year's metrics; a figure confidently named as one of them becomes
    its placeholder, every other figure is cleared (see the module docstring)."""
    new = copy.deepcopy(content)
    new["year"] = year + 1
    new["title"] = shift_years(new.get("title", ""), year)
    new["date"] = ""
    for key in ("opening", "closing"):
        new[key] = move_period_years(new.get(key, ""), year)
    pairs = [(visit.node, visit.depth) for visit in walk(new.get("blocks", []))]
    for block, _level in pairs:
        if block.get("type") == HEADING:
            block["title"] = shift_years(block.get("title", ""), year)
        for key in ("lead", "text"):
            if block.get(key):
                block[key] = move_period_years(block[key], year)

    parsed = ParsedReport(
        opening=new.get("opening", ""),
        closing=new.get("closing", ""),
        items=[_item(block, level) for block, level in pairs],
    )
    result = CarryResult(new)
    edits = figure_edits(find_figures(parsed), known, result.metrics)
    for field_name, spans in edits.spans.items():
        if field_name in ("opening", "closing"):
            new[field_name] = _apply(new.get(field_name, ""), spans)
        else:
            index = int(field_name.split(".")[1])
            pairs[index][0]["text"] = _apply(pairs[index][0].get("text", ""), spans)

    _add_prompts(new.get("blocks", []), result)
    return result


def _add_prompts(blocks: list[dict[str, Any]], result: CarryResult) -> None:
    headings = [b for b in blocks if b.get("type") == HEADING]
    plan = next((b for b in reversed(headings) if PLAN_HEADING.search(b.get("title", ""))), None)
    if plan is None:
        return
    prompts = [p for p in (_prompt(child) for child in plan.get("children", [])) if p][:MAX_PROMPTS]
    if not prompts:
        return
    target = next((b for b in headings if b is not plan and RESULTS_HEADING.search(b.get("title", ""))), None)
    target = target or next((b for b in headings if b is not plan), None)
    if target is None:
        return
    lines = [f"去年计划：{p}" for p in prompts]
    guidance = target.get("guidance", "")
    target["guidance"] = "\n".join([guidance, *lines] if guidance else lines)
    result.prompts = prompts


@dataclass
class FigureEdits:
    """The replacements figure_edits decided, per prose field ("items.3.text"), and their counts."""

    keep_unknown: bool = False
    spans: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    placeholders: int = 0  # figures (companions included) that became a placeholder
    kept: int = 0  # figures left as typed (keep_unknown) or cleared to * (otherwise)

    def add(self, figure: Figure, replacement: str | None) -> None:
        """Replace `figure` by a placeholder (`replacement`), or keep or clear it (None)."""
        if replacement is not None:
            self.placeholders += 1
            yoy = figure.role == "yoy"
            span = (figure.repl_start, figure.repl_end) if yoy else (figure.start, figure.end)
            self.spans.setdefault(figure.field, []).append((*span, replacement))
            return
        self.kept += 1
        if not self.keep_unknown:
            self.spans.setdefault(figure.field, []).append(
                (figure.start, figure.end, mask_digits(figure.number))
            )


def _placeholder(figure: Figure, base: Figure) -> str | None:
    """The placeholder a figure becomes when its base names a known metric, or None (see the module
    docstring: a 同比 only where the evaluator prints the same text, a 完成预算 always)."""
    if figure is base:
        return "{{" + base.name + "}}"
    if figure.role == "yoy" and figure.repl_start != figure.start:
        return "{{" + base.name + ".增减}}"
    if figure.role == "budget":
        return "{{" + base.name + ".完成预算}}"
    return None


def figure_edits(
    figures: list[Figure],
    known: frozenset[str],
    metrics: dict[str, tuple[str, Decimal | None, int]] | None = None,
    *,
    keep_unknown: bool = False,
) -> FigureEdits:
    """What becomes of each figure: a base confidently named as a `known` metric becomes its
    placeholder, with its 同比 / 完成预算 companions; every other figure is cleared to * (carrying a
    whole report forward) or, with `keep_unknown`, left as typed (reusing one paragraph: the check
    panel lists it as hand-typed). `metrics` collects name -> (unit, value, decimals) of the
    placeholders made."""
    edits = FigureEdits(keep_unknown=keep_unknown)
    for figure in figures:
        if figure.role == "other":
            edits.add(figure, None)
        if figure.role != "base":
            continue
        named = figure.confident and figure.name in known
        if named and metrics is not None:
            metrics.setdefault(figure.name, (figure.unit, figure.value, figure.decimals))
        for one in (figure, *figure.companions):
            edits.add(one, _placeholder(one, figure) if named else None)
    return edits


def _apply(text: str, spans: list[tuple[int, int, str]]) -> str:
    """`text` with each (start, end, replacement) applied, last first (an overlapping span is skipped)."""
    end = len(text) + 1
    for start, stop, replacement in sorted(spans, reverse=True):
        if stop <= end:
            text = text[:start] + replacement + text[stop:]
            end = start
    return text


@dataclass
class CarriedText:
    text: str
    placeholders: int  # figures that became this year's placeholders
    hand_typed: int  # figures left as typed, for the user to check


def carry_text(text: str, *, year: int, known: frozenset[str]) -> CarriedText:
    """One paragraph of a `year` report reused in the next year's: the period's years move on
    (move_period_years) and each figure confidently named as one of the `known` metrics (this
    year's) becomes its placeholder, as carry_forward does; every other figure stays as typed and
    is counted, for the user to check."""
    moved = move_period_years(text, year)
    parsed = ParsedReport(items=[Item(PARAGRAPH, text=moved)])
    edits = figure_edits(find_figures(parsed), known, keep_unknown=True)
    return CarriedText(_apply(moved, edits.spans.get("items.0.text", [])), edits.placeholders, edits.kept)
