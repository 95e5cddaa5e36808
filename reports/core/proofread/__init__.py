"""Proofreading (校对): text in, findings out, no Django (docs/proofreading.md, issue 10).

- check_text(text, context=…, phrases=…)  findings of one block's text (autosave, CLI paragraph)
- apply_fixes(text, findings)             only the safe fixes, right to left, idempotent
- check_document(snapshot, phrases=…)     every text field of a report snapshot, located by field
- paragraphs_json(paragraphs, phrases=…)  the `proofread FILE --json` answer, per paragraph
- placeholder_findings, section_findings, figures_matching_metrics: the checks that need data
  only the Django layer has (evaluated placeholders, kind sections, metric values), as pure functions

Modules: tables (data), rules (the registry), punctuation, numeric and structure (one function per
rule id), check, phrases (提法 list), document.
"""

from .check import check_text
from .document import (
    check_document,
    figures_matching_metrics,
    paragraphs_json,
    placeholder_findings,
    section_findings,
)
from .findings import Finding, apply_fixes, sentence_of, sentence_span
from .phrases import Phrase, check_phrases, load_phrases

__all__ = [
    "Finding",
    "Phrase",
    "apply_fixes",
    "check_document",
    "check_phrases",
    "check_text",
    "figures_matching_metrics",
    "load_phrases",
    "paragraphs_json",
    "placeholder_findings",
    "section_findings",
    "sentence_of",
    "sentence_span",
]
