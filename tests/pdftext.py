"""Text completeness of a PDF the product makes: the PDF's text equals the .docx's, character for character.

Both sides lose their whitespace (the PDF has line breaks where the .docx has none); the PDF loses
its page numbers ("— N —", one line per page, N the page's number). Nothing else is forgiven: a
punctuation mark LibreOffice does not draw (docs/layout.md R6) is a lost character.
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from xml.etree import ElementTree

import pymupdf

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WS = re.compile(r"\s+")


def docx_text(docx: bytes) -> str:
    """The text of the document body (word/document.xml: every w:t of every paragraph, in order),
    without whitespace. Footers, and so the page numbers, are other parts."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = ElementTree.fromstring(package.read("word/document.xml"))
    return _WS.sub("", "".join(t.text or "" for t in root.iter(f"{W}t")))


def pdf_text(pdf: bytes | pymupdf.Document) -> str:
    """The text of every page without its page-number line and without whitespace."""
    doc = pdf if isinstance(pdf, pymupdf.Document) else pymupdf.open(stream=pdf, filetype="pdf")
    pages = []
    for number, page in enumerate(doc, start=1):
        text, found = re.subn(rf"^[ \t]*—\s*{number}\s*—[ \t]*$", "", page.get_text(), count=1, flags=re.M)
        assert found, f"page {number} has no page number “— {number} —”"
        pages.append(text)
    return _WS.sub("", "".join(pages))


def text_differences(expected: str, actual: str) -> list[str]:
    """What `actual` lost or gained against `expected`, one line per difference with its context
    ([] when they are equal)."""
    if expected == actual:
        return []
    out = []
    matcher = difflib.SequenceMatcher(None, expected, actual, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        before = expected[max(a0 - 12, 0) : a0]
        lost, added = expected[a0:a1], actual[b0:b1]
        out.append(f"after …{before}: lost {lost!r}, added {added!r}")
    return out


def lost_characters(expected: str, actual: str) -> str:
    """The characters of `expected` missing from `actual`, in order."""
    matcher = difflib.SequenceMatcher(None, expected, actual, autojunk=False)
    return "".join(expected[a0:a1] for op, a0, a1, _, _ in matcher.get_opcodes() if op != "equal")


def assert_pdf_complete(docx: bytes, pdf: bytes | pymupdf.Document) -> None:
    """Fail with every lost or added character when the PDF's text is not the .docx's."""
    differences = text_differences(docx_text(docx), pdf_text(pdf))
    assert not differences, f"{len(differences)} differences between the PDF and the .docx:\n" + "\n".join(
        differences
    )
