"""GB 11643-1999 citizen ID numbers: 6-digit region, 8-digit birth date, 3-digit sequence, check."""

from dataclasses import dataclass
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


@dataclass(frozen=True)
class IdNumberFacts:
    birth_date: date
    is_male: bool


class InvalidIdNumber(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def check_digit(first17: str) -> str:
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalise(raw: str) -> str:
    return raw.strip().upper()


def parse_id_number(raw: str) -> IdNumberFacts:
    """The birth date and sex an ID number encodes; raises InvalidIdNumber with a Chinese message."""
    value = normalise(raw)
    if (
        len(value) != 18
        or not value[:17].isdigit()
        or not (value[17].isdigit() or value[17] == "X")
    ):
        raise InvalidIdNumber(
            "ID_FORMAT", "公民身份号码应为 18 位，前 17 位为数字，末位为数字或 X。"
        )
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidIdNumber("ID_BIRTH_DATE", "公民身份号码中的出生日期无效。") from None
    if born.year < 1900 or born > date.today():
        raise InvalidIdNumber("ID_BIRTH_DATE", "公民身份号码中的出生日期无效。")
    if check_digit(value[:17]) != value[17]:
        raise InvalidIdNumber("ID_CHECKSUM", "公民身份号码校验码错误，请核对。")
    return IdNumberFacts(birth_date=born, is_male=int(value[16]) % 2 == 1)


def make_id_number(region: str, born: date, sequence: int) -> str:
    """A checksum-valid number, used by the demo data and the tests."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)
