"""How alike two passages or two headings are, and which of last year's sections is this year's (pure).

Paragraphs (the copied-text flag, 与去年相似):

1. normalise: drop placeholders ({{名称}}), figures (digits, masks *, decimal points, %), numbering
   at the start ("一、" "（三）" "1." "一是" "第一，"), punctuation and whitespace. A paragraph
   that only changed its figures, or whose figures became placeholders through reuse, normalises
   to the same string as last year's.
2. shingle: the set of character 3-grams of what is left (SHINGLE = 3).
3. measure: Jaccard resemblance |A ∩ B| / |A ∪ B|; a pair at or above COPIED (0.8) is flagged.

Why 3-grams and Jaccard, measured on the paragraphs of tests/core/test_similarity.py (a 90-character
paragraph on 预算绩效管理; "reworded" keeps the topic and most terms but rewrites the sentences, as a
drafter does when told not to repeat last year):

    pair (draft vs last year)              2-gram Jaccard  3-gram Jaccard  3-gram containment
    copied, every figure changed                1.00            1.00            1.00
    copied, one clause added at the end         0.91            0.90        0.90 (draft in old)
    reworded (same topic and terms)             0.30            0.19            0.32
    a paragraph on 国库 (another section)        0.01            0.00            0.00

Chinese bigrams are mostly words (预算, 绩效, 管理), so two paragraphs on one topic share many of
them whatever their wording: 2-grams put a reworded paragraph too close to the threshold. 3-grams
cross word boundaries and so record the phrasing, which is what a leader means by "the same words
as last year". Containment (|A ∩ B| / |A|) would flag a short sentence quoted inside a long new
paragraph, and a long paragraph "contains" every short one it repeats; Jaccard is symmetric and
asks for nearly the same paragraph on both sides, which is the complaint.

Candidates come from an inverted index (shingle -> last year's paragraphs): Jaccard >= t needs at
least t·|A| shared shingles, so only paragraphs sharing that many are scored; a draft paragraph
costs one dictionary lookup per shingle, never a pass over every pair.

Headings (去年同节): numbering and years are stripped ("二、2024年预算绩效管理工作" reads
"预算绩效管理工作"), then the Dice coefficient of character bigrams (short texts: bigrams, and Dice
rather than Jaccard so that a heading that only gained a word such as 工作 stays close: 0.83 here
against "三、预算绩效管理"). match_sections pairs this year's headings with last year's by that
score, best pairs first, each at most once, above HEADING_MATCH (0.5): a moved section is found
wherever it is, a renamed one if enough of its words remain, and a new section gets none.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .numbering import number_blocks, numbering_for
from .tree import walk

SHINGLE = 3
COPIED = 0.8  # Jaccard of 3-gram shingles at or above which a paragraph counts as copied
HEADING_MATCH = 0.5  # heading similarity at or above which two sections are the same section
MIN_SHINGLES = 8  # a paragraph shorter than this says too little to be called copied

_PLACEHOLDER = re.compile(r"\{\{.*?\}\}")
_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+[.．、]"
    r"|(?:[一二三四五六七八九十]+|第[一二三四五六七八九十]+)(?:是|要|，|,)|首先，?|其次，?|最后，?)"
)
_YEAR = re.compile(r"(?:19|20)[0-9]{2}\s*年(?:度)?")
_FIGURE = re.compile(r"[0-9０-９*＊.．%％]+")
_NOT_TEXT = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """The characters of `text` that make its wording (see the module docstring, step 1)."""
    text = _PLACEHOLDER.sub("", text)
    text = _NUMBERING.sub("", text)
    text = _FIGURE.sub("", text)
    return _NOT_TEXT.sub("", text)


def shingles(text: str, n: int = SHINGLE) -> frozenset[str]:
    """The character n-grams of the normalised text (the whole text when shorter than n)."""
    text = normalise(text)
    if len(text) <= n:
        return frozenset([text]) if text else frozenset()
    return frozenset(text[i : i + n] for i in range(len(text) - n + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def containment(a: frozenset[str], b: frozenset[str]) -> float:
    """How much of `a` is in `b` (kept for the measurements in the module docstring)."""
    return len(a & b) / len(a) if a else 0.0


def paragraph_similarity(a: str, b: str) -> float:
    return jaccard(shingles(a), shingles(b))


# --- headings ---------------------------------------------------------------------------------------


def subject_key(subject: str) -> str:
    """A 主体 without spaces and punctuation: "示范市财政局党组书记、局长 王建国" and
    "示范市财政局党组书记局长王建国" are the same subject."""
    return _NOT_TEXT.sub("", subject).casefold()


def heading_key(title: str) -> str:
    """A heading without numbering, years and punctuation: "二、2024年预算绩效管理工作" -> "预算绩效管理工作"."""
    return _NOT_TEXT.sub("", _YEAR.sub("", _NUMBERING.sub("", title)))


def _bigrams(text: str) -> frozenset[str]:
    if len(text) < 2:
        return frozenset([text]) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def heading_similarity(a: str, b: str) -> float:
    """Dice coefficient of the character bigrams of the two headings' keys (0..1)."""
    x, y = _bigrams(heading_key(a)), _bigrams(heading_key(b))
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def best_pairs(scores: Iterable[tuple[float, int, int]]) -> dict[int, int]:
    """A one-to-one assignment from (score, left, right) triples, best first: {left: right}."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for _score, i, j in sorted(scores, reverse=True):
        if i not in pairs and j not in used:
            pairs[i] = j
            used.add(j)
    return pairs


def match_sections(
    this_year: Sequence[str], last_year: Sequence[str], threshold: float = HEADING_MATCH
) -> dict[int, int]:
    """{index in this_year: index in last_year} for the headings that are the same section,
    by heading similarity, not by position (see the module docstring)."""
    scores = []
    for i, a in enumerate(this_year):
        for j, b in enumerate(last_year):
            score = heading_similarity(a, b)
            if score >= threshold:
                scores.append((score, i, j))
    return best_pairs(scores)


# --- last year's report as sections and paragraphs --------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """One block of a snapshot with its place: `path` is its printed numbers ("三、二是",
    "二、（一）第2段"), `section` the path of the heading it is in ("" at the top level)."""

    block_id: int | None
    type: str
    path: str
    section: str
    lead: str
    text: str

    @property
    def full_text(self) -> str:
        return f"{self.lead}{self.text}"


@dataclass(frozen=True)
class Section:
    """A heading of a snapshot: its id, level, path ("二、（一）") and title, and its passages
    (its own text, whose path is the heading's, then the points and paragraphs directly under it)."""

    block_id: int | None
    level: int
    path: str
    title: str
    passages: tuple[Passage, ...]


def sections_of(snapshot: Mapping[str, Any]) -> list[Section]:
    """Every heading of a snapshot in reading order, with the points and paragraphs directly under it."""
    numbering = numbering_for(snapshot.get("numbering"))
    out: list[Section] = []
    for visit in walk(number_blocks(snapshot.get("blocks", ()), numbering)):
        block = visit.node
        if block["type"] != "heading":
            continue
        path = "".join(p["number"] for p in visit.parents) + block["number"]
        passages, paragraphs = [], 0
        if block.get("text", "").strip():  # the heading's own text (run in or below it)
            passages.append(Passage(block.get("id"), "paragraph", path, path, "", block["text"]))
        for child in block.get("children", ()):
            if child["type"] == "heading":
                continue
            if child["type"] == "point":
                place = path + child["number"]
            else:
                paragraphs += 1
                place = f"{path}第{paragraphs}段"
            passages.append(
                Passage(
                    child.get("id"), child["type"], place, path, child.get("lead", ""), child.get("text", "")
                )
            )
        out.append(Section(block.get("id"), visit.depth, path, block.get("title", ""), tuple(passages)))
    return out


def passages_of(sections: Iterable[Section]) -> list[Passage]:
    return [p for s in sections for p in s.passages]


# --- copied paragraphs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Copied:
    """A draft paragraph (`key`) nearly identical to `source` of last year's report."""

    key: Any
    source: Passage
    score: float

    @property
    def percent(self) -> int:
        return int(self.score * 100)


class ShingleIndex:
    """An inverted index of last year's passages by shingle (see the module docstring)."""

    def __init__(self, passages: Iterable[Passage]) -> None:
        self.passages: list[Passage] = []
        self.sets: list[frozenset[str]] = []
        self.postings: dict[str, list[int]] = {}
        for passage in passages:
            grams = shingles(passage.full_text)
            if len(grams) < MIN_SHINGLES:
                continue
            index = len(self.passages)
            self.passages.append(passage)
            self.sets.append(grams)
            for gram in grams:
                self.postings.setdefault(gram, []).append(index)

    def best(self, text: str, threshold: float = COPIED) -> tuple[Passage, float] | None:
        """The indexed passage most like `text` with Jaccard >= threshold, or None."""
        grams = shingles(text)
        if len(grams) < MIN_SHINGLES:
            return None
        shared: Counter[int] = Counter()
        for gram in grams:
            shared.update(self.postings.get(gram, ()))
        need = threshold * len(grams)
        found = None
        for index, count in shared.items():
            if count < need:
                continue
            score = jaccard(grams, self.sets[index])
            if score >= threshold and (found is None or score > found[1]):
                found = (self.passages[index], score)
        return found


def copied_passages(
    draft: Iterable[tuple[Any, str]], last_year: Iterable[Passage], threshold: float = COPIED
) -> list[Copied]:
    """Each (key, text) of the draft nearly identical to one of last year's passages, in draft order."""
    index = ShingleIndex(last_year)
    out = []
    for key, text in draft:
        found = index.best(text, threshold)
        if found is not None:
            out.append(Copied(key, found[0], found[1]))
    return out
