"""Cursor pagination and the list filters, through HTTP."""

import base64
import uuid
from dataclasses import dataclass
from datetime import date

import pytest

from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.members.services import MemberData, member_create
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create
from backend.units.services import UnitData, unit_create
from tenants.context import in_district
from tests.conftest import global_id

# The marker makes pytest-django create the test database (without a test that uses it, the
# session fixtures would seed and serve the development database).
pytestmark = pytest.mark.django_db

REGION = "110117"  # used by no other test module
CATEGORIES = ["in_service", "mobile", "laid_off", "retired", "community"]
CHILD_COUNT = 22


@dataclass(frozen=True)
class Data:
    prefix: str
    street: int  # the subtree everything below hangs from
    subtree: frozenset[int]  # street and every org below it
    child_codes: tuple[str, ...]  # direct children of the street, in creation order
    nested_unit_org: int  # a unit_org two levels below the street
    members: frozenset[int]
    member_id_numbers: tuple[str, ...]
    units: dict[str, int]


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker) -> Data:
    """A committed subtree of alpha with members and units (visible to the server)."""
    prefix = f"pg{uuid.uuid4().hex[:6]}"
    with django_db_blocker.unblock(), in_district("alpha"):
        root = PartyOrg.objects.get(parent__isnull=True)

        def make(code: str, kind: str, parent: PartyOrg, **extra) -> PartyOrg:
            return org_create(
                code=f"{prefix}-{code}", name=f"{prefix}{code}", kind=kind, parent=parent, **extra
            )

        street = make("street", "street_working_committee", root)
        # Created with falling codes, so code order is the reverse of id order.
        children = [
            make(f"u{CHILD_COUNT - 1 - i:02d}", "unit_org", street) for i in range(CHILD_COUNT)
        ]
        community = make("x-community", "community_committee", street)
        branch = make("x-branch", "compound_branch", community)
        make("x-group", "party_group", branch)
        nested = make("x-nested", "unit_org", children[0])
        make("x-nested-group", "party_group", nested)
        outside = make("outside", "street_working_committee", root)
        outside_unit_org = make("outside-u", "unit_org", outside)

        member_pks, id_numbers = [], []
        for i in range(23):
            # Names fall as ids rise; two members share a name (ties break by id).
            name = f"{prefix}成员{(22 - i) if i != 22 else 5:02d}"
            id_number = make_id_number(REGION, date(1960 + i, 1 + i % 12, 1 + i), 200 + i)
            member = member_create(
                data=MemberData(
                    name=name,
                    id_number=id_number,
                    education="college",
                    joined_on=date(2005, 7, 1),
                    status="full",
                    category=CATEGORIES[i % len(CATEGORIES)],
                    org=children[i % CHILD_COUNT] if i % 4 else branch,
                )
            )
            member_pks.append(member.pk)
            id_numbers.append(id_number)

        def unit(key: str, kind: str, status: str, org: PartyOrg | None) -> int:
            return unit_create(
                data=UnitData(
                    name=f"{prefix}单位{key}",
                    kind=kind,
                    employee_count=30,
                    party_member_count=4,
                    party_org_status=status,
                    covering_org=org,
                )
            ).pk

        units = {
            "own": unit("1", "organ", "own", children[1]),
            "attached": unit("2", "non_public_enterprise", "attached", community),
            "none_social": unit("3", "social_organisation", "none", None),
            "none_organ": unit("4", "organ", "none", None),
            "own_outside": unit("5", "non_public_enterprise", "own", outside_unit_org),
        }
        subtree = frozenset(
            PartyOrg.objects.filter(path__descendant_of=street.path).values_list("pk", flat=True)
        )
    return Data(
        prefix=prefix,
        street=street.pk,
        subtree=subtree,
        child_codes=(*(c.code for c in children), community.code),
        nested_unit_org=nested.pk,
        members=frozenset(member_pks),
        member_id_numbers=tuple(id_numbers),
        units=units,
    )


def _pk(gid: str) -> int:
    return int(base64.b64decode(gid).decode().rsplit(".", 1)[1])


def _org(pk: int) -> str:
    return global_id("PartyOrg", "alpha", pk)


