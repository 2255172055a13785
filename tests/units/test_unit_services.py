"""Unit rules: counts, credit codes and which Party org may cover a unit (in-process, alpha)."""

import uuid
from typing import Any

import pytest

from backend.common.validation import ValidationFailed
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.units.models import Unit
from backend.units.services import UnitData, unit_create, unit_update

pytestmark = pytest.mark.usefixtures("in_alpha")

# Unified social credit codes (GB 32100-2015 shape: 18 characters, no I/O/S/V/Z).
CREDIT_A = "91110105MA01ABCD1X"
CREDIT_B = "91110105MA01ABCD2Y"


def _code() -> str:
    return f"u-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def orgs() -> dict[str, PartyOrg]:
    root = PartyOrg.objects.get(parent__isnull=True)
    street = org_create(code=_code(), name="街道", kind="street_working_committee", parent=root)
    community = org_create(code=_code(), name="社区", kind="community_committee", parent=street)
    unit_org = org_create(code=_code(), name="企业党支部", kind="unit_org", parent=street)
    return {
        "street": street,
        "community": community,
        "unit_org": unit_org,
        "joint": org_create(code=_code(), name="联合党支部", kind="joint_branch", parent=street),
        "group": org_create(code=_code(), name="党小组", kind="party_group", parent=unit_org),
    }


def _data(**overrides) -> UnitData:
    values: dict[str, Any] = {
        "name": f"测试单位{uuid.uuid4().hex[:6]}",
        "kind": "non_public_enterprise",
        "employee_count": 40,
        "party_member_count": 4,
    }
    values.update(overrides)
    return UnitData(**values)


def _refused(data: UnitData) -> set[tuple[str, str]]:
    before = Unit.objects.count()
    with pytest.raises(ValidationFailed) as excinfo:
        unit_create(data=data)
    assert Unit.objects.count() == before
    assert all(e.message for e in excinfo.value.errors)
    return {(e.field, e.code) for e in excinfo.value.errors}


# --- happy paths ------------------------------------------------------------------------------


def test_unit_with_its_own_org_is_created(orgs):
    unit = unit_create(
        data=_data(
            name="  星光科技有限公司 ",
            credit_code=CREDIT_A,
            party_org_status="own",
            covering_org=orgs["unit_org"],
        )
    )
    fresh = Unit.objects.get(pk=unit.pk)
    assert fresh.name == "星光科技有限公司"
    assert fresh.credit_code == CREDIT_A
    assert fresh.covering_org_id == orgs["unit_org"].pk
    assert fresh.party_org_status == "own"


def test_blank_credit_code_is_stored_as_unknown_and_may_repeat(orgs):
    first = unit_create(data=_data(credit_code=""))
    second = unit_create(data=_data(credit_code=""))
    assert Unit.objects.filter(pk__in=[first.pk, second.pk], credit_code__isnull=True).count() == 2


def test_joint_and_attached_coverage_are_accepted(orgs):
    joint = unit_create(data=_data(party_org_status="joint", covering_org=orgs["joint"]))
    attached = unit_create(
        data=_data(
            party_org_status="attached", covering_org=orgs["community"], party_member_count=1
        )
    )
    assert joint.covering_org_id == orgs["joint"].pk
    assert attached.covering_org_id == orgs["community"].pk


def test_own_org_needs_three_members_exactly_three_is_enough(orgs):
    unit = unit_create(
        data=_data(party_org_status="own", covering_org=orgs["unit_org"], party_member_count=3)
    )
    assert unit.party_member_count == 3


def test_as_many_party_members_as_employees_is_accepted():
    assert unit_create(data=_data(employee_count=5, party_member_count=5)).pk


# --- refusals on create -----------------------------------------------------------------------


def test_name_is_required():
    assert _refused(_data(name="   ")) == {("name", "REQUIRED")}


def test_unknown_kind_is_refused():
    assert _refused(_data(kind="embassy")) == {("kind", "INVALID")}


@pytest.mark.parametrize(
    "credit_code",
    [
        "91110105MA01ABCD1",  # 17 characters
        "91110105MA01ABCD1X0",  # 19 characters
        "91110105MA01ABCDIX",  # I is not used
        "9111010XMA01ABCD1X",  # letter among the region digits
        "91110105ma01abcd1x",  # lower case
    ],
)
def test_malformed_credit_code_is_refused(credit_code):
    assert _refused(_data(credit_code=credit_code)) == {("creditCode", "INVALID")}


def test_duplicate_credit_code_is_refused():
    unit_create(data=_data(credit_code=CREDIT_B))
    assert _refused(_data(credit_code=CREDIT_B)) == {("creditCode", "DUPLICATE")}


def test_negative_counts_are_refused():
    assert _refused(_data(employee_count=-1, party_member_count=0)) == {
        ("employeeCount", "NEGATIVE")
    }
    assert _refused(_data(employee_count=5, party_member_count=-2)) == {
        ("employeeCount", "NEGATIVE")
    }


def test_more_party_members_than_employees_is_refused():
    assert _refused(_data(employee_count=10, party_member_count=11)) == {
        ("partyMemberCount", "EXCEEDS_EMPLOYEES")
    }


def test_unknown_party_org_status_is_refused():
    assert _refused(_data(party_org_status="pending")) == {("partyOrgStatus", "INVALID")}


