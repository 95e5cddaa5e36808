"""Reads of leaders' suggestions (修改建议): the open ones of a report by block, each with its
character diff (submitted text → suggested text), its author's colour and whether it is stale."""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from ..core.diff import Segment, diff_text
from ..core.suggestion_fields import has_field, snapshot_block_fields
from ..core.tree import walk
from ..errors import WrongState
from ..models import Block, Comment, Report, Suggestion
from . import reports as report_selectors

__all__ = [
    "COLOURS",
    "BlockSuggestions",
    "SuggestionView",
    "author_colours",
    "author_key",
    "report_tracked_snapshot",
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


def _utc(moment) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else "未署名"


def report_tracked_snapshot(report: Report) -> dict[str, Any]:
    """What the 花脸稿 shows (reports.core.tracked): the latest submission (its revision's snapshot
    with its metric values) with, on each block, every open suggestion made on that text (one per
    leader: title and text) and every open comment on the block with its replies.

    A suggestion whose base is no longer the submitted text (made on an earlier submission) is left
    out: it would not apply. Raises WrongState for a report never submitted."""
    revision = report.revisions.order_by("-number").first()
    if revision is None:
        raise WrongState("报告尚未提交，没有可导出花脸稿的提交版本。")
    snapshot = copy.deepcopy(revision.snapshot)
    fields = snapshot_block_fields(snapshot)
    suggested: dict[int, dict[str, dict[str, Any]]] = {}
    for s in Suggestion.objects.filter(report=report, status=Suggestion.Status.OPEN).order_by("created_at"):
        submitted = fields.get(s.block_id)
        if submitted is None or submitted[s.field] != s.base_text:
            continue
        entry = suggested.setdefault(s.block_id, {}).setdefault(
            s.author_name, {"author": s.author_name, "date": _utc(s.created_at), "title": None, "text": None}
        )
        entry[s.field] = s.text
    commented: dict[int, list[dict[str, Any]]] = {}
    open_comments = (
        Comment.objects.filter(report=report, resolved=False, parent=None, block__isnull=False)
        .select_related("author")
        .prefetch_related("replies__author")
        .order_by("created_at")
    )
    for c in open_comments:
        replies = [
            {"author": _name(r.author), "date": _utc(r.created_at), "text": r.text}
            for r in sorted(c.replies.all(), key=lambda r: r.created_at)
        ]
        commented.setdefault(c.block_id, []).append(
            {"author": _name(c.author), "date": _utc(c.created_at), "text": c.text, "replies": replies}
        )
    for visit in walk(snapshot.get("blocks") or ()):
        block_id = visit.node.get("id")
        if block_id in suggested:
            visit.node["suggestions"] = list(suggested[block_id].values())
        if block_id in commented:
            visit.node["comments"] = commented[block_id]
    return snapshot
