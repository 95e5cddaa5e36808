"""XML-level checks of the Word renderer against docs/layout.md §9 (D1–D23). No database, no rendering.

The expected fonts, sizes and twips are written out here from the spec, not read from
templates_docx/layout.json, so a wrong edit of the layout file fails these tests.
"""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from lxml import etree

from reports.core.docx_render import RenderError, render_docx, signature_indents
from reports.core.numbering import cn_int
from reports.core.text import display_width

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W_NS}


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


# Schema order (ECMA-376 Part 1 §17.3.1.26 CT_PPr, §17.3.2.28 CT_RPr), written independently of the renderer.
PPR_SEQUENCE = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
RPR_SEQUENCE = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]

# docs/layout.md §3 and D11: (eastAsia font, size pt) per paragraph style and run-in character style.
STYLE_FONTS = {
    "GW Title": ("方正小标宋简体", 22),
    "GW Subtitle": ("楷体_GB2312", 16),
    "GW Body": ("仿宋_GB2312", 16),
    "GW H1": ("黑体", 16),
    "GW H2": ("楷体_GB2312", 16),
    "GW H3": ("仿宋_GB2312", 16),
    "GW H4": ("仿宋_GB2312", 16),
    "GW Signature": ("仿宋_GB2312", 16),
    "GW Date": ("仿宋_GB2312", 16),
    "GW Page": ("宋体", 14),
}
CHAR_STYLE_FONTS = {
    "GW H1 Char": ("黑体", 16),
    "GW H2 Char": ("楷体_GB2312", 16),
    "GW H3 Char": ("仿宋_GB2312", 16),
    "GW H4 Char": ("仿宋_GB2312", 16),
}
SIXTEEN_PT = [name for name, (_, size) in STYLE_FONTS.items() if size == 16]
INDENTED = ["GW Body", "GW H1", "GW H2", "GW H3", "GW H4"]

NASTY = "R&D <w:p> \x00\x0b\ud800\x1f\ufffe末"
SNAPSHOT = {
    "title": "关于某某市财政局2024年度预算执行情况和2025年预算草案的报告",
    "subtitle": "——在市第十七届人民代表大会第五次会议上",
    "kind": "annual_summary",
    "numbering": {"1": "{cn}、", "2": "（{cn}）", "3": "{n}.", "4": "（{n}）", "point": "{cn}是"},
    "opening": "  2024年，全市财政部门坚持稳中求进工作总基调。" + NASTY + "\n　　第二段以全角空格开头。",
    "blocks": [
        {
            "type": "heading",
            "title": "2024年预算执行情况",
            "text": "",
            "children": [
                {
                    "type": "heading",
                    "title": "抓收支、落实财政保障",
                    "text": "全年一般公共预算收入186.4亿元，同比增长6.2%。",
                    "run_in": True,
                },
                {"type": "point", "lead": "坚定政治立场", "text": "始终坚持党的领导。", "inline": True},
                {"type": "point", "lead": "压实政治责任", "text": "研究制定年度工作计划。", "inline": True},
                {
                    "type": "heading",
                    "title": "民生保障",
                    "text": "民生支出占一般公共预算支出的80.2%。",
                    "children": [
                        {"type": "heading", "title": "教育", "text": "教育支出增长5%。"},
                        {
                            "type": "heading",
                            "title": "社会保障",
                            "text": "落实养老保险待遇调整。",
                            "children": [
                                {"type": "heading", "title": "养老", "text": "发放养老金。"},
                                {"type": "heading", "title": "医疗", "text": "提高医保补助标准。"},
                            ],
                        },
                    ],
                },
                {"type": "heading", "title": "改革攻坚", "text": "深化预算绩效管理改革。“零基预算”——试点…"},
            ],
        },
        {
            "type": "heading",
            "title": "2025年预算草案",
            "text": "坚持过紧日子。",
            "children": [{"type": "heading", "title": "收入预算" + NASTY, "text": "预计增长5%。"}],
        },
    ],
    "closing": "以上报告，请予审议。",
    "signature": "某某市财政局",
    "date": "2024年12月20日",
}


