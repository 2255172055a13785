"""共建对子 over HTTP: creating, changing, renewing and ending pairs, recording services both
ways, the rules and their error codes, scope, atomicity and the query count of a page."""

from datetime import date, timedelta
from typing import Any

import pytest

from backend.audit.models import AuditEntry
from backend.campaigns.models import Campaign, CampaignTheme
from backend.cobuilding.models import CoBuildingPair, PairCommitment, ServiceRecord
from tenants.context import in_district
from tests.cobuilding.world import ERRORS, World, build_world_in_alpha, sign_in
from tests.conftest import global_id
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient

pytestmark = pytest.mark.usefixtures("db")

PAIR = (
    "id aName bName aOrg { id name } aUnit { id name } bOrg { id name } bUnit { id name }"
    " campaign { code } theme { code } startsOn endsOn endedOn endReason status"
    " renewedFrom { id } commitments { side text } hoursAToB hoursBToA serviceCount"
    " serviceRecords { servedOn direction hours beneficiaries description }"
)
CREATE = (
    "mutation($input: CreatePairInput!) { createPair(input: $input)"
    f" {{ pair {{ {PAIR} }} {ERRORS} }} }}"
)
UPDATE = (
    "mutation($input: UpdatePairInput!) { updatePair(input: $input)"
    f" {{ pair {{ {PAIR} }} {ERRORS} }} }}"
)
RENEW = (
    "mutation($input: RenewPairInput!) { renewPair(input: $input)"
    f" {{ pair {{ {PAIR} }} {ERRORS} }} }}"
)
END = (
    f"mutation($input: EndPairInput!) {{ endPair(input: $input) {{ pair {{ {PAIR} }} {ERRORS} }} }}"
)
SERVE = (
    "mutation($input: RecordPairServiceInput!) { recordPairService(input: $input)"
    f" {{ serviceRecord {{ id servedOn direction hours }} {ERRORS} }} }}"
)
LIST = (
    "query($within: ID, $party: ID, $status: CoBuildingPairStatus, $campaign: ID, $theme: ID,"
    " $activeOn: Date, $n: Int) { coBuildingPairs(within: $within, party: $party, status: $status,"
    " campaign: $campaign, theme: $theme, activeOn: $activeOn, first: $n) { totalCount edges {"
    " node { id aName bName aOrg { name } bUnit { name } campaign { name } theme { name }"
    " status hoursAToB hoursBToA commitments { text } } } } }"
)
TODAY = date.today()


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> World:
    with django_db_blocker.unblock():
        return build_world_in_alpha()


@pytest.fixture(scope="module")
def users(api_url: str, world: World) -> dict[str, GraphQLClient]:
    return {label: sign_in(api_url, name) for label, name in world.usernames.items()}


@pytest.fixture(scope="module")
def seven(world: World, django_db_blocker: Any) -> dict[str, str]:
    with django_db_blocker.unblock(), in_district("alpha"):
        campaign = Campaign.objects.get(code="seven_hands")
        ids = {"campaign": global_id("Campaign", "alpha", campaign.pk)}
        for theme in CampaignTheme.objects.filter(
            campaign__code__in=["seven_hands", "banner_action", "one_creation_two_promotions"]
        ):
            ids[theme.code] = global_id("CampaignTheme", "alpha", theme.pk)
        return ids


def _run(client: GraphQLClient, doc: str, name: str, **fields: Any) -> dict[str, Any]:
    return dict(client.execute(doc, {"input": fields}).data[name])


def _codes(payload: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in payload["errors"]}


def _pair_count() -> int:
    with in_district("alpha"):
        return CoBuildingPair.objects.count()


