"""The shared package check (reports/core/safezip.py): a DTD in any XML entry of an uploaded .xlsx or
.docx is refused with a Chinese message before any XML parser runs, in every encoding an XML parser
would read, and nothing else is refused for it."""

from __future__ import annotations

import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from packages import (
    document_xml,
    good_xlsx,
    laughs,
    laughs_docx,
    laughs_xlsx,
    package,
    replace_entry,
    w_paragraph,
)

from reports.core import metric_import
from reports.core.importer import ImportRefused, parse_upload
from reports.core.importer import docx as docx_module
from reports.core.metric_import import SpreadsheetError, parse_metrics_file
from reports.core.safezip import UnsafeZip, ZipLimits, check_zip
from reports.models import Metric, Report

HX = {"HTTP_HX_REQUEST": "true"}
HAN = re.compile(r"[\u4e00-\u9fff]")
LIMITS = ZipLimits(max_entries=100, max_total_bytes=50 * 2**20, max_ratio=100, ratio_min_bytes=2**20)


@pytest.fixture
def parsers(monkeypatch):
    """Every XML parser the two importers could start: openpyxl and the .docx reader's lxml."""
    calls: list[str] = []
    real_workbook, real_fromstring = metric_import.openpyxl.load_workbook, docx_module.etree.fromstring

    def workbook(*args, **kwargs):
        calls.append("openpyxl")
        return real_workbook(*args, **kwargs)

    def fromstring(*args, **kwargs):
        calls.append("lxml")
        return real_fromstring(*args, **kwargs)

    monkeypatch.setattr(metric_import.openpyxl, "load_workbook", workbook)
    monkeypatch.setattr(docx_module.etree, "fromstring", fromstring)
    return calls


def xlsx_refusal(data: bytes) -> str:
    with pytest.raises(SpreadsheetError) as info:
        parse_metrics_file(data, "指标.xlsx")
    assert HAN.search(str(info.value))
    return str(info.value)


def docx_refusal(data: bytes) -> str:
    with pytest.raises(ImportRefused) as info:
        parse_upload(data, "报告.docx")
    return str(info.value)


# --- the billion laughs, refused before any parser --------------------------------------------------


def test_it_refuses_a_billion_laughs_xlsx_before_openpyxl(parsers):
    assert xlsx_refusal(laughs_xlsx()) == metric_import.DTD_MESSAGE
    assert "DTD" in metric_import.DTD_MESSAGE and "已拒绝" in metric_import.DTD_MESSAGE
    assert parsers == []


def test_it_refuses_a_billion_laughs_docx_before_lxml(parsers):
    assert docx_refusal(laughs_docx()) == docx_module.DTD_MESSAGE
    assert parsers == []


@pytest.mark.parametrize(
    "entry",
    ["xl/sharedStrings.xml", "xl/styles.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels"],
)
def test_it_refuses_a_dtd_in_any_entry_of_an_xlsx(parsers, entry):
    assert xlsx_refusal(replace_entry(good_xlsx(), entry, laughs())) == metric_import.DTD_MESSAGE
    assert parsers == []


def test_it_refuses_xml_whatever_the_entry_is_called(parsers):
    """A relationship may point a parser at "image1.png": the entry's content decides, not its name."""
    data = replace_entry(good_xlsx(), "xl/media/image1.png", laughs())
    assert xlsx_refusal(data) == metric_import.DTD_MESSAGE
    data = package(document_xml(w_paragraph("一、标题")), extra={"word/media/image1.png": laughs()})
    assert docx_refusal(data) == docx_module.DTD_MESSAGE
    assert parsers == []


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.replace("UTF-8", "UTF-16").encode("utf-16"),  # with a byte order mark
        lambda text: text.replace("UTF-8", "UTF-16").encode("utf-16-le"),  # without one
        lambda text: text.replace("UTF-8", "UTF-16").encode("utf-16-be"),
        lambda text: text.replace("UTF-8", "UTF-32").encode("utf-32"),
        lambda text: text.replace("UTF-8", "UTF-32").encode("utf-32-be"),
        lambda text: text.encode("utf-8-sig"),
        lambda text: "\n\t " + text.split("\n", 1)[1],  # no declaration, white space first
        lambda text: text.replace("UTF-8", "GB18030").encode("gb18030"),
        lambda text: text.replace("UTF-8", "cp500").encode("cp500", "replace"),  # EBCDIC
    ],
    ids=[
        "utf16-bom",
        "utf16le",
        "utf16be",
        "utf32-bom",
        "utf32be",
        "utf8-bom",
        "no-decl",
        "gb18030",
        "ebcdic",
    ],
)
def test_it_finds_the_dtd_in_every_encoding_a_parser_reads(parsers, encode):
    data = encode(laughs())
    assert (
        xlsx_refusal(replace_entry(good_xlsx(), "xl/worksheets/sheet1.xml", data))
        == metric_import.DTD_MESSAGE
    )
    assert parsers == []


