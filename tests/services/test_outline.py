"""The outline tree: add / move / delete renumber; saves are version-checked and cleaned."""

from __future__ import annotations

import re

import pytest

from reports.core.outline import section_stats
from reports.errors import BlockConflict, InvalidInput, NotEditable
from reports.models import Block, Report
from reports.selectors import metrics as metric_selectors
from reports.selectors import reports as report_selectors
from reports.services import reports as report_services


def numbers(report) -> list[str]:
    out: list[str] = []

    def walk(nodes):
        for node in nodes:
            out.append(node.number + (node.block.title or node.block.text))
            walk(node.children)

    walk(report_selectors.report_tree(report))
    return out


def add_point(report, parent, lead, drafter):
    block = report_services.block_add(report=report, type="point", parent=parent, user=drafter)
    return report_services.block_save(
        block=block, version=block.version, data={"title": lead, "text": lead + "正文"}, user=drafter
    )


def test_it_creates_the_kind_outline(report, drafter, kinds):
    sections = kinds["duty"].definition["sections"]
    tree = report_selectors.report_tree(report)
    assert [n.number for n in tree] == ["一、", "二、", "三、", "四、", "五、", "六、"][: len(sections)]
    assert [n.block.title for n in tree] == [s["title"] for s in sections]
    assert tree[0].block.guidance == sections[0]["guidance"]
    assert report.title == "2025年度述职报告"


def test_it_numbers_points_and_renumbers_on_move_and_delete(report, drafter):
    section = report.blocks.get(parent=None, position=0)
    a = add_point(report, section, "甲", drafter)
    b = add_point(report, section, "乙", drafter)
    c = add_point(report, section, "丙", drafter)
    assert numbers(report)[1:4] == ["一是甲", "二是乙", "三是丙"]

    report_services.block_move(block=Block.objects.get(pk=c.pk), direction="up", user=drafter)
    assert numbers(report)[1:4] == ["一是甲", "二是丙", "三是乙"]

    report_services.block_delete(block=Block.objects.get(pk=a.pk), user=drafter)
    assert numbers(report)[1:3] == ["一是丙", "二是乙"]
    assert list(section.children.order_by("position").values_list("position", flat=True)) == [0, 1]
    assert b.pk in section.children.values_list("pk", flat=True)


def test_it_moves_a_point_into_the_neighbouring_section_at_the_edge(report, drafter):
    first, second = report.blocks.filter(parent=None).order_by("position")[:2]
    p = add_point(report, first, "甲", drafter)
    add_point(report, second, "乙", drafter)
    report_services.block_move(block=Block.objects.get(pk=p.pk), direction="down", user=drafter)
    moved = Block.objects.get(pk=p.pk)
    assert moved.parent_id == second.pk and moved.position == 0
    tree = report_selectors.report_tree(report)
    assert [(c.number, c.block.title) for c in tree[1].children] == [("一是", "甲"), ("二是", "乙")]


def test_it_numbers_headings_by_depth_and_restarts_under_each_parent(report, drafter):
    first, second = report.blocks.filter(parent=None).order_by("position")[:2]
    for parent in (first, second):
        for _ in range(2):
            h2 = report_services.block_add(report=report, type="heading", parent=parent, user=drafter)
        report_services.block_add(report=report, type="heading", parent=h2, user=drafter)
    tree = report_selectors.report_tree(report)
    assert [c.number for c in tree[0].children] == ["（一）", "（二）"]
    assert [c.number for c in tree[1].children] == ["（一）", "（二）"]
    assert tree[1].children[1].children[0].number == "1."
    with pytest.raises(InvalidInput):
        report_services.block_add(
            report=report, type="heading", parent=tree[1].children[1].children[0].block, user=drafter
        )


def test_it_inserts_after_a_sibling(report, drafter):
    section = report.blocks.get(parent=None, position=0)
    a = add_point(report, section, "甲", drafter)
    add_point(report, section, "丙", drafter)
    b = report_services.block_add(report=report, type="point", after=a, user=drafter)
    report_services.block_save(block=b, version=b.version, data={"title": "乙", "text": ""}, user=drafter)
    assert numbers(report)[1:4] == ["一是甲", "二是乙", "三是丙"]


def test_a_stale_save_is_refused_and_keeps_the_stored_text(report, drafter):
    section = report.blocks.get(parent=None, position=0)
    block = report_services.block_add(report=report, type="paragraph", parent=section, user=drafter)
    report_services.block_save(block=block, version=1, data={"text": "第一人"}, user=drafter)
    with pytest.raises(BlockConflict) as conflict:
        report_services.block_save(
            block=Block.objects.get(pk=block.pk), version=1, data={"text": "第二人"}, user=drafter
        )
    assert conflict.value.current.text == "第一人"
    assert Block.objects.get(pk=block.pk).version == 2


def test_saving_cleans_text_once(report, drafter):
    section = report.blocks.get(parent=None, position=0)
    block = report_services.block_add(report=report, type="paragraph", parent=section, user=drafter)
    dirty = "甲\x00乙\x0b丙\ud800丁\r\n\u3000\u3000戊"
    saved = report_services.block_save(block=block, version=1, data={"text": dirty}, user=drafter)
    assert saved.text == "甲乙\n丙丁\n戊"
    assert Block.objects.get(pk=block.pk).text == "甲乙\n丙丁\n戊"


