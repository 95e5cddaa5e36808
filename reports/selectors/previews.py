"""Reads of PDF previews: one preview for a user, its pages, a page's image, its PDF."""

from __future__ import annotations

from django.http import Http404

from ..models import Preview, PreviewPage, Report, Revision
from . import members as member_selectors
from . import packets as packet_selectors
from . import reports as report_selectors

__all__ = [
    "preview_get_for_user",
    "preview_page_image",
    "preview_pages",
    "preview_pdf",
    "revision_get_for_report",
]


def preview_get_for_user(*, user, pk: int) -> Preview:
    """The preview if the user may see what it shows, else Http404: a report's preview, whoever may
    open the report; a packet's, whoever may see the packet. Never another bureau's."""
    preview = Preview.objects.defer("docx", "pdf").filter(pk=pk).first()
    membership = member_selectors.membership_for(user)
    if preview is None or membership is None or membership.bureau_id != preview.bureau_id:
        raise Http404("预览不存在")
    if preview.scope == Preview.Scope.PACKET:
        allowed = (
            preview.packet_id is not None
            and packet_selectors.packet_for_user(membership=membership, pk=preview.packet_id) is not None
        )
    else:
        allowed = report_selectors.reports_for_user(user=user).filter(pk=preview.report_id).exists()
    if not allowed:
        raise Http404("预览不存在")
    return preview


def preview_pages(*, preview: Preview) -> list[PreviewPage]:
    """The pages' numbers and sizes (not their images), in order."""
    return list(preview.pages.defer("image"))


def preview_page_image(*, preview: Preview, number: int) -> bytes:
    """The PNG of page `number`, else Http404."""
    image = PreviewPage.objects.filter(preview=preview, number=number).values_list("image", flat=True).first()
    if image is None:
        raise Http404("页面不存在")
    return bytes(image)


def preview_pdf(*, preview: Preview) -> bytes:
    """The finished PDF's bytes, else Http404 (not made yet)."""
    pdf = Preview.objects.filter(pk=preview.pk).values_list("pdf", flat=True).first()
    if pdf is None:
        raise Http404("PDF 尚未生成")
    return bytes(pdf)


def revision_get_for_report(*, report: Report, pk: int) -> Revision:
    """One revision of the report (the caller has authorised the report), else Http404."""
    revision = report.revisions.filter(pk=pk).first()
    if revision is None:
        raise Http404("版本不存在")
    return revision
