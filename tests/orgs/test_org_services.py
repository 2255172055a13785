"""The org tree's write rules, in-process inside alpha (each test is rolled back)."""

import uuid
from datetime import date

import pytest

from backend.common.validation import ValidationFailed
from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.members.services import MemberData, member_create
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create, org_move, org_update
from backend.units.services import UnitData, unit_create

pytestmark = pytest.mark.usefixtures("in_alpha")

# org_update locks the row with select_for_update().select_related("parent"): the parent join is a
# LEFT OUTER JOIN (parent is nullable) and PostgreSQL refuses FOR UPDATE on it, so every call fails.


def _code(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def _root() -> PartyOrg:
    return PartyOrg.objects.get(parent__isnull=True)


def _street(name: str = "测试街道党工委") -> PartyOrg:
    return org_create(code=_code("st"), name=name, kind="street_working_committee", parent=_root())


def _errors(excinfo: pytest.ExceptionInfo[ValidationFailed]) -> set[tuple[str, str]]:
    return {(e.field, e.code) for e in excinfo.value.errors}


def _snapshot() -> list[tuple]:
    return list(
        PartyOrg.objects.order_by("pk").values_list(
            "pk", "code", "name", "kind", "parent_id", "path", "depth", "end_date"
        )
    )


# --- org_create -------------------------------------------------------------------------------


def test_create_builds_path_and_depth_from_the_parent():
    root = _root()
    street = _street()
    community = org_create(code=_code(), name="社区党委", kind="community_committee", parent=street)
    assert street.path == f"{root.path}.{street.pk}"
    assert street.depth == 2
    assert community.path == f"{root.path}.{street.pk}.{community.pk}"
    assert community.depth == 3
    assert community.parent_id == street.pk


def test_create_strips_the_name():
    org = org_create(code=_code(), name="  前后有空格  ", kind="unit_org", parent=_street())
    assert PartyOrg.objects.get(pk=org.pk).name == "前后有空格"


def test_duplicate_code_is_refused():
    street = _street()
    before = _snapshot()
    with pytest.raises(ValidationFailed) as excinfo:
        org_create(code=street.code, name="重复", kind="unit_org", parent=street)
    assert _errors(excinfo) == {("code", "DUPLICATE")}
    assert street.code in excinfo.value.errors[0].message
    assert _snapshot() == before


@pytest.mark.parametrize("code", ["", "-leading-dash", "has space", "中文代码", "x" * 51])
def test_malformed_code_is_refused(code):
    with pytest.raises(ValidationFailed) as excinfo:
        org_create(code=code, name="名称", kind="unit_org", parent=_street())
    assert _errors(excinfo) == {("code", "INVALID")}


def test_name_is_required_and_limited_to_200_characters():
    street = _street()
    with pytest.raises(ValidationFailed) as blank:
        org_create(code=_code(), name="   ", kind="unit_org", parent=street)
    assert _errors(blank) == {("name", "REQUIRED")}
    with pytest.raises(ValidationFailed) as long:
        org_create(code=_code(), name="党" * 201, kind="unit_org", parent=street)
    assert _errors(long) == {("name", "TOO_LONG")}
    assert org_create(code=_code(), name="党" * 200, kind="unit_org", parent=street).pk


def test_unknown_kind_is_refused():
    with pytest.raises(ValidationFailed) as excinfo:
        org_create(code=_code(), name="名称", kind="politburo", parent=_street())
    assert _errors(excinfo) == {("kind", "INVALID")}


def test_non_root_kind_needs_a_parent():
    with pytest.raises(ValidationFailed) as excinfo:
        org_create(code=_code(), name="无上级", kind="street_working_committee", parent=None)
    assert _errors(excinfo) == {("parentId", "REQUIRED")}


def test_second_district_committee_is_refused():
    before = _snapshot()
    with pytest.raises(ValidationFailed) as excinfo:
        org_create(code=_code(), name="第二区委", kind="district_committee", parent=None)
    assert _errors(excinfo) == {("kind", "DUPLICATE_ROOT")}
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("parent_kind", "child_kind"),
    [
        ("street_working_committee", "compound_branch"),
        ("street_working_committee", "street_working_committee"),
        ("street_working_committee", "district_committee"),
        ("community_committee", "community_committee"),
        ("compound_branch", "compound_branch"),
        ("party_group", "party_group"),
        ("unit_org", "building_group"),
    ],
)
def test_child_kind_not_allowed_under_parent_is_refused(parent_kind, child_kind):
    street = _street()
    parents = {
        "street_working_committee": street,
        "community_committee": org_create(
            code=_code(), name="社区", kind="community_committee", parent=street
        ),
        "unit_org": org_create(code=_code(), name="单位", kind="unit_org", parent=street),
    }
    if parent_kind in {"compound_branch", "party_group"}:
        community = parents["community_committee"]
        compound = org_create(code=_code(), name="小区", kind="compound_branch", parent=community)
        parents["compound_branch"] = compound
        parents["party_group"] = org_create(
            code=_code(), name="小组", kind="party_group", parent=compound
        )
    before = _snapshot()
    with pytest.raises(ValidationFailed) as excinfo:
        org_create(code=_code(), name="错层", kind=child_kind, parent=parents[parent_kind])
    assert _errors(excinfo) == {("parentId", "INVALID_PARENT_KIND")}
    assert "不能设在" in excinfo.value.errors[0].message
    assert _snapshot() == before


