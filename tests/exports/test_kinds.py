"""Each export kind in-process, inside alpha (rolled back): its Chinese columns, its rows limited
to the reader's scope, personal data masked unless unmasked, references outside the scope left
blank, and formula-like text that stays text when read back with openpyxl and csv."""

import base64
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from backend.activities.models import Activity
from backend.exports.spec import ExportFilters, ExportFormat, ExportKindCode
from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.members.services import MemberData, member_create
from backend.metrics.models import MetricSnapshot
from backend.orgs.models import PartyOrg
from backend.units.models import Unit
from tenants.global_ids import decode_node_id
from tests.exports.support import export_bytes, export_table, subtree_access, xlsx_rows
from tests.metrics.isolation_seed import PERIOD
from tests.support.seed import SeededDistrict

pytestmark = pytest.mark.django_db

MEMBER_HEADERS = [
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "联系电话",
    "学历",
    "入党日期",
    "党员状态",
    "党员类别",
    "组织关系所在党组织",
    "党组织代码",
    "居住社区",
    "居住社区代码",
    "工作单位",
    "工作单位统一社会信用代码",
]
UNIT_HEADERS = [
    "单位名称",
    "统一社会信用代码",
    "单位类型",
    "地址",
    "职工人数",
    "党员人数",
    "党组织建立情况",
    "覆盖党组织",
    "覆盖党组织代码",
    "属地党组织",
    "属地党组织代码",
]
ORG_HEADERS = [
    "组织代码",
    "名称",
    "类型",
    "上级组织代码",
    "上级组织名称",
    "层级",
    "成立日期",
    "撤销日期",
    "直属党员数",
]
ACTIVITY_HEADERS = [
    "活动编号",
    "活动名称",
    "活动日期",
    "开始时间",
    "时长(小时)",
    "地点",
    "组织党组织",
    "组织党组织代码",
    "活动载体",
    "主题",
    "参与党员人数",
    "参与单位数",
    "党员服务时长合计(小时)",
    "取消日期",
    "取消原因",
    "活动内容",
]
METRIC_HEADERS = [
    "组织代码",
    "党组织",
    "组织类型",
    "指标",
    "分类",
    "期间",
    "分子",
    "分母",
    "值",
    "单位",
    "统计截止日",
    "计算时间",
]
REGION = "530102"


@pytest.fixture
def alpha(in_alpha: None, seeded: dict[str, SeededDistrict]) -> SeededDistrict:
    return seeded["alpha"]


def _org(alpha: SeededDistrict, key: str) -> PartyOrg:
    return PartyOrg.objects.get(pk=alpha.org_pks[key])


def _by_name(rows: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row for row in rows[1:]}


def _s2_member(alpha: SeededDistrict) -> Member:
    """A mobile member in the temporary branch under street s2."""
    return member_create(
        data=MemberData(
            name="导出测试流动党员",
            id_number=make_id_number(REGION, date(1988, 8, 8), 11),
            education="college",
            joined_on=date(2012, 7, 1),
            status="full",
            category="mobile",
            org=_org(alpha, "s2-t1"),
            phone="13912345678",
        )
    )


@pytest.mark.parametrize(
    ("code", "headers"),
    [
        (ExportKindCode.MEMBERS, MEMBER_HEADERS),
        (ExportKindCode.UNITS, UNIT_HEADERS),
        (ExportKindCode.ORG_TREE, ORG_HEADERS),
        (ExportKindCode.ACTIVITIES, ACTIVITY_HEADERS),
        (ExportKindCode.METRIC_TABLE, METRIC_HEADERS),
    ],
)
def test_each_kind_has_its_chinese_columns_in_both_formats(
    alpha: SeededDistrict, code: ExportKindCode, headers: list[str]
) -> None:
    filters = ExportFilters(metric="participation_rate", period=PERIOD)
    options: dict[str, Any] = {"filters": filters} if code is ExportKindCode.METRIC_TABLE else {}
    table = export_table(code, **options)
    assert table[0] == headers
    assert len(table) > 1, "the seeded district has rows of every kind"
    sheet = xlsx_rows(export_bytes(code, fmt=ExportFormat.XLSX, **options))
    assert list(sheet[0]) == headers
    assert len(sheet) == len(table)


