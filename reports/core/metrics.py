"""Metrics (指标) and the placeholder language of the prose, exact or masked (PRODUCT.md §2–§3).

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

Pure: no Django, no Celery.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, nodes
from jinja2.exceptions import TemplateSyntaxError
from jinja2.runtime import Context as JinjaContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

# ---------------------------------------------------------------------------------------------
# Units

UNITS: tuple[str, ...] = (
    "亿元", "万元", "元", "%", "个百分点", "个", "项", "人", "万人", "人次", "万人次", "户", "万户",
    "亩", "万亩", "次", "家", "所", "公里", "吨", "辆", "套", "篇", "期", "件", "条", "批", "处", "笔",
    "倍",
)  # fmt: skip

# unit -> (family, factor to the family's base unit). Scaling is allowed only within a family.
UNIT_SCALES: dict[str, tuple[str, int]] = {
    "元": ("元", 1),
    "万元": ("元", 10**4),
    "亿元": ("元", 10**8),
    "亩": ("亩", 1),
    "万亩": ("亩", 10**4),
    "人": ("人", 1),
    "万人": ("人", 10**4),
    "人次": ("人次", 1),
    "万人次": ("人次", 10**4),
    "户": ("户", 1),
    "万户": ("户", 10**4),
}

MASK = "**"  # what a missing value or a failed placeholder renders as
DERIVED = ("同比", "增减", "完成预算", "上年")  # the only attributes a placeholder may use
SHARE = "占比"
PERCENT_DECIMALS = 1  # 同比, 完成预算 and 占比
MAX_DECIMALS = 10
MAX_EXPRESSION = 200  # characters between {{ and }}
MAX_OUTPUT = 200  # characters a placeholder may produce

_DIGITS = "0123456789０１２３４５６７８９"
_MASK_DIGITS = str.maketrans(dict.fromkeys(_DIGITS, "*"))
_ASCII_DIGITS = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_UNIT_HELP = "元/万元/亿元、亩/万亩、人/万人、人次/万人次、户/万户"
_FORMS_HELP = "{{指标名}}、{{指标名.同比}}、{{指标名.增减}}、{{指标名|亿元}} 或 {{指标名|占比(另一指标名)}}"


# ---------------------------------------------------------------------------------------------
# Metric values and number formatting


def _to_decimal(value: Any) -> Decimal | None:
    """None/'' -> None; int, str, float or Decimal -> a finite Decimal (ValueError otherwise)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("数值无效")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as error:
        raise ValueError(f"数值无效：{value}") from error
    if not number.is_finite():
        raise ValueError(f"数值无效：{value}")
    return number


