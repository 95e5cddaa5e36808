"""The 提法 list (规范表述): discouraged wordings and their preferred forms, as data.

The bureau's list lives in the database (edited by the admin); the starter list we ship is
phrases.json beside this module, read by load_phrases(). Each entry notes its source.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .findings import Hit

STARTER_LIST = Path(__file__).with_name("phrases.json")


@dataclass(frozen=True)
class Phrase:
    """One 提法 entry: `discouraged` is found literally; note says why (shown to the user)."""

    discouraged: str
    preferred: str
    note: str = ""


def load_phrases(path: Path = STARTER_LIST) -> list[Phrase]:
    """The phrases of a JSON list of {"discouraged", "preferred", "note", "source"} objects."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Phrase(item["discouraged"], item["preferred"], item.get("note", "")) for item in data]


@lru_cache(maxsize=8)
def _pattern(discouraged: tuple[str, ...]) -> re.Pattern[str]:
    # "原国土资源局" names the former body on purpose: never flagged.
    return re.compile("(?<!原)(?:" + "|".join(map(re.escape, discouraged)) + ")")


def check_phrases(text: str, phrases: Iterable[Phrase]) -> Iterator[Hit]:
    """F01: every occurrence of a discouraged phrase (longest first), not after "原"; suggests the
    preferred one, never safe (a quotation or a historical reference may need the old wording)."""
    by_text = {p.discouraged: p for p in phrases if p.discouraged}
    if not by_text or not text:
        return
    for m in _pattern(tuple(sorted(by_text, key=len, reverse=True))).finditer(text):
        phrase = by_text[m.group()]
        message = f"规范表述为“{phrase.preferred}”" + (f"（{phrase.note}）" if phrase.note else "")
        yield Hit(m.start(), m.end(), message, phrase.preferred)
