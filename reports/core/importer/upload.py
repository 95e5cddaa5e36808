"""Uploaded bytes -> text or .docx paragraphs -> ParsedReport.

The file type is decided by content, not trusted from the name: a zip is read as .docx, an OLE2
file (legacy .doc or a password-protected .docx) is refused, anything else named .docx is refused
as "not a Word file", and text is decoded as UTF-8 (with or without BOM), UTF-16 with a BOM, or
GB18030 (a superset of GBK and GB2312), in that order.
"""

from __future__ import annotations

from .. import text
from ..safezip import MB, OLE2_MAGIC, ZIP_MAGIC
from .docx import read_docx
from .limits import MAX_DOCX_BYTES, MAX_TEXT_BYTES, ImportRefused
from .model import Paragraph, ParsedReport
from .parse import parse_paragraphs, parse_text

TEXT_EXTENSIONS = ("txt", "text")
EXTENSIONS = ("docx", *TEXT_EXTENSIONS)


def extension(filename: str) -> str:
    name = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def size_limit(filename: str) -> int:
    """The byte limit for an upload of this name (what the view checks before reading it)."""
    return MAX_DOCX_BYTES if extension(filename) == "docx" else MAX_TEXT_BYTES


def decode_text(data: bytes) -> str:
    """Decode an uploaded text file, or ImportRefused (empty, too big, binary, unknown encoding)."""
    if len(data) > MAX_TEXT_BYTES:
        raise ImportRefused(f"文本文件过大（{len(data) / MB:.1f} MB），上限为 {MAX_TEXT_BYTES // MB} MB")
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportRefused("文件是空的")
    try:
        return text.decode_text(data)
    except text.Undecodable as exc:
        if exc.reason == "binary":
            raise ImportRefused("文件不是文本文件（含有二进制内容），请上传 .txt 或 .docx 文件") from exc
        raise ImportRefused("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的文本文件") from exc


def read_upload(data: bytes, filename: str) -> str | list[Paragraph]:
    """The text of a .txt, or the paragraphs of a .docx; ImportRefused for anything else."""
    ext = extension(filename)
    if ext not in EXTENSIONS:
        hint = "（旧版 .doc 请在 Word 中另存为 .docx）" if ext in ("doc", "wps", "rtf") else ""
        raise ImportRefused(f"只支持 .docx 或 .txt 文件{hint}")
    if not data:
        raise ImportRefused("文件是空的")
    if data.startswith(ZIP_MAGIC) or data.startswith(OLE2_MAGIC) or ext == "docx":
        if data.startswith(ZIP_MAGIC) and len(data) > MAX_DOCX_BYTES:
            raise ImportRefused(f"Word 文件过大（{len(data) / MB:.1f} MB），上限为 {MAX_DOCX_BYTES // MB} MB")
        return read_docx(data)
    return decode_text(data)


def parse_docx(data: bytes, kind: str | None = None, *, strict: bool = False) -> ParsedReport:
    """Parse a .docx. Hostile or broken packages always raise ImportRefused; with strict=True so
    does a document without any heading or point."""
    paragraphs = read_docx(data)
    report = parse_paragraphs(paragraphs, kind, strict=strict)
    if any(p.in_table and p.text.strip() for p in paragraphs):
        report.warnings.append("文档中的表格已按段落导入，请在预览中检查")
    return report


def parse_upload(data: bytes, filename: str, kind: str | None = None) -> ParsedReport:
    """An upload, strictly: ImportRefused for every refusal, including "no structure"."""
    content = read_upload(data, filename)
    if isinstance(content, str):
        return parse_text(content, kind, strict=True)
    report = parse_paragraphs(content, kind, strict=True)
    if any(p.in_table and p.text.strip() for p in content):
        report.warnings.append("文档中的表格已按段落导入，请在预览中检查")
    return report
