"""Search (检索) over the passages of the reports a user may open.

Steps of `search`:
1. the query becomes its words (core.search.query_terms); an empty or one-character query gives
   no hits and a Chinese message instead;
2. candidates: the SearchEntry rows of the reports the user may open (selectors.reports
   .reports_for_user, the one permission rule: another bureau's, a deleted report, a department
   the user neither belongs to nor supervises and has no section of never come in), narrowed by the
   filters, matching at least one word;
3. score, PostgreSQL: ts_rank_cd over the words (title words weigh more: weight A), normalised
   below 1, plus 1 when every word is there, 0.5 when they stand side by side in the query's order
   (phrase), 0.3 when every word is in the passage's own title (a heading or a point's lead).
   SQLite (the embedded demo): the share of the words found and their density, and the boosts
   for every word and for the phrase;
4. one hit per passage: the live text and the approved revision's text of the same passage are
   one hit (the better scored; `other_version` says the other matched too);
   With several words, the passages having every word are ranked first, the others only when those
   do not fill the page (two queries at most);
5. best first, at most `limit`, with a snippet around the first match (segments, the template
   marks the hits). A constant number of queries, whatever the number of hits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from ..core import search as search_core
from ..models import Department, Report, ReportKind, SearchEntry
from . import reports as report_selectors

__all__ = ["SECTION_KINDS", "Hit", "SearchResult", "search"]

SECTION_KINDS = search_core.SectionKind.CHOICES
SECTION_KIND_NAMES = dict(SECTION_KINDS)
EMPTY_QUERY = "请输入要查找的词语，如“预算绩效管理”“三会一课”。"
SQLITE_CANDIDATES = 2000  # rows scored in Python in the embedded mode
SNIPPET_WIDTH = 120


@dataclass
class Hit:
    """One passage found: where it is, how well it matched, and a snippet to show."""

    report: Report
    key: str
    block_id: int | None
    path: str
    section_kind: str
    source: str
    approved: bool
    score: float
    snippet: list[search_core.Segment]
    other_version: bool = False

    @property
    def section_kind_name(self) -> str:
        return SECTION_KIND_NAMES.get(self.section_kind, "")

    @property
    def anchor(self) -> str:
        """Where the editor shows this passage: the block, or the report's head / tail form."""
        if self.key == "opening":
            return "#report-fields"
        if self.key == "closing":
            return "#report-tail"
        return f"#block-{self.block_id}" if self.block_id else ""

    @property
    def snippet_text(self) -> str:
        return "".join(s.text for s in self.snippet)


@dataclass
class SearchResult:
    q: str
    terms: list[str]
    hits: list[Hit] = field(default_factory=list)
    message: str = ""  # why there is nothing to show: empty or too short a query


def _candidates(
    *,
    user,
    year: int | None,
    kind: ReportKind | None,
    department: Department | None,
    section_kind: str,
    approved_only: bool,
) -> QuerySet[SearchEntry]:
    visible = report_selectors.reports_for_user(user=user).values("pk")
    entries = SearchEntry.objects.filter(report_id__in=visible)
    if year:
        entries = entries.filter(report__year=year)
    if kind is not None:
        entries = entries.filter(report__kind=kind)
    if department is not None:
        entries = entries.filter(report__department=department)
    if section_kind:
        entries = entries.filter(section_kind=section_kind)
    if approved_only:
        entries = entries.filter(approved=True)
    return entries


_PG_SCORE = (
    "ts_rank_cd(vector, %s::tsquery, 1|32)"
    " + CASE WHEN vector @@ %s::tsquery THEN 1 ELSE 0 END"
    " + CASE WHEN vector @@ %s::tsquery THEN 0.5 ELSE 0 END"
    " + CASE WHEN ts_filter(vector, '{a}') @@ %s::tsquery THEN 0.3 ELSE 0 END"
)