@dataclass(frozen=True)
class MetricValue:
    """One metric as placeholders see it. Numbers are Decimals (ints, floats and numeric strings
    given to the constructor are converted); a non-finite number or decimals outside 0..10 raise
    ValueError."""

    name: str
    value: Decimal | None
    unit: str = ""
    decimals: int = 1
    prior: Decimal | None = None  # 上年同期
    budget: Decimal | None = None  # 年初预算

    def __post_init__(self) -> None:
        for attr in ("value", "prior", "budget"):
            object.__setattr__(self, attr, _to_decimal(getattr(self, attr)))
        if not isinstance(self.decimals, int) or not 0 <= self.decimals <= MAX_DECIMALS:
            raise ValueError(f"小数位应为0到{MAX_DECIMALS}之间的整数")

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (numbers as strings, None kept) for revision snapshots."""
        return {
            "name": self.name,
            "value": _decimal_str(self.value),
            "unit": self.unit,
            "decimals": self.decimals,
            "prior": _decimal_str(self.prior),
            "budget": _decimal_str(self.budget),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MetricValue:
        """The inverse of to_dict; missing keys take the defaults."""
        return cls(
            name=str(data["name"]),
            value=data.get("value"),
            unit=str(data.get("unit") or ""),
            decimals=int(data.get("decimals", 1)),
            prior=data.get("prior"),
            budget=data.get("budget"),
        )


def _decimal_str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def format_number(value: Decimal, decimals: int) -> str:
    """`value` rounded half up to `decimals` places, as plain digits.

    No grouping separators and never an exponent (12-digit values and 4 decimals included);
    a value that rounds to zero is written without a sign ("0.0", never "-0.0"). Raises ValueError
    for a non-finite value or negative decimals.
    """
    number = _to_decimal(value)
    if number is None or decimals < 0:
        raise ValueError("无法格式化数值")
    # Enough precision for the integer digits plus the requested decimals, whatever the size.
    prec = max(number.adjusted(), 0) + decimals + 10
    with localcontext(Context(prec=prec, rounding=ROUND_HALF_UP)):
        rounded = number.quantize(Decimal(1).scaleb(-decimals))
    if rounded.is_zero():
        rounded = rounded.copy_abs()
    return f"{rounded:f}"


def mask_digits(text: str) -> str:
    """Every ASCII and full-width digit becomes "*"; everything else is unchanged (same length)."""
    return text.translate(_MASK_DIGITS)


# ---------------------------------------------------------------------------------------------
# Evaluation objects (what a placeholder's names and attributes evaluate to)


class _EvalError(Exception):
    """A placeholder that cannot be evaluated. The message is Chinese and shown to the user."""


@dataclass
class _Trace:
    """Warnings collected while one placeholder is evaluated (one per evaluation, not shared)."""

    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message and message not in self.warnings:
            self.warnings.append(message)


@dataclass(eq=False)
class _Quantity:
    """A number a placeholder produces. value None = unavailable, for the reason in `missing`,
    which becomes a warning when (and only when) the quantity is printed."""

    trace: _Trace
    value: Decimal | None
    decimals: int
    unit: str  # "%" for percentages (never scaled)
    label: str  # what it is, for messages
    missing: str = ""

    def __str__(self) -> str:
        if self.value is None:
            self.trace.warn(self.missing)
            return MASK
        return format_number(self.value, self.decimals)


@dataclass(eq=False)
class _Wording:
    """增减: "增长7.5%", "下降3.2%" or "持平" (the change rounds to zero)."""

    change: _Quantity

    def __str__(self) -> str:
        if self.change.value is None:
            return str(self.change)
        text = format_number(self.change.value, self.change.decimals)
        if Decimal(text).is_zero():
            return "持平"
        return f"下降{text[1:]}%" if text.startswith("-") else f"增长{text}%"


def _percent(numerator: Decimal, denominator: Decimal) -> Decimal:
    with localcontext(Context(prec=60, rounding=ROUND_HALF_UP)):
        return numerator * 100 / denominator


class _MetricProxy:
    """What a metric name evaluates to inside a placeholder. Exposes nothing but DERIVED, through
    _Sandbox.getattr (Python attributes are never reachable from a template)."""

    __slots__ = ("_name", "_metric", "_trace")

    def __init__(self, name: str, metric: MetricValue, trace: _Trace) -> None:
        self._name = name
        self._metric = metric
        self._trace = trace

    def quantity(self) -> _Quantity:
        m = self._metric
        return _Quantity(
            self._trace, m.value, m.decimals, m.unit, f"指标“{self._name}”", f"指标“{self._name}”尚无数值"
        )

    def derive(self, attr: str) -> _Quantity | _Wording:
        m, name, trace = self._metric, self._name, self._trace
        if attr == "上年":
            return _Quantity(
                trace, m.prior, m.decimals, m.unit, f"指标“{name}”的上年同期数", f"指标“{name}”缺少上年同期数"
            )
        if attr in ("同比", "增减"):
            label = f"指标“{name}”的同比"
            value: Decimal | None = None
            if m.value is None:
                missing = f"指标“{name}”尚无数值"
            elif m.prior is None:
                missing = f"指标“{name}”缺少上年同期数，无法计算同比"
            elif m.prior.is_zero():
                missing = f"指标“{name}”上年同期数为0，无法计算同比"
            else:
                # Against the magnitude of the base, so that a rise is positive even from a negative base.
                value, missing = _percent(m.value - m.prior, abs(m.prior)), ""
            change = _Quantity(trace, value, PERCENT_DECIMALS, "%", label, missing)
            return change if attr == "同比" else _Wording(change)
        if attr == "完成预算":
            label = f"指标“{name}”的完成预算"
            value = None
            if m.value is None:
                missing = f"指标“{name}”尚无数值"
            elif m.budget is None:
                missing = f"指标“{name}”缺少年初预算数，无法计算完成预算"
            elif m.budget.is_zero():
                missing = f"指标“{name}”年初预算数为0，无法计算完成预算"
            else:
                value, missing = _percent(m.value, m.budget), ""
            return _Quantity(trace, value, PERCENT_DECIMALS, "%", label, missing)
        raise _EvalError(_attr_message(attr))

    def __str__(self) -> str:
        return str(self.quantity())


def _attr_message(attr: str) -> str:
    return f"不支持“.{attr}”，指标名后面只能写 .同比、.增减、.完成预算 或 .上年"


def _scalable(x: Any, target: str) -> _Quantity:
    if isinstance(x, _MetricProxy):
        return x.quantity()
    if isinstance(x, _Quantity) and x.unit != "%":
        return x
    label = x.change.label if isinstance(x, _Wording) else getattr(x, "label", "这个值")
    raise _EvalError(f"{label}是百分比，不能换算为“{target}”")


def _scale_filter(target: str) -> Any:
    def scale(x: Any) -> _Quantity:
        q = _scalable(x, target)
        if q.unit == target:
            return q
        if not q.unit:
            raise _EvalError(f"{q.label}没有单位，不能换算为“{target}”")
        source = UNIT_SCALES.get(q.unit)
        family, to_factor = UNIT_SCALES[target]
        if source is None or source[0] != family:
            raise _EvalError(
                f"{q.label}的单位是“{q.unit}”，不能换算为“{target}”（只能在{_UNIT_HELP}之间换算）"
            )
        from_factor = source[1]
        if to_factor > from_factor:  # to a larger unit: keep at least one decimal (4006万元 -> 0.4亿元)
            decimals = max(q.decimals, 1)
        else:  # to a smaller unit: drop the decimals the factor makes meaningless
            decimals = max(q.decimals - (len(str(from_factor // to_factor)) - 1), 0)
        value: Decimal | None = None
        if q.value is not None:
            with localcontext(Context(prec=60)):
                value = q.value * from_factor / to_factor
        return _Quantity(q.trace, value, decimals, target, q.label, q.missing)

    scale.__name__ = f"scale_{target}"
    return scale


def _share(x: Any, base: Any) -> _Quantity:
    """占比: x as a % of base; both are metrics of the same (or a convertible) unit."""
    if not isinstance(x, _MetricProxy) or not isinstance(base, _MetricProxy):
        raise _EvalError("占比只能用于指标本身，如 {{税收收入|占比(一般公共预算收入)}}")
    qx, qb = x.quantity(), base.quantity()
    fx = fb = 1
    if qx.unit != qb.unit:
        sx, sb = UNIT_SCALES.get(qx.unit), UNIT_SCALES.get(qb.unit)
        if sx is None or sb is None or sx[0] != sb[0]:
            raise _EvalError(
                f"{qx.label}（{qx.unit or '无单位'}）与{qb.label}（{qb.unit or '无单位'}）单位不同，不能计算占比"
            )
        fx, fb = sx[1], sb[1]
    label = f"{qx.label}占{qb.label}的比重"
    value: Decimal | None = None
    if qx.value is None:
        missing = qx.missing
    elif qb.value is None:
        missing = qb.missing
    elif qb.value.is_zero():
        missing = f"{qb.label}为0，无法计算占比"
    else:
        value, missing = _percent(qx.value * fx, qb.value * fb), ""
    return _Quantity(qx.trace, value, PERCENT_DECIMALS, "%", label, missing)


_FILTERS: dict[str, Any] = {unit: _scale_filter(unit) for unit in UNIT_SCALES}
_FILTERS[SHARE] = _share


# ---------------------------------------------------------------------------------------------
# The sandbox and the AST whitelist


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja2 sandbox with no globals, no tests, only our filters, and no attribute, item or call
    access except DERIVED on metric proxies. The whitelist in _check_expression already refuses
    everything else before compilation; these overrides are a second line of defence."""

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=False, cache_size=0)
        self.globals.clear()
        self.filters = dict(_FILTERS)
        self.tests = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return isinstance(obj, _MetricProxy) and attr in DERIVED

    def is_safe_callable(self, obj: Any) -> bool:
        return False

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, _MetricProxy) and attribute in DERIVED:
            return obj.derive(attribute)
        raise _EvalError(_attr_message(attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        raise _EvalError("占位符中不能使用 [ ] 取值")

    def call(__self, __context: JinjaContext, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        raise _EvalError("占位符中不能调用函数")


_ENV = _Sandbox()

_REFUSED: tuple[tuple[tuple[type[nodes.Node], ...], str], ...] = (
    ((nodes.Call,), "占位符中不能调用函数"),
    ((nodes.Getitem, nodes.Slice), "占位符中不能使用 [ ] 取值"),
    ((nodes.Literal,), "占位符中不能直接写数字或文字，只能引用指标名"),
    (
        (nodes.BinExpr, nodes.UnaryExpr, nodes.Compare, nodes.Concat, nodes.CondExpr),
        "占位符中不能使用运算符或条件，需要的数值请在指标库中维护",
    ),
    ((nodes.Test,), "占位符中不能使用“is”判断"),
)


def _check_name(node: nodes.Node, ids: Mapping[str, str], used: list[str]) -> None:
    assert isinstance(node, nodes.Name)
    if node.name not in ids:
        raise _EvalError(f"未找到指标“{node.name}”")
    if node.name not in used:
        used.append(node.name)


def _check_expression(node: nodes.Node, ids: Mapping[str, str], used: list[str]) -> None:
    """Accept only: Name | Name.DERIVED | (Name | Name.DERIVED)|unit | (…)|占比(Name).

    Raises _EvalError with a Chinese message for anything else; appends the names used to `used`.
    """
    if isinstance(node, nodes.Name):
        _check_name(node, ids, used)
    elif isinstance(node, nodes.Getattr):
        if node.attr not in DERIVED:
            raise _EvalError(_attr_message(node.attr))
        if not isinstance(node.node, nodes.Name):
            raise _EvalError(
                "“.同比”“.增减”“.完成预算”“.上年”只能直接写在指标名后面，如 {{一般公共预算收入.同比}}"
            )
        _check_name(node.node, ids, used)
    elif isinstance(node, nodes.Filter) and node.node is not None:
        if node.name not in _FILTERS:
            raise _EvalError(f"不支持“|{node.name}”，只能换算为 {'、'.join(UNIT_SCALES)}，或写 |占比(指标名)")
        if isinstance(node.node, nodes.Filter):
            raise _EvalError("一个占位符中只能使用一次“|”")
        _check_expression(node.node, ids, used)
        if node.kwargs or node.dyn_args is not None or node.dyn_kwargs is not None:
            raise _EvalError(f"“|{node.name}”的参数写法有误")
        if node.name == SHARE:
            if len(node.args) != 1 or not isinstance(node.args[0], nodes.Name):
                raise _EvalError("占比的写法是 {{税收收入|占比(一般公共预算收入)}}，括号中写一个指标名")
            _check_name(node.args[0], ids, used)
        elif node.args:
            raise _EvalError(f"“|{node.name}”后面不能带参数")
    else:
        for types, message in _REFUSED:
            if isinstance(node, types):
                raise _EvalError(message)
        raise _EvalError(f"不支持的占位符写法，请写成 {_FORMS_HELP}")


def _check_template(tree: nodes.Template, ids: Mapping[str, str]) -> list[str]:
    """The ids of the metrics a parsed "{{ expr }}" uses, or _EvalError."""
    body = tree.body
    if len(body) != 1 or not isinstance(body[0], nodes.Output) or len(body[0].nodes) != 1:
        raise _EvalError(f"不支持的占位符写法，请写成 {_FORMS_HELP}")
    used: list[str] = []
    _check_expression(body[0].nodes[0], ids, used)
    return used


@lru_cache(maxsize=1024)
def _compiled(code: str) -> Template:
    """Compile a whitelisted "{{ expr }}" once per process (Template objects are thread-safe)."""
    return _ENV.from_string(code)


# ---------------------------------------------------------------------------------------------
# Placeholders


@dataclass
class Placeholder:
    """One evaluated placeholder. On error output and masked are MASK and `error` says why; a
    missing value also renders MASK, with `warning` saying why."""

    source: str  # as written, "{{…}}"
    start: int
    end: int
    output: str  # exact text
    masked: str  # the same with every digit replaced by "*"
    metrics: tuple[str, ...]  # names used
    warning: str = ""
    error: str = ""
    field: str = ""  # where in a snapshot ("opening", "blocks.0.children.1.text"); "" from resolve_text


_OPENERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_DELIMITER = re.compile(r"\{\{|\{%|\{#|\}\}")


def find_placeholders(text: str) -> list[tuple[int, int, str]]:
    """Spans (start, end, source) of everything template-like in `text`, in order.

    A "{{…}}" is a placeholder; "{%…%}" and "{#…#}" are spans too (evaluate refuses them), as are
    an unclosed "{{" / "{%" / "{#" (just the two characters) and a stray "}}", so that no template
    syntax survives into a resolved text.
    """
    spans: list[tuple[int, int, str]] = []
    pos = 0
    while (match := _DELIMITER.search(text, pos)) is not None:
        start, opener = match.start(), match.group()
        if opener == "}}":
            spans.append((start, start + 2, opener))
            pos = start + 2
            continue
        close = text.find(_OPENERS[opener], start + 2)
        reopen = text.find("{{", start + 2)
        if close == -1 or (opener == "{{" and reopen != -1 and reopen < close):
            spans.append((start, start + 2, opener))
            pos = start + 2
            continue
        spans.append((start, close + 2, text[start : close + 2]))
        pos = close + 2
    return spans


def _inner(source: str) -> str:
    """The expression between {{ and }}, or _EvalError for anything that is not one placeholder."""
    if "{%" in source or "{#" in source:
        raise _EvalError("不支持模板语句，只能使用 {{指标名}} 形式的占位符")
    if source.startswith("{{"):
        if len(source) < 4 or not source.endswith("}}"):
            raise _EvalError("“{{”没有对应的“}}”，占位符应写成 {{指标名}}")
        inner = source[2:-2]
    elif source.startswith("}}"):
        raise _EvalError("多余的“}}”，占位符应写成 {{指标名}}")
    else:
        inner = source  # a bare expression, as evaluate() also accepts
    if "{{" in inner or "}}" in inner:
        raise _EvalError("占位符不能嵌套，应写成 {{指标名}}")
    if not inner.strip():
        raise _EvalError("占位符是空的，请写入指标名，如 {{一般公共预算收入}}")
    if len(inner) > MAX_EXPRESSION:
        raise _EvalError(f"占位符过长（超过{MAX_EXPRESSION}个字符）")
    return inner


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
    """Evaluates placeholders against one set of metrics (build once, use for a whole report).

    Metric names need not be Python identifiers ("R&D经费", "收入（含基金）"): wherever a name may
    stand (not after "." or "|"), the longest known metric name is replaced by a generated
    identifier before Jinja2 parses the expression.
    """

    def __init__(self, metrics: Mapping[str, MetricValue]) -> None:
        self.metrics = dict(metrics)
        self.pattern = _names_pattern(tuple(self.metrics))

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
        trace = _Trace()
        used: list[str] = []
        output, error = MASK, ""
        try:
            inner = _inner(source)
            code, ids = self._substitute(inner)
            template_source = "{{ " + code + " }}"
            try:
                tree = _ENV.parse(template_source)
            except TemplateSyntaxError:
                raise _EvalError(f"占位符写法有误，请写成 {_FORMS_HELP}") from None
            used_ids = _check_template(tree, ids)
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
            start=start,
            end=len(source) + start if end is None else end,
            output=output,
            masked=mask_digits(output),
            metrics=tuple(used),
            warning="" if error else "；".join(trace.warnings),
            error=error,
        )


def evaluate(expr: str, metrics: Mapping[str, MetricValue]) -> Placeholder:
    """Evaluate one placeholder ("{{…}}" as written, or the bare expression inside it).

    Never raises: problems are in `.error` (refused or unknown) or `.warning` (value missing,
    division by zero), and then the output is MASK. start/end are 0 and len(expr).
    """
    return _Evaluator(metrics).evaluate(expr)


# ---------------------------------------------------------------------------------------------
# Hand-typed numbers, years, sensitive terms

_D = "[0-9０-９]"
_YEAR = re.compile(
    rf"(?<![0-9０-９.．])(?:"
    rf"{_D}{{4}}(?=\s*年)"  # 2023年, 2023年度
    rf"|{_D}{{4}}(?=\s*[—–\-~～至到]\s*{_D}{{4}}\s*年)"  # the first year of 2023—2025年
    rf"|(?<=[〔\[［(（]){_D}{{4}}(?=[〕\]］)）])"  # 〔2023〕 in document numbers
    rf")"
)
_NUMBER = re.compile(rf"{_D}+(?:[.．]{_D}+)?[%％‰]?")
_TOKEN = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_CONTEXT = 12


@dataclass(frozen=True)
class HandNumber:
    """A number typed in the prose (not produced by a placeholder). kind: "number" or "year"."""

    start: int
    end: int
    text: str
    context: str  # the text around it, newlines as spaces
    kind: str = "number"
    field: str = ""

    @property
    def token(self) -> str:
        """The number in ASCII digits without %, as a secret or a leak scan would see it."""
        return self.text.translate(_ASCII_DIGITS).rstrip("%‰")


def find_hand_numbers(text: str) -> list[HandNumber]:
    """ASCII/full-width digit runs (with decimals and %) outside placeholders, in order.

    Years (2023年, 2023—2025年, 〔2023〕) have kind "year"; everything else "number". Chinese
    numerals (十四五, 二十大, 一是, 三公经费) are never numbers.
    """
    if not text:
        return []
    inside = find_placeholders(text)

    def in_placeholder(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e, _ in inside)

    years = {m.span() for m in _YEAR.finditer(text)}
    found: list[HandNumber] = []
    for m in _NUMBER.finditer(text):
        if in_placeholder(*m.span()):
            continue
        context = text[max(m.start() - _CONTEXT, 0) : m.end() + _CONTEXT].replace("\n", " ")
        kind = "year" if m.span() in years else "number"
        found.append(HandNumber(m.start(), m.end(), m.group(), context, kind))
    return found


def mask_years(text: str) -> str:
    """Four-digit years become "****": 2023年 -> ****年, 2023—2025年 -> ****—****年, 〔2023〕."""
    return _YEAR.sub(lambda m: "*" * len(m.group()), text)


@lru_cache(maxsize=64)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    unique = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, unique))) if unique else None


