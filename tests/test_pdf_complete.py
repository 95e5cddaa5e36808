"""Every PDF the product makes keeps every character of its .docx (docs/layout.md R6, tests/pdftext.py).

The product makes PDFs with `render_report --format pdf` (exact and masked); the rendered-layout
checks (tests/test_docx_layout.py V9) cover the demo and corpus snapshots through the core.
"""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest
from django.core.management import call_command
from pdftext import assert_pdf_complete, docx_text, lost_characters, pdf_text
from test_docx_layout import demo_snapshots

from reports.core import pdf
from reports.core.docx_render import render_docx
from reports.models import Report

pytestmark = [pytest.mark.layout]


def _render(ids: list[int], out, fmt: str, *extra: str) -> dict[str, bytes]:
    folder = out / fmt / "-".join(extra or ("exact",))
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
    assert sorted(pdfs) == sorted(docx) and len(pdfs) == len(ids) == 4
    for stem, content in pdfs.items():
        assert_pdf_complete(docx[stem], content)


def _without_overflow_punct(docx: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/styles.xml":
                assert b"<w:overflowPunct/>" in data
                data = data.replace(b"<w:overflowPunct/>", b"")
            package.writestr(info, data)
    return out.getvalue()


def test_the_check_catches_the_marks_libreoffice_drops_without_overflow_punct():
    """The test proving the test: the same report without w:overflowPunct loses line-final marks
    (R6, LibreOffice 7.4 and 25.2), and the completeness check names them. If a LibreOffice fixes
    R6 this fails: the renderer's w:overflowPunct is then no longer needed for LibreOffice."""
    docx = render_docx(demo_snapshots()["work_plan"])
    lost = lost_characters(docx_text(docx), pdf_text(pdf.docx_to_pdf(_without_overflow_punct(docx))))
    assert lost and set(lost) <= set("，。、；："), lost
    with pytest.raises(AssertionError, match=f"{len(lost)} differences"):
        assert_pdf_complete(docx, pdf.docx_to_pdf(_without_overflow_punct(docx)))


def _offices(workdir) -> list[str]:
    """Command lines of the soffice.bin processes running on workdir's profile."""
    found = subprocess.run(["pgrep", "-af", f"{workdir}/lo-profile"], capture_output=True, text=True)
    return [line for line in found.stdout.splitlines() if "soffice.bin" in line]


def test_a_process_keeps_one_resident_office_across_conversions(tmp_path):
    docx = render_docx({"title": "常驻"})
    try:
        pdf.docx_to_pdf(docx, workdir=tmp_path)
        first = _offices(tmp_path)
        pdf.docx_to_pdf(docx, workdir=tmp_path)
        assert len(first) == 1 and _offices(tmp_path) == first  # the same soffice.bin served both
    finally:
        pdf.stop_office(tmp_path)
    assert _offices(tmp_path) == []


def test_a_timed_out_conversion_stops_the_office_and_the_next_one_starts_afresh(tmp_path):
    with pytest.raises(pdf.PdfConversionError, match="did not finish within"):
        pdf.docx_to_pdf(render_docx({"title": "超时"}), workdir=tmp_path, timeout=0.01)
    assert _offices(tmp_path) == []
    try:
        assert pdf_text(pdf.docx_to_pdf(render_docx({"title": "再试"}), workdir=tmp_path)) == "再试"
    finally:
        pdf.stop_office(tmp_path)
