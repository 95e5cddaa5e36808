"""Leak scan of a finished masked .docx: no masked figure may survive anywhere in the package.

The export runs `scan_docx` over the bytes it is about to deliver, with the `secrets` of
`reports.core.metrics.resolve_snapshot`, and fails instead of delivering a leaking file.

What is scanned:
- every XML part: the text content of its elements (document, headers, footers, comments,
  footnotes, endnotes, custom XML, anything else), joined per paragraph so that a figure split
  over several runs is still found; attributes are not scanned there, so layout numbers (page
  size, margins, grid pitch, style ids) never count;
- docProps/*.xml: element text and attribute values, minus the statistics and timestamps the
  writing application fills in (page and word counts, revision, created/modified);
- the result of PAGE / NUMPAGES / SECTIONPAGES / PAGEREF fields (a page number; PAGEREF gives
  the page numbers of a packet's 目录) is skipped, and so is the
  outline label that opens a paragraph ("2." and "（2）", the renderer's level-3/4 numbering, which a
  masked copy keeps like the page number: a hand-typed "2." there is masked before rendering);
- non-XML parts that decode as UTF-8 text, and the file name.

Part names are not scanned: they are fixed by the renderer ("word/footer1.xml", "image1.png") and
their index digits would match small secrets.

A numeric secret ("8.7") matches only as a whole number: not inside "18.75" or "8.71", and "7"
does not match inside "8.7". Full-width digits count as digits. A secret with other characters
(a sensitive term) matches as a plain substring.

Pure: no Django, no Celery.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

FILE_NAME_PART = "文件名"
_CONTEXT = 20
_NUMERIC = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_NORMALIZE = str.maketrans("０１２３４５６７８９．", "0123456789.")

# Text of these elements is joined within a paragraph (they are pieces of the same line).
_RUN_TEXT = {"t", "delText", "instrText"}
_RUN_BREAKS = {"tab", "br", "cr"}
_PARAGRAPH = "p"  # w:p, a:p
_PAGE_FIELDS = {"PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "PAGEREF"}  # PAGEREF: a 目录's numbers
# The numbering label the renderer puts at the start of a level-3/4 heading (reports.core.numbering).
OUTLINE_LABEL = re.compile(r"^\s*(?:[0-9]{1,2}[.．](?![0-9])|（[0-9]{1,2}）)")

# docProps: values the writing application computes, not content.
_DOCPROPS_SKIP_ELEMENTS = {
    "TotalTime", "Pages", "Words", "Characters", "CharactersWithSpaces", "Lines", "Paragraphs",
    "DocSecurity", "AppVersion", "HeadingPairs", "revision", "created", "modified", "lastPrinted",
}  # fmt: skip
_DOCPROPS_SKIP_ATTRIBUTES = {"fmtid", "pid", "size", "baseType", "type", "lang", "space"}


@dataclass(frozen=True)
class Leak:
    """A secret found in the package. part: the zip part name, or FILE_NAME_PART."""

    part: str
    secret: str
    context: str


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _matcher(secret: str) -> re.Pattern[str]:
    if _NUMERIC.fullmatch(secret):
        # Whole number: no digit (or "digit.") before, no digit (or ".digit") after.
        return re.compile(rf"(?<![0-9])(?<![0-9]\.){re.escape(secret)}(?![0-9])(?!\.[0-9])")
    return re.compile(re.escape(secret))


def _is_page_field(instruction: str) -> bool:
    words = instruction.split()
    return bool(words) and words[0].upper() in _PAGE_FIELDS


@dataclass
class _Field:
    """A complex field (w:fldChar begin … separate … end) open at the current position."""

    instruction: str = ""
    in_result: bool = False


def _word_texts(root: ElementTree.Element) -> Iterator[str]:
    """Element text of a part, one string per paragraph; page-number field results skipped."""
    fields: list[_Field] = []
    line: list[str] = []

    def skipping() -> bool:
        return any(f.in_result and _is_page_field(f.instruction) for f in fields)

    def walk(el: ElementTree.Element) -> Iterator[str]:
        tag = _local(el.tag) if isinstance(el.tag, str) else ""
        if tag == "fldChar":
            kind = next((v for k, v in el.attrib.items() if _local(k) == "fldCharType"), "")
            if kind == "begin":
                fields.append(_Field())
            elif kind == "separate" and fields:
                fields[-1].in_result = True
            elif kind == "end" and fields:
                fields.pop()
        elif tag == "instrText" and fields and not fields[-1].in_result:
            fields[-1].instruction += el.text or ""
        elif tag == "fldSimple" and _is_page_field(
            next((v for k, v in el.attrib.items() if _local(k) == "instr"), "")
        ):
            return
        if tag in _RUN_BREAKS:
            line.append(" ")
        text = el.text or ""
        if text.strip() and not skipping():
            if tag in _RUN_TEXT:
                line.append(text)
            else:
                yield text
        for child in el:
            yield from walk(child)
        if tag == _PARAGRAPH and line:
            yield OUTLINE_LABEL.sub("", "".join(line))
            line.clear()

    yield from walk(root)
    if line:
        yield "".join(line)


def _docprops_texts(root: ElementTree.Element) -> Iterator[str]:
    """Element text and attribute values of a document-properties part, minus statistics."""
    if _local(root.tag) in _DOCPROPS_SKIP_ELEMENTS:
        return
    for key, value in root.attrib.items():
        if _local(key) not in _DOCPROPS_SKIP_ATTRIBUTES and value.strip():
            yield value
    if root.text and root.text.strip():
        yield root.text
    for child in root:
        yield from _docprops_texts(child)


def _part_texts(name: str, data: bytes) -> Iterator[str]:
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        # Not XML (or broken XML): scan it as text if it is text; binary media cannot be read.
        try:
            yield data.decode("utf-8")
        except UnicodeDecodeError:
            return
        return
    if name.startswith("docProps/"):
        yield from _docprops_texts(root)
    else:
        yield from _word_texts(root)


def _find(part: str, texts: Iterable[str], matchers: dict[str, re.Pattern[str]]) -> list[Leak]:
    leaks: dict[str, Leak] = {}
    for raw in texts:
        text = raw.translate(_NORMALIZE)
        for secret, pattern in matchers.items():
            if secret in leaks:
                continue
            match = pattern.search(text)
            if match is not None:
                start, end = max(match.start() - _CONTEXT, 0), match.end() + _CONTEXT
                leaks[secret] = Leak(part, secret, text[start:end].replace("\n", " "))
    return list(leaks.values())


def scan_docx(package: bytes, secrets: Iterable[str], file_name: str = "") -> list[Leak]:
    """Every (part, secret) occurrence of a secret in the .docx package or its file name.

    Returns [] when the package is clean. A package that cannot be read as a zip is reported as
    one Leak with an empty secret (fail closed: an unreadable file cannot be shown to be clean).
    """
    wanted = sorted({s.translate(_NORMALIZE).strip() for s in secrets if s and s.strip()})
    matchers = {secret: _matcher(secret) for secret in wanted}
    if not matchers:
        return []
    leaks = _find(FILE_NAME_PART, [file_name], matchers) if file_name else []
    try:
        archive = zipfile.ZipFile(io.BytesIO(package))
    except (zipfile.BadZipFile, ValueError):
        return [*leaks, Leak("", "", "无法读取文件包，不能确认没有泄露")]
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            try:
                data = archive.read(info)
            except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
                leaks.append(Leak(info.filename, "", "无法读取部件，不能确认没有泄露"))
                continue
            leaks.extend(_find(info.filename, _part_texts(info.filename, data), matchers))
    return leaks