class Package:
    """A rendered .docx read back with lxml (XML checks) and python-docx (D2, D3, D6, D9, D12)."""

    def __init__(self, data: bytes):
        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.document = etree.fromstring(self.zip.read("word/document.xml"))
        styles = etree.fromstring(self.zip.read("word/styles.xml"))
        self.styles_root = styles
        self.styles = {s.get(w("styleId")): s for s in styles.iter(w("style"))}
        self.by_name = {s.find(w("name")).get(w("val")): s for s in self.styles.values()}
        self.default_rpr = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
        self.default_ppr = styles.find("w:docDefaults/w:pPrDefault/w:pPr", NS)
        self.settings = etree.fromstring(self.zip.read("word/settings.xml"))
        self.docx = docx.Document(io.BytesIO(data))

    def paragraphs(self):
        return self.document.findall("w:body/w:p", NS)

    def style_chain(self, style_id: str | None):
        while style_id:
            style = self.styles[style_id]
            yield style
            based = style.find("w:basedOn", NS)
            style_id = based.get(w("val")) if based is not None else None

    def style_name(self, p) -> str:
        ps = p.find("w:pPr/w:pStyle", NS)
        sid = ps.get(w("val")) if ps is not None else "Normal"
        return self.styles[sid].find(w("name")).get(w("val"))

    def _rpr_levels(self, p, r):
        """rPr elements in resolution order: run, run's character style chain, paragraph style chain, defaults."""
        levels = []
        rpr = r.find("w:rPr", NS) if r is not None else None
        if rpr is not None:
            levels.append(rpr)
            rstyle = rpr.find("w:rStyle", NS)
            if rstyle is not None:
                levels += [s.find("w:rPr", NS) for s in self.style_chain(rstyle.get(w("val")))]
        ps = p.find("w:pPr/w:pStyle", NS) if p is not None else None
        levels += [
            s.find("w:rPr", NS) for s in self.style_chain(ps.get(w("val")) if ps is not None else "Normal")
        ]
        levels.append(self.default_rpr)
        return [lv for lv in levels if lv is not None]

    def run_attr(self, p, r, tag: str, attr: str = "val"):
        for rpr in self._rpr_levels(p, r):
            el = rpr.find(f"w:{tag}", NS)
            if el is not None and el.get(w(attr)) is not None:
                return el.get(w(attr))
        return None

    def run_bold(self, p, r) -> bool:
        for rpr in self._rpr_levels(p, r):
            el = rpr.find("w:b", NS)
            if el is not None:
                return el.get(w("val")) not in ("0", "false", "off")
        return False

    def style_rpr_attr(self, style_name: str, tag: str, attr: str = "val"):
        sid = self.by_name[style_name].get(w("styleId"))
        for style in self.style_chain(sid):
            el = style.find(f"w:rPr/w:{tag}", NS)
            if el is not None and el.get(w(attr)) is not None:
                return el.get(w(attr))
        el = self.default_rpr.find(f"w:{tag}", NS)
        return el.get(w(attr)) if el is not None else None

    def para_el(self, p, tag: str):
        """The pPr child `tag` that applies to p: direct formatting first, then the style chain."""
        direct = p.find(f"w:pPr/w:{tag}", NS)
        if direct is not None:
            return direct
        ps = p.find("w:pPr/w:pStyle", NS)
        for style in self.style_chain(ps.get(w("val")) if ps is not None else "Normal"):
            el = style.find(f"w:pPr/w:{tag}", NS)
            if el is not None:
                return el
        return None

    def style_ppr_els(self, style_name: str, tag: str):
        sid = self.by_name[style_name].get(w("styleId"))
        return [el for s in self.style_chain(sid) for el in s.findall(f"w:pPr/w:{tag}", NS)]

    def footers(self) -> dict[str, etree._Element]:
        rels = etree.fromstring(self.zip.read("word/_rels/document.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        sect = self.document.find("w:body/w:sectPr", NS)
        out = {}
        for ref in sect.findall("w:footerReference", NS):
            rid = ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            out[ref.get(w("type"))] = etree.fromstring(self.zip.read("word/" + targets[rid]))
        return out


def text_of(p) -> str:
    return "".join(t.text or "" for t in p.iter(w("t")))


def on(el) -> bool:
    return el is not None and el.get(w("val")) not in ("0", "false", "off")


@pytest.fixture(scope="module")
def pkg() -> Package:
    return Package(render_docx(SNAPSHOT))


@pytest.fixture(scope="module")
def section(pkg):
    return pkg.docx.sections[0]


# --- D1–D7: page, margins, grid, footers ---------------------------------------------------------


def test_it_uses_a4_portrait_pages(pkg):  # D1
    for pgsz in pkg.document.iter(w("pgSz")):
        assert (pgsz.get(w("w")), pgsz.get(w("h"))) == ("11906", "16838")
        assert pgsz.get(w("orient")) in (None, "portrait")


def test_it_sets_top_and_left_margins(pkg, section):  # D2
    assert abs(section.top_margin.mm - 37) <= 0.05
    assert abs(section.left_margin.mm - 28) <= 0.05
    pgmar = pkg.document.find("w:body/w:sectPr/w:pgMar", NS)
    assert (pgmar.get(w("top")), pgmar.get(w("left"))) == ("2098", "1587")


def test_it_makes_a_156_by_225_mm_type_area(pkg, section):  # D3
    assert abs(section.page_width.mm - section.left_margin.mm - section.right_margin.mm - 156) <= 0.1
    assert abs(section.page_height.mm - section.top_margin.mm - section.bottom_margin.mm - 225) <= 0.1
    pgmar = pkg.document.find("w:body/w:sectPr/w:pgMar", NS)
    assert (pgmar.get(w("bottom")), pgmar.get(w("right"))) == ("1984", "1474")


def test_it_has_no_gutter(pkg):  # D4
    assert pkg.document.find("w:body/w:sectPr/w:pgMar", NS).get(w("gutter")) == "0"


def test_it_uses_a_line_grid_of_579_twips(pkg):  # D5
    grids = list(pkg.document.iter(w("docGrid")))
    assert grids
    for grid in grids:
        assert grid.get(w("type")) == "lines"
        assert grid.get(w("linePitch")) == "579"
        assert grid.get(w("charSpace")) is None


def test_it_places_the_footer_25_mm_from_the_edge(section):  # D6
    assert section.footer_distance.mm + 6 <= section.bottom_margin.mm
    assert abs(section.footer_distance.mm - 25) <= 0.5
    assert abs(section.header_distance.mm - 15) <= 0.5


def test_it_enables_odd_and_even_footers(pkg):  # D7
    assert pkg.docx.settings.odd_and_even_pages_header_footer is True
    assert pkg.settings.find("w:evenAndOddHeaders", NS) is not None


# --- D8–D10: page numbers ------------------------------------------------------------------------


def test_it_puts_a_page_field_between_em_dashes_in_both_footers(pkg):  # D8
    footers = pkg.footers()
    assert set(footers) == {"default", "even"}
    for ftr in footers.values():
        instr = [t.text for t in ftr.iter(w("instrText"))]
        assert instr == [" PAGE "]
        assert [f.get(w("fldCharType")) for f in ftr.iter(w("fldChar"))] == ["begin", "separate", "end"]
        paras = ftr.findall("w:p", NS)
        assert len(paras) == 1
        assert re.fullmatch(r"— ?\d+ ?—", text_of(paras[0]))
        assert "-" not in text_of(paras[0]) and "－" not in text_of(paras[0])


def test_it_aligns_odd_page_numbers_right_and_even_left_with_one_char_indent(pkg, section):  # D9
    odd = section.footer.paragraphs[0]
    even = section.even_page_footer.paragraphs[0]
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert abs(odd.paragraph_format.right_indent.pt - 14) <= 2
    assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert abs(even.paragraph_format.left_indent.pt - 14) <= 2


def test_it_sets_page_numbers_in_14_pt_songti(pkg):  # D10
    for ftr in pkg.footers().values():
        p = ftr.find("w:p", NS)
        assert pkg.style_name(p) == "GW Page"
        for r in p.findall("w:r", NS):
            assert pkg.run_attr(p, r, "rFonts", "eastAsia") == "宋体"
            assert pkg.run_attr(p, r, "rFonts", "ascii") == "宋体"
            assert pkg.run_attr(p, r, "sz") == "28"
    assert pkg.by_name["GW Page"].find("w:rPr/w:spacing", NS) is None
    line = pkg.style_ppr_els("GW Page", "spacing")[0]
    assert (line.get(w("line")), line.get(w("lineRule"))) == ("320", "exact")


# --- D11–D15: styles ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), sorted({**STYLE_FONTS, **CHAR_STYLE_FONTS}.items()))
def test_it_defines_each_style_with_its_east_asian_font_and_size(pkg, name, expected):  # D11
    font, size = expected
    assert pkg.style_rpr_attr(name, "rFonts", "eastAsia") == font
    assert pkg.style_rpr_attr(name, "sz") == str(size * 2)
    assert pkg.style_rpr_attr(name, "rFonts", "hint") == "eastAsia"  # D17 at style level
    rfonts = pkg.by_name[name].find("w:rPr/w:rFonts", NS)
    assert not [a for a in rfonts.attrib if a.endswith("Theme") or a.endswith("theme")]


def test_it_sets_every_style_type_correctly(pkg):
    for name in STYLE_FONTS:
        assert pkg.by_name[name].get(w("type")) == "paragraph"
    for name in CHAR_STYLE_FONTS:
        assert pkg.by_name[name].get(w("type")) == "character"


@pytest.mark.parametrize(
    "name", ["GW H1", "GW H2", "GW H3", "GW H4", "GW H1 Char", "GW H2 Char", "GW H3 Char"]
)
def test_it_does_not_bold_headings_by_default(pkg, name):  # D11
    b = pkg.by_name[name].find("w:rPr/w:b", NS)
    assert b is None or not on(b)


@pytest.mark.parametrize(
    ("option", "names"), [("h2_bold", ["GW H2", "GW H2 Char"]), ("h3_bold", ["GW H3", "GW H3 Char"])]
)
def test_it_bolds_level_2_or_3_on_request(option, names):  # D11, docs/layout.md §10
    bolded = Package(render_docx(SNAPSHOT, {option: True}))
    for name in names:
        assert on(bolded.by_name[name].find("w:rPr/w:b", NS))
    assert not on(bolded.by_name["GW H1"].find("w:rPr/w:b", NS))
    assert not on(bolded.by_name["GW H4"].find("w:rPr/w:b", NS))


@pytest.mark.parametrize("name", sorted(STYLE_FONTS))
def test_it_gives_every_gw_style_exact_lines_and_no_grid_snapping(pkg, name):  # D12
    style = pkg.docx.styles[name]
    pf = style.paragraph_format
    assert pf.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    expected = 16.0 if name == "GW Page" else 28.95
    assert abs(pf.line_spacing.pt - expected) < 0.01
    assert pf.space_before.pt == 0 and pf.space_after.pt == 0
    snap = pkg.by_name[name].find("w:pPr/w:snapToGrid", NS)
    assert snap is not None and snap.get(w("val")) == "0"
    assert pf.widow_control is False


@pytest.mark.parametrize("name", INDENTED)
def test_it_indents_body_and_headings_by_two_chars(pkg, name):  # D13
    ind = pkg.by_name[name].find("w:pPr/w:ind", NS)
    assert ind.get(w("firstLineChars")) == "200"
    assert ind.get(w("firstLine")) == "640"


@pytest.mark.parametrize("name", ["GW Title", "GW Subtitle", "GW Signature", "GW Date", "GW Page"])
def test_it_gives_no_first_line_indent_to_centred_and_right_aligned_styles(pkg, name):  # D13, §2.1 trap
    for ind in pkg.style_ppr_els(name, "ind"):
        for attr in ("firstLine", "firstLineChars", "hanging", "hangingChars"):
            assert ind.get(w(attr)) in (None, "0")


def test_it_does_not_let_normal_carry_a_first_line_indent(pkg):
    assert pkg.style_ppr_els("Normal", "ind") == []


@pytest.mark.parametrize("name", SIXTEEN_PT)
def test_it_condenses_16_pt_styles_by_a_quarter_point(pkg, name):  # D14
    spacing = pkg.by_name[name].find("w:rPr/w:spacing", NS)
    assert spacing is not None and spacing.get(w("val")) == "-5"


@pytest.mark.parametrize("name", ["GW Title", "GW Page"])
def test_it_does_not_condense_title_and_page_number(pkg, name):  # D14
    # Resolved through the style chain: these styles are based on Normal and must not inherit condensing.
    assert pkg.style_rpr_attr(name, "spacing") is None


def test_it_sets_document_defaults_without_theme_fonts(pkg):  # D15
    rfonts = pkg.default_rpr.find("w:rFonts", NS)
    assert not [a for a in rfonts.attrib if "heme" in a]
    assert rfonts.get(w("eastAsia")) == "仿宋_GB2312"
    assert rfonts.get(w("hint")) == "eastAsia"
    assert pkg.default_rpr.find("w:lang", NS).get(w("eastAsia")) == "zh-CN"
    assert pkg.settings.find("w:themeFontLang", NS).get(w("eastAsia")) == "zh-CN"
    assert pkg.default_ppr.find("w:spacing", NS).get(w("after")) == "0"


def test_it_sets_east_asian_fonts_on_every_style_that_has_fonts(pkg):
    for style in pkg.styles.values():
        rfonts = style.find("w:rPr/w:rFonts", NS)
        if rfonts is not None:
            assert rfonts.get(w("eastAsia")), style.get(w("styleId"))
            assert not [a for a in rfonts.attrib if "heme" in a], style.get(w("styleId"))


# --- D16–D18: runs ----------------------------------------------------------------------------


def _run_role_font(pkg, p, r):
    rstyle = r.find("w:rPr/w:rStyle", NS)
    if rstyle is not None:
        return CHAR_STYLE_FONTS[pkg.styles[rstyle.get(w("val"))].find(w("name")).get(w("val"))]
    return STYLE_FONTS[pkg.style_name(p)]


def test_it_resolves_every_non_empty_run_to_its_roles_font_and_size(pkg):  # D16
    checked = 0
    for p in pkg.paragraphs():
        for r in p.findall("w:r", NS):
            if not text_of(r):
                continue
            font, size = _run_role_font(pkg, p, r)
            assert pkg.run_attr(p, r, "rFonts", "eastAsia") == font, text_of(r)
            assert pkg.run_attr(p, r, "sz") == str(size * 2), text_of(r)
            checked += 1
    assert checked > 20


def test_it_sets_body_runs_in_16_pt_fangsong(pkg):  # D16, the concrete body case
    body = [p for p in pkg.paragraphs() if pkg.style_name(p) == "GW Body" and text_of(p)]
    assert len(body) > 5
    for p in body:
        for r in p.findall("w:r", NS):
            if r.find("w:rPr/w:rStyle", NS) is None:
                assert pkg.run_attr(p, r, "rFonts", "eastAsia") == "仿宋_GB2312"
                assert pkg.run_attr(p, r, "sz") == "32"
                assert pkg.run_attr(p, r, "spacing") == "-5"


def test_it_sets_run_in_heading_parts_in_the_heading_font(pkg):
    runs = [
        (p, r)
        for p in pkg.paragraphs()
        for r in p.findall("w:r", NS)
        if r.find("w:rPr/w:rStyle", NS) is not None
    ]
    assert [text_of(r) for _, r in runs] == ["（一）抓收支、落实财政保障。"]
    p, r = runs[0]
    assert pkg.style_name(p) == "GW Body"
    assert pkg.run_attr(p, r, "rFonts", "eastAsia") == "楷体_GB2312"
    body_run = r.getnext()
    assert text_of(body_run).startswith("全年一般公共预算收入")
    assert pkg.run_attr(p, body_run, "rFonts", "eastAsia") == "仿宋_GB2312"


def test_it_gives_shared_punctuation_the_east_asian_hint(pkg):  # D17
    seen = 0
    for p in pkg.paragraphs():
        for r in p.findall("w:r", NS):
            if set(text_of(r)) & set("“”‘’—…·"):
                assert pkg.run_attr(p, r, "rFonts", "hint") == "eastAsia"
                seen += 1
    assert seen >= 2


def test_it_never_indents_with_spaces_or_breaks(pkg):  # D18
    for p in pkg.paragraphs():
        assert not text_of(p).startswith((" ", "\u3000", "\t", "\u00a0"))
    assert not list(pkg.document.iter(w("br")))
    assert not list(pkg.document.iter(w("tab")))


# --- D19–D22: content --------------------------------------------------------------------------


def _by_style(pkg, name):
    return [p for p in pkg.paragraphs() if pkg.style_name(p) == name]


def test_it_splits_the_title_into_centred_lines_of_at_most_20_chars(pkg):  # D19
    titles = _by_style(pkg, "GW Title")
    assert len(titles) >= 2
    assert "".join(text_of(p) for p in titles) == SNAPSHOT["title"]
    for i, p in enumerate(titles):
        assert display_width(text_of(p)) <= 20.0
        assert pkg.para_el(p, "jc").get(w("val")) == "center"
        if i < len(titles) - 1:
            assert on(pkg.para_el(p, "keepNext"))
    assert text_of(titles[-1])[-1] not in "。，；：！？、"
    assert pkg.paragraphs()[: len(titles)] == titles


def test_it_puts_a_blank_grid_line_after_the_title_block(pkg):
    paras = pkg.paragraphs()
    sub = _by_style(pkg, "GW Subtitle")[0]
    blank = paras[paras.index(sub) + 1]
    assert text_of(blank) == "" and pkg.style_name(blank) == "GW Body"
    assert pkg.para_el(blank, "spacing").get(w("line")) == "579"


CN_VALUE = {cn_int(n): n for n in range(1, 100)}
HEADING_PATTERNS = {
    1: re.compile(r"^([一二三四五六七八九十]+)、"),
    2: re.compile(r"^（([一二三四五六七八九十]+)）"),
    3: re.compile(r"^(\d+)\.(?!\d)"),
    4: re.compile(r"^（(\d+)）"),
}


def _headings(pkg):
    """(level, text) of standalone headings and run-in heading parts, in document order."""
    out = []
    for p in pkg.paragraphs():
        name = pkg.style_name(p)
        if name in ("GW H1", "GW H2", "GW H3", "GW H4"):
            out.append((int(name[-1]), text_of(p)))
        for r in p.findall("w:r", NS):
            rstyle = r.find("w:rPr/w:rStyle", NS)
            if rstyle is not None:
                out.append((int(rstyle.get(w("val"))[3]), text_of(r)))
    return out


def test_it_numbers_headings_per_level_restarting_under_each_parent(pkg):  # D20
    headings = _headings(pkg)
    assert [text for _, text in headings] == [
        "一、2024年预算执行情况",
        "（一）抓收支、落实财政保障。",
        "（二）民生保障",
        "1.教育",
        "2.社会保障",
        "（1）养老",
        "（2）医疗",
        "（三）改革攻坚",
        "二、2025年预算草案",
        "（一）收入预算R&D <w:p> 末",
    ]
    counters = [0] * 5
    for level, text in headings:
        m = HEADING_PATTERNS[level].match(text)
        assert m, text
        counters[level] += 1
        counters[level + 1 :] = [0] * (4 - level)
        value = int(m.group(1)) if level >= 3 else CN_VALUE[m.group(1)]
        assert value == counters[level], text


def test_it_numbers_inline_points_yi_shi_er_shi(pkg):  # §8 inline
    texts = [text_of(p) for p in pkg.paragraphs()]
    joined = next(t for t in texts if "一是" in t)
    assert "一是坚定政治立场。始终坚持党的领导。二是压实政治责任。" in joined
    assert not re.search(r"[一二三]是[，、：]", joined)


def test_it_right_aligns_signature_and_date_with_computed_indents(pkg):  # D21
    (sig,) = _by_style(pkg, "GW Signature")
    (date,) = _by_style(pkg, "GW Date")
    assert text_of(sig) == "某某市财政局"
    assert re.fullmatch(r"\d{4}年[1-9]\d?月[1-9]\d?日", text_of(date))
    for p in (sig, date):
        assert pkg.para_el(p, "jc").get(w("val")) == "right"
        ind = p.find("w:pPr/w:ind", NS)
        assert ind.get(w("firstLine")) is None and ind.get(w("firstLineChars")) is None
    # docs/layout.md §5 measured example: 某某市财政局 / 2024年12月20日 -> 5 字 and 2 字.
    assert sig.find("w:pPr/w:ind", NS).get(w("right")) == str(5 * 320)
    assert date.find("w:pPr/w:ind", NS).get(w("right")) == str(2 * 320)


@pytest.mark.parametrize(
    ("signature", "date", "expected"),
    [
        ("某某市财政局", "2024年12月20日", (5, 2)),  # date longer: date gets 2, signature grows
        ("某某市财政局", "2024年1月5日", (4, 2)),
        ("中共某某市财政局党组", "2024年1月5日", (2, 4)),  # 10 vs 6: date_right = 2 + 10 - 6 - 2
        ("某某市人民政府办公室综合科", "2024年1月5日", (2, 7)),
        ("某某市财政局", "", (2, 0)),
        ("", "2024年1月5日", (0, 2)),
    ],
)
def test_signature_indents_follow_the_no_seal_rule(signature, date, expected):  # §2.1
    sig_right, date_right = signature_indents(signature, date)
    assert (sig_right, date_right) == expected
    if signature and date:
        # The date starts 2 字 right of the signature's first character, both at least 2 字 from the edge.
        sig_left = -(sig_right + display_width(signature))
        date_left = -(date_right + display_width(date))
        assert date_left - sig_left == 2
        assert min(sig_right, date_right) >= 2


def test_it_keeps_the_last_body_paragraph_with_signature_and_date(pkg):  # D22
    paras = pkg.paragraphs()
    sig = _by_style(pkg, "GW Signature")[0]
    i = paras.index(sig)
    last_body, blank = paras[i - 2], paras[i - 1]
    assert text_of(last_body) == "以上报告，请予审议。"
    assert text_of(blank) == ""
    for p in (last_body, blank, sig):
        assert on(pkg.para_el(p, "keepNext"))
    assert on(pkg.para_el(last_body, "keepLines"))
    assert paras[i + 1] is _by_style(pkg, "GW Date")[0]
    assert paras[i + 1] is paras[-1]


def test_it_keeps_standalone_headings_with_the_next_paragraph(pkg):
    for p in pkg.paragraphs():
        if pkg.style_name(p) in ("GW H1", "GW H2", "GW H3", "GW H4", "GW Title", "GW Subtitle"):
            assert on(pkg.para_el(p, "keepNext")), text_of(p)


def test_it_marks_heading_outline_levels(pkg):
    for level in range(1, 5):
        lvl = pkg.by_name[f"GW H{level}"].find("w:pPr/w:outlineLvl", NS)
        assert lvl.get(w("val")) == str(level - 1)
    assert pkg.by_name["GW Body"].find("w:pPr/w:outlineLvl", NS) is None


# --- D23 and robustness ----------------------------------------------------------------------------


def _check_order(parent, sequence):
    tags = [etree.QName(child).localname for child in parent]
    positions = [sequence.index(tag) for tag in tags]  # ValueError: unknown element
    assert positions == sorted(positions), tags
    assert len(set(tags)) == len(tags), tags


def test_it_writes_ppr_and_rpr_children_in_schema_order(pkg):  # D23
    roots = [pkg.document, pkg.styles_root, *pkg.footers().values()]
    n = 0
    for root in roots:
        for ppr in root.iter(w("pPr")):
            _check_order(ppr, PPR_SEQUENCE)
            n += 1
        for rpr in root.iter(w("rPr")):
            _check_order(rpr, RPR_SEQUENCE)
            n += 1
    assert n > 30


def test_it_writes_a_well_formed_package_that_python_docx_opens(pkg):  # D23
    for name in pkg.zip.namelist():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(pkg.zip.read(name))  # raises on malformed XML
    assert pkg.zip.namelist()[0] == "[Content_Types].xml"
    assert len(pkg.docx.paragraphs) == len(pkg.paragraphs())
    assert pkg.zip.testzip() is None


def test_it_escapes_markup_and_drops_characters_xml_cannot_hold(pkg):
    texts = [text_of(p) for p in pkg.paragraphs()]
    opening = next(t for t in texts if t.startswith("2024年，全市财政部门"))
    assert opening.endswith("R&D <w:p> 末")
    assert "第二段以全角空格开头。" in texts
    raw = pkg.zip.read("word/document.xml").decode("utf-8")
    assert "R&amp;D &lt;w:p&gt;" in raw
    for bad in ("\x00", "\x0b", "\x1f", "\ufffe"):
        assert bad not in raw


@pytest.mark.parametrize("field", ["title", "subtitle", "opening", "closing", "signature", "date"])
def test_it_never_fails_on_control_characters_or_lone_surrogates(field):
    junk = "\x00\x01\x0b\x0c\x1b\x7f\ud800\udfff\ud83d\ufffe\uffff"
    snapshot = {**SNAPSHOT, field: junk + "标记" + junk + "文字" + junk}
    raw = Package(render_docx(snapshot)).zip.read("word/document.xml").decode("utf-8")  # strict UTF-8
    assert "标记文字" in raw
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", raw)


def test_it_renders_a_snapshot_with_only_a_title_or_nothing():
    only_title = Package(render_docx({"title": "简短标题"}))
    assert [text_of(p) for p in only_title.paragraphs()] == ["简短标题", ""]
    empty = Package(render_docx({}))
    assert empty.paragraphs() == []
    assert empty.document.find("w:body/w:sectPr", NS) is not None


def test_it_omits_the_signature_block_when_there_is_none():
    out = Package(render_docx({**SNAPSHOT, "signature": "", "date": ""}))
    assert not _by_style(out, "GW Signature") and not _by_style(out, "GW Date")
    assert text_of(out.paragraphs()[-1]) == "以上报告，请予审议。"


def test_it_is_deterministic_and_does_not_leak_between_renders():
    first = render_docx(SNAPSHOT)
    other = render_docx({**SNAPSHOT, "closing": "另一份报告。"})
    assert render_docx(SNAPSHOT) == first
    assert "另一份报告" not in Package(first).zip.read("word/document.xml").decode("utf-8")
    assert "另一份报告" in Package(other).zip.read("word/document.xml").decode("utf-8")


def test_it_changes_latin_font_and_margins_by_option():
    out = Package(render_docx(SNAPSHOT, {"latin_font": "仿宋_GB2312", "compensated_margins": True}))
    assert out.style_rpr_attr("GW Body", "rFonts", "ascii") == "仿宋_GB2312"
    pgmar = out.document.find("w:body/w:sectPr/w:pgMar", NS)
    assert (pgmar.get(w("top")), pgmar.get(w("bottom"))) == ("1960", "1847")
    default = Package(render_docx(SNAPSHOT))
    assert default.style_rpr_attr("GW Body", "rFonts", "ascii") == "Times New Roman"


def test_it_turns_off_autospace_by_default_and_on_by_option(pkg):
    assert pkg.by_name["GW Body"].find("w:pPr/w:autoSpaceDE", NS).get(w("val")) == "0"
    on_ = Package(render_docx(SNAPSHOT, {"autospace": True}))
    assert on_.by_name["GW Body"].find("w:pPr/w:autoSpaceDE", NS) is None


def test_it_rejects_unknown_options():
    with pytest.raises(RenderError, match="unknown render option"):
        render_docx(SNAPSHOT, {"h5_bold": True})
    with pytest.raises(RenderError):
        render_docx(SNAPSHOT, {"latin_font": ""})
