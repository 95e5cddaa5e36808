"""Import a report (paste or upload -> preview -> fix -> create) and carry a report forward.

The preview's state (the parsed report the user is fixing) lives in an ImportDraft row with a
revision number; the session holds only the row's id under SESSION_KEY. Every fix posts the
revision it was made on, so a stale tab cannot overwrite newer fixes. The parsing and every fix are
pure functions of reports.core.importer; the parser refuses more than MAX_BLOCKS items, so the
preview's HTML and the stored row stay bounded.

Upload limits before anything is read (see reports/core/importer/limits.py for all layers): the
preview view is CSRF-exempt only so that it can refuse an over-long request (Content-Length) and
a broken multipart body before Django reads it; it then runs the normal CSRF check itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from ..core.importer import (
    ITEM_KINDS,
    MAX_REQUEST_BYTES,
    MAX_TEXT_CHARS,
    ImportRefused,
    ParsedReport,
    find_figures,
    item_kind,
    merge_item,
    parse_text,
    parse_upload,
    retype_item,
    size_limit,
    split_item,
)
from ..core.importer.limits import MB
from ..core.years import year_in_range
from ..errors import DomainError, DuplicateReport
from ..forms import year_field
from ..selectors import imports as import_selectors
from ..selectors import members as member_selectors
from ..selectors import reports as report_selectors
from ..services import imports as import_services
from .common import login_required, parse_int

SESSION_KEY = "report_import"
PAGE = "reports/report_import.html"
PARTIAL = "reports/report_import.html#import-preview"
# Figures offered as metrics in one preview: each is two form fields, and Django refuses a request
# with more than DATA_UPLOAD_MAX_NUMBER_FIELDS (2000) fields.
MAX_FIGURES = 300


class ImportForm(forms.Form):
    text = forms.CharField(
        label="粘贴报告全文",
        required=False,
        strip=False,
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(
            attrs={"rows": 12, "placeholder": "从 Word 中复制全文粘贴到这里，或在下面选择文件"}
        ),
        error_messages={"max_length": f"粘贴的内容过长，最多{MAX_TEXT_CHARS}字。"},
    )
    kind = forms.ChoiceField(label="报告类型", required=False)
    year = year_field(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            ("", "按内容自动判断"),
            *((k.code, k.name) for k in import_selectors.import_kinds()),
        ]


def _page_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "form": extra.pop("form", None) or ImportForm(),
        "sources": import_selectors.carry_forward_sources(user=request.user),
        "can_import": import_selectors.can_import(request.user),
        "item_kinds": ITEM_KINDS,
        "max_docx_mb": size_limit("a.docx") // MB,
        "max_text_mb": size_limit("a.txt") // MB,
        **extra,
    }


def _preview_context(
    request: HttpRequest,
    parsed: ParsedReport,
    revision: int,
    chosen: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """`chosen` (ticked figure ids) and `typed` (figure id -> the name in its box) are what the
    user had in a refused create: shown again as they were, so that nothing typed is lost. Without
    them, confidently named figures are ticked with their name and the others unticked and blank."""
    numbers = parsed.numbers()
    rows = [
        {"index": i, "item": item, "kind": item_kind(item), "number": numbers.get(i, ""), "level": item.level}
        for i, item in enumerate(parsed.items)
    ]
    figures = [f for f in find_figures(parsed) if f.role == "base"]
    more = max(len(figures) - MAX_FIGURES, 0)
    figures = figures[:MAX_FIGURES]
    membership = member_selectors.membership_for(request.user)
    existing: set[str] = set()
    if membership is not None and parsed.year:
        existing = import_selectors.existing_metric_names(
            bureau_id=membership.bureau_id, year=parsed.year, names=[f.name for f in figures if f.name]
        )
    typed = typed or {}
    figure_rows = [
        {
            "figure": f,
            "checked": f.id in chosen if chosen is not None else f.confident,
            "name": typed.get(f.id, f.name),
        }
        for f in figures
    ]
    return {
        "parsed": parsed,
        "revision": revision,
        "rows": rows,
        "figures": figure_rows,
        "figures_more": more,
        "existing": existing,
        "kinds": import_selectors.import_kinds(),
        "item_kinds": ITEM_KINDS,
        **extra,
    }


def _render_preview(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    if request.htmx:
        return render(request, PARTIAL, context, status=status)
    return render(request, PAGE, _page_context(request, **context), status=status)


def _refuse(request: HttpRequest, message: str, status: int = 422, **extra: Any) -> HttpResponse:
    return _render_preview(request, {"error": message, **extra}, status)


def _store(request: HttpRequest, parsed: ParsedReport) -> int:
    """Save the preview (in the row the session names, if still there); returns its revision."""
    draft_id = request.session.get(SESSION_KEY)
    draft_id, revision = import_services.import_draft_save(
        user=request.user, draft_id=draft_id if isinstance(draft_id, int) else None, parsed=parsed
    )
    request.session[SESSION_KEY] = draft_id
    return revision


def _pending(request: HttpRequest) -> tuple[ParsedReport, int] | None:
    return import_selectors.import_draft_get(user=request.user, draft_id=request.session.get(SESSION_KEY))


# --- views -------------------------------------------------------------------------------------------


@require_GET
@login_required
def report_import(request: HttpRequest) -> HttpResponse:
    """The import page: paste or upload, and the reports that can be carried forward."""
    context = _page_context(request)
    pending = _pending(request) if request.GET.get("resume") else None
    if pending is not None:
        context.update(_preview_context(request, *pending))
    return render(request, PAGE, context)


@csrf_exempt
@require_POST
@login_required
def report_import_preview(request: HttpRequest) -> HttpResponse:
    """Parse a paste or one upload into the preview (the fixes have a view each, below)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_REQUEST_BYTES:  # refused before a byte of the body is read
        return _refuse(
            request,
            f"上传内容过大（{length / MB:.1f} MB）。Word 文件最大 {size_limit('a.docx') // MB} MB，文本文件最大 {size_limit('a.txt') // MB} MB。",
        )
    try:
        request.POST  # noqa: B018 — parse the body here, where its errors get a Chinese answer
        request.FILES  # noqa: B018
    except (
        RequestDataTooBig,
        TooManyFilesSent,
        TooManyFieldsSent,
        MultiPartParserError,
        SuspiciousOperation,
    ):
        return _refuse(request, "提交的内容过大或文件过多，请一次只上传一个文件，或分开粘贴。")
    return _preview(request)


