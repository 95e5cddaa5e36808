"""Editor preview of a text with its placeholders evaluated: a list of typed segments."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .metrics import MetricValue, resolve_text


@dataclass(frozen=True)
class Segment:
    kind: str  # "text" | "value" | "missing" | "error"
    text: str
    note: str = ""


def preview_segments(text: str, metrics: Mapping[str, MetricValue]) -> list[Segment]:
    """Split `text` into literal runs and evaluated placeholders (values shown, errors explained)."""
    resolved = resolve_text(text, metrics)
    segments: list[Segment] = []
    pos = 0
    for ph in resolved.placeholders:
        if ph.start > pos:
            segments.append(Segment("text", text[pos : ph.start]))
        if ph.error:
            segments.append(Segment("error", ph.source, ph.error))
        elif ph.warning:
            segments.append(Segment("missing", ph.output, ph.warning))
        else:
            segments.append(Segment("value", ph.output, ph.source))
        pos = ph.end
    if pos < len(text):
        segments.append(Segment("text", text[pos:]))
    if resolved.errors and not any(s.kind == "error" for s in segments):
        segments.append(Segment("error", "", "；".join(resolved.errors)))
    return segments


def has_placeholders(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text
