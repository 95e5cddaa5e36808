"""The PDF preview service with the real LibreOffice and pdftoppm: pages as images, cached by the Word
file's content, masked like the masked export, a clear failure without LibreOffice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pymupdf
import pytest
from pdftext import pdf_text

from reports.core.pages import PNG_SIGNATURE
from reports.models import STALL_AFTER, Metric, Preview, PreviewPage
from reports.services import previews as preview_services
from reports.services import reports as report_services
from reports.services import workflow as workflow_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Call a service and run what it queued on commit (the task, eagerly in tests)."""

    def call(service, **arguments):
        with django_capture_on_commit_callbacks(execute=True):
            result = service(**arguments)
        result.refresh_from_db()
        return result

    return call


@pytest.fixture
def written(report, drafter):
    """The report with a figure from the 指标库 and one typed by hand in its first section."""
    Metric.objects.create(
        bureau=report.bureau, year=2025, name="一般公共预算收入", value=Decimal("186.4"), unit="亿元"
    )
    section = report.blocks.filter(parent=None).order_by("position").first()
    point = report_services.block_add(report=report, type="point", parent=section, user=drafter)
    text = "全年收入{{一般公共预算收入}}亿元，压减非急需支出8.5%。" + "扎实推进预算绩效管理改革。" * 30
    report_services.block_save(block=point, version=1, data={"title": "抓收入", "text": text}, user=drafter)
    report.refresh_from_db()
    return report


def test_it_makes_one_png_per_pdf_page(written, drafter, run_on_commit):
    preview = run_on_commit(preview_services.report_preview_request, report=written, user=drafter)

    assert preview.status == Preview.Status.DONE, preview.error
    assert preview.progress == 100 and preview.attempts == 1
    document = pymupdf.open(stream=bytes(preview.pdf), filetype="pdf")
    pages = list(preview.pages.all())
    assert preview.page_count == document.page_count == len(pages) >= 2
    assert [p.number for p in pages] == list(range(1, document.page_count + 1))
    for page in pages:
        assert bytes(page.image).startswith(PNG_SIGNATURE)
        assert abs(page.height / page.width - 297 / 210) < 0.01  # A4, as the Word file sets it
    assert "全年收入186.4亿元" in pdf_text(bytes(preview.pdf))
    assert preview.title.startswith("2025年度述职报告") and preview.report == written


def test_the_same_word_file_is_one_preview_and_a_change_makes_a_new_one(written, drafter, run_on_commit):
    first = run_on_commit(preview_services.report_preview_request, report=written, user=drafter)
    again = run_on_commit(preview_services.report_preview_request, report=written, user=drafter)
    assert again.pk == first.pk and again.attempts == 1  # not converted a second time

    point = written.blocks.get(type="point")
    report_services.block_save(block=point, version=point.version, data={"title": "抓支出"}, user=drafter)
    changed = run_on_commit(preview_services.report_preview_request, report=written, user=drafter)
    assert changed.pk != first.pk and changed.status == Preview.Status.DONE
    assert "抓支出" in pdf_text(bytes(changed.pdf)) and Preview.objects.count() == 2


def test_a_masked_preview_shows_no_masked_figure(written, drafter, run_on_commit):
    preview = run_on_commit(
        preview_services.report_preview_request, report=written, user=drafter, masked=True
    )

    assert preview.status == Preview.Status.DONE, preview.error
    text = pdf_text(bytes(preview.pdf))
    assert "186.4" not in text and "8.5" not in text
    assert "全年收入***.*亿元" in text and "2025年度" in text  # the report's own year stays
    assert preview.masked and preview.title.endswith("（脱敏稿）") and preview.title.count("脱敏稿") == 1


def test_a_revision_is_previewed_as_its_export(written, drafter, run_on_commit):
    revision = workflow_services.report_submit(report=written, user=drafter)
    point = written.blocks.get(type="point")
    type(point).objects.filter(pk=point.pk).update(title="提交后才有的标题")  # the live rows move on

    preview = run_on_commit(
        preview_services.report_preview_request, report=written, user=drafter, revision=revision
    )
    assert preview.status == Preview.Status.DONE, preview.error
    text = pdf_text(bytes(preview.pdf))
    assert "抓收入" in text and "提交后才有的标题" not in text
    assert "第1次提交" in preview.title


