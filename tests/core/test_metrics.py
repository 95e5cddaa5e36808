"""Metrics and placeholders (reports/core/metrics.py): formatting, derived values, the sandbox,
masking and hand-typed numbers. Pure functions, no database."""

from __future__ import annotations

import os
import re
import subprocess
import time
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.core import metrics as metrics_module
from reports.core.metrics import (
    MASK,
    UNIT_SCALES,
    UNITS,
    MetricValue,
    evaluate,
    find_hand_numbers,
    find_placeholders,
    format_number,
    kept_years,
    mask_digits,
    mask_numbers,
    mask_terms,
    mask_years,
    resolve_snapshot,
    resolve_text,
)

REVENUE = "一般公共预算收入"
TAX = "税收收入"

METRICS = {
    REVENUE: MetricValue(
        REVENUE, Decimal("400.6"), "亿元", 1, prior=Decimal("372.6"), budget=Decimal("388.2")
    ),
    TAX: MetricValue(TAX, Decimal("306.9"), "亿元", 1, prior=Decimal("330.0")),
    "基金收入": MetricValue("基金收入", Decimal("4006000"), "万元", 0, prior=Decimal("4006000")),
    "项目数": MetricValue("项目数", Decimal("12"), "个", 0),
    "待填": MetricValue("待填", None, "亿元", 1),
    "新增指标": MetricValue("新增指标", Decimal("5"), "个", 0, prior=Decimal("0"), budget=Decimal("0")),
    "R&D <w:p>": MetricValue("R&D <w:p>", Decimal("12.34"), "亿元", 2),
}


def out(expr: str, metrics=METRICS) -> str:
    result = evaluate(expr, metrics)
    assert not result.error, result.error
    return result.output


# --- MetricValue and formatting ----------------------------------------------------------------


def test_units_include_the_common_ones_and_scales_are_units():
    for unit in "亿元 万元 元 % 个 人次 万人次 户 万户 项 万亩 亩 人 万人 次 家 所 公里 吨 辆 套 篇 期 件 条 批 处 笔 倍 个百分点".split():
        assert unit in UNITS
    assert set(UNIT_SCALES) <= set(UNITS)


def test_metric_value_round_trips_through_a_dict_of_strings():
    metric = METRICS[REVENUE]
    data = metric.to_dict()
    assert data == {
        "name": REVENUE,
        "value": "400.6",
        "unit": "亿元",
        "decimals": 1,
        "prior": "372.6",
        "budget": "388.2",
    }
    assert MetricValue.from_dict(data) == metric
    assert MetricValue.from_dict({"name": "x", "value": None}).value is None


def test_metric_value_converts_numbers_and_refuses_nonsense():
    assert MetricValue("x", 3).value == Decimal("3")
    assert MetricValue("x", "1.50").value == Decimal("1.50")
    with pytest.raises(ValueError):
        MetricValue("x", Decimal("NaN"))
    with pytest.raises(ValueError):
        MetricValue("x", Decimal(1), decimals=-1)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        ("400.6", 1, "400.6"),
        ("400.65", 1, "400.7"),  # half up, not half even
        ("400.25", 1, "400.3"),
        ("-3.25", 1, "-3.3"),
        ("7", 2, "7.00"),
        ("1234567890123", 0, "1234567890123"),  # 13 digits, no grouping, no exponent
        ("123456789012.3456", 4, "123456789012.3456"),
        ("1E+11", 1, "100000000000.0"),
        ("0.00001", 4, "0.0000"),
        ("-0.00001", 4, "0.0000"),  # never "-0.0000"
        ("-0.04", 1, "0.0"),
        ("0.5", 0, "1"),
        ("1.23456789", 4, "1.2346"),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(Decimal(value), decimals) == expected


finite_decimals = st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**14), max_value=10**14)


@settings(max_examples=300, deadline=None)
@given(finite_decimals, st.integers(min_value=0, max_value=6))
def test_format_number_is_plain_and_exact(value, decimals):
    text = format_number(value, decimals)
    assert re.fullmatch(r"-?\d+" + (rf"\.\d{{{decimals}}}" if decimals else ""), text)
    assert "E" not in text and "," not in text
    assert Decimal(text) == value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    assert not (text.startswith("-") and Decimal(text).is_zero())


