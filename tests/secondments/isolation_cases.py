"""The canary matrix's cases for 干部下基层 (tests/api/test_tenant_isolation.py); isolation_seed.py
seeds the secondment they name."""

from typing import Any

from tests.support.isolation import ERRORS, Case, empty, node_found, not_found, null

SECONDMENT = (
    "id cadreName rank title startedOn plannedEndOn endedOn tasks summary isActive"
    " cadre { id name } homeUnit { id name } community { id name } campaign { id name }"
)
SECONDMENTS_DOC = (
    "query($within: ID, $campaign: ID) { secondments(within: $within, campaign: $campaign,"
    f" first: 100) {{ totalCount edges {{ node {{ {SECONDMENT} }} }} }} }}"
)
GAPS_DOC = (
    "query($within: ID, $campaign: ID) { communitiesWithoutSecondedCadre(within: $within,"
    " campaign: $campaign, first: 100) { totalCount edges { node { id name } } } }"
)
NODE_DOC = f"query($id: ID!) {{ node(id: $id) {{ id ... on Secondment {{ {SECONDMENT} }} }} }}"
SECOND_DOC = (
    "mutation($input: SecondCadreInput!) { secondCadre(input: $input)"
    f" {{ secondment {{ {SECONDMENT} }} {ERRORS} }} }}"
)
UPDATE_DOC = (
    "mutation($input: UpdateSecondmentInput!) { updateSecondment(input: $input)"
    f" {{ secondment {{ {SECONDMENT} }} {ERRORS} }} }}"
)
END_DOC = (
    "mutation($input: EndSecondmentInput!) { endSecondment(input: $input)"
    f" {{ secondment {{ {SECONDMENT} }} {ERRORS} }} }}"
)


def _found(data: dict[str, Any], _v: dict[str, Any]) -> None:
    names = [e["node"]["cadreName"] for e in data["secondments"]["edges"]]
    assert any("CANARYALPHA" in n for n in names), names


def _no_beta(data: dict[str, Any], _v: dict[str, Any]) -> None:
    """An unknown campaign filters nothing out of alpha's gap list; beta's names never show."""
    assert not any("CANARYBETA" in e["node"]["name"] for e in data[_ROOT]["edges"]), data


_ROOT = "communitiesWithoutSecondedCadre"


def _second(f: Any, o: Any, **foreign: str) -> dict[str, Any]:
    return {
        "input": {
            "cadreId": o.member(0),
            "communityId": o.org("s1-c1"),
            "campaignId": o.obj("Campaign"),
            "homeUnitId": o.unit(),
            "startedOn": "2031-01-01",
            "plannedEndOn": "2031-06-30",
            **foreign,
        }
    }


CASES: dict[str, Case] = {
    "node/Secondment": Case(
        "node", NODE_DOC, lambda f, o: {"id": f.obj("Secondment")}, null("node"), node_found
    ),
    "secondments/within": Case(
        "secondments",
        SECONDMENTS_DOC,
        lambda f, o: {"within": f.org("s1")},
        empty("secondments"),
        _found,
    ),
    "secondments/campaign": Case(
        "secondments",
        SECONDMENTS_DOC,
        lambda f, o: {"campaign": f.obj("Campaign")},
        empty("secondments"),
        _found,
    ),
    "communitiesWithoutSecondedCadre/within": Case(
        _ROOT, GAPS_DOC, lambda f, o: {"within": f.org("s1")}, empty(_ROOT)
    ),
    "communitiesWithoutSecondedCadre/campaign": Case(
        _ROOT, GAPS_DOC, lambda f, o: {"campaign": f.obj("Campaign")}, _no_beta
    ),
    "secondCadre/cadreId": Case(
        "secondCadre",
        SECOND_DOC,
        lambda f, o: _second(f, o, cadreId=f.member(0)),
        not_found("secondCadre", "secondment", "cadreId"),
    ),
    "secondCadre/communityId": Case(
        "secondCadre",
        SECOND_DOC,
        lambda f, o: _second(f, o, communityId=f.org("s1-c1")),
        not_found("secondCadre", "secondment", "communityId"),
    ),
    "secondCadre/campaignId": Case(
        "secondCadre",
        SECOND_DOC,
        lambda f, o: _second(f, o, campaignId=f.obj("Campaign")),
        not_found("secondCadre", "secondment", "campaignId"),
    ),
    "secondCadre/homeUnitId": Case(
        "secondCadre",
        SECOND_DOC,
        lambda f, o: _second(f, o, homeUnitId=f.unit()),
        not_found("secondCadre", "secondment", "homeUnitId"),
    ),
    "updateSecondment/id": Case(
        "updateSecondment",
        UPDATE_DOC,
        lambda f, o: {"input": {"id": f.obj("Secondment"), "tasks": "已被改写"}},
        not_found("updateSecondment", "secondment", "id"),
    ),
    "updateSecondment/communityId": Case(
        "updateSecondment",
        UPDATE_DOC,
        lambda f, o: {"input": {"id": o.obj("Secondment"), "communityId": f.org("s1-c1")}},
        not_found("updateSecondment", "secondment", "communityId"),
    ),
    "updateSecondment/campaignId": Case(
        "updateSecondment",
        UPDATE_DOC,
        lambda f, o: {"input": {"id": o.obj("Secondment"), "campaignId": f.obj("Campaign")}},
        not_found("updateSecondment", "secondment", "campaignId"),
    ),
    "updateSecondment/homeUnitId": Case(
        "updateSecondment",
        UPDATE_DOC,
        lambda f, o: {"input": {"id": o.obj("Secondment"), "homeUnitId": f.unit()}},
        not_found("updateSecondment", "secondment", "homeUnitId"),
    ),
    "endSecondment/id": Case(
        "endSecondment",
        END_DOC,
        lambda f, o: {"input": {"id": f.obj("Secondment"), "endedOn": "2025-06-30"}},
        not_found("endSecondment", "secondment", "id"),
    ),
}