def test_it_refuses_an_encoding_that_could_hide_the_markup(parsers):
    """UTF-7 writes "<" as "+ADw-": the scan cannot see a declaration in it, so the entry is refused."""
    hidden = laughs().replace("UTF-8", "UTF-7").replace("<!DOCTYPE", "+ADw-!DOCTYPE")
    message = xlsx_refusal(replace_entry(good_xlsx(), "xl/worksheets/sheet1.xml", hidden))
    assert "编码异常" in message
    assert parsers == []


def test_it_finds_a_declaration_across_two_chunks():
    for pad in range(64 * 1024 - 12, 64 * 1024 + 2):
        text = "<a>" + " " * (pad - 3) + "<!DOCTYPE a []><b/></a>"
        with pytest.raises(UnsafeZip) as info:
            check_zip(replace_entry(good_xlsx(), "x.xml", text), LIMITS)
        assert info.value.reason == "dtd"


def test_it_refuses_a_declaration_after_megabytes_of_content():
    text = "<?xml version='1.0'?><a>" + os.urandom(1_500_000).hex() + "<!ENTITY a 'b'>"
    with pytest.raises(UnsafeZip) as info:
        check_zip(replace_entry(good_xlsx(), "xl/worksheets/sheet1.xml", text), LIMITS)
    assert info.value.reason == "dtd"


# --- and nothing else ------------------------------------------------------------------------------


def test_it_reads_a_good_xlsx_and_docx_with_pictures():
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 100 + b"<!DOCTYPE"  # binary: not XML, not scanned
    data = replace_entry(good_xlsx(), "xl/media/image1.png", png)
    assert [row.name for row in parse_metrics_file(data, "指标.xlsx").rows] == ["一般公共预算收入"]
    docx = package(
        document_xml(w_paragraph("一、标题") + w_paragraph("一是推进。")), extra={"word/media/a.png": png}
    )
    assert len(parse_upload(docx, "报告.docx").items) == 2


def test_text_that_mentions_a_doctype_is_escaped_and_kept():
    """A report may quote "<!DOCTYPE html>": Word escapes it (&lt;), so it is text, not a declaration."""
    parsed = parse_upload(package(document_xml(w_paragraph("一、<!DOCTYPE html>说明"))), "报告.docx")
    assert parsed.items[0].title == "<!DOCTYPE html>说明"


# --- through the views, logged in ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_metric_import_view_refuses_a_billion_laughs(client, drafter, parsers):
    client.force_login(drafter)
    upload = SimpleUploadedFile("指标.xlsx", laughs_xlsx())
    response = client.post(reverse("metric_import"), {"year": "2025", "file": upload}, **HX)
    assert response.status_code == 422
    assert metric_import.DTD_MESSAGE in response.content.decode()
    assert parsers == [] and Metric.objects.count() == 0 and "metric_import" not in client.session


@pytest.mark.django_db
def test_the_report_import_view_refuses_a_billion_laughs(client, drafter, kinds, parsers):
    client.force_login(drafter)
    upload = SimpleUploadedFile("报告.docx", laughs_docx())
    response = client.post(reverse("report_import_preview"), {"file": upload}, **HX)
    assert response.status_code == 422
    assert docx_module.DTD_MESSAGE in response.content.decode()
    assert parsers == [] and Report.objects.count() == 0
