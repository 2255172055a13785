"""Roles and scopes over HTTP, on alpha's host: what an org admin, a viewer, a user holding both
kinds of grant, a user with no grant and (as the control) a district admin may read and change.

Expectations are computed in-process from the seeded tree (subtrees by `path`, members by the org
of their organisational relation, units by their covering org), independently of
backend.access, and compared with what the API answers.

Seed (tests/support/seed.py), alpha: root > s1 > s1-c1 > s1-c1-b1 > s1-c1-b1-g1, s1 > s1-u1,
root > s2 > s2-t1; one unit covered by s1-u1; members 0, 2, 4 in s1-c1-b1 and 1, 3 in s1-u1;
member 0 (in service) lives in s1-c1 and works at the unit.
"""

import base64
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from backend.access.models import Role
from backend.access.services import role_grant
from backend.accounts.models import User
from backend.accounts.services import user_create
from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.members.services import MemberData, member_create
from backend.orgs.models import PartyOrg
from backend.units.models import Unit
from backend.units.services import UnitData, unit_create
from tenants.context import in_district
from tests.conftest import global_id
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.district_rows import district_counts, district_rows
from tests.support.graphql_client import GraphQLClient, Response
from tests.support.seed import PASSWORD, SeededDistrict

pytestmark = pytest.mark.usefixtures("db")

CATEGORIES = ("in_service", "mobile", "laid_off", "retired", "community")
COUNTS = "memberCounts { total inService mobile laidOff retired community }"
ERRORS = "errors { field code message }"

ORGS = (
    "query($within: ID, $search: String) { orgs(within: $within, search: $search, first: 100)"
    " { totalCount edges { node { id parent { id } ancestors { id } " + COUNTS + " } } } }"
)
MEMBERS = (
    "query($within: ID) { members(within: $within, first: 100) { totalCount"
    " edges { node { id org { id } residenceCommunity { id } workUnit { id } } } } }"
)
UNITS = (
    "query($within: ID) { units(coveredWithin: $within, first: 100) { totalCount"
    " edges { node { id coveringOrg { id } } } } }"
)
ROOT_ORG = "{ district { code rootOrg { id } } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
ORG = "query($id: ID!) { org(id: $id) { id parent { id } ancestors { id } " + COUNTS + " } }"

CREATE_ORG = (
    "mutation($input: CreatePartyOrgInput!) { createPartyOrg(input: $input)"
    " { org { id code parent { id } } " + ERRORS + " } }"
)
UPDATE_ORG = (
    "mutation($input: UpdatePartyOrgInput!) { updatePartyOrg(input: $input)"
    " { org { id name parent { id } ancestors { id } } " + ERRORS + " } }"
)
MOVE_ORG = (
    "mutation($input: MovePartyOrgInput!) { movePartyOrg(input: $input)"
    " { org { id parent { id } } " + ERRORS + " } }"
)
CREATE_UNIT = (
    "mutation($input: CreateUnitInput!) { createUnit(input: $input)"
    " { unit { id } " + ERRORS + " } }"
)
UPDATE_UNIT = (
    "mutation($input: UpdateUnitInput!) { updateUnit(input: $input)"
    " { unit { id } " + ERRORS + " } }"
)
CREATE_MEMBER = (
    "mutation($input: CreateMemberInput!) { createMember(input: $input)"
    " { member { id org { id } } " + ERRORS + " } }"
)
UPDATE_MEMBER = (
    "mutation($input: UpdateMemberInput!) { updateMember(input: $input)"
    " { member { id org { id } residenceCommunity { id } workUnit { id } } " + ERRORS + " } }"
)


@dataclass(frozen=True)
class Profile:
    """A user's grants: (role, seeded org key or None for the district)."""

    grants: tuple[tuple[str, str | None], ...]

    @property
    def district_wide(self) -> bool:
        return any(role == Role.DISTRICT_ADMIN for role, _ in self.grants)

    @property
    def read_roots(self) -> tuple[str, ...]:
        return tuple(key for _, key in self.grants if key is not None)


PROFILES: dict[str, Profile] = {
    "s1_admin": Profile(((Role.ORG_ADMIN, "s1"),)),
    "c1_viewer": Profile(((Role.VIEWER, "s1-c1"),)),
    "c1_viewer_s2_admin": Profile(((Role.VIEWER, "s1-c1"), (Role.ORG_ADMIN, "s2"))),
    "no_grants": Profile(()),
    "district_admin": Profile(((Role.DISTRICT_ADMIN, None),)),
}


