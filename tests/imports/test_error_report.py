"""error_report_workbook: the .xlsx a user downloads after a failed import — every row of their
file at its original row number, bad cells highlighted, an explanation per row, a list of every
issue, personal values masked and nothing turned into a formula."""

import io
import tracemalloc
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from backend.imports.error_report import error_report_workbook
from backend.imports.intake import FileFormat
from backend.imports.reading import mask_value
from backend.imports.spec import RowIssue
from tests.imports import crafted
from tests.imports.crafted import COLUMNS, HEADER

BAD_FILL = "00FFC7CE"


def report(path: Path, fmt: FileFormat, issues: list[RowIssue]) -> bytes:
    out = io.BytesIO()
    error_report_workbook(path, fmt, COLUMNS, issues, out)
    return out.getvalue()


def sheets(content: bytes) -> tuple[Worksheet, Worksheet]:
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["导入数据", "错误列表"]
    copy, listing = workbook.worksheets
    assert isinstance(copy, Worksheet)
    assert isinstance(listing, Worksheet)
    return copy, listing


def values(sheet: Worksheet) -> list[list[object]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def masked_id(number: str) -> str:
    return number[:3] + "*" * 11 + number[-4:]


def test_every_row_is_copied_with_its_errors_explained(tmp_path: Path) -> None:
    path = crafted.roster_xlsx(tmp_path / "名册.xlsx", 3)
    wrong = crafted.id_number(1)
    issues = [
        RowIssue(3, "公民身份号码", masked_id(wrong), "INVALID", "校验位不正确"),
        RowIssue(3, "", "", "DUPLICATE_IN_FILE", "与第 2 行重复"),
        RowIssue(4, "性别", "女", "INVALID", "只能填写 男 或 女"),
    ]
    copy, listing = sheets(report(path, FileFormat.XLSX, issues))
    assert values(copy) == [
        [*HEADER, "错误说明"],
        ["成员0", masked_id(crafted.id_number(0)), "女", "1990-01-01", "1*********0", None],
        [
            "成员1",
            masked_id(wrong),
            "男",
            "1990-01-01",
            "1*********1",
            "公民身份号码：校验位不正确；与第 2 行重复",
        ],
        [
            "成员2",
            masked_id(crafted.id_number(2)),
            "女",
            "1990-01-01",
            "1*********2",
            "性别：只能填写 男 或 女",
        ],
    ]
    highlighted = {
        cell.coordinate
        for row in copy.iter_rows()
        for cell in row
        if cell.fill.fgColor.rgb == BAD_FILL
    }
    assert highlighted == {"B3", "C4"}
    assert copy["A1"].font.bold
    assert values(listing) == [
        ["行号", "列", "值", "说明"],
        [3, "公民身份号码", masked_id(wrong), "校验位不正确"],
        [3, None, None, "与第 2 行重复"],
        [4, "性别", "女", "只能填写 男 或 女"],
    ]


def test_no_personal_value_appears_unmasked_anywhere(tmp_path: Path) -> None:
    path = crafted.roster_xlsx(tmp_path / "名册.xlsx", 20)
    content = report(
        path, FileFormat.XLSX, [RowIssue(5, "手机号码", "1*********3", "INVALID", "号码有误")]
    )
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = b"".join(archive.read(name) for name in archive.namelist())
    for index in range(20):
        assert crafted.id_number(index).encode() not in xml
        assert f"138{index:08d}".encode() not in xml
    copy, _ = sheets(content)
    assert copy["E5"].value == mask_value("13800000003")


def test_row_numbers_match_the_file_above_the_header_and_across_blank_rows(tmp_path: Path) -> None:
    rows = [HEADER, ["张三", "1"], [], ["李四", "2"]]
    path = crafted.xlsx_file(tmp_path / "名册.xlsx", rows, title="2024 年党员名册")
    issues = [
        RowIssue(5, "姓名", "李四", "NOT_FOUND", "查无此人"),
        RowIssue(3, "性别", "", "REQUIRED", "必须填写"),
    ]
    copy, _ = sheets(report(path, FileFormat.XLSX, issues))
    assert "行号与原文件一致" in copy["A1"].value
    assert copy["A2"].value == "姓名"
    assert copy["A3"].value == "张三"
    assert copy["C3"].value is None
    assert copy["C3"].fill.fgColor.rgb == BAD_FILL  # an empty cell that must be filled in
    assert copy["A4"].value is None
    assert copy["A5"].value == "李四"
    assert copy["A5"].fill.fgColor.rgb == BAD_FILL
    assert copy["F5"].value == "姓名：查无此人"
    assert copy.freeze_panes == "A3"


def test_issues_outside_the_rows_are_only_listed(tmp_path: Path) -> None:
    path = crafted.roster_xlsx(tmp_path / "名册.xlsx", 1)
    issues = [
        RowIssue(1, "入党日期", "", "REQUIRED", "缺少必填列"),
        RowIssue(9, "", "", "X", "不存在的行"),
    ]
    copy, listing = sheets(report(path, FileFormat.XLSX, issues))
    assert copy.max_row == 2
    assert copy["F2"].value is None
    assert [row[0] for row in values(listing)[1:]] == [1, 9]


def test_a_gbk_csv_becomes_an_xlsx_report(tmp_path: Path) -> None:
    path = crafted.csv_file(tmp_path / "名册.csv", crafted.roster_csv_text(2), "gbk")
    copy, _ = sheets(report(path, FileFormat.CSV, [RowIssue(2, "姓名", "成员0", "X", "有误")]))
    assert copy["A2"].value == "成员0"
    assert copy["F2"].value == "姓名：有误"


def test_cells_that_look_like_formulas_stay_text(tmp_path: Path) -> None:
    text = '姓名,性别,出生日期,入党日期\n"=HYPERLINK(""http://evil.example"",""点我"")",+1,@SUM(A1),-2+3\n'
    path = crafted.csv_file(tmp_path / "名册.csv", text, "utf-8")
    content = report(path, FileFormat.CSV, [RowIssue(2, "姓名", "=HYPERLINK(…)", "X", "=1+1")])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = b"".join(archive.read(name) for name in archive.namelist() if name.endswith(".xml"))
    assert b"<f>" not in xml
    assert b"<f " not in xml
    copy, listing = sheets(content)
    for cell in copy[2][:4]:
        assert cell.data_type == "s"
        assert cell.quotePrefix
    assert copy["A2"].value.startswith("=HYPERLINK")
    assert listing["D2"].value == "=1+1"
    assert listing["D2"].data_type == "s"


def test_characters_xml_cannot_hold_do_not_break_the_report(tmp_path: Path) -> None:
    path = crafted.csv_file(tmp_path / "名册.csv", "姓名,性别\n张\x01三,男\n", "utf-8")
    copy, _ = sheets(report(path, FileFormat.CSV, []))
    assert copy["A2"].value == "张\ufffd三"


def test_a_large_report_streams_in_bounded_memory(tmp_path: Path) -> None:
    path = crafted.roster_xlsx(tmp_path / "名册.xlsx", 8_000)
    issues = [RowIssue(n, "性别", "男", "INVALID", "有误") for n in range(2, 8_002, 10)]
    tracemalloc.start()
    try:
        content = report(path, FileFormat.XLSX, issues)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        copy = archive.read("xl/worksheets/sheet1.xml")
        listing = archive.read("xl/worksheets/sheet2.xml")
    assert copy.count(b"<row ") == 8_001
    assert listing.count(b"<row ") == 801
    # Holding the 8,000 rows at once would take about 6 MB.
    assert peak < 3 * 1024 * 1024, peak
