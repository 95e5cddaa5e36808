"""A submitted report and its plain Word file marked up as Word would, for the 导入修改稿 tests."""

from __future__ import annotations

import pytest
from lxml import etree
from trackeddocx import (
    comment_on,
    document_xml,
    insert_paragraph_after,
    paragraph_with,
    track_delete,
    track_insert_after,
    with_comments,
)

from reports.models import Block, Report
from reports.services import previews as preview_services
from reports.services import reports as report_services
from reports.services import workflow as workflow_services

LI_SI, WHEN = "李四", "2026-02-01T10:00:00Z"
TEXT_A = "全年一般公共预算收入完成预算，税收收入稳步增长。"
TEXT_B = "严格控制一般性支出，压减会议费。"


@pytest.fixture
def submitted(report, drafter):
    """(report, point a, point b, revision): two points written and submitted."""
    section = report.blocks.filter(parent=None).order_by("position").first()
    a = report_services.block_add(report=report, type="point", parent=section, user=drafter)
    b = report_services.block_add(report=report, type="point", parent=section, user=drafter)
    report_services.block_save(block=a, version=1, data={"title": "抓收入", "text": TEXT_A}, user=drafter)
    report_services.block_save(block=b, version=1, data={"text": TEXT_B}, user=drafter)
    revision = workflow_services.report_submit(report=report, user=drafter)
    return Report.objects.get(pk=report.pk), Block.objects.get(pk=a.pk), Block.objects.get(pk=b.pk), revision


def exported(report, revision) -> bytes:
    """The plain Word file of the submission: what a leader downloads and marks up."""
    _name, docx = preview_services._revision_docx(report=report, revision=revision, masked=False)
    return docx


def marked_up(report, revision) -> bytes:
    """李四 deletes "税收" and inserts "大幅" in point a's text; 王建国 (a member) deletes "会议费"
    and inserts "差旅费" in point b; 李四 comments on point b and adds a whole paragraph."""
    root = etree.fromstring(document_xml(exported(report, revision)))
    p = paragraph_with(root, TEXT_A[:10])
    track_delete(p, "税收", LI_SI, WHEN, 101)
    gone = track_delete(p, "稳步", LI_SI, WHEN, 102)
    track_insert_after(gone, "大幅", LI_SI, WHEN, 103)
    q = paragraph_with(root, TEXT_B[:8])
    gone = track_delete(q, "会议费", "王建国", WHEN, 104)
    track_insert_after(gone, "差旅费", "王建国", WHEN, 105)
    comment_on(q, 0)
    insert_paragraph_after(q, "新增一段：加强绩效管理。", LI_SI, WHEN, 106)
    return with_comments(exported(report, revision), etree.tostring(root), [(0, LI_SI, WHEN, "请补充数字。")])
