"""The report texts the tests read: our own fixtures, plus the shared seeds when they are present.

tests/fixtures/reports/*.txt are invented reports (invented wording, invented or masked figures)
that together carry every structure real reports have: 一、/（一）/1. nesting, run-in headings
("（一）题。正文"), points 一是…二是… inline in one paragraph and as separate paragraphs, 一要/二要
(work plan), masked figures (**亿元, *.*%), a 述职 header (name or date under the title), a title
on two lines, closing, signature and date. The suite needs nothing outside this repository.

../shared/seeds/*.txt (next to the repository, not part of it) are real reports with figures
masked. When that folder exists its files are an extra corpus: the tests that take them are
parametrised over the files found, so without it they are simply not collected.
"""

from __future__ import annotations

from pathlib import Path

from reports.core.numbering import cn_int

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reports"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def sample(name: str) -> str:
    """The text of tests/fixtures/reports/<name>.txt."""
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


def fixture_paths() -> list[Path]:
    return sorted(FIXTURES.glob("*.txt"))


def seed_paths() -> list[Path]:
    """The shared seed files, [] when ../shared/seeds is absent."""
    return sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


def outline_text(sections: int, points: int) -> str:
    """A report of `sections` level-1 headings with `points` "一是推进。" lines each."""
    lines = ["2025年度工作总结"]
    for s in range(1, sections + 1):
        lines.append(f"{cn_int(s)}、第{cn_int(s)}部分")
        lines += ["一是推进。"] * points
    return "\n".join(lines)
