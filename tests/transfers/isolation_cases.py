"""The canary matrix's cases for 组织关系转接 (tests/api/test_tenant_isolation.py): every root
field and mutation of backend.transfers, called on alpha's host with beta's values.

isolation_seed.py records one refused transfer of each district's first seeded member, so
`objects["RelationTransfer"]` exists and the controls find alpha's own.
"""

from typing import Any

from backend.members.models import Member
from backend.members.personal_data import id_number_hash
from backend.transfers.models import RelationTransfer
from tenants.context import in_district
from tests.conftest import global_id
from tests.support.district_rows import masked_id_number
from tests.support.isolation import ERRORS, Case, Values, empty, found, not_found, null


def _transfer_id(values: Values) -> str:
    return global_id("RelationTransfer", values.district, values.objects["RelationTransfer"])


TRANSFER = (
    "id name: memberName memberIdNumber direction scope status reason note letterNumber"
    " validUntil movedOn refusedReason fromOrg { id name } toOrg { id name } fromOrgName"
    " fromOrgCode toOrgName toOrgCode counterpartDistrictCode counterpartDistrictName"
    " requestedOrgCode createdByName answeredByName member { id name idNumber org { id name } }"
)
TRANSFERS_DOC = (
    "query($within: ID, $memberId: ID, $search: String) { relationTransfers(within: $within,"
    " memberId: $memberId, search: $search, first: 100) { totalCount edges { node { "
    + TRANSFER
    + " } } } }"
)
TRANSFER_DOC = "query($id: ID!) { relationTransfer(id: $id) { " + TRANSFER + " } }"
HISTORY_DOC = (
    "query($memberId: ID!) { memberRelationHistory(memberId: $memberId) { id date fromOrgName"
    " fromDistrictName toOrgName toDistrictName fromOrg { id name } toOrg { id name } reason"
    " carried letterNumber } }"
)
INCOMING_DOC = (
    "{ incomingRelationTransfers(first: 100) { totalCount edges { node { id status"
    " senderDistrictCode senderDistrictName memberName memberIdNumber fromOrgName letterNumber"
    " history { fromOrgName toOrgName } } } } }"
)
DISTRICTS_DOC = "{ relationTransferDistricts { code name } }"


def _mutation(root: str, input_type: str) -> str:
    return (
        f"mutation($input: {input_type}!) {{ {root}(input: $input)"
        f" {{ transfer {{ {TRANSFER} }} {ERRORS} }} }}"
    )


MOVE_DOC = _mutation("transferMemberRelation", "TransferMemberRelationInput")
OUT_DOC = _mutation("transferMemberOut", "TransferMemberOutInput")
ACCEPT_DOC = _mutation("acceptRelationTransfer", "AnswerRelationTransferInput")
RECEIVE_DOC = _mutation("receiveMemberFromOutside", "ReceiveMemberFromOutsideInput")
REFUSE_DOC = (
    'mutation($id: ID!) { refuseRelationTransfer(id: $id, reason: "隔离测试")'
    f" {{ transfer {{ {TRANSFER} }} {ERRORS} }} }}"
)
WITHDRAW_DOC = (
    'mutation($id: ID!) { withdrawRelationTransfer(id: $id, reason: "隔离测试")'
    f" {{ transfer {{ {TRANSFER} }} {ERRORS} }} }}"
)


def _history_empty(data: dict[str, Any], _v: dict[str, Any]) -> None:
    assert data["memberRelationHistory"] == [], data


def _nothing_of_beta(data: dict[str, Any], _v: dict[str, Any]) -> None:
    edges = data["incomingRelationTransfers"]["edges"]
    assert all(e["node"]["senderDistrictCode"] != "beta" for e in edges), data


def _directory(data: dict[str, Any], _v: dict[str, Any]) -> None:
    codes = [d["code"] for d in data["relationTransferDistricts"]]
    assert "alpha" not in codes, codes


def _receive_input(own: Values, id_number: str, **overrides: Any) -> dict[str, Any]:
    return {
        "input": {
            "name": "隔离测试转入党员",
            "idNumber": id_number,
            "education": "BACHELOR",
            "joinedOn": "2010-07-01",
            "status": "FULL",
            "category": "COMMUNITY",
            "orgId": own.org("s1-c1-b1"),
            "fromOrgName": "隔离测试外省党支部",
            "letterNumber": "隔离-001",
            "reason": "RELOCATION",
            **overrides,
        }
    }


def _received_with_beta_id_number(
    before: dict[str, list[tuple[Any, ...]]],
    after: dict[str, list[tuple[Any, ...]]],
    data: dict[str, Any],
    variables: dict[str, Any],
) -> None:
    """alpha may receive from outside the platform someone whose number beta also knows: a new
    alpha member, shown masked as alpha's own; undone here."""
    id_number = variables["input"]["idNumber"]
    result = data["receiveMemberFromOutside"]
    assert result["errors"] == [], result
    assert result["transfer"]["memberIdNumber"] == masked_id_number(id_number)
    assert after["orgs"] == before["orgs"]
    assert len(after["members"]) == len(before["members"]) + 1
    with in_district("alpha"):
        hashed = id_number_hash(id_number)
        RelationTransfer.objects.filter(member_id_number_hash=hashed).delete()
        Member.objects.filter(id_number_hash=hashed).delete()  # its history goes with it


