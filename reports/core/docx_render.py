"""GB/T 9704 Word rendering: snapshot -> .docx bytes (docs/layout.md §1–§4).

The package around the text (styles, settings, footers, theme, relationships, content types) is
built once per process and per option set with python-docx and kept as serialized bytes. A render
only flattens the snapshot with `layout_paragraphs`, writes ``word/document.xml`` as a string of
plain WordprocessingML and zips it with the cached parts. Every layout number and font comes from
``templates_docx/layout.json``, read once.

Pure: no Django, no Celery.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .document import Para, layout_paragraphs
from .text import display_width

LAYOUT_PATH = Path(__file__).resolve().parents[2] / "templates_docx" / "layout.json"

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Render options (docs/layout.md §10). None = the value in layout.json.
OPTION_DEFAULTS: dict[str, Any] = {
    "h2_bold": False,  # §10.2: GB says 楷体 only; some units bold level 2
    "h3_bold": False,  # §10.2: many finance bureaus bold "1." headings
    "latin_font": None,  # §10.1: "Times New Roman" or "仿宋_GB2312" for digits and Latin in body text
    "compensated_margins": False,  # §10.4: 34.58/32.58 mm ink-top compensation (unverified source)
    "autospace": None,  # §10.6: False writes autoSpaceDE/DN=0 (strict grid in Word; LibreOffice ignores it)
}

# Schema order of CT_PPr and CT_RPr children (ECMA-376 Part 1, §17.3.1.26 and §17.3.2.28).
PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
    "sectPr", "pPrChange",
)  # fmt: skip
RPR_ORDER = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
    "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
    "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
    "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath",
)  # fmt: skip

# Characters XML 1.0 cannot hold (C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/FFFF),
# tab/LF/CR themselves (inside a paragraph they would be layout by whitespace, docs/layout.md §3.1) and
# DEL/C1 controls (legal XML but "discouraged", invisible, and never meant in a report).
_NOT_TEXT = re.compile("[^\u0020-\u007e\u00a0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The same set minus LF, which separates paragraphs in multi-line snapshot fields.
_NOT_TEXT_OR_LF = re.compile("[^\n\u0020-\u007e\u00a0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LEADING_SPACE = " \u3000\u00a0"


class RenderError(ValueError):
    """Raised for invalid render options or a broken layout file."""


# ---------------------------------------------------------------------------------------------
# Layout data and options


@lru_cache(maxsize=4)
def load_layout(path: Path = LAYOUT_PATH) -> dict[str, Any]:
    """The layout parameters (templates_docx/layout.json), read once per process and path."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _option_key(options: Mapping[str, Any] | None) -> tuple[tuple[str, Any], ...]:
    """Validate options and return them as a hashable, complete, sorted tuple."""
    merged = dict(OPTION_DEFAULTS)
    for key, value in (options or {}).items():
        if key not in OPTION_DEFAULTS:
            raise RenderError(f"unknown render option {key!r}; known: {sorted(OPTION_DEFAULTS)}")
        merged[key] = value
    for key in ("h2_bold", "h3_bold", "compensated_margins"):
        merged[key] = bool(merged[key])
    if merged["autospace"] is not None:
        merged["autospace"] = bool(merged["autospace"])
    if merged["latin_font"] is not None and (
        not isinstance(merged["latin_font"], str) or not merged["latin_font"]
    ):
        raise RenderError("latin_font must be a non-empty font name")
    return tuple(sorted(merged.items()))


# ---------------------------------------------------------------------------------------------
# Small WordprocessingML writers (strings, not objects: the per-render path must stay cheap)


def escape_text(text: str) -> str:
    """Text for a w:t element: characters XML cannot hold removed, then &, <, > escaped."""
    text = _NOT_TEXT.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _el(tag: str, **attrs: Any) -> str:
    """An empty w: element; attribute names are given without the w: prefix."""
    inner = "".join(f' w:{name}="{value}"' for name, value in attrs.items())
    return f"<w:{tag}{inner}/>"


