"""The PDF preview pages as a user meets them: the progress while the worker makes it, the pages,
each page's image, the PDF, a failure with its retry; others' previews do not exist for them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from reports.core.pages import PNG_SIGNATURE
from reports.models import Preview
from reports.services import previews as preview_services
from reports.services import workflow as workflow_services

HX = {"HTTP_HX_REQUEST": "true"}
pytestmark = pytest.mark.django_db


@pytest.fixture
def made(report, drafter, django_capture_on_commit_callbacks):
    """The report's preview, made by the (eager) task."""
    with django_capture_on_commit_callbacks(execute=True):
        preview = preview_services.report_preview_request(report=report, user=drafter)
    preview.refresh_from_db()
    assert preview.status == Preview.Status.DONE, preview.error
    return preview


def test_it_shows_the_progress_until_the_worker_has_made_it(client, report, drafter):
    client.force_login(drafter)
    response = client.get(reverse("report_pdf_preview", args=[report.pk]))  # queued: no commit in a test
    page = response.content.decode()
    preview = Preview.objects.get(report=report)
    assert response.status_code == 200 and "HX-Request" in response["Vary"]
    assert "正在生成 PDF 预览（排队中）" in page and '<progress max="100" value="0">' in page
    assert f'hx-get="{reverse("preview_detail", args=[preview.pk])}"' in page
    assert "原稿" in page and "脱敏稿" in page and "返回报告" in page

    Preview.objects.filter(pk=preview.pk).update(status=Preview.Status.RUNNING, progress=60)
    fragment = client.get(reverse("preview_detail", args=[preview.pk]), **HX).content.decode()
    assert fragment.lstrip().startswith('<div id="preview-body"') and "<html" not in fragment
    assert "正在生成 PDF 预览（生成中）" in fragment and 'value="60"' in fragment and "hx-get" in fragment


def test_a_finished_preview_shows_every_page_scaled_with_its_number(client, made, drafter):
    client.force_login(drafter)
    fragment = client.get(reverse("preview_detail", args=[made.pk]), **HX).content.decode()
    images = re.findall(r"<img [^>]*>", fragment)
    assert len(images) == made.page_count >= 1
    assert "hx-get" not in fragment  # no more polling
    assert 'loading="lazy"' in "".join(images[1:]) or made.page_count == 1
    first = made.pages.get(number=1)
    assert f'width="{first.width}" height="{first.height}"' in images[0]
    assert f"第 1 页 / 共 {made.page_count} 页" in fragment and "下载 PDF" in fragment


def test_a_page_image_and_the_pdf_are_served_to_who_may_see_the_report(client, made, drafter):
    client.force_login(drafter)
    response = client.get(reverse("preview_page_image", args=[made.pk, 1]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(PNG_SIGNATURE)
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    assert client.get(reverse("preview_page_image", args=[made.pk, made.page_count + 1])).status_code == 404

    pdf = client.get(reverse("preview_pdf", args=[made.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]
    assert client.post(reverse("preview_page_image", args=[made.pk, 1])).status_code == 405


def test_others_previews_do_not_exist_for_them(client, made, outsider, bureau):
    from personas import make_member

    from reports.models import Membership

    for user in (outsider, make_member(bureau, "treasury", Membership.Role.DRAFTER, "国库科")):
        client.force_login(user)
        for url in (
            reverse("preview_detail", args=[made.pk]),
            reverse("preview_page_image", args=[made.pk, 1]),
            reverse("preview_pdf", args=[made.pk]),
            reverse("report_pdf_preview", args=[made.report_id]),
        ):
            assert client.get(url).status_code == 404, (user, url)


def test_a_failed_preview_says_why_and_its_retry_makes_it(
    client, report, drafter, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(drafter)
    monkeypatch.setenv("SOFFICE", "/nonexistent/soffice")
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(reverse("report_pdf_preview", args=[report.pk])).content.decode()
    preview = Preview.objects.get(report=report)
    fragment = client.get(reverse("preview_detail", args=[preview.pk]), **HX).content.decode()
    assert "服务器未安装 LibreOffice，无法生成 PDF 预览。" in fragment and "重试" in fragment
    assert "正在生成" in page  # the first answer was given before the task ran

    monkeypatch.delenv("SOFFICE")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("preview_retry", args=[preview.pk]), **HX)
    assert response.status_code == 200 and 'id="preview-body"' in response.content.decode()
    assert Preview.objects.get(pk=preview.pk).status == Preview.Status.DONE


def test_a_revision_with_the_live_content_is_the_same_preview_and_an_unknown_one_is_404(
    client, report, drafter, made
):
    revision = workflow_services.report_submit(report=report, user=drafter)
    client.force_login(drafter)
    url = reverse("report_pdf_preview", args=[report.pk])
    response = client.get(url, {"revision": revision.pk})
    assert response.status_code == 200 and "共 " in response.content.decode()  # its pages at once
    assert list(Preview.objects.values_list("pk", flat=True)) == [made.pk]  # the same Word file
    assert client.get(url, {"revision": "999999"}).status_code == 404
    assert client.get(url, {"revision": "x"}).status_code == 404


def test_the_editor_and_the_review_page_link_to_the_preview(client, report, drafter, leader):
    revision = workflow_services.report_submit(report=report, user=drafter)
    client.force_login(drafter)
    editor = client.get(reverse("report_edit", args=[report.pk])).content.decode()
    assert f'href="{reverse("report_pdf_preview", args=[report.pk])}"' in editor and "PDF预览" in editor
    review = client.get(reverse("report_review", args=[report.pk])).content.decode()
    assert f"{reverse('report_pdf_preview', args=[report.pk])}?revision={revision.pk}" in review
