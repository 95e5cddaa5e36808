"""Guard untrusted zip packages (.xlsx, .docx) before any parser sees them.

`check_zip` looks only at the central directory: entry count, entry names, encryption flags,
declared uncompressed sizes and compression ratios. It decompresses nothing, so a zip bomb costs
microseconds to refuse. zipfile enforces the declared sizes while reading (it stops at file_size
and checks the CRC), so once the declared numbers pass, `read_member` can trust them, and it
re-checks the length it actually got anyway.

Every refusal is an `UnsafeZip` whose `reason` is one of REASONS; callers turn it into their own
Chinese message (the .xlsx importer and the report importer word them differently).

Pure: no Django.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

ZIP_MAGIC = b"PK\x03\x04"
# Legacy binary Office files (.doc, .xls) and password-protected OOXML files are OLE2 compound files.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

REASONS = ("ole2", "not_zip", "too_many", "unsafe_name", "encrypted", "ratio", "too_big", "missing")

_DRIVE = re.compile(r"[A-Za-z]:")


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
    """Return the opened archive if its directory is sane, else raise UnsafeZip.

    Checks, in order: OLE2 (legacy or encrypted Office file), zip signature, readable directory,
    entry count, then per entry: unsafe name, duplicate name, encryption flag, declared size against
    max_member_bytes, compression ratio; finally the declared total.
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
    return archive


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
