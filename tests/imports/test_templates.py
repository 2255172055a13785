"""template_workbook: what a user downloads to fill in — and what the reader then recognises."""

import io
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from backend.imports.intake import FileFormat, inspect_upload
from backend.imports.reading import open_rows
from backend.imports.spec import Column
from backend.imports.templates import template_workbook
from tests.imports.crafted import COLUMNS, text

# More than 255 characters joined: too long for an inline list.
ORGS = tuple(f"第{i:02d}党支部委员会" for i in range(30))
LONG = (
    *COLUMNS,
    Column("org", "所在党组织", text, required=True, choices=ORGS, width=30),
    Column("title", "职务", text, choices=("书记", "副书记,兼纪检委员")),
)


def opened(columns=COLUMNS, label: str = "党员名册"):
    return load_workbook(io.BytesIO(template_workbook(label, columns)))


def first_sheet(workbook) -> Worksheet:
    sheet = workbook.worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet


def test_the_header_row_marks_required_columns() -> None:
    sheet = first_sheet(opened())
    assert sheet.title == "党员名册"
    headers = [cell.value for cell in sheet[1]]
    assert headers == ["*姓名", "*公民身份号码", "性别", "出生日期", "手机号码", "入党日期"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1


def test_every_header_has_a_comment() -> None:
    sheet = first_sheet(opened())
    comments = {cell.value: cell.comment.text if cell.comment else None for cell in sheet[1]}
    assert comments["*姓名"] == "必填\n与身份证一致"
    assert comments["*公民身份号码"] == "必填\n18 位，末位可为 X"
    assert comments["性别"] == "选填\n可选：男、女"
    assert comments["入党日期"] == "选填"


def test_columns_have_their_widths_and_are_typed_as_text() -> None:
    sheet = first_sheet(opened())
    assert sheet.column_dimensions["A"].width == 16
    assert sheet.column_dimensions["B"].width == 22
    assert sheet.column_dimensions["B"].number_format == "@"


def test_enumerated_columns_get_an_inline_drop_down() -> None:
    sheet = first_sheet(opened())
    [validation] = sheet.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"男,女"'
    assert str(validation.sqref) == "C2:C1048576"
    assert validation.showErrorMessage


def test_long_lists_and_lists_with_commas_go_to_a_hidden_sheet() -> None:
    workbook = opened(LONG)
    sheet = first_sheet(workbook)
    by_column = {str(v.sqref)[0]: v for v in sheet.data_validations.dataValidation}
    assert by_column["G"].formula1 == "'选项'!$G$1:$G$30"
    assert by_column["H"].formula1 == "'选项'!$H$1:$H$2"
    choices = workbook["选项"]
    assert choices.sheet_state == "hidden"
    assert [cell.value for (cell,) in choices.iter_rows(min_col=7, max_col=7)] == list(ORGS)
    assert choices["H2"].value == "副书记,兼纪检委员"
    assert [s.title for s in workbook.worksheets] == ["党员名册", "填写说明", "选项"]


def test_the_instructions_sheet_lists_every_column(settings) -> None:
    settings.DANGJIAN_IMPORT_MAX_ROWS = 5000
    sheet = opened(LONG)["填写说明"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(max_row=len(LONG) + 1)]
    assert rows[0] == ["列名", "是否必填", "填写说明", "可选值"]
    assert [row[0] for row in rows[1:]] == [column.header for column in LONG]
    assert rows[1][:3] == ["姓名", "必填", "与身份证一致"]
    assert rows[3] == ["性别", "选填", None, "男、女"]
    assert rows[7][1] == "必填"
    assert rows[7][3] == "、".join(ORGS)
    notes = [row[0].value for row in sheet.iter_rows(min_row=len(LONG) + 3)]
    assert any("5000 行" in note for note in notes)


def test_a_label_excel_cannot_name_a_sheet_with_is_cleaned() -> None:
    sheet = first_sheet(opened(label="党员/组织关系[转入]名册：2024 年度第一批次导入模板（补录）"))
    assert sheet.title == "党员_组织关系_转入_名册：2024 年度第一批次导入模板（补"  # 31 characters


def test_the_template_passes_intake_and_its_headers_are_all_recognised(tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    path.write_bytes(template_workbook("党员名册", LONG))
    assert inspect_upload(path, path.name) is FileFormat.XLSX
    with open_rows(path, FileFormat.XLSX, LONG) as source:
        assert list(source.columns) == [column.key for column in LONG]
        assert source.unknown_headers == ()
        assert source.missing_required == ()
        assert list(source.rows()) == []