def _ordered(container: str, children: Mapping[str, str], order: tuple[str, ...]) -> str:
    """<w:container> with the given child elements (tag -> xml) in schema order; "" if empty."""
    unknown = set(children) - set(order)
    if unknown:
        raise RenderError(f"{container}: elements not in schema order list: {sorted(unknown)}")
    if not children:
        return ""
    return (
        f"<w:{container}>" + "".join(children[tag] for tag in order if tag in children) + f"</w:{container}>"
    )


def _style_id(name: str) -> str:
    return name.replace(" ", "")


@dataclass(frozen=True)
class _Role:
    """The resolved layout of one paragraph role."""

    name: str
    style: str
    east_asia: str
    latin: str
    size: float
    bold: bool | None
    align: str
    first_line: float
    condense: bool
    keep_next: bool
    outline: int | None
    line: int
    char_style: str | None


def _roles(layout: Mapping[str, Any], opts: Mapping[str, Any]) -> dict[str, _Role]:
    latin_default = opts["latin_font"] or layout["latin_font"]
    bold_override = {"h2": opts["h2_bold"], "h3": opts["h3_bold"]}
    roles: dict[str, _Role] = {}
    for name, spec in layout["roles"].items():
        bold = spec.get("bold")
        if name in bold_override and bold_override[name]:
            bold = True
        roles[name] = _Role(
            name=name,
            style=spec["style"],
            east_asia=spec["east_asia"],
            latin=spec.get("latin") or latin_default,
            size=spec["size"],
            bold=bold,
            align=spec["align"],
            first_line=spec.get("first_line", 0),
            condense=spec.get("condense", False),
            keep_next=spec.get("keep_next", False),
            outline=spec.get("outline"),
            line=spec.get("line") or layout["grid"]["line_pitch"],
            char_style=spec.get("char_style"),
        )
    return roles


def _rfonts(east_asia: str, latin: str) -> str:
    # No *Theme attributes: they would win over the names (docs/layout.md §3.1). hint=eastAsia makes Word
    # draw “ ” ‘ ’ — … with the East Asian font.
    return _el("rFonts", ascii=latin, hAnsi=latin, eastAsia=east_asia, cs=latin, hint="eastAsia")


def _half_points(size: float) -> str:
    return str(round(size * 2))


def _role_rpr(role: _Role, layout: Mapping[str, Any]) -> dict[str, str]:
    rpr = {"rFonts": _rfonts(role.east_asia, role.latin)}
    if role.bold is not None:
        rpr["b"] = _el("b") if role.bold else _el("b", val="0")
        rpr["bCs"] = _el("bCs") if role.bold else _el("bCs", val="0")
    if role.condense:
        rpr["spacing"] = _el("spacing", val=layout["condense"])
    rpr["sz"] = _el("sz", val=_half_points(role.size))
    rpr["szCs"] = _el("szCs", val=_half_points(role.size))
    return rpr


def _role_ppr(role: _Role, layout: Mapping[str, Any], autospace: bool) -> dict[str, str]:
    ppr: dict[str, str] = {}
    if role.keep_next:
        ppr["keepNext"] = _el("keepNext")
    ppr["widowControl"] = _el("widowControl", val="0")  # widow control would break the 22-line page
    # 允许标点溢出边界 on: Word's default, written for LibreOffice (R6). Its DOCX import maps it
    # inverted to "hanging punctuation" (on -> off; absent -> its default, on), and it does not draw
    # the hanging mark of a justified line. With it LibreOffice takes the mark's previous character
    # down with it (a 27-character line); Word still hangs the mark.
    ppr["overflowPunct"] = _el("overflowPunct")
    if not autospace:
        ppr["autoSpaceDE"] = _el("autoSpaceDE", val="0")
        ppr["autoSpaceDN"] = _el("autoSpaceDN", val="0")
    ppr["snapToGrid"] = _el("snapToGrid", val="0")  # R2: LibreOffice snaps exact lines to the grid
    ppr["spacing"] = _el("spacing", before="0", after="0", line=role.line, lineRule="exact")
    if role.first_line:
        # Both attributes: Word reads *Chars, LibreOffice only firstLine (R7).
        ppr["ind"] = _el(
            "ind",
            firstLineChars=round(role.first_line * 100),
            firstLine=round(role.first_line * role.size * 20),
        )
    ppr["jc"] = _el("jc", val=role.align)
    if role.outline is not None:
        ppr["outlineLvl"] = _el("outlineLvl", val=role.outline)
    return ppr


