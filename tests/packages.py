"""Office packages built for the import tests: .docx files written XML by XML (literal numbers, Word
auto-numbering and heading styles), a good .xlsx, and hostile ones (the billion-laughs entity bomb)."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import openpyxl

from reports.core.importer.markers import heading_marker
from reports.core.text import clean_text


def source_paragraphs(text: str) -> list[str]:
    return [line.strip() for line in clean_text(text).split("\n") if line.strip()]


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>'
    "</Relationships>"
)
# Style ids as Chinese Word writes them ("1", "2"), names as in every Word ("heading 1").
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{W}">'
    '<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/>'
    '<w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:basedOn w:val="a"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="3"><w:name w:val="heading 3"/><w:basedOn w:val="a"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="a"/></w:style>'
    '<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/><w:rPr><w:b/></w:rPr></w:style>'
    "</w:styles>"
)
# A Chinese multilevel list: 一、 / （一） / 1. / （1）
NUMBERING = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="{W}">'
    '<w:abstractNum w:abstractNumId="0">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
    '<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="（%4）"/></w:lvl>'
    "</w:abstractNum>"
    '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum>'
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    "</w:numbering>"
)


def w_paragraph(
    text: str, *, style: str = "", num: tuple[int, int] | None = None, bold: bool = False, jc: str = ""
) -> str:
    ppr = ""
    if style or num or jc:
        ppr = "<w:pPr>"
        ppr += f'<w:pStyle w:val="{style}"/>' if style else ""
        ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>' if num else ""
        ppr += f'<w:jc w:val="{jc}"/>' if jc else ""
        ppr += "</w:pPr>"
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def document_xml(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>{body}<w:sectPr/></w:body></w:document>'


def package(
    document: str | bytes,
    *,
    extra: dict[str, bytes | str] | None = None,
    numbering: str = NUMBERING,
    styles: str = STYLES,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("word/_rels/document.xml.rels", DOCUMENT_RELS)
        archive.writestr("word/document.xml", document)
        archive.writestr("word/styles.xml", styles)
        archive.writestr("word/numbering.xml", numbering)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_literal(text: str) -> bytes:
    """Every line one paragraph, numbers typed as text (what a pasted-into-Word report is)."""
    return package(document_xml("".join(w_paragraph(line) for line in source_paragraphs(text))))


def docx_auto(text: str) -> bytes:
    """Heading numbers as a Word multilevel list (numPr -> numbering.xml), standalone headings
    with heading styles, run-in headings numbered in body style; points stay literal."""
    body = []
    for line in source_paragraphs(text):
        marker = heading_marker(line)
        if marker is None or marker.rank > 4:
            body.append(w_paragraph(line))
            continue
        rest = line[len(marker.text) :]
        standalone = "。" not in rest
        style = str(min(marker.rank, 3)) if standalone else ""
        body.append(w_paragraph(rest, style=style, num=(1, marker.rank - 1)))
    return package(document_xml("".join(body)))


SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def laughs(root: str = "worksheet", ns: str = SHEET_NS, levels: int = 9, rows: int = 1) -> str:
    """The billion-laughs document: each of `rows` cells holds 30 * 10**(levels - 1) characters,
    declared in a few hundred bytes. A header row first, so that the metric importer reads on."""
    entities = "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "lol" * 10}">'
        for i in range(1, levels + 1)
    )
    cells = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>&lol{levels};</t></is></c></row>'
        for r in range(2, rows + 2)
    )
    header = "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for col, name in zip("ABC", ("指标名称", "数值", "单位"), strict=True)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE {root} [{entities}]>\n'
        f'<{root} xmlns="{ns}"><sheetData><row r="1">{header}</row>{cells}</sheetData></{root}>'
    )


def good_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["指标名称", "数值", "单位"])
    workbook.active.append(["一般公共预算收入", 186.4, "亿元"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def replace_entry(data: bytes, name: str, content: bytes | str) -> bytes:
    """The package with one entry replaced (or added)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info))
        target.writestr(name, content)
    return out.getvalue()


def laughs_xlsx() -> bytes:
    """An entity bomb that stays under the expat library's amplification limit: 1,900 rows of 3,000
    characters each from 15 KB (measured on the code before the DTD check: 2.9 s and 75 MB per
    upload through the view, 30 MB of it never returned after 20 uploads)."""
    return replace_entry(good_xlsx(), "xl/worksheets/sheet1.xml", laughs(levels=3, rows=1900))


def laughs_docx() -> bytes:
    return package(laughs("w:document", "http://schemas.openxmlformats.org/wordprocessingml/2006/main"))
