"""Benchmark of reports.core.proofread (not collected by pytest).

    python tests/bench/bench_proofread.py [-n 200]

Checks the largest demo report (reports/demo/*.json) with check_document, one of its blocks with
check_text, and, when ../shared/seeds is there, the largest seed paragraph by paragraph as the
`proofread FILE` command will. Prints the median of each against a floor measured in the same
run on the same texts (one compiled regex pass over every character, finding the punctuation:
the least any checker does), and the ratio. Targets (issue 10): one block ≤ 2 ms, a report of
≈ 6,000 characters ≤ 30 ms.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT)]

from reports.core.proofread import check_document, check_text, load_phrases  # noqa: E402

DEMO = ROOT / "reports" / "demo"
SEEDS = ROOT.parent / "shared" / "seeds"
_FLOOR = re.compile(r"[，。；：？！、,.;:?!()（）“”\"']")


def median_ms(fn: Callable[[], object], n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def texts_of(snapshot: dict) -> list[str]:
    out = [snapshot.get(k) or "" for k in ("title", "subtitle", "opening", "closing", "signature", "date")]

    def walk(blocks: list) -> None:
        for block in blocks:
            out.extend(block.get(k) or "" for k in ("title", "lead", "text"))
            walk(block.get("children", []))

    walk(snapshot.get("blocks", []))
    return [t for t in out if t]


def floor(texts: list[str]) -> Callable[[], int]:
    return lambda: sum(len(_FLOOR.findall(t)) for t in texts)


def report(label: str, fn: Callable[[], object], texts: list[str], n: int, target: float) -> None:
    chars = sum(map(len, texts))
    took, base = median_ms(fn, n), median_ms(floor(texts), n)
    print(
        f"{label:<34} {chars:6d} chars  median {took:7.3f} ms  floor {base:6.3f} ms"
        f"  ratio {took / base:6.1f}  (target ≤ {target} ms: {'ok' if took <= target else 'OVER'})"
    )


def figures(*, quick: bool = False) -> list[dict]:
    """For tests/bench/run_all.py: one block and the largest demo report against the regex floor."""
    n = 20 if quick else 200
    phrases = load_phrases()
    snapshots = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(DEMO.glob("*.json"))]
    snapshot = max((s for s in snapshots if "blocks" in s), key=lambda s: sum(map(len, texts_of(s))))
    texts = texts_of(snapshot)
    block = max(texts, key=len)
    check_document(snapshot, phrases=phrases)
    cases = [
        ("check_text 最长的一段", lambda: check_text(block, phrases=phrases), [block], 2),
        (
            f"check_document 演示{snapshot['kind']}",
            lambda: check_document(snapshot, phrases=phrases),
            texts,
            30,
        ),
    ]
    return [
        {
            "name": f"{label}（{sum(map(len, t))} 字）",
            "value": median_ms(fn, n),
            "unit": "ms",
            "baseline_name": "正则扫描下限",
            "baseline": median_ms(floor(t), n),
            "note": f"目标 ≤ {target} ms",
        }
        for label, fn, t, target in cases
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="runs per measurement (default 200)")
    args = parser.parse_args()
    phrases = load_phrases()

    snapshots = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(DEMO.glob("*.json"))]
    snapshot = max((s for s in snapshots if "blocks" in s), key=lambda s: sum(map(len, texts_of(s))))
    texts = texts_of(snapshot)
    block = max(texts, key=len)
    check_document(snapshot, phrases=phrases)  # warm up: regexes compiled, tables built

    print(f"N = {args.n}")
    report("check_text, longest demo block", lambda: check_text(block, phrases=phrases), [block], args.n, 2)
    report(
        f"check_document, demo {snapshot['kind']}",
        lambda: check_document(snapshot, phrases=phrases),
        texts,
        args.n,
        30,
    )
    seeds = sorted(SEEDS.glob("*.txt"), key=lambda p: p.stat().st_size) if SEEDS.is_dir() else []
    if seeds:
        paragraphs = [line for line in seeds[-1].read_text(encoding="utf-8").split("\n") if line.strip()]
        report(
            f"per paragraph, seed {seeds[-1].name[:3]}",
            lambda: [check_text(p, phrases=phrases) for p in paragraphs],
            paragraphs,
            args.n,
            30,
        )


if __name__ == "__main__":
    main()