def _create_user(profile: Profile, label: str) -> User:
    with in_district("alpha"):
        user = user_create(username=f"scope-{label}-{uuid.uuid4().hex[:8]}", password=PASSWORD)
        for role, key in profile.grants:
            org = PartyOrg.objects.get(code=f"alpha-{key}") if key else None
            role_grant(user=user, role=role, org=org)
    return user


def _sign_in(api_url: str, user: User) -> GraphQLClient:
    client = GraphQLClient(api_url, "alpha.localhost")
    return client.as_user(client.login(user.username, PASSWORD))


@pytest.fixture(scope="module")
def clients(api_url: str, django_db_blocker: Any) -> Iterator[dict[str, GraphQLClient]]:
    """One signed-in client per profile, for the whole module."""
    with django_db_blocker.unblock():
        users = {name: _create_user(profile, name) for name, profile in PROFILES.items()}
    yield {name: _sign_in(api_url, user) for name, user in users.items()}
    with django_db_blocker.unblock(), in_district("alpha"):
        User.objects.filter(pk__in=[u.pk for u in users.values()]).delete()


# --- expectations, in-process ---------------------------------------------------------------


def org_gid(pk: int) -> str:
    return global_id("PartyOrg", "alpha", pk)


def seeded_org(seeded: dict[str, SeededDistrict], key: str) -> str:
    return org_gid(seeded["alpha"].org_pks[key])


def readable_org_pks(profile: Profile) -> set[int]:
    """Every org in the subtrees of the profile's grants, by `path` (all of them if district-wide)."""
    with in_district("alpha"):
        if profile.district_wide:
            return set(PartyOrg.objects.values_list("pk", flat=True))
        pks: set[int] = set()
        for key in profile.read_roots:
            root = PartyOrg.objects.get(code=f"alpha-{key}")
            pks |= set(
                PartyOrg.objects.filter(path__descendant_of=root.path).values_list("pk", flat=True)
            )
        return pks


def writable_org_pks(profile: Profile) -> set[int]:
    admin_grants = tuple(
        (role, key) for role, key in profile.grants if role != Role.VIEWER
    )  # district or org admin
    return readable_org_pks(Profile(admin_grants))


def readable_member_pks(profile: Profile) -> set[int]:
    orgs = readable_org_pks(profile)
    with in_district("alpha"):
        return set(Member.objects.filter(org_id__in=orgs).values_list("pk", flat=True))


def readable_unit_pks(profile: Profile) -> set[int]:
    """Units covered by a readable org; uncovered units only for the district-wide reader."""
    orgs = readable_org_pks(profile)
    with in_district("alpha"):
        if profile.district_wide:
            return set(Unit.objects.values_list("pk", flat=True))
        return set(Unit.objects.filter(covering_org_id__in=orgs).values_list("pk", flat=True))


def subtree_counts(org_pk: int) -> dict[str, int]:
    with in_district("alpha"):
        org = PartyOrg.objects.get(pk=org_pk)
        members = Member.objects.filter(org__path__descendant_of=org.path)
        counts = {category: members.filter(category=category).count() for category in CATEGORIES}
        return {"total": members.count(), **counts}


def api_counts(node: dict[str, Any]) -> dict[str, int]:
    c = node["memberCounts"]
    return {
        "total": c["total"],
        "in_service": c["inService"],
        "mobile": c["mobile"],
        "laid_off": c["laidOff"],
        "retired": c["retired"],
        "community": c["community"],
    }


def nodes_of(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


def pk_of(gid: str) -> int:
    """The primary key inside one of alpha's global IDs ("Type:alpha.<pk>")."""
    decoded = base64.b64decode(gid).decode()
    assert decoded.split(":", 1)[1].startswith("alpha."), decoded
    return int(decoded.rsplit(".", 1)[1])


def gid_set(type_name: str, pks: set[int]) -> set[str]:
    return {global_id(type_name, "alpha", pk) for pk in pks}


def errors_of(result: Response, field: str) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in result.data[field]["errors"]]


