"""Parse a bureau's 指标库 spreadsheet (.xlsx or .csv) into metric rows, and plan the import.

Pure: bytes in, dataclasses out. Nothing is saved; `plan_import` only compares the parsed rows with
the existing metrics it is given. Every user-facing message is Chinese. The only exception that
leaves `parse_metrics_file` is `SpreadsheetError` (a file-level problem: the whole file is refused);
problems with single rows are reported as `RejectedRow`s and never raise.

The untrusted upload is bounded before anything expensive happens: size first, then for .xlsx the
zip directory (entry count, declared uncompressed size, compression ratio, entry names) is checked
before openpyxl opens it, by reports.core.safezip (shared with the report importer). zipfile
enforces the declared sizes while reading (it stops at file_size and checks the CRC), so the
declared numbers are safe to trust. XML entity bombs never reach openpyxl: safezip refuses a
DOCTYPE / ENTITY declaration in any XML entry of the package first; behind it, openpyxl parses with
defusedxml (a dependency), which forbids entities, and lxml with resolve_entities=False.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl

from reports.core.placeholders import metric_name_problem
from reports.core.quantities import UNITS, format_number, plain_number
from reports.core.safezip import MB, OLE2_MAGIC, ZIP_MAGIC, UnsafeZip, ZipLimits, check_zip
from reports.core.text import Undecodable, clean_text, decode_text

# --- limits --------------------------------------------------------------------------------------

MAX_FILE_BYTES = 2 * MB
MAX_DATA_ROWS = 2000
MAX_COLUMNS = 50
MAX_ZIP_ENTRIES = 200
MAX_UNCOMPRESSED_BYTES = 50 * MB
MAX_COMPRESSION_RATIO = 100
# Tiny entries (a few KB of repeated XML) can legitimately compress better than 100:1 and are
# harmless; the ratio only matters for entries big enough to hurt.
RATIO_CHECK_MIN_BYTES = MB
# A run of this many blank rows ends the table (an .xlsx can declare a cell at row 1,048,576).
MAX_BLANK_RUN = 1000
# Rows above the header (a title such as "2024年指标库") are skipped; the header must come soon.
HEADER_SEARCH_ROWS = 10
DTD_MESSAGE = "Excel 文件中含有不允许的文档类型声明（DTD/实体），可能是恶意文件，已拒绝"
MAX_NAME_CHARS = 100  # Metric.name max_length
MAX_SOURCE_CHARS = 100  # Metric.source max_length
MAX_DECIMALS = 6  # Metric.decimals check constraint
DEFAULT_DECIMALS = 1
# Metric.value is DecimalField(max_digits=24, decimal_places=6): 18 integer digits, 6 fraction digits.
MAX_INTEGER_DIGITS = 18
VALUE_PLACES = 6
MAX_NUMBER_TEXT = 40  # longer cell text cannot be a sensible number

# --- columns -------------------------------------------------------------------------------------

# key -> canonical Chinese header (also the key of RejectedRow.raw)
COLUMNS: dict[str, str] = {
    "name": "指标名称",
    "value": "数值",
    "unit": "单位",
    "decimals": "小数位",
    "prior": "上年同期",
    "budget": "年初预算",
    "source": "来源",
    "status": "状态",
}
_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("指标名称", "名称", "指标", "name"),
    "value": ("数值", "值", "本期数", "本年数", "value"),
    "unit": ("单位", "unit"),
    "decimals": ("小数位", "小数位数", "decimals"),
    "prior": ("上年同期", "上年数", "上年同期数", "prior"),
    "budget": ("年初预算", "预算数", "年初预算数", "budget"),
    "source": ("来源", "数据来源", "source"),
    "status": ("状态", "是否确认", "status"),
}
REQUIRED_COLUMNS = ("name", "unit")

_CONFIRMED = {"确认", "已确认", "confirmed", "是", "true", "yes", "y", "1"}
_PROVISIONAL = {"", "预计", "暂定", "provisional", "否", "false", "no", "n", "0"}
_PERCENT_UNITS = ("%", "个百分点")

_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)")
_INTEGER = re.compile(r"\d+(?:\.0*)?")
_WHITESPACE = re.compile(r"\s+")

_ZIP_MAGIC = ZIP_MAGIC
_OLE2_MAGIC = OLE2_MAGIC  # legacy .xls, and password-protected .xlsx


class SpreadsheetError(Exception):
    """The file as a whole cannot be imported. The message is Chinese and shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ParsedRow:
    line: int
    name: str
    value: Decimal | None
    unit: str
    decimals: int
    prior: Decimal | None
    budget: Decimal | None
    source: str
    confirmed: bool

    @property
    def shown_value(self) -> str:
        """The value as reports will show it (with the row's decimals), for the import preview."""
        return shown(self.value, self.decimals)


