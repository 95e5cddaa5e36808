"""A block's suggestible fields ("title", "text") inside a revision snapshot (reports/core/document.py
describes its shape): a heading's "title" and a point's "lead" are both the block's title.

Pure: plain dicts in and out. No Django.
"""

from __future__ import annotations

from typing import Any

from .tree import walk

TITLE, TEXT = "title", "text"
SNAPSHOT_TITLE_KEY = {"heading": "title", "point": "lead"}  # a paragraph has no title


def has_field(block_type: str, field: str) -> bool:
    return field == TEXT or (field == TITLE and block_type in SNAPSHOT_TITLE_KEY)


def snapshot_block_fields(snapshot: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """Each block of a snapshot by id: {"type", "title", "text"} ("title" is "" for a paragraph)."""
    out: dict[int, dict[str, Any]] = {}
    for visit in walk(snapshot.get("blocks") or ()):
        node = visit.node
        if isinstance(node.get("id"), int):
            title = node.get(SNAPSHOT_TITLE_KEY.get(node["type"], ""), "")
            out[node["id"]] = {"type": node["type"], "title": title, "text": node.get("text", "")}
    return out


def set_snapshot_field(snapshot: dict[str, Any], block_id: int, field: str, text: str) -> bool:
    """Set one field of one block in `snapshot` (in place). False when the block is not there."""
    for visit in walk(snapshot.get("blocks") or ()):
        node = visit.node
        if node.get("id") == block_id and has_field(node["type"], field):
            node[SNAPSHOT_TITLE_KEY[node["type"]] if field == TITLE else TEXT] = text
            return True
    return False