def _days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def test_create_serve_both_ways_and_list(
    alpha: GraphQLClient, world: World, seven: dict[str, str]
) -> None:
    created = _run(
        alpha,
        CREATE,
        "createPair",
        aId=world.node("M1"),
        bId=world.node("MU"),
        startsOn=_days(-200),
        endsOn=_days(165),
        themeId=seven["community_service"],
        commitments=[
            {"side": "A", "text": "为单位职工提供社区服务"},
            {"side": "B", "text": "开放单位活动场地"},
        ],
    )
    assert created["errors"] == []
    pair = created["pair"]
    assert (pair["aName"], pair["bName"]) == (world.orgs["M1"].name, world.units["MU"].name)
    assert pair["campaign"] == {"code": "seven_hands"}  # the theme's campaign
    assert pair["theme"] == {"code": "community_service"}
    assert pair["status"] == "ACTIVE"
    assert [c["side"] for c in pair["commitments"]] == ["A", "B"]
    for direction, hours in (("A_TO_B", "2.5"), ("B_TO_A", "4"), ("A_TO_B", "1")):
        served = _run(
            alpha,
            SERVE,
            "recordPairService",
            pairId=pair["id"],
            servedOn=_days(-10),
            direction=direction,
            description="上门服务",
            hours=hours,
            beneficiaries=12,
        )
        assert served["errors"] == []
    listed = alpha.execute(
        LIST, {"within": world.gid(world.street), "status": "ACTIVE", "n": 10}
    ).data["coBuildingPairs"]
    [node] = [e["node"] for e in listed["edges"] if e["node"]["id"] == pair["id"]]
    assert (node["hoursAToB"], node["hoursBToA"]) == ("3.5", "4.0")
    assert node["theme"] == {"name": "携手共办社区服务"}
    by_party = alpha.execute(LIST, {"party": world.node("MU")}).data["coBuildingPairs"]
    assert [e["node"]["id"] for e in by_party["edges"]] == [pair["id"]]
    by_theme = alpha.execute(
        LIST, {"within": world.gid(world.street), "theme": seven["community_service"]}
    ).data["coBuildingPairs"]
    assert pair["id"] in [e["node"]["id"] for e in by_theme["edges"]]
    with in_district("alpha"):
        assert AuditEntry.objects.filter(action="cobuilding_pair.create").exists()
        assert ServiceRecord.objects.filter(pair__a_org=world.orgs["M1"]).count() == 3

    # Same parties, either order, overlapping: refused; later: fine (UPCOMING).
    overlap = _run(
        alpha,
        CREATE,
        "createPair",
        aId=world.node("MU"),
        bId=world.node("M1"),
        startsOn=_days(100),
        endsOn=_days(400),
    )
    assert _codes(overlap) == {("startsOn", "OVERLAP")}
    later = _run(
        alpha,
        CREATE,
        "createPair",
        aId=world.node("MU"),
        bId=world.node("M1"),
        startsOn=_days(166),
        endsOn=_days(500),
    )
    assert later["errors"] == []
    assert later["pair"]["status"] == "UPCOMING"


def test_bad_input_has_typed_errors_and_writes_nothing(
    alpha: GraphQLClient, world: World, seven: dict[str, str]
) -> None:
    before = _pair_count()
    base = {
        "aId": world.node("M2"),
        "bId": world.node("MU"),
        "startsOn": "2024-01-01",
        "endsOn": "2024-12-31",
    }
    cases: list[tuple[dict[str, Any], tuple[str, str]]] = [
        ({"bId": world.node("M2")}, ("bId", "SAME_PARTY")),
        ({"endsOn": "2023-12-31"}, ("endsOn", "END_BEFORE_START")),
        (
            {"campaignId": seven["campaign"], "themeId": seven["innovate_mechanism"]},
            ("themeId", "WRONG_CAMPAIGN"),
        ),
        ({"aId": global_id("Member", "alpha", 1)}, ("aId", "NOT_FOUND")),
        ({"bId": global_id("Unit", "alpha", 999_999)}, ("bId", "NOT_FOUND")),
        ({"themeId": global_id("CampaignTheme", "alpha", 999_999)}, ("themeId", "NOT_FOUND")),
        # One good commitment and one empty: nothing is written.
        (
            {"commitments": [{"side": "A", "text": "好"}, {"side": "B", "text": "  "}]},
            ("commitments", "REQUIRED"),
        ),
    ]
    for change, code in cases:
        payload = _run(alpha, CREATE, "createPair", **(base | change))
        assert code in _codes(payload), (change, payload)
        assert payload["pair"] is None
    assert _pair_count() == before
    with in_district("alpha"):
        assert not PairCommitment.objects.filter(text="好").exists()


