"""seed_demo is idempotent and writes full reports; render_report writes valid .docx files."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from reports.core.document import layout_paragraphs
from reports.core.text import count_han
from reports.models import Block, Bureau, Metric, Report
from reports.selectors import metrics as metric_selectors
from reports.selectors import reports as report_selectors


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_passwords():
    first = seed()
    counts = (Report.objects.count(), Block.objects.count(), Bureau.objects.count())
    second = seed()
    assert (Report.objects.count(), Block.objects.count(), Bureau.objects.count()) == counts
    assert "新建报告 6 份" in first and "新建报告 0 份" in second
    assert Metric.objects.filter(bureau__name="示范市财政局").count() >= 15
    for username, password in [
        ("drafter", "drafter-demo-2025"),
        ("leader", "leader-demo-2025"),
        ("admin", "admin-demo-2025"),
    ]:
        assert f"{username} / {password}" in second
        assert authenticate(RequestFactory().post("/login/"), username=username, password=password)


@pytest.mark.django_db
def test_each_demo_report_is_a_full_report_of_its_kind():
    seed()
    reports = Report.objects.filter(bureau__name="示范市财政局").select_related("kind")
    assert sorted(r.kind.code for r in reports) == [
        "annual_summary",
        "annual_summary",  # 2025 and the approved 2024 one (去年同节)
        "duty",
        "duty",
        "party_duty",
        "work_plan",
    ]
    for report in reports:
        paragraphs = layout_paragraphs(report_selectors.report_snapshot(report))
        # the 2024 工作总结 is last year's, for 去年同节: an abridged report (still every part)
        minimum = 800 if report.year == 2024 else 2500
        assert count_han("".join(p.text for p in paragraphs)) > minimum, report.title
        assert any(p.role == "h1" for p in paragraphs)
    plan = reports.get(kind__code="work_plan")
    assert any(p.text.startswith("一要") for p in layout_paragraphs(report_selectors.report_snapshot(plan)))


@pytest.mark.django_db
def test_render_report_writes_each_demo_report(tmp_path):
    seed()
    ids = list(Report.objects.values_list("pk", flat=True))
    out = io.StringIO()
    call_command("render_report", *map(str, ids), "--out", str(tmp_path), stdout=out)
    files = sorted(tmp_path.glob("*.docx"))
    assert len(files) == len(ids) == 6
    assert any(f.name == "2025年度述职报告（示范市财政局党组书记、局长 王建国）.docx" for f in files)
    for path in files:
        with zipfile.ZipFile(path) as package:
            assert "word/document.xml" in package.namelist()


@pytest.mark.django_db
def test_render_report_names_missing_ids():
    with pytest.raises(CommandError, match="报告不存在：999"):
        call_command("render_report", "999", "--out", "/tmp/unused")


@pytest.mark.django_db
def test_every_demo_report_masks_without_leaking_and_exact_shows_every_value():
    from reports.core.leakscan import scan_docx
    from reports.core.metrics import resolve_snapshot
    from reports.services import exports as export_services

    seed()
    for report in Report.objects.filter(bureau__name="示范市财政局"):
        metrics = metric_selectors.metric_values_for_report(report)
        _resolved, check = resolve_snapshot(report_selectors.report_snapshot(report), metrics)
        assert not check.errors, (report.title, check.errors)
        name, exact = export_services.report_render(report=report)
        exact_text = document_text(exact)
        assert all(secret in exact_text for secret in check.secrets), report.title
        name, masked = export_services.report_render(
            report=report, masked=True, mask_years=True
        )  # raises on a leak
        assert scan_docx(masked, check.secrets, name) == []
        assert not re.search(r"[0-9０-９]", "".join(package_texts(masked, name))), report.title
        if check.secrets:
            assert "*" in document_text(masked)


def document_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return package.read("word/document.xml").decode()


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The level-3/4 outline label the renderer writes ("2." / "（2）") is layout, like the page number.
OUTLINE_LABEL = re.compile(r"^(?:[0-9]{1,2}\.(?![0-9])|（[0-9]{1,2}）)")
CORE_PROPERTIES = ("title", "subject", "creator", "keywords", "description", "lastModifiedBy", "category")


def paragraph_text(paragraph: ElementTree.Element) -> str:
    """The w:t text of a paragraph without the results of its fields (between "separate" and "end")."""
    out: list[str] = []
    in_result = False
    for el in paragraph.iter():
        if el.tag == f"{W}fldChar":
            kind = el.get(f"{W}fldCharType")
            in_result = kind == "separate" or (in_result and kind != "end")
        elif el.tag == f"{W}t" and not in_result:
            out.append(el.text or "")
    return "".join(out)


def package_texts(content: bytes, file_name: str) -> list[str]:
    """What a reader of the file sees: the file name, the paragraphs of the body, headers and footers
    (page-number field results left out, outline labels cut off) and the document's core properties."""
    texts = [file_name]
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for part in package.namelist():
            if part == "word/document.xml" or re.fullmatch(r"word/(header|footer)\d*\.xml", part):
                for paragraph in ElementTree.fromstring(package.read(part)).iter(f"{W}p"):
                    texts.append(OUTLINE_LABEL.sub("", paragraph_text(paragraph)))
            elif part == "docProps/core.xml":
                root = ElementTree.fromstring(package.read(part))
                texts += [el.text or "" for el in root if el.tag.rsplit("}", 1)[-1] in CORE_PROPERTIES]
    return texts


@pytest.mark.django_db
def test_every_demo_reports_masked_copy_shows_no_digit_but_its_own_years():
    """A 脱敏稿 with the default options masks every figure, count, month and date; only the report's
    own year and the next one stay (as in the masked reports the product replaces)."""
    from reports.services import exports as export_services

    seed()
    reports = list(Report.objects.filter(bureau__name="示范市财政局"))
    assert len(reports) == 6  # the four kinds, the submitted 副局长 述职报告, the 2024 工作总结
    for report in reports:
        name, masked = export_services.report_render(report=report, masked=True)
        texts = package_texts(masked, name)
        body = "".join(texts)
        assert "*" in body, report.title
        digits = set(re.findall(r"[0-9０-９]+", body))
        assert digits <= {str(report.year), str(report.year + 1)}, (report.title, digits)
        assert str(report.year) in texts[0], "the file name keeps the report's year"