@settings(max_examples=300, deadline=None)
@given(finite_decimals, st.integers(min_value=0, max_value=6))
def test_the_mask_keeps_the_shape(value, decimals):
    text = format_number(value, decimals)
    masked = mask_digits(text)
    assert len(masked) == len(text)
    assert not re.search(r"[0-9０-９]", masked)
    assert [i for i, c in enumerate(masked) if c in ".-"] == [i for i, c in enumerate(text) if c in ".-"]
    assert set(masked) <= {"*", ".", "-"}


@settings(max_examples=200, deadline=None)
@given(
    finite_decimals, finite_decimals.filter(lambda p: not p.is_zero()), st.integers(min_value=0, max_value=4)
)
def test_masked_placeholders_keep_the_shape(value, prior, decimals):
    metrics = {"X": MetricValue("X", value, "亿元", decimals, prior=prior)}
    for expr in ("{{X}}", "{{X.增减}}", "{{X.同比}}", "{{X.上年}}", "{{X|万元}}"):
        result = evaluate(expr, metrics)
        assert not result.error and not result.warning
        assert len(result.masked) == len(result.output)
        assert not re.search(r"\d", result.masked)
        assert [c for c in result.output if not c.isdigit()] == [c for c in result.masked if c != "*"]
        if expr == "{{X.增减}}":
            assert result.output == "持平" or re.fullmatch(r"(增长|下降)\d+\.\d%", result.output)


def test_mask_digits_covers_full_width_digits_only():
    assert mask_digits("增长8.7%，７００亿元，十四五") == "增长*.*%，***亿元，十四五"


# --- derived values ------------------------------------------------------------------------------


def test_value_uses_the_metric_decimals():
    assert out(f"{{{{{REVENUE}}}}}") == "400.6"
    assert out(f"{{{{ {REVENUE} }}}}") == "400.6"
    assert out("{{R&D <w:p>}}") == "12.34"
    assert out(f"{{{{ ({REVENUE}) }}}}") == "400.6"  # parentheses are harmless grouping


def test_yoy_and_wording_for_a_rise_and_a_fall():
    assert out(f"{{{{{REVENUE}.同比}}}}") == "7.5"  # (400.6 - 372.6) / 372.6
    assert out(f"{{{{{REVENUE}.增减}}}}") == "增长7.5%"
    assert out(f"{{{{{TAX}.同比}}}}") == "-7.0"
    assert out(f"{{{{{TAX}.增减}}}}") == "下降7.0%"  # never "增长-7.0%"


def test_zero_change_is_flat():
    assert out("{{基金收入.增减}}") == "持平"
    assert out("{{基金收入.同比}}") == "0.0"
    tiny = {"X": MetricValue("X", Decimal("100.04"), "亿元", prior=Decimal("100"))}
    assert out("{{X.增减}}", tiny) == "持平"  # 0.04% rounds to 0.0


def test_negative_prior_counts_a_rise_as_growth():
    metrics = {"X": MetricValue("X", Decimal("-2"), "亿元", prior=Decimal("-4"))}
    assert out("{{X.增减}}", metrics) == "增长50.0%"


@pytest.mark.parametrize(
    ("expr", "warning"),
    [
        (f"{{{{{TAX}.完成预算}}}}", f"指标“{TAX}”缺少年初预算数，无法计算完成预算"),
        ("{{项目数.同比}}", "指标“项目数”缺少上年同期数，无法计算同比"),
        ("{{项目数.增减}}", "指标“项目数”缺少上年同期数，无法计算同比"),
        ("{{项目数.上年}}", "指标“项目数”缺少上年同期数"),
        ("{{新增指标.同比}}", "指标“新增指标”上年同期数为0，无法计算同比"),
        ("{{新增指标.完成预算}}", "指标“新增指标”年初预算数为0，无法计算完成预算"),
        ("{{待填}}", "指标“待填”尚无数值"),
        ("{{待填.增减}}", "指标“待填”尚无数值"),
        ("{{待填|万元}}", "指标“待填”尚无数值"),
        (f"{{{{待填|占比({REVENUE})}}}}", "指标“待填”尚无数值"),
        (f"{{{{{REVENUE}|占比(待填)}}}}", "指标“待填”尚无数值"),
    ],
)
def test_missing_values_and_division_by_zero_are_warnings(expr, warning):
    result = evaluate(expr, METRICS)
    assert result.error == ""
    assert result.warning == warning
    assert result.output == result.masked == MASK


