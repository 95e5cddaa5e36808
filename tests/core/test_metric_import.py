"""Parsing a bureau's 指标库 upload (.xlsx / .csv) and planning the import. Pure, no database.

Every file is built in the test: openpyxl writes the workbooks, zipfile the hostile archives.
"""

from __future__ import annotations

import csv
import io
import random
import re
import subprocess
import sys
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from reports.core import metric_import
from reports.core.importer import upload as text_importer
from reports.core.metric_import import (
    MAX_COLUMNS,
    MAX_DATA_ROWS,
    UNITS,
    ImportPlan,
    ParsedRow,
    ParseResult,
    RejectedRow,
    SpreadsheetError,
    parse_metrics_file,
    plan_import,
)
from reports.core.text import decode_text

HEADER = ["指标名称", "数值", "单位", "小数位", "上年同期", "年初预算", "来源", "状态"]
GOOD = [
    ["一般公共预算收入", 1234.5, "亿元", 1, 1100, 1200, "国库科", "确认"],
    ["民生支出占比", "80.2%", "%", 1, "79.5", "", "预算科", "预计"],
    ["新增就业", "１２３", "万人", 0, "", "", "", ""],
]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
HAN = re.compile(r"[\u4e00-\u9fff]")


def xlsx(*rows, sheets: int = 1, formats: dict[str, str] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    for ref, number_format in (formats or {}).items():
        sheet[ref].number_format = number_format
    for n in range(1, sheets):
        workbook.create_sheet(f"附表{n}").append(["不应被读取"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(*rows, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def zip_bytes(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def refused(data: bytes, filename: str) -> str:
    """The SpreadsheetError message for a file that must be refused; it must be Chinese."""
    with pytest.raises(SpreadsheetError) as info:
        parse_metrics_file(data, filename)
    message = str(info.value)
    assert HAN.search(message), message
    assert info.value.message == message
    return message


def one_row(cells: dict[str, object], filename: str = "指标.csv") -> ParseResult:
    """A file with the standard header and one data row (line 2) built from `cells`."""
    row = [cells.get(h, "") for h in HEADER]
    data = xlsx(HEADER, row) if filename.endswith(".xlsx") else csv_bytes(HEADER, row)
    return parse_metrics_file(data, filename)


def reasons_of(result: ParseResult) -> list[str]:
    assert not result.rows
    assert len(result.rejected) == 1
    return result.rejected[0].reasons


# --- good rows -----------------------------------------------------------------------------------


EXPECTED_GOOD = [
    ParsedRow(
        2, "一般公共预算收入", Decimal("1234.5"), "亿元", 1, Decimal("1100"), Decimal("1200"), "国库科", True
    ),
    ParsedRow(3, "民生支出占比", Decimal("80.2"), "%", 1, Decimal("79.5"), None, "预算科", False),
    ParsedRow(4, "新增就业", Decimal("123"), "万人", 0, None, None, "", False),
]


def test_it_parses_good_xlsx_rows():
    result = parse_metrics_file(xlsx(HEADER, *GOOD), "指标库.xlsx")
    assert result == ParseResult(rows=EXPECTED_GOOD, rejected=[], warnings=[])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_it_parses_csv_in_utf8_utf8_bom_and_gb18030(encoding):
    data = csv_bytes(HEADER, *GOOD, encoding=encoding)
    if encoding == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf")
    result = parse_metrics_file(data, "指标库.CSV")
    assert result.rows == EXPECTED_GOOD
    assert result.rejected == []


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_it_sniffs_tab_and_semicolon_delimiters(delimiter):
    result = parse_metrics_file(csv_bytes(HEADER, *GOOD, delimiter=delimiter), "指标库.csv")
    assert result.rows == EXPECTED_GOOD


def test_it_reads_excel_unicode_text_saved_as_utf16_csv():
    text = "\r\n".join("\t".join(str(c) for c in row) for row in [HEADER, *GOOD])
    result = parse_metrics_file(text.encode("utf-16"), "指标库.csv")
    assert result.rows == EXPECTED_GOOD


def test_it_decodes_a_csv_as_the_report_importer_decodes_a_txt():
    # One decoder (reports.core.text.decode_text): a stray control character, as Excel leaves
    # after a paste, is dropped from the cell instead of refusing the whole file.
    rows = [HEADER, *GOOD]
    rows[1] = [*rows[1][:6], "国库\x01科", *rows[1][7:]]
    result = parse_metrics_file(csv_bytes(*rows), "指标库.csv")
    assert result.rows == EXPECTED_GOOD
    assert decode_text(csv_bytes(*rows)) == text_importer.decode_text(csv_bytes(*rows))


def test_it_never_splits_on_chinese_commas_inside_cells():
    # (A name may not hold punctuation any more, see test_it_refuses_names_the_form_refuses.)
    data = csv_bytes(
        ["指标名称", "数值", "单位", "来源"], ["教育科技支出", "12", "亿元", "预算科、国库科，综合科"]
    )
    row = parse_metrics_file(data, "a.csv").rows[0]
    assert (row.name, row.source) == ("教育科技支出", "预算科、国库科，综合科")


def test_it_hints_at_a_file_separated_by_chinese_commas():
    data = "指标名称，数值，单位\n收入，12，亿元\n".encode()
    message = refused(data, "a.csv")
    assert "未找到表头" in message
    assert "中文逗号“，”" in message


def test_it_accepts_header_aliases_and_decorated_headers():
    header = ["名称", "本年数", " 单位 ", "小数位", "上年同期数", "年初预算数", "数据来源", "是否确认"]
    row = ["收入", "10", "亿元", "2", "9", "11", "国库科", "是"]
    assert parse_metrics_file(csv_bytes(header, row), "a.csv").rows == [
        ParsedRow(2, "收入", Decimal("10"), "亿元", 2, Decimal("9"), Decimal("11"), "国库科", True)
    ]
    header = ["指标*", "值", "单位", "上年数", "预算数"]
    row = ["收入", "10", "亿元", "9", "11"]
    parsed = parse_metrics_file(csv_bytes(header, row), "a.csv").rows[0]
    assert (parsed.value, parsed.prior, parsed.budget) == (Decimal("10"), Decimal("9"), Decimal("11"))


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("1,234.5", "亿元", "1234.5"),
        ("1,234,567", "元", "1234567"),
        ("１２３", "个", "123"),
        ("１，２３４．５", "亿元", "1234.5"),
        ("８.７％", "%", "8.7"),
        ("8.7%", "%", "8.7"),
        ("8.7 %", "%", "8.7"),
        ("12.5亿元", "亿元", "12.5"),
        ("１２.５ 亿元", "亿元", "12.5"),
        ("5万人次", "万人次", "5"),
        ("1.2个百分点", "个百分点", "1.2"),
        (" 1 234.5 ", "亿元", "1234.5"),
        ("-3.2", "%", "-3.2"),
        ("－３.２", "%", "-3.2"),
        ("\u22123.2", "%", "-3.2"),
        ("+7", "个", "7"),
        (".5", "亿元", "0.5"),
        ("0.1234567", "亿元", "0.123457"),
        ("007", "个", "7"),
    ],
)
def test_it_reads_separators_full_width_digits_units_and_spaces(text, unit, expected):
    row = one_row({"指标名称": "甲", "数值": text, "单位": unit}).rows[0]
    assert row.value == Decimal(expected)
    assert str(row.value) == expected


def test_it_treats_an_empty_value_as_no_value_yet():
    row = one_row({"指标名称": "甲", "数值": "  ", "单位": "亿元"}).rows[0]
    assert (row.value, row.prior, row.budget, row.decimals, row.confirmed) == (None, None, None, 1, False)


def test_it_reads_xlsx_numbers_percent_formats_and_float_noise():
    data = xlsx(
        HEADER,
        ["增长率", 0.087, "%", 1, 0.079],
        ["占比变化", 0.012, "个百分点"],
        ["收入", 0.1 + 0.2, "亿元"],
        ["支出", 12, "亿元", 2.0],
        ["大数", 123456789012345, "元"],
        formats={"B2": "0.0%", "E2": "0.0%", "B3": "0.0%"},
    )
    rows = {r.name: r for r in parse_metrics_file(data, "a.xlsx").rows}
    assert (rows["增长率"].value, rows["增长率"].prior) == (Decimal("8.7"), Decimal("7.9"))
    assert rows["占比变化"].value == Decimal("1.2")
    assert rows["收入"].value == Decimal("0.3")
    assert (rows["支出"].value, rows["支出"].decimals) == (Decimal("12"), 2)
    assert rows["大数"].value == Decimal("123456789012345")


def test_it_refuses_a_percent_formatted_cell_in_a_non_percent_row():
    data = xlsx(HEADER, ["收入", 0.087, "亿元"], formats={"B2": "0.0%"})
    assert reasons_of(parse_metrics_file(data, "a.xlsx")) == [
        "第2行：数值“8.7%”是百分数，与本行单位“亿元”不一致"
    ]


@pytest.mark.parametrize(
    ("cell", "confirmed"),
    [
        ("确认", True),
        ("已确认", True),
        ("confirmed", True),
        ("Confirmed", True),
        ("是", True),
        ("预计", False),
        ("暂定", False),
        ("provisional", False),
        ("否", False),
        ("", False),
    ],
)
def test_it_maps_status_words(cell, confirmed):
    assert one_row({"指标名称": "甲", "单位": "个", "状态": cell}).rows[0].confirmed is confirmed


def test_it_maps_excel_booleans_in_the_status_column():
    data = xlsx(["指标名称", "单位", "是否确认"], ["甲", "个", True], ["乙", "个", False])
    assert [r.confirmed for r in parse_metrics_file(data, "a.xlsx").rows] == [True, False]


def test_it_cleans_names_and_normalises_full_width_units():
    row = one_row({"指标名称": "  一般公共\n预算收入\u3000", "单位": "％", "数值": "5"}).rows[0]
    assert (row.name, row.unit) == ("一般公共预算收入", "%")


def test_it_skips_blank_rows_and_a_title_row_and_keeps_spreadsheet_line_numbers():
    data = xlsx(["2024年指标库"], [], HEADER, ["甲", 1, "个"], [], [], ["乙", 2, "个"])
    result = parse_metrics_file(data, "a.xlsx")
    assert [(r.line, r.name) for r in result.rows] == [(4, "甲"), (7, "乙")]
    assert result.warnings == ["已跳过表头之前的 1 行（如标题行）"]


def test_it_warns_about_ignored_columns_and_sheets():
    data = xlsx(["指标名称", "单位", "备注", "数值"], ["甲", "个", "说明", 3], sheets=3)
    result = parse_metrics_file(data, "a.xlsx")
    assert result.rows[0].value == Decimal("3")
    assert result.warnings == ["仅读取第一个工作表“Sheet”，其余 2 个工作表已忽略", "已忽略无法识别的列：备注"]


def test_it_stops_after_a_long_run_of_blank_rows():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["指标名称", "单位"])
    sheet.append(["甲", "个"])
    sheet.cell(row=200_000, column=1, value="远处的行")
    out = io.BytesIO()
    workbook.save(out)
    started = time.perf_counter()
    result = parse_metrics_file(out.getvalue(), "a.xlsx")
    assert time.perf_counter() - started < 1
    assert [r.name for r in result.rows] == ["甲"]
    assert result.warnings == ["第3行起连续 1000 行为空，其后的内容已忽略"]


# --- rejected rows -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["约400", "N/A", "1.2.3", "—", "-", "1,2", "12,34.5", "1e5", "(12)", "12.", "四百"]
)
def test_it_rejects_bad_numbers(text):
    result = one_row({"指标名称": "甲", "数值": text, "单位": "亿元"})
    assert reasons_of(result) == [f"第2行：数值“{text}”不是有效数字"]
    assert result.rejected[0].raw["数值"] == text


def test_it_names_the_column_of_a_bad_prior_or_budget():
    reasons = reasons_of(one_row({"指标名称": "甲", "单位": "亿元", "上年同期": "N/A", "年初预算": "约5"}))
    assert reasons == ["第2行：上年同期“N/A”不是有效数字", "第2行：年初预算“约5”不是有效数字"]


@pytest.mark.parametrize(
    ("text", "unit", "reason"),
    [
        ("8.7%", "亿元", "第2行：数值“8.7%”的单位“%”与本行单位“亿元”不一致"),
        ("5元", "亿元", "第2行：数值“5元”的单位“元”与本行单位“亿元”不一致"),
        ("5亿元", "元", "第2行：数值“5亿元”的单位“亿元”与本行单位“元”不一致"),
        ("5万人次", "人次", "第2行：数值“5万人次”的单位“万人次”与本行单位“人次”不一致"),
        ("1.2%", "个百分点", "第2行：数值“1.2%”的单位“%”与本行单位“个百分点”不一致"),
    ],
)
def test_it_rejects_a_number_written_with_another_unit(text, unit, reason):
    assert reasons_of(one_row({"指标名称": "甲", "数值": text, "单位": unit})) == [reason]


def test_it_rejects_numbers_too_large_for_the_database():
    reasons = reasons_of(one_row({"指标名称": "甲", "数值": "1" + "0" * 18, "单位": "元"}))
    assert reasons == ["第2行：数值“1000000000000000000”超出范围（整数部分最多 18 位）"]


def test_it_rejects_unknown_and_empty_units_and_lists_the_known_ones_once():
    data = csv_bytes(
        ["指标名称", "数值", "单位"], ["甲", "5美元", "美元"], ["乙", "5", ""], ["丙", "1", "美元"]
    )
    result = parse_metrics_file(data, "a.csv")
    assert [r.reasons for r in result.rejected] == [
        ["第2行：单位“美元”不在可用单位中"],
        ["第3行：单位为空"],
        ["第4行：单位“美元”不在可用单位中"],
    ]
    assert result.warnings == ["可用单位：" + "、".join(UNITS)]


def test_it_rejects_a_missing_name():
    result = parse_metrics_file(
        csv_bytes(["指标名称", "数值", "单位"], ["", "5", "亿元"], ["甲", "1", "个"]), "a.csv"
    )
    assert [r.name for r in result.rows] == ["甲"]
    assert result.rejected == [
        RejectedRow(
            line=2,
            raw={
                "指标名称": "",
                "数值": "5",
                "单位": "亿元",
                "小数位": "",
                "上年同期": "",
                "年初预算": "",
                "来源": "",
                "状态": "",
            },
            reasons=["第2行：指标名称为空"],
        )
    ]


def test_it_rejects_every_row_of_a_duplicated_name():
    data = xlsx(HEADER, ["收入", 1, "亿元"], ["支出", 2, "亿元"], [" 收入 ", 3, "亿元"], ["收入", 4, "亿元"])
    result = parse_metrics_file(data, "a.xlsx")
    assert [r.name for r in result.rows] == ["支出"]
    assert [(r.line, r.reasons) for r in result.rejected] == [
        (n, [f"第{n}行：指标名称“收入”在第2、4、5行重复出现，无法确定以哪一行为准"]) for n in (2, 4, 5)
    ]


def test_it_rejects_too_long_names_and_sources():
    reasons = reasons_of(one_row({"指标名称": "长" * 101, "单位": "个", "来源": "源" * 101}))
    assert reasons == [
        "第2行：指标名称超过 100 个字（共 101 个字）",
        "第2行：来源超过 100 个字（共 101 个字）",
    ]
    assert one_row({"指标名称": "长" * 100, "单位": "个", "来源": "源" * 100}).rows


@pytest.mark.parametrize(("cell", "expected"), [("", 1), ("0", 0), ("6", 6), ("２", 2), ("3.0", 3)])
def test_it_reads_decimals_with_a_default_of_one(cell, expected):
    assert one_row({"指标名称": "甲", "单位": "个", "小数位": cell}).rows[0].decimals == expected


@pytest.mark.parametrize("cell", ["7", "-1", "1.5", "两位"])
def test_it_rejects_decimals_outside_0_to_6(cell):
    assert reasons_of(one_row({"指标名称": "甲", "单位": "个", "小数位": cell})) == [
        f"第2行：小数位“{cell}”应为 0 到 6 之间的整数"
    ]


def test_it_rejects_an_unknown_status():
    assert reasons_of(one_row({"指标名称": "甲", "单位": "个", "状态": "也许"})) == [
        "第2行：状态“也许”无法识别，应为“确认”或“预计”"
    ]


def test_it_gives_every_reason_of_a_row_at_once():
    reasons = reasons_of(one_row({"数值": "约400", "单位": "斤", "小数位": "9", "状态": "?"}))
    assert reasons == [
        "第2行：指标名称为空",
        "第2行：单位“斤”不在可用单位中",
        "第2行：数值“约400”不是有效数字",
        "第2行：小数位“9”应为 0 到 6 之间的整数",
        "第2行：状态“?”无法识别，应为“确认”或“预计”",
    ]


def test_it_quotes_a_long_bad_cell_shortened():
    text = "约" * 50
    assert reasons_of(one_row({"指标名称": "甲", "单位": "个", "数值": text})) == [
        f"第2行：数值“{'约' * 30}…”不是有效数字"
    ]


# --- refused files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename"), [(b"", "a.xlsx"), (b"", "a.csv"), (b"\xef\xbb\xbf \r\n\r\n", "a.csv")]
)
def test_it_refuses_an_empty_file(data, filename):
    assert refused(data, filename) == "文件是空的"


