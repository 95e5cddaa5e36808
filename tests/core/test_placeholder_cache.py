"""Placeholders are parsed, checked and compiled once per process (reports.core.placeholders, the
bounded caches `_parsed`, `checked`, `_compiled`), and evaluated once per MetricSet (one request).
The counters are the caches' own cache_info() and the evaluator's: no spy, no mock. Pure."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reports.core import placeholders
from reports.core.metrics import MetricSet, MetricValue, evaluate, resolve_snapshot, resolve_text
from reports.core.preview import preview_segments

REVENUE = "一般公共预算收入"
TAX = "税收收入"
METRICS = {
    REVENUE: MetricValue(REVENUE, Decimal("400.6"), "亿元", 1, prior=Decimal("372.6")),
    TAX: MetricValue(TAX, Decimal("306.8"), "亿元", 1, prior=Decimal("300.1")),
}
CACHES = (placeholders._parsed, placeholders.checked, placeholders._compiled)


@pytest.fixture
def cold():
    """Empty placeholder caches (other tests of the process may have filled them)."""
    for cache in CACHES:
        cache.cache_clear()


def test_it_parses_checks_and_compiles_a_placeholder_text_once_per_process(cold):
    results = {evaluate(f"{{{{{REVENUE}.同比}}}}", METRICS).output for _ in range(50)}
    assert results == {"7.5"}
    parsed = placeholders._parsed.cache_info()
    assert (parsed.misses, parsed.hits) == (1, 1)  # parsed once, the tree reused by the compilation
    for cache in (placeholders.checked, placeholders._compiled):
        info = cache.cache_info()
        assert (info.misses, info.hits) == (1, 49), cache.__name__


def test_it_parses_a_refused_text_once_and_refuses_it_every_time(cold):
    errors = {evaluate("{{ 一般公共预算收入 + 1 }}", METRICS).error for _ in range(5)}
    assert errors == {"占位符中不能使用运算符或条件，需要的数值请在指标库中维护"}
    assert placeholders._parsed.cache_info().misses == 1
    assert placeholders._compiled.cache_info().currsize == 0  # a refused text is never compiled


def test_the_cache_keys_on_what_the_check_depends_on(cold):
    """The same text against metrics that lack the name: refused, not the cached acceptance."""
    assert evaluate(f"{{{{{TAX}}}}}", METRICS).output == "306.8"
    alone = {REVENUE: METRICS[REVENUE]}
    assert evaluate(f"{{{{{TAX}}}}}", alone).error == f"未找到指标“{TAX}”"
    assert evaluate("{{税收}}", METRICS).error == "未找到指标“税收”"


def test_the_caches_are_bounded():
    for cache in CACHES:
        assert cache.cache_info().maxsize == placeholders.PLACEHOLDER_CACHE


def test_a_metric_set_evaluates_each_text_once_across_previews_and_the_check(cold):
    text = f"收入{{{{{REVENUE}}}}}亿元，{{{{{REVENUE}.增减}}}}；税收{{{{{TAX}|占比({REVENUE})}}}}。"
    snapshot = {"opening": text, "blocks": [{"type": "paragraph", "text": text, "children": []}]}
    metrics = MetricSet(METRICS)
    segments = preview_segments(text, metrics)
    _resolved, check = resolve_snapshot(snapshot, metrics)
    again = resolve_text(text, metrics)
    assert metrics.evaluator.evaluated == 3  # three distinct texts, 9 + 3 occurrences
    assert len(check.placeholders) == 6 and len(again.placeholders) == 3
    assert [s.text for s in segments if s.kind == "value"] == ["400.6", "增长7.5%", "76.6"]


def test_a_memoised_evaluation_keeps_each_occurrence_in_its_place():
    text = f"{{{{{REVENUE}}}}}与{{{{{REVENUE}}}}}"
    plain = resolve_text(text, METRICS)
    shared = resolve_text(text, MetricSet(METRICS))
    assert [(p.start, p.end, p.output) for p in shared.placeholders] == [
        (p.start, p.end, p.output) for p in plain.placeholders
    ]
    assert shared.text == plain.text == "400.6与400.6"
    assert shared.placeholders[0] is not shared.placeholders[1]