def test_budget_completion_and_prior():
    assert out(f"{{{{{REVENUE}.完成预算}}}}") == "103.2"  # 400.6 / 388.2
    assert out(f"{{{{{REVENUE}.上年}}}}") == "372.6"


def test_unit_scaling_between_compatible_units():
    assert out("{{基金收入|亿元}}") == "400.6"  # 4006000 万元
    assert out(f"{{{{{REVENUE}|万元}}}}") == "4006000"
    assert out(f"{{{{{REVENUE}|亿元}}}}") == "400.6"  # same unit: unchanged
    assert out(f"{{{{{REVENUE}.上年|万元}}}}") == "3726000"
    people = {"X": MetricValue("X", Decimal("123456"), "人次", 0)}
    assert out("{{X|万人次}}", people) == "12.3"


def test_unit_scaling_refuses_incompatible_units():
    result = evaluate("{{项目数|亿元}}", METRICS)
    assert result.error.startswith("指标“项目数”的单位是“个”，不能换算为“亿元”")
    assert result.output == MASK
    assert "百分比" in evaluate(f"{{{{{REVENUE}.同比|万元}}}}", METRICS).error
    assert "不支持“|个”" in evaluate("{{项目数|个}}", METRICS).error
    no_unit = {"X": MetricValue("X", Decimal(1), "")}
    assert evaluate("{{X|亿元}}", no_unit).error == "指标“X”没有单位，不能换算为“亿元”"


def test_share_of_one_metric_in_another():
    assert out(f"{{{{{TAX}|占比({REVENUE})}}}}") == "76.6"  # 306.9 / 400.6
    assert out(f"{{{{基金收入|占比({REVENUE})}}}}") == "100.0"  # 万元 vs 亿元 converted
    assert "单位不同" in evaluate(f"{{{{项目数|占比({REVENUE})}}}}", METRICS).error
    zero = {"A": MetricValue("A", 1, "亿元"), "B": MetricValue("B", 0, "亿元")}
    assert evaluate("{{A|占比(B)}}", zero).warning == "指标“B”为0，无法计算占比"
    assert "占比的写法" in evaluate(f"{{{{{TAX}|占比}}}}", METRICS).error
    assert "占比只能用于指标本身" in evaluate(f"{{{{{TAX}.上年|占比({REVENUE})}}}}", METRICS).error


def test_placeholder_records_the_metrics_used():
    assert evaluate(f"{{{{{TAX}|占比({REVENUE})}}}}", METRICS).metrics == (TAX, REVENUE)


def test_metric_names_need_not_be_identifiers_and_longest_name_wins():
    metrics = {
        "收入": MetricValue("收入", 1, "亿元"),
        "收入（含基金）": MetricValue("收入（含基金）", 2, "亿元"),
        "2023年收入": MetricValue("2023年收入", 3, "亿元"),
    }
    assert out("{{收入（含基金）}}", metrics) == "2.0"
    assert out("{{收入}}", metrics) == "1.0"
    assert out("{{2023年收入}}", metrics) == "3.0"
    assert evaluate("{{收入增长}}", metrics).error == "未找到指标“收入增长”"


# --- the sandbox ---------------------------------------------------------------------------------

