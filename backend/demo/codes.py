"""Codes and ID numbers of the demo data: org codes, 统一社会信用代码, and drawing unused ones."""

import random
from collections.abc import Callable
from datetime import date

from backend.members.id_numbers import make_id_number
from backend.units.models import UnitKind

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code(prefix: str, region: str, org_digits: str) -> str:
    """A 统一社会信用代码 with valid check characters (GB 11714 and GB 32100)."""
    org_sum = sum(int(d) * w for d, w in zip(org_digits, _ORG_CODE_WEIGHTS, strict=True))
    org_check = 11 - org_sum % 11
    org_code = org_digits + {10: "X", 11: "0"}.get(org_check, str(org_check))
    body = prefix + region + org_code
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(body, _CREDIT_WEIGHTS, strict=True))
    return body + _CREDIT_CHARS[(31 - total % 31) % 31]


def credit_prefix(kind: str, name: str) -> str:
    """The registering authority and entity type that open a unit's 统一社会信用代码."""
    if kind == UnitKind.ORGAN:
        return "11"
    if "公司" in name or name.endswith(("支行", "营业部", "加油站")):
        return "91"
    if kind == UnitKind.SOCIAL_ORGANISATION:
        return "51" if name.endswith(("协会", "商会", "分会", "联谊会")) else "52"
    return "12"


def child_org_code(parent_code: str, number: int) -> str:
    """The code of a parent's `number`-th child: the district's region code, then -01, -02 …"""
    return f"{parent_code}-{number:02d}"


def draw_unused(draw: Callable[[], str], used: set[str]) -> str:
    """Call `draw()` until it gives a value not in `used`, and record that value there."""
    while True:
        value = draw()
        if value not in used:
            used.add(value)
            return value


def draw_id_number(
    rng: random.Random, used: set[str], *, region: str, born: date, is_male: bool
) -> str:
    """A 公民身份号码 of the region, birth date and sex that is not in `used` yet."""
    # The sequence's last digit is the ID number's 17th: odd for men, even for women.
    return draw_unused(lambda: make_id_number(region, born, rng.randrange(500) * 2 + is_male), used)
