"""干部下基层 over HTTP: seconding cadres, the rules, the lists and the gap list, the scope of
street admins and viewers, and the query count of a page."""

from datetime import date, timedelta
from typing import Any

import pytest

from backend.audit.models import AuditEntry
from backend.campaigns.models import Campaign
from backend.secondments.models import Secondment
from tenants.context import in_district
from tests.conftest import global_id
from tests.secondments.world import ERRORS, World, build_world_in_alpha, sign_in
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient

pytestmark = pytest.mark.usefixtures("db")

TODAY = date.today()
NODE = (
    "id cadreName rank title startedOn plannedEndOn endedOn tasks summary isActive"
    " cadre { name } homeUnit { name } community { name } campaign { code }"
)
SECOND = (
    "mutation($input: SecondCadreInput!) { secondCadre(input: $input)"
    f" {{ secondment {{ {NODE} }} {ERRORS} }} }}"
)
UPDATE = (
    "mutation($input: UpdateSecondmentInput!) { updateSecondment(input: $input)"
    f" {{ secondment {{ {NODE} }} {ERRORS} }} }}"
)
END = (
    "mutation($input: EndSecondmentInput!) { endSecondment(input: $input)"
    f" {{ secondment {{ {NODE} }} {ERRORS} }} }}"
)
LIST = (
    "query($within: ID, $campaign: ID, $active: Boolean, $period: SecondmentPeriodInput,"
    " $n: Int) { secondments(within: $within, campaign: $campaign, active: $active,"
    f" period: $period, first: $n) {{ totalCount edges {{ node {{ {NODE} }} }} }} }}"
)
GAPS = (
    "query($within: ID, $on: Date) { communitiesWithoutSecondedCadre(within: $within, on: $on,"
    " first: 50) { totalCount edges { node { name } } } }"
)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> World:
    with django_db_blocker.unblock():
        return build_world_in_alpha("下派", date(1975, 3, 3), cadres=5)


@pytest.fixture(scope="module")
def users(api_url: str, world: World) -> dict[str, GraphQLClient]:
    return {label: sign_in(api_url, name) for label, name in world.usernames.items()}


def campaign_gid(code: str) -> str:
    with in_district("alpha"):
        return global_id("Campaign", "alpha", Campaign.objects.get(code=code).pk)


def _codes(payload: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in payload["errors"]}


def _second(client: GraphQLClient, world: World, cadre: int, community: int, **extra: Any) -> Any:
    fields = {
        "cadreId": world.gid(world.cadres[cadre]),
        "communityId": world.gid(world.communities[community]),
        "campaignId": campaign_gid("hundred_cadres_community"),
        "startedOn": (TODAY - timedelta(days=30)).isoformat(),
        "plannedEndOn": (TODAY + timedelta(days=150)).isoformat(),
        "rank": "科级",
        "title": "副局长",
        "tasks": "协助社区党委开展党员报到工作",
        **extra,
    }
    return client.execute(SECOND, {"input": fields}).data["secondCadre"]


def _names(result: dict[str, Any], key: str = "secondments") -> list[str]:
    return [edge["node"].get("cadreName") or edge["node"]["name"] for edge in result[key]["edges"]]


def test_second_list_and_end(alpha: GraphQLClient, world: World) -> None:
    created = _second(alpha, world, 0, 0)
    assert created["errors"] == []
    secondment = created["secondment"]
    assert secondment["cadreName"] == world.cadres[0].name
    assert secondment["cadre"] == {"name": world.cadres[0].name}
    assert secondment["homeUnit"] == {"name": world.organ.name}  # the cadre's work unit
    assert secondment["campaign"] == {"code": "hundred_cadres_community"}
    assert secondment["isActive"] is True

    # An earlier, finished secondment of the same cadre does not overlap the current one.
    recorded = _second(
        alpha,
        world,
        0,
        1,
        startedOn=(TODAY - timedelta(days=400)).isoformat(),
        plannedEndOn=(TODAY - timedelta(days=220)).isoformat(),
        endedOn=(TODAY - timedelta(days=200)).isoformat(),
        summary="完成党员报到登记",
    )
    assert recorded["errors"] == []
    earlier = recorded["secondment"]
    assert earlier["summary"] == "完成党员报到登记"
    assert earlier["isActive"] is False

    street = world.gid(world.street)
    everyone = alpha.execute(LIST, {"within": street}).data
    assert everyone["secondments"]["totalCount"] == 2
    active = alpha.execute(LIST, {"within": street, "active": True}).data
    assert [e["node"]["id"] for e in active["secondments"]["edges"]] == [secondment["id"]]
    inactive = alpha.execute(LIST, {"within": street, "active": False}).data
    assert [e["node"]["id"] for e in inactive["secondments"]["edges"]] == [earlier["id"]]
    # The parent campaign 干部下基层 covers its children.
    parent = alpha.execute(
        LIST, {"within": street, "campaign": campaign_gid("cadres_to_grassroots")}
    ).data
    assert parent["secondments"]["totalCount"] == 2
    other = alpha.execute(
        LIST, {"within": street, "campaign": campaign_gid("hundred_cadres_enterprises")}
    ).data
    assert other["secondments"]["totalCount"] == 0
    period = {
        "firstDay": (TODAY - timedelta(days=300)).isoformat(),
        "lastDay": (TODAY - timedelta(days=250)).isoformat(),
    }
    in_period = alpha.execute(LIST, {"within": street, "period": period}).data
    assert [e["node"]["id"] for e in in_period["secondments"]["edges"]] == [earlier["id"]]

    with in_district("alpha"):
        pk = Secondment.objects.get(cadre=world.cadres[0], ended_on__isnull=True).pk
        actions = set(
            AuditEntry.objects.filter(target_type="Secondment", target_id=pk).values_list(
                "action", flat=True
            )
        )
    assert actions == {"secondment.create"}


