"""Every view: anonymous → login, outsider → 404, wrong method → 405, and its happy path (page and
htmx fragment). The table is checked against the URL configuration, so a new view without a rule
fails here."""

from __future__ import annotations

import datetime
import json
import zipfile
from decimal import Decimal
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.urls import reverse

from reports.models import Block, Export, Metric, Packet, Preview, Report, Revision, Suggestion
from reports.services import exports as export_services
from reports.services import reports as report_services
from reports.services import workflow as workflow_services
from reports.urls import urlpatterns

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def objects(report, drafter):
    section = report.blocks.get(parent=None, position=0)
    point = report_services.block_add(report=report, type="point", parent=section, user=drafter)
    export = export_services.export_request(report=report, user=drafter, confirmed=True)
    metric = Metric.objects.create(
        bureau=report.bureau, year=report.year, name="一般公共预算收入", value=Decimal("186.4"), unit="亿元"
    )
    comment = workflow_services.comment_add(report=report, user=drafter, text="请补充数据", block=point)
    return {
        "report": report,
        "block": point,
        "section": section,
        "export": export,
        "metric": metric,
        "comment": comment,
        "packet": Packet.objects.create(
            bureau=report.bureau, meeting="会议", date=datetime.date(2026, 1, 15)
        ),
        "suggestion": Suggestion.objects.create(
            report=report,
            block=point,
            revision=Revision.objects.create(report=report, number=1, snapshot={}),
            author=drafter,
            author_name="某某",
            field="text",
            base_text="",
            text="建议",
        ),
        "preview": Preview.objects.create(
            bureau=report.bureau, digest="0" * 64, report=report, title=report.title, docx=b""
        ),
    }


# name → (method, which object's pk is in the URL)
RULES = {
    "report_list": ("GET", None),
    "search": ("GET", None),
    "report_create": ("GET", None),
    "report_trash": ("GET", None),
    "report_delete": ("POST", "report"),
    "report_restore": ("POST", "report"),
    "report_purge": ("POST", "report"),
    "report_edit": ("GET", "report"),
    "report_outline": ("GET", "report"),
    "report_fields_save": ("POST", "report"),
    "report_preview": ("GET", "report"),
    "block_add": ("POST", "report"),
    "export_create": ("POST", "report"),
    "block_save": ("POST", "block"),
    "block_delete": ("POST", "block"),
    "block_move": ("POST", "block"),
    "last_year_section": ("GET", "section"),
    "block_reuse": ("POST", "section"),
    "export_status": ("GET", "export"),
    "export_retry": ("POST", "export"),
    "export_download": ("GET", "export"),
    "metric_picker": ("GET", "report"),
    "metric_list": ("GET", None),
    "metric_create": ("POST", None),
    "metric_import": ("POST", None),
    "metric_import_confirm": ("POST", None),
    "metric_update": ("POST", "metric"),
    "metric_delete": ("GET", "metric"),
    "report_submit": ("POST", "report"),
    "report_withdraw": ("POST", "report"),
    "report_redraft": ("POST", "report"),
    "report_approve": ("POST", "report"),
    "report_return": ("POST", "report"),
    "report_review": ("GET", "report"),
    "comment_add": ("POST", "report"),
    "report_presence": ("GET", "report"),
    "comment_resolve": ("POST", "comment"),
    "section_assign": ("POST", "section"),
    "section_done": ("POST", "section"),
    "dashboard": ("GET", None),
    "audit_log": ("GET", None),
    "notifications": ("GET", None),
    "report_import": ("GET", None),
    "report_import_preview": ("POST", None),
    "report_import_retype": ("POST", None),
    "report_import_split": ("POST", None),
    "report_import_merge": ("POST", None),
    "report_import_fields": ("POST", None),
    "report_import_create": ("POST", None),
    "report_carry_forward": ("POST", "report"),
    "report_proofread": ("GET", "report"),
    "report_proofread_fix": ("POST", "report"),
    "finding_ignore": ("POST", "report"),
    "packet_list": ("GET", None),
    "packet_new": ("GET", None),
    "packet_rank_save": ("POST", None),
    "packet_detail": ("GET", "packet"),
    "packet_status": ("GET", "packet"),
    "packet_retry": ("POST", "packet"),
    "packet_download": ("GET", "packet"),
    "packet_preview": ("GET", "packet"),
    "report_pdf_preview": ("GET", "report"),
    "preview_detail": ("GET", "preview"),
    "preview_retry": ("POST", "preview"),
    "preview_page_image": ("GET", "preview", 1),
    "preview_pdf": ("GET", "preview"),
    "report_approve_with_suggestions": ("POST", "report"),
    "suggestion_save": ("POST", "block"),
    "markup_import": ("POST", "report"),
    "suggestion_accept": ("POST", "suggestion"),
    "suggestion_reject": ("POST", "suggestion"),
    "suggestions_accept_all": ("POST", "report"),
}


