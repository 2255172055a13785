"""党组织树 import kind: the tree by parent code, moves, the tree rules and scope."""

from datetime import date
from typing import Any

import pytest
from django.db import connection

from backend.access.scopes import Access
from backend.imports.kinds.orgs import ORGS
from backend.orgs.models import PartyOrg
from tests.imports.kind_runner import context, run

pytestmark = pytest.mark.usefixtures("in_alpha")


def org(code: str) -> PartyOrg:
    return PartyOrg.objects.get(code=code)


def org_row(code: str, kind: str, parent: str | None, **cells: Any) -> dict[str, Any]:
    return {
        "组织代码": code,
        "组织名称": f"{code}名称",
        "组织类型": kind,
        "上级组织代码": parent,
        **cells,
    }


def branch_admin() -> Access:
    """Reads street s1's subtree, administers community c1's."""
    return Access(read_paths=(org("alpha-s1").path,), write_paths=(org("alpha-s1-c1").path,))


def assert_tree_consistent() -> None:
    """Every org's path is its parent's path plus its own id (what orgs.services keeps)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.code FROM orgs_partyorg c LEFT JOIN orgs_partyorg p ON p.id = c.parent_id"
            " WHERE c.path <> CASE WHEN p.id IS NULL THEN c.id::text::ltree"
            " ELSE p.path || c.id::text END"
        )
        assert cursor.fetchall() == []


def test_a_tree_whose_parents_come_later_in_the_file_or_already_exist():
    rows = [
        org_row("t-b1", "小区党支部", "t-c1", 成立日期="2010/5/4"),  # parent two rows down
        org_row("t-g1", "党小组", "t-b1"),
        org_row("t-c1", "社区党委", "alpha-s1"),  # parent already in the district
        org_row("t-tmp", "临时党支部", "alpha-s2", 撤销日期="2030-12-31"),
    ]
    outcome = run(ORGS, rows)
    assert outcome.issues == []
    assert (outcome.counts.created, outcome.counts.updated) == (4, 0)
    c1, b1, g1 = org("t-c1"), org("t-b1"), org("t-g1")
    assert (c1.parent, b1.parent, g1.parent) == (org("alpha-s1"), c1, b1)
    assert g1.path == f"{org('alpha-s1').path}.{c1.pk}.{b1.pk}.{g1.pk}"
    assert g1.depth == org("alpha-s1").depth + 3
    assert (b1.kind, b1.name, b1.established_on) == (
        "compound_branch",
        "t-b1名称",
        date(2010, 5, 4),
    )
    assert org("t-tmp").end_date == date(2030, 12, 31)
    assert_tree_consistent()

    again = run(ORGS, rows)
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 4)
    rows[1]["组织名称"] = "第一党小组"
    renamed = run(ORGS, rows)
    assert (renamed.counts.updated, renamed.counts.unchanged) == (1, 3)
    assert org("t-g1").name == "第一党小组"


def test_a_new_parent_code_moves_the_org_with_its_subtree():
    run(
        ORGS,
        [
            org_row("t-c1", "社区党委", "alpha-s1"),
            org_row("t-c2", "社区党总支", "alpha-s2"),
            org_row("t-b1", "小区党支部", "t-c1"),
            org_row("t-g1", "门栋党小组", "t-b1"),
        ],
    )
    outcome = run(ORGS, [org_row("t-b1", "小区党支部", "t-c2")])
    assert (outcome.counts.updated, outcome.issues) == (1, [])
    b1, g1 = org("t-b1"), org("t-g1")
    assert b1.parent == org("t-c2")
    assert g1.path == f"{org('t-c2').path}.{b1.pk}.{g1.pk}"
    assert g1.path.startswith(org("alpha-s2").path + ".")
    assert_tree_consistent()


@pytest.mark.parametrize(
    ("row", "column", "code"),
    [
        (org_row("坏/代码", "社区党委", "alpha-s1"), "组织代码", "INVALID"),
        (org_row("t-x", "社区党委", "alpha-s1-c1"), "上级组织代码", "INVALID_PARENT_KIND"),
        (org_row("t-x", "临时党支部", "alpha-s2"), "撤销日期", "REQUIRED"),
        (
            org_row("t-x", "社区党委", "alpha-s1", 成立日期="2020-01-01", 撤销日期="2019-01-01"),
            "撤销日期",
            "BEFORE_START",
        ),
        (org_row("t-x", "社区党委", "no-such-org"), "上级组织代码", "NOT_FOUND"),
        (org_row("t-x", "社区党委", None), "上级组织代码", "REQUIRED"),
        (org_row("t-x", "区委", None), "组织类型", "DUPLICATE_ROOT"),
        (org_row("alpha-root", "区委", "alpha-s1"), "上级组织代码", "ROOT_IMMOVABLE"),
        (org_row("alpha-s1-c1", "社区党委", "alpha-s1-c1-b1"), "上级组织代码", "CYCLE"),
        (org_row("t-x", "支部委员会", "alpha-s1"), "组织类型", "INVALID"),
    ],
)
def test_each_tree_rule_reports_its_cell(row, column, code):
    before = {o.code: (o.parent_id, o.path) for o in PartyOrg.objects.all()}
    outcome = run(ORGS, [row, org_row("t-ok", "社区党委", "alpha-s1")])
    assert outcome.codes() == {(2, column, code)}
    assert outcome.counts.created == 1
    after = {o.code: (o.parent_id, o.path) for o in PartyOrg.objects.exclude(code="t-ok")}
    assert after == before


def test_a_cycle_within_the_file_and_rows_below_a_bad_row():
    outcome = run(
        ORGS,
        [
            org_row("t-a", "小区党支部", "t-b"),
            org_row("t-b", "小区党支部", "t-a"),
            org_row("t-c1", "社区党委", "alpha-s1-c1"),  # wrong kind under a community
            org_row("t-b1", "小区党支部", "t-c1"),
            org_row("t-g1", "党小组", "t-b1"),
        ],
    )
    assert outcome.codes() == {
        (2, "上级组织代码", "CYCLE"),
        (3, "上级组织代码", "CYCLE"),
        (4, "上级组织代码", "INVALID_PARENT_KIND"),
        (5, "上级组织代码", "PARENT_ROW_INVALID"),
        (6, "上级组织代码", "PARENT_ROW_INVALID"),
    }
    assert outcome.by_row(5)[0].message == "本行依赖的第 4 行有错误，本行无法导入。"
    assert outcome.by_row(6)[0].message == "本行依赖的第 5 行有错误，本行无法导入。"
    assert outcome.counts.created == 0


def test_rows_relying_on_a_bad_row_are_left_out_with_it():
    run(ORGS, [org_row("t-b1", "小区党支部", "alpha-s1-c1"), org_row("t-g1", "党小组", "t-b1")])
    outcome = run(
        ORGS,
        [
            # A kind change refused (a community cannot sit under a community) ...
            org_row("alpha-s1-c1-b1", "社区党委", "alpha-s1-c1"),
            # ... so a unit org planned under the new kind would sit under a compound branch.
            org_row("t-u", "单位党组织", "alpha-s1-c1-b1"),
            # A kind change that needs its party group to move away, whose move is refused.
            org_row("t-b1", "街道党工委", "alpha-root"),
            org_row("t-g1", "党小组", "no-such-org"),
            org_row("t-ok", "社区党委", "alpha-s1"),
        ],
    )
    assert outcome.codes() == {
        (2, "上级组织代码", "INVALID_PARENT_KIND"),
        (3, "上级组织代码", "PARENT_ROW_INVALID"),
        (4, "上级组织代码", "PARENT_ROW_INVALID"),
        (5, "上级组织代码", "NOT_FOUND"),
    }
    assert outcome.by_row(3)[0].message == "本行依赖的第 2 行有错误，本行无法导入。"
    assert outcome.by_row(4)[0].message == "本行依赖的第 5 行有错误，本行无法导入。"
    assert outcome.counts.created == 1
    assert (org("alpha-s1-c1-b1").kind, org("t-b1").kind) == ("compound_branch", "compound_branch")
    assert_tree_consistent()


def test_a_kind_change_keeps_what_hangs_on_the_org_valid():
    # The compound branch holds seeded members and a party group.
    outcome = run(ORGS, [org_row("alpha-s1-c1-b1", "党小组", "alpha-s1-c1")])
    assert {(i.column, i.code) for i in outcome.issues} == {
        ("组织类型", "INVALID_CHILD_KIND"),
        ("组织类型", "HAS_MEMBERS"),
    }
    # A child the same file moves away no longer hangs on it.
    empty = run(
        ORGS,
        [
            org_row("t-c1", "社区党委", "alpha-s1"),
            org_row("t-b1", "小区党支部", "t-c1"),
            org_row("t-g1", "党小组", "t-b1"),
        ],
    )
    assert empty.issues == []
    to_street = org_row("t-b1", "街道党工委", "alpha-root")
    staying = run(ORGS, [to_street], write=False)
    assert staying.codes() == {(2, "组织类型", "INVALID_CHILD_KIND")}
    moved = run(ORGS, [to_street, org_row("t-g1", "党小组", "alpha-s1-c1-b1")])
    assert moved.issues == []
    assert org("t-b1").kind == "street_working_committee"
    assert org("t-g1").parent == org("alpha-s1-c1-b1")
    assert_tree_consistent()


def test_duplicate_codes_in_the_file():
    outcome = run(
        ORGS, [org_row("t-c1", "社区党委", "alpha-s1"), org_row("t-c1", "社区党总支", "alpha-s2")]
    )
    assert outcome.codes() == {(3, "组织代码", "DUPLICATE_IN_FILE")}
    assert org("t-c1").kind == "community_committee"


def test_dates_a_file_leaves_out_are_kept():
    run(ORGS, [org_row("t-c1", "社区党委", "alpha-s1", 成立日期="2001-01-01")])
    run(ORGS, [org_row("t-c1", "社区党委", "alpha-s1")])
    assert org("t-c1").established_on == date(2001, 1, 1)
    present = {c.key for c in ORGS.columns}
    run(ORGS, [org_row("t-c1", "社区党委", "alpha-s1")], context(file_columns=present))
    assert org("t-c1").established_on is None


def test_an_org_admin_builds_only_inside_their_subtree():
    rows = [
        org_row("t-b1", "小区党支部", "alpha-s1-c1"),  # under the admin's community: fine
        org_row("t-g1", "党小组", "t-b1"),  # under a new org of the same file: fine
        org_row("t-x1", "社区党委", "alpha-s1"),  # under a street they only read
        org_row("t-x2", "社区党委", "alpha-s2"),  # under a street they do not see
        org_row("t-x3", "社区党委", "no-such-org"),
        org_row("alpha-s1-u1", "单位党组织", "alpha-s1"),  # an org they only read
        org_row("alpha-s2-t1", "临时党支部", "alpha-s2", 撤销日期="2027-06-30"),  # unseen
        org_row("alpha-s1-c1-b1", "小区党支部", "alpha-s1-u1"),  # moving out of their subtree
        org_row("t-root", "区委", None),
        org_row("alpha-s1-c1", "社区党委", "alpha-s1", 组织名称="改名的社区"),  # their own top org
    ]
    outcome = run(ORGS, rows, context(branch_admin()))
    assert outcome.codes() == {
        (4, "上级组织代码", "FORBIDDEN"),
        (5, "上级组织代码", "NOT_FOUND"),
        (6, "上级组织代码", "NOT_FOUND"),
        (7, "组织代码", "FORBIDDEN"),
        (8, "组织代码", "DUPLICATE"),
        (9, "上级组织代码", "FORBIDDEN"),
        (10, "上级组织代码", "FORBIDDEN"),
    }
    assert outcome.by_row(5)[0].message == outcome.by_row(6)[0].message
    assert (outcome.counts.created, outcome.counts.updated) == (2, 1)
    assert org("alpha-s1-c1").name == "改名的社区"
    assert org("t-g1").parent == org("t-b1")
    assert org("alpha-s1-c1-b1").parent == org("alpha-s1-c1")
    assert_tree_consistent()
