"""The placeholder language: "{{…}}" spans, Placeholder, and the Jinja2 sandbox and AST whitelist."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, nodes
from jinja2.exceptions import TemplateSyntaxError
from jinja2.runtime import Context as JinjaContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .quantities import _FILTERS, DERIVED, SHARE, UNIT_SCALES, _attr_message, _EvalError, _MetricProxy

MAX_EXPRESSION = 200  # characters between {{ and }}

# A metric name is written inside {{…}} in prose: letters (汉字 included), digits and "_", not
# starting with a digit. The one rule for every way a metric is named (form, import, admin).
_METRIC_NAME = re.compile(r"^[^\W\d]\w*$")
METRIC_NAME_RULE = "指标名称只能由汉字、字母、数字和下划线组成，且不能以数字开头（不能含空格或标点）"


def metric_name_problem(name: str) -> str:
    """ "" for a usable metric name, else the Chinese reason (METRIC_NAME_RULE, or that it is empty)."""
    if not name:
        return "指标名称为空"
    return "" if _METRIC_NAME.match(name) else METRIC_NAME_RULE


_FORMS_HELP = "{{指标名}}、{{指标名.同比}}、{{指标名.增减}}、{{指标名|亿元}} 或 {{指标名|占比(另一指标名)}}"


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


def _check_name(node: nodes.Node, ids: Collection[str], used: list[str]) -> None:
    assert isinstance(node, nodes.Name)
    if node.name not in ids:
        raise _EvalError(f"未找到指标“{node.name}”")
    if node.name not in used:
        used.append(node.name)


def _check_expression(node: nodes.Node, ids: Collection[str], used: list[str]) -> None:
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


def _check_template(tree: nodes.Template, ids: Collection[str]) -> list[str]:
    """The ids of the metrics a parsed "{{ expr }}" uses, or _EvalError."""
    body = tree.body
    if len(body) != 1 or not isinstance(body[0], nodes.Output) or len(body[0].nodes) != 1:
        raise _EvalError(f"不支持的占位符写法，请写成 {_FORMS_HELP}")
    used: list[str] = []
    _check_expression(body[0].nodes[0], ids, used)
    return used


# Distinct placeholder texts kept parsed, checked and compiled per process. A report uses a few
# dozen; the editor and every export used to parse each one again on every evaluation (issue 14).
PLACEHOLDER_CACHE = 4096


@lru_cache(maxsize=PLACEHOLDER_CACHE)
def _parsed(code: str) -> nodes.Template | None:
    """The Jinja2 tree of "{{ code }}" (None for a syntax error), parsed once per process: the one
    parse of a placeholder text, shared by the check and the compilation."""
    try:
        return _ENV.parse(code)
    except TemplateSyntaxError:
        return None


@lru_cache(maxsize=PLACEHOLDER_CACHE)
def checked(code: str, ids: frozenset[str]) -> tuple[tuple[str, ...], str]:
    """(the ids of the metrics "{{ code }}" uses, "") if the whitelist accepts it, else ((), the
    Chinese reason). `ids` are the generated identifiers that stand for metric names: what the
    check depends on besides the text. Cached per process; never raises."""
    tree = _parsed(code)
    if tree is None:
        return (), f"占位符写法有误，请写成 {_FORMS_HELP}"
    try:
        return tuple(_check_template(tree, ids)), ""
    except _EvalError as refused:
        return (), str(refused)


@lru_cache(maxsize=PLACEHOLDER_CACHE)
def _compiled(code: str) -> Template:
    """Compile a whitelisted "{{ expr }}" once per process, from its cached tree (Template objects
    are thread-safe). Only for a code `checked` accepted."""
    tree = _parsed(code)
    assert tree is not None, "compile only what checked() accepted"
    return _ENV.from_string(tree)


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
