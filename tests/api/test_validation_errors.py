"""Mutations through HTTP: bad input comes back as typed payload errors (HTTP 200, entity null,
field in camelCase, a stable code, a Chinese message) and writes nothing; good input is saved."""

import itertools
import re
import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.units.models import Unit
from tenants.context import in_district
from tests.conftest import global_id

# The marker makes pytest-django create the test database (without a test that uses it, the
# session fixtures would seed and serve the development database).
pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
REGION = "110116"  # used by no other test module
_sequence = itertools.count(1)

CREATE_ORG = """mutation($input: CreatePartyOrgInput!) { createPartyOrg(input: $input) {
  org { id code name kind depth endDate parent { name } ancestors { name } }
  errors { field code message } } }"""
UPDATE_ORG = """mutation($input: UpdatePartyOrgInput!) { updatePartyOrg(input: $input) {
  org { id code name kind endDate } errors { field code message } } }"""
MOVE_ORG = """mutation($input: MovePartyOrgInput!) { movePartyOrg(input: $input) {
  org { id depth parent { name } ancestors { name } } errors { field code message } } }"""
CREATE_UNIT = """mutation($input: CreateUnitInput!) { createUnit(input: $input) {
  unit { id name creditCode kind employeeCount partyMemberCount partyOrgStatus
         coveringOrg { name } }
  errors { field code message } } }"""
UPDATE_UNIT = """mutation($input: UpdateUnitInput!) { updateUnit(input: $input) {
  unit { id name address employeeCount partyMemberCount partyOrgStatus coveringOrg { name } }
  errors { field code message } } }"""
CREATE_MEMBER = """mutation($input: CreateMemberInput!) { createMember(input: $input) {
  member { id name idNumber phone gender birthDate category org { name }
           residenceCommunity { name } workUnit { name } }
  errors { field code message } } }"""
UPDATE_MEMBER = """mutation($input: UpdateMemberInput!) { updateMember(input: $input) {
  member { id name idNumber phone gender birthDate org { name } }
  errors { field code message } } }"""
ORG_ANCESTORS = """query($id: ID!) { org(id: $id) { name depth ancestors { name } } }"""


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _id_number(born: date = date(1966, 5, 20)) -> str:
    return make_id_number(REGION, born, next(_sequence))


def _org(seeded, key: str) -> str:
    return global_id("PartyOrg", "alpha", seeded["alpha"].org_pks[key])


def _counts() -> dict[str, int]:
    with in_district("alpha"):
        counts = {
            "orgs": PartyOrg.objects.count(),
            "units": Unit.objects.count(),
            "members": Member.objects.count(),
        }
    return counts


def _org_rows() -> list[tuple]:
    with in_district("alpha"):
        rows = list(
            PartyOrg.objects.order_by("pk").values_list(
                "pk", "code", "name", "kind", "parent_id", "path", "end_date"
            )
        )
    return rows


def _pk(gid: str) -> int:
    import base64

    return int(base64.b64decode(gid).decode().rsplit(".", 1)[1])


def _refused(client, mutation: str, name: str, entity: str, input_: dict[str, Any]) -> list[dict]:
    """Run a mutation that must be refused; return its errors after the common checks."""
    before = _counts()
    result = client.execute(mutation, {"input": input_})
    assert result.status == 200, result.text
    payload = result.data[name]
    assert payload[entity] is None
    assert payload["errors"], payload
    for error in payload["errors"]:
        assert CHINESE.search(error["message"]), error
        assert re.fullmatch(r"[a-z][A-Za-z]*", error["field"]), error
    assert _counts() == before
    return payload["errors"]


def _codes(errors: list[dict]) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in errors}


def _accepted(client, mutation: str, name: str, entity: str, input_: dict[str, Any]) -> dict:
    result = client.execute(mutation, {"input": input_})
    assert result.status == 200, result.text
    payload = result.data[name]
    assert payload["errors"] == []
    assert payload[entity] is not None
    return payload[entity]


def _new_street(alpha, seeded, name: str = "新街道党工委") -> dict:
    return _accepted(
        alpha,
        CREATE_ORG,
        "createPartyOrg",
        "org",
        {
            "code": _unique("api-st"),
            "name": name,
            "kind": "STREET_WORKING_COMMITTEE",
            "parentId": _org(seeded, "root"),
        },
    )


