"""GB 11643-1999 citizen ID numbers: what parse_id_number accepts, what it refuses and why."""

from datetime import date, timedelta

import pytest

from backend.members.id_numbers import (
    InvalidIdNumber,
    check_digit,
    make_id_number,
    normalise,
    parse_id_number,
)


def _with_check_x() -> str:
    """A valid number whose check character is X (about one sequence in eleven)."""
    for sequence in range(1, 1000):
        number = make_id_number("110101", date(1985, 6, 15), sequence)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives an X check character")


def test_published_example_number_is_accepted():
    # The worked example from GB 11643-1999 appendix: 11010519491231002X, a woman born 1949-12-31.
    facts = parse_id_number("11010519491231002X")
    assert facts.birth_date == date(1949, 12, 31)
    assert facts.is_male is False


def test_check_digit_matches_the_standard_example():
    assert check_digit("11010519491231002") == "X"
    assert check_digit("44052418800101001") == "4"


@pytest.mark.parametrize(
    ("sequence", "is_male"), [(101, True), (102, False), (999, True), (100, False)]
)
def test_sex_comes_from_the_parity_of_the_17th_digit(sequence, is_male):
    number = make_id_number("310101", date(1990, 1, 2), sequence)
    facts = parse_id_number(number)
    assert facts.is_male is is_male
    assert facts.birth_date == date(1990, 1, 2)


def test_x_check_character_is_accepted_in_either_case():
    number = _with_check_x()
    assert parse_id_number(number).birth_date == date(1985, 6, 15)
    assert parse_id_number(number.lower()).birth_date == date(1985, 6, 15)
    assert parse_id_number(f"  {number[:-1]}x ").birth_date == date(1985, 6, 15)


def test_normalise_strips_and_uppercases():
    assert normalise(" 11010519491231002x\n") == "11010519491231002X"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "1101051949123100",  # 16 characters
        "11010519491231002X1",  # 19 characters
        "110105194912310",  # the old 15-digit format
        "11010519491231A02X",  # letter among the first 17
        "11010519491231002Y",  # check character neither digit nor X
        "X10105194912310021",
    ],
)
def test_malformed_numbers_are_refused_with_id_format(raw):
    with pytest.raises(InvalidIdNumber) as excinfo:
        parse_id_number(raw)
    assert excinfo.value.code == "ID_FORMAT"
    assert "18 位" in excinfo.value.message


@pytest.mark.parametrize(
    "first17",
    [
        "11010519990230001",  # 30 February
        "11010519991301001",  # month 13
        "11010519990000001",  # month 0
        "11010518991231001",  # before 1900
    ],
)
def test_impossible_birth_dates_are_refused(first17):
    with pytest.raises(InvalidIdNumber) as excinfo:
        parse_id_number(first17 + check_digit(first17))
    assert excinfo.value.code == "ID_BIRTH_DATE"
    assert "出生日期" in excinfo.value.message


def test_birth_date_in_the_future_is_refused():
    number = make_id_number("110101", date.today() + timedelta(days=1), 101)
    with pytest.raises(InvalidIdNumber) as excinfo:
        parse_id_number(number)
    assert excinfo.value.code == "ID_BIRTH_DATE"


def test_born_today_is_still_a_valid_number():
    assert parse_id_number(make_id_number("110101", date.today(), 101)).birth_date == date.today()


def test_leap_day_birth_date_is_accepted():
    assert parse_id_number(make_id_number("110101", date(2000, 2, 29), 101)).birth_date == date(
        2000, 2, 29
    )


def test_every_wrong_check_character_is_refused_with_id_checksum():
    valid = make_id_number("110101", date(1980, 5, 17), 123)
    for wrong in "0123456789X":
        if wrong == valid[-1]:
            continue
        with pytest.raises(InvalidIdNumber) as excinfo:
            parse_id_number(valid[:-1] + wrong)
        assert excinfo.value.code == "ID_CHECKSUM", wrong
        assert "校验码" in excinfo.value.message


def test_a_single_mistyped_digit_is_caught_by_the_checksum():
    valid = make_id_number("110101", date(1980, 5, 17), 123)
    position = 3  # the region code: does not disturb the birth date
    digit = valid[position]
    typo = valid[:position] + str((int(digit) + 1) % 10) + valid[position + 1 :]
    with pytest.raises(InvalidIdNumber) as excinfo:
        parse_id_number(typo)
    assert excinfo.value.code == "ID_CHECKSUM"


def test_make_id_number_round_trips():
    number = make_id_number("440305", date(1972, 11, 30), 7)
    assert number.startswith("44030519721130007")
    assert len(number) == 18
    facts = parse_id_number(number)
    assert facts.birth_date == date(1972, 11, 30)
    assert facts.is_male is True
