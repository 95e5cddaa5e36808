"""Export click → download link, as Chromium sees it, against when the file was ready on the server
(issue 14: the panel used to poll first after 700 ms for an export ready in ~0.1 s). A real Celery
worker renders, so the panel really polls. A ratio, not an absolute time: the link's lag behind the
moment the browser could first have had it (the later of the POST's answer and the file stored)
against the POST's own round trip measured in the same export, medians of several exports of a
demo report. Under heavy load the POST may answer after the file is stored and carry the link
itself: the lag is then ~0 whatever the polling, so the test fails only when polling is slow."""

from __future__ import annotations

import statistics
import time
from typing import NamedTuple

import pytest
from browsing import login
from drafts import demo_reports
from playwright.sync_api import expect
from workers import running_worker

from bureau.celery import app as celery_app
from reports.models import Export

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

EXPORTS = 7
# median lag / median POST round trip: about 1.5–2.5 polling from 50 ms and backing off (a poll's
# delay plus its own round trip), about 10 with the fixed first poll after 700 ms.
LAG_RATIO = 4


class Run(NamedTuple):
    """One export, seconds from the click: the POST's answer, the file stored, its link visible."""

    answered: float
    stored: float
    shown: float

    @property
    def lag(self) -> float:
        """How long the link came after the browser could first have had it."""
        return self.shown - max(self.answered, self.stored)


def _posted(response) -> bool:
    return response.request.method == "POST" and response.url.endswith("/exports/")


def _new_export(report_pk: int, after: int) -> Export:
    for _ in range(300):
        export = Export.objects.filter(report_id=report_pk, pk__gt=after).first()
        if export is not None:
            return export
        time.sleep(0.01)
    raise AssertionError("no export was requested")


def _export_once(page, report_pk: int) -> Run:
    last = (
        Export.objects.filter(report_id=report_pk).order_by("-pk").values_list("pk", flat=True).first() or 0
    )
    clicked = time.time()
    with page.expect_response(_posted):
        page.click("button:has-text('导出 Word')")
    answered = time.time()
    confirm = page.locator("#export-panel button:has-text('仍然导出')")
    if not Export.objects.filter(report_id=report_pk, pk__gt=last).exists():
        expect(confirm.or_(page.locator("#export-panel[hx-get*='/exports/'] >> nth=0"))).to_be_visible()
        if confirm.is_visible():  # a demo report may ask for confirmation first: time from that click
            clicked = time.time()
            with page.expect_response(_posted):
                confirm.click()
            answered = time.time()
    export = _new_export(report_pk, last)
    expect(page.locator(f"#export-panel a.download[href$='/exports/{export.pk}/download/']")).to_be_visible(
        timeout=30_000
    )
    shown = time.time()
    export.refresh_from_db()
    assert export.status == Export.Status.DONE
    return Run(answered - clicked, export.finished_at.timestamp() - clicked, shown - clicked)


def test_the_download_link_follows_the_finished_export_closely(page):
    report = demo_reports()[0]
    celery_app.conf.task_always_eager = False
    with running_worker():
        login(page)
        page.goto(f"/reports/{report.pk}/")
        expect(page.locator("#document")).to_be_visible()
        _export_once(page, report.pk)  # warm-up: the worker's first task imports the renderer
        runs = [_export_once(page, report.pk) for _ in range(EXPORTS)]
    posted = statistics.median(r.answered for r in runs)
    shown = statistics.median(r.shown for r in runs)
    lag = statistics.median(r.lag for r in runs)
    stored = statistics.median(r.stored for r in runs)
    print(f"\nexport p50 ms: click→POST answered {posted * 1000:.0f}, click→stored {stored * 1000:.0f}, ")
    print(f"click→link {shown * 1000:.0f}, lag {lag * 1000:.0f}, lag/POST {lag / posted:.2f}")
    assert lag <= LAG_RATIO * posted, runs