# --- createPartyOrg -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("input_", "expected"),
    [
        pytest.param(
            {"kind": "COMPOUND_BRANCH", "parent": "s1"},
            {("parentId", "INVALID_PARENT_KIND")},
            id="wrong-parent-kind",
        ),
        pytest.param(
            {"kind": "TEMPORARY_BRANCH", "parent": "s2"},
            {("endDate", "REQUIRED")},
            id="temporary-branch-without-end-date",
        ),
        pytest.param(
            {"kind": "UNIT_ORG", "parent": "s1", "code": "alpha-s1"},
            {("code", "DUPLICATE")},
            id="duplicate-code",
        ),
        pytest.param(
            {
                "kind": "TEMPORARY_BRANCH",
                "parent": "s2",
                "establishedOn": "2024-06-01",
                "endDate": "2024-05-31",
            },
            {("endDate", "BEFORE_START")},
            id="end-before-start",
        ),
        pytest.param(
            {"kind": "DISTRICT_COMMITTEE", "parent": None},
            {("kind", "DUPLICATE_ROOT")},
            id="second-root",
        ),
        pytest.param(
            {"kind": "UNIT_ORG", "parent": None}, {("parentId", "REQUIRED")}, id="no-parent"
        ),
        pytest.param(
            {"kind": "UNIT_ORG", "parent": "s1", "code": "bad code!"},
            {("code", "INVALID")},
            id="malformed-code",
        ),
        pytest.param(
            {"kind": "UNIT_ORG", "parent": "s1", "name": "   "},
            {("name", "REQUIRED")},
            id="blank-name",
        ),
    ],
)
def test_create_party_org_refusals(alpha, seeded, input_, expected):
    parent = input_.pop("parent")
    request = {"code": _unique("api-bad"), "name": "错误的组织", **input_}
    if parent is not None:
        request["parentId"] = _org(seeded, parent)
    errors = _refused(alpha, CREATE_ORG, "createPartyOrg", "org", request)
    assert _codes(errors) == expected


@pytest.mark.parametrize(
    "parent_id",
    [
        pytest.param(lambda s: global_id("Unit", "alpha", s["alpha"].unit_pk), id="unit-id"),
        pytest.param(lambda s: global_id("PartyOrg", "beta", s["beta"].org_pks["s1"]), id="beta"),
        pytest.param(lambda s: global_id("PartyOrg", "alpha", 987654321), id="missing"),
    ],
)
def test_create_party_org_under_an_unknown_parent_is_not_found(alpha, seeded, parent_id):
    errors = _refused(
        alpha,
        CREATE_ORG,
        "createPartyOrg",
        "org",
        {
            "code": _unique("api-bad"),
            "name": "无处安放",
            "kind": "UNIT_ORG",
            "parentId": parent_id(seeded),
        },
    )
    assert _codes(errors) == {("parentId", "NOT_FOUND")}


def test_create_party_org_reports_all_problems_at_once(alpha, seeded):
    errors = _refused(
        alpha,
        CREATE_ORG,
        "createPartyOrg",
        "org",
        {
            "code": "alpha-s1",
            "name": "",
            "kind": "TEMPORARY_BRANCH",
            "parentId": _org(seeded, "s1-c1"),
        },
    )
    assert _codes(errors) == {("code", "DUPLICATE"), ("name", "REQUIRED"), ("endDate", "REQUIRED")}


def test_create_party_org_saves_and_returns_the_org(alpha, seeded):
    code = _unique("api-ok")
    org = _accepted(
        alpha,
        CREATE_ORG,
        "createPartyOrg",
        "org",
        {
            "code": code,
            "name": " 临时党支部 ",
            "kind": "TEMPORARY_BRANCH",
            "parentId": _org(seeded, "s2"),
            "endDate": "2027-01-31",
        },
    )
    assert (org["code"], org["name"], org["kind"], org["depth"], org["endDate"]) == (
        code,
        "临时党支部",
        "TEMPORARY_BRANCH",
        3,
        "2027-01-31",
    )
    assert org["parent"]["name"] == "CANARYALPHA二街道党工委"
    assert [a["name"] for a in org["ancestors"]] == ["CANARYALPHA区委", "CANARYALPHA二街道党工委"]
    with in_district("alpha"):
        assert PartyOrg.objects.filter(code=code, parent_id=seeded["alpha"].org_pks["s2"]).exists()


