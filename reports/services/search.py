"""Keeping the search index (SearchEntry) up to date with the reports' text.

Every write service that changes a report's text or structure calls `search_index_later` inside
its transaction. Once the transaction commits, the update is queued as a Celery task (a worker
does it, outside the request); without REDIS_URL (embedded mode) the task runs in-process after the
response has been sent (middleware.AfterResponseMiddleware), or at once outside a request. A block's text save updates that block's passage only (about 1 ms of work);
structure changes (add, delete, move, a heading's title, import, approval) rebuild the report's
passages, since numbers and section kinds of other blocks may change.

Nothing here can fail a save: when the task cannot be queued (broker down) or fails, the report is
marked stale (SearchStale); the next search rebuilds the stale reports it could show
(`search_catch_up`), as does `manage.py search_reindex`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from celery import current_app
from django.db import connection, transaction
from django.utils import timezone

from ..core import search as search_core
from ..models import Block, Report, SearchEntry, SearchStale
from ..request_context import run_after_response
from ..selectors import reports as report_selectors

logger = logging.getLogger(__name__)

SEARCH_INDEX_TASK = "reports.tasks.search_index"
CATCH_UP_LIMIT = 20  # stale reports rebuilt before one search; the rest by the next ones

__all__ = [
    "SEARCH_INDEX_TASK",
    "search_catch_up",
    "search_index_later",
    "search_index_report",
    "search_mark_stale",
    "search_reindex_all",
]


def _entry(
    report: Report, passage: search_core.Passage, *, source: str, approved: bool, position: int
) -> tuple[SearchEntry, str]:
    """The row of one passage, and its tsvector literal (set by _store_vectors on PostgreSQL)."""
    indexed = search_core.index_passage(
        search_core.plain_text(passage.title), search_core.plain_text(passage.text)
    )
    entry = SearchEntry(
        bureau_id=report.bureau_id,
        report_id=report.pk,
        block_id=passage.block_id if source == SearchEntry.Source.LIVE else None,
        source=source,
        key=passage.key,
        position=position,
        path=passage.path[:200],
        section_kind=passage.section_kind,
        approved=approved,
        text=passage.plain,
        terms=indexed.terms,
    )
    return entry, indexed.vector


def _entries(report: Report, keys: set[str] | None) -> list[tuple[SearchEntry, str]]:
    """The rows of the report's passages (only those of `keys` when given): live ones, and approved
    ones that differ from the live passage of the same key."""
    live = search_core.passages(report_selectors.report_snapshot(report))
    revision = report.approved_revision
    approved = {p.key: p for p in search_core.passages(revision.snapshot)} if revision else {}
    live_keys = {p.key: p for p in live}
    rows = []
    for position, passage in enumerate(live):
        if keys is None or passage.key in keys:
            same = approved.get(passage.key)
            is_approved = same is not None and same.plain == passage.plain
            rows.append(_entry(report, passage, source="live", approved=is_approved, position=position))
    for position, passage in enumerate(approved.values()):
        mine = live_keys.get(passage.key)
        if (keys is None or passage.key in keys) and (mine is None or mine.plain != passage.plain):
            rows.append(_entry(report, passage, source="approved", approved=True, position=position))
    return rows


def _store(report_id: int, rows: list[tuple[SearchEntry, str]], keys: set[str] | None) -> None:
    with transaction.atomic():
        old = SearchEntry.objects.filter(report_id=report_id)
        if keys is not None:
            old = old.filter(key__in=keys)
        old.delete()
        SearchEntry.objects.bulk_create([entry for entry, _vector in rows])
        if connection.vendor == "postgresql" and rows:
            _store_vectors(rows)


def _store_vectors(rows: list[tuple[SearchEntry, str]]) -> None:
    """Set the tsvector of the new rows in one UPDATE (literal vectors: see core.search)."""
    values = ", ".join(["(%s, %s::tsvector)"] * len(rows))
    params: list[Any] = []
    for entry, vector in rows:
        params += [entry.pk, vector]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE reports_searchentry AS e SET vector = v.vector FROM (VALUES {values}) AS v(id, vector) "
            "WHERE e.id = v.id",
            params,
        )


def search_index_report(*, report_id: int, keys: Iterable[str] | None = None) -> int:
    """Rebuild the search entries of one report (all, or only the passages of `keys`: "b<block
    id>", "opening", "closing"); a purged report's are gone with it. Returns the rows written.
    Clears the report's stale mark when it rebuilt everything."""
    report = Report.objects.select_related("kind", "approved_revision").filter(pk=report_id).first()
    if report is None:
        return 0
    wanted = set(keys) if keys is not None else None
    stale = SearchStale.objects.filter(report_id=report_id)
    marked = stale.values_list("marked_at", flat=True).first() if wanted is None else None
    rows = _entries(report, wanted)
    _store(report_id, rows, wanted)
    if marked is not None:  # a mark made while this ran stays, for the next rebuild
        stale.filter(marked_at__lte=marked).delete()
    return len(rows)


def search_mark_stale(*, report_id: int) -> None:
    """Remember that the report's entries may be behind its text (an update was lost)."""
    now = timezone.now()
    if not SearchStale.objects.filter(report_id=report_id).update(marked_at=now):
        SearchStale.objects.bulk_create(
            [SearchStale(report_id=report_id, marked_at=now)], ignore_conflicts=True
        )


def search_index_run(*, report_id: int, keys: list[str] | None = None) -> int:
    """What the task does: rebuild, and mark the report stale if that fails (never raises)."""
    try:
        return search_index_report(report_id=report_id, keys=keys)
    except Exception:
        logger.exception("search index of report %s failed", report_id)
        try:
            search_mark_stale(report_id=report_id)
        except Exception:
            logger.exception("could not mark report %s stale for search", report_id)
        return 0


def search_index_later(*, report_id: int, block: Block | None = None, fields: bool = False) -> None:
    """Queue the index update of a report once the current transaction commits.

    `block`: only that block's text changed (a heading's title may change its section's kind, so a
    heading rebuilds the report); `fields`: only the report's own fields (导语, 结尾); neither:
    structure changed, rebuild the whole report. A broker that is down marks the report stale
    instead of failing the request."""
    if block is not None and block.type != Block.Type.HEADING:
        keys: list[str] | None = [f"b{block.pk}"]
    elif fields:
        keys = ["opening", "closing"]
    else:
        keys = None

    def enqueue() -> None:
        try:
            current_app.tasks[SEARCH_INDEX_TASK].delay(report_id, keys)
        except Exception:
            logger.exception("could not queue the search index of report %s", report_id)
            search_mark_stale(report_id=report_id)

    def after_commit() -> None:
        # Without a worker the task would run right here, in the request: leave it for after the
        # response (the save is answered first); outside a request, run it now.
        if not (current_app.conf.task_always_eager and run_after_response(enqueue)):
            enqueue()

    transaction.on_commit(after_commit)


def search_catch_up(*, report_ids: Iterable[int] | None = None, limit: int = CATCH_UP_LIMIT) -> int:
    """Rebuild up to `limit` stale reports (of `report_ids` when given), oldest mark first; returns
    how many. Called before a search, so a lost update is caught up by the next search."""
    stale = SearchStale.objects.order_by("marked_at")
    if report_ids is not None:
        stale = stale.filter(report_id__in=report_ids)
    ids = list(stale.values_list("report_id", flat=True)[:limit])
    for report_id in ids:
        search_index_report(report_id=report_id)
    return len(ids)


def search_reindex_all(*, bureau_id: int | None = None) -> tuple[int, int]:
    """Rebuild the entries of every report (of one bureau): (reports, rows)."""
    reports = Report.objects.order_by("pk")
    if bureau_id is not None:
        reports = reports.filter(bureau_id=bureau_id)
    rows = count = 0
    for report_id in reports.values_list("pk", flat=True):
        rows += search_index_report(report_id=report_id)
        count += 1
    return count, rows