def test_without_libreoffice_it_fails_with_a_clear_message_and_a_retry_makes_it(
    written, drafter, run_on_commit, monkeypatch
):
    monkeypatch.setenv("SOFFICE", "/nonexistent/libreoffice/soffice")
    preview = run_on_commit(preview_services.report_preview_request, report=written, user=drafter)
    assert preview.status == Preview.Status.FAILED
    assert preview.error == "服务器未安装 LibreOffice，无法生成 PDF 预览。请联系管理员。"
    assert not PreviewPage.objects.exists()

    monkeypatch.delenv("SOFFICE")
    again = run_on_commit(preview_services.report_preview_request, report=written, user=drafter)
    assert again.pk == preview.pk and again.status == Preview.Status.DONE and again.error == ""


def test_a_rerun_of_a_finished_preview_stores_nothing_twice(written, drafter, run_on_commit):
    preview = run_on_commit(preview_services.report_preview_request, report=written, user=drafter)
    pages = list(PreviewPage.objects.filter(preview=preview).values_list("pk", flat=True))

    assert preview_services.preview_run(preview_id=preview.pk) is False
    preview.refresh_from_db()
    assert preview.attempts == 1
    assert list(PreviewPage.objects.filter(preview=preview).values_list("pk", flat=True)) == pages


def test_two_workers_on_one_preview_store_one_set_of_pages(written, drafter):
    """The second run starts while the first is still running (both claimed it): one result."""
    preview = preview_services.report_preview_request(report=written, user=drafter)  # not run: no commit
    assert preview_services.preview_run(preview_id=preview.pk) is True
    Preview.objects.filter(pk=preview.pk).update(status=Preview.Status.RUNNING)  # as the other saw it
    assert preview_services.preview_run(preview_id=preview.pk) is True
    preview.refresh_from_db()
    assert PreviewPage.objects.filter(preview=preview).count() == preview.page_count


def test_a_preview_whose_worker_died_is_queued_again(written, drafter, run_on_commit):
    preview = preview_services.report_preview_request(report=written, user=drafter)
    Preview.objects.filter(pk=preview.pk).update(
        status=Preview.Status.RUNNING,
        progress=10,
        attempts=1,
        heartbeat_at=preview.created_at - STALL_AFTER * 2,
    )
    preview.refresh_from_db()
    requeued = run_on_commit(preview_services.preview_requeue_if_stalled, preview=preview)
    assert requeued.status == Preview.Status.DONE and requeued.attempts == 2


def test_a_packet_preview_is_the_bureau_s_without_a_report(
    bureau, admin_user, written, drafter, run_on_commit
):
    from reports.services.exports import report_render

    _name, docx = report_render(report=written)
    preview = run_on_commit(
        preview_services.preview_request,
        bureau=bureau,
        docx=docx,
        title="2025年度述职述廉会议材料汇编",
        user=admin_user,
    )
    assert preview.scope == Preview.Scope.PACKET and preview.report is None
    assert preview.status == Preview.Status.DONE and preview.page_count >= 2
    assert preview.finished_at - preview.created_at < dt.timedelta(minutes=2)


def test_a_masked_revision_is_masked_and_named_as_its_masked_export(written, drafter, run_on_commit):
    revision = workflow_services.report_submit(report=written, user=drafter)
    preview = run_on_commit(
        preview_services.report_preview_request, report=written, user=drafter, revision=revision, masked=True
    )
    assert preview.status == Preview.Status.DONE, preview.error
    text = pdf_text(bytes(preview.pdf))
    assert "186.4" not in text and "8.5" not in text and "全年收入***.*亿元" in text
    assert preview.title.count("脱敏稿") == 1 and "第1次提交" in preview.title
