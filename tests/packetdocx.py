"""Reading a packet .docx back (tests/core/test_packet.py, tests/services/test_build_packet.py)."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

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
