"""Cell parsers: what people type into spreadsheets, and what they get told when it is wrong."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from backend.imports import values
from backend.imports.spec import CellInvalid
from backend.members.id_numbers import make_id_number
from backend.members.models import Education, Gender, MemberStatus

ID = make_id_number("520102", date(1985, 7, 1), 123)  # ends in a digit
ID_X = next(
    n
    for n in (make_id_number("520102", date(1979, 2, 3), s) for s in range(1, 999))
    if n.endswith("X")
)


def _refused(parse, cell) -> CellInvalid:
    with pytest.raises(CellInvalid) as excinfo:
        parse(cell)
    assert excinfo.value.message
    return excinfo.value


# --- text ---------------------------------------------------------------------------------------


def test_text_is_stripped_and_numbers_lose_their_point_zero():
    parse = values.text(10)
    assert parse("  张三 ") == "张三"
    assert parse(12.0) == "12"
    assert parse(3.5) == "3.5"
    assert parse(date(2024, 3, 1)) == "2024-03-01"


def test_text_longer_than_allowed_is_refused():
    assert values.text(3)("张三丰") == "张三丰"
    assert _refused(values.text(3), "欧阳张三").code == "TOO_LONG"


def test_codes_are_ascii_without_spaces_and_upper_when_asked():
    assert values.code_text(50)(" ａｌｐｈａ－s1 ") == "alpha-s1"
    assert values.code_text(18, upper=True)("91110108mA01abcd2x") == "91110108MA01ABCD2X"
    assert _refused(values.code_text(5), "abcdef").code == "TOO_LONG"


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "2024-03-01",
        "2024/3/1",
        "2024.3.1",
        "20240301",
        "2024年3月1日",
        "2024年03月01号",
        "2024 年 3 月 1 日",
        "２０２４－０３－０１",
        "2024-03-01 00:00:00",
        "2024/3/1 8:30",
        "'2024-03-01",
        "45352",  # an Excel serial number that reached a CSV as text
        45352,  # a date cell that lost its format
        45352.75,  # with a time of day
        20240301,  # 20240301 typed into a number cell
        date(2024, 3, 1),
        datetime(2024, 3, 1, 9, 30),
    ],
)
def test_dates_in_the_formats_people_type(cell):
    assert values.date_value(cell) == date(2024, 3, 1)


def test_excel_serials_around_the_1900_leap_bug_and_the_plausible_range():
    assert values.date_value(7306) == date(1920, 1, 1)
    assert values.date_value(73050) == date(2099, 12, 31)
    # A bare year in a number cell is a year, not 1905: refused rather than misread.
    for cell in (2024, 60, 7305, 73051, -1, "2024", "3/1/2024", "2024-3", "24-3-1", True):
        assert _refused(values.date_value, cell).code == "INVALID", cell


def test_impossible_dates_are_refused_with_their_own_message():
    error = _refused(values.date_value, "2023-02-29")
    assert "不存在" in error.message
    assert "年份" in _refused(values.date_value, "1899-12-31").message


# --- choices ------------------------------------------------------------------------------------


def test_choices_by_label_code_or_synonym():
    gender = values.Choice(Gender, {"男性": Gender.MALE})
    assert gender("男") == "male"
    assert gender("男性") == "male"
    assert gender(" Female ") == "female"
    status = values.Choice(MemberStatus, {"预备": MemberStatus.PROBATIONARY})
    assert status("正式党员") == "full"
    assert status("预备") == "probationary"
    assert gender.labels == ("男", "女")


def test_an_unknown_choice_lists_the_allowed_labels():
    error = _refused(values.Choice(Education), "幼儿园")
    assert error.code == "INVALID"
    assert "研究生" in error.message
    assert "初中及以下" in error.message


def test_a_synonym_must_name_a_real_choice():
    with pytest.raises(ValueError, match="names no choice"):
        values.Choice(Gender, {"男性": "man"})


# --- numbers ------------------------------------------------------------------------------------


def test_integers_as_typed():
    parse = values.integer()
    assert parse(120) == 120
    assert parse(120.0) == 120
    assert parse("1,200") == 1200
    assert parse("１２０人") == 120
    assert parse("0") == 0


def test_integers_refused():
    parse = values.integer(0, 100)
    for cell in ("十二", 1.5, "1.5", True, date(2024, 1, 1)):
        assert _refused(parse, cell).code == "INVALID", cell
    assert _refused(parse, -1).code == "OUT_OF_RANGE"
    assert _refused(parse, "101").code == "OUT_OF_RANGE"


def test_hours_as_decimals():
    assert values.hours(2) == Decimal(2)
    assert values.hours(1.5) == Decimal("1.5")
    assert values.hours("1.5小时") == Decimal("1.5")
    assert values.hours("２.５") == Decimal("2.5")
    assert values.hours(".5") == Decimal("0.5")
    # Range and precision are the activity rules' (checked with the row), not the cell's.
    assert values.hours("30") == Decimal(30)
    for cell in ("两小时", "1,5", True, date(2024, 1, 1)):
        assert _refused(values.hours, cell).code == "INVALID", cell


# --- ID numbers and phones ----------------------------------------------------------------------


def test_id_numbers_are_normalised():
    assert values.id_number(ID) == ID
    assert values.id_number(f" {ID[:6]} {ID[6:14]} {ID[14:]} ") == ID
    full_width = ID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert values.id_number(full_width) == ID
    assert values.id_number(ID_X.lower()) == ID_X
    assert values.id_number(ID_X[:-1] + "ｘ") == ID_X
    assert values.id_number("'" + ID) == ID
    # An integer cell written by a program keeps every digit.
    assert values.id_number(int(ID)) == ID


def test_id_numbers_refused_without_repeating_them():
    wrong_check = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    cases = {
        wrong_check: "ID_CHECKSUM",
        ID[:-1]: "ID_FORMAT",
        ID[:6] + "19851301" + ID[14:]: "ID_BIRTH_DATE",
    }
    for cell, code in cases.items():
        error = _refused(values.id_number, cell)
        assert error.code == code
        assert cell not in error.message
        assert ID[6:14] not in error.message


def test_an_id_number_excel_turned_into_a_float_is_refused_as_lost():
    error = _refused(values.id_number, float(ID))
    assert error.code == "ID_FORMAT"
    assert "文本" in error.message


def test_phones_are_normalised():
    assert values.phone("138 1234 5678") == "13812345678"
    assert values.phone(13812345678) == "13812345678"
    assert values.phone(13812345678.0) == "13812345678"
    assert values.phone("+86 13812345678") == "13812345678"
    assert values.phone("＋８６－１３８１２３４５６７８") == "13812345678"
    assert values.phone("010-12345678") == "010-12345678"


def test_phones_refused():
    for cell in ("1381234567", "23812345678", "无", "12345", date(2024, 1, 1)):
        error = _refused(values.phone, cell)
        assert error.code == "INVALID"
        assert str(cell) not in error.message


def test_cell_text_is_what_reports_show():
    assert values.cell_text(None) == ""
    assert values.cell_text(5.0) == "5"
    assert values.cell_text(datetime(2024, 3, 1)) == "2024-03-01"
    assert values.cell_text(datetime(2024, 3, 1, 8, 30)) == "2024-03-01 08:30:00"