def shown(value: Decimal | None, decimals: int) -> str:
    return "空" if value is None else format_number(value, decimals)


@dataclass
class RejectedRow:
    line: int
    raw: dict[str, str]  # canonical Chinese header (COLUMNS values) -> cell as text
    reasons: list[str]


@dataclass
class ParseResult:
    rows: list[ParsedRow]
    rejected: list[RejectedRow]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    """One changed field of a metric as the preview shows it: Chinese label, old and new text."""

    label: str
    old: str
    new: str


@dataclass
class ImportPlan:
    added: list[ParsedRow]
    changed: list[tuple[ParsedRow, dict[str, tuple[Any, Any]]]]
    unchanged: list[ParsedRow]
    rejected: list[RejectedRow]
    warnings: list[str] = field(default_factory=list)
    # The changed rows as shown: (row, [Change…]), numbers with the metric's decimals.
    changes: list[tuple[ParsedRow, list[Change]]] = field(default_factory=list)


class _PercentNumber:
    """An .xlsx number shown with a % format: the cell holds 0.087 and the user sees 8.7%."""

    __slots__ = ("value",)

    def __init__(self, value: Decimal) -> None:
        self.value = value


Cell = str | Decimal | _PercentNumber | bool


# --- entry point ---------------------------------------------------------------------------------


def parse_metrics_file(data: bytes, filename: str) -> ParseResult:
    """Parse an uploaded .xlsx or .csv metrics file.

    Dispatches on the extension of `filename`. Raises SpreadsheetError (Chinese message) when the
    file cannot be used at all: wrong type, too big, not a spreadsheet, no header, no data rows, more
    than MAX_DATA_ROWS rows or MAX_COLUMNS columns. Bad rows do not raise: they come back in
    `rejected` with one reason per problem. No other exception escapes.
    """
    ext = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if ext not in ("xlsx", "csv"):
        hint = "（旧版 .xls 文件请在 Excel 中另存为 .xlsx）" if ext == "xls" else ""
        raise SpreadsheetError(f"只支持 .xlsx 或 .csv 文件{hint}")
    if len(data) > MAX_FILE_BYTES:
        raise SpreadsheetError(f"文件过大（{len(data) / MB:.1f} MB），上限为 {MAX_FILE_BYTES // MB} MB")
    if not data or (ext == "csv" and not data.strip(b" \t\r\n\xef\xbb\xbf")):
        raise SpreadsheetError("文件是空的")
    try:
        rows = _xlsx_rows(data) if ext == "xlsx" else _csv_rows(data)
        return _parse_table(rows)
    except SpreadsheetError:
        raise
    except Exception as exc:  # the contract: nothing but SpreadsheetError leaves this function
        raise SpreadsheetError("读取文件时出错，文件可能已损坏，请检查后重新上传") from exc


# --- .xlsx ---------------------------------------------------------------------------------------


_XLSX_LIMITS = ZipLimits(
    max_entries=MAX_ZIP_ENTRIES,
    max_total_bytes=MAX_UNCOMPRESSED_BYTES,
    max_ratio=MAX_COMPRESSION_RATIO,
    ratio_min_bytes=RATIO_CHECK_MIN_BYTES,
)


