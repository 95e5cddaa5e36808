"""The import pages: paste / upload -> htmx preview -> fixes -> create, and carry forward. Each view:
full page, htmx fragment, wrong method, anonymous, outsider, wrong state."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from corpus import sample
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from packages import docx_auto

from reports.core.document import layout_paragraphs
from reports.core.metrics import resolve_snapshot
from reports.models import AuditLog, Block, ImportDraft, Metric, Report
from reports.selectors import metrics as metric_selectors
from reports.selectors import reports as report_selectors
from reports.services import reports as report_services

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
FIGURES = "一、收入情况\n全市一般公共预算收入完成700亿元，同比增长8.7%，占年初预算103.2%。\n一是抓征管。税收收入完成500亿元。\n"


def preview(client, text: str, **extra):
    return client.post(reverse("report_import_preview"), {"text": text, **extra}, **HX)


def pending(client) -> dict:
    """The preview being fixed: the session names its ImportDraft row."""
    draft = ImportDraft.objects.get(pk=client.session["report_import"])
    return {"revision": draft.revision, "state": draft.payload}


def test_anonymous_users_are_sent_to_log_in(client, report):
    for name, args, method in [
        ("report_import", [], "get"),
        ("report_import_preview", [], "post"),
        ("report_import_create", [], "post"),
        ("report_carry_forward", [report.pk], "post"),
    ]:
        response = getattr(client, method)(reverse(name, args=args))
        assert response.status_code == 302 and "/login/" in response["Location"], name


def test_wrong_methods(client, drafter, report):
    client.force_login(drafter)
    assert client.post(reverse("report_import")).status_code == 405
    assert client.get(reverse("report_import_preview")).status_code == 405
    assert client.get(reverse("report_import_create")).status_code == 405
    assert client.get(reverse("report_carry_forward", args=[report.pk])).status_code == 405


def test_the_page(client, drafter, report):
    client.force_login(drafter)
    page = client.get(reverse("report_import")).content.decode()
    assert "<h1>导入报告</h1>" in page and 'name="text"' in page and 'accept=".docx,.txt"' in page
    assert "以上年报告为基础新建" in page and report.title in page and "新建2026年报告" in page


def test_the_htmx_preview_of_a_paste(client, drafter, kinds):
    client.force_login(drafter)
    response = preview(client, sample("annual_summary"))
    html = response.content.decode()
    assert (
        response.status_code == 200
        and "<html" not in html
        and html.strip().startswith('<div id="import-preview">')
    )
    assert "抓党建，强化政治引领" in html and "（一）" in html and "一是" in html
    assert 'value="annual_summary" selected' in html and 'value="2022"' in html
    assert pending(client)["revision"] == 1 and len(pending(client)["state"]["items"]) > 30


def test_the_preview_without_htmx_is_the_full_page(client, drafter, kinds):
    client.force_login(drafter)
    response = client.post(
        reverse("report_import_preview"), {"text": sample("duty"), "kind": "duty", "year": "2023"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html and "坚持政治引领" in html
    assert pending(client)["state"]["year"] == 2023 and pending(client)["state"]["kind"] == "duty"


def test_the_preview_of_an_upload(client, drafter, kinds):
    client.force_login(drafter)
    upload = SimpleUploadedFile("总结.docx", docx_auto(sample("annual_summary")))
    response = client.post(reverse("report_import_preview"), {"file": upload}, **HX)
    assert response.status_code == 200 and "抓收支，夯实财力基础" in response.content.decode()
    gbk = SimpleUploadedFile("述职.txt", sample("duty").encode("gbk"))
    response = client.post(reverse("report_import_preview"), {"file": gbk}, **HX)
    assert "坚持理论武装不放松" in response.content.decode() and pending(client)["revision"] == 2


def test_paste_and_file_together_are_refused(client, drafter, kinds):
    client.force_login(drafter)
    upload = SimpleUploadedFile("a.txt", "一、标题\n一是内容。".encode())
    response = client.post(reverse("report_import_preview"), {"file": upload, "text": "一、标题"}, **HX)
    assert response.status_code == 422 and "二者选一" in response.content.decode()
    response = preview(client, "   ")
    assert response.status_code == 422 and "请粘贴报告全文" in response.content.decode()


def fix(client, op: str, index: int, **extra):
    data = {"index": str(index), "revision": str(pending(client)["revision"]), **extra}
    return client.post(reverse(f"report_import_{op}"), data, **HX)


def test_fixes_in_the_preview(client, drafter, kinds):
    client.force_login(drafter)
    preview(client, sample("annual_summary"))
    items = pending(client)["state"]["items"]
    party = next(i for i, item in enumerate(items) if item["title"] == "抓党建，强化政治引领")
    response = fix(client, "retype", party, **{f"kind-{party}": "h1", "title": "县财政局2022年工作总结"})
    assert response.status_code == 200
    state = pending(client)["state"]
    assert state["items"][party]["level"] == 1 and pending(client)["revision"] == 2
    assert state["title"] == "县财政局2022年工作总结"  # typed fields survive a fix

    point = next(i for i, item in enumerate(state["items"]) if item["lead"] == "加大乡村振兴投入")
    fix(client, "merge", point)
    assert "二是加大乡村振兴投入" in pending(client)["state"]["items"][point - 1]["text"]
    fix(client, "split", point - 1, **{f"at-{point - 1}": "二是加大乡村"})
    assert pending(client)["state"]["items"][point]["lead"] == "加大乡村振兴投入"

    html = fix(client, "fields", -1, kind="work_plan", year="2024").content.decode()
    assert pending(client)["state"]["kind"] == "work_plan" and pending(client)["state"]["year"] == 2024
    assert '<span class="number">一要</span>' in html and '<span class="number">一是</span>' not in html
    resumed = client.get(reverse("report_import") + "?resume=1").content.decode()
    assert "<html" in resumed and "识别结果预览" in resumed and 'value="2024"' in resumed

    stale = client.post(reverse("report_import_merge"), {"index": "3", "revision": "1"}, **HX)
    assert stale.status_code == 422 and "其他窗口中更新" in stale.content.decode()
    bad = fix(client, "split", point, **{f"at-{point}": "没有这几个字"})
    assert bad.status_code == 422 and "没有找到" in bad.content.decode()


def test_a_fix_without_a_preview(client, drafter, kinds):
    client.force_login(drafter)
    response = client.post(reverse("report_import_merge"), {"index": "1", "revision": "1"}, **HX)
    assert response.status_code == 422 and "没有正在预览的内容" in response.content.decode()


def test_create_turns_chosen_figures_into_metrics_and_placeholders(client, drafter, kinds):
    client.force_login(drafter)
    Metric.objects.create(
        bureau=drafter.membership.bureau,
        year=2023,
        name="税收收入",
        value=Decimal("499"),
        unit="亿元",
        decimals=0,
    )
    html = preview(client, FIGURES, kind="annual_summary", year="2023").content.decode()
    ids = re.findall(r'name="metric" value="([^"]+)"', html)
    assert len(ids) == 2 and "指标库中已有，保留原值" in html
    response = client.post(
        reverse("report_import_create"),
        {
            "revision": pending(client)["revision"],
            "kind": "annual_summary",
            "year": "2023",
            "title": "",
            "subject": "",
            "metric": ids,
            f"name-{ids[0]}": "一般公共预算收入",
            f"name-{ids[1]}": "税收收入",
        },
        **HX,
    )
    report = Report.objects.get()
    assert response.status_code == 200 and response["HX-Redirect"] == reverse("report_edit", args=[report.pk])
    assert report.title == "2023年度工作总结" and report.department == drafter.membership.department
    income = Metric.objects.get(name="一般公共预算收入")
    assert (income.year, income.value, income.decimals, income.status) == (
        2023,
        Decimal("700"),
        0,
        "provisional",
    )
    assert Metric.objects.get(name="税收收入").value == Decimal("499")  # existing: not overwritten
    body = report.blocks.get(type="paragraph").text
    assert (
        body
        == "全市一般公共预算收入完成{{一般公共预算收入}}亿元，同比{{一般公共预算收入.增减}}，占年初预算{{一般公共预算收入.完成预算}}%。"
    )
    assert report.blocks.get(type="point").text == "税收收入完成{{税收收入}}亿元。"
    resolved, check = resolve_snapshot(
        report_selectors.report_snapshot(report), metric_selectors.metric_values_for_report(report)
    )
    assert (
        check.ok
        and resolved["blocks"][0]["children"][0]["text"]
        == "全市一般公共预算收入完成700亿元，同比增长8.7%，占年初预算103.2%。"
    )
    assert "report_import" not in client.session
    assert AuditLog.objects.filter(action="report_import", report=report).exists()


def test_create_keeps_the_structure_and_figures_as_text_when_none_is_chosen(client, drafter, kinds):
    client.force_login(drafter)
    preview(client, sample("party_duty"))
    response = client.post(
        reverse("report_import_create"),
        {
            "revision": pending(client)["revision"],
            "kind": "party_duty",
            "year": "2023",
            "title": "2023年度抓基层党建工作述职报告",
            "subject": "张三",
        },
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("report_edit", args=[report.pk])
    assert report.subject == "张三" and Metric.objects.count() == 0
    assert report.blocks.filter(parent=None, type="heading").count() == 4
    assert (
        report.blocks.filter(type="point").count() == 14
        and report.blocks.filter(type="point", inline=True).count() == 11
    )
    sections = report.blocks.filter(parent=None).order_by("position")
    assert sections[0].guidance  # a level-1 heading matching the kind's section keeps its guidance
    paragraphs = [p.text for p in layout_paragraphs(report_selectors.report_snapshot(report)) if p.text]
    assert any(
        p.startswith("一是扎实开展集中学习。制定局党组年度学习计划") and "二是抓好青年理论学习。" in p
        for p in paragraphs
    )


def test_create_refusals(client, drafter, leader, kinds):
    client.force_login(drafter)
    response = client.post(
        reverse("report_import_create"), {"revision": "1", "kind": "duty", "year": "2023"}, **HX
    )
    assert response.status_code == 422 and "没有正在预览的内容" in response.content.decode()
    preview(client, FIGURES)
    response = client.post(
        reverse("report_import_create"), {"revision": "1", "kind": "duty", "year": "1990"}, **HX
    )
    assert response.status_code == 422 and "年度不能早于2000年" in response.content.decode()
    response = client.post(
        reverse("report_import_create"), {"revision": "9", "kind": "duty", "year": "2023"}, **HX
    )
    assert response.status_code == 422 and "其他窗口中更新" in response.content.decode()
    html = preview(client, FIGURES).content.decode()
    ids = re.findall(r'name="metric" value="([^"]+)"', html)
    response = client.post(
        reverse("report_import_create"),
        {
            "revision": pending(client)["revision"],
            "kind": "duty",
            "year": "2023",
            "metric": ids[0],
            f"name-{ids[0]}": "1收入",
        },
        **HX,
    )
    assert response.status_code == 422 and "指标名称“1收入”无效" in response.content.decode()
    assert Report.objects.count() == 0

    client.force_login(leader)
    preview(client, FIGURES)
    response = client.post(
        reverse("report_import_create"),
        {"revision": pending(client)["revision"], "kind": "duty", "year": "2023"},
        **HX,
    )
    assert response.status_code == 403 and "只有各科室的起草人" in response.content.decode()
    assert Report.objects.count() == 0


def test_carry_forward(client, drafter, kinds):
    client.force_login(drafter)
    preview(
        client,
        sample("annual_summary").replace(
            "一是根据《某某县", "一是全县民生支出完成12.5亿元，同比增长8.7%。根据《某某县", 1
        ),
    )
    client.post(
        reverse("report_import_create"),
        {"revision": pending(client)["revision"], "kind": "annual_summary", "year": "2022"},
    )
    last = Report.objects.get()
    Metric.objects.create(
        bureau=last.bureau, year=2022, name="民生支出", value=Decimal("12.5"), unit="亿元", decimals=1
    )
    response = client.post(reverse("report_carry_forward", args=[last.pk]))
    new = Report.objects.exclude(pk=last.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("report_edit", args=[new.pk])
    assert (new.year, new.kind, new.title) == (
        2023,
        last.kind,
        "某某县财政局2023年财政工作总结和2024年工作打算",
    )
    top = list(new.blocks.filter(parent=None).order_by("position"))
    assert [b.title for b in top] == ["2023年工作成效", "存在问题", "2024年工作计划"]
    assert new.blocks.count() == last.blocks.count()
    assert (
        "去年计划：狠抓收入征管，确保应收尽收" in top[0].guidance and top[0].guidance.count("去年计划：") == 6
    )
    point = new.blocks.filter(type="point", text__contains="{{民生支出}}").get()
    assert point.text.startswith("全县民生支出完成{{民生支出}}亿元，同比{{民生支出.增减}}。根据《某某县")
    carried = Metric.objects.get(year=2023, name="民生支出")
    assert carried.value is None and carried.prior_value == Decimal("12.5")
    assert AuditLog.objects.filter(action="report_carry_forward", report=new).exists()


def test_carry_forward_of_a_report_the_user_cannot_see_is_404(client, outsider, report):
    client.force_login(outsider)
    assert client.post(reverse("report_carry_forward", args=[report.pk])).status_code == 404
    assert Report.objects.count() == 1


def test_carry_forward_by_a_leader_is_forbidden(client, leader, drafter, report):
    leader.membership.supervises.add(drafter.membership.department)
    client.force_login(leader)
    response = client.post(reverse("report_carry_forward", args=[report.pk]))
    assert response.status_code == 403 and "只有各科室的起草人" in response.content.decode()


def test_carry_forward_keeps_guidance_and_assignments(client, drafter, report):
    section = report.blocks.get(parent=None, position=1)
    section.assigned_department = drafter.membership.bureau.departments.get(name="预算科")
    section.save()
    report_services.report_update_fields(
        report=report, data={"opening": "2025年，收入完成186.4亿元。"}, user=drafter
    )
    client.force_login(drafter)
    client.post(reverse("report_carry_forward", args=[report.pk]))
    new = Report.objects.exclude(pk=report.pk).get()
    old_blocks = list(report.blocks.filter(parent=None).order_by("position"))
    new_blocks = list(new.blocks.filter(parent=None).order_by("position"))
    assert [(b.guidance, b.target_chars, b.required) for b in new_blocks] == [
        (b.guidance, b.target_chars, b.required) for b in old_blocks
    ]
    assert new_blocks[1].assigned_department.name == "预算科"
    assert new.opening == "2026年，收入完成***.*亿元。"  # the period's year moves on, the figure is cleared
    assert (
        new.year == 2026
        and Block.objects.filter(report=new).count() == Block.objects.filter(report=report).count()
    )


def test_the_import_report_command(drafter, kinds, tmp_path, capsys):
    path_ = tmp_path / "述职.txt"
    path_.write_text(sample("duty"), encoding="gbk")
    call_command("import_report", str(path_), "--dry-run", "--json")
    out = capsys.readouterr().out
    import json

    data = json.loads(out)
    assert data["kind"] == "duty" and len(data["blocks"]) == 5 and out.count("\n") == 1
    call_command("import_report", str(path_))  # no --user: parse and print only, create nothing
    assert "只解析不新建报告" in capsys.readouterr().err and not Report.objects.exists()
    call_command("import_report", str(path_), "--user", "drafter", "--json")
    captured = capsys.readouterr()
    assert json.loads(captured.out)["kind"] == "duty" and "已新建报告" in captured.err
    report = Report.objects.get()
    assert report.year == 2022 and "*亿元" in report.blocks.get(type="point", title="组织收入稳中有进").text
    bad = tmp_path / "坏.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="不是有效的 Word"):
        call_command("import_report", str(bad), "--dry-run")


def test_the_preview_still_checks_csrf(drafter, kinds):
    """The preview view is CSRF-exempt only to refuse oversized bodies unread; it checks CSRF itself."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(drafter)
    page = client.get(reverse("report_import")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(reverse("report_import_preview"), {"text": sample("duty")}, **HX).status_code == 403
    response = client.post(
        reverse("report_import_preview"), {"text": sample("duty")}, HTTP_X_CSRFTOKEN=token, **HX
    )
    assert response.status_code == 200 and "坚持理论武装不放松" in response.content.decode()


def test_a_second_carry_forward_names_the_existing_report_and_asks(client, drafter, report):
    client.force_login(drafter)
    url = reverse("report_carry_forward", args=[report.pk])
    first = client.post(url)
    existing = Report.objects.exclude(pk=report.pk).get()
    assert first.status_code == 302 and existing.year == 2026

    again = client.post(url)
    html = again.content.decode()
    assert again.status_code == 409 and Report.objects.count() == 2  # nothing made silently
    assert existing.title in html and reverse("report_edit", args=[existing.pk]) in html
    assert "打开已有报告" in html and "仍然新建" in html and 'name="confirm" value="1"' in html

    confirmed = client.post(url, {"confirm": "1"})
    assert confirmed.status_code == 302 and Report.objects.filter(year=2026).count() == 2


def test_a_next_years_report_of_another_subject_or_kind_is_no_duplicate(client, drafter, report, kinds):
    report_services.report_create(user=drafter, kind=report.kind, year=2026, subject="副局长 李四")
    report_services.report_create(user=drafter, kind=kinds["work_plan"], year=2026, subject=report.subject)
    client.force_login(drafter)
    response = client.post(reverse("report_carry_forward", args=[report.pk]))
    assert response.status_code == 302 and Report.objects.count() == 4