# --- reads ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PROFILES))
def test_orgs_are_exactly_the_readable_subtrees(
    name: str, clients: dict[str, GraphQLClient], seeded: dict[str, SeededDistrict]
) -> None:
    expected = gid_set("PartyOrg", readable_org_pks(PROFILES[name]))
    orgs = clients[name].execute(ORGS).data["orgs"]
    assert {node["id"] for node in nodes_of(orgs)} == expected
    assert orgs["totalCount"] == len(expected)
    # A filter naming the district committee (outside most scopes) cannot widen the scope.
    within_root = clients[name].execute(ORGS, {"within": seeded_org(seeded, "root")}).data
    assert {node["id"] for node in nodes_of(within_root["orgs"])} == expected
    assert within_root["orgs"]["totalCount"] == len(expected)
    canary = seeded["alpha"].canary
    with in_district("alpha"):
        named = set(PartyOrg.objects.filter(name__contains=canary).values_list("pk", flat=True))
    found = clients[name].execute(ORGS, {"search": canary}).data["orgs"]
    assert {node["id"] for node in nodes_of(found)} == expected & gid_set("PartyOrg", named)


@pytest.mark.parametrize("name", list(PROFILES))
def test_root_org_is_null_unless_district_wide(
    name: str, clients: dict[str, GraphQLClient], seeded: dict[str, SeededDistrict]
) -> None:
    district = clients[name].execute(ROOT_ORG).data["district"]
    assert district["code"] == "alpha"
    if PROFILES[name].district_wide:
        assert district["rootOrg"] == {"id": seeded_org(seeded, "root")}
    else:
        assert district["rootOrg"] is None


@pytest.mark.parametrize("name", list(PROFILES))
def test_parent_and_ancestors_stop_at_the_scope(
    name: str, clients: dict[str, GraphQLClient]
) -> None:
    readable = readable_org_pks(PROFILES[name])
    with in_district("alpha"):
        orgs = {org.pk: org for org in PartyOrg.objects.all()}
    listed = nodes_of(clients[name].execute(ORGS).data["orgs"])
    for node in listed:
        org = orgs[pk_of(node["id"])]
        parent = org.parent_id
        expected_parent = (
            {"id": org_gid(parent)} if parent is not None and parent in readable else None
        )
        assert node["parent"] == expected_parent, org.code
        ancestor_pks = [int(pk) for pk in str(org.path).split(".")[:-1]]
        assert [a["id"] for a in node["ancestors"]] == [
            org_gid(pk) for pk in ancestor_pks if pk in readable
        ], org.code
    # Each scope root: no parent, no ancestors, whichever way it is reached.
    for key in PROFILES[name].read_roots:
        with in_district("alpha"):
            pk = PartyOrg.objects.get(code=f"alpha-{key}").pk
        single = clients[name].execute(ORG, {"id": org_gid(pk)}).data["org"]
        assert single["parent"] is None
        assert single["ancestors"] == []


PARENT_CHAIN = "parent { id parent { id parent { id parent { id } } } }"


def _chain(node: dict[str, Any] | None) -> list[str]:
    ids = []
    while node is not None and node.get("parent") is not None:
        node = node["parent"]
        ids.append(node["id"])
    return ids


@pytest.mark.parametrize("name", list(PROFILES))
def test_nested_parents_stop_at_the_scope(name: str, clients: dict[str, GraphQLClient]) -> None:
    """parent { parent { … } } through orgs, members and units ends at the scope root."""
    readable = readable_org_pks(PROFILES[name])
    with in_district("alpha"):
        paths = {org_gid(pk): str(path) for pk, path in PartyOrg.objects.values_list("pk", "path")}

    def expected(org: str) -> list[str]:
        chain = []
        for pk in reversed([int(p) for p in paths[org].split(".")[:-1]]):
            if pk not in readable:
                break
            chain.append(org_gid(pk))
        return chain[:4]

    data = (
        clients[name]
        .execute(
            "{ orgs(first: 100) { edges { node { id " + PARENT_CHAIN + " } } }"
            " members(first: 100) { edges { node { org { id " + PARENT_CHAIN + " } } } }"
            " units(first: 100) { edges { node { coveringOrg { id " + PARENT_CHAIN + " } } } } }"
        )
        .data
    )
    reached = list(nodes_of(data["orgs"]))
    reached += [node["org"] for node in nodes_of(data["members"])]
    reached += [node["coveringOrg"] for node in nodes_of(data["units"]) if node["coveringOrg"]]
    for org in reached:
        assert _chain(org) == expected(org["id"]), org["id"]


