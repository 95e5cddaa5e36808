"""去年同节 and reuse: which report is last year's (permissions included), and block_reuse."""

from __future__ import annotations

import pytest
from reuse_data import COPIED_TEXT, last_year_content

from reports.errors import Forbidden, NotEditable
from reports.models import AuditLog, Block, Report
from reports.selectors import reports as report_selectors
from reports.selectors import reuse as reuse_selectors
from reports.services import reports as report_services
from reports.services import reuse as reuse_services
from reports.services import workflow as workflow_services

pytestmark = pytest.mark.django_db


def _last_year(report, drafter, **kw) -> Report:
    return report_services.report_create_from_content(
        user=drafter, bureau=report.bureau, kind=report.kind, content=last_year_content(**kw)
    )


def _point(report: Report, lead: str) -> Block:
    return report.blocks.get(type="point", title=lead)


def test_last_years_report_is_same_kind_and_subject_one_year_earlier(report, drafter, kinds):
    last = _last_year(report, drafter, subject="局长　王建国")  # a full-width space: same subject
    _last_year(report, drafter, subject="副局长 李四")  # another subject
    other_kind = report_services.report_create(
        user=drafter, kind=kinds["party_duty"], year=2024, subject="局长 王建国"
    )
    assert reuse_selectors.last_year_report(user=drafter, report=report) == last
    assert other_kind != last


def test_without_a_subject_the_same_department_is_taken(report, drafter, bureau):
    Report.objects.filter(pk=report.pk).update(subject="")
    report.refresh_from_db()
    last = _last_year(report, drafter, subject="")
    assert reuse_selectors.last_year_report(user=drafter, report=report) == last


def test_an_approved_report_is_preferred_and_its_snapshot_is_used(report, drafter, wang):
    draft = _last_year(report, drafter)
    approved = _last_year(report, drafter)
    fill = approved.blocks.get(type="heading", title="其他工作")
    report_services.block_save(block=fill, version=1, data={"text": "已审定的文字。"}, user=drafter)
    revision = workflow_services.report_submit(report=approved, user=drafter)
    workflow_services.report_approve(report=approved, user=wang, revision_id=revision.pk)
    Block.objects.filter(pk=fill.pk).update(text="审定后改动的文字。")  # live text changed since
    Report.objects.filter(pk=draft.pk).update(title="更新的草稿")  # the draft changed more recently
    last = reuse_selectors.last_year_get(user=drafter, report=report)
    assert last.report == approved
    other = next(s for s in last.sections if s.title == "其他工作")
    assert [p.text for p in other.passages] == ["已审定的文字。"]


def test_a_report_the_user_cannot_see_is_never_offered(report, drafter, bureau, kinds):
    from personas import make_member

    treasury = make_member(bureau, "treasury", "drafter", department="国库科")
    hidden = report_services.report_create_from_content(
        user=treasury, bureau=bureau, kind=report.kind, content=last_year_content(department="国库科")
    )
    assert hidden.department.name == "国库科"
    assert reuse_selectors.last_year_report(user=drafter, report=report) is None
    report_services.report_delete(report=_last_year(report, drafter), user=drafter)  # deleted: gone too
    assert reuse_selectors.last_year_report(user=drafter, report=report) is None


def test_the_editor_matches_moved_and_renamed_sections_and_flags_the_copy(report, drafter):
    last = _last_year(report, drafter)
    sections = list(report.blocks.filter(parent=None).order_by("position"))
    point = report_services.block_add(report=report, type="point", parent=sections[2], user=drafter)
    report_services.block_save(
        block=point, version=1, data={"text": COPIED_TEXT.replace("36", "41")}, user=drafter
    )
    tree = report_selectors.report_tree(report)
    found = reuse_selectors.last_year_for_editor(user=drafter, report=report, tree=tree)
    assert found.report == last
    by_title = {n.block.title: n.last_year for n in tree}
    assert by_title["强化政治建设，在“政”上立稳立牢"].path == "二、"
    assert by_title["聚焦主责主业，在“干”上见行见效"].path == "一、"  # renamed and moved
    assert by_title["落实廉政责任，在“廉”上聚心聚力"] is None
    [copied] = [c for c in found.copied if c.key.block_id == point.pk]
    assert copied.source.path == "一、二是" and copied.percent >= 90  # last year's had a lead


