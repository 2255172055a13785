"""组织关系转接 over HTTP: within alpha (scopes: who completes, who accepts), outside the platform,
and alpha → beta through the platform, with isolation checks on everything beta is shown.

Data is committed (the server must see it): this module works in streets of its own in alpha and
in beta (tests/transfers/helpers.py), never on the seeded orgs or members.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from backend.access.models import Role
from backend.access.services import role_grant
from backend.accounts.models import User
from backend.accounts.services import user_create
from backend.members.models import Member
from backend.members.services import MemberData, member_create
from backend.orgs.models import PartyOrg
from backend.transfers import services
from backend.transfers.models import RelationTransfer, TransferReason
from tenants.context import in_district
from tenants.models import Dispatch, DispatchState
from tests.conftest import global_id
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.district_rows import district_rows
from tests.support.graphql_client import GraphQLClient, Response
from tests.support.seed import PASSWORD, SeededDistrict
from tests.transfers.helpers import Tree, build_tree, new_member, next_id_number

pytestmark = pytest.mark.usefixtures("db")

ERRORS = "errors { field code message }"
TRANSFER = (
    "id direction scope status memberName memberIdNumber letterNumber validUntil movedOn"
    " reason note refusedReason fromOrg { id name } toOrg { id name } fromOrgName toOrgName"
    " counterpartDistrictCode counterpartDistrictName requestedOrgCode createdByName"
    " answeredByName member { id name }"
)
MOVE = (
    "mutation($input: TransferMemberRelationInput!) { transferMemberRelation(input: $input)"
    " { transfer { " + TRANSFER + " } " + ERRORS + " } }"
)
OUT = (
    "mutation($input: TransferMemberOutInput!) { transferMemberOut(input: $input)"
    " { transfer { " + TRANSFER + " } " + ERRORS + " } }"
)
ACCEPT = (
    "mutation($input: AnswerRelationTransferInput!) { acceptRelationTransfer(input: $input)"
    " { transfer { " + TRANSFER + " } " + ERRORS + " } }"
)
REFUSE = (
    "mutation($id: ID!, $reason: String!) { refuseRelationTransfer(id: $id, reason: $reason)"
    " { transfer { " + TRANSFER + " } " + ERRORS + " } }"
)
WITHDRAW = (
    'mutation($id: ID!) { withdrawRelationTransfer(id: $id, reason: "撤回")'
    " { transfer { id status } " + ERRORS + " } }"
)
RECEIVE = (
    "mutation($input: ReceiveMemberFromOutsideInput!) { receiveMemberFromOutside(input: $input)"
    " { transfer { " + TRANSFER + " } " + ERRORS + " } }"
)
LIST = (
    "query($status: RelationTransferStatus, $within: ID, $memberId: ID, $direction:"
    " RelationTransferDirection, $scope: RelationTransferScope, $search: String, $n: Int)"
    " { relationTransfers(status: $status, within: $within, memberId: $memberId, direction:"
    " $direction, scope: $scope, search: $search, first: $n) { totalCount edges { node { "
    + TRANSFER
    + " } } } }"
)
HISTORY = (
    "query($id: ID!) { memberRelationHistory(memberId: $id) { date fromOrgName fromDistrictName"
    " toOrgName toDistrictName fromOrg { name } toOrg { name } reason carried letterNumber } }"
)
INCOMING = (
    "query($status: RelationTransferStatus, $n: Int) { incomingRelationTransfers(status:"
    " $status, first: $n) { totalCount edges { node { id status senderDistrictCode"
    " senderDistrictName memberName memberIdNumber gender birthDate education joinedOn"
    " memberStatus category fromOrgName requestedOrgCode reason note letterNumber movedOn"
    " validUntil answerReason history { date fromOrgName toOrgName toDistrictName reason } } } } }"
)
MEMBERS = "query($id: String!) { members(idNumber: $id) { totalCount edges { node { id } } } }"


def mgid(pk: int, district: str = "alpha") -> str:
    return global_id("Member", district, pk)


def ogid(org: PartyOrg, district: str = "alpha") -> str:
    return global_id("PartyOrg", district, org.pk)


@dataclass(frozen=True)
class World:
    alpha: Tree
    beta: Tree
    clients: dict[str, GraphQLClient]


def _user(district: str, grants: list[tuple[str, PartyOrg]]) -> User:
    with in_district(district):
        user = user_create(username=f"xfer-{uuid.uuid4().hex[:8]}", password=PASSWORD)
        for role, org in grants:
            role_grant(user=user, role=role, org=org)
        return user


def _sign_in(api_url: str, host: str, user: User) -> GraphQLClient:
    client = GraphQLClient(api_url, host)
    return client.as_user(client.login(user.username, PASSWORD))


@pytest.fixture(scope="module")
def world(api_url: str, alpha: GraphQLClient, beta: GraphQLClient, django_db_blocker: Any) -> World:
    with django_db_blocker.unblock():
        with in_district("alpha"):
            alpha_tree = build_tree()
        with in_district("beta"):
            beta_tree = build_tree()
        users = {
            "street_admin": ("alpha", _user("alpha", [(Role.ORG_ADMIN, alpha_tree.street)])),
            "other_admin": ("alpha", _user("alpha", [(Role.ORG_ADMIN, alpha_tree.other_street)])),
            "viewer": ("alpha", _user("alpha", [(Role.VIEWER, alpha_tree.street)])),
            "beta_org_admin": ("beta", _user("beta", [(Role.ORG_ADMIN, beta_tree.street)])),
        }
    clients = {
        name: _sign_in(api_url, f"{district}.localhost", user)
        for name, (district, user) in users.items()
    }
    return World(alpha_tree, beta_tree, {"alpha": alpha, "beta": beta, **clients})


def _member(org: PartyOrg, district: str = "alpha", **kwargs: Any) -> Member:
    with in_district(district):
        return new_member(org, **kwargs)


def _ok(result: Response, field: str) -> dict[str, Any]:
    payload = result.data[field]
    assert payload["errors"] == [], payload["errors"]
    return dict(payload["transfer"])


def _codes(result: Response, field: str) -> list[tuple[str, str]]:
    payload = result.data[field]
    assert payload["transfer"] is None
    return [(e["field"], e["code"]) for e in payload["errors"]]


def _move(client: GraphQLClient, member: Member, to: PartyOrg, **extra: Any) -> Response:
    return client.execute(
        MOVE,
        {
            "input": {
                "memberId": mgid(member.pk),
                "toOrgId": ogid(to),
                "reason": "JOB_CHANGE",
                **extra,
            }
        },
    )


def _org_of(member: Member, district: str = "alpha") -> int | None:
    with in_district(district):
        found = Member.objects.filter(pk=member.pk).values_list("org_id", flat=True).first()
        return found


# --- within the district -------------------------------------------------------------------


def test_district_admin_moves_at_once_with_history(world: World) -> None:
    tree = world.alpha
    member = _member(tree.branch)
    transfer = _ok(
        _move(world.clients["alpha"], member, tree.other_branch, note="工作调动"),
        "transferMemberRelation",
    )
    assert (transfer["scope"], transfer["status"]) == ("WITHIN", "COMPLETED")
    assert transfer["toOrg"]["name"] == tree.other_branch.name
    assert transfer["member"]["name"] == "转接党员"
    assert transfer["createdByName"] == "admin"
    assert _org_of(member) == tree.other_branch.pk
    history = world.clients["alpha"].execute(HISTORY, {"id": mgid(member.pk)}).data
    [entry] = history["memberRelationHistory"]
    assert (entry["fromOrg"]["name"], entry["toOrg"]["name"]) == (
        tree.branch.name,
        tree.other_branch.name,
    )
    assert entry["letterNumber"] == transfer["letterNumber"]
    listed = world.clients["alpha"].execute(LIST, {"memberId": mgid(member.pk)}).data
    assert listed["relationTransfers"]["totalCount"] == 1


def test_org_admin_sends_and_the_receiving_admin_accepts(world: World) -> None:
    tree, clients = world.alpha, world.clients
    member = _member(tree.branch)
    transfer = _ok(
        _move(clients["street_admin"], member, tree.other_branch), "transferMemberRelation"
    )
    assert transfer["status"] == "PENDING"
    assert transfer["toOrg"] is None  # outside the sender's scope: the snapshot names it
    assert transfer["toOrgName"] == tree.other_branch.name
    assert _org_of(member) == tree.branch.pk
    # The receiving admin sees it waiting; the sender cannot accept it.
    waiting = clients["other_admin"].execute(LIST, {"status": "PENDING"}).data
    ids = [e["node"]["id"] for e in waiting["relationTransfers"]["edges"]]
    assert transfer["id"] in ids
    forbidden = clients["street_admin"].execute(ACCEPT, {"input": {"id": transfer["id"]}})
    assert _codes(forbidden, "acceptRelationTransfer") == [("id", "FORBIDDEN")]
    # A second transfer of the same member is refused while this one waits.
    again = _move(clients["street_admin"], member, tree.community)
    assert _codes(again, "transferMemberRelation") == [("memberId", "TRANSFER_PENDING")]
    accepted = _ok(
        clients["other_admin"].execute(ACCEPT, {"input": {"id": transfer["id"]}}),
        "acceptRelationTransfer",
    )
    assert accepted["status"] == "ACCEPTED"
    assert _org_of(member) == tree.other_branch.pk
    # Now the sender no longer sees the member, but still sees the record of the transfer.
    mine = clients["street_admin"].execute(LIST, {"memberId": mgid(member.pk)}).data
    [edge] = mine["relationTransfers"]["edges"]
    assert edge["node"]["member"] is None
    assert edge["node"]["status"] == "ACCEPTED"


def test_receiving_admin_refuses_and_sender_withdraws(world: World) -> None:
    tree, clients = world.alpha, world.clients
    member = _member(tree.branch)
    first = _ok(_move(clients["street_admin"], member, tree.other_branch), "transferMemberRelation")
    empty = clients["other_admin"].execute(REFUSE, {"id": first["id"], "reason": " "})
    assert _codes(empty, "refuseRelationTransfer") == [("reason", "REQUIRED")]
    refused = _ok(
        clients["other_admin"].execute(REFUSE, {"id": first["id"], "reason": "不在本辖区"}),
        "refuseRelationTransfer",
    )
    assert (refused["status"], refused["refusedReason"]) == ("REFUSED", "不在本辖区")
    second = _ok(
        _move(clients["street_admin"], member, tree.other_branch), "transferMemberRelation"
    )
    not_theirs = clients["other_admin"].execute(WITHDRAW, {"id": second["id"]})
    assert _codes(not_theirs, "withdrawRelationTransfer") == [("id", "FORBIDDEN")]
    withdrawn = clients["street_admin"].execute(WITHDRAW, {"id": second["id"]})
    assert withdrawn.data["withdrawRelationTransfer"]["transfer"]["status"] == "WITHDRAWN"
    assert _org_of(member) == tree.branch.pk


def test_scope_and_bad_input(world: World, seeded: dict[str, SeededDistrict]) -> None:
    tree, clients = world.alpha, world.clients
    member = _member(tree.branch)
    viewer = _move(clients["viewer"], member, tree.community)
    assert _codes(viewer, "transferMemberRelation") == [("memberId", "FORBIDDEN")]
    outsider = _move(clients["other_admin"], member, tree.other_branch)
    assert _codes(outsider, "transferMemberRelation") == [("memberId", "NOT_FOUND")]
    group = _move(clients["alpha"], member, tree.group)
    assert _codes(group, "transferMemberRelation") == [("toOrgId", "INVALID_ORG_KIND")]
    same = _move(clients["alpha"], member, tree.branch)
    assert _codes(same, "transferMemberRelation") == [("toOrgId", "SAME_ORG")]
    future = _move(clients["alpha"], member, tree.community, movedOn="2999-01-01")
    assert _codes(future, "transferMemberRelation") == [("movedOn", "IN_FUTURE")]
    beta_member = clients["alpha"].execute(
        MOVE,
        {
            "input": {
                "memberId": mgid(seeded["beta"].member_pks[0], "beta"),
                "toOrgId": ogid(tree.community),
                "reason": "JOB_CHANGE",
            }
        },
    )
    assert _codes(beta_member, "transferMemberRelation") == [("memberId", "NOT_FOUND")]
    # The other street's admin sees none of this street's transfers or history.
    hidden = clients["other_admin"].execute(HISTORY, {"id": mgid(member.pk)}).data
    assert hidden["memberRelationHistory"] == []
    unknown_scope = clients["alpha"].execute(
        OUT, {"input": {"memberId": mgid(member.pk), "scope": "WITHIN", "reason": "OTHER"}}
    )
    assert _codes(unknown_scope, "transferMemberOut") == [("scope", "WRONG_SCOPE")]
    assert _org_of(member) == tree.branch.pk


# --- outside the platform ------------------------------------------------------------------


def test_transfer_out_to_outside_and_receive_from_outside(world: World) -> None:
    tree, client = world.alpha, world.clients["alpha"]
    member = _member(tree.branch, name="外转党员")
    missing = client.execute(
        OUT, {"input": {"memberId": mgid(member.pk), "scope": "OUTSIDE", "reason": "RELOCATION"}}
    )
    assert _codes(missing, "transferMemberOut") == [("outsideOrgName", "REQUIRED")]
    out = _ok(
        client.execute(
            OUT,
            {
                "input": {
                    "memberId": mgid(member.pk),
                    "scope": "OUTSIDE",
                    "reason": "RELOCATION",
                    "outsideOrgName": "某省某市某街道党支部",
                }
            },
        ),
        "transferMemberOut",
    )
    assert (out["status"], out["toOrgName"], out["member"]) == (
        "COMPLETED",
        "某省某市某街道党支部",
        None,
    )
    assert out["memberName"] == "外转党员"
    assert "*" in out["memberIdNumber"]
    assert _org_of(member) is None
    id_number = next_id_number()
    received = _ok(
        client.execute(
            RECEIVE,
            {
                "input": {
                    "name": "外来党员",
                    "idNumber": id_number,
                    "education": "BACHELOR",
                    "joinedOn": "1995-07-01",
                    "status": "FULL",
                    "category": "COMMUNITY",
                    "orgId": ogid(tree.branch),
                    "fromOrgName": "外省某党支部",
                    "letterNumber": "外省-2026-015",
                    "reason": "RELOCATION",
                }
            },
        ),
        "receiveMemberFromOutside",
    )
    assert (received["direction"], received["scope"]) == ("IN", "OUTSIDE")
    assert received["member"]["name"] == "外来党员"
    duplicate = client.execute(
        RECEIVE,
        {
            "input": {
                "name": "外来党员",
                "idNumber": id_number,
                "education": "BACHELOR",
                "joinedOn": "1995-07-01",
                "status": "FULL",
                "category": "COMMUNITY",
                "orgId": ogid(tree.branch),
                "fromOrgName": "外省某党支部",
                "letterNumber": "外省-2026-016",
                "reason": "RELOCATION",
            }
        },
    )
    assert _codes(duplicate, "receiveMemberFromOutside") == [("idNumber", "DUPLICATE")]
    assert id_number not in duplicate.text


# --- between districts ---------------------------------------------------------------------


def _send_to_beta(client: GraphQLClient, member: Member, **extra: Any) -> dict[str, Any]:
    return _ok(
        client.execute(
            OUT,
            {
                "input": {
                    "memberId": mgid(member.pk),
                    "scope": "BETWEEN",
                    "targetDistrictCode": "beta",
                    "reason": "RELOCATION",
                    **extra,
                }
            },
        ),
        "transferMemberOut",
    )


def _incoming_node(beta: GraphQLClient, letter_number: str) -> tuple[dict[str, Any], Response]:
    result = beta.execute(INCOMING, {"n": 100})
    nodes = [e["node"] for e in result.data["incomingRelationTransfers"]["edges"]]
    [node] = [n for n in nodes if n["letterNumber"] == letter_number]
    return node, result


def _members_with(code: str, id_hash: str) -> int:
    with in_district(code):
        return Member.objects.filter(id_number_hash=id_hash).count()


def _assert_no_leak(response: Response, seeded: dict[str, SeededDistrict], *plain: str) -> None:
    for secret in (*seeded["alpha"].secrets, *plain):
        assert secret not in response.text


def test_cross_district_accept(world: World, seeded: dict[str, SeededDistrict]) -> None:
    alpha, beta = world.clients["alpha"], world.clients["beta"]
    member = _member(world.alpha.branch, name="跨区转接党员", phone="13912345678")
    with in_district("alpha"):
        services.relation_move(
            member=member,
            to_org=world.alpha.other_branch,
            reason=TransferReason.JOB_CHANGE,
            on=date.today(),
        )
        plain_id, id_hash = member.id_number, member.id_number_hash
    sent = _send_to_beta(alpha, member, requestedOrgCode="beta-x-1", note="随子女迁居")
    assert (sent["status"], sent["counterpartDistrictName"]) == ("PENDING", "beta区")
    node, listed = _incoming_node(beta, sent["letterNumber"])
    _assert_no_leak(listed, seeded, plain_id, "13912345678")
    assert node["memberIdNumber"] != plain_id
    assert "*" in node["memberIdNumber"]
    assert (node["status"], node["senderDistrictCode"], node["requestedOrgCode"]) == (
        "PENDING",
        "alpha",
        "beta-x-1",
    )
    assert [h["toOrgName"] for h in node["history"]] == [world.alpha.other_branch.name]
    # beta's org admin is not told of it; acceptance needs a receiving org of beta.
    org_admin = world.clients["beta_org_admin"].execute(INCOMING, {"n": 100})
    assert org_admin.data["incomingRelationTransfers"]["totalCount"] == 0
    hidden = world.clients["beta_org_admin"].execute(
        ACCEPT, {"input": {"id": node["id"], "toOrgId": ogid(world.beta.branch, "beta")}}
    )
    assert _codes(hidden, "acceptRelationTransfer") == [("id", "NOT_FOUND")]
    no_org = beta.execute(ACCEPT, {"input": {"id": node["id"]}})
    assert _codes(no_org, "acceptRelationTransfer") == [("toOrgId", "REQUIRED")]
    foreign_org = beta.execute(
        ACCEPT, {"input": {"id": node["id"], "toOrgId": ogid(world.alpha.branch)}}
    )
    assert _codes(foreign_org, "acceptRelationTransfer") == [("toOrgId", "NOT_FOUND")]
    # alpha cannot answer its own dispatch by ID.
    own = alpha.execute(ACCEPT, {"input": {"id": node["id"], "toOrgId": ogid(world.alpha.branch)}})
    assert _codes(own, "acceptRelationTransfer") == [("id", "NOT_FOUND")]

    accepted = beta.execute(
        ACCEPT, {"input": {"id": node["id"], "toOrgId": ogid(world.beta.branch, "beta")}}
    )
    received = _ok(accepted, "acceptRelationTransfer")
    _assert_no_leak(accepted, seeded, plain_id, "13912345678")
    assert (received["direction"], received["status"]) == ("IN", "ACCEPTED")
    assert received["member"]["name"] == "跨区转接党员"
    assert received["fromOrgName"] == world.alpha.other_branch.name

    # One record across both districts: now in beta.
    assert (_members_with("alpha", id_hash), _members_with("beta", id_hash)) == (0, 1)
    gone = alpha.execute(MEMBERS, {"id": plain_id}).data["members"]["totalCount"]
    here = beta.execute(MEMBERS, {"id": plain_id})
    assert (gone, here.data["members"]["totalCount"]) == (0, 1)
    beta_member_id = here.data["members"]["edges"][0]["node"]["id"]
    history = beta.execute(HISTORY, {"id": beta_member_id})
    _assert_no_leak(history, seeded, plain_id)
    entries = history.data["memberRelationHistory"]
    assert [e["carried"] for e in entries] == [True, False]
    assert entries[0]["toDistrictName"] == "alpha区"
    assert (entries[1]["fromDistrictName"], entries[1]["toOrg"]["name"]) == (
        "alpha区",
        world.beta.branch.name,
    )
    # alpha's side: accepted, the snapshot kept, the receiving org named.
    mine = alpha.execute(LIST, {"search": sent["letterNumber"], "direction": "OUT"}).data
    [edge] = mine["relationTransfers"]["edges"]
    assert (edge["node"]["status"], edge["node"]["toOrgName"], edge["node"]["member"]) == (
        "ACCEPTED",
        world.beta.branch.name,
        None,
    )
    assert edge["node"]["answeredByName"] == "admin"
    with in_district("alpha"):
        dispatch = Dispatch.objects.get(
            pk=RelationTransfer.objects.get(
                letter_number=sent["letterNumber"], direction="out"
            ).dispatch_id
            or 0
        )
    assert dispatch.state == DispatchState.ACCEPTED
    assert "id_number_encrypted" not in dispatch.payload["member"]
    # beta's transfer list holds only its side of this transfer, nothing else of alpha's.
    beta_list = beta.execute(LIST, {"n": 100})
    _assert_no_leak(beta_list, seeded, plain_id)
    # Nor does beta's schema hold anything of alpha's beyond the transfer: no canary, no plain
    # ID number or phone (the member's are stored sealed, as beta's own).
    beta_rows = repr(district_rows("beta"))
    for secret in (*seeded["alpha"].secrets, plain_id, "13912345678"):
        assert secret not in beta_rows
    again = beta.execute(
        ACCEPT, {"input": {"id": node["id"], "toOrgId": ogid(world.beta.branch, "beta")}}
    )
    assert _codes(again, "acceptRelationTransfer") == [("id", "ALREADY_ANSWERED")]


def test_cross_district_refuse_leaves_alpha_unchanged(
    world: World, seeded: dict[str, SeededDistrict]
) -> None:
    alpha, beta = world.clients["alpha"], world.clients["beta"]
    member = _member(world.alpha.branch)
    sent = _send_to_beta(alpha, member)
    node, _ = _incoming_node(beta, sent["letterNumber"])
    refused = beta.execute(REFUSE, {"id": node["id"], "reason": "接收党组织不存在"})
    assert _ok(refused, "refuseRelationTransfer")["status"] == "REFUSED"
    _assert_no_leak(refused, seeded)
    assert _org_of(member) == world.alpha.branch.pk
    assert _members_with("beta", member.id_number_hash) == 0
    mine = alpha.execute(LIST, {"search": sent["letterNumber"], "direction": "OUT"}).data
    [edge] = mine["relationTransfers"]["edges"]
    assert (edge["node"]["status"], edge["node"]["refusedReason"]) == (
        "REFUSED",
        "接收党组织不存在",
    )
    assert edge["node"]["member"]["id"] == mgid(member.pk)
    # Refused, the member may be sent again.
    _send_to_beta(alpha, member)


def test_cross_district_failed_acceptance_changes_nothing(world: World) -> None:
    alpha, beta = world.clients["alpha"], world.clients["beta"]
    member = _member(world.alpha.branch)
    with in_district("alpha"):
        plain_id = member.id_number
    sent = _send_to_beta(alpha, member)
    # beta already has a member with this ID number.
    with in_district("beta"):
        member_create(
            data=MemberData(
                name="重号党员",
                id_number=plain_id,
                education="bachelor",
                joined_on=date(1990, 7, 1),
                status="full",
                category="community",
                org=world.beta.branch,
            )
        )
    node, _ = _incoming_node(beta, sent["letterNumber"])
    before = (district_rows("alpha"), district_rows("beta"))
    failed = beta.execute(
        ACCEPT, {"input": {"id": node["id"], "toOrgId": ogid(world.beta.branch, "beta")}}
    )
    assert _codes(failed, "acceptRelationTransfer") == [("idNumber", "DUPLICATE")]
    assert plain_id not in failed.text
    assert (district_rows("alpha"), district_rows("beta")) == before
    node_after, _ = _incoming_node(beta, sent["letterNumber"])
    assert node_after["status"] == "PENDING"


def test_cross_district_withdraw(world: World) -> None:
    alpha, beta = world.clients["alpha"], world.clients["beta"]
    member = _member(world.alpha.branch)
    sent = _send_to_beta(alpha, member)
    again = alpha.execute(
        OUT,
        {
            "input": {
                "memberId": mgid(member.pk),
                "scope": "BETWEEN",
                "targetDistrictCode": "beta",
                "reason": "RELOCATION",
            }
        },
    )
    assert _codes(again, "transferMemberOut") == [("memberId", "TRANSFER_PENDING")]
    withdrawn = alpha.execute(WITHDRAW, {"id": sent["id"]})
    assert withdrawn.data["withdrawRelationTransfer"]["transfer"]["status"] == "WITHDRAWN"
    node, _ = _incoming_node(beta, sent["letterNumber"])
    assert node["status"] == "WITHDRAWN"
    late = beta.execute(
        ACCEPT, {"input": {"id": node["id"], "toOrgId": ogid(world.beta.branch, "beta")}}
    )
    assert _codes(late, "acceptRelationTransfer") == [("id", "WITHDRAWN")]
    assert _org_of(member) == world.alpha.branch.pk
    unknown = alpha.execute(
        OUT,
        {
            "input": {
                "memberId": mgid(member.pk),
                "scope": "BETWEEN",
                "targetDistrictCode": "nowhere",
                "reason": "RELOCATION",
            }
        },
    )
    assert _codes(unknown, "transferMemberOut") == [("targetDistrictCode", "NOT_FOUND")]


# --- query counts --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def busy_street(world: World, django_db_blocker: Any) -> PartyOrg:
    """A street of alpha with a dozen completed moves and a member with a long history."""
    with django_db_blocker.unblock(), in_district("alpha"):
        tree = build_tree()
        on = date.today()
        for _ in range(12):
            services.relation_move(
                member=new_member(tree.branch),
                to_org=tree.other_branch,
                reason=TransferReason.JOB_CHANGE,
                on=on,
            )
        return tree.street


def test_transfer_list_query_count_is_constant(world: World, busy_street: PartyOrg) -> None:
    client = world.clients["alpha"]
    small = client.execute(LIST, {"within": ogid(busy_street), "n": 2})
    large = client.execute(LIST, {"within": ogid(busy_street), "n": 12})
    assert len(large.data["relationTransfers"]["edges"]) == 12
    assert small.sql_queries == large.sql_queries


def test_history_and_incoming_query_counts_are_constant(world: World) -> None:
    alpha, beta = world.clients["alpha"], world.clients["beta"]
    short, long_ = _member(world.alpha.branch), _member(world.alpha.branch)
    with in_district("alpha"):
        services.relation_move(
            member=short, to_org=world.alpha.community, reason="other", on=date.today()
        )
        for org in (world.alpha.community, world.alpha.other_branch, world.alpha.branch):
            services.relation_move(member=long_, to_org=org, reason="other", on=date.today())
    counts = [alpha.execute(HISTORY, {"id": mgid(m.pk)}) for m in (short, long_)]
    assert [len(c.data["memberRelationHistory"]) for c in counts] == [1, 3]
    assert counts[0].sql_queries == counts[1].sql_queries
    for member in (short, long_):
        _send_to_beta(alpha, member)
    one = beta.execute(INCOMING, {"n": 1})
    many = beta.execute(INCOMING, {"n": 20})
    assert len(many.data["incomingRelationTransfers"]["edges"]) >= 2
    assert one.sql_queries == many.sql_queries
