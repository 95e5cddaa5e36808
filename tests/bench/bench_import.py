"""Benchmark of the report importer (not collected by pytest).

    python tests/bench/bench_import.py [-n 200]

Parses the largest seed report (../shared/seeds, ~5,000 characters) N times from text and from a
.docx with Word auto-numbering (built as tests/test_importer.py builds it), plus figure detection,
and prints the median time of each.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from test_importer import SEEDS, docx_auto  # noqa: E402

from reports.core.importer import find_figures, parse_docx, parse_text  # noqa: E402


def median_ms(fn: Callable[[], object], n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="runs per measurement (default 200)")
    args = parser.parse_args()

    path = max(SEEDS.glob("*.txt"), key=lambda p: p.stat().st_size)
    text = path.read_text(encoding="utf-8")
    data = docx_auto(text)
    parsed = parse_text(text)
    parse_text(text), parse_docx(data)  # warm up (kinds loaded, regexes compiled)

    print(
        f"seed: {path.name} ({len(text)} characters, {len(parsed.items)} items), .docx {len(data)} bytes, N = {args.n}"
    )
    print(f"parse_text    median: {median_ms(lambda: parse_text(text), args.n):7.2f} ms")
    print(f"parse_docx    median: {median_ms(lambda: parse_docx(data), args.n):7.2f} ms")
    print(f"find_figures  median: {median_ms(lambda: find_figures(parsed), args.n):7.2f} ms")
    print(f"to_json       median: {median_ms(parsed.to_json, args.n):7.2f} ms  (includes find_figures)")


if __name__ == "__main__":
    main()
