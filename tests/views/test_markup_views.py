"""导入修改稿 on the review page: the form, the answer listing what was created and what could not be
placed, and a refused file answered in the message region."""

from __future__ import annotations

import io

from django.urls import reverse
from markupfiles import marked_up, submitted  # noqa: F401 (fixtures)

from reports.models import Suggestion

HX = {"HTTP_HX_REQUEST": "true"}


def _upload(data: bytes, name: str):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_it_shows_the_form_to_the_reviewing_leader(client, submitted, wang):  # noqa: F811 (fixtures from markupfiles)
    report, *_ = submitted
    client.force_login(wang)
    page = client.get(reverse("report_review", args=[report.pk])).content.decode()
    assert "导入修改稿（Word 修订与批注）" in page and 'name="file"' in page


def test_it_answers_what_was_created_and_what_could_not_be_placed(client, submitted, wang):  # noqa: F811 (fixtures from markupfiles)
    report, a, _b, revision = submitted
    client.force_login(wang)
    url = reverse("markup_import", args=[report.pk])
    response = client.post(url, {"file": _upload(marked_up(report, revision), "修改稿.docx")}, **HX)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="markup-result"' in body
    assert "已导入：2 条修改建议，1 条批注，1 处修改未能定位" in body
    assert f"#rb-{a.pk}" in body and "新增一段：加强绩效管理。" in body
    assert Suggestion.objects.filter(report=report).count() == 2


def test_a_wrong_file_is_refused_in_chinese_in_the_message_region(client, submitted, wang):  # noqa: F811 (fixtures from markupfiles)
    report, *_ = submitted
    client.force_login(wang)
    url = reverse("markup_import", args=[report.pk])
    response = client.post(url, {"file": _upload(b"hello", "a.txt")}, **HX)
    assert response.status_code == 422 and "请上传 Word 文件" in response.content.decode()
    assert client.post(url, {}, **HX).status_code == 422
    assert client.get(url).status_code == 405
