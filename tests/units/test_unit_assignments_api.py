"""Units' localities and their 党建指导员/联络员 over HTTP: setting and reading them, the rules,
and the scope of street admins and viewers."""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest

from backend.access.models import Role
from backend.access.services import role_grant
from backend.accounts.services import user_create
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.units.models import Unit, UnitAssignment
from backend.units.services import UnitData, unit_create
from tenants.context import in_district
from tests.conftest import global_id
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient
from tests.support.seed import PASSWORD

pytestmark = pytest.mark.usefixtures("db")

ERRORS = "errors { field code message }"
ASSIGNMENT = "id role personName startDate endDate note isActive assignedBy { id name }"
UNIT = f"id name locality {{ id name }} assignments {{ {ASSIGNMENT} }}"
CREATE_UNIT = (
    "mutation($input: CreateUnitInput!) { createUnit(input: $input)"
    f" {{ unit {{ {UNIT} }} {ERRORS} }} }}"
)
UPDATE_UNIT = (
    "mutation($input: UpdateUnitInput!) { updateUnit(input: $input)"
    f" {{ unit {{ {UNIT} }} {ERRORS} }} }}"
)
ASSIGN = (
    "mutation($input: CreateUnitAssignmentInput!) { createUnitAssignment(input: $input)"
    f" {{ assignment {{ {ASSIGNMENT} unit {{ id name }} }} {ERRORS} }} }}"
)
END = (
    "mutation($input: EndUnitAssignmentInput!) { endUnitAssignment(input: $input)"
    f" {{ assignment {{ {ASSIGNMENT} }} {ERRORS} }} }}"
)
DELETE = f"mutation($id: ID!) {{ deleteUnitAssignment(id: $id) {{ deletedId {ERRORS} }} }}"
NODE = f"query($id: ID!) {{ node(id: $id) {{ id ... on Unit {{ {UNIT} }} }} }}"


@dataclass
class World:
    street: PartyOrg
    community: PartyOrg
    joint: PartyOrg
    other_street: PartyOrg
    other_community: PartyOrg
    units: dict[str, Unit] = field(default_factory=dict)
    usernames: dict[str, str] = field(default_factory=dict)

    def gid(self, obj: Any) -> str:
        return global_id(type(obj).__name__, "alpha", obj.pk)


def _org(prefix: str, name: str, kind: str, parent: PartyOrg) -> PartyOrg:
    return org_create(code=f"{prefix}-{uuid.uuid4().hex[:6]}", name=name, kind=kind, parent=parent)


def _unit(name: str, joint: PartyOrg, locality: PartyOrg) -> Unit:
    return unit_create(
        data=UnitData(
            name=f"{name}{uuid.uuid4().hex[:6]}",
            kind="non_public_enterprise",
            employee_count=20,
            party_member_count=2,
            party_org_status="joint",
            covering_org=joint,
            locality=locality,
        )
    )


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> World:
    prefix = f"ua-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock(), in_district("alpha"):
        root = PartyOrg.objects.get(parent__isnull=True)
        street = _org(prefix, "指导员街道党工委", "street_working_committee", root)
        other = _org(prefix, "另一街道党工委", "street_working_committee", root)
        world = World(
            street=street,
            community=_org(prefix, "指导员社区党委", "community_committee", street),
            joint=_org(prefix, "楼宇联合党支部", "joint_branch", street),
            other_street=other,
            other_community=_org(prefix, "另一社区党委", "community_committee", other),
        )
        for key in ("a", "b", "c"):
            world.units[key] = _unit(f"指导员测试企业{key}", world.joint, world.community)
        # Covered in this street, sitting in the other street's community.
        world.units["elsewhere"] = _unit("跨街道企业", world.joint, world.other_community)
        for label, role, org in (
            ("street_admin", Role.ORG_ADMIN, street),
            ("street_viewer", Role.VIEWER, street),
            ("other_admin", Role.ORG_ADMIN, other),
        ):
            user = user_create(username=f"{prefix}-{label}", password=PASSWORD)
            role_grant(user=user, role=role, org=org)
            world.usernames[label] = user.username
    return world


@pytest.fixture(scope="module")
def users(api_url: str, world: World) -> dict[str, GraphQLClient]:
    clients = {}
    for label, name in world.usernames.items():
        client = GraphQLClient(api_url, "alpha.localhost")
        clients[label] = client.as_user(client.login(name, PASSWORD))
    return clients


def _codes(payload: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in payload["errors"]}


def _assign(client: GraphQLClient, world: World, unit: str, **fields: Any) -> dict[str, Any]:
    values = {
        "unitId": world.gid(world.units[unit]),
        "role": "INSTRUCTOR",
        "personName": "李卫东",
        "assignedById": world.gid(world.street),
        "startDate": "2025-04-01",
        **fields,
    }
    return dict(client.execute(ASSIGN, {"input": values}).data["createUnitAssignment"])


def test_locality_is_set_read_and_cleared(alpha: GraphQLClient, world: World) -> None:
    created = alpha.execute(
        CREATE_UNIT,
        {
            "input": {
                "name": f"属地测试社会组织{uuid.uuid4().hex[:6]}",
                "kind": "SOCIAL_ORGANISATION",
                "localityId": world.gid(world.community),
            }
        },
    ).data["createUnit"]
    assert created["errors"] == []
    assert created["unit"]["locality"]["name"] == "指导员社区党委"
    assert created["unit"]["assignments"] == []
    unit_id = created["unit"]["id"]
    moved = alpha.execute(
        UPDATE_UNIT, {"input": {"id": unit_id, "localityId": world.gid(world.street)}}
    ).data["updateUnit"]
    assert moved["unit"]["locality"]["name"] == "指导员街道党工委"
    wrong = alpha.execute(
        UPDATE_UNIT, {"input": {"id": unit_id, "localityId": world.gid(world.joint)}}
    ).data["updateUnit"]
    assert _codes(wrong) == {("localityId", "INVALID_ORG_KIND")}
    kept = alpha.execute(UPDATE_UNIT, {"input": {"id": unit_id, "name": "改名后的社会组织"}}).data
    assert kept["updateUnit"]["unit"]["locality"]["name"] == "指导员街道党工委"  # omitted: kept
    cleared = alpha.execute(UPDATE_UNIT, {"input": {"id": unit_id, "localityId": None}}).data
    assert cleared["updateUnit"]["unit"]["locality"] is None


