"""Rendered-layout checks (docs/layout.md §8–§9): .docx -> PDF with LibreOffice, measured with PyMuPDF.

Documents: every reports/demo/*.json snapshot plus one long report assembled from the fixture
reports in tests/fixtures/reports (about 20 pages, with run-in and multi-line headings), and one
assembled from ../shared/seeds when that folder is present (tests/corpus.py), each exact and
masked. Each is rendered and converted once per module.

Finding R6 (LibreOffice 7.4.7.2, also reported for 25.2): LibreOffice hangs a line-final
punctuation mark past the 28th character unless the style says w:overflowPunct (Word's
允许标点溢出边界, which its DOCX import maps inverted), and in a justified paragraph it does not
draw the hanging mark: 2–10 marks per demo report were missing from the PDF. The renderer writes
w:overflowPunct on every style: LibreOffice then takes the previous character down with the mark
(a 27-character line, V4 allows it) and hangs nothing (V5), and V9 asserts that the PDF's text
equals the .docx's, character for character (tests/pdftext.py).
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymupdf
import pytest
from corpus import fixture_paths, seed_paths
from pdftext import assert_pdf_complete, docx_text, lost_characters, pdf_text

from reports.core.document import Para, layout_paragraphs
from reports.core.docx_render import render_docx
from reports.core.importer import parse_text
from reports.core.kinds import load_kinds
from reports.core.masking import kept_years
from reports.core.metrics import MetricValue, resolve_snapshot
from reports.core.pdf import PdfConversionError, docx_to_pdf, stop_office

pytestmark = [pytest.mark.layout]  # needs soffice: scripts/test.sh installs it; a missing one fails

ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = ROOT / "reports" / "demo"

MM = 72 / 25.4  # PDF points per mm
PITCH_MM = 579 / 20 / MM  # 10.2129 mm grid line
TYPE_TOP, TYPE_BOTTOM, TYPE_LEFT, TYPE_RIGHT = 37.0, 262.0, 28.0, 184.0
BODY_ROLES = {"body", "h1", "h2", "h3", "h4"}
_WS = re.compile(r"\s+")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_HALF_WIDTH = re.compile(r"[\x21-\x7e\uff61-\uffdc]")  # ASCII and half-width forms
CLOSING = set("，。、；：！？）》”’〕】…—")


# --- a long snapshot from report texts ------------------------------------------------------------


def corpus_snapshot(paths: list[Path]) -> dict[str, Any]:
    """One long report made of several report texts, read by the importer: the first text's
    opening, every text's headings, points and paragraphs in turn (a later text's opening as plain
    paragraphs), with a title, subtitle, closing, signature and date of its own. From the fixture
    reports about 20 pages, with run-in headings, multi-line headings and inline points."""
    parts = [parse_text(path.read_text(encoding="utf-8")).to_content() for path in paths]
    blocks: list[dict[str, Any]] = []
    for k, part in enumerate(parts):
        if k:
            blocks.extend({"type": "paragraph", "text": line} for line in part["opening"].split("\n") if line)
        blocks.extend(part["blocks"])
    return {
        "title": "某某市财政局2022年度工作总结和2023年工作计划",
        "subtitle": "——在全市财政工作会议上的报告",
        "kind": "annual_summary",
        "opening": parts[0]["opening"],
        "blocks": blocks,
        "closing": "以上报告，请予审议。",
        "signature": "某某市财政局",
        "date": "2023年1月10日",
    }


def demo_snapshots(*, masked: bool = False) -> dict[str, dict[str, Any]]:
    """The demo reports as the exporter renders them: kind numbering applied, placeholders resolved
    (masked: as the default masked copy, every number but the report's year and the next)."""
    kinds = load_kinds()
    library = json.loads((DEMO_DIR / "metrics.json").read_text(encoding="utf-8"))
    metrics = {m["name"]: MetricValue.from_dict(m) for m in library["metrics"]}
    out = {}
    for path in sorted(DEMO_DIR.glob("*.json")):
        if path.name == "metrics.json":
            continue
        content = json.loads(path.read_text(encoding="utf-8"))
        content["numbering"] = kinds[content["kind"]]["numbering"]
        resolved, check = resolve_snapshot(
            content, metrics, masked=masked, keep_years=kept_years(content.get("year"))
        )
        assert not check.errors, check.errors
        out[path.stem] = resolved
    return out


def report_snapshots() -> dict[str, dict[str, Any]]:
    """Snapshots to measure: every demo report, the long report made of our fixture reports, and
    the one made of the shared seeds when ../shared/seeds is present (an extra corpus); each also
    masked ("<name>-masked")."""
    out = demo_snapshots()
    out.update((f"{name}-masked", snapshot) for name, snapshot in demo_snapshots(masked=True).items())
    corpora = {"fixtures": fixture_paths(), "seeds": seed_paths()}
    for name, paths in corpora.items():
        if paths:
            out[name] = snapshot = corpus_snapshot(paths)
            out[f"{name}-masked"], _ = resolve_snapshot(snapshot, {}, masked=True, keep_years=(2022, 2023))
    return out


def largest_snapshot() -> tuple[str, dict[str, Any]]:
    """The snapshot with the most text (used by tests/bench/bench_render.py)."""
    snapshots = report_snapshots()
    name = max(snapshots, key=lambda k: sum(len(p.text) for p in layout_paragraphs(snapshots[k])))
    return name, snapshots[name]


# --- measuring the PDF ----------------------------------------------------------------------------


@dataclass
class Row:
    """One baseline of text on a page; coordinates in mm from the top-left corner."""

    page: int
    y: float
    chars: list[tuple[float, float, str, float, str]]  # x0, x1, char, size, font
    role: str = ""
    para: int = -1
    first: bool = False

    @property
    def text(self) -> str:
        return _WS.sub("", "".join(c[2] for c in self.chars))

    @property
    def x0(self) -> float:
        return min(c[0] for c in self.chars if not c[2].isspace())

    @property
    def x1(self) -> float:
        return max(c[1] for c in self.chars if not c[2].isspace())

    @property
    def size(self) -> float:
        return max(c[3] for c in self.chars)


@dataclass
class Rendered:
    name: str
    paras: list[Para]
    docx: bytes
    pdf: pymupdf.Document
    rows: list[Row] = field(default_factory=list)  # type-area rows, all pages, in order
    footers: dict[int, Row] = field(default_factory=dict)

    def page_rows(self, page: int) -> list[Row]:
        return [r for r in self.rows if r.page == page]


def _rows_of(page: pymupdf.Page, number: int) -> Iterator[Row]:
    chars = []
    for block in page.get_text("rawdict")["blocks"]:
        for line in block.get("lines", []):
            for span in line["spans"]:
                for ch in span["chars"]:
                    x0, _, x1, _ = ch["bbox"]
                    chars.append(
                        (ch["origin"][1] / MM, x0 / MM, x1 / MM, ch["c"], span["size"], span["font"])
                    )
    chars.sort()
    group: list[tuple] = []
    for ch in chars:
        if group and ch[0] - group[-1][0] > 1.5:  # baselines are ≥ 5 mm apart
            yield Row(number, group[0][0], sorted(c[1:] for c in group))
            group = []
        group.append(ch)
    if group:
        yield Row(number, group[0][0], sorted(c[1:] for c in group))


def _align(rendered: Rendered) -> None:
    """Attribute every row to its paragraph, in order. Fails if any text is missing, added or changed."""
    paras = [(i, p) for i, p in enumerate(rendered.paras) if _WS.sub("", p.text)]
    pi, ci = 0, 0
    for row in rendered.rows:
        assert pi < len(paras), f"extra text on page {row.page}: {row.text!r}"
        index, para = paras[pi]
        expected = _WS.sub("", para.text)
        rest = expected[ci:]
        assert rest.startswith(row.text), (
            f"page {row.page}: PDF row {row.text!r} does not continue paragraph {index} at {rest[:40]!r}"
        )
        row.role, row.para, row.first = para.role, index, ci == 0
        ci += len(row.text)
        if ci == len(expected):
            pi, ci = pi + 1, 0
    assert pi == len(paras), f"text missing from the PDF from paragraph {paras[pi][0]} on"


@pytest.fixture(scope="module", params=sorted(report_snapshots()))
def rendered(request) -> Rendered:
    snapshot = report_snapshots()[request.param]
    docx = render_docx(snapshot)
    pdf = pymupdf.open(stream=docx_to_pdf(docx), filetype="pdf")  # the process's resident office
    assert_pdf_complete(docx, pdf)  # first, so that a lost mark is reported as such (V9)
    out = Rendered(request.param, layout_paragraphs(snapshot), docx, pdf)
    for number, page in enumerate(pdf, start=1):
        for row in _rows_of(page, number):
            if row.y > TYPE_BOTTOM + 0.5:
                assert number not in out.footers, f"two footer rows on page {number}"
                out.footers[number] = row
            else:
                out.rows.append(row)
    _align(out)
    return out


# --- V1–V12 ---------------------------------------------------------------------------------------


def test_it_prints_on_a4_pages(rendered):  # V1
    assert rendered.pdf.page_count >= 1
    for page in rendered.pdf:
        assert abs(page.rect.width / MM - 210) <= 0.5
        assert abs(page.rect.height / MM - 297) <= 0.5


def test_it_keeps_every_row_on_the_28_95_pt_grid(rendered):  # V2
    for number in range(1, rendered.pdf.page_count + 1):
        rows = rendered.page_rows(number)
        y0 = rows[0].y
        for row in rows:
            slots = (row.y - y0) / PITCH_MM
            assert abs(slots - round(slots)) <= 0.06, (number, row.text[:10], slots)


def test_it_fills_every_full_page_with_22_lines(rendered):  # V3
    pages = rendered.pdf.page_count
    for number in range(1, pages + 1):
        rows = rendered.page_rows(number)
        slots = round((rows[-1].y - rows[0].y) / PITCH_MM) + 1
        assert slots <= 22, (number, slots)
        if number == pages or slots == 22:
            if slots == 22:
                assert rows[-1].y >= 252
            continue
        # A short page is only allowed when keepNext/keepLines pushed a paragraph to the next page
        # (a heading, or the last body paragraph kept with the signature, GB 7.3.5.5).
        first_next = rendered.page_rows(number + 1)[0]
        moved = rendered.paras[first_next.para]
        assert first_next.first and (moved.keep_next or moved.keep_lines), (
            f"page {number} has {slots} lines but nothing was kept with the next page"
        )


def test_it_sets_28_chars_on_every_full_pure_han_line(rendered):  # V4
    checked = 0
    rows = rendered.rows
    for row, after in zip(rows, rows[1:], strict=False):
        if row.role not in BODY_ROLES or row.x0 > TYPE_LEFT + 1 or row.x1 < TYPE_RIGHT - 8:
            continue  # not a full-width row of body text
        if _HALF_WIDTH.search(row.text) or not _HAN.match(row.text[-1]):
            continue  # R5: autospace widens mixed rows; rows ending in punctuation may be compressed
        assert len(row.text) <= 28, (row.page, row.text)
        # The break was free only when the next row continues with a Han character that may start a
        # line: a number ("186.4亿") cannot be split, an opening mark (“《) cannot end a line and a
        # closing mark (”）) cannot start one, so those rows legitimately end at 27 characters.
        nxt = after.text
        if after.para != row.para or after.first or not _HAN.match(nxt[0]) or nxt[1:2] in CLOSING:
            continue
        assert len(row.text) == 28, (row.page, row.text, nxt[:4])
        checked += 1
    assert checked >= 3


def test_it_keeps_glyphs_inside_the_type_area(rendered):  # V5
    for row in rendered.rows:  # nothing hangs in the margin either (R6: w:overflowPunct)
        assert row.x0 >= TYPE_LEFT - 0.5, (row.page, row.text[:10])
        assert row.x1 <= TYPE_RIGHT + 0.5, (row.page, row.text[-10:])


def test_it_indents_first_lines_two_chars_and_sets_later_lines_flush(rendered):  # V6
    for row in rendered.rows:
        if row.role not in BODY_ROLES:
            continue
        offset = row.x0 - TYPE_LEFT
        expected = 32 / MM if row.first else 0.0  # 2 字 of 16 pt = 11.29 mm
        assert abs(offset - expected) <= 0.3, (row.page, row.first, round(offset, 2), row.text[:10])


def test_it_numbers_pages_with_dashes_on_alternating_sides(rendered):  # V7
    assert sorted(rendered.footers) == list(range(1, rendered.pdf.page_count + 1))
    for number, row in rendered.footers.items():
        assert row.text == f"—{number}—"
        assert abs(row.size - 14) < 0.1
        if number % 2:
            assert abs(TYPE_RIGHT - row.x1 - 4.94) <= 1, (number, row.x1)
        else:
            assert abs(row.x0 - TYPE_LEFT - 4.94) <= 1, (number, row.x0)


def test_it_places_the_page_number_dash_7_mm_below_the_type_area(rendered):  # V8
    row = rendered.footers[1]
    x0, x1, *_ = next(c for c in row.chars if c[2] == "—")
    clip = pymupdf.Rect(x0 * MM, (row.y - 8) * MM, x1 * MM, (row.y + 2) * MM)
    pix = rendered.pdf[0].get_pixmap(dpi=1200, clip=clip, colorspace=pymupdf.csGRAY)
    ink = next(
        y for y in range(pix.height) if min(pix.samples[y * pix.stride : y * pix.stride + pix.width]) < 128
    )
    top_mm = clip.y0 / MM + ink / 1200 * 25.4
    assert 6.0 <= top_mm - TYPE_BOTTOM <= 8.0, top_mm - TYPE_BOTTOM


def test_it_loses_no_character_of_the_docx(rendered):  # V9 (R6: w:overflowPunct)
    assert_pdf_complete(rendered.docx, rendered.pdf)


def test_it_never_leaves_the_date_alone_on_a_page(rendered):  # V10, GB 7.3.5.5
    dates = [row for row in rendered.rows if row.role == "date"]
    if not dates:  # 述职 reports carry the name under the title and no date line
        assert not any(p.role == "date" for p in rendered.paras)
        return
    page = dates[0].page
    assert any(row.role in BODY_ROLES for row in rendered.page_rows(page))
    signature = [row for row in rendered.rows if row.role == "signature"]
    assert all(row.page == page for row in signature)


def test_it_draws_han_text_in_cjk_fonts_and_embeds_them(rendered):  # V11
    for row in rendered.rows:
        for _, _, ch, _, font in row.chars:
            if _HAN.match(ch):
                assert not re.search(r"DejaVu|Liberation", font), (ch, font)
    for page in rendered.pdf:
        for _, ext, *_ in page.get_fonts():
            assert ext != "n/a"


def test_it_centres_the_title_in_22_pt(rendered):  # V12
    titles = [row for row in rendered.rows if row.role == "title"]
    assert len(titles) == sum(p.role == "title" for p in rendered.paras)
    for row in titles:
        assert row.page == 1
        assert abs(row.size - 22) < 0.1
        assert abs((row.x0 + row.x1) / 2 - 106) < 1, row.text


# --- the conversion helper ------------------------------------------------------------------------


def test_pdf_conversion_times_out_with_a_clear_error(tmp_path):
    with pytest.raises(PdfConversionError, match="did not finish within"):
        docx_to_pdf(render_docx({"title": "超时"}), workdir=tmp_path, timeout=0.01)
    assert [p.name for p in tmp_path.iterdir()] == ["lo-profile"]  # scratch files removed


def test_pdf_conversion_reports_a_failing_soffice(monkeypatch):
    monkeypatch.setenv("SOFFICE", "/bin/false")
    with pytest.raises(PdfConversionError, match="conversion failed"):
        docx_to_pdf(render_docx({"title": "失败"}))


def _without_overflow_punct(docx: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/styles.xml":
                assert b"<w:overflowPunct/>" in data
                data = data.replace(b"<w:overflowPunct/>", b"")
            package.writestr(info, data)
    return out.getvalue()


def test_the_check_catches_the_marks_libreoffice_drops_without_overflow_punct():
    """The test proving V9: the same report without w:overflowPunct loses line-final marks (R6),
    and the completeness check names them. If a LibreOffice fixes R6 this fails: the renderer's
    w:overflowPunct is then no longer needed for LibreOffice."""
    docx = render_docx(demo_snapshots()["work_plan"])
    pdf = docx_to_pdf(_without_overflow_punct(docx))
    lost = lost_characters(docx_text(docx), pdf_text(pdf))
    assert lost and set(lost) <= set("，。、；："), lost
    with pytest.raises(AssertionError, match=f"{len(lost)} differences"):
        assert_pdf_complete(docx, pdf)


def _offices(workdir: Path) -> list[str]:
    """Command lines of the soffice.bin processes running on workdir's profile."""
    found = subprocess.run(["pgrep", "-af", f"{workdir}/lo-profile"], capture_output=True, text=True)
    return [line for line in found.stdout.splitlines() if "soffice.bin" in line]


def test_a_process_keeps_one_resident_office_across_conversions(tmp_path):
    docx = render_docx({"title": "常驻"})
    try:
        docx_to_pdf(docx, workdir=tmp_path)
        first = _offices(tmp_path)
        docx_to_pdf(docx, workdir=tmp_path)
        assert len(first) == 1 and _offices(tmp_path) == first  # the same soffice.bin served both
    finally:
        stop_office(tmp_path)
    assert _offices(tmp_path) == []


def test_a_timed_out_conversion_stops_the_office_and_the_next_one_starts_afresh(tmp_path):
    with pytest.raises(PdfConversionError, match="did not finish within"):
        docx_to_pdf(render_docx({"title": "超时"}), workdir=tmp_path, timeout=0.01)
    assert _offices(tmp_path) == []
    try:
        assert pdf_text(docx_to_pdf(render_docx({"title": "再试"}), workdir=tmp_path)) == "再试"
    finally:
        stop_office(tmp_path)