HOSTILE = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% for i in range(10**9) %}x{% endfor %}",
    "{% set x = 1 %}",
    "{# comment #}",
    "{{ range(10**9) }}",
    "{{ 9**9**9 }}",
    "{{ 一般公共预算收入.__class__ }}",
    "{{ 一般公共预算收入.value }}",
    "{{ 一般公共预算收入._metric }}",
    "{{ 一般公共预算收入.quantity() }}",
    "{{ 一般公共预算收入.derive('__class__') }}",
    "{{ 一般公共预算收入['value'] }}",
    "{{ 一般公共预算收入[0] }}",
    "{{ lipsum }}",
    "{{ cycler }}",
    "{{ joiner }}",
    "{{ dict }}",
    "{{ namespace() }}",
    "{{ self }}",
    "{{ config }}",
    "{{ request }}",
    "{{ 未定义 }}",
    "{{ 一般公共预算收入|attr('__class__') }}",
    "{{ 一般公共预算收入|safe }}",
    "{{ 一般公共预算收入|e }}",
    '{{ "a" * 100000000 }}',
    "{{ 一般公共预算收入 * 100000000 }}",
    "{{ 一般公共预算收入 ~ 一般公共预算收入 }}",
    "{{ 一般公共预算收入 if 一般公共预算收入 else 0 }}",
    "{{ 一般公共预算收入 is defined }}",
    "{{ [1, 2] }}",
    "{{ 1 }}",
    "{{ 一般公共预算收入",
    "一般公共预算收入 }}",
    "{{}}",
    "{{   }}",
    "{{ {{ 一般公共预算收入 }} }}",
    "{{ " + "一般公共预算收入." * 50 + "同比 }}",
    "{{ cycler.__init__.__globals__.os.system('touch SENTINEL') }}",
    "{{ lipsum.__globals__['os'].popen('touch SENTINEL').read() }}",
    "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system('touch SENTINEL') }}",
    "{{ 一般公共预算收入|map('system')|list }}",
    "{{ 一般公共预算收入|亿元(2) }}",
    "{{ 一般公共预算收入|占比(一般公共预算收入, 税收收入) }}",
    "{{ 一般公共预算收入|占比(x=税收收入) }}",
    "{{ 一般公共预算收入.同比.同比 }}",
    "{{ 一般公共预算收入|亿元|万元 }}",
    "{{ _m0_ }}",
]

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def sentinel(monkeypatch, tmp_path):
    """Records any attempt to reach the OS or to compile a refused expression."""
    calls: list[str] = []
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "system", lambda *a, **k: calls.append(f"system{a}"))
    monkeypatch.setattr(os, "popen", lambda *a, **k: calls.append(f"popen{a}"))
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: calls.append(f"Popen{a}"))
    compiled = metrics_module._compiled

    def spy(code: str):
        calls.append(f"compile {code}")
        return compiled(code)

    monkeypatch.setattr(metrics_module, "_compiled", spy)
    yield calls
    assert not (tmp_path / "SENTINEL").exists()


@pytest.mark.parametrize("expr", HOSTILE)
def test_hostile_placeholders_give_a_chinese_error_and_nothing_else(expr, sentinel):
    started = time.perf_counter()
    result = evaluate(expr, METRICS)
    assert time.perf_counter() - started < 1.0
    assert result.error, f"{expr} was accepted: {result.output!r}"
    assert HAN.search(result.error)
    assert result.output == result.masked == MASK
    assert result.warning == ""
    assert sentinel == []  # never compiled, never reached the OS


@pytest.mark.parametrize("expr", HOSTILE)
def test_hostile_placeholders_in_text_never_escape_or_leave_template_syntax(expr, sentinel):
    resolved = resolve_text(f"收入{expr}亿元", METRICS)
    assert resolved.errors
    assert resolved.text.startswith("收入") and resolved.text.endswith("亿元")
    for syntax in ("{{", "}}", "{%", "%}", "{#", "#}"):
        assert syntax not in resolved.text
    assert not [c for c in sentinel if not c.startswith("compile")]


def test_specific_messages():
    def error(expr: str) -> str:
        return evaluate(expr, METRICS).error

    statement = "不支持模板语句，只能使用 {{指标名}} 形式的占位符"
    assert error("{% for i in range(10**9) %}x{% endfor %}") == statement
    assert error("{{ 未定义 }}") == "未找到指标“未定义”"
    assert error("{{ lipsum }}") == "未找到指标“lipsum”"
    assert error("{{ range(10**9) }}") == "占位符中不能调用函数"
    assert error("{{ 一般公共预算收入['value'] }}") == "占位符中不能使用 [ ] 取值"
    assert error("{{ 9**9**9 }}").startswith("占位符中不能使用运算符")
    assert error("{{ 一般公共预算收入.value }}").startswith("不支持“.value”")
    assert error("{{ 一般公共预算收入|attr('__class__') }}").startswith("不支持“|attr”")
    assert error("{{ 一般公共预算收入").startswith("“{{”没有对应的“}}”")
    assert error("{{}}").startswith("占位符是空的")


def test_the_statement_check_covers_the_whole_text():
    resolved = resolve_text(f"A{{% if x %}}B{{{{{REVENUE}}}}}C{{% endif %}}D", METRICS)
    assert resolved.text == "A**B400.6C**D"
    assert len(resolved.errors) == 2 and all("不支持模板语句" in e for e in resolved.errors)