# --- movePartyOrg -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("org", "new_parent", "expected"),
    [
        pytest.param("s1", "s1-c1", {("newParentId", "CYCLE")}, id="into-own-subtree"),
        pytest.param("s1", "s1", {("newParentId", "CYCLE")}, id="under-itself"),
        pytest.param("root", "s1", {("id", "ROOT_IMMOVABLE")}, id="root"),
        pytest.param("s1-c1", "s1-u1", {("parentId", "INVALID_PARENT_KIND")}, id="wrong-kind"),
    ],
)
def test_move_party_org_refusals(alpha, seeded, org, new_parent, expected):
    before = _org_rows()
    errors = _refused(
        alpha,
        MOVE_ORG,
        "movePartyOrg",
        "org",
        {"id": _org(seeded, org), "newParentId": _org(seeded, new_parent)},
    )
    assert _codes(errors) == expected
    assert _org_rows() == before


def test_move_party_org_under_a_unit_id_is_not_found(alpha, seeded):
    errors = _refused(
        alpha,
        MOVE_ORG,
        "movePartyOrg",
        "org",
        {"id": _org(seeded, "s1-u1"), "newParentId": global_id("Unit", "alpha", 1)},
    )
    assert _codes(errors) == {("newParentId", "NOT_FOUND")}


def test_move_party_org_rehangs_the_subtree_and_the_breadcrumb_follows(alpha, seeded):
    old_street = _new_street(alpha, seeded, "迁出街道党工委")
    new_street = _new_street(alpha, seeded, "迁入街道党工委")
    community = _accepted(
        alpha,
        CREATE_ORG,
        "createPartyOrg",
        "org",
        {
            "code": _unique("api-c"),
            "name": "搬家社区党委",
            "kind": "COMMUNITY_COMMITTEE",
            "parentId": old_street["id"],
        },
    )
    branch = _accepted(
        alpha,
        CREATE_ORG,
        "createPartyOrg",
        "org",
        {
            "code": _unique("api-b"),
            "name": "搬家小区党支部",
            "kind": "COMPOUND_BRANCH",
            "parentId": community["id"],
        },
    )
    moved = _accepted(
        alpha,
        MOVE_ORG,
        "movePartyOrg",
        "org",
        {"id": community["id"], "newParentId": new_street["id"]},
    )
    assert moved["parent"]["name"] == "迁入街道党工委"
    assert [a["name"] for a in moved["ancestors"]] == ["CANARYALPHA区委", "迁入街道党工委"]

    crumb = alpha.execute(ORG_ANCESTORS, {"id": branch["id"]}).data["org"]
    assert crumb["depth"] == 4
    assert [a["name"] for a in crumb["ancestors"]] == [
        "CANARYALPHA区委",
        "迁入街道党工委",
        "搬家社区党委",
    ]
    with in_district("alpha"):
        stored = PartyOrg.objects.get(pk=_pk(branch["id"]))
        assert stored.path.split(".")[1] == str(_pk(new_street["id"]))


# --- updatePartyOrg -----------------------------------------------------------------------------


def test_update_party_org_renames(alpha, seeded):
    street = _new_street(alpha, seeded, "改名前街道")
    updated = _accepted(
        alpha, UPDATE_ORG, "updatePartyOrg", "org", {"id": street["id"], "name": "改名后街道"}
    )
    assert (updated["name"], updated["code"]) == ("改名后街道", street["code"])


def test_update_party_org_to_a_taken_code_is_refused(alpha, seeded):
    street = _new_street(alpha, seeded)
    before = _org_rows()
    errors = _refused(
        alpha, UPDATE_ORG, "updatePartyOrg", "org", {"id": street["id"], "code": "alpha-s1"}
    )
    assert _codes(errors) == {("code", "DUPLICATE")}
    assert _org_rows() == before


