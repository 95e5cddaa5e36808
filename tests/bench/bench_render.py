"""Benchmark of reports.core.docx_render (not collected by pytest).

    python tests/bench/bench_render.py [-n 50]

Renders the largest available report snapshot (reports/demo/*.json or the long reports built by
tests/core/test_docx_layout.py from the fixture reports and, when present, the shared seeds) N times and prints the median render time, the "floor" measured in the
same run (zipping the very same already-serialized parts of the rendered package with zipfile,
same deflate compression: the cost any renderer pays just to produce the file) and their ratio.
Target: ratio <= 5. It then does the same for a naive python-docx build (Document(), add_paragraph,
per-run fonts including eastAsia through oxml) for comparison.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "core")]

from docx import Document  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Pt  # noqa: E402
from test_docx_layout import largest_snapshot  # noqa: E402

from reports.core.document import layout_paragraphs  # noqa: E402
from reports.core.docx_render import render_docx, render_parts  # noqa: E402

NAIVE_FONTS = {
    "title": ("方正小标宋简体", 22),
    "subtitle": ("楷体_GB2312", 16),
    "h1": ("黑体", 16),
    "h2": ("楷体_GB2312", 16),
}


def median_seconds(fn: Callable[[], object], n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def zip_floor(data: bytes) -> Callable[[], bytes]:
    """A callable zipping the parts of the package `data` exactly as they are, with deflate."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = [(info.filename, zf.read(info)) for info in zf.infolist()]

    def run() -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
            for name, blob in parts:
                out.writestr(name, blob)
        return buf.getvalue()

    return run


def naive_docx(snapshot) -> bytes:
    """What a straightforward python-docx renderer does: objects per paragraph and run."""
    doc = Document()
    for para in layout_paragraphs(snapshot):
        p = doc.add_paragraph()
        for run in para.runs or []:
            font, size = NAIVE_FONTS.get(run.style or para.role, ("仿宋_GB2312", 16))
            r = p.add_run(run.text)
            r.font.name = font
            r.font.size = Pt(size)
            r._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        p.paragraph_format.keep_with_next = para.keep_next or None
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50, help="renders per measurement (default 50)")
    args = parser.parse_args()

    name, snapshot = largest_snapshot()
    paras = layout_paragraphs(snapshot)
    chars = sum(len(p.text) for p in paras)

    start = time.perf_counter()
    data = render_docx(snapshot)  # cold: builds and caches the base package
    cold = time.perf_counter() - start

    render = median_seconds(lambda: render_docx(snapshot), args.n)
    floor = median_seconds(zip_floor(data), args.n)
    parts = render_parts(snapshot)
    assert [n for n, _ in parts] == zipfile.ZipFile(io.BytesIO(data)).namelist()

    naive = naive_docx(snapshot)
    naive_render = median_seconds(lambda: naive_docx(snapshot), args.n)
    naive_floor = median_seconds(zip_floor(naive), args.n)

    ms = 1000
    print(f"snapshot: {name} ({len(paras)} paragraphs, {chars} characters), N = {args.n}")
    print(f"render_docx   cold (builds the cached package): {cold * ms:8.2f} ms")
    print(f"render_docx   median:                           {render * ms:8.2f} ms  ({len(data)} bytes)")
    print(f"floor         zip the same parts, deflate:      {floor * ms:8.2f} ms")
    print(f"ratio         median / floor:                   {render / floor:8.2f}   (target <= 5)")
    print(
        f"naive python-docx median:                       {naive_render * ms:8.2f} ms  ({len(naive)} bytes)"
    )
    print(f"naive floor   zip its parts, deflate:           {naive_floor * ms:8.2f} ms")
    print(f"naive ratio   median / its floor:               {naive_render / naive_floor:8.2f}")
    print(f"naive ratio   median / our floor:               {naive_render / floor:8.2f}")
    print(f"speed-up      naive median / render_docx median:{naive_render / render:8.2f}")


if __name__ == "__main__":
    main()
