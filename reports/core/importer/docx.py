"""Read the paragraphs of an untrusted .docx without python-docx.

Order of defence: size (MAX_DOCX_BYTES) -> the package (safezip.check_zip with ZIP_LIMITS: entry
count, zip-slip names, encryption, declared sizes, compression ratio, then a DOCTYPE / ENTITY
declaration in any XML entry) -> each XML part read with a hard byte cap (MAX_PART_BYTES) -> the
DTD check again on the bytes about to be parsed -> lxml with entities, DTDs and network access off
and huge_tree off. Only the main document, its styles and its numbering are read; pictures and
everything else are never parsed.

Per paragraph we keep its text (runs, tabs, line breaks; deleted revisions skipped), the Word
auto-numbering text computed from numbering.xml ("一、", "（一）", "1."), the heading level from
its style (heading N / 标题 N, or an outline level, following basedOn), Title/Subtitle roles,
alignment and whether all of its text is bold.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ..numbering import cn_int
from ..safezip import MB, UnsafeZip, check_zip, read_member
from .limits import MAX_DOCX_BYTES, MAX_PARAGRAPHS, MAX_PART_BYTES, ZIP_LIMITS, ImportRefused
from .model import Paragraph

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_INVALID = "文件不是有效的 Word（.docx）文件"
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
DTD_MESSAGE = "Word 文件中含有不允许的文档类型声明（DTD/外部实体），可能是恶意文件，已拒绝"
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$")
_FALSE = ("0", "false", "off", "none")
_RUN_CONTAINERS = (
    "hyperlink",
    "ins",
    "moveTo",
    "smartTag",
    "customXml",
    "sdt",
    "sdtContent",
    "fldSimple",
    "bdo",
    "dir",
)
_BLOCK_CONTAINERS = ("sdt", "sdtContent", "customXml", "ins", "moveTo")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def zip_message(exc: UnsafeZip) -> str:
    reason = exc.reason
    if reason == "ole2":
        return "文件是旧版 Word（.doc）文件或设置了打开密码，请在 Word 中取消密码并另存为 .docx 后上传"
    if reason == "too_many":
        return f"Word 文件内部结构异常：内部文件过多（{exc.count} 个，上限 {exc.limit} 个），已拒绝"
    if reason == "unsafe_name":
        return "Word 文件内部结构异常：包含不安全的内部路径，已拒绝"
    if reason == "encrypted":
        return "Word 文件已加密，请取消密码后重新上传"
    if reason == "ratio":
        return "Word 文件内部结构异常：压缩比异常，疑似压缩炸弹，已拒绝"
    if reason == "too_big":
        return f"Word 文件解压后过大（超过 {max(exc.limit // MB, 1)} MB），已拒绝"
    if reason == "dtd":
        return DTD_MESSAGE
    if reason == "xml_encoding":
        return f"{_INVALID}：内容编码异常"
    return f"{_INVALID}（可能是其他类型的文件改了扩展名），请用 Word 另存为 .docx 后上传"


def parse_xml(data: bytes) -> Any:
    """Parse one XML part of the package, refusing DTDs, entities and anything but UTF-8."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]:
        raise ImportRefused(f"{_INVALID}：内容编码异常")
    if _DTD.search(data):
        raise ImportRefused(DTD_MESSAGE)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ImportRefused("Word 文件内容已损坏，无法读取") from exc
    if root.getroottree().docinfo.doctype:
        raise ImportRefused(DTD_MESSAGE)
    return root


