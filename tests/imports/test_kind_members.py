"""党员名册 import kind: columns, rules, scope, re-import and the relation history it writes."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection, transaction

from backend.access.scopes import Access
from backend.common.masking import mask_id_number, mask_phone
from backend.imports.kinds import KINDS
from backend.imports.kinds.common import WriteConflict
from backend.imports.kinds.members import MEMBERS, MembersImport
from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.members.personal_data import id_number_hash
from backend.members.services import MemberData, member_create
from backend.metrics.facts.common import MEMBERS_AT
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.transfers.models import RelationChange, RelationTransfer
from backend.transfers.services import relation_transfer_request
from backend.units.services import UnitData, unit_create
from tests.imports.kind_runner import context, parse_row, run

pytestmark = pytest.mark.usefixtures("in_alpha")

REGION = "520102"
TODAY = date.today()


def org(code: str) -> PartyOrg:
    return PartyOrg.objects.get(code=f"alpha-{code}")


def id_number(sequence: int, born: date = date(1970, 5, 6)) -> str:
    return make_id_number(REGION, born, sequence)


def member_row(sequence: int, **cells: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "姓名": f"导入党员{sequence}",
        "公民身份号码": id_number(sequence),
        "学历": "大学本科",
        "入党时间": "1995-07-01",
        "党员状态": "正式党员",
        "党员类别": "离退休党员",
        "所在党组织代码": "alpha-s1-c1-b1",
    }
    row.update(cells)
    return row


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] == "0" else "0")


def branch_admin() -> Access:
    """Reads street s1's subtree, administers community c1's."""
    return Access(read_paths=(org("s1").path,), write_paths=(org("s1-c1").path,))


def member(sequence: int) -> Member:
    return Member.objects.get(id_number_hash=id_number_hash(id_number(sequence)))


def counts_at(as_of: date) -> dict[int, int]:
    """Members per org on `as_of`, as the member metrics count them."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT org_id, count(*) FROM ({MEMBERS_AT}) m GROUP BY org_id",  # noqa: S608
            {"as_of": as_of},
        )
        return dict(cursor.fetchall())


# --- creating and updating -----------------------------------------------------------------------


def test_a_roster_creates_members_with_what_the_id_number_says():
    unit = unit_create(
        data=UnitData(
            name="导入测试公司", kind="non_public_enterprise", credit_code="91520102MA6H7XY21K"
        )
    )
    rows = [
        member_row(1, 联系电话="138 0000 0001", 性别="男"),
        member_row(
            2,
            公民身份号码=id_number(2).translate(
                str.maketrans("0123456789", "０１２３４５６７８９")
            ),
            党员类别="在职",
            居住社区代码="alpha-s1-c1",
            工作单位统一社会信用代码="91520102ma6h7xy21k",
            学历="本科",
            入党时间=35247,  # an Excel serial: 1996-07-01
            党员状态="预备",
        ),
        member_row(3, 工作单位="CANARYALPHA科技有限公司", 入党时间="2001年7月1日"),
    ]
    outcome = run(MEMBERS, rows)
    assert outcome.issues == []
    assert (outcome.counts.created, outcome.counts.updated, outcome.counts.unchanged) == (3, 0, 0)
    first, second, third = member(1), member(2), member(3)
    assert (first.gender, first.birth_date) == ("male", date(1970, 5, 6))
    assert second.gender == "female"  # sequence 2: even
    assert first.phone == "13800000001"
    assert first.phone_masked == "138****0001"
    assert second.id_number == id_number(2)
    assert first.org == org("s1-c1-b1")
    assert (second.category, second.status, second.education) == (
        "in_service",
        "probationary",
        "bachelor",
    )
    assert second.joined_on == date(1996, 7, 1)
    assert second.residence_community == org("s1-c1")
    assert second.work_unit == unit
    assert third.work_unit is not None
    assert third.work_unit.name == "CANARYALPHA科技有限公司"
    assert third.joined_on == date(2001, 7, 1)
    # A new member has no relation history, as with the member form: they count at their org.
    assert not RelationChange.objects.filter(member__in=[first, second, third]).exists()


def test_reimporting_the_same_rows_changes_nothing_and_updated_rows_update():
    rows = [member_row(n, 联系电话=f"1390000000{n}") for n in range(1, 5)]
    assert run(MEMBERS, rows).counts.created == 4
    before = {
        m.pk: (m.phone_encrypted, m.updated_at)
        for m in Member.objects.filter(name__startswith="导入党员")
    }

    again = run(MEMBERS, rows)
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 4)
    after = {
        m.pk: (m.phone_encrypted, m.updated_at)
        for m in Member.objects.filter(name__startswith="导入党员")
    }
    assert after == before  # not even re-encrypted

    rows[0]["姓名"] = "改了名字"
    rows[1]["联系电话"] = "13911112222"
    rows[2]["学历"] = "研究生"
    changed = run(MEMBERS, rows)
    assert (changed.counts.created, changed.counts.updated, changed.counts.unchanged) == (0, 3, 1)
    assert Member.objects.filter(name__startswith="导入党员").count() == 3
    assert member(1).name == "改了名字"
    assert member(2).phone == "13911112222"
    assert member(3).education == "postgraduate"
    assert member(4).phone_encrypted == before[member(4).pk][0]