def mask_terms(text: str, terms: Iterable[str]) -> str:
    """Every occurrence of a sensitive term (longest first) becomes MASK ("**")."""
    pattern = _terms_pattern(tuple(terms))
    return pattern.sub(MASK, text) if pattern is not None and text else text


# ---------------------------------------------------------------------------------------------
# Resolving texts and snapshots


@dataclass(frozen=True)
class _Options:
    masked: bool = False
    mask_years: bool = False
    terms: tuple[str, ...] = ()
    mask_all_numbers: bool = False


@dataclass
class ResolvedText:
    """A text with every placeholder replaced. secrets: digit strings (and terms) a masked copy of
    it must not contain."""

    text: str
    placeholders: list[Placeholder] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    hand_numbers: list[HandNumber] = field(default_factory=list)
    years: list[HandNumber] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)


@dataclass
class ResolveReport:
    """What resolving a whole snapshot found. `errors` make the report unfit to submit or export;
    `secrets` are what scan_docx must not find in a masked package."""

    placeholders: list[Placeholder] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    hand_numbers: list[HandNumber] = field(default_factory=list)
    years: list[HandNumber] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)
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
    return mask_digits(text) if opts.mask_all_numbers else mask_years(text) if opts.mask_years else text


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
            if opts.mask_years or opts.mask_all_numbers:
                result.secrets.add(number.token)
        elif opts.mask_all_numbers:
            result.secrets.add(number.token)
            if figures:
                result.hand_numbers.append(number)
        elif figures:
            result.hand_numbers.append(number)
            _add(
                result.warnings,
                f"“…{number.context}…”中的“{number.text}”：这里的数字不是指标，脱敏稿中将原样保留",
            )
    result.secrets.update(t for t in opts.terms if t and t.strip() and t in text)
    return result