def test_temporary_branch_needs_an_end_date():
    with pytest.raises(ValidationFailed) as excinfo:
        org_create(code=_code(), name="临时", kind="temporary_branch", parent=_street())
    assert _errors(excinfo) == {("endDate", "REQUIRED")}
    assert "撤销日期" in excinfo.value.errors[0].message


def test_end_date_before_established_date_is_refused():
    with pytest.raises(ValidationFailed) as excinfo:
        org_create(
            code=_code(),
            name="临时",
            kind="temporary_branch",
            parent=_street(),
            established_on=date(2024, 5, 1),
            end_date=date(2024, 4, 30),
        )
    assert _errors(excinfo) == {("endDate", "BEFORE_START")}


def test_end_date_on_the_established_date_is_accepted():
    org = org_create(
        code=_code(),
        name="临时",
        kind="temporary_branch",
        parent=_street(),
        established_on=date(2024, 5, 1),
        end_date=date(2024, 5, 1),
    )
    assert org.end_date == date(2024, 5, 1)


def test_several_problems_are_reported_together():
    street = _street()
    with pytest.raises(ValidationFailed) as excinfo:
        org_create(code=street.code, name=" ", kind="temporary_branch", parent=street)
    assert _errors(excinfo) == {
        ("code", "DUPLICATE"),
        ("name", "REQUIRED"),
        ("endDate", "REQUIRED"),
    }


# --- org_update -------------------------------------------------------------------------------


def test_update_keeps_omitted_fields_and_may_keep_its_own_code():
    street = _street("旧名称")
    updated = org_update(org=street, code=street.code, name="  新名称 ")
    fresh = PartyOrg.objects.get(pk=street.pk)
    assert (fresh.name, fresh.code, fresh.kind, fresh.path) == (
        "新名称",
        street.code,
        street.kind,
        street.path,
    )
    assert updated.name == "新名称"


def test_update_to_another_orgs_code_is_refused():
    first, second = _street(), _street()
    with pytest.raises(ValidationFailed) as excinfo:
        org_update(org=second, code=first.code)
    assert _errors(excinfo) == {("code", "DUPLICATE")}
    assert PartyOrg.objects.get(pk=second.pk).code == second.code


def test_clearing_a_temporary_branchs_end_date_is_refused():
    temporary = org_create(
        code=_code(),
        name="临时",
        kind="temporary_branch",
        parent=_street(),
        end_date=date(2030, 1, 1),
    )
    with pytest.raises(ValidationFailed) as excinfo:
        org_update(org=temporary, clear_end_date=True)
    assert _errors(excinfo) == {("endDate", "REQUIRED")}
    assert PartyOrg.objects.get(pk=temporary.pk).end_date == date(2030, 1, 1)


