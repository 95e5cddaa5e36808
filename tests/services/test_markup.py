"""导入修改稿: the plain export of a submission, marked up as Word would (tracked insertions and
deletions by a member and by a name that is nobody here, a comment, a whole inserted paragraph),
comes back as suggestions, comments and listed unplaced changes. PostgreSQL."""

from __future__ import annotations

import pytest
from markupfiles import LI_SI, TEXT_A, TEXT_B, exported, marked_up, submitted  # noqa: F401

from reports.errors import Forbidden, InvalidInput, WrongState
from reports.models import AuditLog, Block, Comment, Report, Suggestion
from reports.selectors import suggestions as suggestion_selectors
from reports.services import suggestions as suggestion_services
from reports.services import workflow as workflow_services
from reports.services.markup import markup_import


def test_it_turns_a_marked_up_file_into_suggestions_comments_and_listed_changes(submitted, wang):  # noqa: F811 (fixtures from markupfiles)
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


def test_uploading_the_same_file_twice_duplicates_nothing(submitted, wang):  # noqa: F811 (fixtures from markupfiles)
    report, _a, _b, revision = submitted
    data = marked_up(report, revision)
    markup_import(report=report, data=data, file_name="修改稿.docx", user=wang)
    again = markup_import(report=report, data=data, file_name="修改稿.docx", user=wang)
    assert Suggestion.objects.filter(report=report, status="open").count() == 2
    assert Comment.objects.filter(report=report).count() == 2
    assert again.comments_created == []


def test_it_refuses_a_file_that_is_not_a_docx_and_stores_nothing(submitted, wang):  # noqa: F811 (fixtures from markupfiles)
    report, *_ = submitted
    with pytest.raises(InvalidInput, match=r"\.docx"):
        markup_import(report=report, data=b"hello", file_name="修改稿.txt", user=wang)
    with pytest.raises(InvalidInput, match="无法读取这个文件：.*Word"):
        markup_import(report=report, data=b"PK\x03\x04 not a zip", file_name="修改稿.docx", user=wang)
    assert not Suggestion.objects.filter(report=report).exists()
    assert not AuditLog.objects.filter(report=report, action="markup_import").exists()


def test_a_file_without_tracked_changes_creates_nothing_and_says_so(submitted, wang):  # noqa: F811 (fixtures from markupfiles)
    report, _a, _b, revision = submitted
    with pytest.raises(InvalidInput, match="没有找到修订或批注"):
        markup_import(report=report, data=exported(report, revision), file_name="报告.docx", user=wang)
    assert not Suggestion.objects.filter(report=report).exists()
    assert not Comment.objects.filter(report=report).exists()


def test_only_a_reviewer_of_a_submitted_report_may_import(submitted, drafter, wang):  # noqa: F811 (fixtures from markupfiles)
    report, _a, _b, revision = submitted
    data = marked_up(report, revision)
    with pytest.raises(Forbidden):
        markup_import(report=report, data=data, file_name="修改稿.docx", user=drafter)
    workflow_services.report_return(report=report, user=wang, reason="请修改", revision_id=revision.pk)
    with pytest.raises(WrongState, match="已提交审核"):
        markup_import(report=Report.objects.get(pk=report.pk), data=data, file_name="修改稿.docx", user=wang)
    assert not Suggestion.objects.filter(report=report).exists()


def test_authors_who_are_not_users_each_have_their_colour_and_their_accept_all(submitted, drafter, wang):  # noqa: F811 (fixtures from markupfiles)
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