@pytest.mark.parametrize("name", list(PROFILES))
def test_node_nodes_and_org_are_null_outside_the_scope(
    name: str, clients: dict[str, GraphQLClient], seeded: dict[str, SeededDistrict]
) -> None:
    profile = PROFILES[name]
    alpha = seeded["alpha"]
    readable = (
        gid_set("PartyOrg", readable_org_pks(profile))
        | gid_set("Member", readable_member_pks(profile))
        | gid_set("Unit", readable_unit_pks(profile))
    )
    org_ids = [org_gid(pk) for pk in alpha.org_pks.values()]
    all_ids = [
        *org_ids,
        *(global_id("Member", "alpha", pk) for pk in alpha.member_pks),
        global_id("Unit", "alpha", alpha.unit_pk),
    ]
    found = clients[name].execute(NODES, {"ids": all_ids}).data["nodes"]
    assert [n["id"] if n else None for n in found] == [
        gid if gid in readable else None for gid in all_ids
    ]
    # node(id:) and org(id:), one alias per seeded object.
    fields = [f'n{i}: node(id: "{gid}") {{ id }}' for i, gid in enumerate(all_ids)]
    fields += [f'o{i}: org(id: "{gid}") {{ id }}' for i, gid in enumerate(org_ids)]
    data = clients[name].execute("{ " + " ".join(fields) + " }").data
    for i, gid in enumerate(all_ids):
        assert data[f"n{i}"] == ({"id": gid} if gid in readable else None), gid
    for i, gid in enumerate(org_ids):
        assert data[f"o{i}"] == ({"id": gid} if gid in readable else None), gid


@pytest.mark.parametrize("name", list(PROFILES))
def test_members_are_those_of_the_readable_subtrees(
    name: str, clients: dict[str, GraphQLClient], seeded: dict[str, SeededDistrict]
) -> None:
    profile = PROFILES[name]
    expected = gid_set("Member", readable_member_pks(profile))
    readable_orgs = gid_set("PartyOrg", readable_org_pks(profile))
    readable_units = gid_set("Unit", readable_unit_pks(profile))
    for within in (None, seeded_org(seeded, "root")):
        members = clients[name].execute(MEMBERS, {"within": within}).data["members"]
        assert members["totalCount"] == len(expected)
        assert {node["id"] for node in nodes_of(members)} == expected
    with in_district("alpha"):
        rows = {
            global_id("Member", "alpha", m.pk): m
            for m in Member.objects.filter(pk__in=readable_member_pks(profile))
        }
    # References out of a visible member are shown only where the reader may see them.
    for node in nodes_of(members):
        member = rows[node["id"]]
        assert node["org"] == {"id": org_gid(member.org_id)}
        community = member.residence_community_id
        community_gid = org_gid(community) if community else None
        assert node["residenceCommunity"] == (
            {"id": community_gid} if community_gid in readable_orgs else None
        )
        unit_gid = global_id("Unit", "alpha", member.work_unit_id) if member.work_unit_id else None
        assert node["workUnit"] == ({"id": unit_gid} if unit_gid in readable_units else None)


@pytest.fixture
def uncovered_unit() -> Iterator[int]:
    """A unit no org covers: district-wide data, for district-wide readers only."""
    with in_district("alpha"):
        unit = unit_create(data=UnitData(name="范围测试无覆盖单位", kind="non_public_enterprise"))
    yield unit.pk
    with in_district("alpha"):
        Unit.objects.filter(pk=unit.pk).delete()


@pytest.mark.parametrize("name", list(PROFILES))
def test_units_are_those_covered_within_the_readable_subtrees(
    name: str,
    clients: dict[str, GraphQLClient],
    seeded: dict[str, SeededDistrict],
    uncovered_unit: int,
) -> None:
    expected = gid_set("Unit", readable_unit_pks(PROFILES[name]))
    uncovered = global_id("Unit", "alpha", uncovered_unit)
    assert (uncovered in expected) == PROFILES[name].district_wide
    found = clients[name].execute(NODES, {"ids": [uncovered]}).data["nodes"]
    assert found == [{"id": uncovered} if uncovered in expected else None]
    units = clients[name].execute(UNITS).data["units"]
    assert units["totalCount"] == len(expected)
    assert {node["id"] for node in nodes_of(units)} == expected
    readable_orgs = gid_set("PartyOrg", readable_org_pks(PROFILES[name]))
    for node in nodes_of(units):
        assert node["coveringOrg"] is None or node["coveringOrg"]["id"] in readable_orgs
    within_s1 = clients[name].execute(UNITS, {"within": seeded_org(seeded, "s1")}).data["units"]
    with in_district("alpha"):
        s1_path = PartyOrg.objects.get(pk=seeded["alpha"].org_pks["s1"]).path
        under_s1 = set(
            Unit.objects.filter(covering_org__path__descendant_of=s1_path).values_list(
                "pk", flat=True
            )
        )
    assert {node["id"] for node in nodes_of(within_s1)} == expected & gid_set("Unit", under_s1)


