"""Bounded work (issue 9, items 2 and 3): a report has at most MAX_BLOCKS blocks, refused with a
Chinese message by the import preview (before any HTML is built), creating, carrying forward and
adding a block; the preview lives in an ImportDraft row, not in the session; blocks are created
with a fixed number of queries; numbering never raises, however many siblings."""

from __future__ import annotations

import datetime as dt

import pytest
from corpus import outline_text
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reports.core.importer import MAX_BLOCKS, ImportRefused, parse_text, split_item, too_many_blocks
from reports.core.numbering import DEFAULT_NUMBERING, cn_int, format_number, sibling_numbers
from reports.errors import InvalidInput
from reports.models import Block, ImportDraft, Report
from reports.services import imports as import_services
from reports.services import reports as report_services

HX = {"HTTP_HX_REQUEST": "true"}
TITLE = "2025年度工作总结"


def content(blocks: int) -> dict:
    """Snapshot-shaped content with `blocks` blocks: 10 headings, each with a level-2 heading, the
    rest points spread over them."""
    sections = []
    points = blocks - 20
    for s in range(10):
        children = [
            {"type": "point", "lead": f"要点{s}-{p}。", "text": "推进。"} for p in range(points // 10)
        ]
        sections.append(
            {
                "type": "heading",
                "title": f"第{s}部分",
                "children": [{"type": "heading", "title": "小标题", "children": children}],
            }
        )
    sections[0]["children"][0]["children"] += [{"type": "paragraph", "text": "段落。"}] * (points % 10)
    return {"title": "测试报告", "year": 2025, "blocks": sections}


def session_bytes(client) -> int:
    return len(Session.objects.get(session_key=client.session.session_key).session_data)


# --- the preview ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_99000_points_in_a_1_5_mb_text_before_building_anything(
    client, drafter, kinds, django_assert_max_num_queries
):
    client.force_login(drafter)
    data = outline_text(11, 9000).encode()
    assert len(data) > 1_500_000
    with django_assert_max_num_queries(8):
        response = client.post(
            reverse("report_import_preview"), {"file": SimpleUploadedFile("报告.txt", data)}, **HX
        )
    body = response.content.decode()
    assert response.status_code == 422 and "段落过多" in body and "请精简或分开导入" in body
    assert len(body) < 20_000  # the refusal, not 99,000 table rows
    assert ImportDraft.objects.count() == 0 and "report_import" not in client.session
    assert session_bytes(client) < 1000


@pytest.mark.django_db
def test_it_refuses_10000_points_in_one_section_in_chinese(client, drafter, kinds):
    """Was HTTP 500 (cn_int supports 1..9999)."""
    client.force_login(drafter)
    response = client.post(reverse("report_import_preview"), {"text": outline_text(1, 10_000)}, **HX)
    assert response.status_code == 422
    assert too_many_blocks() in response.content.decode()
    assert ImportDraft.objects.count() == 0


