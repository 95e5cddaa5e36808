"""Names of the Word files we hand out: the report's own name, and the masked copy's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .metrics import mask_numbers, mask_terms, mask_years

DOCX_SUFFIX = ".docx"


def report_subtitle(definition: Mapping[str, Any], subject: str) -> str:
    """The subtitle a kind puts under the title (述职报告: （张三）), or "" when it has none."""
    if definition.get("signature") != "subtitle" or not subject:
        return ""
    return definition.get("subtitle", "{subject}").replace("{subject}", subject)


def report_file_name(title: str, subtitle: str) -> str:
    """Download name such as 2023年度述职报告（张三）.docx: characters Windows refuses are dropped."""
    name = title
    if subtitle and subtitle not in name:
        name += subtitle if subtitle.startswith("（") else f"（{subtitle}）"
    for ch in '\\/:*?"<>|\n\r\t':
        name = name.replace(ch, "")
    return (name.strip() or "报告")[:120] + DOCX_SUFFIX


def masked_file_name(name: str, options: Mapping[str, Any]) -> str:
    """The masked copy's file name, masked like the text: numbers (or only years), sensitive terms;
    marked 脱敏稿. Word and Windows refuse "*" in file names, so masks use the full-width ＊.
    """
    stem = name.removesuffix(DOCX_SUFFIX)
    if not options.get("metrics_only"):
        stem = mask_numbers(stem, () if options.get("mask_years") else options.get("keep_years", ()))
    elif options.get("mask_years"):
        stem = mask_years(stem)
    stem = mask_terms(stem, options.get("sensitive_terms", []))
    return stem.replace("*", "＊") + "（脱敏稿）" + DOCX_SUFFIX
