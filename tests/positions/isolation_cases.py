"""The canary matrix's cases for 阵地 (tests/api/test_tenant_isolation.py); isolation_seed.py
seeds the position they name."""

from tests.support.isolation import ERRORS, Case, empty, found, node_found, not_found, null

POSITION = (
    "id kind name address areaM2 meetsStandard openedOn closedOn isOpen community { id name }"
)
POSITIONS_DOC = (
    "query($within: ID, $community: ID) { positions(within: $within, community: $community,"
    f" first: 100) {{ totalCount edges {{ node {{ {POSITION} }} }} }} }}"
)
NODE_DOC = f"query($id: ID!) {{ node(id: $id) {{ id ... on Position {{ {POSITION} }} }} }}"
CREATE_DOC = (
    "mutation($input: CreatePositionInput!) { createPosition(input: $input)"
    f" {{ position {{ {POSITION} }} {ERRORS} }} }}"
)
UPDATE_DOC = (
    "mutation($input: UpdatePositionInput!) { updatePosition(input: $input)"
    f" {{ position {{ {POSITION} }} {ERRORS} }} }}"
)
CLOSE_DOC = (
    "mutation($input: ClosePositionInput!) { closePosition(input: $input)"
    f" {{ position {{ {POSITION} }} {ERRORS} }} }}"
)


CASES: dict[str, Case] = {
    "node/Position": Case(
        "node", NODE_DOC, lambda f, o: {"id": f.obj("Position")}, null("node"), node_found
    ),
    "positions/within": Case(
        "positions",
        POSITIONS_DOC,
        lambda f, o: {"within": f.org("s1")},
        empty("positions"),
        found("positions"),
    ),
    "positions/community": Case(
        "positions",
        POSITIONS_DOC,
        lambda f, o: {"community": f.org("s1-c1")},
        empty("positions"),
        found("positions"),
    ),
    "createPosition/communityId": Case(
        "createPosition",
        CREATE_DOC,
        lambda f, o: {
            "input": {"communityId": f.org("s1-c1"), "kind": "LIAISON_STATION", "name": "隔离测试"}
        },
        not_found("createPosition", "position", "communityId"),
    ),
    "updatePosition/id": Case(
        "updatePosition",
        UPDATE_DOC,
        lambda f, o: {"input": {"id": f.obj("Position"), "name": "已被改名"}},
        not_found("updatePosition", "position", "id"),
    ),
    "closePosition/id": Case(
        "closePosition",
        CLOSE_DOC,
        lambda f, o: {"input": {"id": f.obj("Position"), "closedOn": "2025-01-01"}},
        not_found("closePosition", "position", "id"),
    ),
}
