"""open_rows: headers found by name wherever the title row puts them, cells as the parsers
expect them, CSV encodings and delimiters detected, rows streamed within the row limit, and the
XML parser never given an entity to expand, even for a file intake never saw."""

import io
import time
import tracemalloc
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from openpyxl import Workbook

from backend.imports.intake import FileFormat, FileRefused, inspect_upload
from backend.imports.reading import (
    cell_text,
    mask_value,
    normalize_header,
    open_rows,
    reported_value,
)
from backend.imports.xlsx_rows import EntityGuard, require_defused_openpyxl
from tests.imports import crafted
from tests.imports.crafted import COLUMNS, HEADER


def read(path: Path, fmt: FileFormat = FileFormat.XLSX) -> list[tuple[int, dict]]:
    with open_rows(path, fmt, COLUMNS) as source:
        return list(source.rows())


def refused(path: Path, fmt: FileFormat = FileFormat.XLSX) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        read(path, fmt)
    return caught.value


# --- headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("*姓名", "姓名"),
        ("＊ 性 别", "性别"),
        ("公民身份号码（必填）", "公民身份号码"),
        ("【必填】", ""),
        ("手机号码：", "手机号码"),
        ("服务时长（小时）", "服务时长(小时)"),
        ("Email\u3000", "email"),
    ],
)
def test_normalize_header(written: str, normal: str) -> None:
    assert normalize_header(written) == normal


def test_an_excel_roster_is_read_by_header_name(tmp_path: Path) -> None:
    path = crafted.roster_xlsx(tmp_path / "名册.xlsx", 3)
    with open_rows(path, FileFormat.XLSX, COLUMNS) as source:
        assert source.format is FileFormat.XLSX
        assert source.encoding is None
        assert source.header_row == 1
        assert source.columns == dict(
            zip(["name", "id_number", "gender", "born_on", "phone"], HEADER, strict=True)
        )
        assert source.unknown_headers == ()
        assert source.missing_required == ()
        assert source.estimated_rows == 3
        rows = list(source.rows())
    assert [number for number, _ in rows] == [2, 3, 4]
    assert rows[0][1] == {
        "name": "成员0",
        "id_number": crafted.id_number(0),
        "gender": "女",
        "born_on": "1990-01-01",
        "phone": "13800000000",
    }


