"""Bad input for the importer: each refusal is an ImportRefused with a Chinese message, comes within a
fraction of a second, runs no parser on a hostile package, creates nothing and leaves the server
up. Plus property tests: parse_text never raises and never loses a character."""

from __future__ import annotations

import io
import random
import re
import time
import unicodedata
import zipfile
from collections import Counter

import pytest
from corpus import sample
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from packages import W, document_xml, docx_auto, package, w_paragraph

from reports.core.document import layout_paragraphs
from reports.core.importer import (
    ImportRefused,
    find_figures,
    merge_item,
    parse_docx,
    parse_text,
    parse_upload,
    read_upload,
    retype_item,
    split_item,
)
from reports.core.importer import docx as docx_module
from reports.models import Metric, Report

HAN = re.compile(r"[\u4e00-\u9fff]")
HX = {"HTTP_HX_REQUEST": "true"}


def refused(data: bytes, name: str = "报告.docx") -> str:
    """Parse an upload that must be refused; return the message (Chinese, within a second)."""
    started = time.perf_counter()
    with pytest.raises(ImportRefused) as info:
        parse_upload(data, name)
    assert time.perf_counter() - started < 1
    message = str(info.value)
    assert HAN.search(message), message
    return message


@pytest.fixture
def xml_calls(monkeypatch):
    """Every XML parse of a package part (hostile packages must be refused before any)."""
    calls: list[int] = []
    real = docx_module.etree.fromstring

    def spy(data, parser=None):
        calls.append(len(data))
        return real(data, parser)

    monkeypatch.setattr(docx_module.etree, "fromstring", spy)
    return calls


# --- empty, binary, wrong type -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["报告.docx", "报告.txt"])
def test_an_empty_file(name):
    assert refused(b"", name) == "文件是空的"
    if name.endswith(".txt"):
        assert refused(b" \r\n\t\xef\xbb\xbf", name) == "文件是空的"


def test_a_binary_file_renamed_docx(xml_calls):
    rng = random.Random(9704)
    noise = bytes(rng.randrange(256) for _ in range(4096))
    for data in (noise, b"%PDF-1.4\n" + noise, b"\x89PNG\r\n\x1a\n" + noise):
        assert "不是有效的 Word（.docx）文件" in refused(data)
    assert xml_calls == []


def test_a_legacy_or_encrypted_word_file():
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024)
    assert "旧版 Word（.doc）文件或设置了打开密码" in refused(ole2)
    assert "只支持 .docx 或 .txt" in refused(b"abc", "报告.doc")


def test_a_binary_file_renamed_txt():
    assert "不是文本文件" in refused(bytes(range(256)) * 4, "报告.txt")
    assert "不是文本文件" in refused(b"abc\x01\x02\x03\x04\x05\x06\x07\x08" * 50, "报告.txt")


def test_a_zip_without_a_document():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "缺少正文部分" in refused(out.getvalue())


# --- zip bombs and forged archives ---------------------------------------------------------------


def test_a_docx_declaring_100_mb_of_paragraphs_is_refused_before_any_parser(xml_calls):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as entry:
            entry.write(f'<w:document xmlns:w="{W}"><w:body>'.encode())
            chunk = b"<w:p><w:r><w:t>\xe6\x94\xb6</w:t></w:r></w:p>" * 25_000
            for _ in range(100 * 1024 * 1024 // len(chunk)):
                entry.write(chunk)
            entry.write(b"</w:body></w:document>")
    data = out.getvalue()
    assert len(data) < 1024 * 1024  # 100 MB declared, small on disk
    message = refused(data)
    assert message == "Word 文件解压后过大（超过 40 MB），已拒绝"
    assert xml_calls == []


def test_a_high_compression_ratio_entry_under_the_size_limits(xml_calls):
    data = package(
        document_xml(w_paragraph("一、标题")), extra={"word/media/image1.png": bytes(10 * 1024 * 1024)}
    )
    assert refused(data) == "Word 文件内部结构异常：压缩比异常，疑似压缩炸弹，已拒绝"
    assert xml_calls == []


def test_forged_declared_sizes_and_too_many_entries(xml_calls):
    data = bytearray(package(document_xml(w_paragraph("一、标题")), compression=zipfile.ZIP_STORED))
    record = data.find(b"PK\x01\x02")
    while record != -1:  # central directory: compressed size at +20, uncompressed size at +24
        data[record + 20 : record + 24] = (1024 * 1024).to_bytes(4, "little")
        data[record + 24 : record + 28] = (30 * 1024 * 1024).to_bytes(4, "little")
        record = data.find(b"PK\x01\x02", record + 4)
    assert refused(bytes(data)) == "Word 文件解压后过大（超过 60 MB），已拒绝"
    many = package(document_xml(""), extra={f"word/media/{i}.png": b"" for i in range(1000)})
    assert refused(many) == "Word 文件内部结构异常：内部文件过多（1006 个，上限 1000 个），已拒绝"
    assert xml_calls == []


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize(
    "name",
    [
        "../evil.xml",
        "word/../../evil.xml",
        "/etc/passwd",
        "C:/Windows/evil.xml",
        "..\\evil.xml",
        "word/document.xml",
    ],
)
def test_zip_slip_names_and_duplicates(xml_calls, name):
    data = package(document_xml(w_paragraph("一、标题")), extra={name: b"x"})
    assert refused(data) == "Word 文件内部结构异常：包含不安全的内部路径，已拒绝"
    assert xml_calls == []


def test_an_encrypted_entry(xml_calls):
    data = bytearray(package(document_xml(w_paragraph("一、标题"))))
    record = data.find(b"PK\x01\x02")
    data[record + 8] |= 0x1  # general purpose flag: encrypted
    assert refused(bytes(data)) == "Word 文件已加密，请取消密码后重新上传"
    assert xml_calls == []


def test_a_docx_over_10_mb():
    assert "上限为 10 MB" in refused(b"PK\x03\x04" + bytes(10 * 1024 * 1024 + 10))
    assert "上限为 2 MB" in refused(("一、标题\n" * 400_000).encode(), "报告.txt")


# --- XML attacks ----------------------------------------------------------------------------------

XXE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>一、&xxe;</w:t></w:r></w:p></w:body></w:document>'
)
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + f']>\n<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
)