def test_update_party_org_clearing_a_temporary_branchs_end_date_is_refused(alpha, seeded):
    before = _org_rows()
    errors = _refused(
        alpha, UPDATE_ORG, "updatePartyOrg", "org", {"id": _org(seeded, "s2-t1"), "endDate": None}
    )
    assert _codes(errors) == {("endDate", "REQUIRED")}
    assert _org_rows() == before


def test_update_party_org_kind_that_orphans_children_is_refused(alpha, seeded):
    errors = _refused(
        alpha,
        UPDATE_ORG,
        "updatePartyOrg",
        "org",
        {"id": _org(seeded, "s1-c1"), "kind": "UNIT_ORG"},
    )
    # The community also has in-service residents, who need a community to report to.
    assert _codes(errors) == {("kind", "INVALID_CHILD_KIND"), ("kind", "HAS_RESIDENTS")}


def test_update_party_org_does_not_leak_internal_errors(alpha, seeded):
    """Whatever updatePartyOrg does, the client never sees SQL or a stack trace."""
    street = _org(seeded, "s1")
    original = alpha.execute("query($id: ID!) { org(id: $id) { name } }", {"id": street})
    result = alpha.execute(UPDATE_ORG, {"input": {"id": street, "name": "x"}})
    # The seeded street keeps its canary name for the tests that run after this one.
    alpha.execute(UPDATE_ORG, {"input": {"id": street, "name": original.data["org"]["name"]}})
    assert result.status == 200
    assert "FOR UPDATE" not in result.text
    assert "Traceback" not in result.text


# --- createUnit / updateUnit ----------------------------------------------------------------------


def _unit_input(**overrides) -> dict[str, Any]:
    values = {
        "name": _unique("单位"),
        "kind": "NON_PUBLIC_ENTERPRISE",
        "employeeCount": 30,
        "partyMemberCount": 3,
    }
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param({"name": " "}, {("name", "REQUIRED")}, id="blank-name"),
        pytest.param(
            {"employeeCount": 2, "partyMemberCount": 3},
            {("partyMemberCount", "EXCEEDS_EMPLOYEES")},
            id="more-members-than-employees",
        ),
        pytest.param(
            {"employeeCount": -1, "partyMemberCount": 0},
            {("employeeCount", "NEGATIVE")},
            id="negative",
        ),
        pytest.param(
            {"creditCode": "91110105MA01ABCD1"}, {("creditCode", "INVALID")}, id="credit-code"
        ),
        pytest.param(
            {"partyOrgStatus": "OWN"}, {("coveringOrgId", "REQUIRED")}, id="own-without-org"
        ),
        pytest.param(
            {"partyOrgStatus": "NONE", "coveringOrg": "s1-u1"},
            {("coveringOrgId", "NOT_ALLOWED")},
            id="none-with-org",
        ),
        pytest.param(
            {"partyOrgStatus": "OWN", "coveringOrg": "s1-c1"},
            {("coveringOrgId", "INVALID_ORG_KIND")},
            id="own-by-community",
        ),
        pytest.param(
            {"partyOrgStatus": "JOINT", "coveringOrg": "s1-u1"},
            {("coveringOrgId", "INVALID_ORG_KIND")},
            id="joint-by-unit-org",
        ),
        pytest.param(
            {"partyOrgStatus": "ATTACHED", "coveringOrg": "s1-c1-b1-g1"},
            {("coveringOrgId", "INVALID_ORG_KIND")},
            id="attached-to-party-group",
        ),
        pytest.param(
            {"partyOrgStatus": "OWN", "coveringOrg": "s1-u1", "partyMemberCount": 2},
            {("partyMemberCount", "TOO_FEW_FOR_OWN_ORG")},
            id="own-with-two-members",
        ),
    ],
)
def test_create_unit_refusals(alpha, seeded, overrides, expected):
    covering = overrides.pop("coveringOrg", None)
    request = _unit_input(**overrides)
    if covering:
        request["coveringOrgId"] = _org(seeded, covering)
    errors = _refused(alpha, CREATE_UNIT, "createUnit", "unit", request)
    assert _codes(errors) == expected


