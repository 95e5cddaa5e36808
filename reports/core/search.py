"""Full-text search of report passages (检索): segmentation, passages, snippets (pure, no Django).

Chinese has no spaces, so text is cut into words by jieba (loaded lazily, once per process) with
our own dictionary of finance and party-building terms (search_words.txt) added, so that
"预算绩效管理" or "三会一课" stay one word.

Indexing (`index_terms`, `index_passage`):
1. placeholders become their metric names ({{一般公共预算收入.增减}} -> 〔一般公共预算收入·增减〕,
   `plain_text`), so a passage is found by the metric it cites;
2. jieba cuts the text (precise mode), runs of two to four single characters it leaves are joined
   (民生支出 / 占 / 比 -> 民生支出 / 占比), our dictionary's words are found even when jieba cut
   across them (中央 / 八项规定精神 still holds 中央八项规定); every word of three or more characters also yields the
   dictionary words inside it (all lengths, not only jieba's 2- and 3-grams), so "绩效管理" and
   "绩效" both find "预算绩效管理"; the parts share their word's position;
3. dropped: punctuation, masked figures ("**.*", anything with "*"), single characters (汉字 and
   digits: "年", "是", "5" would match almost every passage). Kept: words of two or more
   characters, numbers of two or more characters ("2024", "8.7"; "8.7%" is indexed as "8.7"),
   Latin words ("ppp"). Latin letters are lower-cased, full-width forms folded (NFKC).

Queries (`query_terms`): the same cut without the parts (a query word must match a whole word or a
dictionary part of one), the same filter. A query with fewer than MIN_QUERY_CHARS characters of
text, or whose words are all single characters, gives no terms: the page says SHORT_QUERY_HINT
instead of listing every passage.

Positions and weights (`index_passage`): words are numbered in reading order (title first), the
title's words weighted A, the text's D, written as a PostgreSQL tsvector literal so that no text
search parser or locale of the server re-cuts our words.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .document import labelled_blocks
from .importer.carry import PLAN_HEADING, RESULTS_HEADING
from .placeholders import find_placeholders

WORDS_FILE = Path(__file__).with_name("search_words.txt")
MIN_QUERY_CHARS = 2
SHORT_QUERY_HINT = "请至少输入两个字（单个字会匹配几乎所有段落）。"
MAX_QUERY_TERMS = 12  # a pasted paragraph as a query is cut to its first words

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)?%?$")
_LATIN = re.compile(r"^[a-z0-9]+$")
_NAME = re.compile(r"[^\W\d]\w*")
_PROBLEMS = re.compile(r"问题|不足|短板|差距|困难|薄弱")

_lock = threading.Lock()
_tokenizer: Any = None


def _segmenter() -> Any:
    """The process's jieba tokenizer with our words added, made on first use (about 0.5 s)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba  # noqa: PLC0415 (imported on first use: it loads a large dictionary)

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word, freq in domain_words():
                    tokenizer.add_word(word, freq)
                _tokenizer = tokenizer
    return _tokenizer


def domain_words() -> list[tuple[str, int]]:
    """(word, frequency) of search_words.txt; "#" starts a comment line."""
    out = []
    for line in WORDS_FILE.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if parts and not parts[0].startswith("#"):
            out.append((parts[0], int(parts[1]) if len(parts) > 1 else 20000))
    return out


def plain_text(text: str) -> str:
    """`text` with each placeholder shown as the names in it: {{收入.增减}} -> 〔收入·增减〕."""
    spans = find_placeholders(text)
    if not spans:
        return text
    out, pos = [], 0
    for start, end, source in spans:
        names = _NAME.findall(source)
        out.append(text[pos:start] + ("〔" + "·".join(names) + "〕" if names else ""))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _term(token: str) -> str:
    """The indexed form of one word, or "" when it is not indexed (rules in the module docstring)."""
    token = unicodedata.normalize("NFKC", token).strip().lower()
    if len(token) < 2 or "*" in token:
        return ""
    if _NUMBER.match(token):
        token = token.rstrip("%")
        return token if len(token) >= 2 else ""
    if _HAN.search(token) or _LATIN.match(token):
        return token if all(ch.isalnum() for ch in token) else ""
    return ""


