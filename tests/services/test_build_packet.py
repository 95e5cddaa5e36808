"""build_packet: the approved revisions of demo reports as one packet, refusing unapproved ones."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from drafts import approve, demo_reports
from packetdocx import toc_entries
from pdftext import docx_text

from reports.core.packet import DRAFT_MARK, PacketOptions, estimate_starts
from reports.models import Report
from reports.selectors.reports import report_packet_snapshot
from reports.services import workflow as workflow_services
from reports.services.exports import export_options, export_resolve


def build(tmp_path, *ids: int, **options) -> bytes:
    """Run the command as from a shell (options as arguments, so that argparse parses them)."""
    out = tmp_path / "packet.bin"
    argv = [str(i) for i in ids] + ["--out", str(out)]
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        argv += [flag] if value is True else [flag, str(value)]
    call_command("build_packet", *argv, stdout=io.StringIO())
    return out.read_bytes()


@pytest.mark.django_db
def test_it_packs_the_approved_revisions_not_the_live_text(tmp_path):
    first, second = demo_reports()[:2]
    approve(first)
    approve(second)
    # Redrafted after approval, with new live text: the packet keeps the approved revision.
    drafter = get_user_model().objects.get(username="drafter")
    workflow_services.report_redraft(report=Report.objects.get(pk=first.pk), user=drafter)
    Report.objects.filter(pk=first.pk).update(opening="审定后改写的导语。")

    text = docx_text(build(tmp_path, first.pk, second.pk, title="2025年度述职述廉会议", date="2026-01-15"))

    assert text.startswith("2025年度述职述廉会议材料汇编示范市财政局2026年1月15日目录")
    assert text.count(first.title.replace(" ", "")) >= 2  # in the 目录 and as the report's title
    assert "审定后改写的导语" not in text
    assert "征求意见稿" not in text


@pytest.mark.django_db
def test_it_refuses_a_report_without_an_approved_revision(tmp_path):
    first, second = demo_reports()[:2]
    approve(first)
    with pytest.raises(CommandError) as error:
        build(tmp_path, first.pk, second.pk)
    message = str(error.value)
    assert f"编号{second.pk}" in message and "尚未审定" in message and "--drafts" in message
    assert not (tmp_path / "packet.bin").exists()


@pytest.mark.django_db
def test_it_takes_the_current_text_with_drafts_and_says_so_on_the_cover(tmp_path):
    reports = demo_reports()
    text = docx_text(build(tmp_path, *(r.pk for r in reports), drafts=True, title="试排会议"))
    assert text.startswith("试排会议材料汇编" + DRAFT_MARK)
    for report in reports:
        assert report.title.replace(" ", "") in text


@pytest.mark.django_db
def test_it_writes_one_file_per_report_in_a_zip_named_as_single_exports(tmp_path):
    reports = demo_reports()
    for report in reports[:2]:
        approve(report)
    masked = build(tmp_path, reports[0].pk, reports[1].pk, format="zip", masked=True)
    with zipfile.ZipFile(io.BytesIO(masked)) as archive:
        names = archive.namelist()
    assert len(names) == 2 and all(name.endswith("（脱敏稿）.docx") for name in names)


@pytest.mark.django_db
def test_it_refuses_unknown_reports_and_bad_dates(tmp_path):
    reports = demo_reports()
    with pytest.raises(CommandError, match="报告不存在：999999"):
        build(tmp_path, reports[0].pk, 999999, drafts=True)
    with pytest.raises(CommandError, match="日期格式应为"):
        build(tmp_path, reports[0].pk, drafts=True, date="2026/01/15")


@pytest.mark.django_db
def test_a_masked_packet_of_reports_of_different_years_passes_its_leak_scan(tmp_path):
    reports = demo_reports()  # three 2025 reports and a 2026 plan, which masks 2025
    text = docx_text(
        build(
            tmp_path,
            *(r.pk for r in reports),
            drafts=True,
            masked=True,
            title="2025年度会议",
            date="2026-01-15",
        )
    )
    # The cover is masked as the parts are: the parts' kept years stay, other digits become "*".
    assert text.startswith("2025年度会议材料汇编" + DRAFT_MARK + "示范市财政局2026年*月**日目录")


@pytest.mark.django_db
def test_without_libreoffice_a_docx_gets_estimated_page_numbers_and_a_pdf_fails(tmp_path, monkeypatch):
    reports = demo_reports()
    monkeypatch.setenv("SOFFICE", "/bin/false")  # every conversion fails
    docx = build(tmp_path, *(r.pk for r in reports), drafts=True)
    assert [page for _, page in toc_entries(docx)] == estimate_starts(
        [
            export_resolve(
                report_packet_snapshot(r, drafts=True),
                masked=False,
                options=export_options(report=r, masked=False),
            )[0]
            for r in reports
        ],
        PacketOptions(meeting=""),
    )
    with pytest.raises(CommandError, match="PDF 转换失败"):
        build(tmp_path, reports[0].pk, drafts=True, format="pdf")