def test_create_unit_with_a_member_id_as_covering_org_is_not_found(alpha, seeded):
    errors = _refused(
        alpha,
        CREATE_UNIT,
        "createUnit",
        "unit",
        _unit_input(
            partyOrgStatus="ATTACHED",
            coveringOrgId=global_id("Member", "alpha", seeded["alpha"].member_pks[0]),
        ),
    )
    assert _codes(errors) == {("coveringOrgId", "NOT_FOUND")}


def test_create_unit_saves_it_and_refuses_its_credit_code_twice(alpha, seeded):
    credit_code = f"91110105MA{uuid.uuid4().int % 10**8:08d}"
    unit = _accepted(
        alpha,
        CREATE_UNIT,
        "createUnit",
        "unit",
        _unit_input(
            name="  晨光网络科技有限公司 ",
            creditCode=credit_code,
            partyOrgStatus="OWN",
            coveringOrgId=_org(seeded, "s1-u1"),
        ),
    )
    assert (unit["name"], unit["creditCode"], unit["partyOrgStatus"]) == (
        "晨光网络科技有限公司",
        credit_code,
        "OWN",
    )
    assert unit["coveringOrg"]["name"] == "CANARYALPHA科技公司党支部"
    errors = _refused(alpha, CREATE_UNIT, "createUnit", "unit", _unit_input(creditCode=credit_code))
    assert _codes(errors) == {("creditCode", "DUPLICATE")}


def _seeded_unit_row(seeded) -> tuple:
    with in_district("alpha"):
        row = Unit.objects.filter(pk=seeded["alpha"].unit_pk).values_list(
            "name", "employee_count", "party_member_count", "party_org_status", "covering_org_id"
        )[0]
    return row


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"partyMemberCount": 121}, {("partyMemberCount", "EXCEEDS_EMPLOYEES")}, id="exceeds"
        ),
        pytest.param(
            {"partyMemberCount": 2}, {("partyMemberCount", "TOO_FEW_FOR_OWN_ORG")}, id="too-few"
        ),
        pytest.param(
            {"partyOrgStatus": "NONE"}, {("coveringOrgId", "NOT_ALLOWED")}, id="none-keeps-org"
        ),
        pytest.param({"coveringOrgId": None}, {("coveringOrgId", "REQUIRED")}, id="clear-org"),
        pytest.param({"name": ""}, {("name", "REQUIRED")}, id="blank-name"),
        pytest.param({"creditCode": "not-a-code"}, {("creditCode", "INVALID")}, id="credit"),
    ],
)
def test_update_unit_refusals_leave_the_unit_unchanged(alpha, seeded, changes, expected):
    before = _seeded_unit_row(seeded)
    errors = _refused(
        alpha,
        UPDATE_UNIT,
        "updateUnit",
        "unit",
        {"id": global_id("Unit", "alpha", seeded["alpha"].unit_pk), **changes},
    )
    assert _codes(errors) == expected
    assert _seeded_unit_row(seeded) == before


def test_update_unit_changes_the_given_fields(alpha, seeded):
    unit = _accepted(
        alpha,
        CREATE_UNIT,
        "createUnit",
        "unit",
        _unit_input(
            partyOrgStatus="ATTACHED", coveringOrgId=_org(seeded, "s1-c1"), partyMemberCount=1
        ),
    )
    updated = _accepted(
        alpha,
        UPDATE_UNIT,
        "updateUnit",
        "unit",
        {
            "id": unit["id"],
            "address": "和平里 9 号",
            "employeeCount": 80,
            "partyMemberCount": 6,
            "partyOrgStatus": "OWN",
            "coveringOrgId": _org(seeded, "s1-u1"),
        },
    )
    assert (updated["address"], updated["employeeCount"], updated["partyMemberCount"]) == (
        "和平里 9 号",
        80,
        6,
    )
    assert (updated["partyOrgStatus"], updated["coveringOrg"]["name"]) == (
        "OWN",
        "CANARYALPHA科技公司党支部",
    )
    assert updated["name"] == unit["name"]


# --- createMember / updateMember ------------------------------------------------------------------