@pytest.mark.parametrize("name", list(PROFILES))
def test_member_counts_are_those_of_the_visible_subtree(
    name: str, clients: dict[str, GraphQLClient]
) -> None:
    """A community secretary's member count is their community's: every visible org counts the
    members of its subtree, and the scope roots together count what `members` lists."""
    client = clients[name]
    profile = PROFILES[name]
    listed = nodes_of(client.execute(ORGS).data["orgs"])
    with in_district("alpha"):
        pk_of = {org_gid(pk): pk for pk in PartyOrg.objects.values_list("pk", flat=True)}
    for node in listed:
        assert api_counts(node) == subtree_counts(pk_of[node["id"]]), node["id"]
    members_total = client.execute(MEMBERS).data["members"]["totalCount"]
    if profile.district_wide:
        return
    roots_total = 0
    for key in dict.fromkeys(profile.read_roots):
        with in_district("alpha"):
            pk = PartyOrg.objects.get(code=f"alpha-{key}").pk
        single = client.execute(ORG, {"id": org_gid(pk)}).data["org"]
        assert api_counts(single) == subtree_counts(pk)
        roots_total += single["memberCounts"]["total"]
    assert roots_total == members_total


def test_a_user_without_grants_sees_nothing(
    clients: dict[str, GraphQLClient], seeded: dict[str, SeededDistrict]
) -> None:
    client = clients["no_grants"]
    root = seeded_org(seeded, "root")
    data = client.execute(
        "query($root: ID!) { district { rootOrg { id } }"
        " orgs { totalCount } units { totalCount } members { totalCount }"
        " withinOrgs: orgs(within: $root) { totalCount }"
        " withinMembers: members(within: $root) { totalCount }"
        " withinUnits: units(coveredWithin: $root) { totalCount }"
        " org(id: $root) { id } node(id: $root) { id } }",
        {"root": root},
    ).data
    assert data == {
        "district": {"rootOrg": None},
        "orgs": {"totalCount": 0},
        "units": {"totalCount": 0},
        "members": {"totalCount": 0},
        "withinOrgs": {"totalCount": 0},
        "withinMembers": {"totalCount": 0},
        "withinUnits": {"totalCount": 0},
        "org": None,
        "node": None,
    }


# --- writes ---------------------------------------------------------------------------------


def _code() -> str:
    return f"scope-{uuid.uuid4().hex[:8]}"


def _org_input(parent: str | None, kind: str = "COMPOUND_BRANCH") -> dict[str, Any]:
    values: dict[str, Any] = {"code": _code(), "name": "范围测试", "kind": kind}
    if parent is not None:
        values["parentId"] = parent
    return values


def _member_input(org: str) -> dict[str, Any]:
    sequence = 301 + 2 * (uuid.uuid4().int % 300)
    return {
        "name": "范围测试党员",
        "idNumber": make_id_number("110101", date(1985, 5, 17), sequence),
        "education": "BACHELOR",
        "joinedOn": "2010-07-01",
        "status": "FULL",
        "category": "RETIRED",
        "orgId": org,
    }


def test_org_admin_creates_org_and_member_inside_their_subtree(
    clients: dict[str, GraphQLClient], seeded: dict[str, SeededDistrict]
) -> None:
    client = clients["s1_admin"]
    c1 = seeded_org(seeded, "s1-c1")
    b1 = seeded_org(seeded, "s1-c1-b1")
    created = client.execute(CREATE_ORG, {"input": _org_input(c1)}).data["createPartyOrg"]
    member = client.execute(CREATE_MEMBER, {"input": _member_input(b1)}).data["createMember"]
    with in_district("alpha"):
        if created["org"]:
            PartyOrg.objects.filter(pk=pk_of(created["org"]["id"])).delete()
        if member["member"]:
            Member.objects.filter(pk=pk_of(member["member"]["id"])).delete()
    assert created["errors"] == []
    assert created["org"]["parent"] == {"id": c1}
    assert member["errors"] == []
    assert member["member"]["org"] == {"id": b1}