def _paragraph_style_xml(role: _Role, layout: Mapping[str, Any], autospace: bool) -> str:
    sid = _style_id(role.style)
    link = f'<w:link w:val="{_style_id(role.char_style)}"/>' if role.char_style else ""
    return (
        f'<w:style xmlns:w="{_W_NS}" w:type="paragraph" w:customStyle="1" w:styleId="{sid}">'
        f'<w:name w:val="{role.style}"/><w:basedOn w:val="Normal"/><w:next w:val="GWBody"/>{link}'
        f'<w:uiPriority w:val="1"/><w:qFormat/>'
        + _ordered("pPr", _role_ppr(role, layout, autospace), PPR_ORDER)
        + _ordered("rPr", _role_rpr(role, layout), RPR_ORDER)
        + "</w:style>"
    )


def _character_style_xml(role: _Role, layout: Mapping[str, Any]) -> str:
    """Character style for a run-in heading part ("（一）抓党建。" inside a body paragraph)."""
    assert role.char_style
    rpr = _role_rpr(role, layout)
    rpr.pop("spacing", None)  # the paragraph's condensing applies; a char style need not repeat it
    return (
        f'<w:style xmlns:w="{_W_NS}" w:type="character" w:customStyle="1" w:styleId="{_style_id(role.char_style)}">'
        f'<w:name w:val="{role.char_style}"/><w:basedOn w:val="DefaultParagraphFont"/>'
        f'<w:link w:val="{_style_id(role.style)}"/><w:uiPriority w:val="1"/><w:qFormat/>'
        + _ordered("rPr", rpr, RPR_ORDER)
        + "</w:style>"
    )


def _normal_style_xml(layout: Mapping[str, Any], autospace: bool, latin: str) -> str:
    """Normal: 仿宋 16 pt, exact grid line, justified.

    No first-line indent (GW Signature/Date must inherit none, docs/layout.md §5) and no condensing
    (GW Title and GW Page are based on Normal and must not inherit it, D14).
    """
    defaults = layout["defaults"]
    role = _Role(
        name="normal", style="Normal", east_asia=defaults["east_asia"], latin=defaults["latin"] or latin,
        size=defaults["size"], bold=None, align="both", first_line=0, condense=False, keep_next=False,
        outline=None, line=layout["grid"]["line_pitch"], char_style=None,
    )  # fmt: skip
    return (
        f'<w:style xmlns:w="{_W_NS}" w:type="paragraph" w:default="1" w:styleId="Normal">'
        '<w:name w:val="Normal"/><w:qFormat/>'
        + _ordered("pPr", _role_ppr(role, layout, autospace), PPR_ORDER)
        + _ordered("rPr", _role_rpr(role, layout), RPR_ORDER)
        + "</w:style>"
    )


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _page_field_runs(placeholder: str, before: str, after: str) -> str:
    """'— ' PAGE ' —' as runs (GB 7.5: 一字线 U+2014 on each side)."""
    return (
        f'<w:r><w:t xml:space="preserve">{escape_text(before)}</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:t>{placeholder}</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        f'<w:r><w:t xml:space="preserve">{escape_text(after)}</w:t></w:r>'
    )


def _footer_paragraph_xml(layout: Mapping[str, Any], page_style: str, *, odd: bool) -> str:
    footer = layout["footer"]
    ppr = {"pStyle": _el("pStyle", val=_style_id(page_style))}
    if odd:  # odd pages: 居右空一字
        ppr["ind"] = _el("ind", right=footer["indent"])
        ppr["jc"] = _el("jc", val="right")
    else:  # even pages: 居左空一字
        ppr["ind"] = _el("ind", left=footer["indent"])
        ppr["jc"] = _el("jc", val="left")
    return (
        f'<w:p xmlns:w="{_W_NS}">'
        + _ordered("pPr", ppr, PPR_ORDER)
        + _page_field_runs("1" if odd else "2", footer["before"], footer["after"])
        + "</w:p>"
    )