@csrf_protect
def _preview(request: HttpRequest) -> HttpResponse:
    uploads = [f for name in request.FILES for f in request.FILES.getlist(name)]
    if len(uploads) > 1:
        return _refuse(request, f"一次只能上传一个文件（本次选择了 {len(uploads)} 个）。")
    form = ImportForm(request.POST)
    if not form.is_valid():
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _refuse(request, message, form=form)
    kind = form.cleaned_data["kind"] or None
    text = form.cleaned_data["text"] or ""
    try:
        if uploads:
            if text.strip():
                return _refuse(request, "请粘贴文本或上传文件，二者选一。", form=form)
            upload = uploads[0]
            limit = size_limit(upload.name or "")
            if upload.size > limit:  # checked before reading it
                return _refuse(
                    request,
                    f"文件过大（{upload.size / MB:.1f} MB），此类文件最大 {limit // MB} MB。",
                    form=form,
                )
            parsed = parse_upload(upload.read(limit + 1), upload.name or "", kind)
        else:
            if not text.strip():
                return _refuse(request, "请粘贴报告全文，或选择一个 .docx / .txt 文件。", form=form)
            parsed = parse_text(text, kind, strict=True)
    except ImportRefused as refused:
        return _refuse(request, str(refused), form=form)
    if form.cleaned_data["year"]:
        parsed.year = form.cleaned_data["year"]
    revision = _store(request, parsed)
    return _render_preview(request, _preview_context(request, parsed, revision))


def _fix(request: HttpRequest, fix: Callable[[ParsedReport, int], ParsedReport]) -> HttpResponse:
    """Apply one fix to the pending preview (on the revision the user saw) and show the result.

    `fix(parsed, index)` is a pure function of reports.core.importer; its ImportRefused is shown
    with the preview as it was. The report fields typed in the preview are kept first.
    """
    pending = _pending(request)
    if pending is None:
        return _refuse(request, "没有正在预览的内容，请重新粘贴或上传。")
    parsed, revision = pending
    if str(revision) != request.POST.get("revision", ""):
        return _refuse(
            request,
            "预览已在其他窗口中更新，请以当前内容为准再修改。",
            **_preview_context(request, parsed, revision),
        )
    _apply_fields(parsed, request.POST)
    index = parse_int(request.POST.get("index"))
    try:
        parsed = fix(parsed, index)
    except ImportRefused as refused:
        return _refuse(request, str(refused), **_preview_context(request, parsed, revision))
    revision = _store(request, parsed)
    return _render_preview(request, _preview_context(request, parsed, revision))