def test_assign_list_end_and_delete(alpha: GraphQLClient, world: World) -> None:
    made = _assign(alpha, world, "a", note="街道党工委选派")
    assert made["errors"] == []
    assignment = made["assignment"]
    assert (assignment["role"], assignment["personName"], assignment["isActive"]) == (
        "INSTRUCTOR",
        "李卫东",
        True,
    )
    assert assignment["assignedBy"]["name"] == "指导员街道党工委"
    liaison = _assign(alpha, world, "a", role="LIAISON", personName="周海燕")
    assert liaison["errors"] == []
    again = _assign(alpha, world, "a", startDate="2025-06-01", personName="另一人")
    assert _codes(again) == {("startDate", "OVERLAP")}

    listed = alpha.execute(NODE, {"id": world.gid(world.units["a"])}).data["node"]
    assert {(a["role"], a["personName"]) for a in listed["assignments"]} == {
        ("INSTRUCTOR", "李卫东"),
        ("LIAISON", "周海燕"),
    }
    early = alpha.execute(END, {"input": {"id": assignment["id"], "endDate": "2025-03-31"}}).data
    assert _codes(early["endUnitAssignment"]) == {("endDate", "END_BEFORE_START")}
    ended = alpha.execute(END, {"input": {"id": assignment["id"], "endDate": "2025-10-01"}}).data
    assert ended["endUnitAssignment"]["errors"] == []
    assert ended["endUnitAssignment"]["assignment"]["endDate"] == "2025-10-01"
    assert ended["endUnitAssignment"]["assignment"]["isActive"] is False
    # The successor starts on the end date: [start, end) periods do not overlap.
    successor = _assign(alpha, world, "a", startDate="2025-10-01", personName="陈晓峰")
    assert successor["errors"] == []

    deleted = alpha.execute(DELETE, {"id": liaison["assignment"]["id"]}).data
    assert deleted["deleteUnitAssignment"] == {
        "deletedId": liaison["assignment"]["id"],
        "errors": [],
    }
    with in_district("alpha"):
        names = set(
            UnitAssignment.objects.filter(unit=world.units["a"]).values_list(
                "person_name", flat=True
            )
        )
    assert names == {"李卫东", "陈晓峰"}


def test_bad_input(alpha: GraphQLClient, world: World) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    bad = _assign(alpha, world, "b", personName=" ", startDate=tomorrow)
    assert _codes(bad) == {("personName", "REQUIRED"), ("startDate", "IN_FUTURE")}
    unknown = _assign(alpha, world, "b", unitId=world.gid(world.street))
    assert _codes(unknown) == {("unitId", "NOT_FOUND")}


def test_scope(users: dict[str, GraphQLClient], world: World) -> None:
    admin, viewer, other = users["street_admin"], users["street_viewer"], users["other_admin"]
    made = _assign(admin, world, "c")
    assert made["errors"] == []
    assignment_id = made["assignment"]["id"]

    # Another street's admin: the unit and the assignment do not exist for them.
    assert _codes(_assign(other, world, "c", role="LIAISON")) == {("unitId", "NOT_FOUND")}
    ended = other.execute(END, {"input": {"id": assignment_id, "endDate": "2025-05-01"}}).data
    assert _codes(ended["endUnitAssignment"]) == {("id", "NOT_FOUND")}
    assert _codes(other.execute(DELETE, {"id": assignment_id}).data["deleteUnitAssignment"]) == {
        ("id", "NOT_FOUND")
    }
    assert other.execute(NODE, {"id": world.gid(world.units["c"])}).data["node"] is None
    # Nor may they name their own street as the locality of a unit they cannot see.
    refused = other.execute(
        UPDATE_UNIT,
        {
            "input": {
                "id": world.gid(world.units["c"]),
                "localityId": world.gid(world.other_community),
            }
        },
    ).data["updateUnit"]
    assert _codes(refused) == {("id", "NOT_FOUND")}

    # The street's viewer reads the unit and its assignment, but may not write.
    seen = viewer.execute(NODE, {"id": world.gid(world.units["c"])}).data["node"]
    assert [a["id"] for a in seen["assignments"]] == [assignment_id]
    assert seen["locality"]["name"] == "指导员社区党委"
    assert _codes(_assign(viewer, world, "c", role="LIAISON")) == {("unitId", "FORBIDDEN")}
    assert _codes(viewer.execute(DELETE, {"id": assignment_id}).data["deleteUnitAssignment"]) == {
        ("id", "FORBIDDEN")
    }
    # A unit this street covers that sits in another street: its locality is hidden from them.
    elsewhere = admin.execute(NODE, {"id": world.gid(world.units["elsewhere"])}).data["node"]
    assert elsewhere["name"].startswith("跨街道企业")
    assert elsewhere["locality"] is None
    # … and the street admin may not move a unit into a community outside their street.
    moved = admin.execute(
        UPDATE_UNIT,
        {
            "input": {
                "id": world.gid(world.units["c"]),
                "localityId": world.gid(world.other_community),
            }
        },
    ).data["updateUnit"]
    assert _codes(moved) == {("localityId", "NOT_FOUND")}
