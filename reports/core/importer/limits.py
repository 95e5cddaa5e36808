"""Size limits of the importer and its one exception.

Limits at every layer (outermost first):

- Django (bureau/settings.py): DATA_UPLOAD_MAX_MEMORY_SIZE = 5 MB caps the non-file part of a
  request (pasted text arrives there); FILE_UPLOAD_MAX_MEMORY_SIZE = 5 MB is where an upload
  moves from memory to a temporary file (it is not a cap).
- The view (reports/views/imports.py): refuses a request whose Content-Length exceeds
  MAX_REQUEST_BYTES before the body is read, refuses more than one file, and checks the file's size
  against the limit for its type before reading it.
- The parser (this package): MAX_DOCX_BYTES / MAX_TEXT_BYTES again on the bytes; for .docx the zip
  directory (ZIP_LIMITS) before anything is inflated, then a DTD in any XML entry (safezip),
  MAX_PART_BYTES for each XML part read; MAX_PARAGRAPHS (paragraphs of a .docx, lines of a text);
  MAX_TEXT_CHARS on the text that reaches the structure parser; MAX_BLOCKS on what it builds.

Bytes are not work: 1.5 MB of "一是推进。" lines is 99,000 points, and each point costs the preview
a table row and the database a row. MAX_BLOCKS bounds the work of every step after parsing (the
preview's HTML, the stored preview, creating the blocks, the editor, the export): the parser stops
as soon as it passes it, and the services refuse a report that would exceed it (creating from an
import or from last year's report, adding a block). It also keeps every sibling number within what
Chinese numerals are written for (cn_int: 1..9999).
"""

from __future__ import annotations

from ..safezip import MB, ZipLimits

MAX_DOCX_BYTES = 10 * MB  # an uploaded .docx (Word files with pictures can be a few MB)
MAX_TEXT_BYTES = 2 * MB  # an uploaded .txt (a long report is ~50 KB)
MAX_TEXT_CHARS = 1_000_000  # characters reaching the parser, pasted or extracted (~2 MB of GBK)
MAX_PART_BYTES = 20 * MB  # word/document.xml and the other XML parts actually parsed
MAX_PARAGRAPHS = 20_000
# Headings, points and paragraphs of one report. The largest real report we have (shared seeds)
# has 42, with at most 6 points in a section; the demo reports have fewer. 2,000 is ~50 times that.
MAX_BLOCKS = 2_000
MAX_REQUEST_BYTES = MAX_DOCX_BYTES + MB  # one upload plus the form fields

ZIP_LIMITS = ZipLimits(
    max_entries=1000,  # a .docx has ~10-20 parts, plus one per picture
    max_total_bytes=60 * MB,  # declared uncompressed total
    max_ratio=100,  # Word's XML deflates about 5-20 : 1
    ratio_min_bytes=MB,
    max_member_bytes=MAX_PART_BYTES * 2,  # pictures are not parsed, but nothing needs more
)


def too_many_blocks(count: int | None = None) -> str:
    """The Chinese refusal for a report over MAX_BLOCKS (`count`: how many it would have)."""
    have = f"（本报告将有{count}段）" if count is not None else ""
    return f"一份报告最多{MAX_BLOCKS}段（标题、要点和段落合计）{have}，请精简内容或拆分为几份报告。"


class ImportRefused(ValueError):
    """The input cannot be imported at all. str(error) is a Chinese message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