def test_a_column_the_file_lacks_keeps_the_value_and_an_empty_cell_clears_it():
    run(MEMBERS, [member_row(1, 联系电话="13900000001", 工作单位="CANARYALPHA科技有限公司")])
    without_columns = run(MEMBERS, [member_row(1, 姓名="新名字")], context(file_columns=None))
    assert without_columns.counts.updated == 1
    kept = member(1)
    assert (kept.name, kept.phone, kept.work_unit_id is not None) == ("新名字", "13900000001", True)

    present = {c.key for c in MEMBERS.columns} - {"gender", "birth_date"}
    cleared = run(MEMBERS, [member_row(1, 姓名="新名字")], context(file_columns=present))
    assert cleared.counts.updated == 1
    gone = member(1)
    assert (gone.phone, gone.phone_hash, gone.work_unit_id) == ("", "", None)


# --- rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "column", "code"),
    [
        ({"性别": "女"}, "性别", "MISMATCH_ID_NUMBER"),
        ({"出生日期": "1970-05-07"}, "出生日期", "MISMATCH_ID_NUMBER"),
        ({"入党时间": "1988-05-05"}, "入党时间", "TOO_YOUNG"),
        ({"入党时间": (TODAY + timedelta(days=1)).isoformat()}, "入党时间", "IN_FUTURE"),
        ({"所在党组织代码": "alpha-s1-c1-b1-g1"}, "所在党组织代码", "INVALID_ORG_KIND"),
        ({"所在党组织代码": "no-such-org"}, "所在党组织代码", "NOT_FOUND"),
        ({"居住社区代码": "alpha-s1-c1"}, "居住社区代码", "NOT_ALLOWED"),
        (
            {"党员类别": "在职党员", "居住社区代码": "alpha-s1-c1-b1"},
            "居住社区代码",
            "INVALID_ORG_KIND",
        ),
        ({"党员类别": "在职党员", "居住社区代码": "nowhere"}, "居住社区代码", "NOT_FOUND"),
        (
            {"工作单位统一社会信用代码": "91520102MA6H7XY21K"},
            "工作单位统一社会信用代码",
            "NOT_FOUND",
        ),
        ({"工作单位": "没有这家公司"}, "工作单位", "NOT_FOUND"),
        ({"学历": "幼儿园"}, "学历", "INVALID"),
        ({"党员类别": "党员"}, "党员类别", "INVALID"),
        ({"联系电话": "12345"}, "联系电话", "INVALID"),
        ({"公民身份号码": wrong_check_digit(id_number(1))}, "公民身份号码", "ID_CHECKSUM"),
        ({"公民身份号码": 5.20102197005e17}, "公民身份号码", "ID_FORMAT"),
        ({"入党时间": "1995-13-01"}, "入党时间", "INVALID"),
        ({"姓名": "名" * 51}, "姓名", "TOO_LONG"),
    ],
)
def test_each_rule_reports_its_cell_and_the_good_rows_still_import(cells, column, code):
    outcome = run(MEMBERS, [member_row(1, **cells), member_row(2)])
    assert {(i.row, i.column, i.code) for i in outcome.issues} == {(2, column, code)}
    assert all(i.message for i in outcome.issues)
    assert outcome.counts.created == 1
    assert Member.objects.filter(name="导入党员2").exists()
    assert not Member.objects.filter(name="导入党员1").exists()


def test_a_work_unit_named_twice_must_be_given_by_credit_code():
    for code in ("91520102MA6H7XY22K", "91520102MA6H7XY23K"):
        unit_create(data=UnitData(name="重名公司", kind="non_public_enterprise", credit_code=code))
    outcome = run(MEMBERS, [member_row(1, 工作单位="重名公司")])
    assert outcome.codes() == {(2, "工作单位", "AMBIGUOUS")}
    by_code = run(
        MEMBERS, [member_row(1, 工作单位="重名公司", 工作单位统一社会信用代码="91520102MA6H7XY23K")]
    )
    assert by_code.issues == []
    chosen = member(1).work_unit
    assert chosen is not None
    assert chosen.credit_code == "91520102MA6H7XY23K"