def test_it_refuses_an_empty_workbook():
    assert refused(xlsx(), "a.xlsx") == "文件是空的"


@pytest.mark.parametrize("filename", ["a.xlsx", "a.csv"])
def test_it_refuses_a_header_without_data_rows(filename):
    data = xlsx(HEADER, [], []) if filename.endswith("xlsx") else csv_bytes(HEADER, [])
    assert refused(data, filename) == "文件中没有数据行：第1行是表头，表头下面没有任何指标"


def test_it_refuses_a_file_without_a_header():
    message = refused(csv_bytes(["收入", "12", "亿元"], ["支出", "3", "亿元"]), "a.csv")
    assert message == "未找到表头：前 10 行中没有“指标名称”列。第一行应为列名，至少包含“指标名称”和“单位”两列"


def test_it_refuses_a_header_without_a_unit_column():
    assert refused(csv_bytes(["指标名称", "数值"], ["收入", "12"]), "a.csv") == "表头缺少“单位”列"


def test_it_refuses_two_columns_for_the_same_field():
    message = refused(csv_bytes(["指标名称", "数值", "本期数", "单位"], ["收入", "1", "2", "亿元"]), "a.csv")
    assert message == "表头中“数值”列和“本期数”列都表示“数值”，请只保留一列"


@pytest.mark.parametrize("filename", ["a.xls", "a.txt", "a.json", "指标库", "", "a.xlsx.png"])
def test_it_refuses_other_extensions(filename):
    message = refused(xlsx(HEADER, GOOD[0]), filename)
    assert message.startswith("只支持 .xlsx 或 .csv 文件")