def test_service_rules(alpha: GraphQLClient, world: World) -> None:
    pair = _run(
        alpha,
        CREATE,
        "createPair",
        aId=world.node("M2"),
        bId=world.node("C1"),
        startsOn="2024-01-01",
        endsOn="2024-12-31",
    )["pair"]
    base = {
        "pairId": pair["id"],
        "servedOn": "2024-05-01",
        "direction": "B_TO_A",
        "description": "联合活动",
        "hours": "3",
    }
    cases: list[tuple[dict[str, Any], tuple[str, str]]] = [
        ({"servedOn": "2023-12-31"}, ("servedOn", "OUTSIDE_PERIOD")),
        ({"servedOn": _days(1)}, ("servedOn", "IN_FUTURE")),
        ({"hours": "0"}, ("hours", "NOT_POSITIVE")),
        ({"hours": "5000"}, ("hours", "TOO_LARGE")),
        ({"description": " "}, ("description", "REQUIRED")),
        ({"beneficiaries": -1}, ("beneficiaries", "INVALID")),
        ({"pairId": global_id("CoBuildingPair", "alpha", 999_999)}, ("pairId", "NOT_FOUND")),
    ]
    for change, code in cases:
        payload = _run(alpha, SERVE, "recordPairService", **(base | change))
        assert code in _codes(payload), (change, payload)
    assert _run(alpha, SERVE, "recordPairService", **base)["errors"] == []


def test_update_renew_and_end(alpha: GraphQLClient, world: World, seven: dict[str, str]) -> None:
    pair = _run(
        alpha,
        CREATE,
        "createPair",
        aId=world.node("M2"),
        bId=world.node("OU"),
        startsOn="2023-01-01",
        endsOn="2023-12-31",
        campaignId=seven["campaign"],
        themeId=seven["economy"],
        commitments=[{"side": "A", "text": "原承诺"}],
    )["pair"]
    assert pair["status"] == "EXPIRED"
    updated = _run(
        alpha,
        UPDATE,
        "updatePair",
        id=pair["id"],
        themeId=seven["safety"],
        commitments=[{"side": "B", "text": "新承诺"}],
    )
    assert updated["errors"] == []
    assert updated["pair"]["theme"] == {"code": "safety"}
    assert updated["pair"]["commitments"] == [{"side": "B", "text": "新承诺"}]
    cleared = _run(alpha, UPDATE, "updatePair", id=pair["id"], campaignId=None)["pair"]
    assert (cleared["campaign"], cleared["theme"]) == (None, None)
    bad = _run(alpha, UPDATE, "updatePair", id=pair["id"], endsOn="2022-01-01")
    assert _codes(bad) == {("endsOn", "END_BEFORE_START")}

    too_early = _run(
        alpha, RENEW, "renewPair", id=pair["id"], startsOn="2023-06-01", endsOn="2024-12-31"
    )
    assert _codes(too_early) == {("startsOn", "NOT_AFTER_PREVIOUS")}
    renewed = _run(alpha, RENEW, "renewPair", id=pair["id"], endsOn="2024-12-31")
    assert renewed["errors"] == []
    assert renewed["pair"]["startsOn"] == "2024-01-01"
    assert renewed["pair"]["renewedFrom"] == {"id": pair["id"]}
    assert renewed["pair"]["commitments"] == [{"side": "B", "text": "新承诺"}]
    again = _run(alpha, RENEW, "renewPair", id=pair["id"], endsOn="2025-12-31")
    assert _codes(again) == {("id", "ALREADY_RENEWED")}
    # The old pair cannot be stretched over its renewal.
    stretched = _run(alpha, UPDATE, "updatePair", id=pair["id"], endsOn="2024-03-01")
    assert _codes(stretched) == {("startsOn", "OVERLAP")}

    second = renewed["pair"]["id"]
    for change, code in (
        ({"endedOn": "2023-06-01"}, ("endedOn", "END_BEFORE_START")),
        ({"endedOn": "2025-01-01"}, ("endedOn", "AFTER_END")),
        ({"reason": " "}, ("reason", "REQUIRED")),
    ):
        payload = _run(
            alpha,
            END,
            "endPair",
            **({"id": second, "endedOn": "2024-06-30", "reason": "单位改制"} | change),
        )
        assert code in _codes(payload), payload
    ended = _run(alpha, END, "endPair", id=second, endedOn="2024-06-30", reason="单位改制")
    assert ended["errors"] == []
    assert (ended["pair"]["status"], ended["pair"]["endReason"]) == ("ENDED", "单位改制")
    assert _codes(_run(alpha, END, "endPair", id=second, endedOn="2024-07-01", reason="x")) == {
        ("id", "ALREADY_ENDED")
    }
    assert _codes(_run(alpha, RENEW, "renewPair", id=second, endsOn="2025-12-31")) == {
        ("id", "ENDED")
    }
    # After the early end the parties may pair again from the next day.
    again_after = _run(
        alpha,
        CREATE,
        "createPair",
        aId=world.node("OU"),
        bId=world.node("M2"),
        startsOn="2024-07-01",
        endsOn="2024-12-31",
    )
    assert again_after["errors"] == []


