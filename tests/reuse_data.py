"""Last year's 述职报告 for the reuse tests: the 2025 fixture report's sections, moved and renamed."""

from __future__ import annotations

COPIED_TEXT = (
    "全面推进预算绩效管理，将绩效目标管理覆盖到全部市级部门，完成重点项目绩效评价36个，涉及资金12.5亿元，"
    "评价结果与下年预算安排挂钩，收回低效无效资金3200万元，财政资金使用效益明显提升。"
)
INCOME_TEXT = "2024年，全市一般公共预算收入171.3亿元，同比增长4.2%，完成年初预算101.5%。争取资金3000万元。"


def last_year_content(subject: str = "局长 王建国", department: str = "办公室") -> dict:
    return {
        "year": 2024,
        "title": "2024年度述职报告",
        "subject": subject,
        "department": department,
        "blocks": [
            {
                "type": "heading",
                "title": "聚焦主责主业，在“干”上见实效",  # renamed, and moved first
                "children": [
                    {"type": "point", "lead": "抓收入", "text": INCOME_TEXT},
                    {"type": "point", "lead": "抓绩效", "text": COPIED_TEXT},
                ],
            },
            {
                "type": "heading",
                "title": "强化政治建设，在“政”上立稳立牢",
                "children": [{"type": "paragraph", "text": "坚持把党的政治建设摆在首位。"}],
            },
            {"type": "heading", "title": "其他工作", "children": []},
        ],
    }
