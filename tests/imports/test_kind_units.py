"""单位名册 import kind: natural keys, the unit rules, scope and re-import."""

from typing import Any

import pytest

from backend.access.scopes import Access
from backend.imports.kinds.units import UNITS
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.units.models import Unit
from backend.units.services import UnitData, unit_create
from tests.imports.kind_runner import context, run

pytestmark = pytest.mark.usefixtures("in_alpha")

CODE_A = "91520102MA6H7XY31K"
CODE_B = "91520102MA6H7XY32K"


def org(code: str) -> PartyOrg:
    return PartyOrg.objects.get(code=f"alpha-{code}")


@pytest.fixture
def unit_org() -> PartyOrg:
    """A unit's Party organisation inside community c1."""
    return org_create(
        code="alpha-c1-u9", name="导入单位党支部", kind="unit_org", parent=org("s1-c1")
    )


def unit_row(name: str, **cells: Any) -> dict[str, Any]:
    return {"单位名称": name, "单位类型": "非公企业", **cells}


def branch_admin() -> Access:
    """Reads street s1's subtree, administers community c1's."""
    return Access(read_paths=(org("s1").path,), write_paths=(org("s1-c1").path,))


def test_units_are_created_and_reimported_by_credit_code_or_name(unit_org):
    rows = [
        unit_row(
            "甲公司",
            统一社会信用代码=CODE_A.lower(),
            地址="幸福路 1 号",
            职工人数="120人",
            党员人数=5,
            党组织建立情况="单建",
            覆盖党组织代码=unit_org.code,
            属地党组织代码="alpha-s1-c1",
        ),
        unit_row(
            "乙商店", 单位类型="民营企业", 党组织建立情况="挂靠", 覆盖党组织代码="alpha-s1-c1"
        ),
    ]
    first = run(UNITS, rows)
    assert first.issues == []
    assert (first.counts.created, first.counts.updated) == (2, 0)
    a = Unit.objects.get(credit_code=CODE_A)
    assert (a.name, a.kind, a.employee_count, a.party_member_count) == (
        "甲公司",
        "non_public_enterprise",
        120,
        5,
    )
    assert (a.party_org_status, a.covering_org, a.locality) == ("own", unit_org, org("s1-c1"))
    assert a.address == "幸福路 1 号"

    again = run(UNITS, rows)
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 2)

    rows[0]["单位名称"] = "甲公司（更名）"
    rows[1]["统一社会信用代码"] = CODE_B  # the shop now has its code: same unit, code filled in
    rows[1]["职工人数"] = 8
    changed = run(UNITS, rows)
    assert (changed.counts.created, changed.counts.updated, changed.counts.unchanged) == (0, 2, 0)
    assert Unit.objects.get(pk=a.pk).name == "甲公司（更名）"
    shop = Unit.objects.get(credit_code=CODE_B)
    assert (shop.name, shop.employee_count) == ("乙商店", 8)
    assert Unit.objects.filter(name__in=["甲公司", "甲公司（更名）", "乙商店"]).count() == 2


def test_a_column_the_file_lacks_keeps_the_value(unit_org):
    run(UNITS, [unit_row("甲公司", 统一社会信用代码=CODE_A, 地址="幸福路 1 号", 职工人数=30)])
    outcome = run(UNITS, [unit_row("甲公司", 统一社会信用代码=CODE_A, 职工人数=31)])
    assert outcome.counts.updated == 1
    unit = Unit.objects.get(credit_code=CODE_A)
    assert (unit.address, unit.employee_count) == ("幸福路 1 号", 31)
    present = {c.key for c in UNITS.columns}
    run(UNITS, [unit_row("甲公司", 统一社会信用代码=CODE_A)], context(file_columns=present))
    unit.refresh_from_db()
    assert (unit.address, unit.employee_count) == ("", 0)


@pytest.mark.parametrize(
    ("cells", "column", "code"),
    [
        ({"统一社会信用代码": "12345"}, "统一社会信用代码", "INVALID"),
        ({"职工人数": 3, "党员人数": 4}, "党员人数", "EXCEEDS_EMPLOYEES"),
        (
            {
                "职工人数": 10,
                "党员人数": 2,
                "党组织建立情况": "单独组建",
                "覆盖党组织代码": "UNIT_ORG",
            },
            "党员人数",
            "TOO_FEW_FOR_OWN_ORG",
        ),
        ({"覆盖党组织代码": "alpha-s1-c1"}, "覆盖党组织代码", "NOT_ALLOWED"),
        ({"党组织建立情况": "联合组建"}, "覆盖党组织代码", "REQUIRED"),
        (
            {
                "党组织建立情况": "单独组建",
                "职工人数": 9,
                "党员人数": 5,
                "覆盖党组织代码": "alpha-s1-c1-b1",
            },
            "覆盖党组织代码",
            "INVALID_ORG_KIND",
        ),
        ({"属地党组织代码": "alpha-s1-c1-b1"}, "属地党组织代码", "INVALID_ORG_KIND"),
        (
            {"覆盖党组织代码": "no-such-org", "党组织建立情况": "挂靠"},
            "覆盖党组织代码",
            "NOT_FOUND",
        ),
        ({"职工人数": "很多"}, "职工人数", "INVALID"),
        ({"单位类型": "个体户"}, "单位类型", "INVALID"),
    ],
)
def test_each_unit_rule_reports_its_cell(unit_org, cells, column, code):
    cells = {k: unit_org.code if v == "UNIT_ORG" else v for k, v in cells.items()}
    outcome = run(UNITS, [unit_row("坏单位", **cells), unit_row("好单位")])
    assert outcome.codes() == {(2, column, code)}
    assert outcome.counts.created == 1
    assert not Unit.objects.filter(name="坏单位").exists()