def test_it_tells_how_to_convert_a_legacy_xls():
    assert (
        refused(b"anything", "旧表.xls")
        == "只支持 .xlsx 或 .csv 文件（旧版 .xls 文件请在 Excel 中另存为 .xlsx）"
    )
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    assert "旧版 .xls" in refused(ole2, "改名的.xlsx")
    assert "旧版 Excel（.xls）" in refused(ole2, "改名的.csv")


def test_it_refuses_a_png_renamed_xlsx():
    assert refused(PNG, "截图.xlsx") == "文件不是有效的 Excel（.xlsx）文件"


def test_it_refuses_a_png_renamed_csv():
    assert (
        refused(PNG, "截图.csv") == "文件不是有效的 CSV 文件（含有二进制内容），请上传 .xlsx 或 CSV 文本文件"
    )


def test_it_refuses_a_csv_renamed_xlsx():
    assert refused(csv_bytes(HEADER, GOOD[1]), "a.xlsx") == "文件不是有效的 Excel（.xlsx）文件"


def test_it_refuses_an_xlsx_renamed_csv():
    assert refused(xlsx(HEADER, GOOD[0]), "a.csv") == (
        "文件不是有效的 CSV 文件：这是 Excel（.xlsx）文件，请把扩展名改为 .xlsx 后上传"
    )


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("filename", ["随机.xlsx", "随机.csv"])
def test_it_refuses_random_bytes(seed, filename):
    data = random.Random(seed).randbytes(2000)
    message = refused(data, filename)
    assert message in (
        "文件不是有效的 Excel（.xlsx）文件",
        "文件不是有效的 CSV 文件（含有二进制内容），请上传 .xlsx 或 CSV 文本文件",
        "无法识别文件编码或文件不是 CSV 文本，请另存为 UTF-8 或 GB18030 编码的 CSV 文件",
    )


