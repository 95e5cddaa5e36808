"""Guard untrusted zip packages (.xlsx, .docx) before any parser sees them.

`check_zip` works in two steps:

1. The central directory only: entry count, entry names, encryption flags, declared uncompressed
   sizes and compression ratios. Nothing is decompressed, so a zip bomb costs microseconds to
   refuse. zipfile enforces the declared sizes while reading (it stops at file_size and checks the
   CRC), so once the declared numbers pass, `read_member` can trust them, and it re-checks the
   length it actually got anyway.
2. Every entry that is XML (sniffed from its first bytes, whatever its name: a relationship can
   point a parser at "image1.png") is streamed through once, in bounded chunks, looking for a
   document type declaration (`<!DOCTYPE`, `<!ENTITY`) in the encoding the XML parser would use
   (UTF-8 and other ASCII-compatible encodings, UTF-16 and UTF-32 with or without a byte order
   mark, EBCDIC). Office never writes a DTD; every entity attack (billion laughs, external
   entities) needs one, so the package is refused before any XML parser (openpyxl's, lxml) runs.
   An XML declaration naming an encoding outside the known ones (UTF-7 could hide the markup) is
   refused too. Entries that are not XML (pictures, embedded files) cost one small read.

Every refusal is an `UnsafeZip` whose `reason` is one of REASONS; callers turn it into their own
Chinese message (the .xlsx importer and the report importer word them differently).

Pure: no Django.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass

MB = 1024 * 1024  # the unit every upload limit is stated in

ZIP_MAGIC = b"PK\x03\x04"
# Legacy binary Office files (.doc, .xls) and password-protected OOXML files are OLE2 compound files.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

REASONS = (
    "ole2",
    "not_zip",
    "too_many",
    "unsafe_name",
    "encrypted",
    "ratio",
    "too_big",
    "missing",
    "dtd",  # a DOCTYPE / ENTITY declaration in an XML entry
    "xml_encoding",  # an XML entry in an encoding the DTD scan cannot read
)

_DRIVE = re.compile(r"[A-Za-z]:")
_DTD = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DECLARED = re.compile(r"""^<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
# Encodings in which the markup of a declaration is the ASCII we search for once decoded.
_ENCODINGS = {
    "utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1", "iso-8859-15",
    "windows-1252", "cp1252", "gbk", "gb2312", "gb18030", "big5", "shift_jis",
    "utf-16", "utf-16le", "utf-16be", "utf-32", "utf-32le", "utf-32be", "ucs-2", "ucs-4",
    "ibm037", "ebcdic-cp-us", "cp037", "cp500", "ibm500",
}  # fmt: skip
_CHUNK = 64 * 1024
# How the XML specification (appendix F) tells the encoding from the first four bytes, before the
# declaration is read: byte order marks first, then the "<?" of a declaration in each width.
_SNIFF = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
    (b"\x4c\x6f\xa7\x94", "cp500"),  # "<?xm" in EBCDIC
)


