"""The PDF preview in the browser: the page of a report's (or a revision's, or a packet's) Word file as
page images, its self-polling progress, each page's image and the PDF. Thin views: fetch and
authorise through selectors, call one service, render."""

from __future__ import annotations

import io

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from ..errors import DomainError
from ..models import Preview
from ..selectors import previews as preview_selectors
from ..selectors import reports as report_selectors
from ..services import previews as preview_services
from .common import domain_error_response, login_required, parse_int

# A page image or PDF never changes (a preview is keyed by its content): browsers keep it a year.
IMMUTABLE = "private, max-age=31536000, immutable"


def _preview_response(request: HttpRequest, preview: Preview, **context) -> HttpResponse:
    """The preview page, or (htmx) its body alone: the progress while it is made, then the pages."""
    context = {"preview": preview, **context}
    if preview.status == Preview.Status.DONE:
        context["pages"] = preview_selectors.preview_pages(preview=preview)
    template = "reports/preview_pdf.html#preview-body" if request.htmx else "reports/preview_pdf.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@login_required
def report_pdf_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF preview of a report's Word file as exported now (?masked=1: the masked copy), or of
    one of its revisions (?revision=<id>)."""
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    revision = None
    if request.GET.get("revision"):
        revision = preview_selectors.revision_get_for_report(
            report=report, pk=parse_int(request.GET["revision"])
        )
    masked = request.GET.get("masked") == "1"
    try:
        preview = preview_services.report_preview_request(
            report=report, user=request.user, masked=masked, revision=revision
        )
    except DomainError as error:
        return domain_error_response(request, error, report=report)
    return _preview_response(request, preview, report=report, revision=revision, masked=masked)


@require_GET
@login_required
def preview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A preview by id (a packet's, or the poll of any preview); one whose worker is gone is queued
    again first."""
    preview = preview_selectors.preview_get_for_user(user=request.user, pk=pk)
    preview = preview_services.preview_requeue_if_stalled(preview=preview)
    return _preview_response(request, preview)


@require_POST
@login_required
def preview_retry(request: HttpRequest, pk: int) -> HttpResponse:
    preview = preview_selectors.preview_get_for_user(user=request.user, pk=pk)
    preview = preview_services.preview_retry(preview=preview)
    return _preview_response(request, preview)


@require_GET
@login_required
def preview_page_image(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    preview = preview_selectors.preview_get_for_user(user=request.user, pk=pk)
    image = preview_selectors.preview_page_image(preview=preview, number=number)
    response = HttpResponse(image, content_type="image/png")
    response["Cache-Control"] = IMMUTABLE
    return response


@require_GET
@login_required
def preview_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    preview = preview_selectors.preview_get_for_user(user=request.user, pk=pk)
    response = FileResponse(
        io.BytesIO(preview_selectors.preview_pdf(preview=preview)),
        as_attachment=True,
        filename=f"{preview.title}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = IMMUTABLE
    return response