def url_for(name, objects):
    _method, key, *more = RULES[name]
    return reverse(name, args=[objects[key].pk, *more]) if key else reverse(name)


def test_every_view_has_a_rule():
    assert {p.name for p in urlpatterns} == set(RULES)


@pytest.mark.parametrize("name", sorted(RULES))
def test_anonymous_is_sent_to_login(client, objects, name):
    method, *_ = RULES[name]
    url = url_for(name, objects)
    response = client.generic(method, url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(name for name, (_, key, *_more) in RULES.items() if key))
def test_another_bureau_gets_404(client, objects, outsider, name):
    client.force_login(outsider)
    method, *_ = RULES[name]
    before = (
        Block.objects.count(),
        Export.objects.count(),
        Report.objects.get(pk=objects["report"].pk).head_version,
    )
    response = client.generic(method, url_for(name, objects), **HX)
    assert response.status_code == 404
    assert objects["report"].title.encode() not in response.content
    after = (
        Block.objects.count(),
        Export.objects.count(),
        Report.objects.get(pk=objects["report"].pk).head_version,
    )
    assert after == before


@pytest.mark.parametrize("name", sorted(n for n in RULES if n != "report_create"))
def test_wrong_method_is_405(client, objects, drafter, name):
    client.force_login(drafter)
    method, *_ = RULES[name]
    wrong = "PUT" if method == "POST" else "POST"
    if method == "GET":
        wrong = "DELETE"
    assert client.generic(wrong, url_for(name, objects)).status_code == 405


def test_the_report_list_shows_only_the_bureaus_reports(client, objects, drafter, outsider, kinds):
    theirs = report_services.report_create(
        user=outsider, kind=kinds["work_plan"], year=2026, subject="邻县财政局"
    )
    client.force_login(drafter)
    page = client.get(reverse("report_list")).content.decode()
    assert objects["report"].title in page
    assert theirs.title not in page


