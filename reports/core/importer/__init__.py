"""Import existing reports (.docx, .txt, pasted text) into structured drafts (docs/architecture.md, Import).

Pure: bytes or text in, dataclasses and dicts out; nothing from Django or Celery.

    read_upload(data, filename) -> str | list[Paragraph]     decode a .txt / read a .docx, guarded
    parse_text(text, kind=None, *, strict=False) -> ParsedReport
    parse_docx(data, kind=None, *, strict=False) -> ParsedReport
    parse_upload(data, filename, kind=None) -> ParsedReport   strict: what the web and CLI use
    ParsedReport.to_json()      the `import_report --json` object
    ParsedReport.to_content()   the dict services.report_create_from_content takes
    find_figures(parsed) -> list[Figure]                      figures proposed as metrics
    plan_figures(figures, chosen) -> FigurePlan               metrics + placeholder replacements
    apply_plan(parsed, plan) -> ParsedReport
    retype_item / split_item / merge_item                     the preview's fixes

Every refusal is an ImportRefused (a ValueError) with a Chinese message. The limits and where each
is enforced are listed in limits.py; how lines are read in parse.py; figures in figures.py.
"""

from .edit import ITEM_KINDS, apply_plan, item_kind, merge_item, retype_item, split_item
from .figures import (
    Figure,
    FigurePlan,
    MetricDraft,
    Replacement,
    check_metric_name,
    find_figures,
    plan_figures,
)
from .limits import (
    MAX_BLOCKS,
    MAX_DOCX_BYTES,
    MAX_PARAGRAPHS,
    MAX_PART_BYTES,
    MAX_REQUEST_BYTES,
    MAX_TEXT_BYTES,
    MAX_TEXT_CHARS,
    ZIP_LIMITS,
    ImportRefused,
    too_many_blocks,
)
from .model import HEADING, PARAGRAPH, POINT, Item, Paragraph, ParsedReport, kind_codes, kind_definition
from .parse import parse_paragraphs, parse_text
from .upload import EXTENSIONS, decode_text, extension, parse_docx, parse_upload, read_upload, size_limit

__all__ = [
    "EXTENSIONS", "HEADING", "ITEM_KINDS", "MAX_BLOCKS", "MAX_DOCX_BYTES", "MAX_PARAGRAPHS", "MAX_PART_BYTES",
    "MAX_REQUEST_BYTES", "MAX_TEXT_BYTES", "MAX_TEXT_CHARS", "PARAGRAPH", "POINT", "ZIP_LIMITS",
    "Figure", "FigurePlan", "ImportRefused", "Item", "MetricDraft", "Paragraph", "ParsedReport",
    "Replacement", "apply_plan", "check_metric_name", "decode_text", "extension", "find_figures",
    "item_kind", "kind_codes", "kind_definition", "merge_item", "parse_docx", "parse_paragraphs",
    "parse_text", "parse_upload", "plan_figures", "read_upload", "retype_item", "size_limit",
    "split_item", "too_many_blocks",
]  # fmt: skip
