"""PDF pages as PNG images for the browser preview, with poppler's pdfinfo and pdftoppm.

Both run as subprocesses in a temporary directory with a time limit (poppler-utils is a system
package; no PDF library is loaded into this process). Pure: no Django, no Celery.

- `pdf_page_count(pdf)` asks pdfinfo for the number of pages.
- `pdf_page_images(pdf, first=, last=)` renders pages first..last (1-based, inclusive) at `dpi` and
  returns one `PageImage` per page, in order; a caller renders a long PDF in runs of pages to report
  progress between them.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# 120 dpi: an A4 page is 992 × 1403 px, sharp on a phone at full width (3 device pixels per CSS
# pixel at 375 px) and legible on a desktop; about 330 kB of PNG and 0.35 s per page of text (demo
# reports, 2 cores). The page loads its images lazily.
PREVIEW_DPI = 120
TIMEOUT = 120  # seconds for one pdfinfo or pdftoppm run
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PageRenderError(RuntimeError):
    """poppler-utils is missing, failed, timed out, or the PDF could not be read."""


@dataclass(frozen=True)
class PageImage:
    number: int  # 1-based
    png: bytes
    width: int
    height: int


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk."""
    if not png.startswith(PNG_SIGNATURE) or png[12:16] != b"IHDR":
        raise PageRenderError("pdftoppm wrote no PNG")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    if not shutil.which(args[0]):
        raise PageRenderError(f"{args[0]} (poppler-utils) is not installed")
    try:
        result = subprocess.run(args, cwd=cwd, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise PageRenderError(f"{args[0]} did not finish within {TIMEOUT} s") from None
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip()[-1000:]
        raise PageRenderError(f"{args[0]} failed (exit {result.returncode}): {detail}")
    return result


def pdf_page_count(pdf: bytes) -> int:
    """The number of pages of `pdf`. Raises PageRenderError."""
    with tempfile.TemporaryDirectory(prefix="pages-") as tmp:
        source = Path(tmp) / "document.pdf"
        source.write_bytes(pdf)
        out = _run(["pdfinfo", str(source)], Path(tmp)).stdout.decode("utf-8", "replace")
    found = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
    if not found:
        raise PageRenderError("pdfinfo found no page count")
    return int(found.group(1))


def pdf_page_images(pdf: bytes, *, first: int, last: int, dpi: int = PREVIEW_DPI) -> list[PageImage]:
    """Pages first..last of `pdf` as PNG images at `dpi`. Raises PageRenderError."""
    with tempfile.TemporaryDirectory(prefix="pages-") as tmp:
        source = Path(tmp) / "document.pdf"
        source.write_bytes(pdf)
        args = ["pdftoppm", "-png", "-r", str(dpi), "-f", str(first), "-l", str(last)]
        _run([*args, str(source), str(Path(tmp) / "page")], Path(tmp))
        # pdftoppm pads the page number to the width of the last page's: page-1.png or page-01.png
        files = sorted(Path(tmp).glob("page-*.png"), key=lambda f: int(f.stem.rsplit("-", 1)[1]))
        if len(files) != last - first + 1:
            raise PageRenderError(f"pdftoppm wrote {len(files)} pages, expected {last - first + 1}")
        pages = []
        for number, file in enumerate(files, start=first):
            png = file.read_bytes()
            pages.append(PageImage(number, png, *png_size(png)))
    return pages
