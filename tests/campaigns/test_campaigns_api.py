"""活动载体 over HTTP: every district user reads them; district admins add their own, and the
built-in ones keep their code and name."""

import uuid
from datetime import date
from typing import Any

import pytest

from backend.campaigns.models import Campaign
from tenants.context import in_district
from tests.conftest import global_id
from tests.secondments.world import ERRORS, World, build_world_in_alpha, sign_in
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient

pytestmark = pytest.mark.usefixtures("db")

NODE = "id code name isBuiltin startedOn endedOn parent { code } themes { code name position }"
LIST = (
    "query($all: Boolean!, $n: Int, $search: String) { campaigns(includeChildren: $all, first: $n,"
    f" search: $search) {{ totalCount edges {{ node {{ {NODE} children {{ code themes {{ name }} }}"
    " } } } }"
)
ONE = f"query($id: ID!) {{ campaign(id: $id) {{ {NODE} children {{ code name }} }} }}"
CREATE = (
    "mutation($input: CreateCampaignInput!) { createCampaign(input: $input)"
    f" {{ campaign {{ {NODE} }} {ERRORS} }} }}"
)
UPDATE = (
    "mutation($input: UpdateCampaignInput!) { updateCampaign(input: $input)"
    f" {{ campaign {{ {NODE} }} {ERRORS} }} }}"
)
DELETE = f"mutation($id: ID!) {{ deleteCampaign(id: $id) {{ deletedId {ERRORS} }} }}"


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> World:
    with django_db_blocker.unblock():
        return build_world_in_alpha("载体", date(1972, 2, 2), cadres=0)


@pytest.fixture(scope="module")
def users(api_url: str, world: World) -> dict[str, GraphQLClient]:
    return {label: sign_in(api_url, name) for label, name in world.usernames.items()}


def _builtin(code: str) -> str:
    with in_district("alpha"):
        return global_id("Campaign", "alpha", Campaign.objects.get(code=code).pk)


def _codes(payload: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in payload["errors"]}


def _code() -> str:
    return f"t_{uuid.uuid4().hex[:10]}"


def test_builtin_campaigns_with_themes_and_children(alpha: GraphQLClient) -> None:
    top = alpha.execute(LIST, {"all": False, "n": 100}).data["campaigns"]
    by_code = {edge["node"]["code"]: edge["node"] for edge in top["edges"]}
    assert "hundred_cadres_community" not in by_code  # under 干部下基层
    seven = by_code["seven_hands"]
    assert seven["isBuiltin"] is True
    assert len(seven["themes"]) == 7
    assert [t["position"] for t in seven["themes"]] == list(range(1, 8))
    cadres = by_code["cadres_to_grassroots"]
    assert {child["code"] for child in cadres["children"]} >= {
        "hundred_cadres_community",
        "hundred_cadres_grassroots",
        "hundred_cadres_enterprises",
    }
    everything = alpha.execute(LIST, {"all": True, "n": 100}).data["campaigns"]
    assert everything["totalCount"] > top["totalCount"]
    one = alpha.execute(ONE, {"id": _builtin("hundred_cadres_community")}).data["campaign"]
    assert one["parent"] == {"code": "cadres_to_grassroots"}
    assert one["name"] == "百名干部进社区"


def test_every_district_user_reads_campaigns(users: dict[str, GraphQLClient]) -> None:
    for client in users.values():
        result = client.execute(LIST, {"all": True, "n": 100}).data["campaigns"]
        assert any(edge["node"]["code"] == "seven_hands" for edge in result["edges"])


def test_district_admin_adds_and_changes_own_campaign(alpha: GraphQLClient) -> None:
    code = _code()
    created = alpha.execute(
        CREATE,
        {
            "input": {
                "code": code,
                "name": "  社区微心愿  ",
                "parentId": _builtin("banner_action"),
                "startedOn": "2025-01-01",
                "themes": [
                    {"code": "wish", "name": "认领微心愿"},
                    {"code": "visit", "name": "走访慰问"},
                ],
            }
        },
    ).data["createCampaign"]
    assert created["errors"] == []
    campaign = created["campaign"]
    assert campaign["name"] == "社区微心愿"
    assert campaign["isBuiltin"] is False
    assert campaign["parent"] == {"code": "banner_action"}
    assert [t["code"] for t in campaign["themes"]] == ["wish", "visit"]

    updated = alpha.execute(
        UPDATE,
        {
            "input": {
                "id": campaign["id"],
                "name": "微心愿行动",
                "endedOn": "2025-12-31",
                "parentId": None,
                "themes": [{"code": "visit", "name": "走访"}, {"code": "help", "name": "帮扶"}],
            }
        },
    ).data["updateCampaign"]
    assert updated["errors"] == []
    assert updated["campaign"]["name"] == "微心愿行动"
    assert updated["campaign"]["parent"] is None
    assert [(t["code"], t["position"]) for t in updated["campaign"]["themes"]] == [
        ("visit", 1),
        ("help", 2),
    ]
    deleted = alpha.execute(DELETE, {"id": campaign["id"]}).data["deleteCampaign"]
    assert deleted == {"deletedId": campaign["id"], "errors": []}
    with in_district("alpha"):
        assert not Campaign.objects.filter(code=code).exists()