def test_frozen_reports_refuse_changes(report, drafter):
    Report.objects.filter(pk=report.pk).update(status=Report.Status.APPROVED)
    report.refresh_from_db()
    section = report.blocks.get(parent=None, position=0)
    with pytest.raises(NotEditable):
        report_services.block_add(report=report, type="point", parent=section, user=drafter)
    with pytest.raises(NotEditable):
        report_services.report_update_fields(report=report, data={"opening": "改"}, user=drafter)


def test_over_long_text_is_refused_with_a_chinese_message(report, drafter):
    section = report.blocks.get(parent=None, position=0)
    block = report_services.block_add(report=report, type="paragraph", parent=section, user=drafter)
    with pytest.raises(InvalidInput, match="内容过长"):
        report_services.block_save(block=block, version=1, data={"text": "字" * 30_000}, user=drafter)
    assert Block.objects.get(pk=block.pk).version == 1


def test_the_snapshot_holds_the_seed_002_shapes(report, drafter):
    """一、 → run-in （一） → inline 一是 points, as seed 002 writes them."""
    section = report.blocks.get(parent=None, position=0)
    h2 = report_services.block_add(report=report, type="heading", parent=section, user=drafter)
    report_services.block_save(
        block=h2, version=1, data={"title": "抓民生、保障人民幸福", "text": "", "run_in": True}, user=drafter
    )
    for lead in ("甲", "乙"):
        p = report_services.block_add(report=report, type="point", parent=h2, user=drafter)
        report_services.block_save(
            block=p, version=1, data={"title": lead, "text": lead + "文", "inline": True}, user=drafter
        )
    from reports.core.document import layout_paragraphs

    paras = layout_paragraphs(report_selectors.report_snapshot(report))
    texts = [p.text for p in paras]
    assert "（一）抓民生、保障人民幸福。一是甲。甲文二是乙。乙文" in texts
    run_in = next(p for p in paras if p.text.startswith("（一）"))
    assert run_in.role == "body" and run_in.runs[0].style == "h2"


def test_section_stats_count_the_body_of_the_subtree(blank_report, drafter):
    """正文 only: a point's lead and text count, a heading's title does not (at any level), a
    heading's own text does."""
    report = blank_report  # as created: every section empty
    section = report.blocks.get(parent=None, position=0)
    add_point(report, section, "甲乙", drafter)  # lead 2 + text 4
    sub = report_services.block_add(report=report, type="heading", parent=section, user=drafter)
    report_services.block_save(
        block=sub, version=1, data={"title": "小标题不算", "text": "五个字正文"}, user=drafter
    )
    stats = section_stats(report_selectors.report_tree(report))
    assert stats[0].chars == 6 + 5
    assert stats[0].target == section.target_chars


def test_a_new_report_has_no_body_characters(client, blank_report, drafter):
    """Issue 8 item 11: a brand-new report showed "16 / 800字 · 编写中" because titles counted."""
    report = blank_report  # as created: every section empty
    tree = report_selectors.report_tree(report)
    assert [s.chars for s in section_stats(tree)] == [0] * len(tree)
    assert report_selectors.report_body_chars(report, tree) == 0
    client.force_login(drafter)
    outline = client.get(f"/reports/{report.pk}/outline/", HTTP_HX_REQUEST="true").content.decode()
    assert '<span class="n">0</span> / 800字' in outline and "待写" in outline and "编写中" not in outline
    assert '<b id="total-chars" data-chars="0">0</b>' in outline
    first = report.blocks.get(parent=None, position=0)
    add_point(report, first, "短", drafter)  # 4 characters under a 16-character title: being written
    outline = client.get(f"/reports/{report.pk}/outline/", HTTP_HX_REQUEST="true").content.decode()
    assert re.search(r'<span class="n">4</span> / 800字\s*· <span class="st">编写中', outline)


def test_the_total_counts_opening_sections_and_closing(blank_report, drafter):
    report = blank_report  # as created: every section empty
    report_services.report_update_fields(
        report=report, data={"opening": "导语四字", "closing": "结尾 两字"}, user=drafter
    )
    section = report.blocks.get(parent=None, position=1)
    add_point(report, section, "甲", drafter)  # 1 + 3
    tree = report_selectors.report_tree(report)
    assert report_selectors.report_body_chars(report, tree) == 4 + 4 + 4
    stat = section_stats(tree)[1]
    assert stat.chars == 4 and stat.node.block.title  # the title is there, and not counted


def test_the_check_names_each_empty_point_and_paragraph(client, report, drafter):
    """An empty 要点 does not pass as 未发现问题: each one is listed with its place."""
    client.force_login(drafter)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert '<p class="ok">未发现问题。</p>' in page  # nothing written yet, nothing wrong yet
    second = report.blocks.get(parent=None, position=1)
    add_point(report, second, "有内容", drafter)
    report_services.block_add(report=report, type="point", parent=second, user=drafter)  # 二是, empty
    sub = report_services.block_add(report=report, type="heading", parent=second, user=drafter)
    report_services.block_add(report=report, type="paragraph", parent=sub, user=drafter)
    lead_only = report_services.block_add(report=report, type="point", parent=sub, user=drafter)
    report_services.block_save(block=lead_only, version=1, data={"title": "只有引语"}, user=drafter)
    tree = report_selectors.report_tree(report)
    check = report_selectors.report_check(report, tree, metric_selectors.metric_values_for_report(report))
    assert [w for w in check.warnings if "内容为空" in w] == [
        "二、二是：内容为空",
        "二、（一）第1段：内容为空",
    ]
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert '<p class="ok" hidden>未发现问题。</p>' in page and "二、二是：内容为空" in page
