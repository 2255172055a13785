"""The downloadable template of an import kind: the header row the reader recognises, with a
comment on each header, drop-down lists for enumerated columns, and a sheet explaining every
column. Small, so written in openpyxl's normal (not write-only) mode."""

import io
import re
from collections.abc import Sequence

from django.conf import settings
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from backend.imports.spec import Column

INSTRUCTIONS_TITLE = "填写说明"
CHOICES_TITLE = "选项"
AUTHOR = "党建平台"
REQUIRED_MARK = "*"
LAST_ROW = 1_048_576
# Excel keeps an inline list ("男,女") in a formula of at most 255 characters, and cannot hold a
# comma inside one of its items; longer lists go to a hidden sheet.
INLINE_LIST_LIMIT = 255
TEXT_FORMAT = "@"

_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_CENTERED = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAPPED = Alignment(vertical="top", wrap_text=True)
_NOT_IN_SHEET_TITLES = re.compile(r"[\[\]:*?/\\]")


def template_workbook(kind_label: str, columns: Sequence[Column]) -> bytes:
    """An .xlsx whose first sheet, named after the kind, has one header per column."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = sheet_title(kind_label)
    choices_sheet: Worksheet | None = None
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=template_header(column))
        header.font = _REQUIRED_FONT if column.required else _HEADER_FONT
        header.fill = _HEADER_FILL
        header.alignment = _CENTERED
        header.comment = _comment(column)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        # Typed as text, ID numbers keep their 18 digits and codes their leading zeros, instead
        # of becoming 1.10101E+17 and 12.
        dimension.number_format = TEXT_FORMAT
        if column.choices:
            if _fits_inline(column.choices):
                source = '"' + ",".join(column.choices) + '"'
            else:
                if choices_sheet is None:
                    choices_sheet = workbook.create_sheet(CHOICES_TITLE)
                    choices_sheet.sheet_state = "hidden"
                source = _list_on(choices_sheet, index, column.choices)
            sheet.add_data_validation(_drop_down(column, source, f"{letter}2:{letter}{LAST_ROW}"))
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 24
    _instructions(workbook.create_sheet(INSTRUCTIONS_TITLE, index=1), columns)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_header(column: Column) -> str:
    return (REQUIRED_MARK if column.required else "") + column.header


def sheet_title(label: str) -> str:
    """Excel's rules: at most 31 characters, none of [ ] : * ? / \\."""
    return _NOT_IN_SHEET_TITLES.sub("_", label)[:31] or "导入"


def _comment(column: Column) -> Comment:
    lines = ["必填" if column.required else "选填"]
    if column.comment:
        lines.append(column.comment)
    if column.choices:
        lines.append("可选：" + "、".join(column.choices))
    comment = Comment("\n".join(lines), AUTHOR)
    comment.width = 240
    comment.height = 60 + 20 * len(lines)
    return comment


def _fits_inline(choices: Sequence[str]) -> bool:
    joined = ",".join(choices)
    return len(joined) + 2 <= INLINE_LIST_LIMIT and not any(
        "," in choice or '"' in choice for choice in choices
    )


def _list_on(choices_sheet: Worksheet, index: int, choices: Sequence[str]) -> str:
    """Writes the choices down column `index` of the hidden sheet; the range that lists them."""
    letter = get_column_letter(index)
    for row, choice in enumerate(choices, start=1):
        choices_sheet.cell(row=row, column=index, value=choice).data_type = "s"
    return f"'{CHOICES_TITLE}'!${letter}$1:${letter}${len(choices)}"


def _drop_down(column: Column, source: str, cells: str) -> DataValidation:
    validation = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="输入有误",
        error=f"“{column.header}”请从下拉列表中选择。",
    )
    validation.add(cells)
    return validation


def _instructions(sheet: Worksheet, columns: Sequence[Column]) -> None:
    sheet.append(["列名", "是否必填", "填写说明", "可选值"])
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for column in columns:
        sheet.append(
            [
                column.header,
                "必填" if column.required else "选填",
                column.comment,
                "、".join(column.choices),
            ]
        )
    max_megabytes = settings.DANGJIAN_IMPORT_MAX_BYTES // (1024 * 1024)
    notes = [
        "注意事项",
        f"1. 列名前带 {REQUIRED_MARK} 的列必须填写；按列名识别，列的顺序可以调整，表头上方可以有标题行。",
        "2. 日期可写作 2024-03-01、2024/3/1 或 2024年3月1日。",
        "3. 请保存为 .xlsx（Excel 工作簿）或 CSV 文件上传，不要使用含宏的工作簿或设置密码。",
        f"4. 一个文件最多 {settings.DANGJIAN_IMPORT_MAX_ROWS} 行数据、不超过 {max_megabytes} MB。",
    ]
    sheet.append([])
    for note in notes:
        sheet.append([note])
    sheet.cell(row=len(columns) + 3, column=1).font = _HEADER_FONT
    for letter, width in zip("ABCD", (20, 10, 40, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, max_row=len(columns) + 1):
        for cell in row:
            cell.alignment = _WRAPPED