CASES: dict[str, Case] = {
    # --- queries --------------------------------------------------------------------------
    "relationTransfers/within": Case(
        "relationTransfers",
        TRANSFERS_DOC,
        lambda f, o: {"within": f.org("s1-c1-b1")},
        empty("relationTransfers"),
        found("relationTransfers"),
    ),
    "relationTransfers/memberId": Case(
        "relationTransfers",
        TRANSFERS_DOC,
        lambda f, o: {"memberId": f.member(0)},
        empty("relationTransfers"),
        found("relationTransfers"),
    ),
    "relationTransfers/search": Case(
        "relationTransfers",
        TRANSFERS_DOC,
        lambda f, o: {"search": f.canary},
        empty("relationTransfers"),
        found("relationTransfers"),
    ),
    "relationTransfer": Case(
        "relationTransfer",
        TRANSFER_DOC,
        lambda f, o: {"id": _transfer_id(f)},
        null("relationTransfer"),
    ),
    "memberRelationHistory": Case(
        "memberRelationHistory",
        HISTORY_DOC,
        lambda f, o: {"memberId": f.member(0)},
        _history_empty,
    ),
    "incomingRelationTransfers": Case(
        "incomingRelationTransfers",
        INCOMING_DOC,
        lambda f, o: {},
        _nothing_of_beta,
        compare_with_ghost=False,
    ),
    "relationTransferDistricts": Case(
        "relationTransferDistricts",
        DISTRICTS_DOC,
        lambda f, o: {},
        _directory,
        compare_with_ghost=False,
        # The platform's directory of districts one may transfer to (tenants.exchange.
        # district_directory) names beta's code and name by design, and nothing else of beta's.
        allow=("beta",),
    ),
    # --- mutations ------------------------------------------------------------------------
    "transferMemberRelation/memberId": Case(
        "transferMemberRelation",
        MOVE_DOC,
        lambda f, o: {
            "input": {"memberId": f.member(0), "toOrgId": o.org("s1-c1"), "reason": "OTHER"}
        },
        not_found("transferMemberRelation", "transfer", "memberId"),
    ),
    "transferMemberRelation/toOrgId": Case(
        "transferMemberRelation",
        MOVE_DOC,
        lambda f, o: {
            "input": {"memberId": o.member(2), "toOrgId": f.org("s1-c1"), "reason": "OTHER"}
        },
        not_found("transferMemberRelation", "transfer", "toOrgId"),
    ),
    "transferMemberOut/memberId": Case(
        "transferMemberOut",
        OUT_DOC,
        lambda f, o: {
            "input": {
                "memberId": f.member(0),
                "scope": "OUTSIDE",
                "outsideOrgName": "隔离测试外省党支部",
                "reason": "OTHER",
            }
        },
        not_found("transferMemberOut", "transfer", "memberId"),
    ),
    "acceptRelationTransfer/id": Case(
        "acceptRelationTransfer",
        ACCEPT_DOC,
        lambda f, o: {"input": {"id": _transfer_id(f)}},
        not_found("acceptRelationTransfer", "transfer", "id"),
    ),
    "acceptRelationTransfer/incoming": Case(
        "acceptRelationTransfer",
        ACCEPT_DOC,
        lambda f, o: {
            "input": {
                "id": global_id("IncomingRelationTransfer", f.district, 1),
                "toOrgId": f.org("s1-c1"),
            }
        },
        not_found("acceptRelationTransfer", "transfer", "id"),
    ),
    "refuseRelationTransfer": Case(
        "refuseRelationTransfer",
        REFUSE_DOC,
        lambda f, o: {"id": _transfer_id(f)},
        not_found("refuseRelationTransfer", "transfer", "id"),
    ),
    "withdrawRelationTransfer": Case(
        "withdrawRelationTransfer",
        WITHDRAW_DOC,
        lambda f, o: {"id": _transfer_id(f)},
        not_found("withdrawRelationTransfer", "transfer", "id"),
    ),
    "receiveMemberFromOutside/orgId": Case(
        "receiveMemberFromOutside",
        RECEIVE_DOC,
        lambda f, o: _receive_input(o, f.id_numbers[4], orgId=f.org("s1-c1-b1")),
        not_found("receiveMemberFromOutside", "transfer", "orgId"),
    ),
    "receiveMemberFromOutside/residenceCommunityId": Case(
        "receiveMemberFromOutside",
        RECEIVE_DOC,
        lambda f, o: _receive_input(
            o, f.id_numbers[3], category="IN_SERVICE", residenceCommunityId=f.org("s1-c1")
        ),
        not_found("receiveMemberFromOutside", "transfer", "residenceCommunityId"),
    ),
    "receiveMemberFromOutside/workUnitId": Case(
        "receiveMemberFromOutside",
        RECEIVE_DOC,
        lambda f, o: _receive_input(o, f.id_numbers[3], category="IN_SERVICE", workUnitId=f.unit()),
        not_found("receiveMemberFromOutside", "transfer", "workUnitId"),
    ),
    "receiveMemberFromOutside/idNumber": Case(
        "receiveMemberFromOutside",
        RECEIVE_DOC,
        lambda f, o: _receive_input(o, f.id_numbers[1]),
        lambda data, _v: None,
        alpha_write=_received_with_beta_id_number,
        compare_with_ghost=False,
    ),
}
