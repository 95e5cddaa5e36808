"""The 花脸稿 (reports.core.tracked): suggestions as native revisions, comments as native comments,
accept-all / reject-all texts, masking, and a marked-up file read back onto the blocks."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from corpus import fixture_paths
from lxml import etree
from pdftext import pdf_text
from test_docx_layout import corpus_snapshot
from trackeddocx import (
    accept_all_xml,
    comment_on,
    document_xml,
    insert_paragraph_after,
    paragraph_texts,
    paragraph_with,
    part,
    q,
    reject_all_xml,
    revisions,
    track_delete,
    track_insert_after,
    with_comments,
)

from reports.core.docx_render import render_docx
from reports.core.importer import ImportRefused
from reports.core.leakscan import scan_docx
from reports.core.metrics import resolve_snapshot
from reports.core.pdf import docx_to_pdf
from reports.core.tracked import apply_suggestions, place_suggestions, read_tracked, render_tracked_docx
from reports.core.tree import walk

WANG, LI = "王建国", "李红"
D_WANG, D_LI = "2026-01-10T09:30:00", "2026-01-11T15:05:00+08:00"
W_DATES = {WANG: "2026-01-10T09:30:00Z", LI: "2026-01-11T07:05:00Z"}


def fixture_report() -> dict[str, Any]:
    """The long fixture report with ids on its blocks (as the app's snapshots have)."""
    snapshot = corpus_snapshot(fixture_paths())
    for n, visit in enumerate(walk(snapshot["blocks"]), start=1):
        visit.node["id"] = n
    return snapshot


def block_at(snapshot: dict[str, Any], *path: int) -> dict[str, Any]:
    return next(v.node for v in walk(snapshot["blocks"]) if v.path == path)


def suggest(block: dict[str, Any], author: str, *, title: str | None = None, text: str | None = None) -> None:
    date = D_WANG if author == WANG else D_LI
    block.setdefault("suggestions", []).append({"author": author, "date": date, "title": title, "text": text})


def marked_up_report() -> dict[str, Any]:
    """The fixture report with suggestions by two leaders on many kinds of block, and comments."""
    s = fixture_report()
    heading = block_at(s, 0)  # a level-1 heading: insertion in its title
    suggest(heading, WANG, title=heading["title"].replace("工作成效", "主要工作成效"))
    run_in = block_at(s, 0, 0)  # a run-in heading: title changed at its end, text replaced inside
    suggest(
        run_in,
        LI,
        title=run_in["title"] + "作用",
        text=run_in["text"].replace("政治建设", "政治建设和思想建设", 1),
    )
    point = block_at(s, 0, 5, 0)  # a point's lead sentence replaced, an insertion at the start of its text
    suggest(point, WANG, title="全面深化零基预算改革", text="着力" + point["text"])
    point["comments"] = [
        {
            "author": WANG,
            "date": D_WANG,
            "text": "零基预算的成效请补充具体数据。",
            "replies": [{"author": "张三", "date": "2026-01-12T08:00:00", "text": "已补充。"}],
        }
    ]
    two = block_at(s, 0, 5, 1)  # two leaders, apart in one field: a deletion and a change at the end
    assert two["text"].endswith("。")
    suggest(two, LI, text=two["text"].replace("全面摸清资产家底；", "", 1))
    suggest(two, WANG, text=two["text"][:-1] + "，确保国有资产安全完整。")
    clash = block_at(s, 0, 5, 2)  # two leaders on the same words: the later one is skipped
    suggest(clash, WANG, text=clash["text"].replace("系统性风险", "区域性风险", 1))
    suggest(clash, LI, text=clash["text"].replace("系统性风险", "重大风险", 1))
    inline = block_at(s, 0, 2, 1)  # an inline point: lead changed, text deleted whole (its "。" goes too)
    suggest(inline, LI, title=inline["lead"] + "力度", text="")
    inline["comments"] = [{"author": LI, "date": D_LI, "text": "此条可删去正文。", "replies": []}]
    para = block_at(s, 4, 0)  # a paragraph split in two, with a replacement
    first, rest = para["text"].split("。", 1)
    suggest(para, WANG, text=first + "。\n" + rest.replace("第一时间", "第一时刻", 1))
    opening = block_at(s, 3)  # placeholder-free text: the first characters deleted
    suggest(opening, LI, text=opening["text"][5:])
    return s


@pytest.fixture(scope="module")
def tracked():
    snapshot = marked_up_report()
    return snapshot, render_tracked_docx(snapshot)


def plain_paragraphs(snapshot: dict[str, Any]) -> list[str]:
    return paragraph_texts(document_xml(render_docx(snapshot)))


def test_it_renders_plain_bytes_when_nothing_is_suggested():
    snapshot = fixture_report()
    assert render_tracked_docx(snapshot).docx == render_docx(snapshot)


def test_it_gives_the_suggested_text_on_accept_all(tracked):
    snapshot, result = tracked
    accepted = paragraph_texts(accept_all_xml(document_xml(result.docx)))
    expected = plain_paragraphs(apply_suggestions(snapshot))
    assert accepted == expected
    assert accepted != plain_paragraphs(snapshot)


def test_it_gives_the_submitted_text_on_reject_all(tracked):
    snapshot, result = tracked
    rejected = paragraph_texts(reject_all_xml(document_xml(result.docx)))
    assert rejected == plain_paragraphs(snapshot)


def test_it_writes_every_change_with_its_author_date_and_a_unique_id(tracked):
    _, result = tracked
    changes = revisions(document_xml(result.docx))
    assert len(changes) >= 12
    ids = [el.get(q("id")) for el in changes]
    assert len(set(ids)) == len(ids)
    for el in changes:
        author = el.get(q("author"))
        assert author in (WANG, LI)
        assert el.get(q("date")) == W_DATES[author]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", el.get(q("date")))
    deleted = [el for el in changes if etree.QName(el).localname == "del" and len(el)]
    assert all(el.find(f"{q('r')}/{q('delText')}") is not None for el in deleted)
    assert not [el for el in deleted if el.find(f".//{q('t')}") is not None]
    assert {etree.QName(el).localname for el in changes} == {"ins", "del"}
    assert result.revisions == len(changes)


def test_it_renders_changes_at_character_level(tracked):
    _, result = tracked
    texts = [
        "".join(t.text for t in el.iter(q("t"), q("delText")))
        for el in revisions(document_xml(result.docx))
        if len(el)
    ]
    assert "主要" in texts  # inserted in a heading's title, not the title replaced whole
    assert "作用" in texts and "和思想建设" in texts
    assert "着力" in texts
    assert "全面摸清资产家底；" in texts  # 李红's deletion, apart from 王建国's change at the end
    assert "区域" in texts or "区域性" in texts
    assert "重大" not in "".join(texts)  # 李红's overlapping suggestion is skipped


def test_it_lists_an_overlapping_later_suggestion_as_skipped(tracked):
    snapshot, result = tracked
    clash = block_at(snapshot, 0, 5, 2)
    assert result.skipped == [
        {
            "block_id": clash["id"],
            "index": 1,
            "author": LI,
            "date": D_LI,
            "reason": "与王建国的修改建议位置重叠，未写入花脸稿",
        }
    ]
    assert "区域性风险" in apply_suggestions(snapshot)["blocks"][0]["children"][5]["children"][2]["text"]


def test_it_keeps_the_run_formatting_of_the_surrounding_text(tracked):
    """An insertion in a run-in heading's title is written in the heading's character style."""
    _, result = tracked
    root = etree.fromstring(document_xml(result.docx))
    ins = next(el for el in root.iter(q("ins")) if "".join(t.text for t in el.iter(q("t"))) == "作用")
    style = ins.find(f"{q('r')}/{q('rPr')}/{q('rStyle')}")
    before = ins.getprevious()
    assert style is not None
    assert before.find(f"{q('rPr')}/{q('rStyle')}").get(q("val")) == style.get(q("val"))


def test_it_marks_a_split_paragraph_with_an_inserted_paragraph_mark(tracked):
    _, result = tracked
    root = etree.fromstring(document_xml(result.docx))
    marks = root.findall(f".//{q('pPr')}/{q('rPr')}/{q('ins')}")
    assert [m.get(q("author")) for m in marks] == [WANG]


def test_it_anchors_every_comment_and_reply_on_its_block(tracked):
    snapshot, result = tracked
    assert result.comments == 3
    comments = etree.fromstring(part(result.docx, "word/comments.xml"))
    items = comments.findall(q("comment"))
    assert [(c.get(q("author")), "".join(t.text for t in c.iter(q("t")))) for c in items] == [
        (LI, "此条可删去正文。"),
        (WANG, "零基预算的成效请补充具体数据。"),
        ("张三", "已补充。"),
    ]
    assert items[1].get(q("date")) == W_DATES[WANG]
    assert b"word/comments.xml" in part(result.docx, "[Content_Types].xml")
    assert b'Target="comments.xml"' in part(result.docx, "word/_rels/document.xml.rels")
    root = etree.fromstring(document_xml(result.docx))
    for item in items:
        cid = item.get(q("id"))
        (start,) = root.xpath(f"//w:commentRangeStart[@w:id='{cid}']", namespaces={"w": q("")[1:-1]})
        (end,) = root.xpath(f"//w:commentRangeEnd[@w:id='{cid}']", namespaces={"w": q("")[1:-1]})
        (ref,) = root.xpath(f"//w:commentReference[@w:id='{cid}']", namespaces={"w": q("")[1:-1]})
        assert start.getparent() is end.getparent() is ref.getparent().getparent()
    point = block_at(snapshot, 0, 5, 0)
    anchored = items[1].get(q("id"))
    paragraph = root.xpath(f"//w:commentRangeStart[@w:id='{anchored}']/..", namespaces={"w": q("")[1:-1]})[0]
    assert "".join(t.text for t in paragraph.iter(q("delText"))) == "推进"
    assert "全面深化零基预算改革" in "".join(t.text for t in paragraph.iter(q("t")))
    assert point["text"][:10] in "".join(t.text for t in paragraph.iter(q("t")))


def test_it_does_not_change_the_snapshot_it_renders():
    snapshot = marked_up_report()
    before = copy.deepcopy(snapshot)
    render_tracked_docx(snapshot)
    apply_suggestions(snapshot)
    assert snapshot == before


# --- masking --------------------------------------------------------------------------------------


def test_it_masks_suggestions_and_comments_in_a_masked_tracked_copy():
    snapshot = marked_up_report()
    point = block_at(snapshot, 0, 5, 0)
    point["suggestions"][0]["text"] = "全年节约资金3871万元。" + point["text"]
    point["comments"][0]["replies"][0]["text"] = "已与城投公司核对4529万元。"
    options = {"keep_years": (2022, 2023), "sensitive_terms": ["城投公司"]}
    masked, check = resolve_snapshot(snapshot, {}, masked=True, **options)
    assert {"3871", "4529", "城投公司"} <= check.secrets
    assert scan_docx(render_tracked_docx(masked).docx, check.secrets) == []
    # The same copy unmasked leaks in the tracked text and in word/comments.xml: the scan reads both.
    exact, check = resolve_snapshot(snapshot, {}, **options)
    leaks = {(leak.part, leak.secret) for leak in scan_docx(render_tracked_docx(exact).docx, check.secrets)}
    assert {
        ("word/document.xml", "3871"),
        ("word/comments.xml", "4529"),
        ("word/comments.xml", "城投公司"),
    } <= leaks


def test_the_leak_scan_finds_a_secret_planted_only_in_a_comment():
    snapshot = fixture_report()
    block_at(snapshot, 1)["comments"] = [{"author": WANG, "date": D_WANG, "text": "预留7777", "replies": []}]
    leaks = scan_docx(render_tracked_docx(snapshot).docx, ["7777"])
    assert [(leak.part, leak.secret) for leak in leaks] == [("word/comments.xml", "7777")]


# --- reading a marked-up file back ---------------------------------------------------------------

LI_SI, D_LI_SI = "李四", "2026-02-01T10:00:00Z"


def test_it_places_a_word_markup_on_the_blocks_it_changes():
    snapshot = fixture_report()
    docx = render_docx(snapshot)
    root = etree.fromstring(document_xml(docx))
    point, other, heading = block_at(snapshot, 0, 5, 0), block_at(snapshot, 0, 5, 1), block_at(snapshot, 1)
    p = paragraph_with(root, point["lead"])
    gone = track_delete(p, "推进", LI_SI, D_LI_SI, 101)
    track_insert_after(gone, "深化", LI_SI, D_LI_SI, 102)
    insert_paragraph_after(p, "新增一段文字。", LI_SI, D_LI_SI, 103)
    track_delete(paragraph_with(root, "全面摸清资产家底；"), "全面摸清资产家底；", LI_SI, D_LI_SI, 105)
    track_delete(paragraph_with(root, snapshot["title"][:6]), "某某市", LI_SI, D_LI_SI, 106)
    comment_on(paragraph_with(root, heading["title"]), 0)
    marked = with_comments(docx, etree.tostring(root), [(0, LI_SI, D_LI_SI, "这一部分请压缩。")])

    read = read_tracked(marked)
    changes = [c for p in read.paragraphs for c in p.changes]
    assert {(c.author, c.date) for c in changes} == {(LI_SI, D_LI_SI)}
    placement = place_suggestions(read, snapshot)

    assert placement.suggestions == [
        {
            "block_id": point["id"],
            "field": "title",
            "author": LI_SI,
            "date": D_LI_SI,
            "text": "全面深化零基预算改革",
        },
        {
            "block_id": other["id"],
            "field": "text",
            "author": LI_SI,
            "date": D_LI_SI,
            "text": other["text"].replace("全面摸清资产家底；", ""),
        },
    ]
    assert placement.comments == [
        {"block_id": heading["id"], "author": LI_SI, "date": D_LI_SI, "text": "这一部分请压缩。"}
    ]
    title, added = placement.unplaced
    assert (title["author"], added["author"]) == (LI_SI, LI_SI)
    assert title["text"].startswith("财政局") and "标题" in title["reason"]
    assert added["text"] == "新增一段文字。" and "新增" in added["reason"]
    assert all(u["reason"] and re.search("[\u4e00-\u9fff]", u["reason"]) for u in placement.unplaced)


def test_it_reads_its_own_tracked_copy_back_into_the_same_suggestions():
    snapshot = marked_up_report()
    placement = place_suggestions(read_tracked(render_tracked_docx(snapshot).docx), snapshot)
    placed = {(s["block_id"], s["field"], s["author"]): s["text"] for s in placement.suggestions}
    heading, point, inline = block_at(snapshot, 0), block_at(snapshot, 0, 5, 0), block_at(snapshot, 0, 2, 1)
    assert placed[(heading["id"], "title", WANG)] == heading["suggestions"][0]["title"]
    assert placed[(point["id"], "title", WANG)] == "全面深化零基预算改革"
    assert placed[(point["id"], "text", WANG)] == point["suggestions"][0]["text"]
    assert placed[(inline["id"], "title", LI)] == inline["lead"] + "力度"
    assert placed[(inline["id"], "text", LI)] == ""
    two = block_at(snapshot, 0, 5, 1)
    assert placed[(two["id"], "text", LI)] == two["suggestions"][0]["text"]
    assert placed[(two["id"], "text", WANG)] == two["suggestions"][1]["text"]
    assert {(c["block_id"], c["author"]) for c in placement.comments} == {
        (inline["id"], LI),
        (point["id"], WANG),
        (point["id"], "张三"),
    }
    # The split paragraph (an inserted paragraph mark) and its second half are listed, not lost.
    split = block_at(snapshot, 4, 0)["suggestions"][0]["text"].split("\n")
    assert [(u["author"], u["text"]) for u in placement.unplaced] == [(WANG, split[0]), (WANG, split[1])]


def test_a_file_without_tracked_changes_places_nothing():
    snapshot = fixture_report()
    placement = place_suggestions(read_tracked(render_docx(snapshot)), snapshot)
    assert (placement.suggestions, placement.comments, placement.unplaced) == ([], [], [])


def test_it_refuses_a_file_that_is_not_a_docx_in_chinese():
    with pytest.raises(ImportRefused, match="Word"):
        read_tracked(b"PK\x03\x04 not really a zip")


# --- LibreOffice --------------------------------------------------------------------------------


@pytest.mark.layout
def test_libreoffice_shows_both_the_deleted_and_the_inserted_text(tracked):
    """LibreOffice prints tracked changes as shown: each deleted text, then its replacement."""
    _, result = tracked
    text = pdf_text(docx_to_pdf(result.docx))
    for shown in (
        "全面推进深化零基预算改革",
        "着力打破",
        "系统区域性风险",
        "全面摸清资产家底；",
        "主要工作成效",
    ):
        assert shown in text