def test_duplicates_in_the_file_by_credit_code_or_by_name_under_the_same_org():
    rows = [
        unit_row("甲", 统一社会信用代码=CODE_A),
        unit_row("甲（别名）", 统一社会信用代码=CODE_A.lower()),
        unit_row("乙", 党组织建立情况="挂靠", 覆盖党组织代码="alpha-s1-c1"),
        unit_row("乙", 党组织建立情况="挂靠", 覆盖党组织代码="alpha-s1-c1"),
        unit_row("乙", 党组织建立情况="挂靠", 覆盖党组织代码="alpha-s1-c1-b1"),  # another org's 乙
    ]
    outcome = run(UNITS, rows)
    assert outcome.codes() == {
        (3, "统一社会信用代码", "DUPLICATE_IN_FILE"),
        (5, "单位名称", "DUPLICATE_IN_FILE"),
    }
    assert [i.message for i in outcome.issues] == ["与第 2 行重复。", "与第 4 行重复。"]
    assert outcome.counts.created == 3


def test_a_name_shared_by_two_units_without_codes_is_ambiguous():
    for _ in range(2):
        unit_create(
            data=UnitData(
                name="同名单位",
                kind="organ",
                party_org_status="attached",
                covering_org=org("s1-c1"),
            )
        )
    row = unit_row(
        "同名单位", 单位类型="区直机关", 党组织建立情况="挂靠", 覆盖党组织代码="alpha-s1-c1"
    )
    assert run(UNITS, [row]).codes() == {(2, "单位名称", "AMBIGUOUS")}
    assert Unit.objects.filter(name="同名单位").count() == 2


def test_an_org_admin_imports_units_only_under_their_subtree(unit_org):
    hidden = unit_create(
        data=UnitData(
            name="外区单位",
            kind="organ",
            credit_code=CODE_A,
            party_org_status="attached",
            covering_org=org("s2-t1"),
        )
    )
    seen = unit_create(
        data=UnitData(
            name="看得见的单位",
            kind="organ",
            credit_code=CODE_B,
            party_org_status="attached",
            covering_org=org("s1-u1"),
        )
    )
    unit_create(data=UnitData(name="丁", kind="organ"))  # district-wide: not theirs to see
    attached = {"党组织建立情况": "挂靠"}
    rows = [
        unit_row("本社区单位", **attached, 覆盖党组织代码="alpha-s1-c1"),
        unit_row("甲", **attached, 覆盖党组织代码="alpha-s2-t1"),
        unit_row("乙", **attached, 覆盖党组织代码="no-such-org"),
        unit_row("丙", **attached, 覆盖党组织代码="alpha-s1-u1"),
        unit_row("丁"),  # covered by no org: district-wide data
        unit_row("戊", **attached, 覆盖党组织代码="alpha-s1-c1", 属地党组织代码="alpha-s1"),
        unit_row("己", 统一社会信用代码=CODE_A, **attached, 覆盖党组织代码="alpha-s1-c1"),
        unit_row("庚", 统一社会信用代码=CODE_B, **attached, 覆盖党组织代码="alpha-s1-c1"),
    ]
    outcome = run(UNITS, rows, context(branch_admin()))
    assert outcome.codes() == {
        (3, "覆盖党组织代码", "NOT_FOUND"),
        (4, "覆盖党组织代码", "NOT_FOUND"),
        (5, "覆盖党组织代码", "FORBIDDEN"),
        (6, "覆盖党组织代码", "FORBIDDEN"),
        (7, "属地党组织代码", "FORBIDDEN"),
        (8, "统一社会信用代码", "DUPLICATE"),
        (9, "单位名称", "FORBIDDEN"),
    }
    assert outcome.by_row(3)[0].message == outcome.by_row(4)[0].message
    assert all("外区单位" not in f"{i.value}{i.message}" for i in outcome.issues)
    assert outcome.by_row(6)[0].message.startswith("不属于任何党组织的单位只能由区级管理员导入")
    assert outcome.counts.created == 1
    hidden.refresh_from_db()
    seen.refresh_from_db()
    assert (hidden.name, seen.name) == ("外区单位", "看得见的单位")
