"""活动 over HTTP: recording activities under campaigns and themes, participants and hours in
batches (all or none), cancelling, the list filters, a member's activities, scope, and the
query count of a page."""

from datetime import date, timedelta
from typing import Any

import pytest

from backend.activities.models import Activity, ActivityParticipation
from backend.audit.models import AuditEntry
from backend.campaigns.models import Campaign, CampaignTheme
from tenants.context import in_district
from tests.activities.world import ERRORS, World, build_world_in_alpha, sign_in
from tests.conftest import global_id
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient

pytestmark = pytest.mark.usefixtures("db")

FIELDS = (
    "id title occurredOn startsAt durationHours place isCancelled cancelReason pairId councilId"
    " participantCount serviceHours org { id name } campaign { code } theme { code }"
    " volunteerTeam { id } units { hours people unit { id } }"
)
CREATE = (
    "mutation($input: CreateActivityInput!) { createActivity(input: $input)"
    f" {{ activity {{ {FIELDS} }} {ERRORS} }} }}"
)
UPDATE = (
    "mutation($input: UpdateActivityInput!) { updateActivity(input: $input)"
    f" {{ activity {{ {FIELDS} }} {ERRORS} }} }}"
)
CANCEL = (
    "mutation($input: CancelActivityInput!) { cancelActivity(input: $input)"
    f" {{ activity {{ {FIELDS} }} {ERRORS} }} }}"
)
ADD = (
    "mutation($input: AddActivityParticipantsInput!) { addActivityParticipants(input: $input)"
    f" {{ activity {{ {FIELDS} }} {ERRORS} }} }}"
)
REMOVE = (
    "mutation($input: RemoveActivityParticipantsInput!) {"
    f" removeActivityParticipants(input: $input) {{ activity {{ {FIELDS} }} {ERRORS} }} }}"
)
HOURS = (
    "mutation($input: SetActivityHoursInput!) { setActivityHours(input: $input)"
    f" {{ activity {{ {FIELDS} }} {ERRORS} }} }}"
)
LIST = (
    "query($within: ID, $campaign: ID, $theme: ID, $period: ActivityPeriodInput,"
    " $cancelled: Boolean, $n: Int) { activities(within: $within, campaign: $campaign,"
    " theme: $theme, period: $period, includeCancelled: $cancelled, first: $n) { totalCount"
    " edges { node { title participantCount serviceHours org { name } campaign { code }"
    " theme { code } volunteerTeam { name } units { unit { name } } } } } }"
)
PARTICIPANTS = (
    "query($activity: ID!) { activityParticipants(activity: $activity, first: 50) {"
    " totalCount edges { node { hours occurredOn member { name } } } } }"
)
MEMBER_ACTIVITIES = (
    "query($member: ID!, $period: ActivityPeriodInput) { memberActivities(member: $member,"
    " period: $period, first: 50) { totalCount edges { node { hours activity { title } } } } }"
)
DAY = date.today() - timedelta(days=10)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> World:
    with django_db_blocker.unblock():
        return build_world_in_alpha("活动", date(1972, 2, 2))


@pytest.fixture(scope="module")
def users(api_url: str, world: World) -> dict[str, GraphQLClient]:
    return {label: sign_in(api_url, name) for label, name in world.usernames.items()}


def _campaign(code: str) -> str:
    with in_district("alpha"):
        return global_id("Campaign", "alpha", Campaign.objects.get(code=code).pk)


def _theme(campaign: str, code: str) -> str:
    with in_district("alpha"):
        pk = CampaignTheme.objects.get(campaign__code=campaign, code=code).pk
    return global_id("CampaignTheme", "alpha", pk)


def _run(client: GraphQLClient, doc: str, name: str, **fields: Any) -> dict[str, Any]:
    return dict(client.execute(doc, {"input": fields}).data[name])


def _create(client: GraphQLClient, world: World, **fields: Any) -> dict[str, Any]:
    base = {"orgId": world.gid(world.communities[0]), "title": "活动", "occurredOn": str(DAY)}
    return _run(client, CREATE, "createActivity", **{**base, **fields})


def _codes(payload: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in payload["errors"]}


