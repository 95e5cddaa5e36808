"""Every PDF the product makes keeps every character of its .docx (docs/layout.md R6, tests/pdftext.py).

The product makes PDFs with `render_report --format pdf`, exact and masked; the rendered-layout
checks (tests/core/test_docx_layout.py V9) cover the demo and corpus snapshots through the core.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from pdftext import assert_pdf_complete

from reports.models import Report

pytestmark = [pytest.mark.layout]


def _render(ids: list[int], out, fmt: str, *extra: str) -> dict[str, bytes]:
    folder = out / fmt
    call_command(
        "render_report", *map(str, ids), "--out", str(folder), "--format", fmt, *extra, stdout=io.StringIO()
    )
    return {path.stem: path.read_bytes() for path in folder.iterdir()}


@pytest.mark.django_db
@pytest.mark.parametrize("masked", [(), ("--masked",)], ids=["exact", "masked"])
def test_render_report_pdf_keeps_every_character_of_each_demo_report(tmp_path, masked):
    call_command("seed_demo", stdout=io.StringIO())
    ids = list(Report.objects.values_list("pk", flat=True))
    docx = _render(ids, tmp_path, "docx", *masked)
    pdfs = _render(ids, tmp_path, "pdf", *masked)
    assert sorted(pdfs) == sorted(docx) and len(pdfs) == len(ids) == 6
    for stem, content in pdfs.items():
        assert_pdf_complete(docx[stem], content)
