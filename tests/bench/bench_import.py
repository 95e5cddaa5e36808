"""Benchmark of the report importer (not collected by pytest).

    python tests/bench/bench_import.py [-n 200]

Parses a report text N times from text and from a .docx with Word auto-numbering (built
as tests/core/test_importer.py builds it), plus figure detection, and prints the median time of each.
Measured: the largest fixture report (tests/fixtures/reports) and, when ../shared/seeds is present,
the largest shared seed as well (tests/corpus.py).
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

from corpus import fixture_paths, seed_paths  # noqa: E402
from packages import docx_auto  # noqa: E402

from reports.core.importer import find_figures, parse_docx, parse_text  # noqa: E402


def median_ms(fn: Callable[[], object], n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(path: Path, n: int) -> None:
    text = path.read_text(encoding="utf-8")
    data = docx_auto(text)
    parsed = parse_text(text)
    parse_text(text), parse_docx(data)  # warm up (kinds loaded, regexes compiled)

    print(
        f"{path.parent.name}/{path.name} ({len(text)} characters, {len(parsed.items)} items), "
        f".docx {len(data)} bytes, N = {n}"
    )
    print(f"parse_text    median: {median_ms(lambda: parse_text(text), n):7.2f} ms")
    print(f"parse_docx    median: {median_ms(lambda: parse_docx(data), n):7.2f} ms")
    print(f"find_figures  median: {median_ms(lambda: find_figures(parsed), n):7.2f} ms")
    print(f"to_json       median: {median_ms(parsed.to_json, n):7.2f} ms  (includes find_figures)")


def figures(*, quick: bool = False) -> list[dict]:
    """For tests/bench/run_all.py: parse_docx and find_figures against parse_text of the same report."""
    n = 20 if quick else 200
    out = []
    for paths in (fixture_paths(), seed_paths()):
        if not paths:
            continue
        path = max(paths, key=lambda p: len(p.read_text(encoding="utf-8")))
        text = path.read_text(encoding="utf-8")
        data, parsed = docx_auto(text), parse_text(text)
        base = median_ms(lambda t=text: parse_text(t), n)
        label = f"{path.parent.name}/{path.name}（{len(text)} 字）"
        out.append({"name": f"parse_text {label}", "value": base, "unit": "ms"})
        for name, fn in (
            ("parse_docx", lambda d=data: parse_docx(d)),
            ("find_figures", lambda p=parsed: find_figures(p)),
        ):
            out.append(
                {
                    "name": f"{name} {label}",
                    "value": median_ms(fn, n),
                    "unit": "ms",
                    "baseline_name": "parse_text",
                    "baseline": base,
                }
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="runs per measurement (default 200)")
    args = parser.parse_args()

    for paths in (fixture_paths(), seed_paths()):
        if paths:
            measure(max(paths, key=lambda p: len(p.read_text(encoding="utf-8"))), args.n)


if __name__ == "__main__":
    main()