def _member_input(seeded, **overrides) -> dict[str, Any]:
    values = {
        "name": "王五",
        "idNumber": _id_number(),
        "education": "COLLEGE",
        "joinedOn": "1995-07-01",
        "status": "FULL",
        "category": "RETIRED",
        "orgId": _org(seeded, "s1-c1-b1"),
    }
    values.update(overrides)
    return values


def _bad_checksum() -> str:
    valid = _id_number()
    return valid[:-1] + ("1" if valid[-1] != "1" else "2")


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param(
            lambda s: {"idNumber": _bad_checksum()}, {("idNumber", "ID_CHECKSUM")}, id="checksum"
        ),
        pytest.param(
            lambda s: {"idNumber": s["alpha"].id_numbers[2]},
            {("idNumber", "DUPLICATE")},
            id="duplicate-id-number",
        ),
        pytest.param(
            lambda s: {"idNumber": "11010119700301"}, {("idNumber", "ID_FORMAT")}, id="format"
        ),
        pytest.param(
            lambda s: {"orgId": global_id("Unit", "alpha", s["alpha"].unit_pk)},
            {("orgId", "NOT_FOUND")},
            id="unit-id-as-org",
        ),
        pytest.param(
            lambda s: {"orgId": global_id("PartyOrg", "beta", s["beta"].org_pks["s1-c1-b1"])},
            {("orgId", "NOT_FOUND")},
            id="other-districts-org",
        ),
        pytest.param(
            lambda s: {"orgId": global_id("PartyOrg", "alpha", s["alpha"].org_pks["s1-c1-b1-g1"])},
            {("orgId", "INVALID_ORG_KIND")},
            id="party-group",
        ),
        pytest.param(
            lambda s: {"idNumber": make_id_number(REGION, date(1966, 5, 20), 1)},
            {("gender", "MISMATCH_ID_NUMBER")},
            id="gender",
            # sequence 001 is odd: a man; the input says FEMALE (added below)
        ),
        pytest.param(
            lambda s: {"birthDate": "1966-05-21"},
            {("birthDate", "MISMATCH_ID_NUMBER")},
            id="birth-date",
        ),
        pytest.param(
            lambda s: {"joinedOn": "1984-05-19"}, {("joinedOn", "TOO_YOUNG")}, id="too-young"
        ),
        pytest.param(
            lambda s: {"joinedOn": (date.today() + timedelta(days=1)).isoformat()},
            {("joinedOn", "IN_FUTURE")},
            id="joined-in-future",
        ),
        pytest.param(lambda s: {"phone": "1234567"}, {("phone", "INVALID")}, id="phone"),
        pytest.param(
            lambda s: {
                "residenceCommunityId": global_id("PartyOrg", "alpha", s["alpha"].org_pks["s1-c1"])
            },
            {("residenceCommunityId", "NOT_ALLOWED")},
            id="retired-with-residence",
        ),
        pytest.param(
            lambda s: {
                "category": "IN_SERVICE",
                "residenceCommunityId": global_id("PartyOrg", "alpha", s["alpha"].org_pks["s1"]),
            },
            {("residenceCommunityId", "INVALID_ORG_KIND")},
            id="residence-not-a-community",
        ),
        pytest.param(
            lambda s: {"workUnitId": global_id("PartyOrg", "alpha", s["alpha"].org_pks["s1"])},
            {("workUnitId", "NOT_FOUND")},
            id="org-id-as-work-unit",
        ),
    ],
)
def test_create_member_refusals(alpha, seeded, overrides, expected):
    request = _member_input(seeded, **overrides(seeded))
    if ("gender", "MISMATCH_ID_NUMBER") in expected:
        request["gender"] = "FEMALE"
    errors = _refused(alpha, CREATE_MEMBER, "createMember", "member", request)
    assert _codes(errors) == expected


def test_create_member_message_for_a_bad_checksum_tells_the_user_what_to_check(alpha, seeded):
    errors = _refused(
        alpha,
        CREATE_MEMBER,
        "createMember",
        "member",
        _member_input(seeded, idNumber=_bad_checksum()),
    )
    assert errors[0]["message"] == "公民身份号码校验码错误，请核对。"