def _walk(client, field: str, args: str, page_size: int, selection: str = "id") -> list[dict]:
    """Every node of a connection, page by page; checks the page invariants on the way."""
    query = f"""query($first: Int!, $after: String) {{ {field}({args} first: $first, after: $after)
      {{ totalCount pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ {selection} }} }} }} }}"""
    nodes: list[dict] = []
    after = None
    total = None
    for _ in range(500):
        page = client.execute(query, {"first": page_size, "after": after}).data[field]
        total = page["totalCount"] if total is None else total
        assert page["totalCount"] == total, "totalCount changed while paging"
        assert len(page["edges"]) <= page_size
        nodes.extend(edge["node"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        assert len(page["edges"]) == page_size
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        after = page["pageInfo"]["endCursor"]
    else:
        raise AssertionError("pagination never ended")
    assert len(nodes) == total
    return nodes


def _db(fn):
    with in_district("alpha"):
        result = fn()
    return result


def _assert_tree_order(pks: list[int]) -> None:
    """Each org's descendants (among those listed) follow it directly, as one block."""
    paths = _db(lambda: dict(PartyOrg.objects.filter(pk__in=pks).values_list("pk", "path")))
    labels = {pk: paths[pk].split(".") for pk in pks}
    for i, pk in enumerate(pks):
        below = [
            j
            for j, other in enumerate(pks)
            if other != pk and labels[other][: len(labels[pk])] == labels[pk]
        ]
        assert below == list(range(i + 1, i + 1 + len(below))), f"subtree of {pk} is split"


# --- walking whole lists ------------------------------------------------------------------------


def test_walking_orgs_two_at_a_time_visits_every_org_once_in_tree_order(alpha, data):
    nodes = _walk(alpha, "orgs", "", 2)
    pks = [_pk(node["id"]) for node in nodes]
    assert len(set(pks)) == len(pks), "an org was returned twice"
    assert set(pks) == _db(lambda: set(PartyOrg.objects.values_list("pk", flat=True)))
    assert pks[0] == _db(lambda: PartyOrg.objects.get(parent__isnull=True).pk)
    _assert_tree_order(pks)
    # Another page size gives the very same order.
    assert [_pk(node["id"]) for node in _walk(alpha, "orgs", "", 7)] == pks


def test_walking_members_two_at_a_time_visits_every_member_once_by_name(alpha, data):
    nodes = _walk(alpha, "members", "", 2, "id name")
    pks = [_pk(node["id"]) for node in nodes]
    assert len(set(pks)) == len(pks), "a member was returned twice"
    assert pks == _db(
        lambda: list(Member.objects.order_by("name", "pk").values_list("pk", flat=True))
    )
    ours = [(node["name"], _pk(node["id"])) for node in nodes if _pk(node["id"]) in data.members]
    assert ours == sorted(ours)
    names = [name for name, _ in ours]
    assert names.count(f"{data.prefix}成员05") == 2  # the tie, broken by id above
    assert [_pk(node["id"]) for node in _walk(alpha, "members", "", 9, "id name")] == pks


def test_walking_children_visits_each_child_once(alpha, data):
    query = """query($id: ID!, $after: String) { org(id: $id) { children(first: 5, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } } }"""
    codes: list[str] = []
    after = None
    while True:
        page = alpha.execute(query, {"id": _org(data.street), "after": after}).data["org"][
            "children"
        ]
        assert page["totalCount"] == len(data.child_codes)
        codes.extend(edge["node"]["code"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(codes) == sorted(data.child_codes)
    assert len(codes) == len(set(codes))


def test_walking_descendants_visits_each_once_in_tree_order(alpha, data):
    query = """query($id: ID!, $after: String) { org(id: $id) {
      descendants(first: 4, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } }"""
    pks: list[int] = []
    after = None
    for _ in range(100):
        page = alpha.execute(query, {"id": _org(data.street), "after": after}).data["org"][
            "descendants"
        ]
        assert page["totalCount"] == len(data.subtree) - 1
        pks.extend(_pk(edge["node"]["id"]) for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(pks) == len(set(pks)) == len(data.subtree) - 1
    assert set(pks) == data.subtree - {data.street}
    _assert_tree_order(pks)


# --- page size limits ---------------------------------------------------------------------------


@pytest.mark.parametrize("first", [101, 99999999])
@pytest.mark.parametrize("field", ["orgs", "members", "units"])
def test_too_large_pages_are_refused_with_a_clear_message(alpha, data, field, first):
    result = alpha.execute(
        f"query($first: Int!) {{ {field}(first: $first) {{ edges {{ node {{ id }} }} }} }}",
        {"first": first},
    )
    assert result.status == 200
    assert result.body["data"] is None
    messages = [error["message"] for error in result.body["errors"]]
    assert messages == ["Argument 'first' cannot be higher than 100."]


def test_a_page_of_100_is_allowed(alpha, data):
    page = alpha.execute("{ orgs(first: 100) { edges { node { id } } } }").data["orgs"]
    assert len(page["edges"]) == min(100, _db(PartyOrg.objects.count))


@pytest.mark.parametrize(
    ("field", "args", "expected_total"),
    [
        ("orgs", "within: $scope", lambda d: len(d.subtree)),
        ("members", "within: $scope", lambda d: len(d.members)),
    ],
)
def test_without_first_a_page_has_20_rows(alpha, data, field, args, expected_total):
    page = alpha.execute(
        f"""query($scope: ID!) {{ {field}({args}) {{ totalCount pageInfo {{ hasNextPage }}
        edges {{ node {{ id }} }} }} }}""",
        {"scope": _org(data.street)},
    ).data[field]
    assert page["totalCount"] == expected_total(data)
    assert len(page["edges"]) == 20
    assert page["pageInfo"]["hasNextPage"] is True


def test_children_without_first_has_20_rows(alpha, data):
    page = alpha.execute(
        """query($id: ID!) { org(id: $id) { children { totalCount pageInfo { hasNextPage }
        edges { node { id } } } } }""",
        {"id": _org(data.street)},
    ).data["org"]["children"]
    assert page["totalCount"] == len(data.child_codes)
    assert len(page["edges"]) == 20
    assert page["pageInfo"]["hasNextPage"] is True


# --- org filters --------------------------------------------------------------------------------


def test_orgs_filtered_by_kinds(alpha, data):
    kinds = ["COMMUNITY_COMMITTEE", "COMPOUND_BRANCH"]
    nodes = alpha.execute(
        """query($kinds: [PartyOrgKind!]) { orgs(kinds: $kinds, first: 100) { totalCount
        edges { node { id kind } } } }""",
        {"kinds": kinds},
    ).data["orgs"]
    assert {edge["node"]["kind"] for edge in nodes["edges"]} == set(kinds)
    expected = _db(
        lambda: set(
            PartyOrg.objects.filter(
                kind__in=["community_committee", "compound_branch"]
            ).values_list("pk", flat=True)
        )
    )
    assert {_pk(edge["node"]["id"]) for edge in nodes["edges"]} == expected
    assert nodes["totalCount"] == len(expected)


def test_orgs_within_keep_only_that_subtree(alpha, data):
    nodes = _walk(alpha, "orgs", f'within: "{_org(data.street)}",', 10, "id")
    pks = [_pk(node["id"]) for node in nodes]
    assert set(pks) == data.subtree
    assert pks[0] == data.street
    _assert_tree_order(pks)


def test_orgs_within_another_districts_org_is_empty(alpha, seeded):
    page = alpha.execute(
        "query($id: ID!) { orgs(within: $id) { totalCount edges { node { name } } } }",
        {"id": global_id("PartyOrg", "beta", seeded["beta"].org_pks["root"])},
    ).data["orgs"]
    assert page == {"totalCount": 0, "edges": []}


def test_descendants_filtered_by_kinds_and_depth(alpha, data):
    query = """query($id: ID!, $kinds: [PartyOrgKind!], $depth: Int) { org(id: $id) {
      descendants(kinds: $kinds, maxDepth: $depth, first: 100) { totalCount
      edges { node { id kind depth } } } } }"""
    one = alpha.execute(query, {"id": _org(data.street), "kinds": ["UNIT_ORG"], "depth": 1}).data[
        "org"
    ]["descendants"]
    assert one["totalCount"] == CHILD_COUNT
    assert {(e["node"]["kind"], e["node"]["depth"]) for e in one["edges"]} == {("UNIT_ORG", 3)}

    two = alpha.execute(query, {"id": _org(data.street), "kinds": ["UNIT_ORG"], "depth": 2}).data[
        "org"
    ]["descendants"]
    assert two["totalCount"] == CHILD_COUNT + 1
    assert data.nested_unit_org in {_pk(e["node"]["id"]) for e in two["edges"]}

    everything = alpha.execute(query, {"id": _org(data.street)}).data["org"]["descendants"]
    pks = [_pk(e["node"]["id"]) for e in everything["edges"]]
    assert set(pks) == data.subtree - {data.street}
    _assert_tree_order(pks)

    none = alpha.execute(query, {"id": _org(data.street), "depth": 0}).data["org"]["descendants"]
    assert none["edges"] == []


def test_children_are_ordered_by_code(alpha, data):
    page = alpha.execute(
        """query($id: ID!) { org(id: $id) { children(first: 100) { edges { node { code } } } } }""",
        {"id": _org(data.street)},
    ).data["org"]["children"]
    codes = [edge["node"]["code"] for edge in page["edges"]]
    assert len(codes) == len(data.child_codes)
    assert codes == sorted(codes)


# --- member filters -----------------------------------------------------------------------------

MEMBERS = """query($category: MemberCategory, $within: ID, $search: String, $idNumber: String) {
  members(category: $category, within: $within, search: $search, idNumber: $idNumber, first: 100)
  { totalCount edges { node { id name category idNumber } } } }"""


def _members(client, **variables) -> dict:
    return client.execute(MEMBERS, variables).data["members"]


def test_members_filtered_by_category(alpha, data):
    page = _members(alpha, category="MOBILE")
    assert {edge["node"]["category"] for edge in page["edges"]} == {"MOBILE"}
    expected = _db(
        lambda: set(Member.objects.filter(category="mobile").values_list("pk", flat=True))
    )
    assert {_pk(edge["node"]["id"]) for edge in page["edges"]} == expected
    assert page["totalCount"] == len(expected)
    assert len(expected & data.members) == 5


def test_members_within_a_subtree(alpha, data):
    page = _members(alpha, within=_org(data.street))
    assert {_pk(edge["node"]["id"]) for edge in page["edges"]} == data.members
    community_members = _members(alpha, within=_org(data.street), category="IN_SERVICE")
    assert community_members["totalCount"] == 5


def test_members_search_matches_part_of_the_name_ignoring_case(alpha, data):
    page = _members(alpha, search=f" {data.prefix.upper()}成员1")
    names = sorted(edge["node"]["name"] for edge in page["edges"])
    assert names == [f"{data.prefix}成员{n}" for n in range(10, 20)]


def test_members_by_id_number_is_an_exact_match(alpha, data):
    number = data.member_id_numbers[3]
    page = _members(alpha, idNumber=number)
    assert page["totalCount"] == 1
    assert page["edges"][0]["node"]["idNumber"] == f"{number[:3]}{'*' * 11}{number[-4:]}"
    assert _members(alpha, idNumber=number[:17])["totalCount"] == 0
    assert _members(alpha, idNumber=number[1:])["totalCount"] == 0


def test_members_by_id_number_accepts_a_lower_case_x(alpha, seeded):
    number = next(n for n in seeded["alpha"].id_numbers if n.endswith("X"))
    page = _members(alpha, idNumber=f" {number.lower()} ")
    assert page["totalCount"] == 1
    assert page["edges"][0]["node"]["idNumber"].endswith("X")


# --- unit filters -------------------------------------------------------------------------------

UNITS = """query($kind: UnitKind, $status: PartyOrgStatus, $within: ID, $search: String) {
  units(kind: $kind, partyOrgStatus: $status, coveredWithin: $within, search: $search, first: 100)
  { totalCount edges { node { id name kind partyOrgStatus } } } }"""


def _unit_pks(client, **variables) -> set[int]:
    page = client.execute(UNITS, variables).data["units"]
    assert page["totalCount"] == len(page["edges"])
    return {_pk(edge["node"]["id"]) for edge in page["edges"]}


def test_units_filtered_by_kind(alpha, data):
    assert _unit_pks(alpha, kind="ORGAN", search=data.prefix) == {
        data.units["own"],
        data.units["none_organ"],
    }


def test_units_filtered_by_party_org_status(alpha, data):
    assert _unit_pks(alpha, status="NONE", search=data.prefix) == {
        data.units["none_social"],
        data.units["none_organ"],
    }
    assert _unit_pks(alpha, status="OWN", kind="NON_PUBLIC_ENTERPRISE", search=data.prefix) == {
        data.units["own_outside"]
    }


def test_units_covered_within_a_subtree(alpha, data, seeded):
    assert _unit_pks(alpha, within=_org(data.street)) == {data.units["own"], data.units["attached"]}
    assert seeded["alpha"].unit_pk in _unit_pks(alpha, within=_org(seeded["alpha"].org_pks["s1"]))


def test_units_are_listed_by_name(alpha, data):
    page = alpha.execute(UNITS, {"search": data.prefix}).data["units"]
    names = [edge["node"]["name"] for edge in page["edges"]]
    assert names == [f"{data.prefix}单位{n}" for n in range(1, 6)]
