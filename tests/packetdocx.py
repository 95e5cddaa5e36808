"""Reading a packet .docx back (tests/core/test_packet.py, tests/services/test_build_packet.py)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from lxml import etree

from reports.core.docx_render import load_layout, render_docx, report_paragraphs
from reports.core.packet import CHARS_PER_LINE, PacketOptions, packet_starts, render_packet
from reports.core.pages import pdf_page_count
from reports.core.pdf import docx_to_pdf

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def w(name: str) -> str:
    return f"{{{W}}}{name}"


def read(docx: bytes, part: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return etree.fromstring(package.read(part))


def toc_entries(docx: bytes) -> list[tuple[str, int]]:
    """(text, page) of each 目录 entry: the text before the PAGEREF field, the field's cached result."""
    entries = []
    for p in read(docx).iter(w("p")):
        instr = "".join(p.xpath(".//w:instrText/text()", namespaces=NS))
        if "PAGEREF" not in instr:
            continue
        runs = p.findall("w:r", NS)
        tab = next(i for i, r in enumerate(runs) if r.find("w:tab", NS) is not None)
        text = "".join(r.findtext("w:t", "", NS) for r in runs[:tab])
        page = "".join(r.findtext("w:t", "", NS) for r in runs[tab:])
        entries.append((text, int(page)))
    return entries


# --- the packet as the service builds it, and where its reports really start ---------------------

_PAGE_NUMBER = re.compile(r"^[ \t]*—\s*(\d+)\s*—[ \t]*$", re.M)


def build_packet(parts: Sequence[Mapping[str, Any]], options: PacketOptions) -> tuple[bytes, bytes]:
    """(docx, pdf) of a packet with the 目录's numbers from each report's own render and the front
    matter measured, as services.packets does (one LibreOffice render each)."""

    def count(docx: bytes) -> int:
        return pdf_page_count(docx_to_pdf(docx))

    pages = [count(render_docx(p, options.render)) for p in parts]
    docx = render_packet(parts, options, packet_starts(parts, pages, options, count))
    return docx, docx_to_pdf(docx)


def _first_line(snapshot: Mapping[str, Any]) -> str:
    paras = [p for p in report_paragraphs(snapshot) if re.sub(r"\s+", "", p.text)]
    return re.sub(r"\s+", "", paras[0].text) if paras else ""


def _page_openings(pdf: bytes) -> list[tuple[str, float]]:
    """(text, size of the first line's type) of every page of a PDF."""
    import pymupdf

    out = []
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        for page in doc:
            spans = [
                (span["origin"][1], span["size"])
                for block in page.get_text("dict")["blocks"]
                for line in block.get("lines", [])
                for span in line["spans"]
                if span["text"].strip()
            ]
            out.append((page.get_text(), min(spans)[1] if spans else 0.0))
    return out


def measure_starts(pdf: bytes, parts: Sequence[Mapping[str, Any]]) -> list[int]:
    """The printed page number ("— N —") of the page where each report starts in a PDF of the
    packet: for each report in turn, the first page after the previous start that opens with the
    report's first line (its title) set in the title's size. The size tells a report's first page
    from a 目录 page whose entry starts with the same words. Raises ValueError when a report's
    first page or its page number is not found."""
    title_size = load_layout()["roles"]["title"]["size"]
    pages = _page_openings(pdf)
    starts: list[int] = []
    after = 1  # the cover comes first
    for k, snapshot in enumerate(parts):
        head = _first_line(snapshot)[:CHARS_PER_LINE]
        found = next(
            (
                i
                for i in range(after, len(pages))
                if abs(pages[i][1] - title_size) < 0.5 and re.sub(r"\s+", "", pages[i][0]).startswith(head)
            ),
            None,
        )
        number = _PAGE_NUMBER.search(pages[found][0]) if found is not None else None
        if number is None:
            raise ValueError(f"report {k + 1} ({head!r}): first page or its page number not found in the PDF")
        starts.append(int(number.group(1)))
        after = found + 1
    return starts