def test_reuse_turns_figures_into_this_years_placeholders_and_records_the_source(report, drafter, income):
    last = _last_year(report, drafter)
    section = report.blocks.get(parent=None, position=2)
    result = reuse_services.block_reuse(
        user=drafter, section=section, source_report_id=last.pk, source_block_id=_point(last, "抓收入").pk
    )
    block = Block.objects.get(pk=result.block.pk)
    assert block.parent_id == section.pk and block.type == "point" and block.title == "抓收入"
    assert block.text == (
        "2025年，全市一般公共预算收入{{一般公共预算收入}}亿元，同比{{一般公共预算收入.增减}}，"
        "完成年初预算{{一般公共预算收入.完成预算}}%。争取资金3000万元。"
    )
    assert (result.placeholders, result.hand_typed) == (3, 1)
    assert block.source == {"report": last.pk, "title": "2024年度述职报告", "path": "一、一是"}
    assert block.source_label == "引自2024年度述职报告 一、一是"
    assert "3处数字已转为本年指标" in result.message and "1处数字为手工录入" in result.message
    assert block == section.children.order_by("-position").first()  # at the end of the section
    log = AuditLog.objects.get(action="block_reuse")
    assert log.detail["source_report"] == last.pk and log.report_id == report.pk


def test_reuse_after_a_chosen_block(report, drafter):
    last = _last_year(report, drafter)
    section = report.blocks.get(parent=None, position=0)
    first = report_services.block_add(report=report, type="point", parent=section, user=drafter)
    report_services.block_add(report=report, type="point", parent=section, user=drafter)
    result = reuse_services.block_reuse(
        user=drafter,
        section=section,
        source_report_id=last.pk,
        source_block_id=_point(last, "抓绩效").pk,
        after=first,
    )
    assert list(section.children.order_by("position").values_list("pk", flat=True))[1] == result.block.pk


def test_reuse_is_refused_to_a_drafter_who_may_not_edit_the_section(report, drafter, bureau):
    from personas import make_member

    budget = make_member(bureau, "budget", "drafter", department="预算科")
    last = _last_year(report, drafter)
    section = report.blocks.get(parent=None, position=0)
    workflow_services.section_assign(
        block=report.blocks.get(parent=None, position=1),
        department=bureau.departments.get(name="预算科"),
        user=drafter,
    )
    before = Block.objects.count()
    with pytest.raises(Forbidden):
        reuse_services.block_reuse(
            user=budget, section=section, source_report_id=last.pk, source_block_id=_point(last, "抓收入").pk
        )
    assert Block.objects.count() == before and not AuditLog.objects.filter(action="block_reuse").exists()


def test_reuse_is_refused_when_the_source_is_not_visible(report, drafter, bureau, outsider, other_bureau):
    from personas import make_member

    treasury = make_member(bureau, "treasury", "drafter", department="国库科")
    hidden = report_services.report_create_from_content(
        user=treasury, bureau=bureau, kind=report.kind, content=last_year_content(department="国库科")
    )
    section = report.blocks.get(parent=None, position=0)
    with pytest.raises(Forbidden, match="无权查看"):
        reuse_services.block_reuse(
            user=drafter,
            section=section,
            source_report_id=hidden.pk,
            source_block_id=_point(hidden, "抓收入").pk,
        )
    assert not section.children.exists()


def test_reuse_is_refused_when_the_report_is_not_editable(report, drafter):
    last = _last_year(report, drafter)
    workflow_services.report_submit(report=report, user=drafter)
    section = report.blocks.get(parent=None, position=0)
    with pytest.raises(NotEditable):
        reuse_services.block_reuse(
            user=drafter, section=section, source_report_id=last.pk, source_block_id=_point(last, "抓收入").pk
        )