def test_update_to_an_end_date_before_the_established_date_is_refused():
    org = org_create(
        code=_code(),
        name="单位",
        kind="unit_org",
        parent=_street(),
        established_on=date(2020, 1, 1),
    )
    with pytest.raises(ValidationFailed) as excinfo:
        org_update(org=org, end_date=date(2019, 12, 31))
    assert _errors(excinfo) == {("endDate", "BEFORE_START")}


def test_kind_change_that_would_orphan_the_children_is_refused():
    street = _street()
    community = org_create(code=_code(), name="社区", kind="community_committee", parent=street)
    org_create(code=_code(), name="小区", kind="compound_branch", parent=community)
    with pytest.raises(ValidationFailed) as excinfo:
        # A unit_org may sit under a street, but may not hold a compound_branch.
        org_update(org=community, kind="unit_org")
    assert _errors(excinfo) == {("kind", "INVALID_CHILD_KIND")}
    assert "不再合规" in excinfo.value.errors[0].message
    assert PartyOrg.objects.get(pk=community.pk).kind == "community_committee"


def test_kind_change_the_parent_does_not_allow_is_refused():
    community = org_create(code=_code(), name="社区", kind="community_committee", parent=_street())
    with pytest.raises(ValidationFailed) as excinfo:
        org_update(org=community, kind="compound_branch")
    assert _errors(excinfo) == {("parentId", "INVALID_PARENT_KIND")}


def test_kind_change_allowed_by_parent_and_children_is_accepted():
    community = org_create(code=_code(), name="社区", kind="community_committee", parent=_street())
    org_create(code=_code(), name="小区", kind="compound_branch", parent=community)
    org_update(org=community, kind="community_general_branch")
    assert PartyOrg.objects.get(pk=community.pk).kind == "community_general_branch"


def test_root_cannot_become_another_kind():
    with pytest.raises(ValidationFailed) as excinfo:
        org_update(org=_root(), kind="street_working_committee")
    assert ("parentId", "REQUIRED") in _errors(excinfo)
    assert _root().kind == "district_committee"


def test_org_holding_members_cannot_become_a_party_group():
    community = org_create(code=_code(), name="社区", kind="community_committee", parent=_street())
    branch = org_create(code=_code(), name="小区支部", kind="compound_branch", parent=community)
    member_create(
        data=MemberData(
            name="支部党员",
            id_number=make_id_number("110101", date(1960, 1, 9), 881),
            education="bachelor",
            joined_on=date(1990, 1, 1),
            status="full",
            category="retired",
            org=branch,
        )
    )
    with pytest.raises(ValidationFailed):
        org_update(org=branch, kind="party_group")
    assert PartyOrg.objects.get(pk=branch.pk).kind == "compound_branch"
    assert Member.objects.filter(org=branch).count() == 1


def test_org_covering_a_unit_on_its_own_cannot_change_kind():
    street = _street()
    unit_org = org_create(code=_code(), name="企业党支部", kind="unit_org", parent=street)
    unit_create(
        data=UnitData(
            name=f"企业{uuid.uuid4().hex[:6]}",
            kind="non_public_enterprise",
            employee_count=50,
            party_member_count=5,
            party_org_status="own",
            covering_org=unit_org,
        )
    )
    with pytest.raises(ValidationFailed):
        org_update(org=unit_org, kind="joint_branch")
    assert PartyOrg.objects.get(pk=unit_org.pk).kind == "unit_org"


# --- org_move ---------------------------------------------------------------------------------


def test_move_rewrites_the_whole_subtree():
    root = _root()
    old_street, new_street = _street("旧街道"), _street("新街道")
    community = org_create(code=_code(), name="社区", kind="community_committee", parent=old_street)
    compound = org_create(code=_code(), name="小区", kind="compound_branch", parent=community)
    group = org_create(code=_code(), name="小组", kind="party_group", parent=compound)
    sibling = org_create(code=_code(), name="留下", kind="unit_org", parent=old_street)

    moved = org_move(org=community, new_parent=new_street)

    assert moved.parent_id == new_street.pk
    expected = {
        community.pk: (f"{root.pk}.{new_street.pk}.{community.pk}", 3, new_street.pk),
        compound.pk: (f"{root.pk}.{new_street.pk}.{community.pk}.{compound.pk}", 4, community.pk),
        group.pk: (
            f"{root.pk}.{new_street.pk}.{community.pk}.{compound.pk}.{group.pk}",
            5,
            compound.pk,
        ),
        sibling.pk: (f"{root.pk}.{old_street.pk}.{sibling.pk}", 3, old_street.pk),
    }
    actual = {
        pk: (path, depth, parent_id)
        for pk, path, depth, parent_id in PartyOrg.objects.filter(pk__in=expected).values_list(
            "pk", "path", "depth", "parent_id"
        )
    }
    assert actual == expected
    assert (
        not PartyOrg.objects.filter(path__descendant_of=old_street.path)
        .filter(pk__in=[community.pk, compound.pk, group.pk])
        .exists()
    )


