"""Reliability probe (issue 9, items 2 and 3): the issue's 1.5 MB text (11 sections x 9,000
"一是推进。" lines: 27 s to preview, 135 MB of HTML, a 782 KB session row, then 创建 killed at 121 s)
is refused quickly with a Chinese message; a report at the block cap previews and is created in
bounded time and queries; 10,000 points in one section is refused, never a 500.

Run with scripts/reliability.sh (or pytest tests/reliability/test_import_bounds.py -s)."""

from __future__ import annotations

import time

import pytest
from corpus import outline_text
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.core.importer import MAX_BLOCKS
from reports.models import ImportDraft, Report

HX = {"HTTP_HX_REQUEST": "true"}


def session_bytes(client) -> int:
    return len(Session.objects.get(session_key=client.session.session_key).session_data)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bureau.urls")
def test_import_work_is_bounded(client, drafter, kinds):
    client.force_login(drafter)
    preview = reverse("report_import_preview")

    # The file.
    data = outline_text(11, 9000).encode()
    started = time.perf_counter()
    response = client.post(preview, {"file": SimpleUploadedFile("报告.txt", data)}, **HX)
    refuse_seconds = time.perf_counter() - started
    assert response.status_code == 422 and "段落过多" in response.content.decode()
    refused_html = len(response.content)

    # 10,000 points in one section (was HTTP 500).
    started = time.perf_counter()
    response = client.post(preview, {"text": outline_text(1, 10_000)}, **HX)
    points_seconds = time.perf_counter() - started
    assert response.status_code == 422 and f"最多{MAX_BLOCKS}段" in response.content.decode()

    # A report at the cap: 10 sections of 199 points.
    started = time.perf_counter()
    response = client.post(preview, {"text": outline_text(10, (MAX_BLOCKS - 10) // 10)}, **HX)
    preview_seconds = time.perf_counter() - started
    assert response.status_code == 200
    preview_html = len(response.content)
    draft = ImportDraft.objects.get()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("report_import_create"),
            {"revision": str(draft.revision), "kind": "annual_summary", "year": "2025"},
            **HX,
        )
    create_seconds = time.perf_counter() - started
    assert response.status_code == 200
    assert Report.objects.get().blocks.count() == MAX_BLOCKS
    print(
        f"RELIABILITY import_refused_seconds={refuse_seconds:.2f} refused_html_kb={refused_html / 1024:.1f} "
        f"points_10000_refused_seconds={points_seconds:.2f} "
        f"cap_preview_seconds={preview_seconds:.2f} cap_preview_html_kb={preview_html / 1024:.0f} "
        f"session_bytes={session_bytes(client)} cap_create_seconds={create_seconds:.2f} "
        f"cap_create_queries={len(queries)}"
    )
    assert refuse_seconds < 2 and points_seconds < 2
    assert preview_seconds < 15 and create_seconds < 15
    assert session_bytes(client) < 1000
