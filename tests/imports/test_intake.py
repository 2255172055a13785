"""inspect_upload: what users really upload is accepted; every hostile file in crafted.py is
refused with the right code and a message telling the user what to do. Refusals that must happen
before anything is inflated get a time bound."""

import importlib
import time
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from backend.imports import intake
from backend.imports.intake import FileFormat, FileRefused, inspect_upload
from tests.imports import crafted


def refused(path: Path, filename: str | None = None) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        inspect_upload(path, filename or path.name)
    return caught.value


def refused_quickly(path: Path, filename: str | None = None) -> FileRefused:
    started = time.perf_counter()
    error = refused(path, filename)
    assert time.perf_counter() - started < 2
    return error


# --- what users upload -------------------------------------------------------------------------


def test_an_excel_roster_is_xlsx(tmp_path: Path) -> None:
    path = crafted.roster_xlsx(tmp_path / "名册.xlsx", 20, title="2024 年党员名册")
    assert inspect_upload(path, "名册.xlsx") is FileFormat.XLSX


def test_a_large_genuine_roster_passes_the_bounded_inflate(tmp_path: Path) -> None:
    path = crafted.roster_xlsx(tmp_path / "名册.xlsx", 20_000)
    assert inspect_upload(path, "名册.xlsx") is FileFormat.XLSX


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_in_the_encodings_excel_writes_is_csv(tmp_path: Path, encoding: str) -> None:
    path = crafted.csv_file(tmp_path / "名册.csv", crafted.roster_csv_text(5), encoding)
    assert inspect_upload(path, "名册.csv") is FileFormat.CSV


def test_content_decides_the_format_not_the_name(tmp_path: Path) -> None:
    path = crafted.roster_xlsx(tmp_path / "roster", 3)
    assert inspect_upload(path, "导出数据.xls") is FileFormat.XLSX


# --- size --------------------------------------------------------------------------------------


def test_a_file_over_20_mb_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = crafted.oversized(tmp_path / "big.xlsx", 20 * 1024 * 1024 + 1)
    error = refused_quickly(path)
    assert error.code == "TOO_LARGE"
    assert "20.0 MB" in error.message


def test_the_size_limit_is_a_setting(tmp_path: Path, settings) -> None:
    path = crafted.roster_xlsx(tmp_path / "名册.xlsx", 50)
    settings.DANGJIAN_IMPORT_MAX_BYTES = path.stat().st_size - 1
    assert refused(path).code == "TOO_LARGE"
    settings.DANGJIAN_IMPORT_MAX_BYTES = path.stat().st_size
    assert inspect_upload(path, path.name) is FileFormat.XLSX


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "空.csv"
    path.write_bytes(b"")
    assert refused(path).code == "EMPTY"


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from backend.config.settings import imports

    monkeypatch.setenv("DANGJIAN_IMPORT_MAX_BYTES", "1000")
    monkeypatch.setenv("DANGJIAN_IMPORT_MAX_UNCOMPRESSED", "2000")
    monkeypatch.setenv("DANGJIAN_IMPORT_MAX_ROWS", "30")
    try:
        reloaded = importlib.reload(imports)
        limits = (
            reloaded.DANGJIAN_IMPORT_MAX_BYTES,
            reloaded.DANGJIAN_IMPORT_MAX_UNCOMPRESSED,
            reloaded.DANGJIAN_IMPORT_MAX_ROWS,
        )
        assert limits == (1000, 2000, 30)
        monkeypatch.delenv("DANGJIAN_IMPORT_MAX_BYTES")
        monkeypatch.delenv("DANGJIAN_IMPORT_MAX_UNCOMPRESSED")
        monkeypatch.delenv("DANGJIAN_IMPORT_MAX_ROWS")
        reloaded = importlib.reload(imports)
        limits = (
            reloaded.DANGJIAN_IMPORT_MAX_BYTES,
            reloaded.DANGJIAN_IMPORT_MAX_UNCOMPRESSED,
            reloaded.DANGJIAN_IMPORT_MAX_ROWS,
        )
        assert limits == (20 * 1024 * 1024, 200 * 1024 * 1024, 200_000)
    finally:
        monkeypatch.undo()
        importlib.reload(imports)


# --- not a spreadsheet -------------------------------------------------------------------------


def test_a_png_renamed_xlsx_is_refused_by_its_magic_bytes(tmp_path: Path) -> None:
    error = refused(crafted.png(tmp_path / "名册.xlsx"))
    assert error.code == "UNKNOWN_FORMAT"
    assert "PNG 图片" in error.message


def test_a_binary_file_named_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "名册.csv"
    path.write_bytes(b"\x00\x01\x02name,id\n" * 10)
    assert refused(path).code == "UNKNOWN_FORMAT"