def test_it_refuses_a_zip_that_is_not_a_workbook():
    data = zip_bytes({"word/document.xml": b"<w:document/>", "[Content_Types].xml": b"<Types/>"})
    assert refused(data, "a.xlsx") == "文件不是有效的 Excel（.xlsx）文件，无法打开"


def test_it_refuses_a_truncated_workbook():
    data = xlsx(HEADER, *GOOD)
    assert refused(data[: len(data) // 2], "a.xlsx") == "文件不是有效的 Excel（.xlsx）文件"


def test_it_refuses_a_file_over_2_mb():
    data = csv_bytes(HEADER) + b"x" * (2 * 1024 * 1024)
    assert refused(data, "a.csv") == "文件过大（2.0 MB），上限为 2 MB"


def test_it_accepts_2000_rows_and_refuses_2001():
    rows = [[f"指标{i}", i, "个"] for i in range(MAX_DATA_ROWS)]
    assert (
        len(parse_metrics_file(csv_bytes(["指标名称", "数值", "单位"], *rows), "a.csv").rows) == MAX_DATA_ROWS
    )
    rows.append(["多一行", 1, "个"])
    message = refused(csv_bytes(["指标名称", "数值", "单位"], *rows), "a.csv")
    assert message == "数据行超过 2000 行的上限，请拆分为多个文件分批导入"
    message = refused(xlsx(["指标名称", "数值", "单位"], *rows), "a.xlsx")
    assert message == "数据行超过 2000 行的上限，请拆分为多个文件分批导入"


@pytest.mark.parametrize("filename", ["a.xlsx", "a.csv"])
def test_it_refuses_more_than_50_columns(filename):
    header = ["指标名称", "单位"] + [f"列{i}" for i in range(MAX_COLUMNS - 1)]
    make = xlsx if filename.endswith("xlsx") else csv_bytes
    assert refused(make(header, ["甲", "个"]), filename) == "第1行超过 50 列的上限，请删除多余的列后重新上传"
    # Trailing empty cells (Excel's ",,,," at the end of a line) do not count.
    assert parse_metrics_file(make(header[:MAX_COLUMNS], ["甲", "个"] + [""] * 60), filename).rows


def test_it_reports_a_broken_csv_quote():
    data = '指标名称,单位\n"'.encode("utf-8-sig") + b"x" * 200_000  # over csv's field size limit
    assert refused(data, "a.csv") == "CSV 文件格式有误（第2行附近），请检查引号是否成对"


# --- hostile archives ----------------------------------------------------------------------------


@pytest.fixture
def load_calls(monkeypatch):
    """Records every call to openpyxl.load_workbook (hostile files must be refused before it)."""
    calls: list[object] = []
    real = openpyxl.load_workbook

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    return calls


def test_the_spy_sees_a_normal_workbook(load_calls):
    parse_metrics_file(xlsx(HEADER, GOOD[0]), "a.xlsx")
    assert len(load_calls) == 1


def test_it_refuses_a_zip_bomb_quickly_before_opening_it(load_calls):
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as entry,
    ):
        chunk = bytes(1024 * 1024)
        for _ in range(60):
            entry.write(chunk)
    data = out.getvalue()
    assert len(data) < 200_000  # 60 MB of zeros, small on disk

    started = time.perf_counter()
    message = refused(data, "炸弹.xlsx")
    assert time.perf_counter() - started < 1
    assert load_calls == []
    assert message == "文件不是有效的 Excel（.xlsx）文件：压缩比异常，疑似压缩炸弹，已拒绝"


def test_it_refuses_a_high_ratio_entry_under_the_size_limit(load_calls):
    data = zip_bytes({"xl/sharedStrings.xml": bytes(10 * 1024 * 1024)})
    assert refused(data, "a.xlsx") == "文件不是有效的 Excel（.xlsx）文件：压缩比异常，疑似压缩炸弹，已拒绝"
    assert load_calls == []


def test_it_refuses_more_than_50_mb_declared_even_at_a_sane_ratio(load_calls):
    # Stored entries (ratio 1) cannot exceed 2 MB on disk, so forge the declared sizes instead.
    data = bytearray(zip_bytes({f"xl/part{i}.xml": b"x" * 100 for i in range(3)}, zipfile.ZIP_STORED))
    # Central directory record: compressed size at offset 20, uncompressed size at 24.
    record = data.find(b"PK\x01\x02")
    while record != -1:
        data[record + 20 : record + 24] = (1024 * 1024).to_bytes(4, "little")
        data[record + 24 : record + 28] = (20 * 1024 * 1024).to_bytes(4, "little")
        record = data.find(b"PK\x01\x02", record + 4)
    message = refused(bytes(data), "a.xlsx")
    assert message == "文件不是有效的 Excel（.xlsx）文件：解压后超过 50 MB，已拒绝"
    assert load_calls == []


def test_it_refuses_more_than_200_entries(load_calls):
    data = zip_bytes({f"xl/media/image{i}.png": b"" for i in range(201)})
    assert refused(data, "a.xlsx") == "文件不是有效的 Excel（.xlsx）文件：内部文件过多（201 个，上限 200 个）"
    assert load_calls == []


@pytest.mark.parametrize(
    "name", ["../evil.xml", "xl/../../evil.xml", "/etc/passwd", "C:/Windows/evil.xml", "..\\evil.xml"]
)
def test_it_refuses_zip_slip_entry_names(load_calls, name):
    data = zip_bytes({"[Content_Types].xml": b"<Types/>", name: b"x"})
    assert refused(data, "a.xlsx") == "文件不是有效的 Excel（.xlsx）文件：包含不安全的内部路径"
    assert load_calls == []


def test_only_spreadsheet_errors_escape_from_mutated_files():
    """Flip bytes of a real workbook and a real CSV: either a result or a SpreadsheetError."""
    rng = random.Random(9704)
    for original, filename in ((xlsx(HEADER, *GOOD), "a.xlsx"), (csv_bytes(HEADER, *GOOD), "a.csv")):
        for _ in range(150):
            data = bytearray(original)
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            try:
                result = parse_metrics_file(bytes(data), filename)
            except SpreadsheetError as exc:
                assert HAN.search(str(exc)), exc
            else:
                assert isinstance(result, ParseResult)


def test_the_module_imports_nothing_from_django_or_celery():
    code = (
        "import sys, reports.core.metric_import;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'celery'));"
        "assert not bad, bad"
    )
    root = Path(metric_import.__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


# --- plan ----------------------------------------------------------------------------------------


def test_it_plans_added_changed_unchanged_and_rejected_rows():
    data = csv_bytes(
        HEADER,
        ["一般公共预算收入", "1,234.50", "亿元", "1", "1100", "1200", "国库科", "确认"],
        ["民生支出占比", "80.2", "%", "1", "", "", "", "预计"],
        ["新增就业", "", "万人", "0", "", "", "", ""],
        ["新指标", "5", "个", "", "", "", "", ""],
        ["坏行", "约400", "亿元", "", "", "", "", ""],
    )
    result = parse_metrics_file(data, "a.csv")
    existing = {
        "一般公共预算收入": {
            "value": Decimal("1234.500000"),
            "unit": "亿元",
            "decimals": 1,
            "prior": Decimal("1100"),
            "budget": Decimal("1200"),
            "source": "国库科",
            "confirmed": True,
        },
        "民生支出占比": {
            "value": 79.9,
            "unit": "%",
            "decimals": 2,
            "prior": None,
            "budget": None,
            "source": "",
            "confirmed": "confirmed",
        },
        "新增就业": {
            "value": Decimal("12"),
            "unit": "万人",
            "decimals": 0,
            "prior": None,
            "budget": None,
            "source": None,
            "confirmed": False,
        },
        "文件里没有的指标": {"value": Decimal("1"), "unit": "个"},
    }
    plan = plan_import(result, existing)
    assert isinstance(plan, ImportPlan)
    assert [r.name for r in plan.added] == ["新指标"]
    assert [r.name for r in plan.unchanged] == ["一般公共预算收入"]
    assert [(r.name, diff) for r, diff in plan.changed] == [
        (
            "民生支出占比",
            {"value": (Decimal("79.9"), Decimal("80.2")), "decimals": (2, 1), "confirmed": (True, False)},
        ),
        ("新增就业", {"value": (Decimal("12"), None)}),
    ]
    assert plan.rejected == result.rejected
    assert plan.rejected[0].reasons == ["第6行：数值“约400”不是有效数字"]
    # Nothing was modified on the way.
    assert existing["新增就业"]["value"] == Decimal("12")
    assert len(result.rows) == 4


def test_it_plans_everything_as_added_against_an_empty_library():
    result = parse_metrics_file(xlsx(HEADER, *GOOD), "a.xlsx")
    plan = plan_import(result, {})
    assert plan.added == result.rows
    assert (plan.changed, plan.unchanged, plan.rejected) == ([], [], [])


@pytest.mark.parametrize(
    "name",
    ["一般 公共预算收入", "<script>alert(1)</script>", "=cmd|' /C calc'!A0", "2025年收入", "收入（含基金）"],
)
def test_it_refuses_names_the_form_refuses(name):
    from reports.core.placeholders import METRIC_NAME_RULE

    data = csv_bytes(["指标名称", "数值", "单位"], [name, "12", "亿元"], ["民生支出", "3", "亿元"])
    result = parse_metrics_file(data, "a.csv")
    assert [row.name for row in result.rows] == ["民生支出"]
    (rejected,) = result.rejected
    assert rejected.reasons == [f"第2行：{METRIC_NAME_RULE}（“{name[:30]}”）"]


def test_the_preview_shows_chinese_labels_and_the_metrics_decimals():
    data = csv_bytes(
        ["指标名称", "数值", "单位", "小数位", "上年同期", "年初预算", "状态"],
        ["一般公共预算收入", "190.25", "亿元", "2", "175.5", "", "已确认"],
        ["民生支出", "12", "亿元", "1", "", "", "预计"],
    )
    existing = {
        "一般公共预算收入": {"value": "186.400000", "unit": "亿元", "decimals": 1, "prior": "175.500000",
                             "budget": "182.200000", "source": "", "confirmed": False},
    }  # fmt: skip
    plan = plan_import(parse_metrics_file(data, "a.csv"), existing)
    ((row, changes),) = plan.changes
    assert [(c.label, c.old, c.new) for c in changes] == [
        ("数值", "186.4", "190.25"),
        ("小数位", "1", "2"),
        ("年初预算", "182.2", "空"),
        ("状态", "预计", "已确认"),
    ]
    assert [r.shown_value for r in plan.added] == ["12.0"]
