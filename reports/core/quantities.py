"""Metric values, units, number formatting and the derived-value arithmetic of placeholders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from typing import Any

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

_UNIT_HELP = "元/万元/亿元、亩/万亩、人/万人、人次/万人次、户/万户"


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


def plain_number(number: Decimal) -> str:
    """A Decimal as ordinary positional text, without trailing zeros: 1E+3 -> 1000, 8.700 -> 8.7."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


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