def test_duplicates_in_the_file_name_the_first_row(monkeypatch):
    rows = [member_row(1), member_row(2), member_row(1, 姓名="又一行"), member_row(3)]
    outcome = run(MEMBERS, rows)
    assert outcome.codes() == {(4, "公民身份号码", "DUPLICATE_IN_FILE")}
    assert outcome.by_row(4)[0].message == "与第 2 行重复。"
    assert outcome.counts.created == 3
    # Across batches too: the file's first rows are remembered for the whole import.
    monkeypatch.setattr(MembersImport, "batch_size", 1)
    again = run(MEMBERS, rows, write=False)
    assert again.codes() == {(4, "公民身份号码", "DUPLICATE_IN_FILE")}


def test_issue_values_of_personal_columns_are_masked():
    number = id_number(1)
    outcome = run(MEMBERS, [member_row(1), member_row(1), member_row(2, 联系电话="1380000000x")])
    values = {i.column: i.value for i in outcome.issues}
    assert values == {
        "公民身份号码": number[:3] + "*" * 11 + number[-4:],
        "联系电话": "138****000x",
    }
    assert all(number not in i.message for i in outcome.issues)


def test_the_four_kinds_and_their_personal_columns():
    assert set(KINDS) == {"members", "units", "orgs", "participation"}
    for code, kind in KINDS.items():
        assert kind.code == code
        assert len({c.key for c in kind.columns}) == len(kind.columns)
        personal = {c.header: c.mask for c in kind.columns if c.personal}
        assert all(mask is not None for mask in personal.values())
    members = {c.header: c for c in MEMBERS.columns}
    assert members["公民身份号码"].mask is mask_id_number
    assert members["联系电话"].mask is mask_phone
    assert {"身份证号", "身份证号码"} <= set(members["公民身份号码"].synonyms)
    assert {"手机号", "手机号码"} <= set(members["联系电话"].synonyms)
    assert {"党组织代码", "组织代码"} <= set(members["所在党组织代码"].synonyms)
    assert "入党日期" in members["入党时间"].synonyms
    assert members["学历"].choices == (
        "研究生",
        "大学本科",
        "大学专科",
        "中专",
        "高中",
        "初中及以下",
    )


def test_check_writes_nothing():
    tables = (Member, RelationChange, RelationTransfer)
    before = [model.objects.count() for model in tables]
    outcome = run(MEMBERS, [member_row(n) for n in range(1, 6)], write=False)
    assert outcome.issues == []
    assert [model.objects.count() for model in tables] == before


# --- scope ---------------------------------------------------------------------------------------


def _create(sequence: int, org_code: str) -> Member:
    return member_create(
        data=MemberData(
            name=f"已有党员{sequence}",
            id_number=id_number(sequence),
            education="bachelor",
            joined_on=date(1995, 7, 1),
            status="full",
            category="retired",
            org=org(org_code),
        )
    )


def test_an_org_admin_imports_only_into_their_subtree_and_learns_nothing_outside_it():
    _create(7, "s2-t1")  # outside what the admin reads
    _create(8, "s1-u1")  # read, not administered
    district_wide = unit_create(data=UnitData(name="区级单位", kind="organ"))
    ctx = context(branch_admin())
    rows = [
        member_row(1),  # into c1's branch: fine
        member_row(2, 所在党组织代码="alpha-s2-t1"),  # exists, unseen
        member_row(3, 所在党组织代码="no-such-org"),  # does not exist
        member_row(4, 所在党组织代码="alpha-s1-u1"),  # seen, not administered
        member_row(5, 党员类别="在职党员", 居住社区代码="alpha-s2"),  # unseen residence
        member_row(6, 工作单位=district_wide.name),  # a unit only district admins see
        member_row(7),  # a member outside the admin's sight
        member_row(8),  # a member the admin sees but does not administer
    ]
    outcome = run(MEMBERS, rows, ctx)
    assert outcome.codes() == {
        (3, "所在党组织代码", "NOT_FOUND"),
        (4, "所在党组织代码", "NOT_FOUND"),
        (5, "所在党组织代码", "FORBIDDEN"),
        (6, "居住社区代码", "NOT_FOUND"),
        (7, "工作单位", "NOT_FOUND"),
        (8, "公民身份号码", "DUPLICATE"),
        (9, "公民身份号码", "FORBIDDEN"),
    }
    unseen, missing = outcome.by_row(3)[0], outcome.by_row(4)[0]
    assert (unseen.message, unseen.code) == (missing.message, missing.code)
    assert outcome.by_row(5)[0].message == "无权导入到该党组织。"
    # The number taken outside the admin's sight: what the member form says, nothing more.
    assert outcome.by_row(8)[0].message == "本区已登记该公民身份号码的党员。"
    text = " ".join(f"{i.value} {i.message}" for i in outcome.issues)
    assert "CANARYALPHA" not in text
    assert "临时" not in text
    assert outcome.counts.created == 1
    assert member(7).org == org("s2-t1")
    assert member(8).org == org("s1-u1")