def test_create_a_report_from_a_kind(client, drafter, kinds):
    client.force_login(drafter)
    assert "新建报告" in client.get(reverse("report_create")).content.decode()
    response = client.post(
        reverse("report_create"),
        {"kind": kinds["annual_summary"].pk, "year": "2025", "subject": "测试市财政局"},
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("report_edit", args=[report.pk])
    assert report.title == "测试市财政局2025年度工作总结"
    assert report.signature == "测试市财政局" and report.sign_date.startswith("20")
    assert report.blocks.filter(parent=None).count() == 3


def test_create_with_a_bad_year_reenders_the_form_in_chinese(client, drafter, kinds):
    client.force_login(drafter)
    response = client.post(reverse("report_create"), {"kind": kinds["duty"].pk, "year": "二〇二五"}, **HX)
    assert response.status_code == 200
    assert "请输入四位数字年度" in response.content.decode()
    assert "<html" not in response.content.decode()
    assert not Report.objects.exists()


def test_the_editor_page_and_its_fragments(client, objects, drafter, django_assert_max_num_queries):
    client.force_login(drafter)
    report = objects["report"]
    # 12, proofreading's 提法 list and ignored findings, leaders' open suggestions (2), last year's
    # report and its blocks for 去年同节 and the copied-text flag (2)
    with django_assert_max_num_queries(18):
        page = client.get(reverse("report_edit", args=[report.pk])).content.decode()
    assert "<html" in page and "写作要点" in page and "一、" in page and "一是" in page
    fragment = client.get(reverse("report_edit", args=[report.pk]), **HX).content.decode()
    assert fragment.lstrip().startswith('<div id="document"') and "<html" not in fragment
    outline = client.get(reverse("report_outline", args=[report.pk]), **HX).content.decode()
    assert outline.lstrip().startswith('<div id="outline-list"')


def test_editor_queries_do_not_grow_with_blocks(client, objects, drafter, django_assert_max_num_queries):
    report = objects["report"]
    for section in report.blocks.filter(parent=None):
        for _ in range(10):
            report_services.block_add(report=report, type="point", parent=section, user=drafter)
    client.force_login(drafter)
    # 12, proofreading's 提法 list and ignored findings, leaders' open suggestions (2), last year's
    # report and its blocks for 去年同节 and the copied-text flag (2)
    with django_assert_max_num_queries(18):
        client.get(reverse("report_edit", args=[report.pk]))


def test_block_save_autosaves_and_returns_the_new_version(client, objects, drafter):
    client.force_login(drafter)
    block = objects["block"]
    response = client.post(
        reverse("block_save", args=[block.pk]),
        {"version": "1", "title": "坚定政治立场", "text": "正文"},
        **HX,
    )
    assert response.status_code == 200
    assert 'name="version" value="2"' in response.content.decode()
    # issue 14: no outline reload follows; the answer brings the counts and check items itself
    assert "HX-Trigger" not in response
    assert '<div id="check-inbox" hidden hx-swap-oob="true"><template data-key=' in response.content.decode()
    block.refresh_from_db()
    assert (block.title, block.text, block.version) == ("坚定政治立场", "正文", 2)


def test_a_stale_save_gets_409_with_both_texts(client, objects, drafter):
    client.force_login(drafter)
    block = objects["block"]
    client.post(reverse("block_save", args=[block.pk]), {"version": "1", "text": "他人的文字"}, **HX)
    response = client.post(reverse("block_save", args=[block.pk]), {"version": "1", "text": "我的文字"}, **HX)
    assert response.status_code == 409
    body = response.content.decode()
    assert "他人的文字" in body and "保留我的版本" in body and 'name="version" value="1"' in body
    block.refresh_from_db()
    assert block.text == "他人的文字"


def test_a_refused_save_says_why_in_chinese(client, objects, drafter):
    client.force_login(drafter)
    block = objects["block"]
    response = client.post(
        reverse("block_save", args=[block.pk]), {"version": "1", "text": "长" * 25_000}, **HX
    )
    assert response.status_code == 422
    assert "内容过长" in response.content.decode()


def test_report_fields_save(client, objects, drafter):
    client.force_login(drafter)
    report = objects["report"]
    url = reverse("report_fields_save", args=[report.pk])
    response = client.post(url, {"part": "head", "version": "1", "opening": "导语\x00文字"}, **HX)
    assert response.status_code == 200 and "已保存" in response.content.decode()
    assert 'name="version" value="2"' in response.content.decode()
    report.refresh_from_db()
    assert report.opening == "导语文字" and report.head_version == 2 and report.tail_version == 1
    response = client.post(url, {"part": "head", "version": "2", "title": "  "}, **HX)
    assert response.status_code == 422 and "标题不能为空" in response.content.decode()
    response = client.post(url, {"part": "tail", "version": "1", "closing": "结尾"}, **HX)
    assert response.status_code == 200, "the other form has its own version"


def test_report_fields_save_with_a_stale_version_is_a_conflict(client, objects, drafter):
    client.force_login(drafter)
    report = objects["report"]
    url = reverse("report_fields_save", args=[report.pk])
    assert (
        client.post(url, {"part": "head", "version": "1", "opening": "第一人的导语"}, **HX).status_code == 200
    )
    response = client.post(url, {"part": "head", "version": "1", "opening": "第二人的导语"}, **HX)
    body = response.content.decode()
    assert response.status_code == 409
    assert "保留我的版本" in body and "第一人的导语" in body and 'data-their-version="2"' in body
    report.refresh_from_db()
    assert report.opening == "第一人的导语"


def test_a_body_over_the_upload_limit_gets_a_chinese_413(client, objects, drafter, settings):
    """A huge paste: Django's English "Bad Request (400)" becomes the over-long-field answer."""
    client.force_login(drafter)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    report = objects["report"]
    response = client.post(
        reverse("report_fields_save", args=[report.pk]),
        {"part": "head", "version": "1", "opening": "长" * 60_000},
        **HX,
    )
    assert response.status_code == 413
    assert "内容过长" in response.content.decode() and "请分段" in response.content.decode()
    report.refresh_from_db()
    assert report.opening != "长" * 60_000


def test_structure_ops_return_what_changed_not_the_document(client, objects, drafter):
    """Issue 14: an add answers the new block where it goes, a move the renumbered blocks and where
    it went, a delete its removal and the renumbered rest; each with the outline, never #document."""
    client.force_login(drafter)
    report, section, first = objects["report"], objects["section"], objects["block"]
    response = client.post(
        reverse("block_add", args=[report.pk]), {"type": "point", "parent": section.pk}, **HX
    )
    second = section.children.order_by("position").last()
    html = response.content.decode()
    assert response.status_code == 200 and f'<span class="number" id="num-{second.pk}">二是</span>' in html
    assert f'hx-swap-oob="beforebegin:#block-{section.pk} &gt; .children &gt; .add-row"' in html
    assert 'id="outline-list"' in html and 'id="document"' not in html
    response = client.post(reverse("block_move", args=[second.pk]), {"direction": "up"}, **HX)
    assert response.status_code == 200
    assert list(section.children.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]
    html = response.content.decode()
    assert f'<span class="number" id="num-{second.pk}" hx-swap-oob="true">一是</span>' in html
    assert f'<span class="number" id="num-{first.pk}" hx-swap-oob="true">二是</span>' in html
    placed = json.loads(response["HX-Trigger-After-Swap"])["block-placed"]
    assert placed == {"id": second.pk, "parent": section.pk, "before": first.pk}
    response = client.post(reverse("block_delete", args=[second.pk]), **HX)
    assert response.status_code == 200 and response["HX-Reswap"] == "delete"
    assert response["HX-Retarget"] == f"#block-{second.pk}"
    assert (
        f'<span class="number" id="num-{first.pk}" hx-swap-oob="true">一是</span>'
        in response.content.decode()
    )


def test_block_add_refuses_a_parent_from_another_report(client, objects, drafter, kinds):
    client.force_login(drafter)
    other = report_services.report_create(user=drafter, kind=kinds["work_plan"], year=2026)
    foreign = other.blocks.first()
    response = client.post(
        reverse("block_add", args=[objects["report"].pk]), {"type": "point", "parent": foreign.pk}, **HX
    )
    assert response.status_code == 422 and "位置无效" in response.content.decode()
    assert not foreign.children.exists()


def test_preview_looks_like_the_printed_report(client, objects, drafter):
    client.force_login(drafter)
    page = client.get(reverse("report_preview", args=[objects["report"].pk])).content.decode()
    assert "gw-title" in page and "2025年度述职报告" in page and "gw-h1" in page


def test_export_flow_and_chinese_file_name(client, objects, drafter, django_capture_on_commit_callbacks):
    client.force_login(drafter)
    report = objects["report"]
    exports = Export.objects.filter(report=report).count()
    warning = client.post(reverse("export_create", args=[report.pk]), **HX).content.decode()
    assert "内容为空" in warning and "仍然导出" in warning  # the fixture's point is empty
    assert Export.objects.filter(report=report).count() == exports
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("export_create", args=[report.pk]), {"confirmed": "1"}, **HX)
    assert response.status_code == 200 and 'id="export-panel"' in response.content.decode()
    export = Export.objects.filter(report=report).order_by("-pk").first()
    assert export.status == Export.Status.DONE, export.error
    status = client.get(reverse("export_status", args=[export.pk]), **HX).content.decode()
    assert "下载" in status and "hx-trigger" not in status  # finished: no more polling
    download = client.get(reverse("export_download", args=[export.pk]))
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert "filename*=utf-8''" in disposition.lower()
    assert unquote(disposition.split("''", 1)[1]) == "2025年度述职报告（局长 王建国）.docx"
    content = b"".join(download.streaming_content)
    assert "word/document.xml" in zipfile.ZipFile(BytesIO(content)).namelist()


