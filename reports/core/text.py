"""Text decoding, cleaning and measuring shared by the editor, the renderer and the importers."""

from __future__ import annotations

import re
import unicodedata

# Characters a .docx cannot hold (XML 1.0 forbids C0 controls except tab/newline/CR) and lone
# surrogates (unencodable in UTF-8). \x0b (vertical tab, from Excel paste) becomes a newline.
_CONTROL = re.compile(r"[\x00-\x08\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SPACE_RUN = re.compile(r"[ \t\u3000]+")


class Undecodable(ValueError):
    """Uploaded bytes that are not text. reason: "binary" (NUL bytes, or more control characters
    than a text file has) or "encoding" (neither UTF-16 with a BOM, UTF-8 nor GB18030)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# A text file may carry a few stray control characters (clean_text drops them); more is binary.
_CONTROL_SAMPLE = 20_000


def decode_text(data: bytes) -> str:
    """Decode an uploaded text file (.txt of a report, .csv of metrics): UTF-16 when it starts with
    a byte order mark (Notepad's and Excel's "Unicode"), else UTF-8 (with or without BOM), else
    GB18030 (a superset of GBK and GB2312). Raises Undecodable; the caller words the message."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise Undecodable("encoding") from exc
    elif b"\x00" in data:
        raise Undecodable("binary")
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise Undecodable("encoding")
    sample = text[:_CONTROL_SAMPLE]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\x0b\x0c")
    if controls > max(len(sample) // 100, 3):
        raise Undecodable("binary")
    return text


def clean_text(value: str, *, multiline: bool = True) -> str:
    """Return text safe to store and to put into WordprocessingML.

    Removes control characters and lone surrogates, turns \\x0b/\\r\\n/\\r into \\n, normalises to NFC
    and strips leading/trailing whitespace of each line (indentation comes from formatting, never
    from spaces: docs/layout.md §3.1). With multiline=False, newlines become nothing.
    """
    if not value:
        return ""
    text = value.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = _SURROGATE.sub("", text)
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text)
    lines = [line.strip(" \t\u3000\u00a0") for line in text.split("\n")]
    if not multiline:
        return "".join(lines)
    # Collapse runs of blank lines: a blank line means "new paragraph", nothing more.
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")


def split_paragraphs(text: str) -> list[str]:
    """A multi-line field (opening, closing, paragraph) as its list of non-empty paragraphs."""
    return [line for line in (text or "").split("\n") if line.strip()]


def count_chars(text: str) -> int:
    """The character count shown against targets: every non-whitespace character."""
    return len(_SPACE_RUN.sub("", (text or "").replace("\n", "")))


def count_han(text: str) -> int:
    return len(_HAN.findall(text or ""))


def display_width(text: str) -> float:
    """Width in 字: full-width characters 1, ASCII/half-width 0.5 (docs/layout.md §5)."""
    width = 0.0
    for ch in text:
        width += 0.5 if unicodedata.east_asian_width(ch) in ("Na", "H", "N") else 1.0
    return width
