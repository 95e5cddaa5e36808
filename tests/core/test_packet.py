"""The meeting packet (reports.core.packet): read back as WordprocessingML, and rendered with
LibreOffice (tests marked `layout`, measured with the helpers of test_docx_layout.py)."""

from __future__ import annotations

import dataclasses
import re
from functools import cache

import pymupdf
import pytest
import test_docx_layout as layout
from lxml import etree
from packetdocx import NS, build_packet, measure_starts, read, toc_entries, w
from pdftext import docx_text, text_differences

from reports.core.docx_render import render_docx
from reports.core.leakscan import scan_docx
from reports.core.masking import kept_years
from reports.core.metrics import resolve_snapshot
from reports.core.packet import (
    DRAFT_MARK,
    PacketOptions,
    packet_secrets,
    render_packet,
    toc_text,
)

MEETING = PacketOptions(meeting="2025年度述职述廉会议", bureau="示范市财政局", date="2026年1月15日")


@cache
def demo_parts(masked: bool = False) -> tuple[dict, ...]:
    return tuple(layout.demo_snapshots(masked=masked).values())


def sections(body: etree._Element) -> list[tuple[list[etree._Element], etree._Element]]:
    """(paragraphs, sectPr) of each section, in order."""
    out, paras = [], []
    for el in body:
        if el.tag == w("p"):
            paras.append(el)
            sect = el.find("w:pPr/w:sectPr", NS)
            if sect is not None:
                out.append((paras, sect))
                paras = []
        elif el.tag == w("sectPr"):
            out.append((paras, el))
    return out


def text_of(paragraph: etree._Element) -> str:
    return "".join(paragraph.xpath(".//w:t/text()", namespaces=NS))


# --- read back ------------------------------------------------------------------------------------


def test_it_puts_a_cover_without_page_number_first():
    docx = render_packet(demo_parts(), MEETING, [3, 15, 24, 30])
    cover, sect = sections(read(docx).find("w:body", NS))[0]
    assert [text_of(p) for p in cover if text_of(p)] == [
        "2025年度述职述廉会议",
        "材料汇编",
        "示范市财政局",
        "2026年1月15日",
    ]
    assert sect.find("w:footerReference", NS) is None and sect.find("w:titlePg", NS) is None
    draft = render_packet(demo_parts(), PacketOptions(meeting="会议", draft=True), [3, 15, 24, 30])
    cover, _ = sections(read(draft).find("w:body", NS))[0]
    assert [text_of(p) for p in cover if text_of(p)][:3] == ["会议", "材料汇编", DRAFT_MARK]


def test_it_writes_a_word_toc_field_with_one_entry_per_report_and_its_page():
    starts = [3, 15, 24, 30]
    docx = render_packet(demo_parts(), MEETING, starts)
    body = read(docx).find("w:body", NS)
    toc = sections(body)[1][0]
    kinds = [el.get(w("fldCharType")) for p in toc for el in p.iter(w("fldChar"))]
    instructions = [t.text.strip() for p in toc for t in p.iter(w("instrText"))]
    assert instructions[0].startswith("TOC ") and kinds[0] == "begin" and kinds[-1] == "end"
    assert kinds.count("begin") == kinds.count("end") == 1 + len(starts)  # TOC + a PAGEREF per entry
    assert [i.split()[0] for i in instructions[1:]] == ["PAGEREF"] * len(starts)
    expected = [toc_text(s) for s in demo_parts()]
    assert toc_entries(docx) == list(zip(expected, starts, strict=True))
    assert "2025年度述职报告（王建国）" in expected  # the subject, bracketed
    # Every PAGEREF points at a bookmark at the start of its report, next to the TC field Word
    # rebuilds the entry from; Word updates the field when the file is opened.
    marks = body.xpath("//w:bookmarkStart/@w:name", namespaces=NS)
    assert [i.split()[1] for i in instructions[1:]] == marks
    assert read(docx, "word/settings.xml").find("w:updateFields", NS).get(w("val")) == "true"


def test_a_toc_entry_is_the_title_and_the_subject_in_brackets():
    assert (
        toc_text({"title": "2025年度\n述职报告", "subtitle": "局长  王建国"})
        == "2025年度述职报告（局长 王建国）"
    )
    assert toc_text({"title": "报告", "subtitle": "——在全市财政工作会议上"}) == "报告——在全市财政工作会议上"
    assert toc_text({"title": "", "subtitle": ""}) == "（无标题）"