def _font_table_xml(layout: Mapping[str, Any]) -> bytes:
    fonts = []
    for name, spec in layout["font_table"].items():
        alt = f'<w:altName w:val="{spec["alt"]}"/>' if spec.get("alt") else ""
        fonts.append(
            f'<w:font w:name="{name}">{alt}<w:charset w:val="{spec["charset"]}"/>'
            f'<w:family w:val="{spec["family"]}"/><w:pitch w:val="{spec["pitch"]}"/></w:font>'
        )
    xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<w:fonts xmlns:w="{_W_NS}" xmlns:r="{_R_NS}">' + "".join(fonts) + "</w:fonts>"
    )
    return xml.encode("utf-8")


# ---------------------------------------------------------------------------------------------
# The cached base package


@dataclass(frozen=True)
class _Package:
    parts: tuple[tuple[str, bytes | None], ...]  # zip order; None marks word/document.xml
    head: str  # XML declaration, <w:document …><w:body>
    tail: str  # <w:sectPr>…</w:sectPr></w:body></w:document>
    footer_refs: str  # the odd and even <w:footerReference …/> of a numbered section
    page_xml: str  # <w:pgSz/><w:pgMar/>
    grid_xml: str  # <w:cols/><w:docGrid/>
    para_open: Mapping[str, str]  # role -> "<w:p><w:pPr><w:pStyle …/>" (left open for keepNext etc.)
    style_keep_next: Mapping[str, bool]
    run_open: Mapping[str, str]  # run style ("" or "h1".."h4") -> "<w:r>…<w:t xml:space=…>"
    char_width: int
    signature: Mapping[str, float]
    blank_role: str


_KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}