def test_an_html_page_saved_as_xls_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "导出.xls"
    path.write_text("\n<html><body><table><tr><td>姓名</td></tr></table></body></html>")
    error = refused(path)
    assert error.code == "UNKNOWN_FORMAT"
    assert "另存为 .xlsx" in error.message


def test_text_that_is_neither_utf8_nor_gb18030_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "名册.csv"
    path.write_bytes("姓名,性别\n".encode() + b"\x80\x80,\xff\n")
    assert refused(path).code == "BAD_ENCODING"


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "报告.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert refused(path).code == "UNKNOWN_FORMAT"


def test_a_binary_workbook_is_refused_with_advice(tmp_path: Path) -> None:
    path = crafted.tampered_xlsx(
        tmp_path / "名册.xlsb", {"xl/workbook.bin": b"\x83\x01\x00"}, drop=["xl/workbook.xml"]
    )
    error = refused(path)
    assert error.code == "UNKNOWN_FORMAT"
    assert ".xlsb" in error.message


def test_a_legacy_xls_is_refused_with_advice_to_resave(tmp_path: Path) -> None:
    error = refused(crafted.legacy_xls(tmp_path / "名册.xls"))
    assert error.code == "UNKNOWN_FORMAT"
    assert "另存为 .xlsx" in error.message


def test_a_password_protected_workbook_is_refused_as_encrypted(tmp_path: Path) -> None:
    error = refused(crafted.encrypted_xlsx(tmp_path / "名册.xlsx"))
    assert error.code == "ENCRYPTED"
    assert "另存为 .xlsx" in error.message


def test_a_zip_with_encrypted_entries_is_refused(tmp_path: Path) -> None:
    entries = [crafted.deflated(name, data) for name, data in crafted.xlsx_parts().items()]
    entries[0] = replace(entries[0], flags=0x801)
    path = crafted.write_zip(tmp_path / "名册.xlsx", entries)
    assert refused(path).code == "ENCRYPTED"


def test_a_truncated_workbook_is_corrupt(tmp_path: Path) -> None:
    path = crafted.roster_xlsx(tmp_path / "名册.xlsx", 200)
    path.write_bytes(path.read_bytes()[:-4000])
    assert refused(path).code == "CORRUPT"


def test_a_part_whose_bytes_fail_their_crc_is_corrupt(tmp_path: Path) -> None:
    entries = [crafted.deflated(name, data) for name, data in crafted.xlsx_parts().items()]
    sheet = next(i for i, e in enumerate(entries) if e.name == crafted.SHEET)
    entries[sheet] = replace(entries[sheet], crc=entries[sheet].crc ^ 1)
    assert refused(crafted.write_zip(tmp_path / "名册.xlsx", entries)).code == "CORRUPT"


def test_a_compression_method_excel_never_uses_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "名册.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as archive:
        for name, content in crafted.xlsx_parts().items():
            archive.writestr(name, content)
    assert refused(path).code == "CORRUPT"


def test_a_utf16_xml_part_is_refused(tmp_path: Path) -> None:
    sheet = crafted.xlsx_parts()[crafted.SHEET].decode()
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?>' + sheet).encode("utf-16-le")
    assert refused(crafted.tampered_xlsx(tmp_path / "名册.xlsx", {crafted.SHEET: utf16})).code == (
        "CORRUPT"
    )


# --- macros ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("with_project", "macro_type"), [(True, True), (True, False), (False, True)]
)
def test_a_macro_workbook_named_xlsx_is_refused(
    tmp_path: Path, with_project: bool, macro_type: bool
) -> None:
    path = crafted.macro_xlsx(
        tmp_path / "名册.xlsx", with_project=with_project, macro_type=macro_type
    )
    error = refused(path)
    assert error.code == "MACRO"
    assert "不含宏的 .xlsx" in error.message


def test_an_xlsm_name_is_refused_whatever_it_holds(tmp_path: Path) -> None:
    path = crafted.roster_xlsx(tmp_path / "名册.xlsx", 3)
    assert refused(path, "名册.XLSM").code == "MACRO"


def test_an_excel_4_macro_sheet_is_refused(tmp_path: Path) -> None:
    path = crafted.tampered_xlsx(tmp_path / "名册.xlsx", {"xl/macrosheets/sheet1.xml": b"<xm/>"})
    assert refused(path).code == "MACRO"


# --- zip bombs ---------------------------------------------------------------------------------


def test_a_1_gb_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    path = crafted.zip_bomb_xlsx(tmp_path / "名册.xlsx", inflated_mib=1024)
    assert path.stat().st_size < 2 * 1024 * 1024
    error = refused_quickly(path)
    assert error.code == "ZIP_BOMB"
    assert "压缩炸弹" in error.message


