"""Cell parsers: turn what people type into spreadsheets into values, or raise CellInvalid.

A cell arrives as text (stripped, never ""), a number or a date/datetime from an xlsx cell.
Structured values (dates, numbers, ID numbers, phones) are read after NFKC normalisation, so
full-width digits and punctuation typed with a Chinese input method count as their ASCII forms.
Messages are Chinese and never repeat a personal value.
"""

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db.models import TextChoices

from backend.imports.spec import Cell, CellInvalid
from backend.members.id_numbers import InvalidIdNumber, parse_id_number
from backend.members.services import PHONE_MESSAGE, PHONE_PATTERN

DATE_MESSAGE = "日期格式不正确，请填写如 2024-03-01、2024/3/1 或 2024年3月1日 的日期。"
# Excel's 1900 date system counts 1900-01-01 as day 1 and has a 29 February 1900 (day 60) that
# never was; from day 61 on, day n is 1899-12-30 plus n days.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
# Serial numbers are read only within 1920-01-01 … 2099-12-31: a bare 2024 in a date column is a
# year someone typed, not 16 July 1905.
_SERIAL_MIN, _SERIAL_MAX = 7306, 73050
_YEAR_MIN, _YEAR_MAX = 1900, 2100

_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
    r"(?:(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL_TEXT = re.compile(r"^\d{5}(?:\.\d+)?$")