def test_gap_list(alpha: GraphQLClient, world: World) -> None:
    _second(alpha, world, 1, 1, startedOn=(TODAY - timedelta(days=10)).isoformat())
    gaps = alpha.execute(GAPS, {"within": world.gid(world.street)}).data
    names = _names(gaps, "communitiesWithoutSecondedCadre")
    assert world.communities[1].name not in names
    assert world.communities[2].name in names
    assert world.street.name not in names  # communities only
    # Before anyone was seconded there, community 2 was a gap too.
    before = alpha.execute(
        GAPS, {"within": world.gid(world.street), "on": (TODAY - timedelta(days=20)).isoformat()}
    ).data
    assert world.communities[1].name in _names(before, "communitiesWithoutSecondedCadre")


def test_rules(alpha: GraphQLClient, world: World) -> None:
    overlap = _second(alpha, world, 0, 2, startedOn=(TODAY - timedelta(days=5)).isoformat())
    assert _codes(overlap) == {("startedOn", "OVERLAP")}
    # The current secondment (not ended) runs on: a later one overlaps too.
    later = _second(
        alpha,
        world,
        0,
        2,
        startedOn=(TODAY + timedelta(days=400)).isoformat(),
        plannedEndOn=(TODAY + timedelta(days=500)).isoformat(),
    )
    assert _codes(later) == {("startedOn", "OVERLAP")}
    wrong = _second(
        alpha,
        world,
        2,
        2,
        campaignId=campaign_gid("seven_hands"),
        plannedEndOn=(TODAY - timedelta(days=31)).isoformat(),
        communityId=world.gid(world.street),
    )
    assert _codes(wrong) == {
        ("campaignId", "WRONG_CAMPAIGN"),
        ("plannedEndOn", "END_BEFORE_START"),
        ("communityId", "INVALID_ORG_KIND"),
    }
    retired = alpha.execute(
        SECOND,
        {
            "input": {
                "cadreId": world.gid(world.retired),
                "communityId": world.gid(world.communities[2]),
                "campaignId": campaign_gid("cadres_to_grassroots"),
                "startedOn": TODAY.isoformat(),
                "plannedEndOn": TODAY.isoformat(),
            }
        },
    ).data["secondCadre"]
    assert _codes(retired) == {("cadreId", "WRONG_CATEGORY")}
    foreign = _second(alpha, world, 2, 2, cadreId=global_id("Member", "beta", 1))
    assert _codes(foreign) == {("cadreId", "NOT_FOUND")}

    current = _second(alpha, world, 3, 2)["secondment"]
    for ended_on, code in (
        ((TODAY - timedelta(days=31)).isoformat(), "END_BEFORE_START"),
        ((TODAY + timedelta(days=1)).isoformat(), "IN_FUTURE"),
    ):
        bad_end = alpha.execute(END, {"input": {"id": current["id"], "endedOn": ended_on}}).data
        assert _codes(bad_end["endSecondment"]) == {("endedOn", code)}
    assert (
        alpha.execute(END, {"input": {"id": current["id"], "endedOn": TODAY.isoformat()}}).data[
            "endSecondment"
        ]["errors"]
        == []
    )
    again = alpha.execute(END, {"input": {"id": current["id"], "endedOn": TODAY.isoformat()}}).data
    assert _codes(again["endSecondment"]) == {("id", "ALREADY_ENDED")}
    with in_district("alpha"):
        entries = AuditEntry.objects.filter(
            target_type="Secondment", target_id=Secondment.objects.get(cadre=world.cadres[3]).pk
        )
        assert sorted(entries.values_list("action", "result")) == [
            ("secondment.create", "ok"),
            ("secondment.end", "ok"),
            ("secondment.end", "refused"),
            ("secondment.end", "refused"),
            ("secondment.end", "refused"),
        ]
    with in_district("alpha"):
        # Refused writes left nothing: cadre 2 and the retired member were never seconded.
        assert not Secondment.objects.filter(cadre__in=[world.cadres[2], world.retired]).exists()


