"""Meeting packet (会议材料汇编): several resolved report snapshots as one GB/T 9704 .docx.

Layout (docs/layout.md §11):

- a cover page: meeting name and 材料汇编 (title font), （征求意见稿） for a draft packet, bureau and
  date; its section has no footer, so no page number;
- a 目录: one entry per report, "title subtitle …… N", inside a real Word TOC field (instruction
  ``TOC \\f p``, built from one TC field per report; settings.xml asks Word to update fields on
  open). Each entry's number is a PAGEREF field whose cached result is the page the report starts
  on, so the file is right before any update;
- each report in its own section (next page, or odd page when double_sided), its body exactly as a
  single report renders it (reports.core.docx_render);
- page numbers "— N —" run on across the packet from the cover, which counts as page 1 but shows
  no number: the 目录 is page 2 (3 when double-sided), and a printed page number is always the
  physical page, so odd pages are right-hand pages and carry the number on the right as in a
  single report. pgNumType start="1" is written once, on the cover's section.

Page numbers of the 目录: `render_packet` writes the numbers it is given, else an estimate from the
text (`estimate_starts`: lines of 28 characters, 22 lines a page; approximate, Word corrects them
when it updates the field on open). `packet_starts` computes them from each report's page count,
measured on its own render (a report's section lays out exactly as the report alone: same page,
same styles, a new page for each), and the cover and 目录 rendered alone and measured
(`render_front`): the parts can be measured in parallel, one worker each.

Pure: no Django, no Celery.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .document import Para, Run
from .docx_render import (
    _NOT_TEXT,
    _paragraph_xml,
    base_package,
    body_xml,
    escape_text,
    package_parts,
    report_paragraphs,
    section_xml,
    zip_parts,
)
from .text import display_width

LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
TOC_TITLE = "目  录"
COVER_WORDS = "材料汇编"
DRAFT_MARK = "（征求意见稿）"
_TOC_ID = "p"  # TC entries of the packet's own 目录 (TOC \f p)
_TOC_TAB = 8844


@dataclass(frozen=True)
class PacketOptions:
    """What the packet says and how it is laid out.

    meeting: 会议名称; bureau and date as printed on the cover ("2026年1月15日"). double_sided: each
    report (and the 目录) starts on an odd, right-hand page. draft: the cover says 征求意见稿.
    render: docx_render options (OPTION_DEFAULTS). Masking is done before, on the parts and on these
    texts (a masked packet is made of masked snapshots).
    """

    meeting: str
    bureau: str = ""
    date: str = ""
    double_sided: bool = False
    draft: bool = False
    render: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TocEntry:
    text: str  # title and subtitle as the 目录 prints them
    page: int  # printed page number where the report starts


def toc_text(snapshot: Mapping[str, Any]) -> str:
    """The 目录 line of a report: its title (without whitespace) and subtitle (spaces kept single).
    A subtitle that is not already bracketed or dashed is bracketed: 2025年度述职报告（张三）."""
    title = re.sub(r"\s+", "", str(snapshot.get("title", "")))  # line breaks of a long title
    subtitle = re.sub(r"\s+", " ", str(snapshot.get("subtitle", ""))).strip()  # 局长 王建国
    if subtitle and not subtitle.startswith(("（", "(", "—")):
        subtitle = f"（{subtitle}）"
    return _NOT_TEXT.sub("", title + subtitle) or "（无标题）"


def _cover(options: PacketOptions, pkg) -> list[str]:
    paras = [Para("blank") for _ in range(4)]
    paras.append(Para("title", [Run(options.meeting)]))
    paras.append(Para("title", [Run(COVER_WORDS)]))
    if options.draft:
        paras.append(Para("subtitle", [Run(DRAFT_MARK)]))
    paras += [Para("blank") for _ in range(9 if options.draft else 10)]
    paras += [Para("subtitle", [Run(text)]) for text in (options.bureau, options.date) if text]
    return [_paragraph_xml(p, pkg, None) for p in paras]


def _field(instruction: str, result: str) -> str:
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"{result}"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def _toc(entries: Sequence[TocEntry], pkg, fields: bool = True) -> list[str]:
    """The 目录 heading and the TOC field, one paragraph per entry, page numbers as PAGEREF fields
    (fields=False: plain text, for measuring the 目录 alone)."""
    out = [
        _paragraph_xml(Para("title", [Run(TOC_TITLE)]), pkg, None),
        _paragraph_xml(Para("blank"), pkg, None),
    ]
    ppr = (
        f'<w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{_TOC_TAB}"/></w:tabs>'
        '<w:ind w:left="0" w:firstLine="0"/><w:jc w:val="left"/></w:pPr>'
    )
    for k, entry in enumerate(entries):
        number = f"<w:r><w:t>{entry.page}</w:t></w:r>"
        if not fields:
            out.append(
                f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{escape_text(entry.text)}</w:t></w:r>'
                f"<w:r><w:tab/></w:r>{number}</w:p>"
            )
            continue
        runs = [
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> TOC \\f {_TOC_ID} \\h </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            if k == 0
            else "",
            f'<w:r><w:t xml:space="preserve">{escape_text(entry.text)}</w:t></w:r><w:r><w:tab/></w:r>',
            _field(f"PAGEREF {_bookmark(k)} \\h", number),
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if k == len(entries) - 1 else "",
        ]
        out.append(f"<w:p>{ppr}{''.join(runs)}</w:p>")
    return out


def _bookmark(k: int) -> str:
    """The bookmark name of report k: letters only, so that no field instruction carries a digit a
    masked packet's leak scan could take for a secret (_PacketA, …, _PacketZ, _PacketBA, …)."""
    letters = ""
    while True:
        k, digit = divmod(k, 26)
        letters = chr(ord("A") + digit) + letters
        if not k:
            return "_Packet" + letters


