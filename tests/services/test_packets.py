"""Meeting packets on the web path (services.packets): one task per report, the join in the
database, the assembly, a failed part naming its report, 重试 of only what failed, a stalled packet
taken over, and no LibreOffice. Tasks run in-process (eager) against PostgreSQL; the real worker
is tests/services/test_worker.py's."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from drafts import approve, demo_reports
from packetdocx import toc_entries
from pdftext import docx_text

from reports.core.packet import report_starts
from reports.core.pages import pdf_page_count
from reports.errors import Forbidden, InvalidInput, WrongState
from reports.models import STALL_AFTER, AuditLog, Packet, PacketPart, Report
from reports.selectors import packets as packet_selectors
from reports.services import packets as packet_services
from reports.services import workflow as workflow_services

pytestmark = pytest.mark.django_db
DATE = datetime.date(2026, 1, 15)


def user(name: str):
    return get_user_model().objects.get(username=name)


@pytest.fixture
def approved(django_capture_on_commit_callbacks) -> list[Report]:
    reports = demo_reports()[:3]
    for report in reports:
        approve(report)
    return [Report.objects.get(pk=r.pk) for r in reports]


def request(reports, callbacks, **options) -> Packet:
    """Request a packet as the demo leader and run what it queues on commit (parts, then assembly)."""
    options = {"meeting": "2025年度述职述廉会议", "date": DATE, **options}
    with callbacks(execute=True):
        packet = packet_services.packet_request(
            user=user("leader"), report_ids=[r.pk for r in reports], **options
        )
    packet.refresh_from_db()
    return packet


def test_a_packet_is_built_part_by_part_and_assembled_from_the_approved_revisions(
    approved, django_capture_on_commit_callbacks
):
    first = approved[0]
    # Redrafted after approval with new text: the packet still takes the approved revision.
    workflow_services.report_redraft(report=first, user=user("drafter"))
    Report.objects.filter(pk=first.pk).update(opening="审定后改写的导语。")

    order = [approved[2], approved[0], approved[1]]
    packet = request(order, django_capture_on_commit_callbacks)

    assert packet.status == Packet.Status.DONE, packet.error
    parts = list(packet.parts.order_by("position"))
    assert [p.report_id for p in parts] == [r.pk for r in order]
    assert all(p.status == PacketPart.Status.DONE and p.attempts == 1 for p in parts)
    assert all(p.page_count and not p.pages_estimated for p in parts)
    docx = bytes(packet.content)
    text = docx_text(docx)
    assert text.startswith("2025年度述职述廉会议材料汇编示范市财政局2026年1月15日目录")
    assert "审定后改写的导语" not in text
    # The 目录's numbers follow from each part's own page count and the measured front matter.
    starts = [page for _, page in toc_entries(docx)]
    assert starts == report_starts(starts[0] - 1, [p.page_count for p in parts], double_sided=False)
    assert starts[0] == 3  # the cover, a one-page 目录
    assert packet.file_name == "2025年度述职述廉会议材料汇编.docx"
    assert AuditLog.objects.filter(action="packet", detail__packet=packet.pk).count() == 1


def test_a_pdf_packet_has_every_page_and_a_zip_one_file_per_report(
    approved, django_capture_on_commit_callbacks
):
    pdf_packet = request(approved, django_capture_on_commit_callbacks, format="pdf", double_sided=True)
    assert pdf_packet.status == Packet.Status.DONE, pdf_packet.error
    pdf = bytes(pdf_packet.content)
    starts = [page for _, page in toc_entries(bytes(pdf_packet.docx))]
    last = list(pdf_packet.parts.order_by("position"))[-1]
    assert pdf.startswith(b"%PDF") and pdf_packet.file_name.endswith(".pdf")
    assert all(s % 2 == 1 for s in starts)
    assert pdf_page_count(pdf) == starts[-1] + last.page_count - 1

    zip_packet = request(approved, django_capture_on_commit_callbacks, format="zip", masked=True)
    assert zip_packet.status == Packet.Status.DONE, zip_packet.error
    with zipfile.ZipFile(io.BytesIO(bytes(zip_packet.content))) as archive:
        names = archive.namelist()
    assert len(names) == 3 and all(n.endswith("（脱敏稿）.docx") for n in names)
    assert zip_packet.docx is None


def test_a_failed_part_fails_the_packet_naming_the_report_and_retry_redoes_only_it(
    approved, django_capture_on_commit_callbacks
):
    # The second part's frozen content is broken (as a render that keeps failing would be) before
    # the queued tasks run.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        packet = packet_services.packet_request(
            user=user("leader"), report_ids=[r.pk for r in approved], meeting="会议", date=DATE
        )
    broken = packet.parts.get(position=2)
    good_snapshot = broken.snapshot
    PacketPart.objects.filter(pk=broken.pk).update(snapshot={"blocks": "不是列表"})
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    packet.refresh_from_db()
    assert packet.status == Packet.Status.FAILED
    assert broken.title in packet.error and "1份报告生成失败" in packet.error
    assert list(packet.parts.order_by("position").values_list("status", flat=True)) == [
        "done",
        "failed",
        "done",
    ]

    PacketPart.objects.filter(pk=broken.pk).update(snapshot=good_snapshot)  # the cause is gone
    with django_capture_on_commit_callbacks(execute=True):
        packet = packet_services.packet_retry(packet=packet, user=user("leader"))
    packet.refresh_from_db()
    assert packet.status == Packet.Status.DONE, packet.error
    attempts = list(packet.parts.order_by("position").values_list("attempts", flat=True))
    assert attempts == [1, 2, 1]  # only the failed part was rendered again

    with pytest.raises(WrongState, match="已生成完毕"):
        packet_services.packet_retry(packet=packet, user=user("leader"))


def test_a_stalled_packet_is_taken_over(approved, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        packet = packet_services.packet_request(
            user=user("leader"), report_ids=[r.pk for r in approved], meeting="会议", date=DATE
        )
    # A worker took the first part and died: nothing happens until the packet has been silent for
    # longer than the hard time limit.
    PacketPart.objects.filter(packet=packet, position=1).update(status=PacketPart.Status.RUNNING, attempts=1)
    Packet.objects.filter(pk=packet.pk).update(status=Packet.Status.RUNNING)
    assert packet_services.packets_requeue_stalled() == []
    # Other workers went on (the packet's heartbeat is fresh); the dead one's part is old.
    PacketPart.objects.filter(packet=packet, position=1).update(
        heartbeat_at=packet.created_at - STALL_AFTER * 2
    )
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert packet_services.packets_requeue_stalled() == [packet.pk]
    assert len(queued) == 1  # the dead part only: the queued ones still have their messages
    assert packet_services.packets_requeue_stalled() == []  # taken once
    for part in packet.parts.filter(status=PacketPart.Status.QUEUED):
        with django_capture_on_commit_callbacks(execute=True):
            packet_services.packet_part_run(part_id=part.pk)  # their messages arrive
    packet.refresh_from_db()
    assert packet.status == Packet.Status.DONE, packet.error
    # Running the dead worker's task again changes nothing.
    content = bytes(packet.content)
    assert packet_services.packet_part_run(part_id=packet.parts.get(position=1).pk) is False
    assert packet_services.packet_assemble(packet_id=packet.pk) is False
    packet.refresh_from_db()
    assert bytes(packet.content) == content


def test_without_libreoffice_a_docx_packet_has_estimated_numbers_and_a_pdf_one_fails(
    approved, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setenv("SOFFICE", "/bin/false")  # every conversion fails
    docx_packet = request(approved[:2], django_capture_on_commit_callbacks)
    assert docx_packet.status == Packet.Status.DONE and docx_packet.pages_estimated
    pdf_packet = request(approved[:2], django_capture_on_commit_callbacks, format="pdf")
    assert pdf_packet.status == Packet.Status.FAILED
    assert "LibreOffice" in pdf_packet.error and approved[0].title.replace(" ", "")[:8] in pdf_packet.error


def test_who_may_build_what(approved, django_capture_on_commit_callbacks, kinds):
    ids = [r.pk for r in approved]
    with pytest.raises(Forbidden):
        packet_services.packet_request(user=user("drafter"), report_ids=ids, meeting="会议", date=DATE)
    with pytest.raises(InvalidInput, match="会议名称"):
        packet_services.packet_request(user=user("leader"), report_ids=ids, meeting="  ", date=DATE)
    with pytest.raises(InvalidInput, match="日期"):
        packet_services.packet_request(user=user("leader"), report_ids=ids, meeting="会议", date=None)
    with pytest.raises(InvalidInput, match="至少选择"):
        packet_services.packet_request(user=user("leader"), report_ids=[], meeting="会议", date=DATE)
    with pytest.raises(InvalidInput, match="无权查看"):
        packet_services.packet_request(
            user=user("leader"), report_ids=[*ids, 999999], meeting="会议", date=DATE
        )
    unapproved = Report.objects.filter(bureau=approved[0].bureau, approved_revision__isnull=True).first()
    with pytest.raises(WrongState, match="尚未审定"):
        packet_services.packet_request(
            user=user("leader"), report_ids=[unapproved.pk], meeting="会议", date=DATE
        )
    assert not Packet.objects.exists()


def test_the_admin_keeps_the_rank_list_and_the_default_order_follows_it(approved):
    admin = user("admin")
    with pytest.raises(Forbidden):
        packet_services.bureau_rank_list_save(user=user("leader"), rank_list="局长")
    for report, subject in zip(approved, ["党组成员 赵某", "副局长 李某", "局长 王建国"], strict=True):
        Report.objects.filter(pk=report.pk).update(subject=subject)
    packet_services.bureau_rank_list_save(user=admin, rank_list="  王建国  \n\n李某\n孙某")
    membership = admin.membership
    membership.bureau.refresh_from_db()
    found = packet_selectors.packet_candidates(membership=membership, year=approved[0].year, kind_id=None)
    assert [r.subject for r in found.reports] == ["局长 王建国", "副局长 李某", "党组成员 赵某"]
    assert membership.bureau.rank_list == "王建国\n李某\n孙某"


def test_a_rebuilt_packet_reuses_the_parts_already_rendered_and_measured(
    approved, django_capture_on_commit_callbacks, monkeypatch
):
    first = request(approved, django_capture_on_commit_callbacks)
    pages = {p.report_id: p.page_count for p in first.parts.all()}
    # Without LibreOffice now: a part that had to be measured again would be estimated (the
    # cover and 目录 of the new packet are, as they are new).
    monkeypatch.setenv("SOFFICE", "/bin/false")
    again = request(approved[::-1], django_capture_on_commit_callbacks, meeting="另一次会议")
    assert again.status == Packet.Status.DONE, again.error
    assert not again.parts.filter(pages_estimated=True).exists()
    assert {p.report_id: p.page_count for p in again.parts.all()} == pages
    assert [bytes(p.content) for p in again.parts.order_by("-position")] == [
        bytes(p.content) for p in first.parts.order_by("position")
    ]
    # A masked packet is other content: rendered again (and here, without LibreOffice, estimated).
    masked = request(approved, django_capture_on_commit_callbacks, masked=True)
    assert masked.parts.filter(pages_estimated=True).count() == 3


def test_a_silent_packet_queues_every_unfinished_part_again(approved, django_capture_on_commit_callbacks):
    """Redis lost the messages: nothing has happened for longer than the hard time limit."""
    with django_capture_on_commit_callbacks(execute=False):
        packet = packet_services.packet_request(
            user=user("leader"), report_ids=[r.pk for r in approved], meeting="会议", date=DATE
        )
    Packet.objects.filter(pk=packet.pk).update(heartbeat_at=packet.created_at - STALL_AFTER * 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert packet_services.packets_requeue_stalled() == [packet.pk]
    packet.refresh_from_db()
    assert packet.status == Packet.Status.DONE, packet.error
