"""Benchmark of the .docx -> PDF conversion (reports.core.pdf; not collected by pytest).

    python tests/bench/bench_pdf.py [-n 5]

Converts the largest demo report (seed size: about 6,500 characters, 12 pages) and prints:
- one-shot: the baseline measured in the same run, a plain ``soffice --convert-to`` with a reused
  profile, i.e. a LibreOffice started for every conversion (what reports.core.pdf did before);
- first: the first docx_to_pdf of a new workdir (starts the resident office, then converts);
- second and warm: the next conversions, served by the resident office (N runs, median);
and the ratios warm / one-shot (target <= 0.5: a second conversion must not pay the start-up) and
first / one-shot. Needs LibreOffice and the fonts (scripts/test.sh), no database.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "core")]

from pdftext import assert_pdf_complete  # noqa: E402
from test_docx_layout import demo_snapshots  # noqa: E402

from reports.core import pdf  # noqa: E402
from reports.core.document import layout_paragraphs  # noqa: E402
from reports.core.docx_render import render_docx  # noqa: E402


def seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def one_shot(docx: bytes, work: Path) -> Callable[[], bytes]:
    """A conversion by a LibreOffice started for it (reused profile, same fonts and options)."""
    profile = work / "lo-profile"
    source = work / "report.docx"
    source.write_bytes(docx)
    env = dict(os.environ, FONTCONFIG_FILE=str(pdf.FONTS_CONF), HOME=str(profile))
    cmd = [
        pdf.soffice_binary(),
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--convert-to",
        "pdf:writer_pdf_Export",
        "--outdir",
        str(work / "out"),
        str(source),
    ]

    def run() -> bytes:
        subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=120)
        return (work / "out" / "report.pdf").read_bytes()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5, help="conversions per measurement (default 5)")
    args = parser.parse_args()

    snapshots = demo_snapshots()
    name = max(snapshots, key=lambda k: sum(len(p.text) for p in layout_paragraphs(snapshots[k])))
    docx = render_docx(snapshots[name])
    chars = sum(len(p.text) for p in layout_paragraphs(snapshots[name]))

    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        base = Path(tmp) / "one-shot"
        base.mkdir()
        convert_once = one_shot(docx, base)
        convert_once()  # creates the baseline's profile
        shot = statistics.median(seconds(convert_once) for _ in range(args.n))

        work = Path(tmp) / "resident"
        try:
            first = seconds(lambda: pdf.docx_to_pdf(docx, workdir=work))
            second = seconds(lambda: pdf.docx_to_pdf(docx, workdir=work))
            warm = statistics.median(
                seconds(lambda: pdf.docx_to_pdf(docx, workdir=work)) for _ in range(args.n)
            )
            result = pdf.docx_to_pdf(docx, workdir=work)
        finally:
            pdf.stop_office(work)
        shutil.rmtree(work, ignore_errors=True)
    assert_pdf_complete(docx, result)

    print(f"report: demo {name} ({chars} characters), N = {args.n}, LibreOffice {lo_version()}")
    print(f"one-shot  soffice --convert-to, median:      {shot:6.2f} s  (baseline)")
    print(f"first     docx_to_pdf, starts the office:    {first:6.2f} s  ratio {first / shot:5.2f}")
    print(f"second    docx_to_pdf, resident office:      {second:6.2f} s  ratio {second / shot:5.2f}")
    print(
        f"warm      docx_to_pdf, median:               {warm:6.2f} s  ratio {warm / shot:5.2f}  (target <= 0.5)"
    )


def lo_version() -> str:
    found = subprocess.run([pdf.soffice_binary(), "--version"], capture_output=True, text=True)
    return " ".join(found.stdout.split()[1:2])


if __name__ == "__main__":
    main()