def test_output_is_bounded(monkeypatch):
    monkeypatch.setattr(metrics_module, "MAX_OUTPUT", 3)
    assert "过长" in evaluate(f"{{{{{REVENUE}}}}}", METRICS).error
    assert "过长" in evaluate("{{ " + "x" * 300 + " }}", METRICS).error


# --- escaping ------------------------------------------------------------------------------------


def test_names_and_text_come_out_verbatim():
    text = "R&D <w:p>经费{{R&D <w:p>}}亿元，\"引号\" & '单引号' <b>"
    resolved = resolve_text(text, METRICS)
    assert resolved.text == "R&D <w:p>经费12.34亿元，\"引号\" & '单引号' <b>"
    missing = {"R&D <w:p>": MetricValue("R&D <w:p>", None)}
    assert resolve_text("{{R&D <w:p>}}", missing).warnings == ["指标“R&D <w:p>”尚无数值"]
    assert evaluate("{{ <w:p> }}", METRICS).error  # unknown, refused, not echoed as markup


# --- resolve_text --------------------------------------------------------------------------------


def test_find_placeholders_reports_spans_and_strays():
    text = "a{{X}}b{%y%}c{{ d }}e}}f{{g"
    assert find_placeholders(text) == [
        (1, 6, "{{X}}"),
        (7, 12, "{%y%}"),
        (13, 20, "{{ d }}"),
        (21, 23, "}}"),
        (24, 26, "{{"),
    ]


def test_resolve_text_exact_and_masked():
    text = (
        f"全年完成{{{{{REVENUE}}}}}亿元，同比{{{{{REVENUE}.增减}}}}，占年初预算{{{{{REVENUE}.完成预算}}}}%。"
    )
    exact = resolve_text(text, METRICS)
    assert exact.text == "全年完成400.6亿元，同比增长7.5%，占年初预算103.2%。"
    assert exact.errors == [] and exact.warnings == []
    assert [(p.start, p.end) for p in exact.placeholders] == [(s, e) for s, e, _ in find_placeholders(text)]
    assert exact.secrets == {"400.6", "7.5", "103.2"}
    masked = resolve_text(text, METRICS, masked=True)
    assert masked.text == "全年完成***.*亿元，同比增长*.*%，占年初预算***.*%。"
    assert masked.secrets == exact.secrets


def test_resolve_text_masks_missing_values_with_a_warning():
    resolved = resolve_text("收入{{待填}}亿元，{{未知}}", METRICS)
    assert resolved.text == "收入**亿元，**"
    assert resolved.warnings == ["指标“待填”尚无数值"]
    assert resolved.errors == ["{{未知}}：未找到指标“未知”"]
    assert resolved.secrets == set()


def test_hand_numbers_that_equal_a_metric_are_flagged_when_only_metrics_are_masked():
    resolved = resolve_text("项目{{项目数}}个，其中12个已完工", METRICS, metrics_only=True)
    assert any("与指标数值相同" in w for w in resolved.warnings)
    # The default masked copy masks the hand-typed 12 too: nothing to flag.
    assert not any(
        "与指标数值相同" in w for w in resolve_text("项目{{项目数}}个，其中12个已完工", METRICS).warnings
    )


# --- hand-typed numbers, years, terms ------------------------------------------------------------


def test_hand_numbers_are_found_with_context():
    text = "围绕12个专题，规范开展12次集体学习，增长8.7%，全年７００亿元"
    found = find_hand_numbers(text)
    assert [(n.text, n.kind) for n in found] == [
        ("12", "number"),
        ("12", "number"),
        ("8.7%", "number"),
        ("７００", "number"),
    ]
    assert found[0].context.startswith("围绕12个专题")
    assert found[3].token == "700"
    assert text[found[2].start : found[2].end] == "8.7%"


def test_fixed_expressions_and_placeholders_are_not_figures():
    text = "“十四五”规划，党的二十大，一是加强，三公经费，{{2023年收入}}和{{ 9**9 }}"
    assert find_hand_numbers(text) == []