def test_unit_without_party_org_may_not_name_a_covering_org(orgs):
    assert _refused(_data(party_org_status="none", covering_org=orgs["unit_org"])) == {
        ("coveringOrgId", "NOT_ALLOWED")
    }


@pytest.mark.parametrize("status", ["own", "joint", "attached"])
def test_covered_unit_needs_a_covering_org(status):
    assert _refused(_data(party_org_status=status)) == {("coveringOrgId", "REQUIRED")}


@pytest.mark.parametrize(
    ("status", "org_key"),
    [
        ("own", "community"),
        ("own", "joint"),
        ("own", "group"),
        ("joint", "unit_org"),
        ("joint", "street"),
        ("attached", "group"),
    ],
)
def test_covering_org_of_the_wrong_kind_is_refused(orgs, status, org_key):
    assert _refused(_data(party_org_status=status, covering_org=orgs[org_key])) == {
        ("coveringOrgId", "INVALID_ORG_KIND")
    }


@pytest.mark.parametrize("members", [0, 1, 2])
def test_own_org_with_fewer_than_three_members_is_refused(orgs, members):
    assert _refused(
        _data(party_org_status="own", covering_org=orgs["unit_org"], party_member_count=members)
    ) == {("partyMemberCount", "TOO_FEW_FOR_OWN_ORG")}


def test_several_problems_are_reported_together(orgs):
    unit_create(data=_data(credit_code=CREDIT_A))
    assert _refused(
        _data(
            name="",
            credit_code=CREDIT_A,
            employee_count=1,
            party_member_count=2,
            party_org_status="joint",
        )
    ) == {
        ("name", "REQUIRED"),
        ("creditCode", "DUPLICATE"),
        ("partyMemberCount", "EXCEEDS_EMPLOYEES"),
        ("coveringOrgId", "REQUIRED"),
    }


# --- unit_update ------------------------------------------------------------------------------


def test_update_keeps_omitted_fields_and_its_own_credit_code(orgs):
    unit = unit_create(
        data=_data(credit_code=CREDIT_A, party_org_status="own", covering_org=orgs["unit_org"])
    )
    unit_update(unit=unit, changes={"credit_code": CREDIT_A, "address": "幸福路 1 号"})
    fresh = Unit.objects.get(pk=unit.pk)
    assert (fresh.credit_code, fresh.address, fresh.covering_org_id, fresh.party_member_count) == (
        CREDIT_A,
        "幸福路 1 号",
        orgs["unit_org"].pk,
        4,
    )


def test_update_to_another_units_credit_code_is_refused():
    unit_create(data=_data(credit_code=CREDIT_A))
    other = unit_create(data=_data(credit_code=CREDIT_B))
    with pytest.raises(ValidationFailed) as excinfo:
        unit_update(unit=other, changes={"credit_code": CREDIT_A})
    assert {(e.field, e.code) for e in excinfo.value.errors} == {("creditCode", "DUPLICATE")}
    assert Unit.objects.get(pk=other.pk).credit_code == CREDIT_B


def test_update_dropping_employees_below_party_members_is_refused():
    unit = unit_create(data=_data(employee_count=10, party_member_count=6))
    with pytest.raises(ValidationFailed) as excinfo:
        unit_update(unit=unit, changes={"employee_count": 5})
    assert {(e.field, e.code) for e in excinfo.value.errors} == {
        ("partyMemberCount", "EXCEEDS_EMPLOYEES")
    }
    assert Unit.objects.get(pk=unit.pk).employee_count == 10


def test_update_to_too_few_members_for_its_own_org_is_refused(orgs):
    unit = unit_create(data=_data(party_org_status="own", covering_org=orgs["unit_org"]))
    with pytest.raises(ValidationFailed) as excinfo:
        unit_update(unit=unit, changes={"party_member_count": 2})
    assert {(e.field, e.code) for e in excinfo.value.errors} == {
        ("partyMemberCount", "TOO_FEW_FOR_OWN_ORG")
    }


def test_update_to_no_party_org_must_clear_the_covering_org(orgs):
    unit = unit_create(data=_data(party_org_status="own", covering_org=orgs["unit_org"]))
    with pytest.raises(ValidationFailed) as excinfo:
        unit_update(unit=unit, changes={"party_org_status": "none"})
    assert {(e.field, e.code) for e in excinfo.value.errors} == {("coveringOrgId", "NOT_ALLOWED")}
    unit_update(unit=unit, changes={"party_org_status": "none", "covering_org": None})
    fresh = Unit.objects.get(pk=unit.pk)
    assert (fresh.party_org_status, fresh.covering_org_id) == ("none", None)


def test_update_switching_to_joint_needs_a_joint_branch(orgs):
    unit = unit_create(data=_data(party_org_status="own", covering_org=orgs["unit_org"]))
    with pytest.raises(ValidationFailed) as excinfo:
        unit_update(unit=unit, changes={"party_org_status": "joint"})
    assert {(e.field, e.code) for e in excinfo.value.errors} == {
        ("coveringOrgId", "INVALID_ORG_KIND")
    }
    unit_update(unit=unit, changes={"party_org_status": "joint", "covering_org": orgs["joint"]})
    assert Unit.objects.get(pk=unit.pk).covering_org_id == orgs["joint"].pk
