"""The 材料汇编 pages as a leader meets them: choose and order, the order kept without JavaScript,
errors that keep what was typed, progress, download. (Who may open what: test_permissions.py.)"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from drafts import approve, demo_reports

from reports.models import Packet, Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader_client(client):
    reports = demo_reports()
    for report in reports[:3]:
        approve(report)
    client.force_login(get_user_model().objects.get(username="leader"))
    return client


def rows(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'name="order" value="(\d+)"', html)]


def form(order: list[int], **fields) -> dict:
    return {"order": [str(pk) for pk in order], "report": [str(pk) for pk in order], "year": "2025", **fields}


def test_the_new_packet_page_lists_the_approved_reports_of_the_year_all_ticked(leader_client):
    html = leader_client.get(reverse("packet_new")).content.decode()
    approved = set(
        Report.objects.filter(approved_revision__isnull=False, year=2025).values_list("pk", flat=True)
    )
    assert set(rows(html)) == approved and len(approved) == 3
    assert all(f'name="report" value="{pk}" checked' in html for pk in approved)
    assert "班子成员排序" not in html  # the rank list is the admin's


def test_moving_a_report_without_javascript_keeps_the_order_and_what_was_typed(leader_client):
    order = rows(leader_client.get(reverse("packet_new")).content.decode())
    data = form(order, meeting="正在输入的会议名", date="2026-01-15", format="pdf", move=f"down:{order[0]}")
    data["report"] = [str(order[0]), str(order[2])]  # the second unticked
    html = leader_client.post(reverse("packet_new"), data).content.decode()
    assert rows(html) == [order[1], order[0], order[2]]
    assert 'value="正在输入的会议名"' in html and 'value="2026-01-15"' in html
    assert 'value="pdf" checked' in html
    assert f'name="report" value="{order[1]}">' in html  # still unticked
    assert not Packet.objects.exists()


def test_building_goes_to_the_packet_page_in_the_order_posted(
    leader_client, django_capture_on_commit_callbacks
):
    order = rows(leader_client.get(reverse("packet_new")).content.decode())[::-1]
    with django_capture_on_commit_callbacks(execute=True):
        response = leader_client.post(
            reverse("packet_new"),
            form(order, meeting="2025年度述职述廉会议", date="2026-01-15", format="zip"),
        )
    packet = Packet.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("packet_detail", args=[packet.pk])
    assert list(packet.parts.order_by("position").values_list("report_id", flat=True)) == order
    page = leader_client.get(response["Location"]).content.decode()
    assert "已完成" in page and "下载 2025年度述职述廉会议材料汇编.zip" in page
    download = leader_client.get(reverse("packet_download", args=[packet.pk]))
    assert download["Content-Type"] == "application/zip"
    assert b"".join(download.streaming_content)[:2] == b"PK"
    listing = leader_client.get(reverse("packet_list")).content.decode()
    assert "2025年度述职述廉会议" in listing and "3 份" in listing


def test_a_refused_build_says_why_and_keeps_the_form(leader_client):
    order = rows(leader_client.get(reverse("packet_new")).content.decode())
    response = leader_client.post(reverse("packet_new"), form(order, meeting="", date="2026-01-15"))
    html = response.content.decode()
    assert response.status_code == 422 and "请填写会议名称" in html
    assert rows(html) == order
    response = leader_client.post(reverse("packet_new"), form([], meeting="会议", date="2026-01-15"))
    assert response.status_code == 422 and "请至少选择一份报告" in response.content.decode()
    response = leader_client.post(reverse("packet_new"), form(order, meeting="会议", date="2026-13-45"))
    assert response.status_code == 422 and "请填写日期" in response.content.decode()
    assert not Packet.objects.exists()


def test_the_progress_panel_counts_parts_and_polls_until_done(
    leader_client, django_capture_on_commit_callbacks
):
    order = rows(leader_client.get(reverse("packet_new")).content.decode())
    with django_capture_on_commit_callbacks(execute=False):  # queued, no worker has run yet
        leader_client.post(
            reverse("packet_new"), form(order, meeting="会议", date="2026-01-15", format="zip")
        )
    packet = Packet.objects.get()
    panel = leader_client.get(
        reverse("packet_status", args=[packet.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "已完成 0/3 份" in panel and 'hx-trigger="load delay:1s"' in panel
    assert leader_client.get(reverse("packet_download", args=[packet.pk])).status_code == 409


def test_the_admin_sets_the_rank_list_from_the_page(client, django_capture_on_commit_callbacks):
    reports = demo_reports()
    for report in reports[:3]:
        approve(report)
    client.force_login(get_user_model().objects.get(username="admin"))
    assert "班子成员排序" in client.get(reverse("packet_new")).content.decode()
    last = rows(client.get(reverse("packet_new")).content.decode())[-1]
    Report.objects.filter(pk=last).update(subject="办公室主任 赵某")
    response = client.post(reverse("packet_rank_save"), {"rank_list": "赵某\n", "year": "2025"})
    assert response.status_code == 302 and response["Location"] == reverse("packet_new") + "?year=2025"
    assert rows(client.get(response["Location"]).content.decode())[0] == last  # the last comes first