@lru_cache(maxsize=16)
def _base_package(option_key: tuple[tuple[str, Any], ...]) -> _Package:
    """Build the package for one option set with python-docx and serialize everything but the body."""
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    opts = dict(option_key)
    layout = load_layout()
    roles = _roles(layout, opts)
    autospace = layout["autospace"] if opts["autospace"] is None else opts["autospace"]
    latin = opts["latin_font"] or layout["latin_font"]

    doc = Document()
    part = doc.part

    # Drop parts a generated report does not need (Word 2010 style cache, thumbnail, custom XML).
    for rel in list(part.rels.values()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
            part.drop_rel(rel.rId)
    for rel in list(part.package.rels.values()):
        if rel.reltype.endswith("/thumbnail"):
            part.package.rels.pop(rel.rId)

    # Styles: docDefaults without theme fonts, zh-CN; only the styles this document uses.
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    dflt = layout["defaults"]
    rpr_default = {
        "rFonts": _rfonts(dflt["east_asia"], dflt["latin"] or latin),
        "sz": _el("sz", val=_half_points(dflt["size"])),
        "szCs": _el("szCs", val=_half_points(dflt["size"])),
        "lang": _el("lang", val=layout["lang"]["val"], eastAsia=layout["lang"]["east_asia"], bidi="ar-SA"),
    }
    defaults.clear()
    defaults.append(
        parse_xml(f'<w:rPrDefault xmlns:w="{_W_NS}">{_ordered("rPr", rpr_default, RPR_ORDER)}</w:rPrDefault>')
    )
    defaults.append(
        parse_xml(
            f'<w:pPrDefault xmlns:w="{_W_NS}"><w:pPr>'
            '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
        )
    )
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in _KEEP_STYLES:
            styles.remove(style)
        elif style.get(qn("w:styleId")) == "Normal":
            style.addprevious(parse_xml(_normal_style_xml(layout, autospace, latin)))
            styles.remove(style)
    for role in roles.values():
        styles.append(parse_xml(_paragraph_style_xml(role, layout, autospace)))
    for role in roles.values():
        if role.char_style:
            styles.append(parse_xml(_character_style_xml(role, layout)))

    # Settings: odd/even footers, East Asian theme language.
    doc.settings.odd_and_even_pages_header_footer = True
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), layout["lang"]["val"])
        theme_lang.set(qn("w:eastAsia"), layout["lang"]["east_asia"])

    # Core properties: nothing from python-docx's template, no build-time timestamps.
    core = doc.core_properties
    core.author = core.comments = core.last_modified_by = ""
    core.revision = 1
    for tag in ("dcterms:created", "dcterms:modified"):
        for el in core._element.findall(qn(tag)):
            core._element.remove(el)

    # Section: page, margins, footers. The body itself is written per render.
    section = doc.sections[0]
    for p in list(doc.element.body.iterchildren(qn("w:p"))):
        doc.element.body.remove(p)
    page_role = roles["page"]
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        ftr = footer._element
        for child in list(ftr):
            ftr.remove(child)
        ftr.append(parse_xml(_footer_paragraph_xml(layout, page_role.style, odd=odd)))
    doc.save(buf := io.BytesIO())

    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        raw = {info.filename: zf.read(info) for info in zf.infolist()}
    raw["word/fontTable.xml"] = _font_table_xml(layout)
    document_xml = raw["word/document.xml"].decode("utf-8")
    head = document_xml[: document_xml.index("<w:body>") + len("<w:body>")]
    footer_refs = "".join(re.findall(r"<w:footerReference [^>]*/>", document_xml))
    parts = tuple((name, None if name == "word/document.xml" else data) for name, data in raw.items())

    page = dict(layout["page"])
    if opts["compensated_margins"]:
        page.update(layout["compensated_margins"])
    page_xml = _el("pgSz", w=page["width"], h=page["height"]) + _el(
        "pgMar",
        top=page["top"],
        right=page["right"],
        bottom=page["bottom"],
        left=page["left"],
        header=page["header"],
        footer=page["footer"],
        gutter=page["gutter"],
    )
    grid_xml = _el("cols", space="425") + _el(
        "docGrid", type=layout["grid"]["type"], linePitch=layout["grid"]["line_pitch"]
    )
    tail = (
        f"<w:sectPr>{footer_refs}{page_xml}"
        + _el("pgNumType", start="1")
        + f"{grid_xml}</w:sectPr></w:body></w:document>"
    )

    para_open = {
        name: f'<w:p><w:pPr><w:pStyle w:val="{_style_id(role.style)}"/>' for name, role in roles.items()
    }
    run_open = {"": '<w:r><w:t xml:space="preserve">'}
    for name, role in roles.items():
        if role.char_style:
            run_open[name] = (
                f'<w:r><w:rPr><w:rStyle w:val="{_style_id(role.char_style)}"/></w:rPr>'
                '<w:t xml:space="preserve">'
            )
    return _Package(
        parts=parts,
        head=head,
        tail=tail,
        footer_refs=footer_refs,
        page_xml=page_xml,
        grid_xml=grid_xml,
        para_open=para_open,
        style_keep_next={name: role.keep_next for name, role in roles.items()},
        run_open=run_open,
        char_width=layout["char_width"],
        signature=layout["signature"],
        blank_role=layout["blank_role"],
    )


# ---------------------------------------------------------------------------------------------
# Per render


def signature_indents(
    signature: str, date: str, gap: float = 2, date_offset: float = 2
) -> tuple[float, float]:
    """Right indents in 字 of the signature and date lines, no seal (GB 7.3.5.2, docs/layout.md §5).

    The signature has `gap` 字 on its right; the date starts `date_offset` 字 right of the
    signature's first character; a date too long for that gets `gap` and pushes the signature left.
    Widths count full-width characters as 1 and half-width ones as 0.5.
    "某某市财政局" / "2024年12月20日" gives (5, 2).
    """
    ls, ld = display_width(signature), display_width(date)
    if not signature:
        return 0.0, float(gap)
    if not date:
        return float(gap), 0.0
    date_right = gap + ls - ld - date_offset
    date_right = max(date_right, gap)
    sig_right = date_right + ld + date_offset - ls
    return float(sig_right), float(date_right)


