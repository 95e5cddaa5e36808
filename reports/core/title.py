"""Title line splitting for the 2号 小标宋 title (GB/T 9704 7.3.1, docs/layout.md §4): ≤ 20 字 per line, no word broken."""

from __future__ import annotations

import re

from .text import display_width

MAX_TITLE_WIDTH = 20.0

# Spans that must never be broken: book titles, runs of digits (with 年/月/日 units), quoted phrases.
# Domain words that a break must not cut (no dictionary segmenter is shipped; these cover titles of
# the kinds we render). Longest first so the regex prefers them.
_WORDS = sorted(
    """财政局 财政厅 党组书记 局长 副局长 同志 年度 工作总结 工作计划 工作要点 述职报告 述职述廉报告 抓基层党建
    基层党建 党风廉政 全面从严治党 从严治党 工作责任制 责任制 落实情况 贯彻落实 执行情况 预算执行 决算 预算
    一般公共预算 政府性基金 国有资本经营 社会保险基金 主题教育 意识形态 履职情况 述职 报告 总结 计划 情况 工作
    高质量发展 财政改革 改革 管理 建设 发展 党建""".split(),
    key=len,
    reverse=True,
)
_UNBREAKABLE = re.compile(
    r"《[^》]*》|“[^”]*”|（[^）]*）|\d[\d.，,]*\s*(?:年度|年|月|日|号)?|[A-Za-z]+|" + "|".join(_WORDS)
)
# Preferred break points: before 关于, before 的 + document kind, after an organ name.
_GOOD_BEFORE = ("关于", "在", "抓基层", "落实", "工作", "情况", "述职", "年度", "党组书记")
_GOOD_AFTER = ("局", "委", "厅", "办", "部", "年度", "、", "同志", "和", "及", "与")


def _tokens(title: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    for m in _UNBREAKABLE.finditer(title):
        tokens.extend(title[pos : m.start()])
        tokens.append(m.group())
        pos = m.end()
    tokens.extend(title[pos:])
    return [t for t in tokens if t]


def _score(lines: list[str], title: str, cuts: list[int]) -> float:
    widths = [display_width(line) for line in lines]
    if max(widths) > MAX_TITLE_WIDTH:
        return float("inf")
    score = len(lines) * 100.0
    score += max(widths) - min(widths)
    if len(lines) == 2 and widths[0] < widths[1]:
        score += 6  # trapezoid: the longer line on top
    if len(lines) == 3 and not (widths[1] <= widths[0] and widths[1] <= widths[2]):
        score += 3  # diamond: long-short-long
    for cut in cuts:
        rest, before = title[cut:], title[:cut]
        if any(rest.startswith(w) for w in _GOOD_BEFORE) or any(before.endswith(w) for w in _GOOD_AFTER):
            score -= 8
        if rest[:1] in "，、。；：）》”的和与及长" or before.endswith("关于"):
            score += 20  # never start a line with punctuation or a particle
    return score


def split_title(title: str, max_lines: int = 3) -> list[str]:
    """Split a title into balanced centred lines of ≤ 20 字 (trapezoid or diamond).

    A title that fits on one line stays whole. Breaks fall only between tokens, so 《…》, quoted
    phrases and numbers with their units stay on one line. If no split fits, the greedy fill is used.
    """
    title = title.strip()
    if display_width(title) <= MAX_TITLE_WIDTH:
        return [title] if title else []
    tokens = _tokens(title)
    offsets = [0]
    for tok in tokens:
        offsets.append(offsets[-1] + len(tok))
    candidates = offsets[1:-1]
    best: tuple[float, list[str]] | None = None
    for n_lines in range(2, max_lines + 1):
        for cuts in _combinations(candidates, n_lines - 1):
            bounds = [0, *cuts, len(title)]
            lines = [title[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
            score = _score(lines, title, list(cuts))
            if best is None or score < best[0]:
                best = (score, lines)
        if best is not None and best[0] != float("inf"):
            break
    if best is not None and best[0] != float("inf"):
        return best[1]
    return _greedy(tokens)


def _combinations(items: list[int], k: int):
    if k == 0:
        yield ()
        return
    for i, item in enumerate(items):
        for rest in _combinations(items[i + 1 :], k - 1):
            yield (item, *rest)


def _greedy(tokens: list[str]) -> list[str]:
    lines: list[str] = [""]
    for tok in tokens:
        if display_width(lines[-1] + tok) > MAX_TITLE_WIDTH and lines[-1]:
            lines.append("")
        lines[-1] += tok
    return lines