@pytest.mark.parametrize("document", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_external_entities_and_billion_laughs_in_document_xml(document, xml_calls):
    message = refused(package(document))
    assert message == "Word 文件中含有不允许的文档类型声明（DTD/外部实体），可能是恶意文件，已拒绝"
    assert "root:" not in message
    assert xml_calls == []  # refused by the package check, before any parser


def test_entities_in_the_styles_or_numbering_parts_too(xml_calls):
    for part in ("styles", "numbering"):
        kwargs = {part: XXE.replace("w:document", "w:" + part)}
        assert "文档类型声明" in refused(package(document_xml(w_paragraph("一、标题")), **kwargs))
    assert xml_calls == []


def test_utf16_parts_and_broken_xml():
    assert "编码异常" in refused(package(document_xml(w_paragraph("一、标题")).encode("utf-16")))
    assert "文档类型声明" in refused(package(XXE.encode("utf-16")))
    assert refused(package("<w:document><unclosed>")) == "Word 文件内容已损坏，无法读取"


def test_the_xml_parser_itself_resolves_nothing():
    """Second line of defence: even without the DOCTYPE check, lxml is configured not to resolve."""
    parser = docx_module._parser()
    tree = docx_module.etree.fromstring(XXE.encode(), parser)
    assert "root:" not in "".join(tree.itertext())


def test_too_many_paragraphs():
    data = package(document_xml("<w:p/>" * 20_001))
    assert "段落过多" in refused(data)


# --- no structure ------------------------------------------------------------------------------------


def test_a_text_with_no_structure():
    message = refused("今天天气很好。我们去公园散步。\n晚上回家吃饭。".encode(), "随笔.txt")
    assert message.startswith("未能识别出报告的结构")
    body = w_paragraph("今天天气很好。") + w_paragraph("晚上回家吃饭。")
    assert refused(package(document_xml(body))).startswith("未能识别出报告的结构")


# --- robustness ------------------------------------------------------------------------------------------


def test_mutated_packages_give_a_report_or_a_refusal():
    rng = random.Random(20240)
    original = docx_auto(sample("annual_summary"))
    for _ in range(150):
        data = bytearray(original)
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            parse_docx(bytes(data))
        except ImportRefused as refusal:
            assert HAN.search(str(refusal))


def test_mutated_texts_never_raise():
    rng = random.Random(9704)
    original = sample("party_duty").encode()
    for _ in range(150):
        data = bytearray(original)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            content = read_upload(bytes(data), "a.txt")
        except ImportRefused:
            continue
        parse_text(content)


CLEANED = re.compile(r"[\x00-\x08\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
ALPHABET = st.characters(blacklist_categories=("Cs", "Cc", "Cn"))  # controls are cleaned away by design
TOKENS = st.sampled_from([
    "一、", "二、", "一.", "一，", "（一）", "(二)", "1.", "1、", "２．", "（1）", "2)", "一是", "二是", "三是", "一要",
    "二要", "第一，", "第二，", "首先，", "其次，", "最后，", "。", ".", "，", "；", "：", "\n", "\r\n", "\n\n", "\u3000",
    " ", "——", "（", "）", "2023年", "12.5亿元", "400余亿元", "**.*%", "同比增长7.5%", "占年初预算103.2%",
    "以上报告，请审议。", "某某县财政局", "2023年12月20日", "工作总结", "述职报告", "{{", "}}", "局长 张三",
])  # fmt: skip
REPORTISH = st.lists(st.one_of(TOKENS, st.text(alphabet=ALPHABET, max_size=6)), max_size=80).map("".join)


def kept_characters(parsed) -> Counter:
    pieces = [
        parsed.title,
        parsed.subject,
        parsed.opening,
        parsed.closing,
        parsed.signature,
        parsed.date,
        *parsed.removed,
    ]
    for item in parsed.items:
        pieces.extend((item.title, item.lead, item.text))
    return Counter(ch for ch in "".join(pieces) if not ch.isspace())


@settings(max_examples=400, deadline=None)
@given(st.one_of(REPORTISH, st.text(alphabet=ALPHABET, max_size=300), st.text(max_size=200)))
def test_parse_text_never_raises_and_never_loses_a_character(text):
    parsed = parse_text(text)
    # Only what reports.core.text.clean_text drops on purpose may go (C0 controls, DEL, U+FFFE/FFFF
    # and lone surrogates: none can be stored in a .docx; it does that before NFC), and whitespace.
    cleaned = CLEANED.sub("", _SURROGATE.sub("", text.replace("\x0b", "\n")))
    expected = Counter(ch for ch in unicodedata.normalize("NFC", cleaned) if not ch.isspace())
    assert kept_characters(parsed) == expected
    # Every other shape of the result works too.
    parsed.to_json()
    layout_paragraphs(parsed.to_content())
    find_figures(parsed)


@settings(max_examples=150, deadline=None)
@given(
    REPORTISH,
    st.lists(
        st.tuples(
            st.sampled_from(["h1", "h2", "h3", "point", "paragraph", "split", "merge"]),
            st.integers(0, 30),
            st.text(max_size=3),
        ),
        max_size=6,
    ),
)
def test_preview_fixes_only_refuse_in_chinese(text, ops):
    parsed = parse_text(text)
    for op, index, at in ops:
        try:
            if op == "split":
                parsed = split_item(parsed, index, at)
            elif op == "merge":
                parsed = merge_item(parsed, index)
            else:
                parsed = retype_item(parsed, index, op)
        except ImportRefused as refusal:
            assert HAN.search(str(refusal))
    layout_paragraphs(parsed.to_content())
    parsed.to_json()


# --- through the web view -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_50_mb_upload_through_the_view(client, drafter, kinds):
    client.force_login(drafter)
    big = SimpleUploadedFile(
        "大文件.docx", b"PK\x03\x04" + bytes(50 * 1024 * 1024), content_type="application/octet-stream"
    )
    started = time.perf_counter()
    response = client.post(reverse("report_import_preview"), {"file": big}, **HX)
    assert time.perf_counter() - started < 2  # the test client itself encodes 50 MB in memory
    assert response.status_code == 422
    assert "上传内容过大" in response.content.decode()
    assert Report.objects.count() == 0 and Metric.objects.count() == 0


@pytest.mark.django_db
def test_too_many_files_in_one_request(client, drafter, kinds):
    client.force_login(drafter)
    files = [SimpleUploadedFile(f"{i}.txt", "一、标题\n一是内容。".encode()) for i in range(2)]
    response = client.post(reverse("report_import_preview"), {"file": files}, **HX)
    assert response.status_code == 422 and "一次只能上传一个文件" in response.content.decode()
    response = client.post(
        reverse("report_import_preview"), {"file": files[0], "other": SimpleUploadedFile("b.txt", b"x")}, **HX
    )
    assert "一次只能上传一个文件" in response.content.decode()
    assert "report_import" not in client.session and Report.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("空.docx", b"", "文件是空的"),
        ("改名.docx", b"not a zip at all" * 100, "不是有效的 Word"),
        ("无结构.txt", "今天天气很好。\n我们去散步。".encode(), "未能识别出报告的结构"),
        ("xxe.docx", package(XXE), "文档类型声明"),
    ],
)
def test_refusals_through_the_view_create_nothing(client, drafter, kinds, name, data, message):
    client.force_login(drafter)
    started = time.perf_counter()
    response = client.post(reverse("report_import_preview"), {"file": SimpleUploadedFile(name, data)}, **HX)
    assert time.perf_counter() - started < 1
    assert response.status_code == 422 and message in response.content.decode()
    assert Report.objects.count() == 0 and "report_import" not in client.session
