"""Finding, the one shape every proofreading rule returns, and applying the safe fixes."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


def text_checksum(text: str) -> int:
    """What a finding remembers of the text it was computed on (CRC-32 of the UTF-8 bytes)."""
    return zlib.crc32(text.encode("utf-8"))


@dataclass(frozen=True)
class Hit:
    """What a rule reports: a span of the text, a plain-Chinese message and maybe a replacement.
    check_text turns it into a Finding."""

    start: int
    end: int
    message: str
    fix: str | None = None
    safe: bool = False
    severity: Severity = "warning"
    rule: str = ""  # set by a rule that reports several ids (the stack check: Q01–Q05)


@dataclass(frozen=True)
class Finding:
    """One place in one text that breaks a rule.

    start/end are character offsets into the checked text and text == checked[start:end]. fix is
    the replacement for [start:end] ("" deletes, None: no mechanical suggestion); safe means it may
    be applied without a human reading it (apply_fixes applies only those). field locates the text
    in a snapshot ("opening", "blocks.0.children.2.text"), "" for a lone text. checksum is
    text_checksum of the checked text, so that a stale finding is never applied.
    """

    rule: str
    severity: Severity
    start: int
    end: int
    text: str
    message: str
    fix: str | None = None
    safe: bool = False
    field: str = ""
    checksum: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form; `proofread --json` adds "paragraph"."""
        data = asdict(self)
        del data["checksum"]
        return data


def apply_fixes(text: str, findings: Iterable[Finding]) -> str:
    """`text` with the safe fixes of `findings` applied, right to left.

    Only findings computed on this very text are applied (same checksum, same characters at
    [start:end]); overlapping ones after the first (from the right) are skipped. Applying the same
    findings again to the result changes nothing, nor does applying the findings of the result.
    """
    checksum = text_checksum(text)
    todo = sorted(
        (
            f
            for f in findings
            if f.safe
            and f.fix is not None
            and f.checksum in (0, checksum)
            and text[f.start : f.end] == f.text
        ),
        key=lambda f: (f.start, f.end),
        reverse=True,
    )
    out = text
    limit = len(text) + 1
    for f in todo:
        if f.end > limit:
            continue
        out = out[: f.start] + f.fix + out[f.end :]
        limit = f.start
    return out


_SENTENCE_END = re.compile(r"[。！？；\n]")


def sentence_span(text: str, finding: Finding) -> tuple[int, int]:
    """Where the sentence around a finding lies in `text` (see sentence_of)."""
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, finding.start)]
    start = starts[-1] if starts else 0
    after = _SENTENCE_END.search(text, finding.end)
    return start, after.end() if after else len(text)


def sentence_of(text: str, finding: Finding) -> str:
    """The sentence around a finding (from the previous 。！？；or line break to the next one).

    An ignored finding stays ignored while this sentence is unchanged: key it on
    (finding.rule, finding.text, sentence_of(text, finding)).
    """
    start, end = sentence_span(text, finding)
    return text[start:end]