def _ranked_pg(
    entries: QuerySet[SearchEntry], terms: list[str], limit: int
) -> list[tuple[SearchEntry, float]]:
    any_word, every_word = search_core.tsquery(terms, "|"), search_core.tsquery(terms, "&")
    phrase = search_core.tsquery(terms, "<->")  # one word: the same as every_word

    def ranked(match: str) -> list[tuple[SearchEntry, float]]:
        rows = (
            entries.filter(RawSQL("vector @@ %s::tsquery", [match], output_field=BooleanField()))
            .annotate(
                score=RawSQL(_PG_SCORE, [any_word, every_word, phrase, every_word], output_field=FloatField())
            )
            .select_related("report", "report__kind", "report__department")
            .defer("terms", "vector")
            .order_by("-score", "-report__year", "report_id", "position")[:limit]
        )
        return [(row, float(row.score)) for row in rows]

    # Passages with every word score above any with only some (the +1), so when they fill the page
    # the others need not be ranked at all: a common word ("项目", "工作") of a longer query would
    # otherwise make each search rank tens of thousands of rows.
    found = ranked(every_word)
    return found if len(terms) == 1 or len(found) == limit else ranked(any_word)


def _score_plain(entry: SearchEntry, terms: list[str]) -> float:
    """SQLite: below 1, the share of the words present and how densely they occur (occurrences over
    1 + log of the length, as ts_rank_cd's normalisation 1); plus the PostgreSQL boosts for every
    word (+1) and the words side by side (+0.5); see the module docstring."""
    padded = entry.terms
    found = sum(1 for t in terms if f" {t} " in padded)
    density = sum(entry.text.count(t) for t in terms) / (1 + math.log(1 + len(entry.text)))
    score = (found / len(terms) + density / (density + 1)) / 2
    if found == len(terms):
        score += 1
        if len(terms) > 1 and "".join(terms) in entry.text:
            score += 0.5
    return score


def _ranked_plain(
    entries: QuerySet[SearchEntry], terms: list[str], limit: int
) -> list[tuple[SearchEntry, float]]:
    any_word = Q()
    for term in terms:
        any_word |= Q(terms__contains=f" {term} ")
    rows = entries.filter(any_word).select_related("report", "report__kind", "report__department")
    scored = [(row, _score_plain(row, terms)) for row in rows[:SQLITE_CANDIDATES]]
    scored.sort(key=lambda pair: (-pair[1], -pair[0].report.year, pair[0].report_id, pair[0].position))
    return scored[:limit]


def _hits(ranked: list[tuple[SearchEntry, float]], terms: list[str], limit: int) -> list[Hit]:
    by_passage: dict[tuple[int, str], Hit] = {}
    for entry, score in ranked:
        place = (entry.report_id, entry.key)
        if place in by_passage:
            by_passage[place].other_version = True
            continue
        if len(by_passage) == limit:
            continue
        by_passage[place] = Hit(
            report=entry.report,
            key=entry.key,
            block_id=entry.block_id,
            path=entry.path,
            section_kind=entry.section_kind,
            source=entry.source,
            approved=entry.approved,
            score=round(score, 4),
            snippet=search_core.snippet(entry.text, terms, SNIPPET_WIDTH),
        )
    return list(by_passage.values())


def search(
    *,
    user,
    q: str,
    year: int | None = None,
    kind: ReportKind | None = None,
    department: Department | None = None,
    section_kind: str = "",
    approved_only: bool = False,
    limit: int = 20,
) -> SearchResult:
    """The passages matching `q` that `user` may see, best first (steps in the module docstring)."""
    q = " ".join(q.split())
    terms = search_core.query_terms(q)
    if not q:
        return SearchResult(q, [], message=EMPTY_QUERY)
    if not terms:
        return SearchResult(q, [], message=search_core.SHORT_QUERY_HINT)
    entries = _candidates(
        user=user,
        year=year,
        kind=kind,
        department=department,
        section_kind=section_kind,
        approved_only=approved_only,
    )
    rank: Any = _ranked_pg if connection.vendor == "postgresql" else _ranked_plain
    # twice the limit: the other version of a passage takes no place of its own
    return SearchResult(q, terms, _hits(rank(entries, terms, limit * 2), terms, limit))
