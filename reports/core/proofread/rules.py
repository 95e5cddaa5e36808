"""The registry of the text rules of proofreading, one small function per rule id (docs/proofreading.md).

A rule takes the text of one block (placeholders already blanked out by check.py, masks such as
"**亿元" left as they are) and yields Hits; check.py turns them into Findings and drops any that
touch a placeholder or a mask. Rules are registered with the contexts they apply to:

    body     a paragraph, the opening or closing, a heading's run-in text (may hold several lines)
    heading  a heading's title (numbered by the renderer)
    point    a point's lead or text (一是… is numbered by the renderer)
    title    the report's title
    line     short one-line fields: subtitle, subject, signature, date

The rules live in punctuation.py, numeric.py and structure.py; importing check.py registers them.
Only P01–P05, P12, N01, N02, N05 and S01 are safe (may be applied without reading); every other
rule only suggests. Vocabulary (punctuation pairs, units, brackets, fixed expressions) is in tables.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .findings import Hit
from .tables import (
    HAN,
    SEQUENCE_UNITS,
    UNIT_WORDS,
)

RuleFn = Callable[[str], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    check: RuleFn
    contexts: frozenset[str]
    trigger: frozenset[str] = frozenset()  # the rule cannot fire on a text without one of these
    numerals: bool = False  # never fires inside a fixed expression (tables.FIXED_EXPRESSIONS)
    on_placeholders: bool = False  # looks at placeholders themselves (they are not blanked for it)


CONTEXTS = frozenset({"body", "heading", "point", "title", "line"})
PROSE = CONTEXTS - {"line"}
RULES: list[Rule] = []


def rule(
    rule_id: str, contexts: frozenset[str] = CONTEXTS, trigger: str = "", **options: bool
) -> Callable[[RuleFn], RuleFn]:
    """Register a rule for `contexts`; `trigger` (characters) lets check_text skip it cheaply."""

    def register(fn: RuleFn) -> RuleFn:
        RULES.append(Rule(rule_id, fn, frozenset(contexts), frozenset(trigger), **options))
        return fn

    return register


# Character classes (inside [...]).
STOP_MARKS = "，。；：？！、,;:?!"  # the marks P09 finds doubled
NUM = r"[0-9]+(?:\.[0-9]+)?"  # ASCII only: Python's \d also matches full-width digits
UNIT_RE = "(?:" + "|".join(map(re.escape, UNIT_WORDS)) + ")"
SEQ_UNIT_RE = "(?:" + "|".join(SEQUENCE_UNITS) + ")"
CN_NUMERALS = "一二三四五六七八九十"
HAS_HAN = re.compile(f"[{HAN}]")