@require_POST
@login_required
def report_import_retype(request: HttpRequest) -> HttpResponse:
    """Fix: item `index` becomes another kind (its select kind-<index>: h1, h2, point, …)."""
    return _fix(request, lambda parsed, i: retype_item(parsed, i, request.POST.get(f"kind-{i}", "")))


@require_POST
@login_required
def report_import_split(request: HttpRequest) -> HttpResponse:
    """Fix: item `index` is split where the words in at-<index> begin."""
    return _fix(request, lambda parsed, i: split_item(parsed, i, request.POST.get(f"at-{i}", "")))


@require_POST
@login_required
def report_import_merge(request: HttpRequest) -> HttpResponse:
    """Fix: item `index` is joined to the one before it."""
    return _fix(request, merge_item)


@require_POST
@login_required
def report_import_fields(request: HttpRequest) -> HttpResponse:
    """Keep the report fields typed in the preview (a change of kind renumbers the preview)."""
    return _fix(request, lambda parsed, _index: parsed)


def _apply_fields(parsed: ParsedReport, data) -> None:
    """Keep what the user typed in the report fields of the preview across fixes."""
    if "title" in data:
        parsed.title = data["title"].strip()[:200]
    if "subject" in data:
        parsed.subject = data["subject"].strip()[:100]
    if data.get("kind") in {k.code for k in import_selectors.import_kinds()}:
        parsed.kind = data["kind"]
    year = parse_int(data.get("year"))
    if year_in_range(year):
        parsed.year = year


class CreateForm(forms.Form):
    revision = forms.IntegerField()
    kind = forms.ChoiceField(
        label="报告类型",
        error_messages={"required": "请选择报告类型。", "invalid_choice": "请选择报告类型。"},
    )
    year = year_field()
    title = forms.CharField(
        label="标题", required=False, max_length=200, error_messages={"max_length": "标题最多200字。"}
    )
    subject = forms.CharField(
        label="主体", required=False, max_length=100, error_messages={"max_length": "主体最多100字。"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.code, k.name) for k in import_selectors.import_kinds()]


@require_POST
@login_required
def report_import_create(request: HttpRequest) -> HttpResponse:
    """Create the report from the preview, with the figures the user ticked as metrics."""
    pending = _pending(request)
    if pending is None:
        return _refuse(request, "没有正在预览的内容，请重新粘贴或上传。")
    parsed, revision = pending
    chosen = {fid: (request.POST.get(f"name-{fid}") or "").strip() for fid in request.POST.getlist("metric")}
    typed = {key[len("name-") :]: value for key, value in request.POST.items() if key.startswith("name-")}
    form = CreateForm(request.POST)
    if not form.is_valid():
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _refuse(request, message, **_preview_context(request, parsed, revision, chosen, typed))
    if form.cleaned_data["revision"] != revision:
        return _refuse(
            request,
            "预览已在其他窗口中更新，请确认当前内容后再创建。",
            **_preview_context(request, parsed, revision),
        )
    data = form.cleaned_data
    kind = import_selectors.import_kinds().get(code=data["kind"])
    try:
        result = import_services.report_import_create(
            user=request.user,
            parsed=parsed,
            kind=kind,
            year=data["year"],
            chosen=chosen,
            title=data["title"],
            subject=data["subject"],
        )
    except DomainError as error:
        context = _preview_context(request, parsed, revision, chosen, typed)
        return _refuse(request, str(error), error.status_code, **context)
    import_services.import_draft_delete(user=request.user, draft_id=request.session.pop(SESSION_KEY, None))
    messages.success(request, "已导入报告。" + (result.message and result.message + "。"))
    url = reverse("report_edit", args=[result.report.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_POST
@login_required
def report_carry_forward(request: HttpRequest, pk: int) -> HttpResponse:
    """以上年报告为基础新建: next year's draft from report `pk`; when next year's report exists
    already, a page naming it (打开已有 / 仍然新建, which posts again with confirm=1)."""
    report = report_selectors.report_get_for_user(user=request.user, pk=pk)
    try:
        result = import_services.report_carry_forward(
            user=request.user, report=report, allow_duplicate=request.POST.get("confirm") == "1"
        )
    except DuplicateReport as duplicate:
        # Asked once: open the existing report, or confirm a second one (仍然新建).
        context = {"report": report, "existing": duplicate.existing}
        return render(request, "reports/report_carry_confirm.html", context, status=409)
    except DomainError as error:
        context = _page_context(request, carry_error=str(error))
        return render(request, PAGE, context, status=error.status_code)
    messages.success(
        request,
        f"已以“{report.title}”为基础新建{result.report.year}年报告。"
        + (result.message and result.message + "。"),
    )
    url = reverse("report_edit", args=[result.report.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
