"""Benchmark of reports.core.packet (not collected by pytest).

    python tests/bench/bench_packet.py [-n 5] [--reports 50] [--pdf]

Builds a packet of N reports, each the long report test_docx_layout.py assembles from the fixture
reports (tests/fixtures/reports via tests/corpus.py: about 10,000 characters, more than a seed-size
report's 6,500), each with its own subject, and prints:
- render: render_packet with given page numbers (what a worker pays per packet), median of -n runs;
  target <= 5 s for 50 reports;
- per report: render / N, and render_docx of one report for comparison;
- with --pdf: the packet as services.packets builds it in one process (each report's pages measured
  on its own LibreOffice render, the front matter measured, the whole converted), once, the number
  of pages, and how far the estimate used without LibreOffice is from the measured starts.
The same packet through 1 and 2 Celery worker processes: bench_packet_workers.py.
No database.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "core")]

from corpus import fixture_paths  # noqa: E402
from packetdocx import build_packet, measure_starts  # noqa: E402
from test_docx_layout import corpus_snapshot  # noqa: E402

from reports.core.document import layout_paragraphs  # noqa: E402
from reports.core.docx_render import render_docx  # noqa: E402
from reports.core.packet import PacketOptions, estimate_starts, render_packet  # noqa: E402

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def parts(count: int) -> list[dict]:
    base = corpus_snapshot(fixture_paths())
    out = []
    for k in range(count):
        snapshot = dict(
            base, title="2025年度述职报告", subtitle=f"（{SURNAMES[k % len(SURNAMES)]}某{k + 1}）"
        )
        out.append(snapshot)
    return out


def seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def figures(*, quick: bool = False) -> list[dict]:
    """For tests/bench/run_all.py: a packet's render time per report against one render_docx."""
    count, n = (10, 1) if quick else (50, 3)
    snapshots = parts(count)
    options = PacketOptions(meeting="2025年度述职述廉会议", bureau="某某市财政局", date="2026年1月15日")
    starts = [3 + 20 * k for k in range(count)]
    render_packet(snapshots, options, starts)
    render = statistics.median(seconds(lambda: render_packet(snapshots, options, starts)) for _ in range(n))
    single = statistics.median(seconds(lambda: render_docx(snapshots[0])) for _ in range(n))
    return [
        {
            "name": f"render_packet {count} 份，每份",
            "value": render / count * 1000,
            "unit": "ms",
            "baseline_name": "render_docx 一份",
            "baseline": single * 1000,
            "note": f"整份 {render:.2f} s（目标 ≤ 5 s/50 份）",
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5, help="renders per measurement (default 5)")
    parser.add_argument("--reports", type=int, default=50, help="reports in the packet (default 50)")
    parser.add_argument("--pdf", action="store_true", help="also measure the page numbers with LibreOffice")
    args = parser.parse_args()

    snapshots = parts(args.reports)
    chars = sum(len(p.text) for p in layout_paragraphs(snapshots[0]))
    options = PacketOptions(meeting="2025年度述职述廉会议", bureau="某某市财政局", date="2026年1月15日")
    starts = [3 + 20 * k for k in range(args.reports)]
    cold = seconds(lambda: render_packet(snapshots, options, starts))
    render = statistics.median(
        seconds(lambda: render_packet(snapshots, options, starts)) for _ in range(args.n)
    )
    single = statistics.median(seconds(lambda: render_docx(snapshots[0])) for _ in range(args.n))
    size = len(render_packet(snapshots, options, starts))

    print(f"packet: {args.reports} reports of {chars} characters each, N = {args.n}")
    print(f"render_packet cold:            {cold:7.3f} s")
    print(f"render_packet median:          {render:7.3f} s  ({size} bytes; target <= 5 s)")
    print(f"per report:                    {render / args.reports * 1000:7.1f} ms")
    print(f"render_docx of one report:     {single * 1000:7.1f} ms")
    if args.pdf:
        start = time.perf_counter()
        docx, pdf = build_packet(snapshots, options)  # each report measured, then the whole converted
        total = time.perf_counter() - start
        import pymupdf

        pages = pymupdf.open(stream=pdf, filetype="pdf").page_count
        measured = measure_starts(pdf, snapshots)
        off = max(abs(a - b) for a, b in zip(estimate_starts(snapshots, options), measured, strict=True))
        print(f"with page numbers measured:    {total:7.1f} s  ({pages} pages, LibreOffice included)")
        print(f"estimate (no LibreOffice) off by at most {off} pages at the last report ({measured[-1]})")


if __name__ == "__main__":
    main()
