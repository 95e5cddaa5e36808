"""Issue 14: what the editor's answers cost does not grow with the report. An autosave and an add,
move or delete issue the same SQL statements at 10 and at 200 blocks, their answers stay the same
size, the editor page adds at most 1 KB a block, and the check panel an autosave rebuilds for one
block is the one a page load builds for it."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.core.block_check import node_labels
from reports.models import Block
from reports.selectors import editor as editor_selectors
from reports.selectors import metrics as metric_selectors
from reports.selectors import reports as report_selectors

HX = {"HTTP_HX_REQUEST": "true"}


def _grow(report, count: int, *, skip_first: bool = True) -> None:
    """`count` written points and paragraphs spread over the report's sections (but the first)."""
    sections = list(report.blocks.filter(parent=None).order_by("position"))[1 if skip_first else 0 :]
    Block.objects.bulk_create(
        Block(
            report=report,
            parent=sections[i % len(sections)],
            position=100 + i,
            type=Block.Type.POINT if i % 2 else Block.Type.PARAGRAPH,
            title="要点" if i % 2 else "",
            text=f"推进预算管理改革，第{i}项工作。",
        )
        for i in range(count)
    )


def _two_points(report, drafter):
    from reports.services import reports as report_services

    section = report.blocks.get(parent=None, position=0)
    first = report_services.block_add(report=report, type="point", parent=section, user=drafter)
    second = report_services.block_add(report=report, type="point", parent=section, user=drafter)
    return section, first, second


def _cost(client, method_url_data) -> tuple[int, int]:
    url, data = method_url_data
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data, **HX)
    assert response.status_code == 200, response.content.decode()[:300]
    return len(queries.captured_queries), len(response.content)


def _operations(report, section, first, second):
    """A save, a move, an add and a delete in the first section, as (name, url, data)."""
    return [
        ("save", reverse("block_save", args=[first.pk]), {"version": "1", "title": "要点", "text": "改写"}),
        ("move", reverse("block_move", args=[second.pk]), {"direction": "up"}),
        ("add", reverse("block_add", args=[report.pk]), {"type": "point", "after": str(first.pk)}),
        ("delete", reverse("block_delete", args=[second.pk]), {}),
    ]


@pytest.fixture
def two_reports(drafter, kinds):
    """Two reports alike but for 200 more blocks in the second, each with two points to act on."""
    from reports.services import reports as report_services

    out = []
    for size in (0, 200):
        report = report_services.report_create(
            user=drafter, kind=kinds["duty"], year=2025, subject=f"甲{size}"
        )
        _grow(report, size)
        out.append((report, *_two_points(report, drafter)))
    return out


def test_save_and_structure_changes_cost_the_same_at_10_and_200_blocks(client, drafter, two_reports):
    client.force_login(drafter)
    small, large = ([_cost(client, (url, data)) for _name, url, data in _operations(*r)] for r in two_reports)
    names = [name for name, _url, _data in _operations(*two_reports[0])]
    for name, (q_small, b_small), (q_large, b_large) in zip(names, small, large, strict=True):
        assert q_small == q_large, name
        # the outline lists the same sections; only the ids' digits may differ
        assert b_large <= b_small * 1.1 + 200, (name, b_small, b_large)


def test_a_move_answers_the_moved_pair_not_the_document(client, drafter, two_reports):
    client.force_login(drafter)
    report, section, first, second = two_reports[1]
    response = client.post(reverse("block_move", args=[second.pk]), {"direction": "up"}, **HX)
    html = response.content.decode()
    assert 'id="document"' not in html and "<textarea" not in html
    assert sorted(re.findall(r'id="num-(\d+)" hx-swap-oob', html)) == sorted([str(first.pk), str(second.pk)])


def test_the_editor_page_adds_at_most_1_kb_a_block(client, drafter, kinds):
    from reports.services import reports as report_services

    report = report_services.report_create(user=drafter, kind=kinds["duty"], year=2025, subject="乙")
    client.force_login(drafter)
    base = len(client.get(reverse("report_edit", args=[report.pk])).content)
    _grow(report, 200, skip_first=False)
    grown = len(client.get(reverse("report_edit", args=[report.pk])).content)
    assert (grown - base) / 200 <= 1024, (grown - base) / 200


def test_a_saved_blocks_check_items_are_those_a_page_load_builds(client, drafter, report, income):
    section, first, second = _two_points(report, drafter)
    Block.objects.filter(pk=second.pk).update(
        text="收入{{一般公共预算收入}}亿元，{{没有的指标}}，增长8.5%，2023年12月完成。"
    )
    client.force_login(drafter)
    client.post(reverse("block_save", args=[first.pk]), {"version": "1", "title": "", "text": ""}, **HX)

    tree = report_selectors.report_tree(report)
    metrics = metric_selectors.metric_values_for_report(report)
    page = {
        c.block_id: c
        for c in editor_selectors.check_panel(report=report, tree=tree, metrics=metrics, last_year=None)
    }
    labels = node_labels(tree)
    for block in (first, second, section):
        block = report_selectors.block_get_for_user(user=drafter, pk=block.pk)
        assert report_selectors.block_label(block) == labels[block.pk]
        live, _source = editor_selectors.block_check(block=block, metrics=metrics, user=drafter)
        assert live == page[block.pk]
    assert page[first.pk].warnings == ["一、一是：内容为空"]
    assert [e.split("：")[0] for e in page[second.pk].errors] == ["一、二是"]
    assert any("2023年" in w for w in page[second.pk].warnings)
    assert [h.text for h in page[second.pk].hand_numbers] == ["8.5%", "12"]  # 12月: a figure