def test_a_queued_export_polls_and_cannot_be_downloaded(client, objects, drafter):
    client.force_login(drafter)
    export = Export.objects.create(report=objects["report"], requested_by=drafter)
    status = client.get(reverse("export_status", args=[export.pk]), **HX).content.decode()
    assert "排队中" in status and "hx-trigger" in status and "<progress" in status
    assert client.get(reverse("export_download", args=[export.pk])).status_code == 409


def test_a_failed_export_can_be_retried(client, objects, drafter, django_capture_on_commit_callbacks):
    client.force_login(drafter)
    export = Export.objects.create(
        report=objects["report"], requested_by=drafter, status=Export.Status.FAILED, error="测试失败"
    )
    assert "重试" in client.get(reverse("export_status", args=[export.pk]), **HX).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("export_retry", args=[export.pk]), **HX)
    assert response.status_code == 200
    retried = Export.objects.filter(report=objects["report"]).first()
    assert retried.pk != export.pk and retried.status == Export.Status.DONE
    assert Export.objects.get(pk=export.pk).status == Export.Status.FAILED


def test_a_stuck_export_offers_a_retry(client, objects, drafter):
    import datetime as dt

    from django.utils import timezone

    client.force_login(drafter)
    export = Export.objects.create(report=objects["report"], requested_by=drafter)
    assert "重新生成" not in client.get(reverse("export_status", args=[export.pk]), **HX).content.decode()
    Export.objects.filter(pk=export.pk).update(created_at=timezone.now() - dt.timedelta(minutes=30))
    body = client.get(reverse("export_status", args=[export.pk]), **HX).content.decode()
    assert "重新生成" in body and "排队中" in body
