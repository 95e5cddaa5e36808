"""Reliability probe (issue 9, item 1): 20 billion-laughs uploads of each kind (.xlsx to the metric
import, .docx to the report import) by one logged-in user through the real views, in one process.
The web worker's resident memory must not grow by more than 20 MB (before the shared DTD check,
each .xlsx cost 65-130 MB that was never returned).

Run with scripts/reliability.sh (or pytest tests/reliability/test_hostile_uploads.py -s)."""

from __future__ import annotations

import gc
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from packages import good_xlsx, laughs_docx, laughs_xlsx

from reports.models import Metric, Report

UPLOADS = 20
HX = {"HTTP_HX_REQUEST": "true"}


def rss_mb() -> float:
    gc.collect()
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bureau.urls")
def test_hostile_uploads_keep_the_worker_small(client, drafter, kinds):
    client.force_login(drafter)
    xlsx, docx = laughs_xlsx(), laughs_docx()
    # Warm up: every module and template the two views use is loaded before the baseline.
    client.post(
        reverse("metric_import"), {"year": "2025", "file": SimpleUploadedFile("a.xlsx", good_xlsx())}, **HX
    )
    client.post(reverse("report_import_preview"), {"file": SimpleUploadedFile("a.docx", docx)}, **HX)
    before = rss_mb()
    started = time.perf_counter()
    refused = 0
    for i in range(UPLOADS):
        upload = SimpleUploadedFile(f"指标{i}.xlsx", xlsx)
        response = client.post(reverse("metric_import"), {"year": "2025", "file": upload}, **HX)
        refused += response.status_code == 422 and "DTD" in response.content.decode()
        upload = SimpleUploadedFile(f"报告{i}.docx", docx)
        response = client.post(reverse("report_import_preview"), {"file": upload}, **HX)
        refused += response.status_code == 422 and "DTD" in response.content.decode()
    seconds = time.perf_counter() - started
    growth = rss_mb() - before
    print(
        f"RELIABILITY uploads_refused={refused}/{2 * UPLOADS} rss_growth_mb={growth:.1f} "
        f"seconds_per_upload={seconds / (2 * UPLOADS):.3f}"
    )
    assert refused == 2 * UPLOADS
    assert growth < 20
    assert Metric.objects.count() == 0 and Report.objects.count() == 0