def test_record_an_activity_with_participants(alpha: GraphQLClient, world: World) -> None:
    created = _create(
        alpha,
        world,
        title="  携手共美社区环境清扫  ",
        themeId=_theme("seven_hands", "environment"),
        place="第一社区",
        startsAt="09:00:00",
        durationHours="2.5",
    )
    assert created["errors"] == []
    activity = created["activity"]
    assert activity["title"] == "携手共美社区环境清扫"
    # A theme alone names its campaign.
    assert activity["campaign"] == {"code": "seven_hands"}
    assert activity["theme"] == {"code": "environment"}
    added = _run(
        alpha,
        ADD,
        "addActivityParticipants",
        activityId=activity["id"],
        members=[
            {"memberId": world.member("c1a"), "hours": "2"},
            {"memberId": world.member("worker"), "hours": "2.5"},
        ],
        units=[{"unitId": world.gid(world.unit), "hours": "10", "people": 4}],
    )
    assert added["errors"] == []
    assert added["activity"]["participantCount"] == 2
    assert added["activity"]["serviceHours"] == "4.5"
    assert added["activity"]["units"] == [
        {"hours": "10.0", "people": 4, "unit": {"id": world.gid(world.unit)}}
    ]
    listed = alpha.execute(PARTICIPANTS, {"activity": activity["id"]}).data
    names = {e["node"]["member"]["name"] for e in listed["activityParticipants"]["edges"]}
    assert names == {"活动c1a", "活动worker"}
    assert {e["node"]["occurredOn"] for e in listed["activityParticipants"]["edges"]} == {str(DAY)}

    hours = _run(
        alpha,
        HOURS,
        "setActivityHours",
        activityId=activity["id"],
        members=[{"memberId": world.member("c1a"), "hours": "3"}],
    )
    assert hours["activity"]["serviceHours"] == "5.5"
    # A new date moves the participations' copy of it.
    moved = _run(
        alpha, UPDATE, "updateActivity", id=activity["id"], occurredOn=str(DAY - timedelta(1))
    )
    assert moved["errors"] == []
    mine = alpha.execute(MEMBER_ACTIVITIES, {"member": world.member("c1a")}).data
    assert [e["node"] for e in mine["memberActivities"]["edges"]] == [
        {"hours": "3.0", "activity": {"title": "携手共美社区环境清扫"}}
    ]
    with in_district("alpha"):
        pk = int(Activity.objects.get(title="携手共美社区环境清扫", org=world.communities[0]).pk)
        dates = set(
            ActivityParticipation.objects.filter(activity_id=pk).values_list(
                "occurred_on", flat=True
            )
        )
        actions = set(
            AuditEntry.objects.filter(target_type="Activity", target_id=pk).values_list(
                "action", flat=True
            )
        )
    assert dates == {DAY - timedelta(1)}
    assert {
        "activity.create",
        "activity.participants.add",
        "activity.hours.set",
        "activity.update",
    } <= actions

    removed = _run(
        alpha,
        REMOVE,
        "removeActivityParticipants",
        activityId=activity["id"],
        memberIds=[world.member("worker")],
        unitIds=[world.gid(world.unit)],
    )
    assert removed["errors"] == []
    assert removed["activity"]["participantCount"] == 1
    assert removed["activity"]["units"] == []


def test_batches_are_all_or_nothing(alpha: GraphQLClient, world: World) -> None:
    activity = _create(alpha, world, title="批量")["activity"]
    first = _run(
        alpha,
        ADD,
        "addActivityParticipants",
        activityId=activity["id"],
        members=[{"memberId": world.member("c1a"), "hours": "1"}],
    )
    assert first["errors"] == []
    # One bad row (already there) refuses the whole batch: c1b is not added either.
    again = _run(
        alpha,
        ADD,
        "addActivityParticipants",
        activityId=activity["id"],
        members=[
            {"memberId": world.member("c1b"), "hours": "1"},
            {"memberId": world.member("c1a"), "hours": "1"},
        ],
    )
    assert _codes(again) == {("members", "ALREADY_PARTICIPANT")}
    bad_hours = _run(
        alpha,
        ADD,
        "addActivityParticipants",
        activityId=activity["id"],
        members=[
            {"memberId": world.member("c1b"), "hours": "1"},
            {"memberId": world.member("retired"), "hours": "-1"},
            {"memberId": world.member("retired"), "hours": "1.25"},
        ],
    )
    assert _codes(bad_hours) == {
        ("members", "OUT_OF_RANGE"),
        ("members", "INVALID"),
        ("members", "DUPLICATE"),
    }
    not_there = _run(
        alpha,
        REMOVE,
        "removeActivityParticipants",
        activityId=activity["id"],
        memberIds=[world.member("c1a"), world.member("c1b")],
    )
    assert _codes(not_there) == {("memberIds", "NOT_PARTICIPANT")}
    hours = _run(
        alpha,
        HOURS,
        "setActivityHours",
        activityId=activity["id"],
        members=[
            {"memberId": world.member("c1a"), "hours": "4"},
            {"memberId": world.member("retired"), "hours": "4"},
        ],
    )
    assert _codes(hours) == {("members", "NOT_PARTICIPANT")}
    with in_district("alpha"):
        rows = list(
            ActivityParticipation.objects.filter(
                activity__title="批量", activity__org=world.communities[0]
            ).values_list("member__name", "hours")
        )
    assert [(name, str(hours)) for name, hours in rows] == [("活动c1a", "1.0")]