def test_rows_are_estimated_without_a_dimension(tmp_path: Path) -> None:
    """openpyxl's write-only mode (the demo roster's) writes no <dimension>."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("名册")
    for row in [["党员名册"], HEADER, *crafted.roster_rows(1200)]:
        sheet.append(row)
    path = tmp_path / "名册.xlsx"
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        assert b"<dimension" not in archive.read("xl/worksheets/sheet1.xml")
    with open_rows(path, FileFormat.XLSX, COLUMNS) as source:
        assert source.header_row == 2
        assert source.estimated_rows == 1200


def test_a_title_row_above_the_header_is_skipped(tmp_path: Path) -> None:
    path = crafted.roster_xlsx(tmp_path / "名册.xlsx", 2, title="2024 年度党员名册（第一支部）")
    with open_rows(path, FileFormat.XLSX, COLUMNS) as source:
        assert source.header_row == 2
        assert [number for number, _ in source.rows()] == [3, 4]


def test_the_first_visible_sheet_is_read(tmp_path: Path) -> None:
    path = crafted.roster_xlsx(tmp_path / "名册.xlsx", 1, hidden_first=True)
    assert read(path)[0][1]["name"] == "成员0"


def test_headers_match_despite_marks_suffixes_synonyms_and_order(tmp_path: Path) -> None:
    header = ["备注", "＊手机号码", "身份证号", "*姓名（必填）", "出生日期\n(yyyy-mm-dd)", "姓名"]
    path = crafted.xlsx_file(
        tmp_path / "名册.xlsx", [header, ["党小组长", 1, "x", "张三", None, "李四"]]
    )
    with open_rows(path, FileFormat.XLSX, COLUMNS) as source:
        assert list(source.columns) == ["phone", "id_number", "name", "born_on"]  # file order
        assert source.columns["born_on"] == "出生日期 (yyyy-mm-dd)"
        # A second 姓名 column cannot both be read: it is reported with the unknown ones.
        assert source.unknown_headers == ("备注", "姓名")
        assert source.missing_required == ()
        [(_, row)] = list(source.rows())
    assert row == {"phone": 1, "id_number": "x", "name": "张三", "born_on": None}


def test_missing_required_columns_are_named_by_their_template_header(tmp_path: Path) -> None:
    path = crafted.xlsx_file(tmp_path / "名册.xlsx", [["性别", "手机号码"], ["男", "1"]])
    with open_rows(path, FileFormat.XLSX, COLUMNS) as source:
        assert source.missing_required == ("姓名", "公民身份号码")


def test_a_file_with_no_known_header_reports_every_header_unknown(tmp_path: Path) -> None:
    path = crafted.xlsx_file(tmp_path / "名册.xlsx", [["甲", "乙"], ["1", "2"]])
    with open_rows(path, FileFormat.XLSX, COLUMNS) as source:
        assert source.columns == {}
        assert source.unknown_headers == ("甲", "乙")
        assert source.missing_required == ("姓名", "公民身份号码")


def test_a_sheet_without_rows_is_empty(tmp_path: Path) -> None:
    path = crafted.xlsx_file(tmp_path / "名册.xlsx", [])
    assert refused(path).code == "EMPTY"


# --- cells -------------------------------------------------------------------------------------


def test_excel_dates_arrive_as_dates_and_a_typed_serial_as_its_number(tmp_path: Path) -> None:
    rows = read(crafted.serial_dates_xlsx(tmp_path / "名册.xlsx"))
    assert rows[0][1]["born_on"] == date(1990, 1, 1)
    assert type(rows[0][1]["born_on"]) is date
    assert rows[0][1]["joined_on"] == date(2024, 3, 1)
    assert rows[1][1]["born_on"] == datetime(1991, 2, 3, 8, 30)
    assert rows[1][1]["joined_on"] == 45352  # General cell: the parser decides it is a date


def test_xlsx_cells_are_stripped_and_whole_floats_become_integers(tmp_path: Path) -> None:
    rows = [HEADER, ["  张三\u3000", "   ", True, 2.5, 13800138000.0]]
    [(_, row)] = read(crafted.xlsx_file(tmp_path / "名册.xlsx", rows))
    assert row == {
        "name": "张三",
        "id_number": None,
        "gender": True,
        "born_on": 2.5,
        "phone": 13800138000,
    }
    assert type(row["phone"]) is int


def test_shared_strings_rich_text_and_escaped_characters_are_read(tmp_path: Path) -> None:
    rich = (
        "<r><t>张</t></r><r><rPr><b/></rPr><t>三_x000D_第二行</t></r>"
        '<rPh sb="0" eb="1"><t>zhang</t></rPh>'  # a phonetic guide, not part of the value
    ).encode()
    strings = [crafted.plain("姓名"), crafted.plain("性别"), rich]
    [(_, row)] = read(crafted.shared_strings_xlsx(tmp_path / "名册.xlsx", strings))
    assert row["name"] == "张三\r第二行"


def test_every_cell_type_excel_writes_is_read(tmp_path: Path) -> None:
    """Written the way other tools do: a namespace prefix, rows and cells without references,
    a formula's cached result, an error, a boolean, an ISO date and a number in E notation."""
    headers = "".join(f'<x:c t="inlineStr"><x:is><x:t>{h}</x:t></x:is></x:c>' for h in HEADER)
    cells = (
        '<x:c t="str"><x:f>"张"&amp;"三"</x:f><x:v>张三</x:v></x:c>'
        '<x:c t="e"><x:v>#N/A</x:v></x:c>'
        '<x:c t="b"><x:v>0</x:v></x:c>'
        '<x:c t="d"><x:v>2024-03-01T00:00:00</x:v></x:c>'
        "<x:c><x:v>1.38E10</x:v></x:c>"
        '<x:c t="d"><x:v>2024-03-01T08:30:00</x:v></x:c>'
    )
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{crafted.MAIN_NS}">'
        f'<x:sheetData><x:row>{headers}<x:c t="inlineStr"><x:is><x:t>入党日期</x:t></x:is></x:c>'
        f"</x:row><x:row>{cells}</x:row></x:sheetData></x:worksheet>"
    ).encode()
    path = crafted.tampered_xlsx(tmp_path / "名册.xlsx", {crafted.SHEET: sheet})
    assert inspect_upload(path, path.name) is FileFormat.XLSX
    assert read(path) == [
        (
            2,
            {
                "name": "张三",
                "id_number": "#N/A",
                "gender": False,
                "born_on": date(2024, 3, 1),
                "phone": 13800000000,
                "joined_on": datetime(2024, 3, 1, 8, 30),
            },
        )
    ]


def test_a_shared_string_index_out_of_range_is_corrupt(tmp_path: Path) -> None:
    strings = [crafted.plain("姓名"), crafted.plain("性别")]  # the row's string 2 is missing
    path = crafted.shared_strings_xlsx(tmp_path / "名册.xlsx", strings)
    assert refused(path).code == "CORRUPT"