def test_move_up_a_level_shortens_depths():
    root = _root()
    street = _street()
    unit_org = org_create(code=_code(), name="单位", kind="unit_org", parent=street)
    inner = org_create(code=_code(), name="下属单位", kind="unit_org", parent=unit_org)
    group = org_create(code=_code(), name="小组", kind="party_group", parent=inner)
    org_move(org=inner, new_parent=root)
    assert PartyOrg.objects.get(pk=inner.pk).depth == 2
    fresh_group = PartyOrg.objects.get(pk=group.pk)
    assert fresh_group.path == f"{root.pk}.{inner.pk}.{group.pk}"
    assert fresh_group.depth == 3


def test_moving_the_root_is_refused():
    street = _street()
    before = _snapshot()
    with pytest.raises(ValidationFailed) as excinfo:
        org_move(org=_root(), new_parent=street)
    assert _errors(excinfo) == {("id", "ROOT_IMMOVABLE")}
    assert _snapshot() == before


def test_moving_into_its_own_subtree_is_refused():
    street = _street()
    unit_org = org_create(code=_code(), name="单位", kind="unit_org", parent=street)
    inner = org_create(code=_code(), name="下属单位", kind="unit_org", parent=unit_org)
    before = _snapshot()
    for target in (inner, unit_org):
        with pytest.raises(ValidationFailed) as excinfo:
            org_move(org=unit_org, new_parent=target)
        assert _errors(excinfo) == {("newParentId", "CYCLE")}
    assert _snapshot() == before


def test_move_under_a_parent_of_the_wrong_kind_is_refused():
    street = _street()
    community = org_create(code=_code(), name="社区", kind="community_committee", parent=street)
    other_street = _street()
    unit_org = org_create(code=_code(), name="单位", kind="unit_org", parent=other_street)
    before = _snapshot()
    with pytest.raises(ValidationFailed) as excinfo:
        org_move(org=community, new_parent=unit_org)
    assert _errors(excinfo) == {("parentId", "INVALID_PARENT_KIND")}
    assert _snapshot() == before


def test_move_to_the_current_parent_changes_nothing():
    street = _street()
    community = org_create(code=_code(), name="社区", kind="community_committee", parent=street)
    before = _snapshot()
    assert org_move(org=community, new_parent=street).pk == community.pk
    assert _snapshot() == before


def test_move_uses_current_paths_not_stale_instances():
    root = _root()
    a, b = _street("甲街道"), _street("乙街道")
    unit_org = org_create(code=_code(), name="单位", kind="unit_org", parent=a)
    stale_unit_org = PartyOrg.objects.get(pk=unit_org.pk)
    group = org_create(code=_code(), name="小组", kind="party_group", parent=unit_org)
    org_move(org=unit_org, new_parent=b)
    # The caller still holds the instance from before the first move.
    org_move(org=stale_unit_org, new_parent=root)
    assert PartyOrg.objects.get(pk=group.pk).path == f"{root.pk}.{unit_org.pk}.{group.pk}"


def test_create_under_a_stale_parent_instance_uses_its_current_path():
    root = _root()
    a, b = _street("甲街道"), _street("乙街道")
    unit_org = org_create(code=_code(), name="单位", kind="unit_org", parent=a)
    stale = PartyOrg.objects.get(pk=unit_org.pk)
    org_move(org=unit_org, new_parent=b)
    child = org_create(code=_code(), name="小组", kind="party_group", parent=stale)
    assert child.path == f"{root.pk}.{b.pk}.{unit_org.pk}.{child.pk}"
