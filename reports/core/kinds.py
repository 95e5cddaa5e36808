"""Report kinds as data: templates_docx/kinds/*.json, read through this one loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

KINDS_DIR = Path(__file__).resolve().parents[2] / "templates_docx" / "kinds"
SIGNATURE_MODES = ("subtitle", "end", "none")
REQUIRED_KEYS = ("code", "name", "title", "numbering", "sections")


class KindError(ValueError):
    pass


def validate_kind(data: dict[str, Any], source: str = "") -> dict[str, Any]:
    """Check a kind definition and fill defaults; raise KindError naming what is wrong."""
    for key in REQUIRED_KEYS:
        if key not in data:
            raise KindError(f"{source}: missing {key!r}")
    if data.get("signature", "end") not in SIGNATURE_MODES:
        raise KindError(f"{source}: signature must be one of {SIGNATURE_MODES}")
    numbering = data["numbering"]
    if "point" not in numbering or "1" not in numbering:
        raise KindError(f"{source}: numbering needs at least '1' and 'point'")
    for pattern in numbering.values():
        if "{cn}" not in pattern and "{n}" not in pattern:
            raise KindError(f"{source}: numbering pattern {pattern!r} has no {{cn}} or {{n}}")
    for section in data["sections"]:
        if not section.get("title"):
            raise KindError(f"{source}: a section has no title")
        section.setdefault("guidance", "")
        section.setdefault("target_chars", 0)
        section.setdefault("required", False)
    data.setdefault("subtitle", "")
    data.setdefault("signature", "end")
    data.setdefault("target_chars", 0)
    data.setdefault("description", "")
    data.setdefault("opening_guidance", "")
    data.setdefault("closing_guidance", "")
    return data


def load_kinds(directory: Path = KINDS_DIR) -> dict[str, dict[str, Any]]:
    """All kind definitions by code, sorted by file name."""
    kinds: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.json")):
        data = validate_kind(json.loads(path.read_text(encoding="utf-8")), path.name)
        if data["code"] in kinds:
            raise KindError(f"{path.name}: duplicate kind code {data['code']!r}")
        kinds[data["code"]] = data
    return kinds


def fill(pattern: str, **values: Any) -> str:
    """Fill "{year}", "{next_year}", "{subject}" in a kind's title or section pattern."""
    out = pattern
    for key, value in values.items():
        out = out.replace("{" + key + "}", str(value))
    return out