def test_malformed_sheet_xml_is_corrupt(tmp_path: Path) -> None:
    sheet = crafted.SHEET_START + b'<row r="2"><c r="A2"><v>1</v></row>' + crafted.SHEET_END
    path = crafted.tampered_xlsx(tmp_path / "名册.xlsx", {crafted.SHEET: sheet})
    assert refused(path).code == "CORRUPT"


def test_blank_rows_are_skipped_and_row_numbers_kept(tmp_path: Path) -> None:
    rows = [HEADER, ["张三"], [], [None, "  "], ["李四"]]
    assert [number for number, _ in read(crafted.xlsx_file(tmp_path / "名册.xlsx", rows))] == [2, 5]


def test_a_row_with_values_only_in_unknown_columns_is_blank(tmp_path: Path) -> None:
    rows = [["姓名", "性别", "备注"], [None, None, "只有备注"], ["张三", "男", None]]
    assert [number for number, _ in read(crafted.xlsx_file(tmp_path / "名册.xlsx", rows))] == [3]


def test_rows_can_be_read_again(tmp_path: Path) -> None:
    path = crafted.roster_xlsx(tmp_path / "名册.xlsx", 5)
    with open_rows(path, FileFormat.XLSX, COLUMNS) as source:
        assert list(source.rows()) == list(source.rows())


# --- CSV ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_csv_encodings_are_detected(tmp_path: Path, written: str, detected: str) -> None:
    path = crafted.csv_file(tmp_path / "名册.csv", crafted.roster_csv_text(3), written)
    with open_rows(path, FileFormat.CSV, COLUMNS) as source:
        assert source.encoding == detected
        assert source.header_row == 1
        assert source.estimated_rows == 3
        rows = list(source.rows())
    assert rows[2] == (
        4,
        {
            "name": "成员2",
            "id_number": crafted.id_number(2),
            "gender": "女",
            "born_on": "1990-01-01",
            "phone": "13800000002",
        },
    )


def test_excel_unicode_text_is_utf16_and_tab_separated(tmp_path: Path) -> None:
    text = crafted.roster_csv_text(2, delimiter="\t")
    path = crafted.csv_file(tmp_path / "名册.txt", text, "utf-16")
    with open_rows(path, FileFormat.CSV, COLUMNS) as source:
        assert source.encoding == "utf-16"
        assert [row["name"] for _, row in source.rows()] == ["成员0", "成员1"]


def test_a_semicolon_separated_csv_with_a_title_line(tmp_path: Path) -> None:
    text = "党员名册\n" + crafted.roster_csv_text(2, delimiter=";")
    path = crafted.csv_file(tmp_path / "名册.csv", text, "utf-8")
    with open_rows(path, FileFormat.CSV, COLUMNS) as source:
        assert source.header_row == 2
        assert [number for number, _ in source.rows()] == [3, 4]


def test_csv_cells_are_stripped_and_excel_escapes_undone(tmp_path: Path) -> None:
    text = '姓名,公民身份号码,手机号码,性别\n  张三 ,"=""0012""", \'+8613800138000,\n'
    path = crafted.csv_file(tmp_path / "名册.csv", text, "utf-8")
    [(_, row)] = read(path, FileFormat.CSV)
    assert row == {"name": "张三", "id_number": "0012", "phone": "+8613800138000", "gender": None}


def test_a_quoted_multiline_cell_is_one_row(tmp_path: Path) -> None:
    text = '姓名,性别\n"张\n三",男\n李四,女\n'
    path = crafted.csv_file(tmp_path / "名册.csv", text, "utf-8")
    assert read(path, FileFormat.CSV) == [
        (2, {"name": "张\n三", "gender": "男"}),
        (3, {"name": "李四", "gender": "女"}),
    ]


def test_an_oversized_csv_cell_is_corrupt(tmp_path: Path) -> None:
    text = '姓名,性别\n"' + "长" * 200_000 + '",男\n'
    error = refused(crafted.csv_file(tmp_path / "名册.csv", text, "utf-8"), FileFormat.CSV)
    assert error.code == "CORRUPT"
    assert "第 2 行" in error.message


def test_a_csv_of_blank_lines_is_empty(tmp_path: Path) -> None:
    path = crafted.csv_file(tmp_path / "名册.csv", "\n\n ,\n", "utf-8")
    assert refused(path, FileFormat.CSV).code == "EMPTY"


