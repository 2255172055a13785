"""The canary matrix's cases for 流动党员 (tests/api/test_tenant_isolation.py); isolation_seed.py
seeds the profile and assignment they name."""

from collections.abc import Callable
from typing import Any

from tests.support.isolation import ERRORS, Case, empty, node_found, not_found, null

ASSIGNMENT = (
    "id startDate endDate endReason current note org { id name }"
    " profile { id originPlace member { id name } }"
)
PROFILE = (
    "id originPlace originRegionCode relationLocation relationOrgName relationPlace trade"
    " occupation registeredOn contactNotes community { id name } member { id name idNumber }"
    f" currentAssignment {{ {ASSIGNMENT} }} assignments {{ {ASSIGNMENT} }}"
)
NODE_DOC = (
    f"query($id: ID!) {{ node(id: $id) {{ id ... on MobileMemberProfile {{ {PROFILE} }}"
    f" ... on MobileAssignment {{ {ASSIGNMENT} }} }} }}"
)
MEMBERS_DOC = (
    "query($within: ID, $community: ID) { mobileMembers(within: $within, community: $community,"
    f" first: 100) {{ totalCount edges {{ node {{ {PROFILE} }} }} }} }}"
)
WITHOUT_GROUP_DOC = (
    "query($within: ID) { mobileMembersWithoutGroup(within: $within, first: 100)"
    f" {{ totalCount edges {{ node {{ {PROFILE} }} }} }} }}"
)
ASSIGNMENTS_DOC = (
    "query($org: ID, $within: ID) { mobileAssignments(org: $org, within: $within, first: 100)"
    f" {{ totalCount edges {{ node {{ {ASSIGNMENT} }} }} }} }}"
)
PROFILE_PAYLOAD = f"{{ profile {{ {PROFILE} }} {ERRORS} }}"
ASSIGNMENT_PAYLOAD = f"{{ assignment {{ {ASSIGNMENT} }} {ERRORS} }}"
REGISTER_DOC = (
    "mutation($input: RegisterMobileMemberInput!) { registerMobileMember(input: $input)"
    f" {PROFILE_PAYLOAD} }}"
)
UPDATE_DOC = (
    "mutation($input: UpdateMobileMemberInput!) { updateMobileMember(input: $input)"
    f" {PROFILE_PAYLOAD} }}"
)
ASSIGN_DOC = (
    "mutation($input: AssignMobileMemberInput!) { assignMobileMember(input: $input)"
    f" {ASSIGNMENT_PAYLOAD} }}"
)
END_DOC = (
    "mutation($input: EndMobileAssignmentInput!) { endMobileAssignment(input: $input)"
    f" {ASSIGNMENT_PAYLOAD} }}"
)
CLOSE_DOC = (
    "mutation($org: ID!, $on: Date!, $to: ID, $rel: ID) { closeTemporaryBranch(orgId: $org,"
    " closedOn: $on, reassignTo: $to, relationTo: $rel) { branch { id name endDate } ended"
    f" reassigned relationsMoved {ERRORS} }} }}"
)


def _found(name: str, text: str) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    """alpha's own rows are there (their `text` field carries alpha's canary), beta's are not."""

    def check(data: dict[str, Any], _v: dict[str, Any]) -> None:
        edges = data[name]["edges"]
        values = [str(e["node"][text]) for e in edges]
        assert data[name]["totalCount"] > 0, data
        assert any("CANARYALPHA" in value for value in values), values
        assert "CANARYBETA" not in str(data), data

    return check


def _register(own: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "input": {
            "memberId": own.member(3),
            "communityId": own.org("s1-c1"),
            "registeredOn": "2025-06-01",
            "originPlace": "隔离测试",
            "relationLocation": "IN_DISTRICT",
            "trade": "SERVICES",
            **overrides,
        }
    }


def _close(own: Any, **overrides: Any) -> dict[str, Any]:
    return {"org": own.org("s2-t1"), "on": "2025-12-31", **overrides}


