"""tests/bench/run_all.py's table builder on made-up figures (the benchmarks themselves are not part
of the suite: tests/bench is in norecursedirs)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "bench"))

from run_all import Figure, document, table  # noqa: E402


def test_it_prints_each_figure_with_its_baseline_and_ratio():
    figures = [
        Figure("自动保存", "保存+刷新 1000 段 p50", 30.0, "ms", "10 段", 20.0, "目标 ≤ 1.3×"),
        Figure("渲染", "pandoc 1×", None, "ms", "render_docx", 2.5, "未安装"),
        Figure("占位符", "1,000 次求值", 12.5, "ms"),
    ]
    lines = table(figures).splitlines()
    assert len(lines) == 2 + len(figures)
    assert lines[2] == "| 自动保存 | 保存+刷新 1000 段 p50 | 30.0 ms | 10 段 | 20.0 | 1.50× | 目标 ≤ 1.3× |"
    assert lines[3] == "| 渲染 | pandoc 1× | — | render_docx | 2.5 | — | 未安装 |"
    assert lines[4] == "| 占位符 | 1,000 次求值 | 12.5 ms | — | — | — |  |"


def test_the_document_names_the_machine_and_the_command():
    text = document(
        [Figure("导入", "parse_text", 0.4, "ms")], [("CPU", "x86_64，2 核")], "python tests/bench/run_all.py"
    )
    assert "| CPU | x86_64，2 核 |" in text and "`python tests/bench/run_all.py`" in text
    assert text.endswith("| 导入 | parse_text | 0.4 ms | — | — | — |  |\n")
