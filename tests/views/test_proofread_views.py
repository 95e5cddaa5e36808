"""Proofreading (校对) in the app (issue 10): the 提法 list in the admin, findings under a block after
its autosave, the one-click fix through the normal save, 修改全部安全项, 忽略, the 校对 page,
submission blocked by errors, the reviewer's counts, and `manage.py proofread`."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from packages import docx_literal

from reports.models import AuditLog, Block, Bureau, IgnoredFinding, Metric, Phrase, Report
from reports.selectors import proofread as proofread_selectors
from reports.services import proofread as proofread_services
from reports.services import reports as report_services
from reports.services import workflow as workflow_services

HX = {"HTTP_HX_REQUEST": "true"}
COMMA = "统一思想,凝心聚力。"  # P01 at 4: a safe fix
FIXED = "统一思想，凝心聚力。"


def _point(report, user, text, *, section=0, title=""):
    heading = report.blocks.filter(parent=None).order_by("position")[section]
    block = report_services.block_add(report=report, type="point", parent=heading, user=user)
    return report_services.block_save(block=block, version=1, data={"title": title, "text": text}, user=user)


def _save(client, block, text, version=None):
    version = block.version if version is None else version
    return client.post(reverse("block_save", args=[block.pk]), {"version": str(version), "text": text}, **HX)


# --- the 提法 list ----------------------------------------------------------------------------


def test_it_seeds_the_starter_list_once_per_bureau(bureau):
    added = proofread_services.phrases_seed(bureau=bureau)
    assert added >= 5 and Phrase.objects.filter(bureau=bureau).count() == added
    assert all(p.source for p in Phrase.objects.filter(bureau=bureau))  # each entry says where it comes from
    Phrase.objects.filter(bureau=bureau, discouraged="国土资源局").update(enabled=False)
    assert proofread_services.phrases_seed(bureau=bureau) == 0  # idempotent, a disabled entry stays so
    assert not Phrase.objects.get(bureau=bureau, discouraged="国土资源局").enabled


def test_a_bureau_created_in_the_admin_gets_the_starter_list(client, db):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    response = client.post(
        reverse("admin:reports_bureau_add"),
        {"name": "新设县财政局", "departments-TOTAL_FORMS": "0", "departments-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Phrase.objects.filter(bureau__name="新设县财政局").count() >= 5


@pytest.fixture
def bureau_admin(admin_user):
    from reports.services import members as member_services

    member_services.membership_sync_staff(admin_user.membership)
    admin_user.refresh_from_db()
    return admin_user


def test_the_bureau_admin_adds_and_disables_phrases_of_their_own_bureau(
    client, bureau, other_bureau, bureau_admin, report, drafter
):
    proofread_services.phrases_seed(bureau=other_bureau)
    client.force_login(bureau_admin)
    listing = client.get(reverse("admin:reports_phrase_changelist"))
    assert listing.status_code == 200 and "国土资源局" not in listing.content.decode()  # the other bureau's

    response = client.post(
        reverse("admin:reports_phrase_add"),
        {"discouraged": "老城改造", "preferred": "城市更新", "note": "市委文件统一表述", "enabled": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:800]
    phrase = Phrase.objects.get(discouraged="老城改造")
    assert phrase.bureau == bureau  # put in the admin's bureau, whatever was posted
    duplicate = client.post(
        reverse("admin:reports_phrase_add"), {"discouraged": "老城改造", "preferred": "x"}
    )
    assert "本局已有这条不规范表述。" in duplicate.content.decode()

    block = _point(report, drafter, "持续推进老城改造。")
    client.force_login(drafter)
    assert "规范表述为“城市更新”" in _save(client, block, block.text).content.decode()

    client.force_login(bureau_admin)
    response = client.post(
        reverse("admin:reports_phrase_changelist"),
        {"action": "disable_phrases", "_selected_action": [str(phrase.pk)]},
    )
    assert response.status_code == 302
    assert not Phrase.objects.get(pk=phrase.pk).enabled
    other = Phrase.objects.filter(bureau=other_bureau).first()
    assert (
        client.get(reverse("admin:reports_phrase_change", args=[other.pk])).status_code == 302
    )  # not theirs

    block.refresh_from_db()
    client.force_login(drafter)
    assert "城市更新" not in _save(client, block, block.text).content.decode()  # disabled: not checked


# --- findings under a block, and the one-click fix ---------------------------------------------


def test_the_autosave_answer_shows_the_blocks_findings_only(
    client, report, drafter, django_assert_max_num_queries
):
    other = _point(report, drafter, "其中:税收收入增长。")
    block = _point(report, drafter, "")
    client.force_login(drafter)
    with django_assert_max_num_queries(15):  # the save, and 2 for proofreading: 提法 list, ignored rows
        response = _save(client, block, COMMA)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="findings-{block.pk}" hx-swap-oob="true"' in body
    assert f"findings-{other.pk}" not in body and 'id="document"' not in body  # this block only
    assert "中文文字间应使用全角逗号“，”" in body and "<mark>,</mark>" in body
    button = re.search(r"<button[^>]*data-fix-field[^>]*>修改</button>", body).group()
    attrs = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', button))
    start, end = int(attrs["start"]), int(attrs["end"])
    assert attrs["fix-field"] == "text" and COMMA[start:end] == attrs["text"] == ","
    assert COMMA[:start] + attrs["fix"] + COMMA[end:] == FIXED  # what the page writes, then saves


def test_an_unsafe_finding_has_a_suggestion_and_no_fix_button(client, report, drafter):
    block = _point(report, drafter, "")
    client.force_login(drafter)
    body = _save(client, block, "收入增长-3%。").content.decode()
    assert "增减应以文字表述" in body and "下降3%" in body and "请核对后手工修改" in body
    assert "data-fix-field" not in body


def test_the_fix_goes_through_the_version_check_and_the_audit(client, report, drafter):
    """The 修改 button saves the fixed text with the version the page holds: a stale one is a
    conflict (409) that changes nothing; the current one saves and writes an audit row."""
    block = _point(report, drafter, COMMA)
    client.force_login(drafter)
    stale = block.version
    report_services.block_save(
        block=block, version=stale, data={"text": COMMA + "另一人加的。"}, user=drafter
    )
    audits = AuditLog.objects.filter(action="block_save").count()
    response = _save(client, block, FIXED, version=stale)
    assert response.status_code == 409 and "此段已被他人修改" in response.content.decode()
    block.refresh_from_db()
    assert (
        block.text == COMMA + "另一人加的。"
        and AuditLog.objects.filter(action="block_save").count() == audits
    )

    response = _save(client, block, FIXED + "另一人加的。")
    assert response.status_code == 200
    block.refresh_from_db()
    assert block.text == FIXED + "另一人加的。"
    assert AuditLog.objects.filter(action="block_save").count() == audits + 1
    assert "data-fix-field" not in response.content.decode()  # fixed: the finding is gone


# --- 修改全部安全项 ------------------------------------------------------------------------------


def _versions(report):
    report.refresh_from_db()
    data = {f"v-block-{b.pk}": str(b.version) for b in report.blocks.all()}
    return data | {"v-head": str(report.head_version), "v-tail": str(report.tail_version)}


def test_fix_all_applies_every_safe_fix_in_one_audited_step(client, report, drafter):
    a = _point(report, drafter, "统一思想,凝心聚力,真抓实干。")  # two safe fixes
    b = _point(report, drafter, "其中:税收收入增长-3%。", section=1)  # one safe, one unsafe
    changed = _point(report, drafter, "坚持稳中求进,以进促稳。", section=2)
    report_services.report_update_fields(report=report, data={"opening": "全年工作:稳中有进。"}, user=drafter)
    posted = _versions(report)
    report_services.block_save(
        block=changed, version=changed.version, data={"text": changed.text + "新增"}, user=drafter
    )
    client.force_login(drafter)
    before = AuditLog.objects.count()

    response = client.post(reverse("report_proofread_fix", args=[report.pk]), posted, **HX)

    body = response.content.decode()
    assert response.status_code == 200 and "已修改 4 处安全项" in body and "1 处所在段落已被修改" in body
    for block, text in [
        (a, "统一思想，凝心聚力，真抓实干。"),
        (b, "其中：税收收入增长-3%。"),
        (changed, "坚持稳中求进,以进促稳。新增"),
    ]:
        block.refresh_from_db()
        assert block.text == text
    report.refresh_from_db()
    assert report.opening == "全年工作：稳中有进。"
    rows = AuditLog.objects.order_by("-id")[: AuditLog.objects.count() - before]
    assert [r.action for r in rows] == [AuditLog.Action.PROOFREAD_FIX]
    assert rows[0].detail["applied"] == 4 and rows[0].detail["skipped"] == 1
    # the unsafe one is still listed, with its suggestion
    assert "下降3%" in client.get(reverse("report_proofread", args=[report.pk])).content.decode()


def test_fix_all_refused_to_a_leader_and_on_a_submitted_report(client, report, drafter, leader):
    block = _point(report, drafter, COMMA)
    client.force_login(leader)
    assert client.post(
        reverse("report_proofread_fix", args=[report.pk]), _versions(report), **HX
    ).status_code in (
        403,
        404,
    )
    workflow_services.report_submit(report=report, user=drafter)
    client.force_login(drafter)
    response = client.post(reverse("report_proofread_fix", args=[report.pk]), _versions(report), **HX)
    assert response.status_code == 422 and response["HX-Retarget"] == "#flash"
    block.refresh_from_db()
    assert block.text == COMMA


# --- 忽略 --------------------------------------------------------------------------------------


def _ignore(client, report, item, reason="引用原文", back="block"):
    data = {"where": item.where, "rule": item.rule, "start": item.start, "end": item.end, "reason": reason}
    return client.post(reverse("finding_ignore", args=[report.pk]), data | {"back": back}, **HX)


def test_an_ignored_finding_stays_ignored_while_its_sentence_is_unchanged(client, report, drafter, leader):
    text = "收入稳步增长，，支出结构优化。"  # P09: a warning
    block = _point(report, drafter, text)
    client.force_login(drafter)
    [item] = [i for i in proofread_selectors.report_proofread(report).items if i.block_id == block.pk]
    response = _ignore(client, report, item)
    assert response.status_code == 200 and "标点重复" not in response.content.decode()
    row = IgnoredFinding.objects.get()
    assert (row.rule, row.sentence, row.reason, row.created_by) == ("P09", text, "引用原文", drafter)
    assert AuditLog.objects.filter(action=AuditLog.Action.PROOFREAD_IGNORE).count() == 1

    # another sentence of the block changes: still ignored
    block.refresh_from_db()
    body = _save(client, block, "全年工作平稳。" + text).content.decode()
    assert "标点重复" not in body
    # the leader sees what was ignored, by whom and why, and the counts on the review page
    client.force_login(leader)
    page = client.get(reverse("report_proofread", args=[report.pk])).content.decode()
    ignored = page.split('id="ignored"', 1)[1]
    assert "标点重复" in ignored and "引用原文" in ignored and "drafter" in ignored
    review = client.get(reverse("report_review", args=[report.pk])).content.decode()
    assert re.search(r"已忽略 <b>1</b> 处", review) and "查看已忽略的提示" in review

    # its own sentence changes: it is back
    client.force_login(drafter)
    block.refresh_from_db()
    body = _save(client, block, "全年工作平稳。收入稳步增长，，支出结构持续优化。").content.decode()
    assert "标点重复" in body


def test_an_error_cannot_be_ignored_and_a_leader_cannot_ignore(client, report, drafter, leader):
    block = _point(report, drafter, "收入{{不存在的指标}}亿元。")
    client.force_login(drafter)
    [error] = [i for i in proofread_selectors.report_proofread(report).errors if i.block_id == block.pk]
    response = _ignore(client, report, error)
    assert response.status_code == 422 and "不能忽略" in response.content.decode()
    warning_block = _point(report, drafter, "收入稳步增长，，支出结构优化。")
    [warning] = [
        i for i in proofread_selectors.report_proofread(report).items if i.block_id == warning_block.pk
    ]
    client.force_login(leader)
    assert _ignore(client, report, warning).status_code in (403, 404)
    client.force_login(drafter)
    assert _ignore(client, report, warning).status_code == 200
    assert _ignore(client, report, warning).status_code == 409  # already ignored: nothing to ignore
    assert IgnoredFinding.objects.count() == 1


def test_a_finding_in_the_reports_own_fields_is_ignored_from_the_panel(client, report, drafter):
    report_services.report_update_fields(report=report, data={"opening": "全年工作:稳中有进。"}, user=drafter)
    client.force_login(drafter)
    [item] = [i for i in proofread_selectors.report_proofread(report).items if i.field == "opening"]
    assert item.where == ":opening" and item.anchor == "#report-fields"
    response = _ignore(client, report, item, reason="", back="panel")
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<section id="proofread-panel"')
    assert "已忽略的提示（1）" in body and "（未填理由）" in body
    assert IgnoredFinding.objects.get().block is None


def test_the_reports_own_fields_show_their_findings_after_an_autosave(client, report, drafter):
    client.force_login(drafter)
    data = {
        "part": "tail",
        "version": str(report.tail_version),
        "closing": COMMA,
        "signature": "",
        "sign_date": "",
    }
    body = client.post(reverse("report_fields_save", args=[report.pk]), data, **HX).content.decode()
    assert 'id="findings-tail" hx-swap-oob="true"' in body and 'id="findings-head"' not in body
    assert "中文文字间应使用全角逗号“，”" in body and "<mark>,</mark>" in body
    button = re.search(r"<button[^>]*data-fix-field[^>]*>修改</button>", body).group()
    attrs = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', button))
    assert attrs["fix-form"] == "report-tail" and attrs["fix-field"] == "closing"
    start, end = int(attrs["start"]), int(attrs["end"])
    assert COMMA[:start] + attrs["fix"] + COMMA[end:] == FIXED
    page = client.get(reverse("report_edit", args=[report.pk])).content.decode()
    assert 'id="findings-tail"' in page and 'data-fix-form="report-tail"' in page

    report.refresh_from_db()
    [item] = [i for i in proofread_selectors.report_proofread(report).items if i.field == "closing"]
    body = _ignore(client, report, item, reason="", back="block").content.decode()
    assert body.lstrip().startswith('<div class="findings" id="findings-tail"') and "<mark>" not in body
    assert IgnoredFinding.objects.get().field == "closing"


def test_an_outsider_gets_404_everywhere(client, report, drafter, outsider):
    block = _point(report, drafter, COMMA)
    client.force_login(outsider)
    for name in ("report_proofread", "report_proofread_fix", "finding_ignore"):
        method = client.get if name == "report_proofread" else client.post
        response = method(reverse(name, args=[report.pk]), {"where": f"{block.pk}:text"}, **HX)
        assert response.status_code == 404 and report.title not in response.content.decode()


# --- the 校对 page ----------------------------------------------------------------------------


def test_the_panel_lists_findings_by_section_with_links(client, report, drafter, kinds):
    block = _point(report, drafter, COMMA, section=1)
    Block.objects.filter(report=report, parent=None, position=0).update(text="")  # a required section, empty
    report_services.report_update_fields(report=report, data={"opening": "全年工作:稳中有进。"}, user=drafter)
    client.force_login(drafter)
    page = client.get(reverse("report_proofread", args=[report.pk])).content.decode()
    assert "<h2>导语</h2>" in page and "<h2>二、提升能力素养" in page
    assert f'href="/reports/{report.pk}/#block-{block.pk}">二、一是</a>' in page
    assert "必填部分“强化政治建设" in page and "尚未填写" in page
    assert "修改全部安全项（2 处）" in page
    fragment = client.get(reverse("report_proofread", args=[report.pk]), **HX).content.decode()
    assert fragment.lstrip().startswith('<section id="proofread-panel"')


def test_the_panel_finds_placeholders_figures_and_point_gaps(client, report, drafter):
    Metric.objects.create(
        bureau=report.bureau, year=2025, name="一般公共预算收入", value=Decimal("186.4"), unit="亿元"
    )
    _point(report, drafter, "收入186.4亿元。一是抓收入，三是抓支出。{{无此指标}}")
    found = proofread_selectors.report_proofread(report)
    rules = {i.rule for i in found.items}
    assert {"D05", "O01", "D01"} <= rules
    assert [i.rule for i in found.errors] == ["D01"]


# --- submission ---------------------------------------------------------------------------------


def test_errors_block_the_submission_with_links_to_each_place(client, report, drafter):
    broken = _point(report, drafter, "收入{{无此指标}}亿元。")
    Block.objects.filter(report=report, parent=None, position=2).update(text="")
    client.force_login(drafter)
    response = client.post(reverse("report_submit", args=[report.pk]), **HX)
    body = response.content.decode()
    assert response.status_code == 422 and response["HX-Retarget"] == "#flash"
    assert "报告中有2处错误，修改后才能提交审核" in body
    assert f'href="/reports/{report.pk}/#block-{broken.pk}"' in body
    third = report.blocks.get(parent=None, position=2)
    assert f'href="/reports/{report.pk}/#block-{third.pk}"' in body and "尚未填写" in body
    assert Report.objects.get(pk=report.pk).status == "draft" and not report.revisions.exists()


def test_warnings_do_not_block_the_submission(client, report, drafter):
    _point(report, drafter, COMMA + "收入增长-3%。")
    client.force_login(drafter)
    page = client.get(reverse("report_edit", args=[report.pk])).content.decode()
    warnings = int(re.search(r"校对还有(\d+)处提示未处理（不影响提交", page).group(1))
    assert warnings >= 3  # the block's two, and sections far under their length (D04)
    response = client.post(reverse("report_submit", args=[report.pk]), **HX)
    assert response.status_code == 200
    assert Report.objects.get(pk=report.pk).status == "submitted"


# --- manage.py proofread ------------------------------------------------------------------------

FILE_TEXT = "关于2024年工作的总结\n\n统一思想,凝心聚力。\n其中:税收收入增长。\n"
SHAPE = {"paragraph", "start", "end", "text", "rule", "severity", "message", "fix"}


def _run(*args) -> str:
    out = io.StringIO()
    call_command("proofread", *args, stdout=out)
    return out.getvalue()


def _check_file_answer(data, paragraphs):
    assert set(data) == {"findings"}
    by_rule = {f["rule"]: f for f in data["findings"]}
    assert {"P01", "P03"} <= set(by_rule)
    for f in data["findings"]:
        assert set(f) == SHAPE and f["severity"] in ("error", "warning")
        assert paragraphs[f["paragraph"]][f["start"] : f["end"]] == f["text"]
    assert by_rule["P01"]["paragraph"] == 1 and by_rule["P01"]["fix"] == "，"
    assert by_rule["P03"]["paragraph"] == 2 and by_rule["P03"]["text"] == ":"


def test_the_command_checks_a_txt_file(tmp_path, db):
    path = tmp_path / "总结.txt"
    path.write_text(FILE_TEXT, encoding="gbk")
    _check_file_answer(json.loads(_run(str(path), "--json")), [p for p in FILE_TEXT.split("\n") if p.strip()])
    listing = _run(str(path))
    assert "发现" in listing and "中文文字间应使用全角逗号" in listing and "第2段" in listing


def test_the_command_checks_a_docx_file(tmp_path, db):
    path = tmp_path / "总结.docx"
    path.write_bytes(docx_literal(FILE_TEXT))
    _check_file_answer(json.loads(_run(str(path), "--json")), [p for p in FILE_TEXT.split("\n") if p.strip()])


def test_the_command_checks_a_report_by_id(report, drafter):
    block = _point(report, drafter, COMMA)
    data = json.loads(_run(str(report.pk), "--json"))
    [f] = [f for f in data["findings"] if f["rule"] == "P01"]
    assert set(f) >= SHAPE and (f["block"], f["field"], f["where"]) == (block.pk, "text", "一、一是")
    assert (f["start"], f["end"], f["text"], f["fix"]) == (4, 5, ",", "，")
    assert "一、一是" in _run(str(report.pk))


def test_the_command_says_what_is_missing(tmp_path, db):
    with pytest.raises(CommandError, match="报告不存在"):
        _run("999999", "--json")
    with pytest.raises(CommandError, match="文件不存在"):
        _run(str(tmp_path / "无.txt"))
    bad = tmp_path / "图.png"
    bad.write_bytes(b"\x89PNG")
    with pytest.raises(CommandError, match="只支持"):
        _run(str(bad))


def test_seed_demo_gives_the_demo_bureau_the_list(db, kinds):
    call_command("seed_demo", stdout=io.StringIO())
    assert Phrase.objects.filter(bureau=Bureau.objects.get(name="示范市财政局")).count() >= 5
