"""Leak scan of masked .docx packages (reports/core/leakscan.py). Pure, no database."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest

from reports.core.docx_render import render_docx
from reports.core.leakscan import FILE_NAME_PART, scan_docx
from reports.core.metrics import MetricValue, resolve_snapshot

METRICS = {
    "一般公共预算收入": MetricValue("一般公共预算收入", Decimal("700.5"), "亿元", 1, prior=Decimal("644.4")),
    "税收收入": MetricValue("税收收入", Decimal("523.8"), "亿元", 1),
}

SNAPSHOT = {
    "title": "2023年度工作总结",
    "subtitle": "",
    "kind": "annual_summary",
    "numbering": {},
    "opening": "全年完成一般公共预算收入{{一般公共预算收入}}亿元，同比{{一般公共预算收入.增减}}。",
    "blocks": [
        {
            "type": "heading",
            "title": "工作成效",
            "text": "",
            "run_in": False,
            "inline": False,
            "children": [
                {
                    "type": "point",
                    "lead": "抓收入",
                    "text": "税收收入{{税收收入}}亿元，占{{税收收入|占比(一般公共预算收入)}}%。",
                    "inline": False,
                }
            ],
        }
    ],
    "closing": "",
    "signature": "某某县财政局",
    "date": "2023年12月20日",
}


@pytest.fixture(scope="module")
def masked():
    """(docx bytes, secrets) of the masked render."""
    resolved, report = resolve_snapshot(SNAPSHOT, METRICS, masked=True, mask_years=True)
    assert report.ok
    return render_docx(resolved), report.secrets


def replace_part(package: bytes, name: str, edit) -> bytes:
    """The package with part `name` replaced by edit(old_text) (added when missing: old_text "")."""
    src = zipfile.ZipFile(io.BytesIO(package))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        for item in names:
            data = src.read(item)
            dst.writestr(item, edit(data.decode("utf-8")).encode("utf-8") if item == name else data)
        if name not in names:
            dst.writestr(name, edit("").encode("utf-8"))
    return buf.getvalue()


def test_the_secrets_are_the_masked_figures(masked):
    _, secrets = masked
    # Every number of a masked copy by default: the figures, the year (mask_years) and the date.
    assert secrets == {"700.5", "8.7", "523.8", "74.8", "2023", "12", "20"}


def test_a_masked_render_has_no_leak(masked):
    package, secrets = masked
    assert scan_docx(package, secrets, "****年度工作总结.docx") == []


def test_the_exact_render_leaks_every_figure(masked):
    _, secrets = masked
    resolved, _ = resolve_snapshot(SNAPSHOT, METRICS)
    leaks = scan_docx(render_docx(resolved), secrets)
    assert {leak.secret for leak in leaks} == secrets
    assert {leak.part for leak in leaks} == {"word/document.xml"}
    assert any("700.5亿元" in leak.context for leak in leaks)


def test_it_finds_a_secret_in_the_core_properties(masked):
    package, secrets = masked
    leaking = replace_part(
        package,
        "docProps/core.xml",
        lambda xml: xml.replace("<dc:title/>", "<dc:title>收入700.5亿元</dc:title>"),
    )
    leaks = scan_docx(leaking, secrets)
    assert [(leak.part, leak.secret) for leak in leaks] == [("docProps/core.xml", "700.5")]
    assert "收入700.5亿元" in leaks[0].context


def test_it_finds_a_secret_in_app_and_custom_properties(masked):
    package, secrets = masked
    leaking = replace_part(
        package, "docProps/app.xml", lambda xml: xml.replace("<Company/>", "<Company>8.7</Company>")
    )
    custom = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="收入523.8">'
        "<vt:lpwstr>x</vt:lpwstr></property></Properties>"
    )
    leaking = replace_part(leaking, "docProps/custom.xml", lambda _: custom)
    found = {(leak.part, leak.secret) for leak in scan_docx(leaking, secrets)}
    assert found == {("docProps/app.xml", "8.7"), ("docProps/custom.xml", "523.8")}


def test_it_finds_a_secret_in_a_footer(masked):
    package, secrets = masked
    leaking = replace_part(
        package,
        "word/footer1.xml",
        lambda xml: xml.replace("</w:p>", "<w:r><w:t>收入700.5亿元</w:t></w:r></w:p>"),
    )
    assert [(leak.part, leak.secret) for leak in scan_docx(leaking, secrets)] == [
        ("word/footer1.xml", "700.5")
    ]


def test_it_finds_a_secret_in_a_comment(masked):
    package, secrets = masked
    comments = (
        '<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:comment w:id="0" w:author="审核" w:date="2023-12-20T00:00:00Z"><w:p><w:r>'
        "<w:t>核对：同比增长</w:t></w:r><w:r><w:t>8</w:t></w:r><w:r><w:t>.7%</w:t></w:r></w:p></w:comment>"
        "</w:comments>"
    )
    leaking = replace_part(package, "word/comments.xml", lambda _: comments)
    leaks = scan_docx(leaking, secrets)
    # Found although split over three runs; the comment's date attribute does not count.
    assert [(leak.part, leak.secret) for leak in leaks] == [("word/comments.xml", "8.7")]


def test_it_finds_a_secret_in_tracked_deletions(masked):
    package, secrets = masked
    leaking = replace_part(
        package,
        "word/document.xml",
        lambda xml: xml.replace(
            "</w:body>", "<w:p><w:del><w:r><w:delText>523.8</w:delText></w:r></w:del></w:p></w:body>"
        ),
    )
    assert [leak.secret for leak in scan_docx(leaking, secrets)] == ["523.8"]


def test_it_finds_a_secret_in_the_file_name_and_text_parts(masked):
    package, secrets = masked
    leaks = scan_docx(package, secrets, "2023年度工作总结（收入700.5亿元）.docx")
    assert {(leak.part, leak.secret) for leak in leaks} == {
        (FILE_NAME_PART, "2023"),
        (FILE_NAME_PART, "700.5"),
    }
    added = replace_part(package, "word/media/note1.txt", lambda _: "收入700.5亿元")
    assert [(leak.part, leak.secret) for leak in scan_docx(added, secrets)] == [
        ("word/media/note1.txt", "700.5")
    ]


def test_it_matches_whole_numbers_only(masked):
    package, _ = masked
    text = "18.75 8.71 28.7 8.7.1 ８．７"

    def with_text(body: str) -> bytes:
        return replace_part(
            package,
            "word/footer2.xml",
            lambda xml: xml.replace("</w:p>", f"<w:r><w:t>{body}</w:t></w:r></w:p>"),
        )

    assert scan_docx(with_text("18.75 8.71 28.7 87 0.87"), {"8.7"}) == []
    assert scan_docx(with_text("8.7"), {"7"}) == []  # "7" is not a number of its own inside 8.7
    assert [leak.secret for leak in scan_docx(with_text(text), {"8.7"})] == ["8.7"]  # full-width counts
    assert [leak.secret for leak in scan_docx(with_text("（8.7%）"), {"8.7"})] == ["8.7"]


def test_page_numbers_and_layout_numbers_are_not_leaks(masked):
    package, _ = masked
    # Footers carry PAGE fields whose cached results are "1" and "2"; page size, margins and the
    # line grid (11906, 16838, 2098, 1587, 579 …) are attributes; app.xml counts pages and words.
    layout = {"1", "2", "579", "2098", "1984", "1587", "1474", "11906", "16838", "320", "14.0000", "0"}
    assert scan_docx(package, layout) == []


def test_simple_page_fields_are_not_leaks(masked):
    package, _ = masked
    leaking = replace_part(
        package,
        "word/footer1.xml",
        lambda xml: xml.replace(
            "</w:p>", '<w:fldSimple w:instr=" PAGE "><w:r><w:t>3</w:t></w:r></w:fldSimple></w:p>'
        ),
    )
    assert scan_docx(leaking, {"3"}) == []


def test_other_fields_are_scanned(masked):
    package, _ = masked
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> = 523.8 </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    leaking = replace_part(package, "word/footer2.xml", lambda xml: xml.replace("</w:p>", field + "</w:p>"))
    assert [leak.secret for leak in scan_docx(leaking, {"523.8"})] == ["523.8"]


def test_terms_match_as_substrings(masked):
    package, _ = masked  # masked without sensitive terms: the signature still names the county
    leaks = scan_docx(package, {"某某县"})
    assert [(leak.part, leak.secret) for leak in leaks] == [("word/document.xml", "某某县")]
    resolved, report = resolve_snapshot(SNAPSHOT, METRICS, masked=True, sensitive_terms=["某某县"])
    assert "某某县" in report.secrets
    assert scan_docx(render_docx(resolved), report.secrets) == []


def test_an_unreadable_package_fails_closed():
    leaks = scan_docx(b"not a zip", {"8.7"})
    assert len(leaks) == 1 and leaks[0].secret == "" and "无法读取" in leaks[0].context
    assert scan_docx(b"not a zip", set()) == []


def test_the_outline_label_of_a_paragraph_is_layout_not_a_leak():
    """Level-3/4 headings are numbered "2." and "（2）" by the renderer; a masked copy keeps them."""
    snapshot = dict(SNAPSHOT, numbering={"3": "{n}.", "4": "（{n}）"})
    heading = snapshot["blocks"][0]
    level3 = [
        {"type": "heading", "title": f"第{n}项", "text": "", "run_in": True, "children": []} for n in "一二"
    ]
    level4 = {"type": "heading", "title": "细项", "text": "", "children": []}
    snapshot["blocks"] = [
        dict(heading, children=[{"type": "heading", "title": "二级", "children": [*level3, level4]}])
    ]
    package = render_docx(resolve_snapshot(snapshot, METRICS, masked=True)[0])
    assert scan_docx(package, {"1", "2"}) == []
    leaking = replace_part(package, "word/document.xml", lambda xml: xml.replace("细项", "细项共2项", 1))
    assert [leak.secret for leak in scan_docx(leaking, {"1", "2"})] == ["2"]