def check_xlsx_container(data: bytes) -> None:
    """Refuse anything that is not a small, sane zip, without decompressing a byte of it."""
    try:
        check_zip(data, _XLSX_LIMITS).close()
    except UnsafeZip as exc:
        raise SpreadsheetError(_xlsx_refusal(exc)) from exc


def _xlsx_refusal(exc: UnsafeZip) -> str:
    invalid = "文件不是有效的 Excel（.xlsx）文件"
    if exc.reason == "ole2":
        return f"{invalid}：这是旧版 .xls 文件或设置了打开密码的文件，请在 Excel 中取消密码并另存为 .xlsx"
    if exc.reason == "too_many":
        return f"{invalid}：内部文件过多（{exc.count} 个，上限 {exc.limit} 个）"
    if exc.reason == "unsafe_name":
        return f"{invalid}：包含不安全的内部路径"
    if exc.reason == "encrypted":
        return f"{invalid}：内容已加密"
    if exc.reason == "ratio":
        return f"{invalid}：压缩比异常，疑似压缩炸弹，已拒绝"
    if exc.reason == "too_big":
        return f"{invalid}：解压后超过 {exc.limit // MB} MB，已拒绝"
    if exc.reason == "dtd":
        return DTD_MESSAGE
    if exc.reason == "xml_encoding":
        return f"{invalid}：内容编码异常"
    return invalid


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Cell]]]:
    check_xlsx_container(data)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about unsupported extensions, default styles and the like: noise here.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise SpreadsheetError("文件不是有效的 Excel（.xlsx）文件，无法打开") from exc
    return _xlsx_iter(workbook)


def _xlsx_iter(workbook: Any) -> Iterator[tuple[int, list[Cell]]]:
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise SpreadsheetError("Excel 文件中没有工作表")
        sheet = sheets[0]
        if len(sheets) > 1:
            yield 0, [f"仅读取第一个工作表“{sheet.title}”，其余 {len(sheets) - 1} 个工作表已忽略"]
        # The <dimension> element may lie (too small hides rows, too large pads every row).
        sheet.reset_dimensions()
        try:
            for line, row in enumerate(sheet.iter_rows(min_col=1, max_col=MAX_COLUMNS + 1), start=1):
                yield line, [_xlsx_cell(cell) for cell in row]
        except SpreadsheetError:
            raise
        except Exception as exc:
            raise SpreadsheetError("Excel 文件内容已损坏，无法读取") from exc
    finally:
        workbook.close()


def _xlsx_cell(cell: Any) -> Cell:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        number = _decimal_from_float(value)
        if number is None:
            return str(value)
        if "%" in (cell.number_format or ""):
            return _PercentNumber(number)
        return number
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S").removesuffix(" 00:00:00")
    if isinstance(value, date | time | timedelta):
        return str(value)
    return str(value)


def _decimal_from_float(value: int | float) -> Decimal | None:
    if isinstance(value, int):
        return Decimal(value)
    if not math.isfinite(value):
        return None
    # repr is the shortest text that round-trips: 1234.5 stays 1234.5, not 1234.4999999…
    return Decimal(repr(value))


# --- .csv ----------------------------------------------------------------------------------------


def _decode_csv(data: bytes) -> str:
    if data.startswith(_ZIP_MAGIC):
        raise SpreadsheetError(
            "文件不是有效的 CSV 文件：这是 Excel（.xlsx）文件，请把扩展名改为 .xlsx 后上传"
        )
    if data.startswith(_OLE2_MAGIC):
        raise SpreadsheetError("文件不是有效的 CSV 文件：这是旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV")
    try:
        return decode_text(data)
    except Undecodable as exc:
        if exc.reason == "binary":
            raise SpreadsheetError(
                "文件不是有效的 CSV 文件（含有二进制内容），请上传 .xlsx 或 CSV 文本文件"
            ) from exc
        raise SpreadsheetError(
            "无法识别文件编码或文件不是 CSV 文本，请另存为 UTF-8 或 GB18030 编码的 CSV 文件"
        ) from exc


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Cell]]]:
    text = _decode_csv(data)
    delimiter = _sniff_delimiter(text)
    return _csv_iter(text, delimiter)


