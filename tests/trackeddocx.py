"""Word's "全部接受" and "全部拒绝" done on WordprocessingML with lxml, for the 花脸稿 tests.

accept_all_xml: every w:del (and w:moveFrom) removed, every w:ins (and w:moveTo) unwrapped, a
paragraph whose mark is deleted merged with the next. reject_all_xml: the reverse, w:delText
turned back into w:t. paragraph_texts then reads what a reader sees, one string per paragraph.
"""

from __future__ import annotations

import copy
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


# --- marking up a file as Word would ---------------------------------------------------------------

COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"


def paragraph_with(root: etree._Element, text: str) -> etree._Element:
    """The first body paragraph whose w:t text contains `text`."""
    return next(p for p in root.iter(q("p")) if text in "".join(t.text or "" for t in p.iter(q("t"))))


def _split_run(p: etree._Element, text: str) -> tuple[etree._Element, etree._Element]:
    """Split the run holding `text` so that `text` is a run of its own; returns (that run, its w:t)."""
    for r in p.iter(q("r")):
        t = r.find(q("t"))
        if t is None or text not in (t.text or ""):
            continue
        before, _, after = t.text.partition(text)
        for piece, where in ((before, "before"), (after, "after")):
            if piece:
                twin = copy.deepcopy(r)
                twin.find(q("t")).text = piece
                (r.addprevious if where == "before" else r.addnext)(twin)
        t.text = text
        return r, t
    raise AssertionError(f"no run holds {text!r}")


def _change(tag: str, author: str, date: str, rid: int) -> etree._Element:
    el = etree.Element(q(tag))
    el.set(q("id"), str(rid))
    el.set(q("author"), author)
    el.set(q("date"), date)
    return el


def track_delete(p: etree._Element, text: str, author: str, date: str, rid: int) -> etree._Element:
    r, t = _split_run(p, text)
    t.tag = q("delText")
    wrapper = _change("del", author, date, rid)
    r.addprevious(wrapper)
    wrapper.append(r)
    return wrapper


def track_insert_after(anchor: etree._Element, text: str, author: str, date: str, rid: int) -> None:
    """A w:ins run with `text` right after `anchor` (a run or a w:del), in the anchor's formatting."""
    run = anchor if anchor.tag == q("r") else anchor.find(q("r"))
    twin = copy.deepcopy(run)
    for old in twin.findall(q("delText")):
        old.tag = q("t")
    twin.find(q("t")).text = text
    wrapper = _change("ins", author, date, rid)
    wrapper.append(twin)
    anchor.addnext(wrapper)


def insert_paragraph_after(p: etree._Element, text: str, author: str, date: str, rid: int) -> None:
    """A whole new paragraph, its mark and text tracked as inserted."""
    new = copy.deepcopy(p)
    for child in list(new):
        if child.tag != q("pPr"):
            new.remove(child)
    ppr = new.find(q("pPr"))
    rpr = etree.SubElement(ppr, q("rPr"))
    rpr.append(_change("ins", author, date, rid))
    run = etree.SubElement(new, q("r"))
    etree.SubElement(run, q("t")).text = text
    wrapper = _change("ins", author, date, rid + 1)
    run.addprevious(wrapper)
    wrapper.append(run)
    p.addnext(new)


def comment_on(p: etree._Element, cid: int) -> None:
    first = next(child for child in p if child.tag != q("pPr"))
    start = etree.Element(q("commentRangeStart"))
    start.set(q("id"), str(cid))
    first.addprevious(start)
    end = etree.SubElement(p, q("commentRangeEnd"))
    end.set(q("id"), str(cid))
    ref = etree.SubElement(etree.SubElement(p, q("r")), q("commentReference"))
    ref.set(q("id"), str(cid))


def replace_parts(docx: bytes, changes: dict[str, bytes]) -> bytes:
    """The package with some parts replaced or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, changes.pop(info.filename, None) or src.read(info))
        for name, data in changes.items():
            dst.writestr(name, data)
    return out.getvalue()


def with_comments(docx: bytes, document: bytes, comments: list[tuple[int, str, str, str]]) -> bytes:
    """The package with a new document.xml and a comments part (id, author, date, text)."""
    items = "".join(
        f'<w:comment w:id="{cid}" w:author="{author}" w:date="{date}"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:comment>'
        for cid, author, date, text in comments
    )
    types = part(docx, "[Content_Types].xml").replace(
        b"</Types>",
        f'<Override PartName="/word/comments.xml" ContentType="{COMMENTS_TYPE}"/></Types>'.encode(),
    )
    rels = part(docx, "word/_rels/document.xml.rels").replace(
        b"</Relationships>",
        f'<Relationship Id="rId99" Type="{COMMENTS_REL}" Target="comments.xml"/></Relationships>'.encode(),
    )
    return replace_parts(
        docx,
        {
            "word/document.xml": document,
            "word/comments.xml": f'<w:comments xmlns:w="{W}">{items}</w:comments>'.encode(),
            "[Content_Types].xml": types,
            "word/_rels/document.xml.rels": rels,
        },
    )