def test_update(alpha: GraphQLClient, world: World) -> None:
    created = _second(alpha, world, 4, 2, homeUnitId=None)["secondment"]
    updated = alpha.execute(
        UPDATE,
        {
            "input": {
                "id": created["id"],
                "rank": "处级",
                "title": "局长",
                "homeUnitId": None,
                "campaignId": campaign_gid("hundred_cadres_grassroots"),
            }
        },
    ).data["updateSecondment"]
    assert updated["errors"] == []
    node = updated["secondment"]
    assert (node["rank"], node["title"], node["homeUnit"]) == ("处级", "局长", None)
    assert node["tasks"] == "协助社区党委开展党员报到工作"  # omitted: kept
    wrong = alpha.execute(
        UPDATE, {"input": {"id": created["id"], "campaignId": campaign_gid("three_actions")}}
    ).data["updateSecondment"]
    assert _codes(wrong) == {("campaignId", "WRONG_CAMPAIGN")}


def test_scope(users: dict[str, GraphQLClient], alpha: GraphQLClient, world: World) -> None:
    street = world.gid(world.street)
    # The street's admin reads the community's record; the cadre (of a district organ, outside
    # the street) shows only by name.
    admin = users["street_admin"]
    listed = admin.execute(LIST, {"within": street, "n": 50}).data["secondments"]
    assert listed["totalCount"] >= 3
    assert all(e["node"]["cadre"] is None for e in listed["edges"])
    assert all(e["node"]["cadreName"] for e in listed["edges"])
    # They may not pick a cadre they cannot see.
    assert _codes(_second(admin, world, 2, 2)) == {("cadreId", "NOT_FOUND")}
    target = next(e["node"] for e in listed["edges"] if e["node"]["endedOn"] is None)
    updated = admin.execute(UPDATE, {"input": {"id": target["id"], "tasks": "走访困难党员"}}).data
    assert updated["updateSecondment"]["errors"] == []
    assert updated["updateSecondment"]["secondment"]["cadre"] is None

    other = users["other_admin"]
    assert other.execute(LIST, {"within": street}).data["secondments"]["totalCount"] == 0
    assert other.execute(LIST, {}).data["secondments"]["totalCount"] == 0
    refused = other.execute(UPDATE, {"input": {"id": target["id"], "tasks": "x"}}).data
    assert _codes(refused["updateSecondment"]) == {("id", "NOT_FOUND")}
    gaps = other.execute(GAPS, {"within": street}).data
    assert gaps["communitiesWithoutSecondedCadre"]["totalCount"] == 0

    viewer = users["street_viewer"]
    assert viewer.execute(LIST, {"within": street}).data["secondments"]["totalCount"] >= 3
    forbidden = viewer.execute(END, {"input": {"id": target["id"], "endedOn": TODAY.isoformat()}})
    assert _codes(forbidden.data["endSecondment"]) == {("id", "FORBIDDEN")}
    with in_district("alpha"):
        assert Secondment.objects.filter(tasks="x").count() == 0


def test_page_query_count_is_constant(alpha: GraphQLClient, world: World) -> None:
    street = world.gid(world.street)
    small = alpha.execute(LIST, {"within": street, "n": 1})
    large = alpha.execute(LIST, {"within": street, "n": 10})
    assert len(small.data["secondments"]["edges"]) == 1
    assert len(large.data["secondments"]["edges"]) >= 4
    assert small.sql_queries == large.sql_queries
    gaps_small = alpha.execute(GAPS.replace("first: 50", "first: 1"), {})
    gaps_large = alpha.execute(GAPS, {})
    assert gaps_small.sql_queries == gaps_large.sql_queries


def test_district_campaign_under_cadres_to_grassroots(alpha: GraphQLClient, world: World) -> None:
    created = alpha.execute(
        "mutation($input: CreateCampaignInput!) { createCampaign(input: $input)"
        f" {{ campaign {{ id }} {ERRORS} }} }}",
        {
            "input": {
                "code": f"wave_{world.prefix.replace('-', '_')}",
                "name": "机关干部驻社区",
                "parentId": campaign_gid("cadres_to_grassroots"),
            }
        },
    ).data["createCampaign"]
    assert created["errors"] == []
    own = created["campaign"]["id"]
    seconded = _second(
        alpha,
        world,
        2,
        0,
        campaignId=own,
        startedOn=(TODAY - timedelta(days=900)).isoformat(),
        plannedEndOn=(TODAY - timedelta(days=800)).isoformat(),
        endedOn=(TODAY - timedelta(days=800)).isoformat(),
    )
    assert seconded["errors"] == []
    assert seconded["secondment"]["campaign"]["code"].startswith("wave_")
    in_use = alpha.execute(
        f"mutation($id: ID!) {{ deleteCampaign(id: $id) {{ deletedId {ERRORS} }} }}", {"id": own}
    ).data["deleteCampaign"]
    assert _codes(in_use) == {("id", "IN_USE")}