def _csv_iter(text: str, delimiter: str) -> Iterator[tuple[int, list[Cell]]]:
    # "Line" is the record number, i.e. the row number Excel shows when it opens the file, even
    # when a quoted cell spans several physical lines.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 0
    try:
        for line, record in enumerate(reader, start=1):
            yield line, list(record)
    except csv.Error as exc:
        raise SpreadsheetError(f"CSV 文件格式有误（第{line + 1}行附近），请检查引号是否成对") from exc


def _sniff_delimiter(text: str) -> str:
    """Comma, tab or semicolon: whichever makes the most recognised headers in the first rows.

    The Chinese comma "，" and "、" are never delimiters: they occur inside names and sources.
    """
    head = "\n".join(text.splitlines()[: HEADER_SEARCH_ROWS * 2])
    best, best_score = ",", 0
    for delimiter in (",", "\t", ";"):
        try:
            records = list(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        score = max((len(_header_keys(record)) for record in records[:HEADER_SEARCH_ROWS]), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# --- table ---------------------------------------------------------------------------------------


def _parse_table(rows: Iterator[tuple[int, list[Cell]]]) -> ParseResult:
    notes: list[str] = []
    header: dict[int, str] | None = None
    header_line = 0
    seen_lines: list[int] = []
    first_row_text = ""
    data: list[tuple[int, list[Cell]]] = []
    blank_run = 0
    last_line = 0
    for line, cells in rows:
        if line == 0:  # a note from the reader
            notes.append(str(cells[0]))
            continue
        last_line = line
        width = _width(cells)
        if width == 0:
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                if header is not None and data:
                    notes.append(f"第{line - blank_run + 1}行起连续 {MAX_BLANK_RUN} 行为空，其后的内容已忽略")
                break
            continue
        blank_run = 0
        if width > MAX_COLUMNS:
            raise SpreadsheetError(f"第{line}行超过 {MAX_COLUMNS} 列的上限，请删除多余的列后重新上传")
        if header is None:
            seen_lines.append(line)
            if not first_row_text:
                first_row_text = "".join(_cell_text(c) for c in cells)
            keys = _header_keys(cells)
            if "name" in keys.values():
                header, header_line = keys, line
                _check_header(cells, header, notes)
                if len(seen_lines) > 1:
                    notes.append(f"已跳过表头之前的 {len(seen_lines) - 1} 行（如标题行）")
            elif len(seen_lines) >= HEADER_SEARCH_ROWS:
                break
            continue
        data.append((line, cells))
        if len(data) > MAX_DATA_ROWS:
            raise SpreadsheetError(f"数据行超过 {MAX_DATA_ROWS} 行的上限，请拆分为多个文件分批导入")

    if header is None:
        if not seen_lines:
            raise SpreadsheetError("文件是空的" if last_line == 0 else "文件中没有内容（所有行都是空行）")
        hint = ""
        if "，" in first_row_text:
            hint = "；如果各列是用中文逗号“，”分隔的，请改用英文逗号“,”"
        raise SpreadsheetError(
            f"未找到表头：前 {HEADER_SEARCH_ROWS} 行中没有“指标名称”列。第一行应为列名，"
            f"至少包含“指标名称”和“单位”两列{hint}"
        )
    if not data:
        raise SpreadsheetError(f"文件中没有数据行：第{header_line}行是表头，表头下面没有任何指标")
    return _parse_rows(header, data, notes)


def _width(cells: list[Cell]) -> int:
    """Number of cells up to the last non-empty one."""
    for i in range(len(cells) - 1, -1, -1):
        if _cell_text(cells[i]):
            return i + 1
    return 0


def _normalise_header(cell: Cell) -> str:
    text = unicodedata.normalize("NFKC", _cell_text(cell))
    return _WHITESPACE.sub("", text).strip("*:").lower()


_ALIAS_TO_KEY = {
    unicodedata.normalize("NFKC", a).lower(): key for key, aliases in _ALIASES.items() for a in aliases
}


def _header_keys(cells: list[Cell]) -> dict[int, str]:
    keys: dict[int, str] = {}
    for index, cell in enumerate(cells):
        key = _ALIAS_TO_KEY.get(_normalise_header(cell))
        if key is not None:
            keys[index] = key
    return keys


def _check_header(cells: list[Cell], header: dict[int, str], notes: list[str]) -> None:
    first: dict[str, int] = {}
    for index, key in header.items():
        if key in first:
            a, b = _cell_text(cells[first[key]]), _cell_text(cells[index])
            raise SpreadsheetError(f"表头中“{a}”列和“{b}”列都表示“{COLUMNS[key]}”，请只保留一列")
        first[key] = index
    missing = [COLUMNS[k] for k in REQUIRED_COLUMNS if k not in first]
    if missing:
        raise SpreadsheetError("表头缺少" + "、".join(f"“{m}”" for m in missing) + "列")
    ignored = [_cell_text(c) for i, c in enumerate(cells) if i not in header and _cell_text(c)]
    if ignored:
        notes.append("已忽略无法识别的列：" + "、".join(ignored))


def _parse_rows(header: dict[int, str], data: list[tuple[int, list[Cell]]], notes: list[str]) -> ParseResult:
    rows: list[ParsedRow] = []
    rejected: list[RejectedRow] = []
    unknown_unit = False
    parsed: list[tuple[int, dict[str, Cell], dict[str, str], ParsedRow | None, list[str]]] = []
    for line, cells in data:
        record: dict[str, Cell] = dict.fromkeys(COLUMNS, "")
        for index, key in header.items():
            if index < len(cells):
                record[key] = cells[index]
        raw = {COLUMNS[key]: _cell_text(record[key]) for key in COLUMNS}
        row, reasons = _parse_record(line, record)
        unit = raw[COLUMNS["unit"]]
        unknown_unit = unknown_unit or bool(unit and _normalise_unit(unit) not in UNITS)
        parsed.append((line, record, raw, row, reasons))

    lines_by_name: dict[str, list[int]] = {}
    for line, record, _raw, _row, _reasons in parsed:
        name = _cell_text(record["name"])
        if name:
            lines_by_name.setdefault(name, []).append(line)
    for line, record, raw, row, reasons in parsed:
        name = _cell_text(record["name"])
        lines = lines_by_name.get(name, [])
        if len(lines) > 1:
            where = "、".join(str(n) for n in lines)
            reasons.append(f"第{line}行：指标名称“{_quote(name)}”在第{where}行重复出现，无法确定以哪一行为准")
        if reasons or row is None:
            rejected.append(RejectedRow(line=line, raw=raw, reasons=reasons))
        else:
            rows.append(row)
    if unknown_unit:
        notes.append("可用单位：" + "、".join(UNITS))
    return ParseResult(rows=rows, rejected=rejected, warnings=notes)


def _parse_record(line: int, record: dict[str, Cell]) -> tuple[ParsedRow | None, list[str]]:
    reasons: list[str] = []
    name = _cell_text(record["name"])
    if len(name) > MAX_NAME_CHARS:
        reasons.append(f"第{line}行：指标名称超过 {MAX_NAME_CHARS} 个字（共 {len(name)} 个字）")
    elif problem := metric_name_problem(name):  # the same rule as the single-metric form
        reasons.append(f"第{line}行：{problem}" + (f"（“{_quote(name)}”）" if name else ""))

    unit = _normalise_unit(_cell_text(record["unit"]))
    if not unit:
        reasons.append(f"第{line}行：单位为空")
    elif unit not in UNITS:
        reasons.append(f"第{line}行：单位“{_quote(unit)}”不在可用单位中")

    value = _number(line, "数值", record["value"], unit, reasons)
    prior = _number(line, "上年同期", record["prior"], unit, reasons)
    budget = _number(line, "年初预算", record["budget"], unit, reasons)

    decimals = _decimals(line, record["decimals"], reasons)

    source = _cell_text(record["source"])
    if len(source) > MAX_SOURCE_CHARS:
        reasons.append(f"第{line}行：来源超过 {MAX_SOURCE_CHARS} 个字（共 {len(source)} 个字）")

    confirmed = _status(line, record["status"], reasons)

    if reasons:
        return None, reasons
    return (
        ParsedRow(
            line=line,
            name=name,
            value=value,
            unit=unit,
            decimals=decimals if decimals is not None else DEFAULT_DECIMALS,
            prior=prior,
            budget=budget,
            source=source,
            confirmed=bool(confirmed),
        ),
        reasons,
    )


def _number(line: int, label: str, cell: Cell, unit: str, reasons: list[str]) -> Decimal | None:
    """Parse one number cell; append a reason and return None when it is not a number."""
    shown = _quote(_cell_text(cell))
    if isinstance(cell, bool):
        reasons.append(f"第{line}行：{label}“{shown}”不是有效数字")
        return None
    if isinstance(cell, _PercentNumber):
        if unit not in _PERCENT_UNITS:
            reasons.append(f"第{line}行：{label}“{shown}”是百分数，与本行单位“{unit}”不一致")
            return None
        return _in_range(line, label, shown, cell.value.scaleb(2), reasons)
    if isinstance(cell, Decimal):
        return _in_range(line, label, shown, cell, reasons)

    text = unicodedata.normalize("NFKC", cell).replace("\u2212", "-")
    text = _WHITESPACE.sub("", text)
    if not text:
        return None
    if len(text) > MAX_NUMBER_TEXT:
        reasons.append(f"第{line}行：{label}“{shown}”不是有效数字")
        return None
    # The longest unit the text ends with, the row's own unit included (so "5万人次" in a 人次 row
    # is a mismatch, not 5 人次, and "5美元" in a 美元 row only fails on the unknown unit).
    candidates = [*_UNITS_LONGEST_FIRST, unit] if unit else _UNITS_LONGEST_FIRST
    suffix = max((u for u in candidates if text.endswith(u) and len(text) > len(u)), key=len, default=None)
    if suffix is not None:
        if suffix != unit:
            reasons.append(f"第{line}行：{label}“{shown}”的单位“{suffix}”与本行单位“{unit}”不一致")
            return None
        text = text[: -len(suffix)]
    if not _NUMBER.fullmatch(text):
        reasons.append(f"第{line}行：{label}“{shown}”不是有效数字")
        return None
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover — the regex admits only valid decimals
        reasons.append(f"第{line}行：{label}“{shown}”不是有效数字")
        return None
    return _in_range(line, label, shown, number, reasons)


def _in_range(line: int, label: str, shown: str, number: Decimal, reasons: list[str]) -> Decimal | None:
    if not number.is_finite():
        reasons.append(f"第{line}行：{label}“{shown}”不是有效数字")
        return None
    if abs(number) >= Decimal(10) ** MAX_INTEGER_DIGITS:
        reasons.append(f"第{line}行：{label}“{shown}”超出范围（整数部分最多 {MAX_INTEGER_DIGITS} 位）")
        return None
    # The database keeps 6 decimal places; a float from Excel (0.30000000000000004) is rounded.
    if number.as_tuple().exponent < -VALUE_PLACES:  # type: ignore[operator]
        number = number.quantize(Decimal(1).scaleb(-VALUE_PLACES))
    # Positional form without trailing zeros: 1E+16 -> 10000000000000000, 8.700 -> 8.7.
    return Decimal(plain_number(number))


def _decimals(line: int, cell: Cell, reasons: list[str]) -> int | None:
    shown = _quote(_cell_text(cell))
    if isinstance(cell, Decimal):
        text = str(cell)
    elif isinstance(cell, str):
        text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", cell))
    else:
        text = "x"
    if not text:
        return None
    if not _INTEGER.fullmatch(text) or int(Decimal(text)) > MAX_DECIMALS:
        reasons.append(f"第{line}行：小数位“{shown}”应为 0 到 {MAX_DECIMALS} 之间的整数")
        return None
    return int(Decimal(text))


def _status(line: int, cell: Cell, reasons: list[str]) -> bool | None:
    if isinstance(cell, bool):
        return cell
    text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", _cell_text(cell))).lower()
    if text in _CONFIRMED:
        return True
    if text in _PROVISIONAL:
        return False
    reasons.append(f"第{line}行：状态“{_quote(_cell_text(cell))}”无法识别，应为“确认”或“预计”")
    return None


_UNITS_LONGEST_FIRST = sorted(UNITS, key=len, reverse=True)


def _cell_text(cell: Cell) -> str:
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, _PercentNumber):
        return f"{plain_number(cell.value.scaleb(2))}%"
    if isinstance(cell, Decimal):
        return plain_number(cell)
    return clean_text(cell, multiline=False) if cell else ""


def _normalise_unit(text: str) -> str:
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def _quote(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


# --- plan ----------------------------------------------------------------------------------------

PLAN_FIELDS = ("value", "unit", "decimals", "prior", "budget", "source", "confirmed")
_NUMBER_FIELDS = ("value", "prior", "budget")


def plan_import(result: ParseResult, existing: Mapping[str, Mapping[str, Any]]) -> ImportPlan:
    """Preview an import against the existing metrics (keyed by name); saves nothing.

    Each parsed row is added (name not in `existing`), changed (with {field: (old, new)} for every
    field in PLAN_FIELDS that differs) or unchanged. Numbers compare by value (1.50 == 1.5). An empty
    cell in the file is a real value: it clears an existing number. Metrics absent from the file are
    not touched and not listed.
    """
    added: list[ParsedRow] = []
    changed: list[tuple[ParsedRow, dict[str, tuple[Any, Any]]]] = []
    unchanged: list[ParsedRow] = []
    changes: list[tuple[ParsedRow, list[Change]]] = []
    for row in result.rows:
        current = existing.get(row.name)
        if current is None:
            added.append(row)
            continue
        diff: dict[str, tuple[Any, Any]] = {}
        for name in PLAN_FIELDS:
            old = _normalise_existing(name, current.get(name))
            new = getattr(row, name)
            if old != new:
                diff[name] = (old, new)
        if diff:
            changed.append((row, diff))
            old_decimals = _normalise_existing("decimals", current.get("decimals"))
            changes.append(
                (
                    row,
                    [
                        _change(name, old, new, old_decimals, row.decimals)
                        for name, (old, new) in diff.items()
                    ],
                )
            )
        else:
            unchanged.append(row)
    return ImportPlan(
        added=added,
        changed=changed,
        unchanged=unchanged,
        rejected=list(result.rejected),
        warnings=list(result.warnings),
        changes=changes,
    )


# The preview's label of each PLAN_FIELDS entry: the column header (= the form's field label).
PLAN_LABELS = {name: COLUMNS["status" if name == "confirmed" else name] for name in PLAN_FIELDS}


def _change(name: str, old: Any, new: Any, old_decimals: int, new_decimals: int) -> Change:
    def text(value: Any, decimals: int) -> str:
        if name in _NUMBER_FIELDS:
            return shown(value, decimals) if isinstance(value, Decimal) or value is None else str(value)
        if name == "confirmed":
            return "已确认" if value else "预计"
        return "空" if value in (None, "") else str(value)

    return Change(PLAN_LABELS[name], text(old, old_decimals), text(new, new_decimals))


def _normalise_existing(name: str, value: Any) -> Any:
    if name in _NUMBER_FIELDS:
        if value is None or value == "":
            return None
        if isinstance(value, float):
            return Decimal(repr(value))
        try:
            return Decimal(value)
        except (InvalidOperation, TypeError, ValueError):
            return value
    if name == "confirmed":
        return value == "confirmed" if isinstance(value, str) else bool(value)
    if name == "decimals":
        return DEFAULT_DECIMALS if value is None else value
    return value if value is not None else ""