def _parts(word: str, freq: Mapping[str, int]) -> list[str]:
    """The dictionary words inside a word of three or more 汉字, longest first at each start."""
    if len(word) < 3 or not _HAN.search(word):
        return []
    found = []
    for size in range(len(word) - 1, 1, -1):
        for start in range(len(word) - size + 1):
            piece = word[start : start + size]
            if freq.get(piece) and piece not in found:
                found.append(piece)
    return found


def _domain_starts(text: str) -> dict[int, list[str]]:
    """Our dictionary's words found in `text`, by start offset: jieba may cut one across a word
    boundary ("中央八项规定精神" -> 中央 / 八项规定精神), the index must still hold it."""
    found: dict[int, list[str]] = {}
    for word in _domain_set():
        start = text.find(word)
        while start != -1:
            found.setdefault(start, []).append(word)
            start = text.find(word, start + 1)
    return found


_domain_cache: list[frozenset[str]] = []


def _domain_set() -> frozenset[str]:
    if not _domain_cache:
        _domain_cache.append(frozenset(word for word, _freq in domain_words()))
    return _domain_cache[0]


def _tokens(plain: str) -> Iterator[str]:
    """jieba's cut of `plain`, with each run of two to four single 汉字 it left joined into one
    token: "民生支出占比" is cut 民生支出 / 占 / 比, and "占比" must stay searchable."""
    run: list[str] = []
    for token in _segmenter().cut(plain, HMM=True):
        if len(token) == 1 and _HAN.match(token):
            run.append(token)
            continue
        yield from _flush(run)
        yield token
    yield from _flush(run)


def _flush(run: list[str]) -> list[str]:
    out = ["".join(run)] if 2 <= len(run) <= 4 else list(run)
    run.clear()
    return out


def words(text: str) -> Iterator[tuple[str, list[str]]]:
    """(word, its dictionary parts) of every indexed word of `text` in reading order; a word of our
    dictionary that jieba cut across is added to the parts of the word where it starts."""
    tokenizer = _segmenter()
    plain = plain_text(text)
    domain = _domain_starts(plain)
    offset = 0
    for token in _tokens(plain):
        start, offset = offset, offset + len(token)
        term = _term(token)
        if term:
            parts = _parts(term, tokenizer.FREQ)
            for at in range(start, offset):
                parts += [
                    w for w in domain.get(at, ()) if w != term and w not in parts and len(w) > offset - at
                ]
            yield term, parts


def index_terms(text: str) -> list[str]:
    """Every term a passage is found by, in reading order (a word, then its parts)."""
    return [t for word, parts in words(text) for t in (word, *parts)]


def query_terms(q: str) -> list[str]:
    """The words a query must match, in order and without repeats; [] for a query too short to
    search (fewer than MIN_QUERY_CHARS characters, or only single characters: SHORT_QUERY_HINT)."""
    if len("".join(q.split())) < MIN_QUERY_CHARS:
        return []
    out: list[str] = []
    for token in _tokens(plain_text(q)):
        term = _term(token)
        if term and term not in out:
            out.append(term)
    return out[:MAX_QUERY_TERMS]


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass(frozen=True)
class Indexed:
    """A passage as the index stores it: `terms` space-joined and space-padded (" 预算 绩效 ", what
    SQLite searches with LIKE), `vector` a PostgreSQL tsvector literal ("'预算':1A '绩效':2A …")."""

    terms: str
    vector: str


def index_passage(title: str, text: str) -> Indexed:
    """Segment a passage once for both columns: title words weighted A, text words D, a word's
    parts at its own position (positions stop at 16383, PostgreSQL's limit)."""
    positions: dict[str, list[str]] = {}
    pos = 0
    for weight, part in (("A", title), ("", text)):
        for word, parts in words(part):
            pos = min(pos + 1, 16383)
            for term in (word, *parts):
                positions.setdefault(term, []).append(f"{pos}{weight}")
    vector = " ".join(f"{_lexeme(t)}:{','.join(p[:256])}" for t, p in positions.items())
    return Indexed(" " + " ".join(positions) + " ", vector)


def tsquery(terms: Iterable[str], operator: str) -> str:
    """A PostgreSQL tsquery literal joining the terms with "&", "|" or "<->" (phrase)."""
    return f" {operator} ".join(_lexeme(t) for t in terms)


