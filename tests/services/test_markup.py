"""导入修改稿: the plain export of a submission, marked up as Word would (tracked insertions and
deletions by a member and by a name that is nobody here, a comment, a whole inserted paragraph),
comes back as suggestions, comments and listed unplaced changes. PostgreSQL."""

from __future__ import annotations

import pytest
from lxml import etree
from personas import make_member
from trackeddocx import (
    comment_on,
    document_xml,
    insert_paragraph_after,
    paragraph_with,
    track_delete,
    track_insert_after,
    with_comments,
)

from reports.errors import Forbidden, InvalidInput, WrongState
from reports.models import AuditLog, Block, Comment, Membership, Report, Suggestion
from reports.selectors import suggestions as suggestion_selectors
from reports.services import previews as preview_services
from reports.services import reports as report_services
from reports.services import suggestions as suggestion_services
from reports.services import workflow as workflow_services
from reports.services.markup import markup_import

LI_SI, WHEN = "李四", "2026-02-01T10:00:00Z"
TEXT_A = "全年一般公共预算收入完成预算，税收收入稳步增长。"
TEXT_B = "严格控制一般性支出，压减会议费。"


@pytest.fixture
def wang(bureau):
    user = make_member(bureau, "wang", Membership.Role.LEADER, department="预算科")
    user.first_name = "王建国"
    user.save()
    user.membership.supervises.set([bureau.departments.get(name="办公室")])
    return user


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


def test_it_turns_a_marked_up_file_into_suggestions_comments_and_listed_changes(submitted, wang):
    report, a, b, revision = submitted
    result = markup_import(
        report=report, data=marked_up(report, revision), file_name="修改稿.docx", user=wang
    )

    by_block = {(s.block_id, s.field): s for s in Suggestion.objects.filter(report=report)}
    assert set(by_block) == {(a.pk, "text"), (b.pk, "text")}
    li, mine = by_block[(a.pk, "text")], by_block[(b.pk, "text")]
    assert (li.author, li.author_name, li.base_text) == (None, LI_SI, TEXT_A)
    assert li.text == "全年一般公共预算收入完成预算，收入大幅增长。"
    assert (mine.author, mine.author_name, mine.base_text) == (wang, "王建国", TEXT_B)
    assert mine.text == "严格控制一般性支出，压减差旅费。"
    assert (li.revision, mine.revision) == (revision, revision)
    assert len(result.suggestions_created) == 2

    on_block = Comment.objects.get(report=report, block=b)
    assert on_block.text == "【李四】请补充数字。"
    [listed] = result.unplaced
    assert listed["author"] == LI_SI and listed["text"] == "新增一段：加强绩效管理。"
    kept = Comment.objects.get(report=report, block=None)
    assert kept.text.startswith("未能定位的修改（李四）：新增一段：加强绩效管理。")
    assert listed["reason"] in kept.text
    log = AuditLog.objects.get(report=report, action="markup_import")
    assert log.summary == "导入修改稿：2 条修改建议，1 条批注，1 条未能定位"


def test_uploading_the_same_file_twice_duplicates_nothing(submitted, wang):
    report, _a, _b, revision = submitted
    data = marked_up(report, revision)
    markup_import(report=report, data=data, file_name="修改稿.docx", user=wang)
    again = markup_import(report=report, data=data, file_name="修改稿.docx", user=wang)
    assert Suggestion.objects.filter(report=report, status="open").count() == 2
    assert Comment.objects.filter(report=report).count() == 2
    assert again.comments_created == []


def test_it_refuses_a_file_that_is_not_a_docx_and_stores_nothing(submitted, wang):
    report, *_ = submitted
    with pytest.raises(InvalidInput, match=r"\.docx"):
        markup_import(report=report, data=b"hello", file_name="修改稿.txt", user=wang)
    with pytest.raises(InvalidInput, match="无法读取这个文件：.*Word"):
        markup_import(report=report, data=b"PK\x03\x04 not a zip", file_name="修改稿.docx", user=wang)
    assert not Suggestion.objects.filter(report=report).exists()
    assert not AuditLog.objects.filter(report=report, action="markup_import").exists()


def test_a_file_without_tracked_changes_creates_nothing_and_says_so(submitted, wang):
    report, _a, _b, revision = submitted
    with pytest.raises(InvalidInput, match="没有找到修订或批注"):
        markup_import(report=report, data=exported(report, revision), file_name="报告.docx", user=wang)
    assert not Suggestion.objects.filter(report=report).exists()
    assert not Comment.objects.filter(report=report).exists()


def test_only_a_reviewer_of_a_submitted_report_may_import(submitted, drafter, wang):
    report, _a, _b, revision = submitted
    data = marked_up(report, revision)
    with pytest.raises(Forbidden):
        markup_import(report=report, data=data, file_name="修改稿.docx", user=drafter)
    workflow_services.report_return(report=report, user=wang, reason="请修改", revision_id=revision.pk)
    with pytest.raises(WrongState, match="已提交审核"):
        markup_import(report=Report.objects.get(pk=report.pk), data=data, file_name="修改稿.docx", user=wang)
    assert not Suggestion.objects.filter(report=report).exists()


def test_authors_who_are_not_users_each_have_their_colour_and_their_accept_all(submitted, drafter, wang):
    report, a, b, revision = submitted
    for block, name, text in ((a, LI_SI, "收入增长。"), (b, "张三", "压减支出。")):
        Suggestion.objects.create(
            report=report,
            block=block,
            revision=revision,
            author=None,
            author_name=name,
            field="text",
            base_text=block.text,
            text=text,
        )
    by_block = suggestion_selectors.suggestions_by_block(report)
    assert by_block[a.pk][0].colour != by_block[b.pk][0].colour
    authors = suggestion_selectors.suggestion_authors(by_block)
    assert [(x["id"], x["name"], x["count"]) for x in authors] == [(None, LI_SI, 1), (None, "张三", 1)]

    workflow_services.report_return(report=report, user=wang, reason="请修改", revision_id=revision.pk)
    report = Report.objects.get(pk=report.pk)
    applied, skipped = suggestion_services.suggestions_accept_all(
        report=report, user=drafter, author_name=LI_SI
    )
    assert (applied, skipped) == (1, 0)
    assert (Block.objects.get(pk=a.pk).text, Block.objects.get(pk=b.pk).text) == ("收入增长。", TEXT_B)
