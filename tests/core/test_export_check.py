"""The check before an export (reports/core/export_check.py). Pure, no database."""

from __future__ import annotations

from decimal import Decimal

from reports.core.export_check import export_problems
from reports.core.metrics import MetricValue

METRICS = {
    "一般公共预算收入": MetricValue("一般公共预算收入", Decimal("186.4"), "亿元", 1),
    "民生支出": MetricValue("民生支出", None, "亿元", 1),
}
NUMBERING = {"1": "{cn}、", "2": "（{cn}）", "point": "{cn}是"}


def point(lead: str, text: str) -> dict:
    return {"type": "point", "lead": lead, "text": text}


def heading(title: str, *children: dict) -> dict:
    return {"type": "heading", "title": title, "text": "", "children": list(children)}


def snapshot() -> dict:
    return {
        "title": "2025年度工作总结",
        "numbering": NUMBERING,
        "opening": "全年收入{{一般公共预算收入}}亿元，民生支出{{民生支出}}亿元。",
        "blocks": [
            heading("工作成效", point("抓收入", "收入{{一般公共预算收入}}亿元。")),
            heading(
                "主要做法",
                heading("保民生", point("兜底线", "投入{{民生支出}}亿元。"), point("", "  ")),
                heading("", point("抓改革", "已完成。")),
            ),
            heading("下一步打算", point("", ""), {"type": "paragraph", "text": "{{未知指标}}"}),
        ],
        "closing": "民生支出{{民生支出.同比}}。",
    }


def test_it_names_every_place_that_would_show_stars_or_an_empty_line_in_reading_order():
    assert export_problems(snapshot(), METRICS) == [
        "导语：指标“民生支出”尚无数值，将显示为 **",
        "二、（一）一是：指标“民生支出”尚无数值，将显示为 **",
        "二、（一）二是：内容为空",
        "二、（二）：标题为空",
        "三、一是：内容为空",
        "三、第1段：未找到指标“未知指标”，将显示为 **",
        "结尾：指标“民生支出”尚无数值，将显示为 **",
    ]


def test_a_masked_copy_is_checked_for_empty_points_only():
    assert export_problems(snapshot(), METRICS, masked=True) == [
        "二、（一）二是：内容为空",
        "二、（二）：标题为空",
        "三、一是：内容为空",
    ]


def test_only_metrics_masked_warns_that_typed_figures_go_out_as_typed():
    clean = {"numbering": NUMBERING, "blocks": [heading("成效", point("抓收入", "压减8.5%，审减6.3亿元。"))]}
    assert export_problems(clean, METRICS, masked=True) == []
    assert export_problems(clean, METRICS, masked=True, metrics_only=True) == [
        "已选择“仅脱敏指标”：手工录入的 2 处数字（如“8.5%”、“6.3”）将原样出现在脱敏稿中"
    ]


def test_a_complete_report_has_nothing_to_warn_about():
    complete = {
        "numbering": NUMBERING,
        "blocks": [heading("成效", point("抓收入", "{{一般公共预算收入}}亿元"))],
    }
    assert export_problems(complete, METRICS) == []