def test_years_are_reported_as_years():
    found = find_hand_numbers("2023年度，2023—2025年，（*府办字〔2023〕5号），12月")
    assert [(n.text, n.kind) for n in found] == [
        ("2023", "year"),
        ("2023", "year"),
        ("2025", "year"),
        ("2023", "year"),
        ("5", "number"),
        ("12", "number"),
    ]


def test_resolve_text_warns_about_hand_numbers_only_when_only_metrics_are_masked():
    text = "开展12次学习，2023年"
    warned = resolve_text(text, METRICS, metrics_only=True)
    assert warned.warnings == [
        "“…开展12次学习，2023年…”中的“12”：这里的数字不是指标，“仅脱敏指标”的脱敏稿中将原样保留"
    ]
    assert [n.text for n in warned.hand_numbers] == ["12"]
    assert [n.text for n in warned.years] == ["2023"]
    assert resolve_text(text, METRICS, masked=True, metrics_only=True).text == text
    masked = resolve_text(text, METRICS, masked=True)
    assert masked.text == "开展**次学习，****年"
    assert masked.warnings == []
    assert masked.secrets == {"12", "2023"}


def test_a_masked_copy_keeps_only_the_kept_years():
    text = "2023年，对比2021年增长，2023—2024年规划，〔2023〕5号，第2023号，1—10月"
    masked = resolve_text(text, METRICS, masked=True, keep_years=kept_years(2023))
    assert masked.text == "2023年，对比****年增长，2023—2024年规划，〔2023〕*号，第****号，*—**月"
    # The bare 2023 is masked, but 2023 is no secret: the kept years stay in the same file.
    assert masked.secrets == {"2021", "5", "1", "10"}
    years_too = resolve_text(text, METRICS, masked=True, mask_years=True, keep_years=kept_years(2023))
    assert not re.search(r"\d", years_too.text)
    assert "2023" in years_too.secrets


@pytest.mark.parametrize(
    ("text", "keep", "expected"),
    [
        ("2025年工作，2026年打算，2024年", (2025, 2026), "2025年工作，2026年打算，****年"),
        ("压减8.5%，审减6.3亿元，126名", (2025,), "压减*.*%，审减*.*亿元，***名"),
        ("２０２５年１月", (2025,), "２０２５年*月"),
        ("12025年", (2025,), "*****年"),  # not a year
        ("十四五，三公经费", (), "十四五，三公经费"),
    ],
)
def test_mask_numbers(text, keep, expected):
    assert mask_numbers(text, keep) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年", "****年"),
        ("2023年度述职报告", "****年度述职报告"),
        ("2023—2025年", "****—****年"),
        ("2023-2025年", "****-****年"),
        ("〔2023〕5号", "〔****〕5号"),
        ("２０２３年", "****年"),
        ("12023年", "12023年"),  # not a four-digit year
        ("2023", "2023"),
        ("第1季度，十四五", "第1季度，十四五"),
    ],
)
def test_mask_years(text, expected):
    assert mask_years(text) == expected


def test_mask_terms_longest_first():
    terms = ["某某县", "某某县科技园", "", "  "]
    assert mask_terms("支持某某县科技园和某某县建设", terms) == "支持**和**建设"
    assert mask_terms("无敏感词", []) == "无敏感词"


# --- resolve_snapshot ----------------------------------------------------------------------------


def snapshot() -> dict:
    return {
        "title": "2023年度工作总结",
        "subtitle": "",
        "kind": "annual_summary",
        "year": 2023,
        "numbering": {"1": "{cn}、"},
        "opening": f"某某县财政局全年完成收入{{{{{REVENUE}}}}}亿元。",
        "blocks": [
            {
                "type": "heading",
                "title": "2023年工作成效",
                "text": "",
                "run_in": False,
                "inline": False,
                "children": [
                    {
                        "type": "point",
                        "lead": "抓收入",
                        "text": f"同比{{{{{REVENUE}.增减}}}}，税收占{{{{{TAX}|占比({REVENUE})}}}}%，开展12次调研。",
                        "inline": False,
                    },
                    {"type": "paragraph", "text": "{{待填}}亿元，{{未知}}", "inline": True},
                ],
            }
        ],
        "closing": "2024—2026年继续努力。",
        "signature": "某某县财政局",
        "date": "2023年12月20日",
    }


