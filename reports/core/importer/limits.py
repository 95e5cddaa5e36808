"""Size limits of the importer and its one exception.

Limits at every layer (outermost first):

- Django (bureau/settings.py): DATA_UPLOAD_MAX_MEMORY_SIZE = 5 MB caps the non-file part of a
  request (pasted text arrives there); FILE_UPLOAD_MAX_MEMORY_SIZE = 5 MB is where an upload
  moves from memory to a temporary file (it is not a cap).
- The view (reports/views/imports.py): refuses a request whose Content-Length exceeds
  MAX_REQUEST_BYTES before the body is read, refuses more than one file, and checks the file's size
  against the limit for its type before reading it.
- The parser (this package): MAX_DOCX_BYTES / MAX_TEXT_BYTES again on the bytes; for .docx the zip
  directory (ZIP_LIMITS) before anything is inflated, MAX_PART_BYTES for each XML part read,
  MAX_PARAGRAPHS; MAX_TEXT_CHARS on the text that reaches the structure parser.
"""

from __future__ import annotations

from ..safezip import ZipLimits

MB = 1024 * 1024

MAX_DOCX_BYTES = 10 * MB  # an uploaded .docx (Word files with pictures can be a few MB)
MAX_TEXT_BYTES = 2 * MB  # an uploaded .txt (a long report is ~50 KB)
MAX_TEXT_CHARS = 1_000_000  # characters reaching the parser, pasted or extracted (~2 MB of GBK)
MAX_PART_BYTES = 20 * MB  # word/document.xml and the other XML parts actually parsed
MAX_PARAGRAPHS = 20_000
MAX_REQUEST_BYTES = MAX_DOCX_BYTES + MB  # one upload plus the form fields

ZIP_LIMITS = ZipLimits(
    max_entries=1000,  # a .docx has ~10-20 parts, plus one per picture
    max_total_bytes=60 * MB,  # declared uncompressed total
    max_ratio=100,  # Word's XML deflates about 5-20 : 1
    ratio_min_bytes=MB,
    max_member_bytes=MAX_PART_BYTES * 2,  # pictures are not parsed, but nothing needs more
)


class ImportRefused(ValueError):
    """The input cannot be imported at all. str(error) is a Chinese message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