def _collisions(numbers: Iterable[HandNumber], metric_secrets: set[str]) -> list[str]:
    """Hand-typed numbers equal to a metric output: a masked export would fail its leak scan."""
    return [
        f"数字“{n.text}”与指标数值相同，脱敏稿导出时会被判为泄露，请改用占位符或开启“隐去全部数字”"
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
    mask_all_numbers: bool = False,
) -> ResolvedText:
    """Replace every placeholder of `text` by its output (masked=True: its masked output).

    Never raises. A refused placeholder, a statement ({% %}, {# #}) or an unbalanced delimiter
    becomes MASK and an error; a missing value becomes MASK and a warning. With masked=True the
    text around placeholders also gets sensitive terms, years (mask_years) or all digits
    (mask_all_numbers) masked. Hand-typed numbers are warned about unless mask_all_numbers.
    """
    opts = _Options(masked, mask_years, tuple(sensitive_terms), mask_all_numbers)
    result = _resolve(text or "", _Evaluator(metrics), opts)
    if not mask_all_numbers:
        metric_secrets = {t for p in result.placeholders if not p.error for t in _TOKEN.findall(p.output)}
        for message in _collisions(result.hand_numbers, metric_secrets):
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
    mask_all_numbers: bool = False,
) -> tuple[dict[str, Any], ResolveReport]:
    """A deep copy of `snapshot` (reports.core.document) with every text field resolved, and what
    was found. Text fields: title, subtitle, opening, closing, signature, date, and each block's
    title, lead and text, recursively through children. Other keys are copied unchanged.

    Placeholder.field / HandNumber.field locate findings ("opening", "blocks.0.children.2.text").
    secrets are the same whether masked or not (they depend on the options only). Never raises.
    """
    opts = _Options(masked, mask_years, tuple(sensitive_terms), mask_all_numbers)
    evaluator = _Evaluator(metrics)
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

    def walk(blocks: Any, where: str) -> None:
        if not isinstance(blocks, list):
            return
        for index, block in enumerate(blocks):
            if isinstance(block, dict):
                for key in _BLOCK_FIELDS:
                    resolve_field(block, key, f"{where}.{index}.{key}")
                walk(block.get("children"), f"{where}.{index}.children")

    for key in _SNAPSHOT_FIELDS:
        resolve_field(resolved, key, key)
    walk(resolved.get("blocks"), "blocks")

    report.metrics_used = {name for p in report.placeholders for name in p.metrics}
    if not mask_all_numbers:
        metric_secrets = {t for p in report.placeholders if not p.error for t in _TOKEN.findall(p.output)}
        for message in _collisions([*report.hand_numbers, *date_numbers], metric_secrets):
            _add(report.warnings, message)
    return resolved, report