def test_a_district_admin_imports_anywhere():
    outcome = run(MEMBERS, [member_row(1, 所在党组织代码="alpha-s2-t1")])
    assert outcome.issues == []
    assert member(1).org == org("s2-t1")


# --- moves and the member metrics -----------------------------------------------------------------


def test_a_new_org_is_a_relation_adjustment_recorded_for_the_metrics():
    # Members other tests committed (over HTTP) may have joined on the same day.
    joined_before = counts_at(date(1995, 6, 30)).get(org("s1-c1-b1").pk, 0)
    joined_that_day = counts_at(date(1995, 7, 1)).get(org("s1-c1-b1").pk, 0)
    run(MEMBERS, [member_row(1), member_row(2)])
    first, second = member(1), member(2)
    yesterday = TODAY - timedelta(days=1)
    branch, unit_org = org("s1-c1-b1"), org("s1-u1")
    before_today, before_yesterday = counts_at(TODAY), counts_at(yesterday)

    outcome = run(MEMBERS, [member_row(1, 所在党组织代码="alpha-s1-u1"), member_row(2)])
    assert (outcome.counts.updated, outcome.counts.unchanged) == (1, 1)
    assert member(1).org == unit_org

    change = RelationChange.objects.get(member=first)
    assert (change.from_org, change.to_org, change.date) == (branch, unit_org, TODAY)
    assert (change.reason, change.from_org_code, change.to_org_code) == (
        "org_adjustment",
        branch.code,
        unit_org.code,
    )
    transfer = change.transfer
    assert transfer is not None
    assert (transfer.status, transfer.scope, transfer.direction) == ("completed", "within", "out")
    assert transfer.letter_number
    assert transfer.member_id_number_hash == first.id_number_hash
    assert not RelationChange.objects.filter(member=second).exists()

    # Yesterday the member still counted at the branch; from today at the unit's org.
    assert counts_at(yesterday) == before_yesterday
    after = counts_at(TODAY)
    assert after[branch.pk] == before_today[branch.pk] - 1
    assert after[unit_org.pk] == before_today.get(unit_org.pk, 0) + 1
    # And the imported members count from the day they joined, like members entered by hand.
    assert counts_at(date(1995, 6, 30)).get(branch.pk, 0) == joined_before
    assert counts_at(date(1995, 7, 1))[branch.pk] == joined_that_day + 2

    # A second import with the same org writes no second history step.
    run(MEMBERS, [member_row(1, 所在党组织代码="alpha-s1-u1")])
    assert RelationChange.objects.filter(member=first).count() == 1


def test_a_move_is_refused_while_a_transfer_is_pending_or_into_a_closed_org():
    run(MEMBERS, [member_row(1), member_row(2)])
    relation_transfer_request(member=member(1), to_org=org("s1-u1"), reason="relocation", on=TODAY)
    closed = org_create(
        code="alpha-closed",
        name="已撤销临时支部",
        kind="temporary_branch",
        parent=org("s2"),
        end_date=TODAY - timedelta(days=1),
    )
    outcome = run(
        MEMBERS,
        [
            member_row(1, 所在党组织代码="alpha-s1-u1"),
            member_row(2, 所在党组织代码=closed.code),
            member_row(3, 所在党组织代码=closed.code),  # new members: as in the member form
        ],
    )
    assert outcome.codes() == {
        (2, "所在党组织代码", "TRANSFER_PENDING"),
        (3, "所在党组织代码", "ORG_CLOSED"),
    }
    assert member(3).org == closed


def test_a_member_registered_outside_scope_meanwhile_stops_the_import():
    ctx = context(branch_admin())
    rows = [parse_row(MEMBERS, n + 1, member_row(n))[0] for n in (1, 2)]
    assert MEMBERS.check(rows, ctx) == []
    _create(2, "s2-t1")  # someone registers the second number elsewhere meanwhile
    before = Member.objects.count()
    with pytest.raises(WriteConflict), transaction.atomic():
        MEMBERS.write(rows, ctx)
    assert Member.objects.count() == before
    assert member(2).org == org("s2-t1")


def test_a_member_registered_in_scope_meanwhile_is_updated_not_duplicated():
    ctx = context()
    rows = [parse_row(MEMBERS, n + 1, member_row(n))[0] for n in (1, 2)]
    assert MEMBERS.check(rows, ctx) == []
    _create(2, "s1-c1-b1")
    counts = MEMBERS.write(rows, ctx)
    assert (counts.created, counts.updated) == (1, 1)
    assert member(2).name == "导入党员2"