@pytest.mark.parametrize("double_sided", [False, True])
def test_it_starts_each_report_in_a_new_section_numbered_on_from_the_cover(double_sided):
    parts = demo_parts()
    docx = render_packet(parts, PacketOptions(meeting="会议", double_sided=double_sided))
    found = sections(read(docx).find("w:body", NS))
    assert len(found) == 2 + len(parts)  # cover, 目录, one per report
    for k, (paras, _sect) in enumerate(found[2:]):
        titles = [text_of(p) for p in paras if p.find("w:pPr/w:pStyle", NS).get(w("val")) == "GWTitle"]
        assert "".join(titles) == re.sub(r"\s+", "", parts[k]["title"])
        assert text_of(paras[0]) == titles[0]  # the section starts with the report
    for number, (_, sect) in enumerate(found):
        kind = sect.find("w:type", NS)
        if number == 0:
            assert kind is None
        else:
            assert (kind.get(w("val")) if kind is not None else "nextPage") == (
                "oddPage" if double_sided else "nextPage"
            )
            assert len(sect.findall("w:footerReference", NS)) == 2
        # Page numbers start at 1 once, on the cover (page 1, unnumbered), and run on from there.
        assert (sect.find("w:pgNumType", NS) is not None) == (number == 0)


def test_it_renders_each_report_body_as_a_single_report_does():
    docx = render_packet(demo_parts(), MEETING)
    text = docx_text(docx)
    for snapshot in demo_parts():
        assert docx_text(render_docx(snapshot)) in text


def test_it_is_deterministic_and_refuses_an_empty_packet():
    assert render_packet(demo_parts(), MEETING) == render_packet(demo_parts(), MEETING)
    with pytest.raises(ValueError):
        render_packet([], MEETING)
    with pytest.raises(ValueError):
        render_packet(demo_parts(), MEETING, [3])


def masked_parts() -> tuple[list[dict], set[str]]:
    """The demo reports masked as single masked copies (each keeps its own year and the next), and
    the packet's secrets."""
    parts, secrets, kept = [], [], []
    for snapshot in layout.demo_snapshots().values():
        keep = kept_years(snapshot["year"])
        resolved, check = resolve_snapshot(snapshot, {}, masked=True, keep_years=keep)
        parts.append(resolved)
        secrets.append(check.secrets)
        kept.append(keep)
    return parts, packet_secrets(secrets, kept)


MASKED_COVER = PacketOptions(
    meeting="述职述廉会议", bureau="示范市财政局"
)  # the service masks a cover's digits


def test_a_masked_packet_passes_the_leak_scan_of_every_parts_secrets():
    parts, secrets = masked_parts()
    assert len(secrets) > 20 and "2025" not in secrets  # a kept year of the 2025 reports
    # Page numbers in the 目录 that equal a secret are page numbers, like the footers' (PAGEREF).
    small = sorted(int(s) for s in secrets if s.isdigit() and int(s) < 100)
    assert small
    starts = [small[0] + k for k in range(len(parts))]
    packet = render_packet(parts, MASKED_COVER, starts)
    assert scan_docx(packet, secrets, "述职述廉会议材料汇编（脱敏稿）.docx") == []


def test_the_packet_leak_scan_finds_a_secret_of_any_part():
    parts, secrets = masked_parts()
    exact = list(demo_parts())
    for k in range(len(parts)):
        leaking = [*parts[:k], exact[k], *parts[k + 1 :]]  # one part left unmasked
        assert scan_docx(render_packet(leaking, MASKED_COVER), secrets), k


# --- rendered with LibreOffice ---------------------------------------------------------------------

PACKETS = {
    "single-sided": (
        False,
        PacketOptions(meeting="2025年度述职述廉会议", bureau="示范市财政局", date="2026年1月15日"),
    ),
    "double-sided-masked-draft": (
        True,
        PacketOptions(
            meeting="会议", bureau="示范市财政局", date="2026年1月15日", double_sided=True, draft=True
        ),
    ),
}


class Packet:
    def __init__(self, name: str) -> None:
        masked, self.options = PACKETS[name]
        self.parts = list(demo_parts(masked))
        self.docx, pdf = build_packet(self.parts, self.options)
        self.pdf = pymupdf.open(stream=pdf, filetype="pdf")
        self.pdf_bytes = pdf
        self.rows: dict[int, list[layout.Row]] = {}
        self.footers: dict[int, layout.Row] = {}
        for number, page in enumerate(self.pdf, start=1):
            for row in layout._rows_of(page, number):
                if row.y > layout.TYPE_BOTTOM + 0.5:
                    self.footers[number] = row
                else:
                    self.rows.setdefault(number, []).append(row)
        self.starts = [page for _, page in toc_entries(self.docx)]

    def report(self, k: int) -> layout.Rendered:
        """Report k's pages as a document of their own, measured as a single report is."""
        first = self.starts[k] - 1
        last = (self.starts[k + 1] - 2) if k + 1 < len(self.starts) else self.pdf.page_count - 1
        while not self.rows.get(last + 1):  # a blank page inserted before the next report
            last -= 1
        sub = pymupdf.open()
        sub.insert_pdf(self.pdf, from_page=first, to_page=last)
        paras = layout.layout_paragraphs(self.parts[k])
        out = layout.Rendered(f"report {k}", paras, render_docx(self.parts[k]), sub)
        for number in range(1, sub.page_count + 1):
            out.rows += [dataclasses.replace(row, page=number) for row in self.rows.get(first + number, [])]
        layout._align(out)  # every character of the report, in order, on its own pages
        return out