def _rel_targets(archive: Any, part: str) -> dict[str, str]:
    """Relationship type suffix ("officeDocument", "styles", "numbering") -> part name."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    data = read_member(archive, rels_name, MB)
    if data is None:
        return {}
    targets: dict[str, str] = {}
    for rel in parse_xml(data).iter(f"{{{_REL}}}Relationship"):
        kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        targets.setdefault(kind, path)
    return targets


# --- styles ----------------------------------------------------------------------------------------


@dataclass
class _Style:
    name: str = ""
    based_on: str = ""
    outline: int | None = None
    num: tuple[str, int] | None = None
    bold: bool | None = None


def _val(el: Any, ns: str) -> str | None:
    return None if el is None else el.get(f"{{{ns}}}val")


def _on(el: Any, ns: str) -> bool | None:
    if el is None:
        return None
    value = el.get(f"{{{ns}}}val")
    return value is None or value.lower() not in _FALSE


def _num_pr(ppr: Any, ns: str) -> tuple[str, int] | None:
    num_pr = ppr.find(f"{{{ns}}}numPr") if ppr is not None else None
    if num_pr is None:
        return None
    num_id = _val(num_pr.find(f"{{{ns}}}numId"), ns)
    ilvl = _val(num_pr.find(f"{{{ns}}}ilvl"), ns)
    if num_id is None:
        return None
    return num_id, int(ilvl) if ilvl and ilvl.isdigit() else 0


class _Styles:
    def __init__(self, root: Any, ns: str) -> None:
        self.styles: dict[str, _Style] = {}
        self.default_paragraph = ""
        if root is None:
            return
        for st in root.iter(f"{{{ns}}}style"):
            sid = st.get(f"{{{ns}}}styleId") or ""
            ppr = st.find(f"{{{ns}}}pPr")
            rpr = st.find(f"{{{ns}}}rPr")
            outline = _val(ppr.find(f"{{{ns}}}outlineLvl"), ns) if ppr is not None else None
            self.styles[sid] = _Style(
                name=(_val(st.find(f"{{{ns}}}name"), ns) or "").strip().lower(),
                based_on=_val(st.find(f"{{{ns}}}basedOn"), ns) or "",
                outline=int(outline) if outline and outline.isdigit() else None,
                num=_num_pr(ppr, ns),
                bold=_on(rpr.find(f"{{{ns}}}b"), ns) if rpr is not None else None,
            )
            if st.get(f"{{{ns}}}type") == "paragraph" and _on_attr(st.get(f"{{{ns}}}default")):
                self.default_paragraph = sid

    def chain(self, sid: str) -> list[_Style]:
        out: list[_Style] = []
        seen: set[str] = set()
        while sid and sid not in seen and len(out) < 10:
            seen.add(sid)
            style = self.styles.get(sid)
            if style is None:
                break
            out.append(style)
            sid = style.based_on
        return out

    def level(self, sid: str) -> int | None:
        for style in self.chain(sid):
            m = _HEADING_STYLE.match(style.name)
            if m:
                return int(m.group(1))
            if style.outline is not None:
                return style.outline + 1 if style.outline < 9 else None
        return None

    def role(self, sid: str) -> str:
        names = [style.name for style in self.chain(sid)[:1]]
        if names and names[0] in ("title", "标题"):
            return "title"
        if names and names[0] in ("subtitle", "副标题"):
            return "subtitle"
        return ""

    def num(self, sid: str) -> tuple[str, int] | None:
        return next((s.num for s in self.chain(sid) if s.num is not None), None)

    def bold(self, sid: str) -> bool:
        return next((s.bold for s in self.chain(sid) if s.bold is not None), False)


def _on_attr(value: str | None) -> bool:
    return value is not None and value.lower() not in _FALSE


# --- numbering -------------------------------------------------------------------------------------

_TEN_STEMS = "甲乙丙丁戊己庚辛壬癸"
_ZODIAC = "子丑寅卯辰巳午未申酉戌亥"
_UPPER_CN = str.maketrans("一二三四五六七八九十百千", "壹贰叁肆伍陆柒捌玖拾佰仟")
_IDEO_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")
_FULL_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _roman(n: int) -> str:
    out = []
    for value, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def format_counter(n: int, fmt: str) -> str:
    """One level's counter in Word's number format (the common Chinese and Western ones)."""
    if (
        fmt
        in (
            "chineseCounting",
            "chineseCountingThousand",
            "japaneseCounting",
            "taiwaneseCounting",
            "koreanCounting",
            "ideographLegalTraditional",
        )
        and 1 <= n <= 9999
    ):
        return cn_int(n)
    if fmt == "chineseLegalSimplified" and 1 <= n <= 9999:
        return cn_int(n).translate(_UPPER_CN)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return str(n).translate(_IDEO_DIGITS)
    if fmt == "ideographTraditional" and n >= 1:
        return _TEN_STEMS[(n - 1) % 10]
    if fmt == "ideographZodiac" and n >= 1:
        return _ZODIAC[(n - 1) % 12]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(_FULL_DIGITS)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter") and n >= 1:
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and n >= 1:
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""


@dataclass
class _Numbering:
    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = field(default_factory=dict)
    counters: dict[str, list[int | None]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, root: Any, ns: str) -> _Numbering:
        numbering = cls()
        if root is None:
            return numbering
        for an in root.iter(f"{{{ns}}}abstractNum"):
            aid = an.get(f"{{{ns}}}abstractNumId") or ""
            numbering.abstract[aid] = dict(_levels(an, ns))
        for num in root.iter(f"{{{ns}}}num"):
            nid = num.get(f"{{{ns}}}numId") or ""
            aid = _val(num.find(f"{{{ns}}}abstractNumId"), ns) or ""
            starts: dict[int, int] = {}
            overrides: dict[int, _Level] = {}
            for ov in num.iter(f"{{{ns}}}lvlOverride"):
                ilvl = _int(ov.get(f"{{{ns}}}ilvl"), 0)
                start = _val(ov.find(f"{{{ns}}}startOverride"), ns)
                if start is not None:
                    starts[ilvl] = _int(start, 1)
                for lvl_no, lvl in _levels(ov, ns):
                    overrides[lvl_no] = lvl
            numbering.nums[nid] = (aid, starts, overrides)
        return numbering

    def next(self, num_id: str, ilvl: int) -> str:
        """Advance the list's counter at ilvl and return the number text ("" if none)."""
        entry = self.nums.get(num_id)
        if entry is None or num_id == "0":
            return ""
        aid, starts, overrides = entry
        levels = dict(self.abstract.get(aid, {}))
        levels.update(overrides)
        ilvl = min(max(ilvl, 0), 8)
        state = self.counters.setdefault(aid, [None] * 9)
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl_no, start in starts.items():
                if 0 <= lvl_no < 9:
                    state[lvl_no] = start - 1
        level = levels.get(ilvl, _Level())
        current = state[ilvl]
        state[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            state[deeper] = None
        if level.fmt == "bullet":
            return level.text
        if level.fmt == "none":
            return ""

        def number(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lvl = levels.get(k, _Level())
            value = state[k] if state[k] is not None else lvl.start
            return format_counter(value or 0, lvl.fmt)

        return re.sub(r"%([1-9])", number, level.text)


def _levels(parent: Any, ns: str) -> list[tuple[int, _Level]]:
    out = []
    for lvl in parent.findall(f"{{{ns}}}lvl"):
        out.append(
            (
                _int(lvl.get(f"{{{ns}}}ilvl"), 0),
                _Level(
                    start=_int(_val(lvl.find(f"{{{ns}}}start"), ns), 1),
                    fmt=_val(lvl.find(f"{{{ns}}}numFmt"), ns) or "decimal",
                    text=_val(lvl.find(f"{{{ns}}}lvlText"), ns) or "",
                ),
            )
        )
    return out


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# --- paragraphs ------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, ns: str, styles: _Styles, numbering: _Numbering) -> None:
        self.ns = ns
        self.styles = styles
        self.numbering = numbering
        self.out: list[Paragraph] = []

    def q(self, name: str) -> str:
        return f"{{{self.ns}}}{name}"

    def walk(self, el: Any, in_table: bool) -> None:
        for child in el:
            tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if tag == "p":
                self.paragraph(child, in_table)
            elif tag == "tbl":
                for tr in child.findall(self.q("tr")):
                    for tc in tr.findall(self.q("tc")):
                        self.walk(tc, True)
            elif tag in _BLOCK_CONTAINERS:
                self.walk(child, in_table)

    def runs(self, el: Any, pieces: list[tuple[str, bool | None]], style_bold: bool) -> None:
        ns = self.ns
        for child in el:
            if not isinstance(child.tag, str):
                continue
            tag = etree.QName(child).localname
            if tag == "r":
                rpr = child.find(self.q("rPr"))
                bold = _on(rpr.find(self.q("b")), ns) if rpr is not None else None
                if bold is None and rpr is not None:
                    rstyle = _val(rpr.find(self.q("rStyle")), ns)
                    if rstyle:
                        bold = self.styles.bold(rstyle) or None
                bold = style_bold if bold is None else bold
                for part in child:
                    if not isinstance(part.tag, str):
                        continue
                    name = etree.QName(part).localname
                    if name == "t":
                        pieces.append((part.text or "", bold))
                    elif name == "tab":
                        pieces.append(("\t", None))
                    elif name in ("br", "cr"):
                        pieces.append(("\n", None))
                    elif name == "noBreakHyphen":
                        pieces.append(("-", bold))
            elif tag in _RUN_CONTAINERS:
                self.runs(child, pieces, style_bold)

    def paragraph(self, p: Any, in_table: bool) -> None:
        if len(self.out) >= MAX_PARAGRAPHS:
            raise ImportRefused(f"Word 文件段落过多（超过 {MAX_PARAGRAPHS} 段），请分开导入")
        ns = self.ns
        ppr = p.find(self.q("pPr"))
        sid = (
            _val(ppr.find(self.q("pStyle")), ns) if ppr is not None else None
        ) or self.styles.default_paragraph
        level = self.styles.level(sid)
        outline = _val(ppr.find(self.q("outlineLvl")), ns) if ppr is not None else None
        if outline is not None and outline.isdigit():
            level = int(outline) + 1 if int(outline) < 9 else None
        num = _num_pr(ppr, ns) if ppr is not None else None
        if num is None:
            num = self.styles.num(sid)
        elif ppr is not None and ppr.find(self.q("numPr")).find(self.q("ilvl")) is None:
            style_num = self.styles.num(sid)
            if style_num is not None and style_num[0] == num[0]:
                num = (num[0], style_num[1])
        jc = _val(ppr.find(self.q("jc")), ns) if ppr is not None else None
        pieces: list[tuple[str, bool | None]] = []
        self.runs(p, pieces, self.styles.bold(sid))
        text = "".join(t for t, _ in pieces)
        number = self.numbering.next(*num) if num is not None else ""
        visible = [b for t, b in pieces if t.strip()]
        self.out.append(
            Paragraph(
                text=text,
                number=number,
                level=level,
                bold=bool(visible) and all(visible),
                role=self.styles.role(sid),
                align={"end": "right", "start": "left"}.get(jc or "", jc or ""),
                in_table=in_table,
                style=sid,
            )
        )


def check_docx_size(data: bytes) -> None:
    """ImportRefused for an empty file or one over MAX_DOCX_BYTES (before it is opened)."""
    if not data:
        raise ImportRefused("文件是空的")
    if len(data) > MAX_DOCX_BYTES:
        raise ImportRefused(f"Word 文件过大（{len(data) / MB:.1f} MB），上限为 {MAX_DOCX_BYTES // MB} MB")


def read_main_part(archive) -> tuple[str, bytes]:
    """(name, bytes) of the package's main document part (word/document.xml unless the package
    relationships name another), read within MAX_PART_BYTES, or ImportRefused."""
    main = _rel_targets(archive, "").get("officeDocument") or "word/document.xml"
    document = read_member(archive, main, MAX_PART_BYTES)
    if document is None:
        raise ImportRefused(f"{_INVALID}：缺少正文部分（word/document.xml）")
    return main, document


def read_docx(data: bytes) -> list[Paragraph]:
    """The paragraphs of a .docx in reading order (table cells flattened), or ImportRefused."""
    check_docx_size(data)
    try:
        with check_zip(data, ZIP_LIMITS) as archive:
            main, document = read_main_part(archive)
            parts = _rel_targets(archive, main)
            styles_xml = read_member(archive, parts["styles"], MAX_PART_BYTES) if "styles" in parts else None
            numbering_xml = (
                read_member(archive, parts["numbering"], MAX_PART_BYTES) if "numbering" in parts else None
            )
    except UnsafeZip as exc:
        raise ImportRefused(zip_message(exc)) from exc
    root = parse_xml(document)
    ns = etree.QName(root).namespace or _W
    if ns not in (_W, _W_STRICT) or etree.QName(root).localname != "document":
        raise ImportRefused(f"{_INVALID}：正文格式无法识别")
    styles = _Styles(parse_xml(styles_xml) if styles_xml else None, ns)
    numbering = _Numbering.read(parse_xml(numbering_xml) if numbering_xml else None, ns)
    body = root.find(f"{{{ns}}}body")
    reader = _Reader(ns, styles, numbering)
    if body is not None:
        reader.walk(body, False)
    return reader.out