# --- limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [FileFormat.XLSX, FileFormat.CSV])
def test_rows_past_the_limit_are_refused(tmp_path: Path, settings, fmt: FileFormat) -> None:
    settings.DANGJIAN_IMPORT_MAX_ROWS = 10
    if fmt is FileFormat.XLSX:
        path = crafted.roster_xlsx(tmp_path / "名册.xlsx", 11)
    else:
        path = crafted.csv_file(tmp_path / "名册.csv", crafted.roster_csv_text(11), "utf-8")
    with open_rows(path, fmt, COLUMNS) as source:
        rows = source.rows()
        for _ in range(10):
            next(rows)
        with pytest.raises(FileRefused) as caught:
            next(rows)
    assert caught.value.code == "TOO_MANY_ROWS"
    assert "10" in caught.value.message
    settings.DANGJIAN_IMPORT_MAX_ROWS = 11
    assert len(read(path, fmt)) == 11


def test_too_many_blank_rows_are_refused(tmp_path: Path, settings) -> None:
    settings.DANGJIAN_IMPORT_MAX_ROWS = 5
    rows = [HEADER, ["张三"], *([[None, " "]] * 6), ["李四"]]
    error = refused(crafted.xlsx_file(tmp_path / "名册.xlsx", rows))
    assert error.code == "TOO_MANY_ROWS"
    assert "空行" in error.message


def test_rows_stream_in_bounded_memory(tmp_path: Path) -> None:
    path = crafted.roster_xlsx(tmp_path / "名册.xlsx", 15_000)
    tracemalloc.start()
    try:
        with open_rows(path, FileFormat.XLSX, COLUMNS) as source:
            count = sum(1 for _ in source.rows())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 15_000
    # Holding the 15,000 rows would take about 10 MB.
    assert peak < 2 * 1024 * 1024


# --- entities, even for a file intake never inspected ------------------------------------------


@pytest.mark.parametrize(
    "build",
    [crafted.entity_bomb_sheet_xlsx, crafted.entity_bomb_shared_strings_xlsx],
    ids=["worksheet", "shared-strings"],
)
def test_open_rows_refuses_entity_bombs_without_expanding_them(tmp_path: Path, build) -> None:
    started = time.perf_counter()
    assert refused(build(tmp_path / "名册.xlsx")).code == "XML_ENTITIES"
    assert time.perf_counter() - started < 2


def test_an_entity_bomb_in_the_workbook_part_is_refused_by_defusedxml(tmp_path: Path) -> None:
    workbook = crafted.xlsx_parts()["xl/workbook.xml"]
    bomb = workbook.replace(b"<workbook", crafted.BILLION_LAUGHS + b"<workbook", 1)
    path = crafted.tampered_xlsx(tmp_path / "名册.xlsx", {"xl/workbook.xml": bomb})
    assert refused(path).code == "XML_ENTITIES"


def test_the_entity_guard_sees_a_doctype_split_across_reads() -> None:
    guard = EntityGuard(
        io.BytesIO(b'<?xml version="1.0"?>' + b" " * 100 + b"<!DOCTYPE x SYSTEM 'y'><x/>")
    )
    guard.read(125)
    with pytest.raises(FileRefused) as caught:
        guard.read(125)
    assert caught.value.code == "XML_ENTITIES"


@pytest.mark.parametrize(
    "head", [b'<?xml version="1.0" encoding="cp037"?><x/>', "<x/>".encode("utf-16")]
)
def test_the_entity_guard_refuses_encodings_it_cannot_scan(head: bytes) -> None:
    with pytest.raises(FileRefused) as caught:
        EntityGuard(io.BytesIO(head)).read(1024)
    assert caught.value.code == "CORRUPT"


def test_reading_requires_openpyxl_to_parse_with_defusedxml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from xml.etree.ElementTree import fromstring

    require_defused_openpyxl()
    monkeypatch.setattr("openpyxl.reader.workbook.fromstring", fromstring)
    with pytest.raises(ImproperlyConfigured):
        require_defused_openpyxl()


# --- values in reports -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [("", ""), ("张", "*"), ("张三", "张*"), ("张三丰", "张*丰"), ("13800138000", "1*********0")],
)
def test_mask_value_keeps_the_first_and_last_character(text: str, masked: str) -> None:
    assert mask_value(text) == masked


def test_reported_values_are_masked_by_the_column() -> None:
    name, id_number, gender, _, phone, _ = COLUMNS
    assert reported_value(name, "张三") == "张三"
    number = crafted.id_number(7)
    assert reported_value(id_number, number) == "510" + "*" * 11 + number[-4:]
    assert reported_value(phone, "13800138000") == "1*********0"
    assert reported_value(gender, "男") == "男"


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (None, ""),
        ("张三", "张三"),
        (True, "TRUE"),
        (12, "12"),
        (0.1 + 0.2, "0.3"),
        (date(2024, 3, 1), "2024-03-01"),
        (datetime(2024, 3, 1, 8, 30), "2024-03-01 08:30:00"),
    ],
)
def test_cell_text(cell, text: str) -> None:
    assert cell_text(cell) == text