CASES: dict[str, Case] = {
    "node/MobileMemberProfile": Case(
        "node",
        NODE_DOC,
        lambda f, o: {"id": f.obj("MobileMemberProfile")},
        null("node"),
        node_found,
    ),
    "node/MobileAssignment": Case(
        "node",
        NODE_DOC,
        lambda f, o: {"id": f.obj("MobileAssignment")},
        null("node"),
        node_found,
    ),
    "mobileMembers/within": Case(
        "mobileMembers",
        MEMBERS_DOC,
        lambda f, o: {"within": f.org("s1")},
        empty("mobileMembers"),
        _found("mobileMembers", "originPlace"),
    ),
    "mobileMembers/community": Case(
        "mobileMembers",
        MEMBERS_DOC,
        lambda f, o: {"community": f.org("s1-c1")},
        empty("mobileMembers"),
        _found("mobileMembers", "originPlace"),
    ),
    # alpha's seeded mobile member is in a group: the control is the list without a filter,
    # which must at least not fail; the isolation is that beta's subtree gives nothing.
    "mobileMembersWithoutGroup/within": Case(
        "mobileMembersWithoutGroup",
        WITHOUT_GROUP_DOC,
        lambda f, o: {"within": f.org("s1")},
        empty("mobileMembersWithoutGroup"),
    ),
    "mobileAssignments/org": Case(
        "mobileAssignments",
        ASSIGNMENTS_DOC,
        lambda f, o: {"org": f.org("s1-c1-b1-g1")},
        empty("mobileAssignments"),
        _found("mobileAssignments", "note"),
    ),
    "mobileAssignments/within": Case(
        "mobileAssignments",
        ASSIGNMENTS_DOC,
        lambda f, o: {"within": f.org("s1")},
        empty("mobileAssignments"),
        _found("mobileAssignments", "note"),
    ),
    "registerMobileMember/memberId": Case(
        "registerMobileMember",
        REGISTER_DOC,
        lambda f, o: _register(o, memberId=f.member(1)),
        not_found("registerMobileMember", "profile", "memberId"),
    ),
    "registerMobileMember/communityId": Case(
        "registerMobileMember",
        REGISTER_DOC,
        lambda f, o: _register(o, communityId=f.org("s1-c1")),
        not_found("registerMobileMember", "profile", "communityId"),
    ),
    "updateMobileMember/id": Case(
        "updateMobileMember",
        UPDATE_DOC,
        lambda f, o: {"input": {"id": f.obj("MobileMemberProfile"), "originPlace": "已被改写"}},
        not_found("updateMobileMember", "profile", "id"),
    ),
    "updateMobileMember/communityId": Case(
        "updateMobileMember",
        UPDATE_DOC,
        lambda f, o: {"input": {"id": o.obj("MobileMemberProfile"), "communityId": f.org("s1-c1")}},
        not_found("updateMobileMember", "profile", "communityId"),
    ),
    "assignMobileMember/profileId": Case(
        "assignMobileMember",
        ASSIGN_DOC,
        lambda f, o: {
            "input": {
                "profileId": f.obj("MobileMemberProfile"),
                "orgId": o.org("s2-t1"),
                "startDate": "2025-06-01",
            }
        },
        not_found("assignMobileMember", "assignment", "profileId"),
    ),
    "assignMobileMember/orgId": Case(
        "assignMobileMember",
        ASSIGN_DOC,
        lambda f, o: {
            "input": {
                "profileId": o.obj("MobileMemberProfile"),
                "orgId": f.org("s2-t1"),
                "startDate": "2025-06-01",
            }
        },
        not_found("assignMobileMember", "assignment", "orgId"),
    ),
    "endMobileAssignment/id": Case(
        "endMobileAssignment",
        END_DOC,
        lambda f, o: {
            "input": {
                "id": f.obj("MobileAssignment"),
                "endDate": "2025-06-01",
                "reason": "COMPLETED",
            }
        },
        not_found("endMobileAssignment", "assignment", "id"),
    ),
    "closeTemporaryBranch/orgId": Case(
        "closeTemporaryBranch",
        CLOSE_DOC,
        lambda f, o: _close(f),
        not_found("closeTemporaryBranch", "branch", "orgId"),
    ),
    "closeTemporaryBranch/reassignTo": Case(
        "closeTemporaryBranch",
        CLOSE_DOC,
        lambda f, o: _close(o, to=f.org("s1-c1-b1-g1")),
        not_found("closeTemporaryBranch", "branch", "reassignTo"),
    ),
    "closeTemporaryBranch/relationTo": Case(
        "closeTemporaryBranch",
        CLOSE_DOC,
        lambda f, o: _close(o, rel=f.org("s1-c1-b1")),
        not_found("closeTemporaryBranch", "branch", "relationTo"),
    ),
}