def test_builtin_campaigns_keep_code_name_and_stay(alpha: GraphQLClient) -> None:
    seven = _builtin("seven_hands")
    renamed = alpha.execute(UPDATE, {"input": {"id": seven, "name": "八携手"}}).data[
        "updateCampaign"
    ]
    assert _codes(renamed) == {("name", "BUILTIN")}
    recoded = alpha.execute(UPDATE, {"input": {"id": seven, "code": "eight", "themes": []}}).data[
        "updateCampaign"
    ]
    assert _codes(recoded) == {("code", "BUILTIN"), ("themes", "BUILTIN")}
    deleted = alpha.execute(DELETE, {"id": seven}).data["deleteCampaign"]
    assert _codes(deleted) == {("id", "BUILTIN")}
    # The description and dates are the district's to keep.
    described = alpha.execute(
        UPDATE, {"input": {"id": seven, "name": "七携手", "startedOn": "2024-01-01"}}
    ).data["updateCampaign"]
    assert described["errors"] == []
    assert described["campaign"]["startedOn"] == "2024-01-01"
    with in_district("alpha"):
        assert Campaign.objects.get(code="seven_hands").name == "七携手"


def test_bad_input(alpha: GraphQLClient) -> None:
    bad = alpha.execute(
        CREATE,
        {
            "input": {
                "code": "Bad Code",
                "name": "",
                "startedOn": "2025-05-01",
                "endedOn": "2025-04-01",
                "themes": [{"code": "a1", "name": "x"}, {"code": "a1", "name": ""}],
            }
        },
    ).data["createCampaign"]
    assert _codes(bad) == {
        ("code", "INVALID"),
        ("name", "REQUIRED"),
        ("endedOn", "END_BEFORE_START"),
        ("themes.1.code", "DUPLICATE"),
        ("themes.1.name", "REQUIRED"),
    }
    duplicate = alpha.execute(CREATE, {"input": {"code": "seven_hands", "name": "x"}}).data[
        "createCampaign"
    ]
    assert _codes(duplicate) == {("code", "DUPLICATE")}
    # A campaign cannot sit under itself or its own child.
    parent = alpha.execute(CREATE, {"input": {"code": _code(), "name": "上级"}}).data[
        "createCampaign"
    ]["campaign"]
    child = alpha.execute(
        CREATE, {"input": {"code": _code(), "name": "下级", "parentId": parent["id"]}}
    ).data["createCampaign"]["campaign"]
    cycle = alpha.execute(UPDATE, {"input": {"id": parent["id"], "parentId": child["id"]}}).data[
        "updateCampaign"
    ]
    assert _codes(cycle) == {("parentId", "CYCLE")}
    has_children = alpha.execute(DELETE, {"id": parent["id"]}).data["deleteCampaign"]
    assert _codes(has_children) == {("id", "HAS_CHILDREN")}
    unknown = alpha.execute(UPDATE, {"input": {"id": global_id("Campaign", "beta", 1)}}).data[
        "updateCampaign"
    ]
    assert _codes(unknown) == {("id", "NOT_FOUND")}


def test_only_district_admins_write(users: dict[str, GraphQLClient]) -> None:
    code = _code()
    for client in users.values():
        created = client.execute(CREATE, {"input": {"code": code, "name": "街道自建"}}).data[
            "createCampaign"
        ]
        assert _codes(created) == {("code", "FORBIDDEN")}
        updated = client.execute(
            UPDATE, {"input": {"id": _builtin("seven_hands"), "startedOn": "2020-01-01"}}
        ).data["updateCampaign"]
        assert _codes(updated) == {("id", "FORBIDDEN")}
    with in_district("alpha"):
        assert not Campaign.objects.filter(code=code).exists()


def test_list_query_count_is_constant(alpha: GraphQLClient) -> None:
    small = alpha.execute(LIST, {"all": True, "n": 2})
    large = alpha.execute(LIST, {"all": True, "n": 8})
    assert len(large.data["campaigns"]["edges"]) == 8
    assert small.sql_queries == large.sql_queries


def test_beta_ids_are_not_found(alpha: GraphQLClient, beta: GraphQLClient) -> None:
    with in_district("beta"):
        beta_pk = Campaign.objects.get(code="seven_hands").pk
    assert alpha.execute(ONE, {"id": global_id("Campaign", "beta", beta_pk)}).data == {
        "campaign": None
    }
