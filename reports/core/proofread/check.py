"""check_text: every rule of rules.py over one block's text, placeholders and masks kept sacred.

Steps:
1. Find the protected spans: placeholders ("{{…}}", "{%…%}", stray delimiters, as
   reports.core.placeholders finds them) and masks (runs of "*", "*.*", as reports.core.masking
   writes them); for the numeral rules also the fixed expressions (十四五, 三公经费…).
2. Blank the placeholders out (same length, a private-use character) so that nothing inside them
   looks like prose to a rule; masks stay, they stand for digits.
3. Run the rules registered for the context; drop every hit inside a protected span or cutting
   one (a hit may enclose a whole one: its fix gets the placeholder's text back, never a blank).
4. Add the 提法 findings (phrases.py) and sort by position.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ..placeholders import find_placeholders
from . import numeric, punctuation, structure  # noqa: F401  (importing them registers their rules)
from .findings import Finding, Hit, text_checksum
from .phrases import Phrase, check_phrases
from .rules import CONTEXTS, RULES
from .tables import FIXED_EXPRESSIONS

_MASK = re.compile(r"\*+(?:[.．]\*+)*")
_BLANK = "\ue000"  # a private-use character: neither Han, digit nor punctuation to any rule
_FIXED = re.compile("|".join(sorted(FIXED_EXPRESSIONS, key=len, reverse=True)))

Span = tuple[int, int]


def _overlaps(spans: list[Span], start: int, end: int) -> bool:
    return any(a < max(end, start + 1) and start < b for a, b in spans)


def _cuts(spans: list[Span], start: int, end: int) -> bool:
    """Whether [start, end) lies inside a protected span or cuts one; enclosing one whole is fine
    (a nested quotation around "{{收入}}亿元" is still a finding)."""
    return any(a < max(end, start + 1) and start < b and not (start <= a and b <= end) for a, b in spans)


def _restore(fix: str | None, text: str, placeholders: list[Span], start: int, end: int) -> str | None:
    """A fix a rule built from the blanked text, with the enclosed placeholders written back."""
    if fix is None or _BLANK not in fix:
        return fix
    for a, b in placeholders:
        if start <= a and b <= end:
            fix = fix.replace(_BLANK * (b - a), text[a:b], 1)
    return fix


@lru_cache(maxsize=16)
def _rules_for(context: str) -> tuple:
    if context not in CONTEXTS:
        raise ValueError(f"unknown proofreading context {context!r}; one of {sorted(CONTEXTS)}")
    return tuple(r for r in RULES if context in r.contexts)


def check_text(
    text: str, *, context: str = "body", phrases: Iterable[Phrase] = (), field: str = ""
) -> list[Finding]:
    """Findings of one block's text, sorted by (start, end, rule).

    context: "body" (paragraph, opening, closing, run-in text), "heading" (a heading's title),
    "point" (a point's lead or text), "title" (the report title) or "line" (subtitle, subject,
    signature, date); see rules.py. phrases: the 提法 list to apply. field: copied into each
    finding (where the text lives in a snapshot). Pure and fast enough for every autosave.
    """
    if not text:
        return []
    placeholders = [(s, e) for s, e, _ in find_placeholders(text)]
    masks = [m.span() for m in _MASK.finditer(text)] if "*" in text else []
    protected = placeholders + masks
    blanked = text
    for s, e in placeholders:
        blanked = blanked[:s] + _BLANK * (e - s) + blanked[e:]
    fixed: list[Span] | None = None
    checksum = text_checksum(text)
    findings: list[Finding] = []

    def add(rule_id: str, hit: Hit) -> None:
        findings.append(
            Finding(
                rule=hit.rule or rule_id,
                severity=hit.severity,
                start=hit.start,
                end=hit.end,
                text=text[hit.start : hit.end],
                message=hit.message,
                fix=_restore(hit.fix, text, placeholders, hit.start, hit.end),
                safe=hit.safe,
                field=field,
                checksum=checksum,
            )
        )

    chars = set(text)
    for rule in _rules_for(context):
        if rule.trigger and rule.trigger.isdisjoint(chars):
            continue
        if rule.on_placeholders:
            if placeholders:
                for hit in rule.check(text):
                    add(rule.id, hit)
            continue
        for hit in rule.check(blanked):
            if protected and _cuts(protected, hit.start, hit.end):
                continue
            if rule.numerals:
                if fixed is None:
                    fixed = [m.span() for m in _FIXED.finditer(text)]
                if _overlaps(fixed, hit.start, hit.end):
                    continue
            add(rule.id, hit)
    for hit in check_phrases(blanked, phrases):
        if not _cuts(protected, hit.start, hit.end):
            add("F01", hit)
    findings.sort(key=lambda f: (f.start, f.end, f.rule))
    return findings
