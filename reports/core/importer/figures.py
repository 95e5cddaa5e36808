"""Figures in imported prose, proposed as metrics, and the plan that turns chosen ones into
placeholders.

A *figure* is a number (or a mask of *) followed by a unit of reports.core.metrics.UNITS, with an
optional 余/多 between them: 700亿元, 8.7%, 400余亿元, 4000余户, *亿元, **.*%. Years (2023年),
months, document numbers and Chinese numerals (十四五, 二十大, 一是) are never figures because they
are not followed by a unit; 第12个 and 3个月 are excluded explicitly.

Each figure gets a role from the words just before it, in its clause (text since the last comma,
colon, 、 …):

    base          its own metric; the name is the noun phrase before it with scope words
                  (全市, 其中, 全年…) and verbs (完成, 拨付, 达到…) stripped. The name is
                  *confident* (offered ticked) only when it reads as the name of a measure: it
                  ends in a head noun of the figure's kind (…收入/支出/资金 for money, …率/比重 for
                  a percentage, …项目/企业 for a count) and holds no verb or preposition (开展, 为,
                  提高到…). Otherwise the figure is offered unticked with an empty name for the user
                  to type, and its sentence shown (see is_metric_name).
    yoy           同比增长7.5% (or 增长/下降 right after a base): the base's 同比
    budget        占年初预算103.2% / 完成年初计划的…%: the base's 完成预算
    budget_value  占年初计划**亿元: the base's 年初预算 itself
    share         占地方一般公共预算收入*% / 占比*%: the base's share of another metric
    change        对比2021年增长*%, 比去年增加*万元, *个百分点: recorded, never a placeholder
    other         a denominator (占全县税收*万元) or a percentage without a name

Companions attach to the last base of the same sentence. Placeholders keep the wording identical:
a base becomes {{名称}} in place of the number only (400余亿元 -> {{名称}}余亿元, the metric has
the text's decimals); 同比增长7.5% becomes 同比{{名称.增减}} (the placeholder prints 增长7.5%) with
the metric's 上年同期 derived from the two numbers; 占年初预算103.2% becomes {{名称.完成预算}}%.
A companion is replaced only when the placeholder provably prints the same text (checked with the
real evaluator); otherwise its number still fills 上年同期/年初预算 and the text stays.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from typing import Any, Protocol

from ..metrics import UNITS, MetricValue, evaluate, find_placeholders
from ..quantities import plain_number
from .limits import ImportRefused

_UNIT_ALT = "|".join(re.escape(u) for u in sorted({*UNITS, "％"}, key=len, reverse=True))
_FIGURE = re.compile(
    r"(?<![0-9０-９A-Za-z.．*＊_])"
    r"(?P<num>[0-9０-９]+(?:,[0-9]{3})*(?:[.．][0-9０-９]+)?|[*＊]+(?:[.．][*＊]+)?)"
    rf"(?P<q>余|多)?(?P<unit>{_UNIT_ALT})"
)
_NUMBERISH = re.compile(rf"[0-9０-９*＊]+(?:[.．][0-9０-９*＊]+)?(?:余|多)?(?:{_UNIT_ALT})?")
# A unit followed by one of these is another word: 3个月, 人民, 次年, 项目, 所得, 条件, 处理 …
_NOT_AFTER = {
    "个": "月", "人": "民员", "次": "年日性", "项": "目", "所": "得有以属", "条": "件例", "处": "理置罚",
    "批": "复准次", "家": "庭长", "期": "间限", "件": "事", "户": "籍口", "元": "素", "套": "餐",
    "笔": "者", "篇": "章", "倍": "增",
}  # fmt: skip
_CLAUSE_END = re.compile(r"[，。；：:,;、（(）)“”‘’「」《》!?！？\n]")
_SENTENCE_END = re.compile(r"[。；！？!?;\n]")
_ASCII = str.maketrans("０１２３４５６７８９．％＊", "0123456789.%*")

_VERB_END = re.compile(r"(?P<verb>增长|下降|增加|减少|提高|降低|上升|回落|减收|增收)了?$")
_DOWN = ("下降", "减少", "降低", "回落", "减收")
_OTHER_REFERENCE = re.compile(r"对比|比|较")
_LAST_YEAR = re.compile(r"同比|上年|去年|上年同期")
_BUDGET_VALUE = re.compile(r"年初(预算|计划)数?$")
_BUDGET = re.compile(r"(占|完成|为|达到|达)(年初)?(预算|计划)数?$|年初(预算|计划)数?.*的$")
_ADJUSTED = re.compile(r"完成(调整)?(预算|计划)数?$")
_RATE = re.compile(r"(率|比|比重|比例|进度|增幅|增速|幅度)$")
_SHARE_ANY = re.compile(r"占比(为|达到|达)?$")
_SHARE_OF = re.compile(r"占(?P<of>.+?)的?(比重|比例)?(为|达到|达)?$")

_LEADING = sorted(
    """其中 全市 全县 全省 全区 全州 全国 全镇 全乡 我市 我县 我区 我省 我局 我镇 本级 市本级 县本级 今年以来 今年
    全年 当年 年内 截至目前 截止目前 截至 截止 目前 累计 共计 合计 总计 共 已 另 再 并 均 同时 此外 另外 以上 分别
    先后 各类 各 的 拨付 投入 安排 发放 筹措 争取 落实 完成 实现 开展 召开 举办 支持 建成 实施 下达 兑现 办理
    带动 撬动 提供 帮助 用于 通过 惠及 统筹 受理 评审 审核 清理 引导 设立 新建 发行了 争取到""".split(),
    key=len,
    reverse=True,
)
_TRAILING = sorted(
    """完成了 达到了 完成 实现 达到 达 为 是 约 近 超过 超 逾 突破 共计 合计 总计 累计 共 分别 仅 只 已 计 有 了 的
    安排 拨付 投入 发放 筹措 下达""".split(),
    key=len,
    reverse=True,
)
_PERIOD = re.compile(
    r"(?:元|[0-9０-９*＊]+)(?:月)?(?:[至到\-—~～](?:[0-9０-９*＊]+))?(?:年度?|月份?|月底|月末|日)"
)
_NAME_OK = re.compile(r"^[^\W\d]\w*$")
# What a measure's name ends in, by the kind of figure (see is_metric_name).
_MONEY_HEAD = re.compile(
    r"(收入|支出|资金|基金|金额|余额|总额|税收|税额|收益|预算|预算数|债券|债务|贷款|补助|补贴|奖补|资产|价值|"
    r"投资|投资额|经费|费用|财力|库款|缺口|规模|退税|减税降费|税费|利息|成本|产值|总值|增加值|额度|保费|资金规模)$"
)
_COUNT_HEAD = re.compile(r"(项目|企业|中心|单位|部门|机构|学校|合同|事项|岗位|户数|人数|个数|家数)$")
# Verbs and prepositions that make a clause, not a name: 开展…, 为企业办理…, 提高到每人每年.
_NOT_A_NAME = re.compile(
    r"为|了|着|把|将|被|到(?!位)|用于|帮助|亲自|深入|带队|已经|需|保持|意味|开展|召开|组织|举办|"
    r"完成(?!率|数|额)|实现|建成|推进|牵头|围绕|细化|选准|核实|安置|转移(?!支付)|规范|惠及|减免|结对|查摆|"
    r"参与|拿出|办理|推行|提高|降低|每人|每年|以来|目前|圆满|重大|积极|全面|持续|不断|进一步"
)
MIN_NAME = 3  # a two-character name (资金, 金额) says too little to be confident
MAX_NAME = 30
MAX_CLAUSE = 60  # characters before a figure that its name and role are read from
_CONTEXT = 60  # characters of the sentence shown each side of a figure


@dataclass
class Figure:
    """One figure found in the prose. `field` and the offsets locate it in the ParsedReport
    ("opening", "closing", "items.3.text"); `path` is the same place in to_content()
    ("blocks.0.children.2.text"). [start, end) is the number; [repl_start, repl_end) is what a
    placeholder replaces (the number, or 增长7.5% for a yoy companion)."""

    id: str
    name: str  # proposed metric name (base) or the base's name (companions)
    value: Decimal | None
    number: str  # as written: 400, 8.7, **.*
    unit: str
    qualifier: str  # 余 / 多 / ""
    masked: bool
    context: str
    field: str
    path: str
    start: int
    end: int
    repl_start: int
    repl_end: int
    role: str
    decimals: int
    repl_text: str = ""  # the original text at [repl_start, repl_end)
    verb: str = ""  # yoy / change: 增长, 下降 …
    base: str = ""  # the base figure's id, for companions
    share_of: str = ""
    confident: bool = False  # the name was read from the words before the figure
    companions: list[Figure] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": None if self.value is None else plain_number(self.value),
            "unit": self.unit,
            "masked": self.masked,
            "context": self.context,
        }

    @property
    def label(self) -> str:
        """How the preview shows the figure: 400余亿元, 同比增长7.5%."""
        return f"{self.number}{self.qualifier}{self.unit}"


class Prose(Protocol):
    """What find_figures reads: a ParsedReport (reports.core.importer.model), which imports this
    module for its to_json()."""

    def prose_fields(self) -> list[tuple[str, str, str]]: ...


def _clean_name(text: str) -> str:
    name = text
    for _ in range(6):
        before = name
        name = _PERIOD.sub("", name, count=1) if _PERIOD.match(name) else name
        for word in _LEADING:
            if name.startswith(word) and len(name) - len(word) >= 2:
                name = name[len(word) :]
                break
        for word in _TRAILING:
            if name.endswith(word) and len(name) - len(word) >= 2:
                name = name[: -len(word)]
                break
        if name == before:
            break
    name = re.sub(r"[^\w]|_", "", name)
    name = name.lstrip("0123456789０１２３４５６７８９")
    return name[-MAX_NAME:]


def is_metric_name(name: str, unit: str) -> bool:
    """Whether `name` reads as the name of what a figure in `unit` measures: at least MIN_NAME
    characters, a head noun of the unit's kind at its end (money: 一般公共预算收入, 民生支出; %:
    审减率, 民生支出占比; counts: 新增债券项目) and no verb or preposition inside (牵头推进,
    圆满完成重大科技项目及, 城乡居民基本医疗保险财政补助标准提高到每人每年 are not names)."""
    if len(name) < MIN_NAME or len(name) > MAX_NAME or not _NAME_OK.match(name) or _NOT_A_NAME.search(name):
        return False
    if unit == "%":
        return bool(_RATE.search(name))
    if unit.endswith("元"):
        return bool(_MONEY_HEAD.search(name))
    return bool(_COUNT_HEAD.search(name))


def _base_name(clause: str, unit: str) -> str:
    """The measure's name from the clause before a base figure, or "" when none reads as one.
    "地方一般公共预算收入中税收收入" names 税收收入 (the part after 中, when both parts are names)."""
    name = _clean_name(_NUMBERISH.split(_PERIOD.sub("", clause))[-1])
    before, sep, after = name.rpartition("中")
    if sep and is_metric_name(after, unit) and is_metric_name(before, unit):
        name = after
    return name if is_metric_name(name, unit) else ""


def _role(clause: str, unit: str) -> tuple[str, str]:
    """(role, share_of) from the clause before a figure (see the module docstring)."""
    pct = unit == "%"
    m = _VERB_END.search(clause)
    if m:
        prefix = clause[: m.start()]
        if pct and (not _OTHER_REFERENCE.search(prefix) or _LAST_YEAR.search(prefix)):
            return "yoy", ""
        return "change", ""
    if not pct and _BUDGET_VALUE.search(clause):
        return "budget_value", ""
    if not pct and _ADJUSTED.search(clause):
        return "other", ""
    if pct and _BUDGET.search(clause):
        return "budget", ""
    if pct and _SHARE_ANY.search(clause):
        return "share", ""
    if pct:
        m = _SHARE_OF.search(clause)
        if m:
            of = _NUMBERISH.split(m.group("of"))[0]
            return "share", _clean_name(of)
    if clause.startswith(("占", "比", "较")):
        return "other", ""
    tail = _NUMBERISH.split(clause)[-1] if _NUMBERISH.search(clause) else clause
    if pct and len(_clean_name(tail)) < 2:
        return "other", ""
    return "base", ""


def _value(number: str) -> tuple[Decimal | None, int, bool]:
    """(value, decimals, masked) of a number as written."""
    ascii_ = number.translate(_ASCII).replace(",", "")
    decimals = len(ascii_.split(".", 1)[1]) if "." in ascii_ else 0
    if "*" in ascii_:
        return None, min(decimals, 6), True
    try:
        value = Decimal(ascii_)
    except InvalidOperation:  # pragma: no cover — the regex admits only decimals
        return None, 0, True
    if value.adjusted() >= 15 or decimals > 6:
        raise ValueError("not a metric value")
    return value, decimals, False


def _last_end(pattern: re.Pattern[str], text: str, start: int, window: int) -> int:
    """End of the last match of `pattern` in the `window` characters before `start` (else the
    window's start): bounded, so that a long text without delimiters stays linear."""
    low = max(start - window, 0)
    return max((m.end() for m in pattern.finditer(text, low, start)), default=low)


def _context(text: str, start: int, end: int) -> str:
    left = _last_end(_SENTENCE_END, text, start, _CONTEXT)
    right_m = _SENTENCE_END.search(text, end, end + _CONTEXT)
    right = right_m.start() if right_m else min(end + _CONTEXT, len(text))
    return text[left:right].strip()


def find_figures(parsed: Prose) -> list[Figure]:
    """Every figure of the report's opening, texts and closing, in order, companions included
    (each companion is also listed under its base's `companions`). Base names are unique: a name
    seen before with another (or an unknown) value gets a number (税收收入2)."""
    figures: list[Figure] = []
    names = _Names()
    for field_name, path, text in parsed.prose_fields():
        if not text:
            continue
        inside = [(s, e) for s, e, _ in find_placeholders(text)]
        k = 0
        last_base: Figure | None = None
        scanned = 0
        for m in _FIGURE.finditer(text):
            start, end = m.start("num"), m.end("num")
            unit = m.group("unit").replace("％", "%")
            after = text[m.end() : m.end() + 1]
            if after and after in _NOT_AFTER.get(m.group("unit"), ""):
                continue
            if start and text[start - 1] == "第":
                continue
            if (
                start >= 2
                and text[start - 1] in "—–-~～至到"
                and text[start - 2].translate(_ASCII)[-1:] in "0123456789*"
            ):
                continue
            while k < len(inside) and inside[k][1] <= start:
                k += 1
            if k < len(inside) and inside[k][0] < m.end():
                continue
            try:
                value, decimals, masked = _value(m.group("num"))
            except ValueError:
                continue
            sentence = _SENTENCE_END.search(text, scanned, start)
            while sentence is not None:  # a sentence ended since the last figure: no base to attach to
                last_base = None
                sentence = _SENTENCE_END.search(text, sentence.end(), start)
            scanned = start
            clause_start = _last_end(_CLAUSE_END, text, start, MAX_CLAUSE)
            clause = text[clause_start:start]
            role, share_of = _role(clause, unit)
            figure = Figure(
                id=f"{field_name}:{start}",
                name="",
                value=value,
                number=m.group("num"),
                unit=unit,
                qualifier=m.group("q") or "",
                masked=masked,
                context=_context(text, m.start(), m.end()),
                field=field_name,
                path=path,
                start=start,
                end=end,
                repl_start=start,
                repl_end=end,
                role=role,
                decimals=decimals,
                share_of=share_of,
            )
            if role == "base":
                # A name is proposed (and the figure ticked) only when it reads as a measure's
                # name; a repeated name gets a number (税收收入2) and is offered unticked.
                name = _base_name(clause, unit)
                if name:
                    figure.name = names.unique(name, value)
                    figure.confident = figure.name == name
                last_base = figure
            elif role in ("yoy", "budget", "budget_value", "share", "change") and last_base is not None:
                figure.base, figure.name = last_base.id, last_base.name
                verb = _VERB_END.search(clause)
                figure.verb = verb.group("verb") if verb else ""
                exact = (
                    verb
                    and not verb.group().endswith("了")
                    and m.group("unit") == "%"
                    and not figure.qualifier
                )
                if role == "yoy" and exact:
                    figure.repl_start = clause_start + verb.start()
                    figure.repl_end = m.end()
                last_base.companions.append(figure)
            else:
                figure.role = "other"
            figure.repl_text = text[figure.repl_start : figure.repl_end]
            figures.append(figure)
    return figures


class _Names:
    """Unique base names: the same name with the same known value is the same metric; another or an
    unknown (masked) value gets the next free number (税收收入2)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.known: dict[tuple[str, Decimal], str] = {}
        self.next: dict[str, int] = {}

    def unique(self, name: str, value: Decimal | None) -> str:
        if value is not None and (name, value) in self.known:
            return self.known[(name, value)]
        candidate = name
        if candidate in self.seen:
            n = self.next.get(name, 1)
            while candidate in self.seen:
                n += 1
                candidate = f"{name}{n}"
            self.next[name] = n
        self.seen.add(candidate)
        if value is not None:
            self.known[(name, value)] = candidate
        return candidate


# --- turning chosen figures into metrics and placeholders ------------------------------------------


@dataclass
class MetricDraft:
    name: str
    value: Decimal | None
    unit: str
    decimals: int
    prior: Decimal | None = None
    budget: Decimal | None = None

    def metric_value(self) -> MetricValue:
        return MetricValue(self.name, self.value, self.unit, self.decimals, self.prior, self.budget)


@dataclass(frozen=True)
class Replacement:
    field: str
    start: int
    end: int
    text: str


@dataclass
class FigurePlan:
    metrics: dict[str, MetricDraft]
    replacements: list[Replacement]
    kept: list[str]  # companions left as text, with the reason, for the user


_PLACES = Decimal("0.000001")


def _quantize(value: Decimal) -> Decimal:
    with localcontext(Context(prec=40, rounding=ROUND_HALF_UP)):
        return value.quantize(_PLACES)


def check_metric_name(name: str) -> str:
    name = (name or "").strip()
    if not _NAME_OK.match(name) or len(name) > 100:
        raise ImportRefused(
            f"指标名称“{name[:30]}”无效：只能由汉字、字母、数字和下划线组成，且不能以数字开头"
        )
    return name


def plan_figures(figures: list[Figure], chosen: Mapping[str, str]) -> FigurePlan:
    """Metrics to create and text replacements for the chosen base figures.

    `chosen` maps a base figure's id to the metric name the user confirmed. Two chosen figures may
    share a name when their values agree (or one is masked); different values under one name raise
    ImportRefused. Companions of chosen bases fill 上年同期 / 年初预算 and become placeholders when
    the placeholder prints exactly the original text.
    """
    by_id = {f.id: f for f in figures}
    metrics: dict[str, MetricDraft] = {}
    replacements: list[Replacement] = []
    kept: list[str] = []
    names: dict[str, str] = {}  # base id -> metric name
    for fid, raw_name in chosen.items():
        figure = by_id.get(fid)
        if figure is None or figure.role != "base":
            continue
        if not (raw_name or "").strip():
            raise ImportRefused(
                f"请为勾选的数字“{figure.label}”填写指标名称，或取消勾选（原文：{figure.context}）"
            )
        name = check_metric_name(raw_name)
        names[fid] = name
        draft = metrics.get(name)
        if draft is None:
            metrics[name] = MetricDraft(name, figure.value, figure.unit, figure.decimals)
        else:
            if draft.unit != figure.unit:
                raise ImportRefused(
                    f"指标“{name}”的两处数字单位不同（{draft.unit}、{figure.unit}），请修改其中一个名称"
                )
            if draft.value is not None and figure.value is not None and draft.value != figure.value:
                raise ImportRefused(
                    f"指标“{name}”对应两个不同的数值（{plain_number(draft.value)}{draft.unit}、{figure.label}），请修改其中一个名称"
                )
            if draft.value is None and figure.value is not None:
                draft.value, draft.decimals = figure.value, figure.decimals
        replacements.append(Replacement(figure.field, figure.start, figure.end, "{{" + name + "}}"))

    companions = [(c, names[f.id]) for f in figures if f.id in names for c in f.companions]
    for companion, name in companions:
        draft = metrics[name]
        value = companion.value
        if value is None or draft.value is None:
            continue
        if companion.role == "budget_value" and companion.unit == draft.unit and draft.budget is None:
            draft.budget = value
        elif companion.role == "yoy" and draft.prior is None:
            change = -value if companion.verb in _DOWN else value
            if change != -100:
                with localcontext(Context(prec=40)):
                    draft.prior = _quantize(draft.value * 100 / (100 + change))
        elif companion.role == "budget" and draft.budget is None and value:
            with localcontext(Context(prec=40)):
                draft.budget = _quantize(draft.value * 100 / value)

    for companion, name in companions:
        if companion.value is None or companion.role not in ("yoy", "budget", "share"):
            continue
        if companion.role == "share" and companion.share_of not in metrics:
            continue
        expr = {
            "yoy": "{{" + name + ".增减}}",
            "budget": "{{" + name + ".完成预算}}",
            "share": "{{" + name + "|占比(" + companion.share_of + ")}}",
        }[companion.role]
        original = companion.repl_text
        result = evaluate(expr, {n: d.metric_value() for n, d in metrics.items()})
        if not result.error and not result.warning and result.output == original:
            replacements.append(Replacement(companion.field, companion.repl_start, companion.repl_end, expr))
        else:
            kept.append(f"“{original}”保留为文字（按指标计算为“{result.output}”，与原文不一致）")
    return FigurePlan(metrics, replacements, kept)