def test_scope_of_pairs(
    alpha: GraphQLClient, world: World, users: dict[str, GraphQLClient]
) -> None:
    admin, viewer, other = users["admin"], users["viewer"], users["other_admin"]
    # The street admin cannot name the other street's community: NOT_FOUND.
    refused = _run(
        admin,
        CREATE,
        "createPair",
        aId=world.node("M1"),
        bId=world.node("OC"),
        startsOn="2022-01-01",
        endsOn="2022-12-31",
    )
    assert _codes(refused) == {("bId", "NOT_FOUND")}
    # A viewer may not write.
    assert _codes(
        _run(
            viewer,
            CREATE,
            "createPair",
            aId=world.node("M1"),
            bId=world.node("M2"),
            startsOn="2022-01-01",
            endsOn="2022-12-31",
        )
    ) == {("aId", "FORBIDDEN")}
    cross = _run(
        alpha,
        CREATE,
        "createPair",
        aId=world.node("M1"),
        bId=world.node("OC"),
        startsOn="2022-01-01",
        endsOn="2022-12-31",
    )["pair"]
    # Each side's admin sees the pair, the other side by name only.
    seen = admin.execute(LIST, {"party": world.node("M1"), "n": 50}).data["coBuildingPairs"]
    [node] = [e["node"] for e in seen["edges"] if e["node"]["id"] == cross["id"]]
    assert node["bName"] == world.orgs["OC"].name
    theirs = other.execute(LIST, {"party": world.node("OC"), "n": 50}).data["coBuildingPairs"]
    [node] = [e["node"] for e in theirs["edges"] if e["node"]["id"] == cross["id"]]
    assert (node["aOrg"], node["aName"]) == (None, world.orgs["M1"].name)
    # Either side's admin may end it; a viewer may not.
    assert _codes(
        _run(viewer, END, "endPair", id=cross["id"], endedOn="2022-06-01", reason="x")
    ) == {("id", "FORBIDDEN")}
    for doc, name, fields in (
        (UPDATE, "updatePair", {"id": cross["id"], "endsOn": "2022-11-30"}),
        (RENEW, "renewPair", {"id": cross["id"], "endsOn": "2023-12-31"}),
        (
            SERVE,
            "recordPairService",
            {
                "pairId": cross["id"],
                "servedOn": "2022-03-01",
                "direction": "A_TO_B",
                "description": "x",
                "hours": "1",
            },
        ),
    ):
        field = "pairId" if name == "recordPairService" else "id"
        assert _codes(_run(viewer, doc, name, **fields)) == {(field, "FORBIDDEN")}
    # Pairs only within the street stay hidden from the other street's admin.
    internal = [
        _run(
            alpha,
            CREATE,
            "createPair",
            aId=world.node("M1"),
            bId=world.node("M2"),
            startsOn="2021-01-01",
            endsOn="2021-12-31",
        )["pair"]["id"]
    ]
    assert _codes(_run(other, UPDATE, "updatePair", id=internal[0], endsOn="2030-01-01")) == {
        ("id", "NOT_FOUND")
    }
    assert _codes(
        _run(
            other,
            SERVE,
            "recordPairService",
            pairId=internal[0],
            servedOn="2024-01-01",
            direction="A_TO_B",
            description="x",
            hours="1",
        )
    ) == {("pairId", "NOT_FOUND")}
    listed = other.execute(LIST, {"within": world.gid(world.street), "n": 50}).data
    listed_ids = [e["node"]["id"] for e in listed["coBuildingPairs"]["edges"]]
    assert cross["id"] in listed_ids
    assert internal[0] not in listed_ids
    ended = _run(other, END, "endPair", id=cross["id"], endedOn="2022-06-01", reason="撤并")
    assert ended["errors"] == []
    assert ended["pair"]["aOrg"] is None


def test_page_query_count_is_constant(
    alpha: GraphQLClient, world: World, users: dict[str, GraphQLClient]
) -> None:
    # The first two pairs of the street (the latest) have units, orgs, a campaign, a theme and
    # commitments, so every relation is fetched on the small page too; the street admin reads
    # pairs inside the street and across its border.
    for client in (alpha, users["admin"]):
        variables = {"within": world.gid(world.street)}
        small = client.execute(LIST, {**variables, "n": 2})
        large = client.execute(LIST, {**variables, "n": 20})
        assert len(small.data["coBuildingPairs"]["edges"]) == 2
        assert len(large.data["coBuildingPairs"]["edges"]) >= 5
        assert small.sql_queries == large.sql_queries
