"""Proofreading of a whole report snapshot, and the checks whose data only the Django layer has.

check_document walks a snapshot (reports.core.document) field by field with the context each
field needs, locating findings with the same field paths as reports.core.metrics.resolve_snapshot
("title", "opening", "blocks.0.children.2.text"). The other functions take plain data the service
already holds (evaluated placeholders, the kind's sections with their sizes, metric values) so
that it can merge their findings with check_document's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from ..masking import find_hand_numbers
from ..tree import any_children, block_path, walk
from .check import check_text
from .findings import Finding, text_checksum
from .phrases import Phrase

# snapshot field -> context (rules.py)
_FIELDS = {
    "title": "title",
    "subtitle": "line",
    "subject": "line",
    "opening": "body",
    "closing": "body",
    "signature": "line",
    "date": "line",
}

# A section is "far" from its target beyond these factors (D04).
LENGTH_OVER = 2.0
LENGTH_UNDER = 0.5
# A hand-typed integer below this is too common to be read as a metric (D05): "12个专题".
FIGURE_MIN_INTEGER = 100


def _block_contexts(block: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    kind = block.get("type")
    if kind == "heading":
        yield "title", "heading"
        yield "text", "body"
    elif kind == "point":
        # The renderer writes "一是" before the lead, or before the text when there is no lead.
        yield "lead", "point"
        yield "text", "body" if block.get("lead") else "point"
    else:
        yield "text", "body"


def check_document(snapshot: Mapping[str, Any], *, phrases: Iterable[Phrase] = ()) -> list[Finding]:
    """Findings of every text field of `snapshot`, in document order, each with its `field`.

    Offsets are into that field's text. Missing or non-string fields are skipped; never raises
    on a malformed block.
    """
    phrases = tuple(phrases)
    out: list[Finding] = []

    def check(value: Any, context: str, field: str) -> None:
        if isinstance(value, str) and value:
            out.extend(check_text(value, context=context, phrases=phrases, field=field))

    for key in ("title", "subtitle", "subject", "opening"):
        check(snapshot.get(key), _FIELDS[key], key)

    blocks = snapshot.get("blocks")
    for visit in walk(blocks if isinstance(blocks, list) else (), any_children):
        if isinstance(visit.node, Mapping):
            for key, context in _block_contexts(visit.node):
                check(visit.node.get(key), context, f"{block_path(visit.path)}.{key}")
    for key in ("closing", "signature", "date"):
        check(snapshot.get(key), _FIELDS[key], key)
    return out


def paragraphs_json(paragraphs: Iterable[str], *, phrases: Iterable[Phrase] = ()) -> dict[str, Any]:
    """The `proofread FILE --json` answer: {"findings": [{"paragraph", "start", "end", "text", "rule",
    "severity", "message", "fix"}, …]} where paragraph is the index among the non-empty paragraphs
    given (a .txt line, a .docx paragraph) and offsets are into that paragraph as given."""
    phrases = tuple(phrases)
    texts = [p for p in paragraphs if p.strip()]
    keys = ("start", "end", "text", "rule", "severity", "message", "fix")
    return {
        "findings": [
            {"paragraph": index, **{key: getattr(f, key) for key in keys}}
            for index, text in enumerate(texts)
            for f in check_text(text, phrases=phrases)
        ]
    }


def placeholder_findings(
    placeholders: Iterable[Any], texts: Mapping[str, str] | None = None
) -> list[Finding]:
    """D01/D02 errors from evaluated placeholders (reports.core.placeholders.Placeholder, as
    resolve_snapshot returns them): one with an error (D01, e.g. an unknown metric) or without a
    value (D02) blocks submission. `texts` (field -> text) lets the findings carry a checksum."""
    out = []
    for ph in placeholders:
        if ph.error:
            rule, message = "D01", ph.error
        elif ph.warning:
            rule, message = "D02", ph.warning
        else:
            continue
        text = (texts or {}).get(ph.field)
        out.append(
            Finding(
                rule=rule,
                severity="error",
                start=ph.start,
                end=ph.end,
                text=ph.source,
                message=message,
                field=ph.field,
                checksum=text_checksum(text) if text is not None else 0,
            )
        )
    return out


def section_findings(sections: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """D03 (error): a required section left empty; D04 (warning): a section far over or under its
    target length. Each section is {"field", "title", "required", "chars", "target_chars"} (chars as
    reports.core.text.count_chars counts them). The finding spans nothing (start = end = 0)."""
    out = []
    for s in sections:
        title, chars, target = s.get("title", ""), int(s.get("chars") or 0), int(s.get("target_chars") or 0)
        if s.get("required") and chars == 0:
            rule, severity, message = "D03", "error", f"必填部分“{title}”尚未填写"
        elif target and chars and chars > target * LENGTH_OVER:
            rule, severity, message = "D04", "warning", f"“{title}”共{chars}字，远超建议的{target}字"
        elif target and chars and chars < target * LENGTH_UNDER:
            rule, severity, message = "D04", "warning", f"“{title}”仅{chars}字，远少于建议的{target}字"
        else:
            continue
        out.append(Finding(rule, severity, 0, 0, "", message, field=s.get("field", "")))
    return out


def _typed_figure(token: str) -> tuple[Decimal, Decimal] | None:
    """A typed number that may stand for a metric, with the quantum it was typed to (0.1 for
    "186.4"); None for what is no figure: zero, or an integer under FIGURE_MIN_INTEGER."""
    try:
        typed = Decimal(token)
    except InvalidOperation:
        return None
    exponent = typed.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) else 0
    if typed.is_zero() or (places <= 0 and abs(typed) < FIGURE_MIN_INTEGER):
        return None
    return typed, Decimal(1).scaleb(-max(places, 0))


def figures_matching_metrics(
    text: str, metric_values: Mapping[str, Decimal], *, field: str = ""
) -> list[Finding]:
    """D05 (warning): a number typed by hand (reports.core.masking.find_hand_numbers; years and
    placeholders excluded) that equals a metric's value: it should be the placeholder, so that it
    follows the metric and is masked with it. Suggests "{{指标名}}", never safe."""
    out = []
    checksum = text_checksum(text)
    values = [(name, Decimal(value)) for name, value in metric_values.items() if value is not None]
    for number in find_hand_numbers(text) if values else ():
        figure = _typed_figure(number.token) if number.kind == "number" else None
        if figure is None:
            continue
        typed, quantum = figure
        for name, value in values:
            if value.quantize(quantum, rounding=ROUND_HALF_UP) == typed:
                out.append(
                    Finding(
                        "D05",
                        "warning",
                        number.start,
                        number.end,
                        number.text,
                        f"数字“{number.text}”与指标“{name}”的数值相同，建议改用占位符{{{{{name}}}}}",
                        fix="{{" + name + "}}" + ("%" if number.text.endswith(("%", "％")) else ""),
                        field=field,
                        checksum=checksum,
                    )
                )
                break
    return out