def test_viewer_may_not_write_and_nothing_is_written(
    clients: dict[str, GraphQLClient], seeded: dict[str, SeededDistrict]
) -> None:
    client = clients["c1_viewer"]
    c1 = seeded_org(seeded, "s1-c1")
    b1 = seeded_org(seeded, "s1-c1-b1")
    before = district_rows("alpha")
    created = client.execute(CREATE_ORG, {"input": _org_input(c1)})
    assert errors_of(created, "createPartyOrg") == [("parentId", "FORBIDDEN")]
    assert created.data["createPartyOrg"]["org"] is None
    member = client.execute(CREATE_MEMBER, {"input": _member_input(b1)})
    assert errors_of(member, "createMember") == [("orgId", "FORBIDDEN")]
    updated = client.execute(UPDATE_ORG, {"input": {"id": c1, "name": "只读用户改名"}})
    assert errors_of(updated, "updatePartyOrg") == [("id", "FORBIDDEN")]
    assert updated.data["updatePartyOrg"]["org"] is None
    assert district_rows("alpha") == before


@pytest.mark.parametrize(
    ("mutation", "document", "make_input", "error_field"),
    [
        (
            "createPartyOrg",
            CREATE_ORG,
            lambda o: _org_input(o["s2"], "UNIT_ORG"),
            "parentId",
        ),
        ("createPartyOrg", CREATE_ORG, lambda o: _org_input(o["s2-t1"], "PARTY_GROUP"), "parentId"),
        (
            "movePartyOrg",
            MOVE_ORG,
            lambda o: {"id": o["s1-u1"], "newParentId": o["s2"]},
            "newParentId",
        ),
        ("movePartyOrg", MOVE_ORG, lambda o: {"id": o["s2-t1"], "newParentId": o["s1"]}, "id"),
        ("createMember", CREATE_MEMBER, lambda o: _member_input(o["s2-t1"]), "orgId"),
        (
            "createUnit",
            CREATE_UNIT,
            lambda o: {
                "name": "范围测试单位",
                "kind": "NON_PUBLIC_ENTERPRISE",
                "coveringOrgId": o["s2-t1"],
            },
            "coveringOrgId",
        ),
        ("updatePartyOrg", UPDATE_ORG, lambda o: {"id": o["s2"], "name": "越权改名"}, "id"),
        ("updatePartyOrg", UPDATE_ORG, lambda o: {"id": o["root"], "name": "越权改名"}, "id"),
    ],
    ids=[
        "create-under-s2",
        "create-under-s2-t1",
        "move-under-s2",
        "move-s2-t1",
        "member-into-s2-t1",
        "unit-covered-by-s2-t1",
        "update-s2",
        "update-root",
    ],
)
def test_org_admin_naming_an_org_outside_their_read_scope_gets_not_found(
    mutation: str,
    document: str,
    make_input: Any,
    error_field: str,
    clients: dict[str, GraphQLClient],
    seeded: dict[str, SeededDistrict],
) -> None:
    orgs = {key: org_gid(pk) for key, pk in seeded["alpha"].org_pks.items()}
    before = district_rows("alpha")
    result = clients["s1_admin"].execute(document, {"input": make_input(orgs)})
    assert errors_of(result, mutation) == [(error_field, "NOT_FOUND")]
    assert district_rows("alpha") == before


def test_readable_but_not_writable_org_may_not_be_moved_or_moved_into(
    clients: dict[str, GraphQLClient], seeded: dict[str, SeededDistrict]
) -> None:
    client = clients["c1_viewer_s2_admin"]
    before = district_rows("alpha")
    out_of = client.execute(
        MOVE_ORG,
        {"input": {"id": seeded_org(seeded, "s1-c1-b1"), "newParentId": seeded_org(seeded, "s2")}},
    )
    assert errors_of(out_of, "movePartyOrg") == [("id", "FORBIDDEN")]
    into = client.execute(
        MOVE_ORG,
        {"input": {"id": seeded_org(seeded, "s2-t1"), "newParentId": seeded_org(seeded, "s1-c1")}},
    )
    assert errors_of(into, "movePartyOrg") == [("newParentId", "FORBIDDEN")]
    assert district_rows("alpha") == before