@pytest.fixture(scope="module", params=sorted(PACKETS))
def packet(request) -> Packet:
    return Packet(request.param)


@pytest.mark.layout
def test_the_toc_page_numbers_are_the_pages_where_the_reports_start(packet):
    assert packet.starts == measure_starts(packet.pdf_bytes, packet.parts)
    for k, start in enumerate(packet.starts):
        rows = packet.rows[start]
        title = re.sub(r"\s+", "", layout.layout_paragraphs(packet.parts[k])[0].text)
        assert packet.footers[start].text == f"—{start}—"
        assert rows[0].text == title  # the report's title is the first text of its page
        if packet.options.double_sided:
            assert start % 2 == 1, (k, start)


@pytest.mark.layout
def test_every_report_starts_on_a_new_page_on_an_odd_one_when_double_sided(packet):
    for k in range(len(packet.parts)):
        report = packet.report(k)
        assert report.rows[0].page == 1 and report.rows[0].role == "title" and report.rows[0].first
    toc_page = 3 if packet.options.double_sided else 2
    assert packet.rows[toc_page][0].text == "目录"


@pytest.mark.layout
def test_pages_are_numbered_continuously_on_alternating_sides(packet):
    blank = [n for n in range(1, packet.pdf.page_count + 1) if n not in packet.rows]
    assert 1 not in packet.footers  # the cover counts as page 1 and shows no number
    assert all(n not in packet.footers for n in blank)  # inserted blank pages are blank
    assert bool(blank) == packet.options.double_sided
    assert sorted(packet.footers) == [n for n in range(2, packet.pdf.page_count + 1) if n not in blank]
    for number, row in packet.footers.items():
        assert row.text == f"—{number}—"
        if number % 2:
            assert abs(layout.TYPE_RIGHT - row.x1 - 4.94) <= 1, (number, row.x1)
        else:
            assert abs(row.x0 - layout.TYPE_LEFT - 4.94) <= 1, (number, row.x0)


@pytest.mark.layout
def test_every_report_page_conforms_like_a_single_report(packet):
    for k in range(len(packet.parts)):
        report = packet.report(k)
        layout.test_it_prints_on_a4_pages(report)
        layout.test_it_keeps_every_row_on_the_28_95_pt_grid(report)
        layout.test_it_fills_every_full_page_with_22_lines(report)
        layout.test_it_sets_28_chars_on_every_full_pure_han_line(report)
        layout.test_it_keeps_glyphs_inside_the_type_area(report)
        layout.test_it_indents_first_lines_two_chars_and_sets_later_lines_flush(report)
        layout.test_it_never_leaves_the_date_alone_on_a_page(report)
        layout.test_it_centres_the_title_in_22_pt(report)


@pytest.mark.layout
def test_the_pdf_loses_no_character_of_the_packet(packet):
    pages = []
    for number, page in enumerate(packet.pdf, start=1):
        text, found = re.subn(rf"^[ \t]*—\s*{number}\s*—[ \t]*$", "", page.get_text(), count=1, flags=re.M)
        assert found == (number in packet.footers), number
        pages.append(text)
    # The 目录's dot leaders are tabs in the .docx, dots in the PDF.
    pdf = re.sub(r"\.{3,}", "", re.sub(r"\s+", "", "".join(pages)))
    assert text_differences(docx_text(packet.docx), pdf) == []


@pytest.mark.layout
def test_the_toc_numbers_are_right_when_the_toc_runs_over_pages_of_entries_like_the_titles():
    """30 述职报告 with one title: the 目录 takes two pages whose lines start with that title, and
    each number must still be the page where the report's 22 pt title opens."""
    parts = [
        {
            "title": "2025年度述职报告",
            "subtitle": f"（干部{k + 1}）",
            "opening": "一年来，认真履行职责。" * (k % 5 + 1),
        }
        for k in range(30)
    ]
    docx, pdf = build_packet(parts, PacketOptions(meeting="会议"))
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    title_pages = []
    for number, page in enumerate(doc, start=1):
        rows = list(layout._rows_of(page, number))
        if rows and rows[0].text == "2025年度述职报告" and abs(rows[0].size - 22) < 0.1:
            title_pages.append(number)
    assert len(title_pages) == 30 and title_pages[0] > 3  # the 目录 takes pages 2 and 3
    assert [page for _, page in toc_entries(docx)] == title_pages