def _paragraph_xml(para: Para, pkg: _Package, indent: float | None) -> str:
    role = pkg.blank_role if para.role == "blank" else para.role
    out = [pkg.para_open[role]]
    # Direct pPr after pStyle, in schema order: keepNext, keepLines, ind.
    if para.keep_next and not pkg.style_keep_next[role]:
        out.append("<w:keepNext/>")
    if para.keep_lines:
        out.append("<w:keepLines/>")
    if indent is not None:
        out.append(f'<w:ind w:right="{round(indent * pkg.char_width)}"/>')
    out.append("</w:pPr>")
    first = True
    for run in para.runs:
        text = _NOT_TEXT.sub("", run.text)
        if first:
            text = text.lstrip(_LEADING_SPACE)  # indentation comes from the style (D18)
        if not text:
            continue
        first = False
        out.append(pkg.run_open.get(run.style, pkg.run_open[""]))
        out.append(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
        out.append("</w:t></w:r>")
    out.append("</w:p>")
    return "".join(out)


def section_xml(pkg: _Package, *, footers: bool = True, start: str = "", restart: bool = False) -> str:
    """A <w:sectPr> with the package's page and grid.

    footers: the odd/even page-number footers (False: a section without page numbers, such as a
    cover); start: how the section begins ("" = next page, or "oddPage", "evenPage", …);
    restart: page numbers start again at 1 here.
    """
    kind = _el("type", val=start) if start else ""
    numbers = _el("pgNumType", start="1") if restart else ""
    refs = pkg.footer_refs if footers else ""
    return f"<w:sectPr>{refs}{kind}{pkg.page_xml}{numbers}{pkg.grid_xml}</w:sectPr>"


def body_xml(paras: Iterable[Para], pkg: _Package) -> list[str]:
    """The <w:p> elements of a report's paragraphs (signature and date indented), one string each."""
    paras = list(paras)
    sig = next((p.text for p in paras if p.role == "signature"), "")
    date = next((p.text for p in paras if p.role == "date"), "")
    sig_right, date_right = signature_indents(
        _NOT_TEXT.sub("", sig).strip(), _NOT_TEXT.sub("", date).strip(), **pkg.signature
    )
    indents = {"signature": sig_right, "date": date_right}
    return [_paragraph_xml(p, pkg, indents.get(p.role)) for p in paras]


def document_xml(paras: Iterable[Para], pkg: _Package) -> str:
    return pkg.head + "".join(body_xml(paras, pkg)) + pkg.tail


def zip_parts(parts: Iterable[tuple[str, bytes]]) -> bytes:
    """Zip package parts deterministically (fixed timestamps, deflate)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


def _sanitize(value: Any) -> Any:
    """A copy of a snapshot with characters XML cannot hold removed from every string.

    Done before layout so that title splitting and signature arithmetic measure the text that will
    actually be printed. CR and CRLF become LF (the paragraph separator).
    """
    if isinstance(value, str):
        return _NOT_TEXT_OR_LF.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(value, Mapping):
        return {key: _sanitize(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_sanitize(item) for item in value]
    return value


def base_package(options: Mapping[str, Any] | None = None) -> _Package:
    """The cached package for these render options (RenderError for an unknown option)."""
    return _base_package(_option_key(options))


def report_paragraphs(snapshot: Mapping[str, Any]) -> list[Para]:
    """The printed paragraphs of a snapshot, characters XML cannot hold removed first."""
    return layout_paragraphs(_sanitize(snapshot))


def package_parts(pkg: _Package, document: str) -> list[tuple[str, bytes]]:
    """The package's parts in zip order with `document` as word/document.xml."""
    body = document.encode("utf-8")
    return [(name, body if data is None else data) for name, data in pkg.parts]


def render_parts(
    snapshot: Mapping[str, Any], options: Mapping[str, Any] | None = None
) -> list[tuple[str, bytes]]:
    """The package parts of a render, in zip order (used by render_docx and the benchmark)."""
    pkg = base_package(options)
    return package_parts(pkg, document_xml(report_paragraphs(snapshot), pkg))


def render_docx(snapshot: Mapping[str, Any], options: Mapping[str, Any] | None = None) -> bytes:
    """Render a report snapshot (see reports.core.document) to GB/T 9704 .docx bytes.

    options: see OPTION_DEFAULTS (h2_bold, h3_bold, latin_font, compensated_margins, autospace);
    an unknown key raises RenderError. Text is written as given, minus characters XML 1.0 cannot
    hold (control characters, lone surrogates) and leading spaces of a paragraph; it never makes the
    render fail. Same snapshot and options give the same bytes. Thread-safe after the first call
    per option set (the cached package is immutable).
    """
    return zip_parts(render_parts(snapshot, options))