def _mark(k: int, entry: TocEntry) -> str:
    """A bookmark (target of the entry's PAGEREF) and a TC field (the entry Word rebuilds the TOC
    from) at the start of report k's first paragraph. The TC field has no result: nothing prints."""
    text = entry.text.replace('"', "＂")
    return (
        f'<w:bookmarkStart w:id="{k + 1}" w:name="{_bookmark(k)}"/><w:bookmarkEnd w:id="{k + 1}"/>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> TC "{escape_text(text)}" \\f {_TOC_ID} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def _end_section(paragraphs: list[str], sect: str) -> None:
    """Close a section on its last paragraph (no extra empty paragraph that could add a page)."""
    last = paragraphs[-1]
    if "</w:pPr>" in last:
        paragraphs[-1] = last.replace("</w:pPr>", sect + "</w:pPr>", 1)
    else:
        paragraphs[-1] = last.replace("<w:p>", f"<w:p><w:pPr>{sect}</w:pPr>", 1)


def _settings_update_fields(data: bytes) -> bytes:
    """settings.xml with w:updateFields (Word refreshes the TOC when the file is opened)."""
    text = data.decode("utf-8")
    anchor = min(
        (i for tag in ("<w:hdrShapeDefaults", "<w:footnotePr", "<w:endnotePr", "<w:compat>", "<w:compat ")
         if (i := text.find(tag)) >= 0),
        default=text.index("</w:settings>"),
    )  # fmt: skip
    return (text[:anchor] + '<w:updateFields w:val="true"/>' + text[anchor:]).encode("utf-8")


def packet_secrets(secrets: Sequence[Iterable[str]], kept_years: Sequence[Iterable[int | str]]) -> set[str]:
    """What a masked packet must not show: every part's secrets (reports.core.metrics), except the
    years any part keeps. A part masks the years other than its own and the next (a 2026 plan masks
    2025), while another part prints its own year (a 2025 summary says 2025年) as its single
    masked copy does; such a year is then printed by design and is no secret of the packet."""
    kept = {str(year) for years in kept_years for year in years}
    return {secret for part in secrets for secret in part} - kept


def estimate_pages(snapshot: Mapping[str, Any]) -> int:
    """Approximate pages of one report without a render: 28 characters a line, 22 lines a page
    (the title's 22 pt lines count 1.5)."""
    lines = 0.0
    for para in report_paragraphs(snapshot):
        width = max(display_width(para.text) + (2 if para.role in ("body", "h1", "h2", "h3", "h4") else 0), 1)
        lines += math.ceil(width / (CHARS_PER_LINE * (16 / 22 if para.role == "title" else 1))) * (
            1.5 if para.role == "title" else 1
        )
    return max(math.ceil(lines / LINES_PER_PAGE), 1)


def estimate_front_pages(parts: Sequence[Mapping[str, Any]], options: PacketOptions) -> int:
    """Approximate pages before the first report: the cover (and its blank back when double-sided)
    and the 目录 (a heading, a blank line and each entry with its number)."""
    toc_lines = 2 + sum(math.ceil((display_width(toc_text(s)) + 3) / CHARS_PER_LINE) for s in parts)
    return 1 + (1 if options.double_sided else 0) + math.ceil(toc_lines / LINES_PER_PAGE)


def report_starts(front_pages: int, part_pages: Sequence[int], double_sided: bool) -> list[int]:
    """The page each report starts on, after `front_pages` pages (cover and 目录), each report on
    a new page, on an odd page when double-sided (a blank page is inserted before it when needed)."""
    starts, page = [], front_pages + 1
    for pages in part_pages:
        if double_sided and page % 2 == 0:
            page += 1
        starts.append(page)
        page += pages
    return starts


def estimate_starts(parts: Sequence[Mapping[str, Any]], options: PacketOptions) -> list[int]:
    """Approximate start pages without any render (estimate_pages, estimate_front_pages)."""
    return report_starts(
        estimate_front_pages(parts, options), [estimate_pages(s) for s in parts], options.double_sided
    )


def packet_starts(
    parts: Sequence[Mapping[str, Any]],
    part_pages: Sequence[int],
    options: PacketOptions,
    count_pages: Callable[[bytes], int] | None = None,
    max_passes: int = 3,
) -> list[int]:
    """The page each report starts on, from each report's own page count (measured on its single
    render: a report's section lays out exactly as the report alone) and the front matter's.

    count_pages(docx) -> pages (a LibreOffice render): the cover and 目录 are rendered alone and
    measured until the 目录's length agrees with the numbers it prints (normally one pass). Without
    it the front matter is estimated.
    """
    front = estimate_front_pages(parts, options)
    starts = report_starts(front, part_pages, options.double_sided)
    if count_pages is None:
        return starts
    for _ in range(max_passes):
        measured = count_pages(render_front(parts, options, starts))
        if measured == front:
            break
        front = measured
        starts = report_starts(front, part_pages, options.double_sided)
    return starts


def render_packet(
    parts: Sequence[Mapping[str, Any]], options: PacketOptions, starts: Sequence[int] | None = None
) -> bytes:
    """The packet .docx of resolved snapshots (as render_docx takes them), in order.

    starts: the printed page number where each report starts (from `packet_starts`), else
    `estimate_starts`. Raises ValueError for no parts or a wrong number of starts; RenderError for
    bad render options. Same input, same bytes.
    """
    if not parts:
        raise ValueError("a packet needs at least one report")
    starts = list(starts) if starts is not None else estimate_starts(parts, options)
    if len(starts) != len(parts):
        raise ValueError(f"{len(parts)} reports but {len(starts)} start pages")
    pkg = base_package(options.render)
    start = "oddPage" if options.double_sided else ""
    entries = [TocEntry(toc_text(s), page) for s, page in zip(parts, starts, strict=True)]

    # A section's properties go on its last paragraph and say how that section starts: the cover
    # (no footer; page numbers start at 1 here, once), the 目录, each report (the last report's are
    # the body's final sectPr).
    cover = _cover(options, pkg)
    _end_section(cover, section_xml(pkg, footers=False, restart=True))
    # The 目录's properties go on an empty paragraph after the TOC field: on the field's last
    # paragraph LibreOffice loses the page number of the 目录's pages.
    sections = [cover, [*_toc(entries, pkg), "<w:p></w:p>"]]
    for k, (snapshot, entry) in enumerate(zip(parts, entries, strict=True)):
        report = body_xml(report_paragraphs(snapshot), pkg)
        report[0] = report[0].replace("</w:pPr>", "</w:pPr>" + _mark(k, entry), 1)
        sections.append(report)
    for section in sections[1:-1]:
        _end_section(section, section_xml(pkg, start=start))
    body = "".join(p for section in sections for p in section)
    document = pkg.head + body + section_xml(pkg, start=start) + "</w:body></w:document>"
    package = [
        (name, _settings_update_fields(data) if name == "word/settings.xml" else data)
        for name, data in package_parts(pkg, document)
    ]
    return zip_parts(package)


def render_front(parts: Sequence[Mapping[str, Any]], options: PacketOptions, starts: Sequence[int]) -> bytes:
    """The packet's cover and 目录 alone (the numbers as plain text), to measure their length."""
    pkg = base_package(options.render)
    entries = [TocEntry(toc_text(s), page) for s, page in zip(parts, starts, strict=True)]
    cover = _cover(options, pkg)
    _end_section(cover, section_xml(pkg, footers=False, restart=True))
    body = "".join(cover + _toc(entries, pkg, fields=False)) + "<w:p></w:p>"
    start = "oddPage" if options.double_sided else ""
    document = pkg.head + body + section_xml(pkg, start=start) + "</w:body></w:document>"
    return zip_parts(package_parts(pkg, document))


def rank_lines(rank_list: str) -> list[str]:
    """The bureau's 班子成员排序 as its non-empty lines, whitespace removed."""
    return [line for line in (re.sub(r"\s+", "", raw) for raw in rank_list.splitlines()) if line]


def rank_position(subject: str, lines: Sequence[str]) -> int:
    """Where a report whose 主体 is `subject` sorts in a packet: the first line of the rank list its
    主体 contains (a name, or a post such as 局长), else after every listed one."""
    text = re.sub(r"\s+", "", subject)
    return next((k for k, line in enumerate(lines) if line in text), len(lines))