def test_members_are_masked_by_default(alpha: SeededDistrict) -> None:
    text = export_bytes(ExportKindCode.MEMBERS).decode("utf-8-sig")
    rows = _by_name(export_table(ExportKindCode.MEMBERS))
    for index, (id_number, phone) in enumerate(zip(alpha.id_numbers, alpha.phones, strict=True)):
        assert id_number not in text
        assert phone not in text
        row = rows[f"CANARYALPHA党员{index}"]
        assert row[1] == id_number[:3] + "*" * 11 + id_number[-4:]
        assert row[4] == phone[:3] + "****" + phone[-4:]
    in_service = rows["CANARYALPHA党员0"]
    assert in_service[2:4] == ["男", "1970-03-01"]
    assert in_service[5:11] == [
        "大学本科",
        "2000-07-01",
        "正式党员",
        "在职党员",
        "CANARYALPHA小区党支部",
        "alpha-s1-c1-b1",
    ]
    assert in_service[11:15] == [
        "CANARYALPHA社区党委",
        "alpha-s1-c1",
        "CANARYALPHA科技有限公司",
        "",
    ]


def test_unmasked_members_carry_full_numbers(alpha: SeededDistrict) -> None:
    rows = _by_name(export_table(ExportKindCode.MEMBERS, unmask=True))
    for index, (id_number, phone) in enumerate(zip(alpha.id_numbers, alpha.phones, strict=True)):
        assert rows[f"CANARYALPHA党员{index}"][1] == id_number
        assert rows[f"CANARYALPHA党员{index}"][4] == phone


def test_members_of_an_org_admin_are_their_subtree_only(alpha: SeededDistrict) -> None:
    outsider = _s2_member(alpha)
    s1, s2 = _org(alpha, "s1"), _org(alpha, "s2")
    of_s1 = _by_name(export_table(ExportKindCode.MEMBERS, subtree_access(s1)))
    expected = set(
        Member.objects.filter(org__path__descendant_of=s1.path).values_list("name", flat=True)
    )
    assert set(of_s1) == expected
    assert outsider.name not in of_s1
    of_s2 = _by_name(export_table(ExportKindCode.MEMBERS, subtree_access(s2)))
    assert set(of_s2) == {outsider.name}
    # An admin of both narrowing to s2 gets s2 only.
    both = subtree_access(s1, s2)
    assert set(_by_name(export_table(ExportKindCode.MEMBERS, both, within=s2))) == {outsider.name}


def test_references_outside_the_scope_are_blank(alpha: SeededDistrict) -> None:
    """A reader of the compound sees member 0, but neither the community above it where they
    live nor the unit (covered by another branch) where they work."""
    compound = _org(alpha, "s1-c1-b1")
    row = _by_name(export_table(ExportKindCode.MEMBERS, subtree_access(compound)))[
        "CANARYALPHA党员0"
    ]
    assert row[9:15] == ["CANARYALPHA小区党支部", "alpha-s1-c1-b1", "", "", "", ""]


def test_the_category_filter(alpha: SeededDistrict) -> None:
    _s2_member(alpha)
    rows = export_table(ExportKindCode.MEMBERS, filters=ExportFilters(category="mobile"))
    assert {row[8] for row in rows[1:]} == {"流动党员"}
    assert {"CANARYALPHA党员1", "导出测试流动党员"} <= set(_by_name(rows))


def test_units_by_covering_org(alpha: SeededDistrict) -> None:
    loose = Unit.objects.create(name="导出测试未覆盖单位", kind="non_public_enterprise")
    everything = _by_name(export_table(ExportKindCode.UNITS))
    assert everything["CANARYALPHA科技有限公司"][2:11] == [
        "非公企业",
        "",
        "120",
        "8",
        "单独组建",
        "CANARYALPHA科技公司党支部",
        "alpha-s1-u1",
        "",
        "",
    ]
    assert loose.name in everything  # district-wide readers see uncovered units too
    of_s1 = _by_name(export_table(ExportKindCode.UNITS, subtree_access(_org(alpha, "s1"))))
    assert "CANARYALPHA科技有限公司" in of_s1
    assert loose.name not in of_s1
    assert export_table(ExportKindCode.UNITS, subtree_access(_org(alpha, "s2")))[1:] == []