def test_rules_and_bad_input(alpha: GraphQLClient, world: World) -> None:
    far = (date.today() + timedelta(days=400)).isoformat()
    bad = _create(
        alpha,
        world,
        title=" ",
        occurredOn=far,
        durationHours="0",
        campaignId=_campaign("banner_action"),
        themeId=_theme("seven_hands", "economy"),
    )
    assert _codes(bad) == {
        ("title", "REQUIRED"),
        ("occurredOn", "TOO_FAR_AHEAD"),
        ("durationHours", "NOT_POSITIVE"),
        ("themeId", "THEME_NOT_IN_CAMPAIGN"),
    }
    ghost = global_id("Campaign", "alpha", 987654)
    assert _codes(_create(alpha, world, campaignId=ghost)) == {("campaignId", "NOT_FOUND")}
    # A planned activity takes sign-ups, but hours wait until it has happened.
    soon = _create(alpha, world, title="将来", occurredOn=str(date.today() + timedelta(7)))
    signup = _run(
        alpha,
        ADD,
        "addActivityParticipants",
        activityId=soon["activity"]["id"],
        members=[{"memberId": world.member("c1a"), "hours": "2"}],
    )
    assert _codes(signup) == {("members", "IN_FUTURE")}
    ok = _run(
        alpha,
        ADD,
        "addActivityParticipants",
        activityId=soon["activity"]["id"],
        members=[{"memberId": world.member("c1a")}],
    )
    assert ok["errors"] == []


def test_cancel_removes_participations(alpha: GraphQLClient, world: World) -> None:
    activity = _create(alpha, world, title="取消的活动")["activity"]
    _run(
        alpha,
        ADD,
        "addActivityParticipants",
        activityId=activity["id"],
        members=[{"memberId": world.member("c1b"), "hours": "1"}],
    )
    cancelled = _run(alpha, CANCEL, "cancelActivity", id=activity["id"], reason="下雨")
    assert cancelled["errors"] == []
    assert cancelled["activity"]["isCancelled"] is True
    assert cancelled["activity"]["participantCount"] == 0
    again = _run(alpha, CANCEL, "cancelActivity", id=activity["id"])
    assert _codes(again) == {("id", "ALREADY_CANCELLED")}
    late = _run(
        alpha,
        ADD,
        "addActivityParticipants",
        activityId=activity["id"],
        members=[{"memberId": world.member("c1b")}],
    )
    assert _codes(late) == {("activityId", "ALREADY_CANCELLED")}
    hidden = alpha.execute(LIST, {"within": world.gid(world.street), "n": 100}).data
    assert "取消的活动" not in {e["node"]["title"] for e in hidden["activities"]["edges"]}
    shown = alpha.execute(
        LIST, {"within": world.gid(world.street), "cancelled": True, "n": 100}
    ).data
    assert "取消的活动" in {e["node"]["title"] for e in shown["activities"]["edges"]}


def test_list_filters(alpha: GraphQLClient, world: World) -> None:
    community = world.gid(world.communities[1])
    _create(
        alpha,
        world,
        orgId=community,
        title="百名干部进社区座谈",
        campaignId=_campaign("hundred_cadres_community"),
        occurredOn="2024-05-01",
    )
    _create(
        alpha,
        world,
        orgId=community,
        title="五好支部",
        themeId=_theme("seven_hands", "five_good_branches"),
        occurredOn="2024-06-01",
    )
    within = {"within": community, "n": 50}
    # A campaign's list holds its sub-campaigns' activities.
    parent = alpha.execute(LIST, {**within, "campaign": _campaign("cadres_to_grassroots")}).data
    assert [e["node"]["title"] for e in parent["activities"]["edges"]] == ["百名干部进社区座谈"]
    theme = _theme("seven_hands", "five_good_branches")
    by_theme = alpha.execute(LIST, {**within, "theme": theme}).data
    assert [e["node"]["title"] for e in by_theme["activities"]["edges"]] == ["五好支部"]
    period = {"start": "2024-05-15", "end": "2024-06-30"}
    in_period = alpha.execute(LIST, {**within, "period": period}).data
    assert [e["node"]["title"] for e in in_period["activities"]["edges"]] == ["五好支部"]
    other = alpha.execute(LIST, {"within": world.gid(world.other_street), "n": 5}).data
    assert other["activities"]["totalCount"] == 0


