"""A generated roster of Party members to import: the README's walkthrough, the tests and the
benchmark use it. Seeded, so a seed always gives the same people; a few rows can be spoiled on
purpose, each in a different way a real roster goes wrong."""

import csv
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO

from openpyxl import Workbook

from backend.demo import names as n
from backend.members.id_numbers import make_id_number
from backend.orgs.models import PartyOrg
from backend.orgs.rules import HOLDS_NO_MEMBERS

HEADERS = (
    "姓名",
    "公民身份号码",
    "学历",
    "入党时间",
    "党员状态",
    "党员类别",
    "所在党组织代码",
    "联系电话",
)
EDUCATION = ("大学本科", "大学专科", "研究生", "高中", "中专", "初中及以下")
CATEGORIES = ("社区党员", "离退休党员", "流动党员", "下岗职工党员")
# Generated ID numbers take their region code and sequence from the row's index, so no two rows
# of a roster share one (unless spoiled on purpose).
ROWS_PER_REGION = 500


@dataclass(frozen=True)
class Spoiler:
    what: str  # what is wrong, as the README lists it
    column: str

    def apply(self, row: list[str], earlier: list[str] | None) -> None:
        index = HEADERS.index(self.column)
        row[index] = SPOILED[self.what](row[index], earlier)


def _bad_checksum(value: str, _earlier: list[str] | None) -> str:
    last = "0" if value[-1] != "0" else "1"
    return value[:-1] + last


SPOILED = {
    "公民身份号码校验位错误": _bad_checksum,
    "姓名为空": lambda _value, _earlier: "",
    "党组织代码不存在": lambda _value, _earlier: "NO-SUCH-ORG",
    "入党日期无法识别": lambda _value, _earlier: "2021-13-45",
    "入党日期晚于今天": lambda _value, _earlier: (date.today() + timedelta(days=30)).isoformat(),
    "与前面的行身份证号重复": lambda value, earlier: earlier[1] if earlier else value,
    "联系电话格式错误": lambda _value, _earlier: "12345",
    "学历不在可选范围": lambda _value, _earlier: "博士后",
}
SPOILERS = tuple(
    Spoiler(what, column)
    for what, column in (
        ("公民身份号码校验位错误", "公民身份号码"),
        ("姓名为空", "姓名"),
        ("党组织代码不存在", "所在党组织代码"),
        ("入党日期无法识别", "入党时间"),
        ("入党日期晚于今天", "入党时间"),
        ("与前面的行身份证号重复", "公民身份号码"),
        ("联系电话格式错误", "联系电话"),
        ("学历不在可选范围", "学历"),
    )
)


def member_org_codes() -> list[str]:
    """Codes of the current district's orgs that can hold members' relations."""
    return list(
        PartyOrg.objects.exclude(kind__in=HOLDS_NO_MEMBERS)
        .filter(end_date__isnull=True)
        .order_by("code")
        .values_list("code", flat=True)
    )


def roster_rows(
    org_codes: Sequence[str], *, rows: int, seed: int = 8, spoil: int = 0
) -> Iterator[list[str]]:
    """`rows` data rows in HEADERS order; `spoil` of them (spread through the file, cycling
    through SPOILERS) are wrong in one field each."""
    rng = random.Random(seed)
    spoiled_at = {(i + 1) * rows // (spoil + 1): SPOILERS[i % len(SPOILERS)] for i in range(spoil)}
    earlier: list[str] | None = None
    for index in range(rows):
        is_male = rng.random() < 0.55
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 52))
        joined = born + timedelta(days=365 * 19 + rng.randrange(365 * 15))
        joined = min(joined, date.today() - timedelta(days=400))
        sequence = (index % ROWS_PER_REGION) * 2 + is_male
        region = f"33{index // ROWS_PER_REGION % 10_000:04d}"
        row = [
            rng.choice(n.SURNAMES)
            + rng.choice(n.GIVEN_NAMES["mid"]["male" if is_male else "female"]),
            make_id_number(region, born, sequence),
            rng.choice(EDUCATION),
            joined.isoformat() if index % 3 else f"{joined.year}年{joined.month}月{joined.day}日",
            "正式党员" if rng.random() < 0.95 else "预备党员",
            rng.choice(CATEGORIES),
            rng.choice(org_codes),
            f"13{rng.randrange(10**9):09d}",
        ]
        spoiler = spoiled_at.get(index)
        if spoiler is not None:
            spoiler.apply(row, earlier)
        earlier = row
        yield row


def write_xlsx(path: Path, rows: Iterator[list[str]]) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("党员名册")
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def write_csv(out: IO[str], rows: Iterator[list[str]]) -> None:
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows)