def test_the_org_tree_in_tree_order_within_scope(alpha: SeededDistrict) -> None:
    rows = export_table(ExportKindCode.ORG_TREE, subtree_access(_org(alpha, "s1")))
    codes = [row[0] for row in rows[1:]]
    assert codes[0] == "alpha-s1"
    assert set(codes) == set(
        PartyOrg.objects.filter(path__descendant_of=_org(alpha, "s1").path).values_list(
            "code", flat=True
        )
    )
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["alpha-s1"][3:6] == ["", "", "2"]  # the root above is outside the scope
    assert by_code["alpha-s1-c1"][3:5] == ["alpha-s1", "CANARYALPHA街道党工委"]
    assert by_code["alpha-s1-c1-b1"][8] == str(
        Member.objects.filter(org_id=alpha.org_pks["s1-c1-b1"]).count()
    )
    for code in codes:  # every org comes after its parent
        parent = by_code[code][3]
        assert not parent or codes.index(parent) < codes.index(code)


def test_activities_with_their_global_ids_and_counts(alpha: SeededDistrict) -> None:
    rows = _by_name(export_table(ExportKindCode.ACTIVITIES))
    paired = Activity.objects.get(pk=alpha.objects["Activity"])
    row = next(r for r in rows.values() if r[1] == paired.title)
    type_name, _, node_id = base64.b64decode(row[0]).decode().partition(":")
    assert (type_name, decode_node_id(node_id)) == ("Activity", paired.pk)
    assert row[2] == "2025-05-10"
    assert row[6:8] == ["CANARYALPHA社区党委", "alpha-s1-c1"]
    assert row[10:13] == ["1", "1", "2.5"]
    dated = export_table(
        ExportKindCode.ACTIVITIES,
        filters=ExportFilters(start=date(2025, 5, 11), end=date(2025, 12, 31)),
    )
    assert paired.title not in {r[1] for r in dated[1:]}
    assert export_table(ExportKindCode.ACTIVITIES, subtree_access(_org(alpha, "s2")))[1:] == []


def test_the_metric_table_of_a_subtree(alpha: SeededDistrict) -> None:
    filters = ExportFilters(metric="participation_rate", period=PERIOD)
    s1 = _org(alpha, "s1")
    rows = export_table(ExportKindCode.METRIC_TABLE, subtree_access(s1), filters=filters)
    snapshots = MetricSnapshot.objects.filter(
        metric="participation_rate",
        breakdown="",
        period_kind="month",
        org__path__descendant_of=s1.path,
    )
    assert [row[0] for row in rows[1:]] == list(
        snapshots.order_by("org__path", "id").values_list("org__code", flat=True)
    )
    first = rows[1]
    snapshot = snapshots.get(org=s1, period_start=date(2025, 6, 1))
    assert first[:6] == [
        "alpha-s1",
        "CANARYALPHA街道党工委",
        "街道党工委",
        "活动参与率",
        "合计",
        PERIOD,
    ]
    assert Decimal(first[6]) == snapshot.numerator
    assert Decimal(first[7]) == snapshot.denominator
    assert first[9] == "%"
    split = export_table(
        ExportKindCode.METRIC_TABLE,
        filters=ExportFilters(metric="participation_rate", period=PERIOD, breakdown="retired"),
    )
    assert {row[4] for row in split[1:]} == {"离退休党员"}


def test_formula_like_text_in_the_data_stays_text(alpha: SeededDistrict) -> None:
    name = '=HYPERLINK("http://evil.example","点我")'
    Unit.objects.create(name=name, kind="social_organisation", address="@SUM(1+1)")
    rows = _by_name(export_table(ExportKindCode.UNITS))
    assert rows["'" + name][3] == "'@SUM(1+1)"
    sheet = xlsx_rows(export_bytes(ExportKindCode.UNITS, fmt=ExportFormat.XLSX))
    row = next(r for r in sheet if r[0] == name)
    assert row[3] == "@SUM(1+1)"
    book = load_workbook(io.BytesIO(export_bytes(ExportKindCode.UNITS, fmt=ExportFormat.XLSX)))
    cells = [r[0] for r in book.worksheets[0].iter_rows() if r[0].value == name]
    assert cells
    assert cells[0].data_type == "s"
    assert cells[0].quotePrefix