_INTEGER_TEXT = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_DECIMAL_TEXT = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_COUNT_SUFFIX = re.compile(r"(?:人|名|个)$")
_HOURS_SUFFIX = re.compile(r"(?:个?小时|h|hr|hrs)$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def structured(cell: Cell) -> str:
    """A cell as text for structured values: NFKC (full-width to ASCII), no spaces, and without
    the leading apostrophe Excel users type to keep a number as text."""
    text = unicodedata.normalize("NFKC", cell_text(cell))
    return _SPACES.sub("", text).lstrip("'")


def cell_text(cell: Cell) -> str:
    """What a cell says, as text: whole numbers without ".0", dates as 2024-03-01."""
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else str(cell)
    if isinstance(cell, date):
        return cell.isoformat()
    return "" if cell is None else str(cell).strip()


# ---------------------------------------------------------------------------- text


def text(max_length: int) -> Callable[[Cell], str]:
    """Text of at most `max_length` characters (stripped)."""

    def parse(cell: Cell) -> str:
        value = cell_text(cell)
        if len(value) > max_length:
            raise CellInvalid(f"不能超过 {max_length} 个字。", "TOO_LONG")
        return value

    return parse


def code_text(max_length: int, *, upper: bool = False) -> Callable[[Cell], str]:
    """A code (org code, credit code): ASCII after NFKC, without spaces; `upper` for codes whose
    letters are capitals by definition (统一社会信用代码)."""

    def parse(cell: Cell) -> str:
        value = structured(cell)
        if len(value) > max_length:
            raise CellInvalid(f"不能超过 {max_length} 个字符。", "TOO_LONG")
        return value.upper() if upper else value

    return parse


# ---------------------------------------------------------------------------- dates


def date_value(cell: Cell) -> date:
    """A date as people type it: 2024-03-01, 2024/3/1, 2024.3.1, 20240301, 2024年3月1日, an
    xlsx date cell, or an Excel serial number (a date cell that lost its format)."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, bool):
        raise CellInvalid(DATE_MESSAGE)
    if isinstance(cell, int | float):
        return _from_number(cell)
    value = unicodedata.normalize("NFKC", cell_text(cell)).strip().lstrip("'")
    if match := _DATE_TEXT.match(value) or _DATE_DIGITS.match(value):
        return _make_date(*(int(part) for part in match.groups()))
    if _SERIAL_TEXT.match(value):
        return _from_serial(float(value))
    raise CellInvalid(DATE_MESSAGE)


def _from_number(number: float) -> date:
    if float(number).is_integer() and 10_000_000 <= number <= 99_999_999:
        digits = str(int(number))  # 20240301 typed into a number cell
        return _make_date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    return _from_serial(float(number))


def _from_serial(serial: float) -> date:
    days = int(serial)  # a fraction is the time of day
    if not _SERIAL_MIN <= days <= _SERIAL_MAX or days == _EXCEL_FAKE_LEAP_DAY:
        raise CellInvalid(DATE_MESSAGE)
    return _EXCEL_EPOCH + timedelta(days=days)


def _make_date(year: int, month: int, day: int) -> date:
    if not _YEAR_MIN <= year <= _YEAR_MAX:
        raise CellInvalid(f"年份须在 {_YEAR_MIN} 至 {_YEAR_MAX} 之间。")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellInvalid("日期不存在，请核对月份和日。") from None


# ---------------------------------------------------------------------------- choices


class Choice:
    """A column of a Django TextChoices: the label (性别 男), the code (male) or a synonym
    (男性). Parses to the code; `labels` fill the template's drop-down list."""

    def __init__(
        self, choices: type[TextChoices], synonyms: Mapping[str, str] | None = None
    ) -> None:
        self.labels: tuple[str, ...] = tuple(str(label) for label in choices.labels)
        self._codes: dict[str, str] = {}
        for code, label in choices.choices:
            self._codes[_choice_key(code)] = code
            self._codes[_choice_key(str(label))] = code
        for synonym, code in (synonyms or {}).items():
            if code not in choices.values:
                raise ValueError(f"synonym {synonym!r} names no choice {code!r}")
            self._codes[_choice_key(synonym)] = code

    def __call__(self, cell: Cell) -> str:
        code = self._codes.get(_choice_key(cell_text(cell)))
        if code is None:
            raise CellInvalid(f"应为以下之一：{'、'.join(self.labels)}。")
        return code


def _choice_key(value: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", value)).lower()


# ---------------------------------------------------------------------------- numbers


def integer(minimum: int = 0, maximum: int = 10_000_000) -> Callable[[Cell], int]:
    """A whole number (1200, 1,200, 120人) within [minimum, maximum]."""

    def parse(cell: Cell) -> int:
        if isinstance(cell, bool | date):
            raise CellInvalid("应为整数。")
        if isinstance(cell, float) and not cell.is_integer():
            raise CellInvalid("应为整数。")
        value = _COUNT_SUFFIX.sub("", structured(cell).replace(",", ""))
        if not _INTEGER_TEXT.match(value):
            raise CellInvalid("应为整数。")
        number = int(Decimal(value))
        if not minimum <= number <= maximum:
            raise CellInvalid(f"应在 {minimum} 至 {maximum} 之间。", "OUT_OF_RANGE")
        return number

    return parse


def hours(cell: Cell) -> Decimal:
    """Hours as a decimal (2, 1.5, 1.5小时); the range and the one decimal place are the
    activity rules' to check."""
    if isinstance(cell, bool | date):
        raise CellInvalid("应为小时数，如 2 或 1.5。")
    # A float as the shortest text that reads back as it: 1.5, not 1.5000000000000000.
    value = repr(cell) if isinstance(cell, float) else _HOURS_SUFFIX.sub("", structured(cell))
    if not _DECIMAL_TEXT.match(value):
        raise CellInvalid("应为小时数，如 2 或 1.5。")
    try:
        return Decimal(value)
    except InvalidOperation:
        raise CellInvalid("应为小时数，如 2 或 1.5。") from None


# ---------------------------------------------------------------------------- personal values


def id_number(cell: Cell) -> str:
    """A checksum-valid 18-character 公民身份号码, upper case (full-width digits, a lower-case x
    and spaces are forgiven)."""
    if isinstance(cell, float):
        # Excel keeps 15 significant digits: an ID number stored as a number has lost its last
        # digits for good, whatever the cell now shows.
        raise CellInvalid(
            "公民身份号码被存成了数字，末几位已丢失；请将该列设为文本格式后重新填写。",
            "ID_FORMAT",
        )
    if isinstance(cell, bool | date):
        raise CellInvalid("公民身份号码应为 18 位。", "ID_FORMAT")
    value = structured(cell).upper()
    try:
        parse_id_number(value)
    except InvalidIdNumber as exc:
        raise CellInvalid(exc.message, exc.code) from None
    return value


def phone(cell: Cell) -> str:
    """An 11-digit mobile number or an area code and landline number (010-12345678); spaces, a
    +86 prefix and full-width digits are forgiven."""
    if isinstance(cell, bool | date):
        raise CellInvalid(PHONE_MESSAGE)
    value = structured(cell)
    if value.startswith("+86"):
        value = value[3:].lstrip("-")
    if not PHONE_PATTERN.match(value):
        raise CellInvalid(PHONE_MESSAGE)
    return value