def test_create_member_derives_identity_and_masks_personal_data(alpha, seeded):
    id_number = make_id_number(REGION, date(1968, 10, 3), 900 + next(_sequence) * 2 % 98)
    member = _accepted(
        alpha,
        CREATE_MEMBER,
        "createMember",
        "member",
        _member_input(
            seeded,
            name=" 赵六 ",
            idNumber=id_number,
            phone="13812345678",
            category="IN_SERVICE",
            residenceCommunityId=_org(seeded, "s1-c1"),
            workUnitId=global_id("Unit", "alpha", seeded["alpha"].unit_pk),
        ),
    )
    assert member["name"] == "赵六"
    assert member["idNumber"] == f"{id_number[:3]}{'*' * 11}{id_number[-4:]}"
    assert id_number not in str(member)
    assert member["phone"] == "138****5678"
    assert member["birthDate"] == "1968-10-03"
    assert member["gender"] == ("MALE" if int(id_number[16]) % 2 else "FEMALE")
    assert member["residenceCommunity"]["name"] == "CANARYALPHA社区党委"
    assert member["workUnit"]["name"] == "CANARYALPHA科技有限公司"
    with in_district("alpha"):
        assert Member.objects.get(pk=_pk(member["id"])).id_number == id_number


def test_create_member_accepts_a_lower_case_x(alpha, seeded):
    number = next(
        n
        for seq in range(500, 999)
        if (n := make_id_number(REGION, date(1961, 1, 1), seq))[-1] == "X"
    )
    member = _accepted(
        alpha,
        CREATE_MEMBER,
        "createMember",
        "member",
        _member_input(seeded, idNumber=number.lower()),
    )
    assert member["idNumber"].endswith("X")
    assert member["birthDate"] == "1961-01-01"


def _member_row(pk: int) -> tuple:
    with in_district("alpha"):
        row = Member.objects.filter(pk=pk).values_list(
            "name",
            "id_number_encrypted",
            "phone_encrypted",
            "org_id",
            "category",
            "gender",
            "birth_date",
        )[0]
    return row


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({"phone": "555"}, {("phone", "INVALID")}, id="phone"),
        pytest.param(
            {"idNumber": "110101197003010011"}, {("idNumber", "ID_CHECKSUM")}, id="checksum"
        ),
        pytest.param({"name": " "}, {("name", "REQUIRED")}, id="blank-name"),
        pytest.param({"joinedOn": "2999-01-01"}, {("joinedOn", "IN_FUTURE")}, id="future"),
    ],
)
def test_update_member_refusals_leave_the_member_unchanged(alpha, seeded, changes, expected):
    pk = seeded["alpha"].member_pks[1]
    before = _member_row(pk)
    errors = _refused(
        alpha,
        UPDATE_MEMBER,
        "updateMember",
        "member",
        {"id": global_id("Member", "alpha", pk), **changes},
    )
    assert _codes(errors) == expected
    assert _member_row(pk) == before


def test_update_member_with_an_org_id_of_the_wrong_type_is_not_found(alpha, seeded):
    pk = seeded["alpha"].member_pks[1]
    before = _member_row(pk)
    errors = _refused(
        alpha,
        UPDATE_MEMBER,
        "updateMember",
        "member",
        {
            "id": global_id("Member", "alpha", pk),
            "orgId": global_id("Unit", "alpha", seeded["alpha"].unit_pk),
        },
    )
    assert _codes(errors) == {("orgId", "NOT_FOUND")}
    assert _member_row(pk) == before


def test_update_member_with_a_new_id_number_rederives_identity(alpha, seeded):
    member = _accepted(alpha, CREATE_MEMBER, "createMember", "member", _member_input(seeded))
    new_number = make_id_number(REGION, date(1970, 12, 12), 2 * (next(_sequence) % 400) + 100)
    updated = _accepted(
        alpha,
        UPDATE_MEMBER,
        "updateMember",
        "member",
        {"id": member["id"], "idNumber": new_number, "phone": "13700001111"},
    )
    assert updated["idNumber"] == f"{new_number[:3]}{'*' * 11}{new_number[-4:]}"
    assert (updated["birthDate"], updated["gender"]) == ("1970-12-12", "FEMALE")
    assert updated["phone"] == "137****1111"