def test_the_parser_stops_at_the_cap_and_takes_a_report_at_it():
    assert len(parse_text(outline_text(2, MAX_BLOCKS // 2 - 1), strict=True).items) == MAX_BLOCKS
    with pytest.raises(ImportRefused) as info:
        parse_text(outline_text(2, MAX_BLOCKS // 2), strict=True)
    assert str(info.value) == too_many_blocks()


def test_a_fix_in_the_preview_cannot_pass_the_cap():
    parsed = parse_text(outline_text(2, MAX_BLOCKS // 2 - 1), strict=True)
    with pytest.raises(ImportRefused) as info:
        split_item(parsed, 1, "推进")
    assert "最多2000段" in str(info.value)


@pytest.mark.django_db
def test_the_preview_is_a_row_and_the_session_holds_only_its_id(client, drafter, kinds):
    client.force_login(drafter)
    response = client.post(reverse("report_import_preview"), {"text": outline_text(10, 150)}, **HX)
    assert response.status_code == 200
    draft = ImportDraft.objects.get()
    assert client.session["report_import"] == draft.pk and draft.owner == drafter
    assert len(draft.payload["items"]) == 1510 and draft.revision == 1
    assert session_bytes(client) < 1000  # was the whole preview: 782 KB for the file
    assert draft.expires_at > timezone.now() + dt.timedelta(hours=23)

    fix = {"revision": "1", "title": "改过的标题"}
    client.post(reverse("report_import_fields"), fix, **HX)
    draft.refresh_from_db()
    assert draft.revision == 2 and draft.payload["title"] == "改过的标题"
    stale = client.post(reverse("report_import_fields"), fix, **HX)
    assert "预览已在其他窗口中更新" in stale.content.decode()

    # A new paste in the same session reuses the row.
    client.post(reverse("report_import_preview"), {"text": outline_text(2, 3)}, **HX)
    assert ImportDraft.objects.get().revision == 3

    response = client.post(
        reverse("report_import_create"), {"revision": "3", "kind": "annual_summary", "year": "2025"}, **HX
    )
    assert response.status_code == 200 and Report.objects.count() == 1
    assert ImportDraft.objects.count() == 0 and "report_import" not in client.session


@pytest.mark.django_db
def test_a_draft_is_its_owners_only_and_expires(client, drafter, kinds, bureau):
    from personas import make_member

    other = make_member(bureau, "drafter2", "drafter")
    theirs = import_services.import_draft_save(
        user=other, draft_id=None, parsed=parse_text(outline_text(1, 2))
    )[0]
    client.force_login(drafter)
    session = client.session
    session["report_import"] = theirs
    session.save()
    data = {"revision": "1", "kind": "annual_summary", "year": "2025"}
    response = client.post(reverse("report_import_create"), data, **HX)
    assert "没有正在预览的内容" in response.content.decode() and Report.objects.count() == 0
    # A new preview does not write into someone else's row either.
    client.post(reverse("report_import_preview"), {"text": outline_text(1, 3)}, **HX)
    assert ImportDraft.objects.get(pk=theirs).owner == other
    mine = ImportDraft.objects.get(owner=drafter)

    ImportDraft.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.post(reverse("report_import_create"), data, **HX)
    assert "没有正在预览的内容" in response.content.decode()
    call_command("purge_import_drafts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ImportDraft.objects.count() == 0

    # Storing any preview also deletes the expired ones.
    ImportDraft.objects.create(owner=other, payload={}, expires_at=timezone.now() - dt.timedelta(days=2))
    client.post(reverse("report_import_preview"), {"text": outline_text(1, 3)}, **HX)
    assert list(ImportDraft.objects.values_list("owner", flat=True)) == [drafter.pk]
    assert mine.pk != ImportDraft.objects.get().pk


# --- creating, carrying forward, adding -------------------------------------------------------------


@pytest.mark.django_db
def test_creating_a_report_at_the_cap_takes_a_fixed_number_of_queries(
    drafter, bureau, kinds, django_assert_max_num_queries
):
    # Was one INSERT per block, then one UPDATE … CASE over all of them (99,000 blocks: 121 s).
    with django_assert_max_num_queries(12):
        report = report_services.report_create_from_content(
            user=drafter, bureau=bureau, kind=kinds["annual_summary"], content=content(MAX_BLOCKS)
        )
    assert report.blocks.count() == MAX_BLOCKS
    first = report.blocks.get(parent=None, position=0)
    sub = first.children.get()
    assert sub.type == "heading" and sub.children.count() == (MAX_BLOCKS - 20) // 10 + (MAX_BLOCKS - 20) % 10
    assert list(sub.children.order_by("position").values_list("position", flat=True))[:3] == [0, 1, 2]


@pytest.mark.django_db
def test_the_import_keeps_guidance_and_required_flags(drafter, kinds):
    """Set at creation now (there was an UPDATE … CASE over every block afterwards)."""
    text = (
        "2025年度工作总结\n一、2025年工作成效\n一是推进。\n二、存在的问题\n一是不足。\n三、其他\n一是其他。"
    )
    result = import_services.report_import_create(
        user=drafter, parsed=parse_text(text), kind=kinds["annual_summary"], year=2025
    )
    sections = list(result.report.blocks.filter(parent=None).order_by("position"))
    assert [(s.required, s.target_chars) for s in sections] == [(True, 5000), (True, 900), (False, 0)]
    assert sections[0].guidance and sections[1].guidance and not sections[2].guidance


@pytest.mark.django_db
def test_creating_over_the_cap_writes_nothing(drafter, bureau, kinds):
    with pytest.raises(InvalidInput) as info:
        report_services.report_create_from_content(
            user=drafter, bureau=bureau, kind=kinds["annual_summary"], content=content(MAX_BLOCKS + 1)
        )
    assert str(info.value) == too_many_blocks(MAX_BLOCKS + 1)
    assert Report.objects.count() == 0 and Block.objects.count() == 0


def bulk_points(report: Report, count: int) -> Block:
    """A report that got more blocks than the cap before there was one: `count` points in its first
    section (written directly, as no service allows it)."""
    section = report.blocks.filter(parent=None).order_by("position").first()
    Block.objects.bulk_create(
        Block(report=report, parent=section, position=i, type="point", title="推进。") for i in range(count)
    )
    return section


@pytest.mark.django_db
def test_block_add_refuses_at_the_cap_in_chinese(client, drafter, report):
    client.force_login(drafter)
    section = bulk_points(report, MAX_BLOCKS - report.blocks.count())
    url = reverse("block_add", args=[report.pk])
    response = client.post(url, {"type": "point", "parent": section.pk}, **HX)
    assert response.status_code < 500
    assert too_many_blocks() in response.content.decode()
    assert report.blocks.count() == MAX_BLOCKS
    with pytest.raises(InvalidInput):
        report_services.block_add(report=report, type="heading", user=drafter)


@pytest.mark.django_db
def test_carry_forward_refuses_a_report_over_the_cap(client, drafter, report):
    client.force_login(drafter)
    bulk_points(report, MAX_BLOCKS)
    response = client.post(reverse("report_carry_forward", args=[report.pk]))
    assert response.status_code == 422 and "最多2000段" in response.content.decode()
    assert Report.objects.count() == 1


# --- numbering never raises ---------------------------------------------------------------------------


def test_numbers_beyond_chinese_numerals_fall_back_to_arabic():
    assert format_number("{cn}是", 9999) == "九千九百九十九是"
    assert format_number("{cn}是", 10_000) == "10000是"
    assert format_number("（{cn}）", 0) == "（0）"
    numbers = sibling_numbers(["point"] * 10_001, 1, DEFAULT_NUMBERING)
    assert numbers[-1] == "10001是"
    with pytest.raises(ValueError):
        cn_int(10_000)  # the contract of cn_int itself is unchanged


@pytest.mark.django_db
def test_a_report_with_10000_points_in_a_section_still_opens(client, drafter, report):
    """Was HTTP 500 on the editor, preview, outline, export and submit, for good."""
    client.force_login(drafter)
    bulk_points(report, 10_000)
    response = client.get(reverse("report_edit", args=[report.pk]))
    assert response.status_code == 200 and "10000是" in response.content.decode()
