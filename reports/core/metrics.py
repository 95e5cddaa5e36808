"""Metrics (指标) and the placeholder language of the prose, exact or masked (docs/architecture.md, Metrics and placeholders).

Prose refers to metrics with placeholders::

    {{一般公共预算收入}}                    -> 400.6     the value, with the metric's decimals
    {{一般公共预算收入.同比}}               -> 7.5       % change against 上年同期 (1 decimal)
    {{一般公共预算收入.增减}}               -> 增长7.5% / 下降3.2% / 持平
    {{一般公共预算收入.完成预算}}           -> 103.2     % of 年初预算 (1 decimal)
    {{一般公共预算收入.上年}}               -> 372.6     the 上年同期 value
    {{一般公共预算收入|亿元}}               -> 400.6     unit scaling (元/万元/亿元, 亩/万亩, …)
    {{税收收入|占比(一般公共预算收入)}}     -> 76.6      share in %, 1 decimal

Placeholders are parsed by Jinja2's ImmutableSandboxedEnvironment and checked against an AST
whitelist before anything is compiled or run, so statements, calls, item access, operators,
constants and every name that is not a metric are refused with a Chinese message. Nothing here
raises for bad input: errors and warnings are data, a failed placeholder renders as ``**``.

Outputs are plain text (never escaped): escaping belongs to the target (HTML autoescape in the
editor, XML escaping in the Word renderer).

The parts live in sibling modules: reports.core.quantities (MetricValue, units, number formatting,
derived values), reports.core.placeholders (finding placeholders, the sandbox and the whitelist)
and reports.core.masking (masking, hand-typed numbers). This module evaluates placeholders against
a set of metrics and resolves texts and snapshots; it re-exports the public names of the others.

Pure: no Django, no Celery.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from .masking import (
    HandNumber,
    find_hand_numbers,
    kept_years,
    mask_digits,
    mask_numbers,
    mask_terms,
    mask_years,
)
from .placeholders import (
    MAX_EXPRESSION,
    Placeholder,
    _compiled,
    _inner,
    checked,
    find_placeholders,
)
from .quantities import (
    DERIVED,
    MASK,
    MAX_DECIMALS,
    PERCENT_DECIMALS,
    SHARE,
    UNIT_SCALES,
    UNITS,
    MetricValue,
    _EvalError,
    _MetricProxy,
    _Trace,
    format_number,
)
from .tree import any_children, block_path, walk

__all__ = [
    "DERIVED",
    "MASK",
    "MAX_DECIMALS",
    "MAX_EXPRESSION",
    "MAX_OUTPUT",
    "PERCENT_DECIMALS",
    "SHARE",
    "UNITS",
    "UNIT_SCALES",
    "HandNumber",
    "MetricSet",
    "MetricValue",
    "Placeholder",
    "ResolveReport",
    "ResolvedText",
    "evaluate",
    "find_hand_numbers",
    "find_placeholders",
    "format_number",
    "kept_years",
    "mask_digits",
    "mask_numbers",
    "mask_terms",
    "mask_years",
    "resolve_snapshot",
    "resolve_text",
]

MAX_OUTPUT = 200  # characters a placeholder may produce
_TOKEN = re.compile(r"[0-9]+(?:\.[0-9]+)?")


# ---------------------------------------------------------------------------------------------
# Evaluating placeholders against a set of metrics


def _is_word(ch: str) -> bool:
    return bool(ch) and (ch.isalnum() or ch == "_")


@lru_cache(maxsize=64)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """Alternation of the metric names, longest first; a name ending in a word character must not
    be followed by one (so 收入 does not match the start of 收入增长)."""
    ordered = sorted((n for n in names if n), key=len, reverse=True)
    alternatives = [re.escape(n) + (r"(?!\w)" if _is_word(n[-1]) else "") for n in ordered]
    return re.compile("|".join(alternatives)) if alternatives else None


class _Evaluator:
    """Evaluates placeholders against one set of metrics (build once, use for a whole report); each
    placeholder text is evaluated once per evaluator (`evaluated` counts them), later occurrences
    get a copy at their own place.

    Metric names need not be Python identifiers ("R&D经费", "收入（含基金）"): wherever a name may
    stand (not after "." or "|"), the longest known metric name is replaced by a generated
    identifier before Jinja2 parses the expression.
    """

    def __init__(self, metrics: Mapping[str, MetricValue]) -> None:
        self.metrics = dict(metrics)
        self.pattern = _names_pattern(tuple(self.metrics))
        self._done: dict[str, Placeholder] = {}
        self.evaluated = 0

    def _substitute(self, inner: str) -> tuple[str, dict[str, str]]:
        prefix = "_m"
        while prefix in inner:  # generated ids never collide with what the user typed
            prefix += "_"
        out: list[str] = []
        ids: dict[str, str] = {}
        by_name: dict[str, str] = {}
        last = ""  # last non-space character before i
        i = 0
        while i < len(inner):
            if (
                self.pattern is not None
                and last not in (".", "|")
                and not (i and _is_word(inner[i - 1]))
                and (match := self.pattern.match(inner, i)) is not None
            ):
                name = match.group()
                ident = by_name.setdefault(name, f"{prefix}{len(by_name)}_")
                ids[ident] = name
                out.append(ident)
                last = name[-1]
                i = match.end()
                continue
            out.append(inner[i])
            if not inner[i].isspace():
                last = inner[i]
            i += 1
        return "".join(out), ids

    def evaluate(self, source: str, start: int = 0, end: int | None = None) -> Placeholder:
        end = len(source) + start if end is None else end
        done = self._done.get(source)
        if done is None:
            done = self._done[source] = self._evaluate(source)
            self.evaluated += 1
        return replace(done, start=start, end=end)

    def _evaluate(self, source: str) -> Placeholder:
        trace = _Trace()
        used: list[str] = []
        output, error = MASK, ""
        try:
            inner = _inner(source)
            code, ids = self._substitute(inner)
            template_source = "{{ " + code + " }}"
            used_ids, problem = checked(template_source, frozenset(ids))
            if problem:
                raise _EvalError(problem)
            used = [ids[i] for i in used_ids]
            context = {i: _MetricProxy(ids[i], self.metrics[ids[i]], trace) for i in used_ids}
            output = _compiled(template_source).render(context)
            if len(output) > MAX_OUTPUT:
                raise _EvalError(f"占位符结果过长（超过{MAX_OUTPUT}个字符）")
        except _EvalError as refused:
            output, error = MASK, str(refused)
        except Exception:  # never let anything escape a render
            output, error = MASK, "占位符无法计算，请检查写法"
        return Placeholder(
            source=source,
            start=0,
            end=len(source),
            output=output,
            masked=mask_digits(output),
            metrics=tuple(used),
            warning="" if error else "；".join(trace.warnings),
            error=error,
        )


class MetricSet(Mapping[str, MetricValue]):
    """A set of metric values (read-only) that carries one evaluator: the previews, the check and
    the proofreading of one request, given the same MetricSet, evaluate each placeholder text once.
    Any other Mapping works too, with a fresh evaluator per call."""

    def __init__(self, values: Mapping[str, MetricValue]) -> None:
        self._values = dict(values)
        self.evaluator = _Evaluator(self._values)

    def __getitem__(self, name: str) -> MetricValue:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _evaluator_for(metrics: Mapping[str, MetricValue]) -> _Evaluator:
    return metrics.evaluator if isinstance(metrics, MetricSet) else _Evaluator(metrics)


def evaluate(expr: str, metrics: Mapping[str, MetricValue]) -> Placeholder:
    """Evaluate one placeholder ("{{…}}" as written, or the bare expression inside it).

    Never raises: problems are in `.error` (refused or unknown) or `.warning` (value missing,
    division by zero), and then the output is MASK. start/end are 0 and len(expr).
    """
    return _evaluator_for(metrics).evaluate(expr)


# ---------------------------------------------------------------------------------------------
# Resolving texts and snapshots


@dataclass(frozen=True)
class _Options:
    """How a masked copy masks. By default every number is masked except the kept years (the
    report's own year and the next, reports.core.masking.kept_years); metrics_only masks only what
    placeholders produce (an explicit opt-out: hand-typed figures then go out as typed)."""

    masked: bool = False
    mask_years: bool = False
    terms: tuple[str, ...] = ()
    metrics_only: bool = False
    keep_years: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        masked: bool,
        mask_years: bool,
        terms: Sequence[str],
        metrics_only: bool,
        keep_years: Iterable[int | str],
    ) -> _Options:
        keep = () if mask_years else tuple(str(y) for y in keep_years)
        return cls(masked, mask_years, tuple(terms), metrics_only, keep)


@dataclass
class _Found:
    """What resolving found, in a text or a whole snapshot. secrets: digit strings (and terms) a
    masked copy must not contain (what scan_docx looks for in a masked package)."""

    placeholders: list[Placeholder] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    hand_numbers: list[HandNumber] = field(default_factory=list)
    years: list[HandNumber] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)


@dataclass
class ResolvedText(_Found):
    """A text with every placeholder replaced."""

    text: str = ""


@dataclass
class ResolveReport(_Found):
    """What resolving a whole snapshot found. `errors` make the report unfit to submit or export."""

    metrics_used: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def missing(self) -> list[str]:
        """Placeholders that rendered MASK for want of a value (sources, in order)."""
        return [p.source for p in self.placeholders if p.warning]


def _add(messages: list[str], message: str) -> None:
    if message and message not in messages:
        messages.append(message)


def _short(source: str, limit: int = 40) -> str:
    return source if len(source) <= limit else source[: limit - 1] + "…"


def _mask_literal(text: str, opts: _Options) -> str:
    if not opts.masked or not text:
        return text
    text = mask_terms(text, opts.terms)
    if not opts.metrics_only:
        return mask_numbers(text, opts.keep_years)
    return mask_years(text) if opts.mask_years else text


def _resolve(
    text: str, evaluator: _Evaluator, opts: _Options, where: str = "", *, figures: bool = True
) -> ResolvedText:
    """Resolve one text field. figures=False: hand-typed numbers are not reported (the date)."""
    out: list[str] = []
    result = ResolvedText(text="")
    pos = 0
    for start, end, source in find_placeholders(text):
        out.append(_mask_literal(text[pos:start], opts))
        ph = evaluator.evaluate(source, start, end)
        ph.field = where
        result.placeholders.append(ph)
        out.append(ph.masked if opts.masked else ph.output)
        if ph.error:
            _add(result.errors, f"{_short(ph.source)}：{ph.error}")
        else:
            _add(result.warnings, ph.warning)
            result.secrets.update(_TOKEN.findall(ph.output))
        pos = end
    out.append(_mask_literal(text[pos:], opts))
    result.text = "".join(out)

    for number in find_hand_numbers(text):
        number = HandNumber(number.start, number.end, number.text, number.context, number.kind, where)
        if number.kind == "year":
            result.years.append(number)
            if opts.mask_years or (not opts.metrics_only and number.token not in opts.keep_years):
                result.secrets.add(number.token)
        elif not opts.metrics_only:
            if number.token not in opts.keep_years:  # a bare "2025" is masked, "2025年" may stay
                result.secrets.add(number.token)
            if figures:
                result.hand_numbers.append(number)
        elif figures:
            result.hand_numbers.append(number)
            _add(
                result.warnings,
                f"“…{number.context}…”中的“{number.text}”：这里的数字不是指标，“仅脱敏指标”的脱敏稿中将原样保留",
            )
    result.secrets.update(t for t in opts.terms if t and t.strip() and t in text)
    return result


def _collisions(numbers: Iterable[HandNumber], placeholders: Iterable[Placeholder]) -> list[str]:
    """Hand-typed numbers equal to a metric output: a masked export would fail its leak scan."""
    metric_secrets = {t for p in placeholders if not p.error for t in _TOKEN.findall(p.output)}
    return [
        f"数字“{n.text}”与指标数值相同，脱敏稿导出时会被判为泄露，请改用占位符，或导出时不要选择“仅脱敏指标”"
        for n in numbers
        if n.token in metric_secrets
    ]


def resolve_text(
    text: str,
    metrics: Mapping[str, MetricValue],
    *,
    masked: bool = False,
    mask_years: bool = False,
    sensitive_terms: Sequence[str] = (),
    metrics_only: bool = False,
    keep_years: Iterable[int | str] = (),
) -> ResolvedText:
    """Replace every placeholder of `text` by its output (masked=True: its masked output).

    Never raises. A refused placeholder, a statement ({% %}, {# #}) or an unbalanced delimiter
    becomes MASK and an error; a missing value becomes MASK and a warning. With masked=True the
    text around placeholders also gets sensitive terms and every number masked, except the years
    in keep_years (none with mask_years). metrics_only=True masks only placeholders (and years with
    mask_years); hand-typed numbers are then warned about, as they go out as typed.
    """
    opts = _Options.of(masked, mask_years, sensitive_terms, metrics_only, keep_years)
    result = _resolve(text or "", _evaluator_for(metrics), opts)
    if metrics_only:
        for message in _collisions(result.hand_numbers, result.placeholders):
            _add(result.warnings, message)
    return result


_SNAPSHOT_FIELDS = ("title", "subtitle", "opening", "closing", "signature", "date")
_BLOCK_FIELDS = ("title", "lead", "text")


def _plain_copy(value: Any) -> Any:
    """A deep copy with every Mapping as a dict and every list/tuple as a list."""
    if isinstance(value, Mapping):
        return {key: _plain_copy(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_copy(item) for item in value]
    return value


def resolve_snapshot(
    snapshot: Mapping[str, Any],
    metrics: Mapping[str, MetricValue],
    *,
    masked: bool = False,
    mask_years: bool = False,
    sensitive_terms: Sequence[str] = (),
    metrics_only: bool = False,
    keep_years: Iterable[int | str] = (),
) -> tuple[dict[str, Any], ResolveReport]:
    """A deep copy of `snapshot` (reports.core.document) with every text field resolved, and what
    was found. Text fields: title, subtitle, opening, closing, signature, date, and each block's
    title, lead and text, recursively through children; a block's suggestions (title, text) and
    comments (text, replies' text) are resolved and masked the same way, adding to secrets only.
    Other keys are copied unchanged.

    Placeholder.field / HandNumber.field locate findings ("opening", "blocks.0.children.2.text").
    secrets are the same whether masked or not (they depend on the options only). Never raises.
    """
    opts = _Options.of(masked, mask_years, sensitive_terms, metrics_only, keep_years)
    evaluator = _evaluator_for(metrics)
    resolved: dict[str, Any] = _plain_copy(snapshot)
    report = ResolveReport()
    date_numbers: list[HandNumber] = []

    def resolve_field(container: dict[str, Any], key: str, where: str) -> None:
        value = container.get(key)
        if not isinstance(value, str) or not value:
            return
        result = _resolve(value, evaluator, opts, where, figures=where != "date")
        container[key] = result.text
        report.placeholders.extend(result.placeholders)
        report.hand_numbers.extend(result.hand_numbers)
        report.years.extend(result.years)
        report.secrets.update(result.secrets)
        for message in result.errors:
            _add(report.errors, message)
        # Hand-typed numbers are listed in report.hand_numbers; warnings keep what needs action.
        for ph in result.placeholders:
            if ph.warning and not ph.error:
                _add(report.warnings, ph.warning)
        if where == "date":
            date_numbers.extend(n for n in find_hand_numbers(value) if n.kind == "number")

    def resolve_remark(container: Any, key: str) -> None:
        """A suggestion's or comment's text (reports.core.tracked): resolved and masked like block
        text, its secrets scanned for, but no findings (they are not the report's text yet)."""
        value = container.get(key) if isinstance(container, dict) else None
        if isinstance(value, str) and value:
            result = _resolve(value, evaluator, opts, figures=False)
            container[key] = result.text
            report.secrets.update(result.secrets)

    for key in _SNAPSHOT_FIELDS:
        resolve_field(resolved, key, key)
    blocks = resolved.get("blocks")
    for visit in walk(blocks if isinstance(blocks, list) else (), any_children):
        if isinstance(visit.node, dict):
            for key in _BLOCK_FIELDS:
                resolve_field(visit.node, key, f"{block_path(visit.path)}.{key}")
            for suggestion in visit.node.get("suggestions") or ():
                resolve_remark(suggestion, "title")
                resolve_remark(suggestion, "text")
            for comment in visit.node.get("comments") or ():
                resolve_remark(comment, "text")
                for reply in (comment.get("replies") or ()) if isinstance(comment, dict) else ():
                    resolve_remark(reply, "text")

    report.metrics_used = {name for p in report.placeholders for name in p.metrics}
    if metrics_only:
        for message in _collisions([*report.hand_numbers, *date_numbers], report.placeholders):
            _add(report.warnings, message)
    return resolved, report