class UnsafeZip(ValueError):
    """The package is refused. `reason` is one of REASONS; `count` and `limit` give numbers for the
    message where they apply (entry count / byte totals)."""

    def __init__(self, reason: str, *, count: int = 0, limit: int = 0, name: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.count = count
        self.limit = limit
        self.name = name


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int
    max_total_bytes: int  # sum of declared uncompressed sizes
    max_ratio: int  # uncompressed / compressed, per entry
    ratio_min_bytes: int  # entries smaller than this may compress better than max_ratio (tiny XML)
    max_member_bytes: int = 0  # 0 = no per-entry limit beyond the total


def unsafe_name(name: str) -> bool:
    """Absolute paths, drive letters and ".." components (zip slip), with either slash."""
    name = name.replace("\\", "/")
    return name.startswith("/") or bool(_DRIVE.match(name)) or ".." in name.split("/") or "\x00" in name


def check_zip(data: bytes, limits: ZipLimits) -> zipfile.ZipFile:
    """Return the opened archive if it is safe to hand to a parser, else raise UnsafeZip.

    Checks, in order: OLE2 (legacy or encrypted Office file), zip signature, readable directory,
    entry count, then per entry: unsafe name, duplicate name, encryption flag, declared size against
    max_member_bytes, compression ratio; then the declared total; finally every XML entry for a
    DTD ("dtd") or an unreadable declared encoding ("xml_encoding"), see `refuse_dtd`.
    """
    if data.startswith(OLE2_MAGIC):
        raise UnsafeZip("ole2")
    if not data.startswith(ZIP_MAGIC):
        raise UnsafeZip("not_zip")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception as exc:  # BadZipFile, struct errors, huge counts in a forged directory …
        raise UnsafeZip("not_zip") from exc
    if len(infos) > limits.max_entries:
        raise UnsafeZip("too_many", count=len(infos), limit=limits.max_entries)
    total = 0
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        if unsafe_name(name):
            raise UnsafeZip("unsafe_name", name=name)
        key = name.replace("\\", "/").lower()
        if key in seen:  # two entries with one name: which one a reader picks is undefined
            raise UnsafeZip("unsafe_name", name=name)
        seen.add(key)
        if info.flag_bits & 0x1:
            raise UnsafeZip("encrypted", name=name)
        if limits.max_member_bytes and info.file_size > limits.max_member_bytes:
            raise UnsafeZip("too_big", count=info.file_size, limit=limits.max_member_bytes, name=name)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_min_bytes and ratio > limits.max_ratio:
            raise UnsafeZip("ratio", name=name)
        total += info.file_size
    if total > limits.max_total_bytes:
        raise UnsafeZip("too_big", count=total, limit=limits.max_total_bytes)
    for info in infos:
        refuse_dtd(archive, info)
    return archive


def _sniff(head: bytes) -> str:
    """The codec an XML parser would read these first bytes with ("latin-1" for every
    ASCII-compatible encoding: it maps bytes to characters one to one, so ASCII markup shows)."""
    for prefix, codec in _SNIFF:
        if head.startswith(prefix):
            return codec
    return "latin-1"


def refuse_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Raise UnsafeZip("dtd") if the entry is XML with a DOCTYPE / ENTITY declaration anywhere,
    UnsafeZip("xml_encoding") if its declaration names an encoding we cannot scan, UnsafeZip
    ("not_zip") if it cannot be inflated. Entries that do not start like XML are left alone: no XML
    parser accepts them. Memory stays at one chunk whatever the entry's size."""
    try:
        with archive.open(info) as member:
            head = member.read(_CHUNK)
            decoder = codecs.getincrementaldecoder(_sniff(head))(errors="replace")
            text = decoder.decode(head).lstrip("\ufeff \t\r\n")
            while not text and head:  # only white space so far
                head = member.read(_CHUNK)
                text = decoder.decode(head).lstrip(" \t\r\n")
            if not text.startswith("<"):
                return
            declared = _DECLARED.match(text)
            if declared and declared.group(1).strip().lower() not in _ENCODINGS:
                raise UnsafeZip("xml_encoding", name=info.filename)
            tail = ""  # the end of the previous chunk: a declaration may straddle two
            while True:
                if _DTD.search(tail + text):
                    raise UnsafeZip("dtd", name=info.filename)
                chunk = member.read(_CHUNK)
                if not chunk:
                    return
                tail, text = (tail + text)[-16:], decoder.decode(chunk)
    except UnsafeZip:
        raise
    except Exception as exc:  # bad CRC, unsupported compression, truncated data
        raise UnsafeZip("not_zip", name=info.filename) from exc


def read_member(archive: zipfile.ZipFile, name: str, max_bytes: int) -> bytes | None:
    """The entry's bytes (None if absent), never more than max_bytes (UnsafeZip "too_big")."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > max_bytes:
        raise UnsafeZip("too_big", count=info.file_size, limit=max_bytes, name=name)
    try:
        with archive.open(info) as member:
            data = member.read(max_bytes + 1)
    except Exception as exc:  # bad CRC, unsupported compression, truncated data
        raise UnsafeZip("not_zip", name=name) from exc
    if len(data) > max_bytes:
        raise UnsafeZip("too_big", count=len(data), limit=max_bytes, name=name)
    return data
