"""The suggestion views: the review page's 修改建议 panel (full page and htmx answer), the editor's
采纳 / 不采纳 / 全部采纳, 采纳修改并审定; wrong method, outsider and wrong state."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from reports.models import Block, Report, Suggestion
from reports.services import reports as report_services
from reports.services import suggestions as suggestion_services
from reports.services import workflow as workflow_services

HX = {"HTTP_HX_REQUEST": "true"}
ORIGINAL = "全年收入完成预算。"


@pytest.fixture
def submitted(report, drafter):
    section = report.blocks.filter(parent=None).order_by("position").first()
    point = report_services.block_add(report=report, type="point", parent=section, user=drafter)
    report_services.block_save(
        block=point, version=1, data={"title": "抓收入", "text": ORIGINAL}, user=drafter
    )
    revision = workflow_services.report_submit(report=report, user=drafter)
    return Report.objects.get(pk=report.pk), Block.objects.get(pk=point.pk), revision


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_it_saves_a_suggestion_and_answers_the_marked_up_panel(submitted, wang):
    report, point, _rev = submitted
    client = _client(wang)
    page = client.get(reverse("report_review", args=[report.pk]))
    assert f'id="sg-{point.pk}"' in page.content.decode() and "修改建议" in page.content.decode()
    response = client.post(
        reverse("suggestion_save", args=[point.pk]),
        {"title": "抓收入", "text": "全年收入超额完成预算。"},
        **HX,
    )
    body = response.content.decode()
    assert response.status_code == 200 and f'id="sg-{point.pk}"' in body
    assert "<ins>超额</ins>" in body and "王建国" in body and "sg-c0" in body
    assert Block.objects.get(pk=point.pk).text == ORIGINAL
    page = client.get(reverse("report_review", args=[report.pk])).content.decode()
    assert "采纳修改并审定" in page and "<ins>超额</ins>" in page


def test_the_drafter_cannot_suggest_and_nothing_is_stored(submitted, drafter):
    _report, point, _rev = submitted
    response = _client(drafter).post(reverse("suggestion_save", args=[point.pk]), {"text": "x"}, **HX)
    assert response.status_code == 403 and "审核领导" in response.content.decode()
    assert response["HX-Retarget"] == "#flash"
    assert not Suggestion.objects.exists()


def test_wrong_method_and_outsider(submitted, wang, outsider):
    _report, point, _rev = submitted
    assert _client(wang).get(reverse("suggestion_save", args=[point.pk])).status_code == 405
    assert (
        _client(outsider).post(reverse("suggestion_save", args=[point.pk]), {"text": "x"}).status_code == 404
    )


def test_the_editor_shows_suggestions_and_accept_answers_the_block(submitted, wang, drafter):
    report, point, revision = submitted
    s = suggestion_services.suggestion_save(
        block=point, field="text", text="全年收入超额完成预算。", user=wang
    )
    workflow_services.report_return(report=report, user=wang, reason="按建议改", revision_id=revision.pk)
    client = _client(drafter)
    page = client.get(reverse("report_edit", args=[report.pk])).content.decode()
    assert "审核领导的修改建议 <b>1</b> 条" in page and "采纳" in page and "不采纳" in page
    response = client.post(reverse("suggestion_accept", args=[s.pk]), {"version": str(point.version)}, **HX)
    body = response.content.decode()
    # issue 14: the block's form, the suggestion gone and the bar emptied, out of band; no document
    assert response.status_code == 200 and 'id="document"' not in body and response["HX-Reswap"] == "none"
    assert f'hx-swap-oob="outerHTML:#block-{point.pk} > form"' in body
    assert f'<div id="suggestion-{s.pk}" hx-swap-oob="delete">' in body
    assert '<div id="suggestion-bar" hx-swap-oob="true" hidden>' in body
    assert "全年收入超额完成预算。" in body and "审核领导的修改建议" not in body
    assert Block.objects.get(pk=point.pk).version == point.version + 1


def test_a_stale_suggestion_shows_as_expired_and_accept_is_refused(submitted, wang, drafter):
    report, point, revision = submitted
    s = suggestion_services.suggestion_save(block=point, field="text", text="领导改法。", user=wang)
    workflow_services.report_return(report=report, user=wang, reason="按建议改", revision_id=revision.pk)
    report_services.block_save(
        block=point, version=point.version, data={"text": "起草人改法。"}, user=drafter
    )
    client = _client(drafter)
    page = client.get(reverse("report_edit", args=[report.pk])).content.decode()
    assert "该段已修改，此建议已过期" in page
    assert reverse("suggestion_accept", args=[s.pk]) not in page
    response = client.post(
        reverse("suggestion_accept", args=[s.pk]), {"version": str(point.version + 1)}, **HX
    )
    assert response.status_code == 409 and "已过期" in response.content.decode()
    assert Block.objects.get(pk=point.pk).text == "起草人改法。"


def test_reject_and_accept_all(submitted, wang, drafter):
    report, point, revision = submitted
    s = suggestion_services.suggestion_save(block=point, field="text", text="改一。", user=wang)
    suggestion_services.suggestion_save(block=point, field="title", text="抓收入促发展", user=wang)
    workflow_services.report_return(report=report, user=wang, reason="按建议改", revision_id=revision.pk)
    client = _client(drafter)
    assert client.post(reverse("suggestion_reject", args=[s.pk]), **HX).status_code == 200
    response = client.post(
        reverse("suggestions_accept_all", args=[report.pk]), {"author": str(wang.pk)}, **HX
    )
    assert response.status_code == 200 and "已采纳1条修改建议。" in response.content.decode()
    point.refresh_from_db()
    assert (point.title, point.text) == ("抓收入促发展", ORIGINAL)


def test_approve_with_suggestions_view(submitted, wang):
    report, point, revision = submitted
    suggestion_services.suggestion_save(block=point, field="text", text="改一。", user=wang)
    response = _client(wang).post(
        reverse("report_approve_with_suggestions", args=[report.pk]), {"revision": str(revision.pk)}, **HX
    )
    assert response.status_code == 200 and response["HX-Redirect"]
    report.refresh_from_db()
    assert report.status == "approved" and report.approved_revision.snapshot != revision.snapshot
