"""The canary matrix's cases for help pairs (tests/api/test_tenant_isolation.py), over the
records of isolation_seed.py: beta's households, pairs, visits, orgs and members on alpha's host
find nothing, change nothing and read like IDs that exist nowhere."""

from collections.abc import Callable
from typing import Any

from tests.support.isolation import ERRORS, Case, empty, node_found, not_found, null

HELPER = 0  # the seeded member who helps the canary household
MEMBER = "member { id name idNumber phone }"
HOUSEHOLD = (
    "id headName kind address phone size situation registeredOn closedOn hasActivePair"
    " community { id name }"
)
PAIR = f"id startOn endOn endReason lastVisitedOn {MEMBER} household {{ id headName phone }}"
VISIT = "id visitedOn kind hours amount note pair { id household { id headName } }"
SELECTIONS = {"Household": HOUSEHOLD, "HelpPair": PAIR, "HelpVisit": VISIT}
HOUSEHOLDS_DOC = (
    "query($within: ID) { households(within: $within, open: null, first: 20) { totalCount"
    f" edges {{ node {{ {HOUSEHOLD} pairs(first: 5) {{ edges {{ node {{ {PAIR} }} }} }} }} }} }} }}"
)
PAIRS_DOC = (
    "query($within: ID, $householdId: ID) { helpPairs(within: $within,"
    " householdId: $householdId, first: 20) { totalCount edges { node {"
    f" {PAIR} visits(first: 5) {{ edges {{ node {{ {VISIT} }} }} }} }} }} }} }}"
)
VISITS_DOC = (
    "query($within: ID) { helpVisits(within: $within, first: 100) { totalCount"
    f" edges {{ node {{ {VISIT} }} }} }} }}"
)


def _mutation(name: str, input_type: str, entity: str, selection: str) -> str:
    return (
        f"mutation($input: {input_type}!) {{ {name}(input: $input)"
        f" {{ {entity} {{ {selection} }} {ERRORS} }} }}"
    )


REGISTER_DOC = _mutation("registerHousehold", "RegisterHouseholdInput", "household", HOUSEHOLD)
CLOSE_DOC = _mutation("closeHousehold", "CloseHouseholdInput", "household", HOUSEHOLD)
PAIR_DOC = _mutation("pairHousehold", "PairHouseholdInput", "pair", PAIR)
UNPAIR_DOC = _mutation("unpairHousehold", "UnpairHouseholdInput", "pair", PAIR)
LOG_DOC = _mutation("logHelpVisit", "LogHelpVisitInput", "visit", VISIT)


def found_canary(name: str, path: Callable[[dict[str, Any]], str]) -> Callable[..., None]:
    """alpha's own rows, recognised by alpha's canary in a text field."""

    def check(data: dict[str, Any], _v: dict[str, Any]) -> None:
        texts = [path(e["node"]) for e in data[name]["edges"]]
        assert data[name]["totalCount"] > 0, data
        assert any("CANARYALPHA" in text for text in texts), texts
        assert not any("CANARYBETA" in text for text in texts), texts

    return check


def _node_case(type_name: str) -> Case:
    # One document per type: the types' fields of the same name have different types.
    document = (
        f"query($id: ID!) {{ node(id: $id) {{ id ... on {type_name}"
        f" {{ {SELECTIONS[type_name]} }} }} }}"
    )
    return Case("node", document, lambda f, o: {"id": f.obj(type_name)}, null("node"), node_found)


CASES: dict[str, Case] = {
    **{f"node/{type_name}": _node_case(type_name) for type_name in SELECTIONS},
    "households/within": Case(
        "households",
        HOUSEHOLDS_DOC,
        lambda f, o: {"within": f.org("s1")},
        empty("households"),
        found_canary("households", lambda n: n["headName"]),
    ),
    "helpPairs/within": Case(
        "helpPairs",
        PAIRS_DOC,
        lambda f, o: {"within": f.org("s1-c1")},
        empty("helpPairs"),
        found_canary("helpPairs", lambda n: n["household"]["headName"]),
    ),
    "helpPairs/householdId": Case(
        "helpPairs",
        PAIRS_DOC,
        lambda f, o: {"householdId": f.obj("Household")},
        empty("helpPairs"),
        found_canary("helpPairs", lambda n: n["household"]["headName"]),
    ),
    "helpVisits/within": Case(
        "helpVisits",
        VISITS_DOC,
        lambda f, o: {"within": f.org("root")},
        empty("helpVisits"),
        found_canary("helpVisits", lambda n: n["note"]),
    ),
    "registerHousehold/communityId": Case(
        "registerHousehold",
        REGISTER_DOC,
        lambda f, o: {
            "input": {
                "communityId": f.org("s1-c1"),
                "headName": "隔离测试",
                "kind": "OTHER",
                "address": "1幢1单元",
                "registeredOn": "2025-01-01",
            }
        },
        not_found("registerHousehold", "household", "communityId"),
    ),
    "closeHousehold/id": Case(
        "closeHousehold",
        CLOSE_DOC,
        lambda f, o: {"input": {"id": f.obj("Household"), "closedOn": "2025-01-01"}},
        not_found("closeHousehold", "household", "id"),
    ),
    "pairHousehold/householdId": Case(
        "pairHousehold",
        PAIR_DOC,
        lambda f, o: {
            "input": {
                "householdId": f.obj("Household"),
                "memberId": o.member(HELPER),
                "startOn": "2025-01-01",
            }
        },
        not_found("pairHousehold", "pair", "householdId"),
    ),
    "pairHousehold/memberId": Case(
        "pairHousehold",
        PAIR_DOC,
        lambda f, o: {
            "input": {
                "householdId": o.obj("Household"),
                "memberId": f.member(HELPER),
                "startOn": "2025-01-01",
            }
        },
        not_found("pairHousehold", "pair", "memberId"),
    ),
    "unpairHousehold/id": Case(
        "unpairHousehold",
        UNPAIR_DOC,
        lambda f, o: {
            "input": {"id": f.obj("HelpPair"), "endOn": "2025-01-01", "endReason": "OTHER"}
        },
        not_found("unpairHousehold", "pair", "id"),
    ),
    "logHelpVisit/pairId": Case(
        "logHelpVisit",
        LOG_DOC,
        lambda f, o: {
            "input": {"pairId": f.obj("HelpPair"), "visitedOn": "2025-01-01", "kind": "VISIT"}
        },
        not_found("logHelpVisit", "visit", "pairId"),
    ),
}