def test_scope(users: dict[str, GraphQLClient], world: World) -> None:
    admin, viewer, other = users["street_admin"], users["street_viewer"], users["other_admin"]
    mine = _create(admin, world, title="街道管理员的活动")
    assert mine["errors"] == []
    activity_id = mine["activity"]["id"]
    # An admin of another street neither sees it nor can change it.
    assert _codes(_run(other, CANCEL, "cancelActivity", id=activity_id)) == {("id", "NOT_FOUND")}
    seen = other.execute(LIST, {"within": world.gid(world.street), "n": 5}).data
    assert seen["activities"]["totalCount"] == 0
    assert _codes(_create(other, world)) == {("orgId", "NOT_FOUND")}
    # A member outside the admin's street cannot be added.
    outsider = _run(
        admin,
        ADD,
        "addActivityParticipants",
        activityId=activity_id,
        members=[{"memberId": world.member("outsider")}],
    )
    assert _codes(outsider) == {("members", "NOT_FOUND")}
    # A viewer reads but does not write.
    assert (
        viewer.execute(LIST, {"within": world.gid(world.street)}).data["activities"]["totalCount"]
        >= 1
    )
    denied = _run(viewer, UPDATE, "updateActivity", id=activity_id, title="改名")
    assert _codes(denied) == {("id", "FORBIDDEN")}
    assert _codes(_create(viewer, world)) == {("orgId", "FORBIDDEN")}


def test_page_query_count_is_constant(alpha: GraphQLClient, world: World) -> None:
    community = world.gid(world.communities[1])
    for index in range(12):
        created = _create(
            alpha, world, orgId=community, title=f"计数{index}", occurredOn="2023-01-01"
        )
        _run(
            alpha,
            ADD,
            "addActivityParticipants",
            activityId=created["activity"]["id"],
            members=[{"memberId": world.member("retired"), "hours": "1"}],
            units=[{"unitId": world.gid(world.unit)}],
        )
    period = {"start": "2023-01-01", "end": "2023-01-01"}
    small = alpha.execute(LIST, {"within": community, "period": period, "n": 2})
    large = alpha.execute(LIST, {"within": community, "period": period, "n": 12})
    assert len(large.data["activities"]["edges"]) == 12
    assert small.sql_queries == large.sql_queries


FIGURES = (
    "query($within: ID, $period: ActivityPeriodInput!) { activityParticipation(within: $within,"
    " period: $period) { category members participants hours } }"
)


def test_participation_figures(users: dict[str, GraphQLClient], world: World) -> None:
    """The count test's twelve activities of 2023-01-01 gave the retired member 12 hours."""
    period = {"start": "2023-01-01", "end": "2023-01-31"}
    admin, other = users["street_admin"], users["other_admin"]
    figures = admin.execute(FIGURES, {"within": world.gid(world.street), "period": period}).data
    by_category = {row["category"]: row for row in figures["activityParticipation"]}
    assert by_category["RETIRED"] == {
        "category": "RETIRED",
        "members": 1,
        "participants": 1,
        "hours": "12.0",
    }
    assert by_category["COMMUNITY"]["participants"] == 0
    # Outside the reader's scope, and the whole district for a street admin: nothing.
    hidden = other.execute(FIGURES, {"within": world.gid(world.street), "period": period}).data
    assert hidden["activityParticipation"] == []
    assert admin.execute(FIGURES, {"period": period}).data["activityParticipation"] == []


RECORD = (
    "mutation($input: RecordInServiceActivityInput!) { recordInServiceActivity(input: $input)"
    f" {{ entries {{ occurredOn activity {{ title }} }} {ERRORS} }} }}"
)


def test_in_service_card_entry_names_its_activity(alpha: GraphQLClient, world: World) -> None:
    from backend.in_service.models import Reporter

    with in_district("alpha"):
        worker = world.members["worker"]
        reporter = Reporter.objects.create(
            community=world.communities[0], kind="local", member=worker, name=worker.name
        )
    activity = _create(alpha, world, title="在职党员进社区服务")["activity"]
    base = {
        "reporterIds": [global_id("InServiceReporter", "alpha", reporter.pk)],
        "title": "进社区服务",
        "kind": "ACTIVITY",
        "hours": "2",
        "activityId": activity["id"],
    }
    recorded = alpha.execute(RECORD, {"input": {**base, "occurredOn": str(DAY)}}).data
    assert recorded["recordInServiceActivity"]["errors"] == []
    assert recorded["recordInServiceActivity"]["entries"] == [
        {"occurredOn": str(DAY), "activity": {"title": "在职党员进社区服务"}}
    ]
    other_day = str(DAY - timedelta(days=3))
    mismatch = alpha.execute(RECORD, {"input": {**base, "occurredOn": other_day}}).data
    assert _codes(mismatch["recordInServiceActivity"]) == {("occurredOn", "DATE_MISMATCH")}
