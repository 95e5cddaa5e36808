"""Word's "全部接受" and "全部拒绝" done on WordprocessingML with lxml, for the 花脸稿 tests.

accept_all_xml: every w:del (and w:moveFrom) removed, every w:ins (and w:moveTo) unwrapped, a
paragraph whose mark is deleted merged with the next. reject_all_xml: the reverse, w:delText
turned back into w:t. paragraph_texts then reads what a reader sees, one string per paragraph.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def document_xml(docx: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return package.read("word/document.xml")


def part(docx: bytes, name: str) -> bytes | None:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return package.read(name) if name in package.namelist() else None


def _unwrap(el: etree._Element) -> None:
    parent = el.getparent()
    index = parent.index(el)
    for offset, child in enumerate(list(el)):
        parent.insert(index + offset, child)
    parent.remove(el)


def _resolve(xml: bytes, drop: tuple[str, ...], keep: tuple[str, ...], merge_mark: str) -> bytes:
    root = etree.fromstring(xml)
    # Paragraph marks first (they sit in w:pPr/w:rPr, not around runs).
    for p in list(root.iter(q("p"))):
        rpr = p.find(f"{q('pPr')}/{q('rPr')}")
        if rpr is None:
            continue
        marks = {
            etree.QName(child).localname: child
            for child in rpr
            if etree.QName(child).localname in ("ins", "del")
        }
        for child in marks.values():
            rpr.remove(child)
        if merge_mark in marks:
            following = p.getnext()
            if following is not None and following.tag == q("p"):
                for child in list(following):
                    if child.tag != q("pPr"):
                        p.append(child)
                following.getparent().remove(following)
    for tag in drop:
        for el in list(root.iter(q(tag))):
            el.getparent().remove(el)
    for tag in keep:
        for el in list(root.iter(q(tag))):
            _unwrap(el)
    for el in root.iter(q("delText")):
        el.tag = q("t")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def accept_all_xml(xml: bytes) -> bytes:
    """word/document.xml after Word's 全部接受."""
    return _resolve(xml, ("del", "moveFrom"), ("ins", "moveTo"), "del")


def reject_all_xml(xml: bytes) -> bytes:
    """word/document.xml after Word's 全部拒绝."""
    return _resolve(xml, ("ins", "moveTo"), ("del", "moveFrom"), "ins")


def paragraph_texts(xml: bytes) -> list[str]:
    """The text of every non-empty body paragraph (w:t only: deleted text is not read)."""
    root = etree.fromstring(xml)
    body = root.find(q("body"))
    texts = ["".join(t.text or "" for t in p.iter(q("t"))) for p in body.iter(q("p"))]
    return [text for text in texts if text]


def revisions(xml: bytes) -> list[etree._Element]:
    """Every w:ins / w:del of the document, paragraph marks included, in document order."""
    root = etree.fromstring(xml)
    return list(root.iter(q("ins"), q("del")))