def test_a_10_gb_zip64_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    path = crafted.zip_bomb_xlsx(tmp_path / "名册.xlsx", inflated_mib=10 * 1024)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(crafted.SHEET).file_size > 10 * 1024**3
    assert refused_quickly(path).code == "ZIP_BOMB"


def test_a_bomb_under_the_total_budget_is_refused_by_its_ratio(tmp_path: Path) -> None:
    path = crafted.zip_bomb_xlsx(tmp_path / "名册.xlsx", inflated_mib=100)  # 100 MB < 200 MB
    assert refused_quickly(path).code == "ZIP_BOMB"


def test_the_total_uncompressed_budget_is_a_setting(tmp_path: Path, settings) -> None:
    path = crafted.roster_xlsx(tmp_path / "名册.xlsx", 200)
    with zipfile.ZipFile(path) as archive:
        total = sum(entry.file_size for entry in archive.infolist())
    settings.DANGJIAN_IMPORT_MAX_UNCOMPRESSED = total - 1
    assert refused_quickly(path).code == "ZIP_BOMB"


def test_a_central_directory_declaring_a_tiny_size_is_refused_before_inflating(
    tmp_path: Path,
) -> None:
    """1 GB declared as 10 KB, with its true compressed size: no deflate stream of 10 KB needs
    1.5 MB, so the lie shows in the directory alone."""
    path = crafted.lying_zip_xlsx(tmp_path / "名册.xlsx", declared=10_000)
    assert refused_quickly(path).code == "ZIP_BOMB"


def test_a_plausible_size_lie_is_caught_while_inflating(tmp_path: Path) -> None:
    """1 GB declared as 150 MB: ratio and budget look fine, so the inflate stops at 150 MB."""
    path = crafted.lying_zip_xlsx(tmp_path / "名册.xlsx", declared=150 * 1024 * 1024)
    assert refused(path).code == "ZIP_BOMB"


def test_more_than_1000_parts_is_refused(tmp_path: Path) -> None:
    path = crafted.many_entries_xlsx(tmp_path / "名册.xlsx", 1000)
    assert refused_quickly(path).code == "ZIP_BOMB"


def test_a_row_too_big_to_hold_in_memory_is_refused(tmp_path: Path) -> None:
    path = crafted.giant_row_xlsx(tmp_path / "名册.xlsx", 2 * 1024 * 1024)
    assert refused(path).code == "CORRUPT"


def test_a_wide_but_real_row_passes(tmp_path: Path) -> None:
    path = crafted.giant_row_xlsx(tmp_path / "名册.xlsx", 256 * 1024)
    assert inspect_upload(path, path.name) is FileFormat.XLSX


def test_too_many_shared_strings_for_the_row_limit_are_refused(tmp_path: Path, settings) -> None:
    settings.DANGJIAN_IMPORT_MAX_ROWS = 2  # at most 32 shared strings
    strings = [crafted.plain(f"值{i}") for i in range(40)]
    path = crafted.shared_strings_xlsx(tmp_path / "名册.xlsx", strings)
    assert refused(path).code == "TOO_MANY_ROWS"
    settings.DANGJIAN_IMPORT_MAX_ROWS = 3
    assert inspect_upload(path, path.name) is FileFormat.XLSX


# --- XML entities ------------------------------------------------------------------------------


@pytest.fixture
def openpyxl_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fails the test if anything hands the file to openpyxl."""

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl must not see this file")

    monkeypatch.setattr("openpyxl.reader.excel.ExcelReader.__init__", forbidden)
    monkeypatch.setattr("openpyxl.load_workbook", forbidden)


@pytest.mark.parametrize(
    "build",
    [
        crafted.entity_bomb_sheet_xlsx,
        crafted.entity_bomb_shared_strings_xlsx,
        # A lone external DOCTYPE whose "<!DO" ends the first inflated chunk.
        lambda path: crafted.entity_bomb_sheet_xlsx(
            path,
            padding=intake.CHUNK - len(crafted.XML_DECLARATION) - 4,
            doctype=crafted.EXTERNAL_DTD,
        ),
    ],
    ids=["worksheet", "shared-strings", "external-dtd-across-chunks"],
)
def test_an_entity_bomb_is_refused_before_openpyxl_sees_it(
    tmp_path: Path, build: Callable[[Path], Path], openpyxl_forbidden: None
) -> None:
    error = refused_quickly(build(tmp_path / "名册.xlsx"))
    assert error.code == "XML_ENTITIES"
    assert "DOCTYPE" in error.message