def test_resolve_snapshot_exact():
    original = snapshot()
    resolved, report = resolve_snapshot(original, METRICS)
    assert original == snapshot()  # the input is not modified
    assert resolved["opening"] == "某某县财政局全年完成收入400.6亿元。"
    point, paragraph = resolved["blocks"][0]["children"]
    assert point["text"] == "同比增长7.5%，税收占76.6%，开展12次调研。"
    assert point["lead"] == "抓收入"
    assert paragraph["text"] == "**亿元，**"
    assert resolved["title"] == "2023年度工作总结" and resolved["date"] == "2023年12月20日"
    assert {k: resolved[k] for k in ("kind", "year", "numbering")} == {
        k: original[k] for k in ("kind", "year", "numbering")
    }

    assert report.errors == ["{{未知}}：未找到指标“未知”"] and not report.ok
    assert "指标“待填”尚无数值" in report.warnings
    assert not any("这里的数字不是指标" in w for w in report.warnings)  # listed in hand_numbers instead
    assert [n.text for n in report.hand_numbers] == ["12"]
    assert [(n.text, n.field) for n in report.hand_numbers] == [("12", "blocks.0.children.0.text")]
    assert {n.field for n in report.years} == {"title", "blocks.0.title", "closing", "date"}
    # Secrets depend on the options only: by default a masked copy hides every number (no kept years
    # given here); with metrics_only only the figures the placeholders produce.
    assert report.secrets == {"400.6", "7.5", "76.6", "12", "2023", "2024", "2026", "20"}
    assert resolve_snapshot(original, METRICS, metrics_only=True)[1].secrets == {"400.6", "7.5", "76.6"}
    assert report.metrics_used == {REVENUE, TAX, "待填"}
    assert [p.field for p in report.placeholders] == [
        "opening",
        "blocks.0.children.0.text",
        "blocks.0.children.0.text",
        "blocks.0.children.1.text",
        "blocks.0.children.1.text",
    ]
    assert report.missing == ["{{待填}}"]


def test_resolve_snapshot_masked_metrics_only_with_years_and_terms():
    resolved, report = resolve_snapshot(
        snapshot(), METRICS, masked=True, mask_years=True, sensitive_terms=["某某县"], metrics_only=True
    )
    assert resolved["title"] == "****年度工作总结"
    assert resolved["opening"] == "**财政局全年完成收入***.*亿元。"
    assert resolved["blocks"][0]["title"] == "****年工作成效"
    assert resolved["blocks"][0]["children"][0]["text"] == "同比增长*.*%，税收占**.*%，开展12次调研。"
    assert resolved["closing"] == "****—****年继续努力。"
    assert resolved["signature"] == "**财政局"
    assert resolved["date"] == "****年12月20日"
    assert report.secrets == {"400.6", "7.5", "76.6", "2023", "2024", "2026", "某某县"}
    # The hand-typed 12 stays, and is reported.
    assert [n.text for n in report.hand_numbers] == ["12"]


def test_resolve_snapshot_masks_all_numbers_by_default():
    resolved, report = resolve_snapshot(snapshot(), METRICS, masked=True, mask_years=True)
    assert resolved["blocks"][0]["children"][0]["text"] == "同比增长*.*%，税收占**.*%，开展**次调研。"
    assert resolved["date"] == "****年**月**日"
    assert not any("原样保留" in w for w in report.warnings)
    assert {"12", "2023"} <= report.secrets
    for value in ("title", "opening", "closing", "date"):
        assert not re.search(r"\d", resolved[value])


def test_resolve_snapshot_keeps_the_reports_years_by_default():
    resolved, report = resolve_snapshot(snapshot(), METRICS, masked=True, keep_years=kept_years(2023))
    assert resolved["title"] == "2023年度工作总结"
    assert resolved["closing"] == "2024—****年继续努力。"
    assert resolved["date"] == "2023年**月**日"
    assert "2023" not in report.secrets and "2024" not in report.secrets
    assert {"2026", "12", "20"} <= report.secrets


def test_resolve_snapshot_accepts_tuples_and_empty_snapshots():
    resolved, report = resolve_snapshot({"blocks": ({"type": "paragraph", "text": "{{项目数}}"},)}, METRICS)
    assert resolved["blocks"][0]["text"] == "12"
    empty, report = resolve_snapshot({}, {})
    assert empty == {} and report.ok and report.secrets == set()
