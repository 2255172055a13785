"""The downloadable error report of an import: a copy of the uploaded rows with an added
"错误说明" column and the bad cells highlighted, plus a sheet listing every issue.

Rows keep the numbers they had in the uploaded file (rows above the header and skipped blank rows
stay, empty), so "第 12 行" in the list is row 12 of the copy too. Only recognised columns are
copied; personal ones are masked exactly as RowIssue.value is. Written in openpyxl's write-only
mode, row by row, as the file is read again."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from backend.imports.intake import FileFormat
from backend.imports.reading import cell_text, open_rows, reported_value
from backend.imports.spec import Column, RowIssue

COPY_TITLE = "导入数据"
LIST_TITLE = "错误列表"
ERRORS_HEADER = "错误说明"
LIST_HEADERS = ("行号", "列", "值", "说明")
NOTE = (
    "本表是导入错误报告：行号与原文件一致；红色单元格有误，原因见“错误说明”列和“错误列表”；"
    "个人信息已脱敏。"
)
# A cell beginning with one of these would be a formula (or DDE) in a spreadsheet program.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_BOLD = Font(bold=True)
_BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
_BAD_FONT = Font(color="9C0006")
_ERROR_FONT = Font(color="C00000")
_WRAPPED = Alignment(wrap_text=True, vertical="top")


def error_report_workbook(
    path: Path,
    fmt: FileFormat,
    columns: Sequence[Column],
    issues: Iterable[RowIssue],
    out: BinaryIO,
) -> None:
    """Writes the report of `issues` (in any order) found in the file at `path` to `out`."""
    by_row: dict[int, list[RowIssue]] = defaultdict(list)
    for issue in issues:
        by_row[issue.row].append(issue)
    workbook = Workbook(write_only=True)
    copy = workbook.create_sheet(COPY_TITLE)
    listing = workbook.create_sheet(LIST_TITLE)
    _copy_rows(copy, path, fmt, columns, by_row)
    _list_issues(listing, by_row)
    workbook.save(out)


def _copy_rows(
    sheet: WriteOnlyWorksheet,
    path: Path,
    fmt: FileFormat,
    columns: Sequence[Column],
    by_row: dict[int, list[RowIssue]],
) -> None:
    by_key = {column.key: column for column in columns}
    with open_rows(path, fmt, columns) as source:
        keys = list(source.columns)  # file order
        position_of_header = {by_key[key].header: index for index, key in enumerate(keys)}
        _widths(sheet, [*(by_key[key].width for key in keys), 60])
        sheet.freeze_panes = f"A{source.header_row + 1}"
        for row in range(1, source.header_row):
            sheet.append([_text(sheet, NOTE)] if row == 1 else [])
        headers = [*source.columns.values(), ERRORS_HEADER]
        sheet.append([_text(sheet, header, font=_BOLD) for header in headers])
        written = source.header_row
        for number, cells in source.rows():
            for _ in range(written + 1, number):
                sheet.append([])
            bad = {
                position_of_header[issue.column]
                for issue in by_row.get(number, ())
                if issue.column in position_of_header
            }
            values = [
                _text(
                    sheet,
                    reported_value(by_key[key], cell_text(cells[key])),
                    bad=index in bad,
                )
                for index, key in enumerate(keys)
            ]
            explained = _explanation(by_row.get(number, ()))
            values.append(_text(sheet, explained, font=_ERROR_FONT, wrap=True))
            sheet.append(values)
            written = number


def _list_issues(sheet: WriteOnlyWorksheet, by_row: dict[int, list[RowIssue]]) -> None:
    _widths(sheet, [8, 18, 24, 60])
    sheet.freeze_panes = "A2"
    sheet.append([_text(sheet, header, font=_BOLD) for header in LIST_HEADERS])
    for number in sorted(by_row):
        for issue in by_row[number]:
            sheet.append(
                [
                    issue.row,
                    _text(sheet, issue.column),
                    _text(sheet, issue.value),
                    _text(sheet, issue.message, wrap=True),
                ]
            )


def _widths(sheet: WriteOnlyWorksheet, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, start=1):
        dimensions = sheet.column_dimensions  # type: ignore[attr-defined]  # missing from the stubs
        dimensions[get_column_letter(index)].width = width


def _explanation(issues: Iterable[RowIssue]) -> str:
    return "；".join(
        f"{issue.column}：{issue.message}" if issue.column else issue.message for issue in issues
    )


def _text(
    sheet: WriteOnlyWorksheet,
    text: str,
    *,
    bad: bool = False,
    font: Font | None = None,
    wrap: bool = False,
) -> Any:
    """A cell that always holds text: what the user wrote is never turned into a formula. Plain
    text goes as a str, which openpyxl writes faster than a cell object."""
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    formula_like = text.startswith(FORMULA_STARTS)
    if not (bad or formula_like or (text and (font or wrap))):
        return text or None
    cell = WriteOnlyCell(sheet, value=text or None)
    if formula_like:
        cell.data_type = "s"
        cell.quotePrefix = True
    if bad:
        cell.fill = _BAD_FILL
        cell.font = _BAD_FONT
    elif font is not None:
        cell.font = font
    if wrap:
        cell.alignment = _WRAPPED
    return cell
