"""Reads of leaders' suggestions (修改建议): the open ones of a report by block, each with its
character diff (submitted text → suggested text), its author's colour and whether it is stale."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from ..core.diff import Segment, diff_text
from ..core.suggestion_fields import has_field, snapshot_block_fields
from ..models import Block, Report, Suggestion
from . import reports as report_selectors

__all__ = [
    "COLOURS",
    "BlockSuggestions",
    "SuggestionView",
    "author_colours",
    "author_key",
    "review_block_suggestions",
    "suggestion_author",
    "suggestion_authors",
    "suggestion_get_for_user",
    "suggestions_by_block",
]

COLOURS = 6  # author colours in app.css (.sg-c0 … .sg-c5); the seventh leader shares the first's


@dataclass
class SuggestionView:
    suggestion: Suggestion
    segments: list[Segment]
    colour: int
    stale: bool

    @property
    def field_label(self) -> str:
        return self.suggestion.get_field_display()


@dataclass
class BlockSuggestions:
    """One block on the review page: its submitted title and text, the viewer's own suggestion
    (prefilling the form) and every open suggestion on it."""

    block_id: int
    type: str
    title: str
    text: str
    has_title: bool
    mine: dict[str, str] = field(default_factory=dict)
    items: list[SuggestionView] = field(default_factory=list)


def suggestion_get_for_user(*, user, pk: int) -> Suggestion:
    """A suggestion on a report the user may open, else Http404."""
    suggestion = Suggestion.objects.select_related("report", "block").filter(pk=pk).first()
    if (
        suggestion is None
        or not report_selectors.reports_for_user(user=user).filter(pk=suggestion.report_id).exists()
    ):
        raise Http404("修改建议不存在")
    return suggestion


def suggestion_author(*, report: Report, pk: int):
    """A user who has made a suggestion on `report` (for 采纳某领导的全部), else Http404."""
    found = report.suggestions.filter(author_id=pk).select_related("author").first()
    if found is None or found.author is None:
        raise Http404("修改建议不存在")
    return found.author


AuthorKey = int | str  # a user's id, or the name of an author who is not a user (导入修改稿)


def author_key(author_id: int | None, author_name: str) -> AuthorKey:
    """Who made a suggestion: the user, or (imported from a Word file) the name recorded there."""
    return author_id if author_id is not None else author_name


def author_colours(report: Report) -> dict[AuthorKey, int]:
    """A colour index per author, stable: the order of each author's first suggestion on the report
    (decided ones count too, so deciding one never repaints the others)."""
    colours: dict[AuthorKey, int] = {}
    rows = report.suggestions.order_by("created_at", "id").values_list("author_id", "author_name")
    for author_id, author_name in rows:
        colours.setdefault(author_key(author_id, author_name), len(colours) % COLOURS)
    return colours


def suggestions_by_block(report: Report) -> dict[int, list[SuggestionView]]:
    """The report's open suggestions by block id, oldest first, with the diff against the text
    they were made on; `stale` when the block no longer holds that text."""
    colours = author_colours(report)
    out: dict[int, list[SuggestionView]] = {}
    open_ones = report.suggestions.filter(status=Suggestion.Status.OPEN).select_related("block")
    for s in open_ones.order_by("created_at", "id"):
        current = s.block.title if s.field == Suggestion.Field.TITLE else s.block.text
        view = SuggestionView(
            s,
            diff_text(s.base_text, s.text),
            colours.get(author_key(s.author_id, s.author_name), 0),
            current != s.base_text,
        )
        out.setdefault(s.block_id, []).append(view)
    return out


def suggestion_authors(by_block: dict[int, list[SuggestionView]]) -> list[dict[str, Any]]:
    """The authors of open suggestions for the editor's bar: id, name, colour, count."""
    authors: dict[AuthorKey, dict[str, Any]] = {}
    for views in by_block.values():
        for v in views:
            entry = authors.setdefault(
                author_key(v.suggestion.author_id, v.suggestion.author_name),
                {
                    "id": v.suggestion.author_id,
                    "name": v.suggestion.author_name,
                    "colour": v.colour,
                    "count": 0,
                },
            )
            entry["count"] += 1
    return sorted(authors.values(), key=lambda a: a["colour"])


def review_block_suggestions(
    *, report: Report, user, snapshot: dict[str, Any]
) -> dict[int, BlockSuggestions]:
    """Per block of the latest submission (`snapshot`): what the review page's 修改建议 panel shows."""
    submitted = snapshot_block_fields(snapshot)
    by_block = suggestions_by_block(report)
    live = set(Block.objects.filter(report=report).values_list("pk", flat=True))
    out: dict[int, BlockSuggestions] = {}
    for block_id, fields in submitted.items():
        if block_id not in live:
            continue
        items = by_block.get(block_id, [])
        mine = {v.suggestion.field: v.suggestion.text for v in items if v.suggestion.author_id == user.pk}
        out[block_id] = BlockSuggestions(
            block_id,
            fields["type"],
            fields["title"],
            fields["text"],
            has_field(fields["type"], "title"),
            {"title": mine.get("title", fields["title"]), "text": mine.get("text", fields["text"])},
            items,
        )
    return out