def test_admin_grant_on_one_subtree_writes_there(
    clients: dict[str, GraphQLClient], seeded: dict[str, SeededDistrict]
) -> None:
    s2 = seeded_org(seeded, "s2")
    result = clients["c1_viewer_s2_admin"].execute(
        CREATE_ORG, {"input": _org_input(s2, "COMMUNITY_COMMITTEE")}
    )
    created = result.data["createPartyOrg"]
    if created["org"]:
        with in_district("alpha"):
            PartyOrg.objects.filter(pk=pk_of(created["org"]["id"])).delete()
    assert created["errors"] == []
    assert created["org"]["parent"] == {"id": s2}


@pytest.mark.parametrize(
    ("mutation", "document", "values", "error_field"),
    [
        (
            "createPartyOrg",
            CREATE_ORG,
            {"name": "新区委", "kind": "DISTRICT_COMMITTEE"},
            "parentId",
        ),
        (
            "createUnit",
            CREATE_UNIT,
            {"name": "无覆盖单位", "kind": "NON_PUBLIC_ENTERPRISE"},
            "coveringOrgId",
        ),
    ],
    ids=["root-org", "uncovered-unit"],
)
def test_org_admin_may_not_create_district_wide_data(
    mutation: str,
    document: str,
    values: dict[str, Any],
    error_field: str,
    clients: dict[str, GraphQLClient],
) -> None:
    before = district_counts("alpha")
    input_values = {**values, "code": _code()} if mutation == "createPartyOrg" else values
    result = clients["s1_admin"].execute(document, {"input": input_values})
    assert errors_of(result, mutation) == [(error_field, "FORBIDDEN")]
    assert district_counts("alpha") == before


@pytest.mark.parametrize(
    ("mutation", "document", "values", "error_field"),
    [
        (
            "createPartyOrg",
            CREATE_ORG,
            {"name": "新区委", "kind": "DISTRICT_COMMITTEE"},
            "parentId",
        ),
        (
            "createUnit",
            CREATE_UNIT,
            {"name": "无覆盖单位", "kind": "NON_PUBLIC_ENTERPRISE"},
            "coveringOrgId",
        ),
    ],
    ids=["root-org", "uncovered-unit"],
)
def test_org_admin_writes_nothing_district_wide(
    mutation: str,
    document: str,
    values: dict[str, Any],
    error_field: str,
    clients: dict[str, GraphQLClient],
) -> None:
    """Whatever the code, the refusal names the field and writes nothing."""
    before = district_counts("alpha")
    input_values = {**values, "code": _code()} if mutation == "createPartyOrg" else values
    result = clients["s1_admin"].execute(document, {"input": input_values})
    errors = errors_of(result, mutation)
    assert len(errors) == 1
    assert errors[0][0] == error_field
    assert errors[0][1] in {"FORBIDDEN", "NOT_FOUND"}
    assert district_counts("alpha") == before


@pytest.fixture
def s2_member(seeded: dict[str, SeededDistrict]) -> Iterator[int]:
    """A member whose organisational relation is in s2-t1: outside the s1 admin's scope."""
    with in_district("alpha"):
        member = member_create(
            data=MemberData(
                name="范围测试二街道党员",
                id_number=make_id_number("110101", date(1980, 1, 2), 801 + uuid.uuid4().int % 99),
                education="bachelor",
                joined_on=date(2005, 7, 1),
                status="full",
                category="mobile",
                org=PartyOrg.objects.get(pk=seeded["alpha"].org_pks["s2-t1"]),
            )
        )
    yield member.pk
    with in_district("alpha"):
        Member.objects.filter(pk=member.pk).delete()