@dataclass(frozen=True)
class Segment:
    """A piece of a snippet; `hit` pieces are shown highlighted (<mark>) by the template."""

    text: str
    hit: bool


def snippet(text: str, terms: Iterable[str], width: int = 120) -> list[Segment]:
    """About `width` characters of `text` around its first match of any term, as segments, with
    every occurrence of a term marked; "…" where it was cut. No HTML: the template escapes."""
    text = " ".join(text.split())
    needles = sorted({t for t in terms if t}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(t) for t in needles), re.IGNORECASE) if needles else None
    first = pattern.search(text) if pattern else None
    start = max(0, (first.start() if first else 0) - width // 3)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    piece = text[start:end]
    out: list[Segment] = [Segment("…", False)] if start else []
    pos = 0
    for match in pattern.finditer(piece) if pattern else ():
        if match.start() > pos:
            out.append(Segment(piece[pos : match.start()], False))
        out.append(Segment(match.group(), True))
        pos = match.end()
    if pos < len(piece):
        out.append(Segment(piece[pos:], False))
    if end < len(text):
        out.append(Segment("…", False))
    return out


class SectionKind:
    """What a passage's section is about, from its headings (innermost that says)."""

    RESULTS = "results"
    PROBLEMS = "problems"
    PLANS = "plans"
    OPENING = "opening"
    CLOSING = "closing"
    OTHER = "other"
    CHOICES = (
        (RESULTS, "工作成效"),
        (PROBLEMS, "存在问题"),
        (PLANS, "下步打算"),
        (OPENING, "导语"),
        (CLOSING, "结尾"),
        (OTHER, "其他"),
    )


def section_kind(title: str) -> str:
    """The SectionKind a heading names, "" when it names none. "存在问题和下步打算" is PROBLEMS (its
    points are PLANS, and sub-headings, when they say, decide for what is under them: `passages`)."""
    if _PROBLEMS.search(title):
        return SectionKind.PROBLEMS
    if PLAN_HEADING.search(title):
        return SectionKind.PLANS
    if RESULTS_HEADING.search(title):
        return SectionKind.RESULTS
    return ""


@dataclass(frozen=True)
class Passage:
    """One searchable piece of a report: a block's title (or lead) and text, or the 导语 / 结尾.

    key: "b<block id>", "opening" or "closing" (the same passage in a revision has the same key);
    path: the place as the editor numbers it ("二、（三）二是", "导语")."""

    key: str
    block_id: int | None
    path: str
    section_kind: str
    title: str
    text: str

    @property
    def plain(self) -> str:
        """Title and text as one plain string, placeholders as metric names."""
        return plain_text("。".join(p for p in (self.title, self.text) if p))


def _block_kind(visit: Any) -> str:
    """The kind named by the innermost heading that names one. Under a heading naming both problems
    and plans ("存在的问题和下步打算") the points are the plans, the paragraphs the problems."""
    for node in (visit.node, *reversed(visit.parents)):
        title = node.get("title", "") if node.get("type") == "heading" else ""
        kind = section_kind(title)
        if kind == SectionKind.PROBLEMS and PLAN_HEADING.search(title) and visit.node.get("type") == "point":
            return SectionKind.PLANS
        if kind:
            return kind
    return SectionKind.OTHER


def passages(snapshot: Mapping[str, Any]) -> list[Passage]:
    """The passages of a report snapshot (reports/core/document.py), in reading order; empty
    blocks have none."""
    out = []
    if snapshot.get("opening", "").strip():
        out.append(Passage("opening", None, "导语", SectionKind.OPENING, "", snapshot["opening"]))
    for visit, label in labelled_blocks(snapshot):
        block = visit.node
        title = block.get("lead", "") if block["type"] == "point" else block.get("title", "")
        if title.strip() or block.get("text", "").strip():
            block_id = block.get("id")
            key = f"b{block_id}" if block_id is not None else f"p{label}"
            out.append(Passage(key, block_id, label, _block_kind(visit), title, block.get("text", "")))
    if snapshot.get("closing", "").strip():
        out.append(Passage("closing", None, "结尾", SectionKind.CLOSING, "", snapshot["closing"]))
    return out