def test_update_member_outside_the_read_scope_is_not_found(
    clients: dict[str, GraphQLClient], seeded: dict[str, SeededDistrict], s2_member: int
) -> None:
    before = district_rows("alpha")
    alpha = seeded["alpha"]
    outside = [
        ("s1_admin", global_id("Member", "alpha", s2_member)),
        ("c1_viewer", global_id("Member", "alpha", alpha.member_pks[1])),  # in s1-u1
        ("c1_viewer_s2_admin", global_id("Member", "alpha", alpha.member_pks[1])),
    ]
    for name, member in outside:
        result = clients[name].execute(UPDATE_MEMBER, {"input": {"id": member, "name": "越权"}})
        assert errors_of(result, "updateMember") == [("id", "NOT_FOUND")], name
        assert clients[name].execute(NODES, {"ids": [member]}).data["nodes"] == [None]
    # Readable (member 0 is in s1-c1-b1), but only through a viewer grant.
    readable = clients["c1_viewer_s2_admin"].execute(
        UPDATE_MEMBER,
        {"input": {"id": global_id("Member", "alpha", alpha.member_pks[0]), "name": "越权"}},
    )
    assert errors_of(readable, "updateMember") == [("id", "FORBIDDEN")]
    unit = clients["c1_viewer"].execute(
        UPDATE_UNIT, {"input": {"id": global_id("Unit", "alpha", alpha.unit_pk), "name": "越权"}}
    )
    assert errors_of(unit, "updateUnit") == [("id", "NOT_FOUND")]
    assert district_rows("alpha") == before


# --- mutation payloads ------------------------------------------------------------------------


@pytest.fixture
def c1_admin(api_url: str) -> Iterator[GraphQLClient]:
    """An org admin of s1-c1: member 0 (in s1-c1-b1) is theirs, the unit they work at is not."""
    user = _create_user(Profile(((Role.ORG_ADMIN, "s1-c1"),)), "c1_admin")
    yield _sign_in(api_url, user)
    with in_district("alpha"):
        user.delete()


def test_update_org_payload_hides_the_parent_above_the_scope(
    clients: dict[str, GraphQLClient], seeded: dict[str, SeededDistrict]
) -> None:
    """The org returned by a mutation is scoped like any read: s1's parent (the district
    committee) is not the s1 admin's to see."""
    s1_pk = seeded["alpha"].org_pks["s1"]
    with in_district("alpha"):
        name = PartyOrg.objects.get(pk=s1_pk).name
    result = clients["s1_admin"].execute(
        UPDATE_ORG, {"input": {"id": org_gid(s1_pk), "name": name}}
    )
    payload = result.data["updatePartyOrg"]
    assert payload["errors"] == []
    assert payload["org"]["ancestors"] == []
    assert payload["org"]["parent"] is None


def test_member_references_outside_the_scope_read_as_null(
    c1_admin: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    """Member 0 is in s1-c1-b1 (the s1-c1 admin's), the unit they work at is covered by s1-u1
    (not theirs): reading the member shows no work unit."""
    member = global_id("Member", "alpha", seeded["alpha"].member_pks[0])
    read = c1_admin.execute(
        "query($id: ID!) { node(id: $id) { ... on Member { workUnit { id name } } } }",
        {"id": member},
    ).data["node"]
    assert read == {"workUnit": None}


def test_create_org_payload_hides_the_grandparent_above_the_scope(
    clients: dict[str, GraphQLClient], seeded: dict[str, SeededDistrict]
) -> None:
    s2 = seeded_org(seeded, "s2")
    result = clients["c1_viewer_s2_admin"].execute(
        "mutation($input: CreatePartyOrgInput!) { createPartyOrg(input: $input)"
        " { org { id parent { id parent { id } } ancestors { id } } " + ERRORS + " } }",
        {"input": _org_input(s2, "COMMUNITY_COMMITTEE")},
    )
    payload = result.data["createPartyOrg"]
    if payload["org"]:
        with in_district("alpha"):
            PartyOrg.objects.filter(pk=pk_of(payload["org"]["id"])).delete()
    assert payload["errors"] == []
    assert payload["org"]["ancestors"] == [{"id": s2}]
    assert payload["org"]["parent"] == {"id": s2, "parent": None}


def test_update_member_payload_hides_references_outside_the_scope(
    c1_admin: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    alpha = seeded["alpha"]
    member = global_id("Member", "alpha", alpha.member_pks[0])
    with in_district("alpha"):
        name = Member.objects.get(pk=alpha.member_pks[0]).name
    result = c1_admin.execute(UPDATE_MEMBER, {"input": {"id": member, "name": name}})
    payload = result.data["updateMember"]
    assert payload["errors"] == []
    assert payload["member"]["org"] == {"id": seeded_org(seeded, "s1-c1-b1")}
    assert payload["member"]["residenceCommunity"] == {"id": seeded_org(seeded, "s1-c1")}
    assert payload["member"]["workUnit"] is None
