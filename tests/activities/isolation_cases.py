"""The canary matrix's cases for activities and volunteer teams (tests/api/test_tenant_isolation.py);
isolation_seed.py seeds the objects they name."""

from collections.abc import Callable
from typing import Any

from tests.conftest import global_id
from tests.support.isolation import (
    ERRORS,
    Case,
    Values,
    empty,
    found,
    node_found,
    not_found,
    null,
)

ACTIVITY = (
    "id name: title occurredOn place description participantCount serviceHours pairId councilId"
    " org { id name } campaign { code } theme { code } volunteerTeam { id name }"
    " units { hours people unit { id name } }"
)
PARTICIPATION = "id hours occurredOn member { id name } activity { id title }"
TEAM = "id name serviceArea foundedOn isActive memberCount org { id name } unit { id name }"
MEMBERSHIP = "id role joinedOn leftOn member { id name } team { id name }"
ACTIVITIES_DOC = (
    "query($within: ID, $campaign: ID, $theme: ID, $pair: ID, $council: ID, $team: ID) {"
    " activities(within: $within, campaign: $campaign, theme: $theme, pair: $pair,"
    f" council: $council, volunteerTeam: $team, first: 100) {{ totalCount edges {{ node {{"
    f" {ACTIVITY} }} }} }} }}"
)
PARTICIPANTS_DOC = (
    "query($activity: ID!) { activityParticipants(activity: $activity, first: 100) {"
    f" totalCount edges {{ node {{ {PARTICIPATION} }} }} }} }}"
)
MEMBER_ACTIVITIES_DOC = (
    "query($member: ID!) { memberActivities(member: $member, first: 100) {"
    f" totalCount edges {{ node {{ {PARTICIPATION} }} }} }} }}"
)
FIGURES_DOC = (
    "query($within: ID) { activityParticipation(within: $within,"
    ' period: {start: "2025-01-01", end: "2025-12-31"}) { category members participants hours } }'
)
TEAMS_DOC = (
    "query($within: ID) { volunteerTeams(within: $within, first: 100) {"
    f" totalCount edges {{ node {{ {TEAM} }} }} }} }}"
)
TEAM_MEMBERS_DOC = (
    "query($team: ID!) { volunteerTeamMembers(team: $team, first: 100) {"
    f" totalCount edges {{ node {{ {MEMBERSHIP} }} }} }} }}"
)
NODE_DOC = (
    "query($id: ID!) { node(id: $id) { id"
    f" ... on Activity {{ {ACTIVITY} }} ... on ActivityParticipation {{ {PARTICIPATION} }}"
    " ... on ActivityUnit { unitHours: hours people unit { id name } }"
    f" ... on VolunteerTeam {{ {TEAM} }} ... on VolunteerTeamMembership {{ {MEMBERSHIP} }} }} }}"
)


def _mutation(root: str, input_type: str, payload: str) -> str:
    return f"mutation($input: {input_type}!) {{ {root}(input: $input) {{ {payload} {ERRORS} }} }}"


CREATE_DOC = _mutation("createActivity", "CreateActivityInput", f"activity {{ {ACTIVITY} }}")
UPDATE_DOC = _mutation("updateActivity", "UpdateActivityInput", f"activity {{ {ACTIVITY} }}")
CANCEL_DOC = _mutation("cancelActivity", "CancelActivityInput", f"activity {{ {ACTIVITY} }}")
ADD_DOC = _mutation(
    "addActivityParticipants", "AddActivityParticipantsInput", f"activity {{ {ACTIVITY} }}"
)
REMOVE_DOC = _mutation(
    "removeActivityParticipants", "RemoveActivityParticipantsInput", f"activity {{ {ACTIVITY} }}"
)
HOURS_DOC = _mutation("setActivityHours", "SetActivityHoursInput", f"activity {{ {ACTIVITY} }}")
CREATE_TEAM_DOC = _mutation(
    "createVolunteerTeam", "CreateVolunteerTeamInput", f"volunteerTeam {{ {TEAM} }}"
)
UPDATE_TEAM_DOC = _mutation(
    "updateVolunteerTeam", "UpdateVolunteerTeamInput", f"volunteerTeam {{ {TEAM} }}"
)
DISSOLVE_DOC = _mutation(
    "dissolveVolunteerTeam", "DissolveVolunteerTeamInput", f"volunteerTeam {{ {TEAM} }}"
)
JOIN_DOC = _mutation(
    "addVolunteerTeamMember",
    "AddVolunteerTeamMemberInput",
    f"volunteerTeamMembership {{ {MEMBERSHIP} }}",
)
LEAVE_DOC = _mutation(
    "leaveVolunteerTeam", "LeaveVolunteerTeamInput", f"volunteerTeamMembership {{ {MEMBERSHIP} }}"
)
ROLE_DOC = _mutation(
    "setVolunteerTeamRole",
    "SetVolunteerTeamRoleInput",
    f"volunteerTeamMembership {{ {MEMBERSHIP} }}",
)
RECORD_DOC = _mutation(
    "recordInServiceActivity",
    "RecordInServiceActivityInput",
    "entries { id title occurredOn hours }",
)


def _pair(v: Values) -> str:
    return global_id("CoBuildingPair", v.district, v.objects["ActivitiesPair"])


def _council(v: Values) -> str:
    return global_id("Council", v.district, v.objects["ActivitiesCouncil"])


def _theme(v: Values) -> str:
    return global_id("CampaignTheme", v.district, v.objects["ActivitiesTheme"])


def _listed(name: str) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    def check(data: dict[str, Any], _v: dict[str, Any]) -> None:
        assert data[name]["totalCount"] > 0, data

    return check


def _no_figures(data: dict[str, Any], _v: dict[str, Any]) -> None:
    assert data["activityParticipation"] == [], data


def _figures(data: dict[str, Any], _v: dict[str, Any]) -> None:
    assert sum(row["participants"] for row in data["activityParticipation"]) > 0, data


def _node(type_name: str) -> Case:
    return Case("node", NODE_DOC, lambda f, o: {"id": f.obj(type_name)}, null("node"), node_found)


def _activities(arg: str, value: Callable[[Values], str]) -> Case:
    return Case(
        "activities",
        ACTIVITIES_DOC,
        lambda f, o: {arg: value(f)},
        empty("activities"),
        found("activities"),
    )


def _create_with(field: str, value: Callable[[Values], str]) -> Case:
    """Alpha's own organiser, with one of beta's references."""
    return Case(
        "createActivity",
        CREATE_DOC,
        lambda f, o: {
            "input": {
                "orgId": o.org("s1-c1"),
                "title": "隔离测试",
                "occurredOn": "2025-05-10",
                field: value(f),
            }
        },
        not_found("createActivity", "activity", field),
    )


def _update_with(field: str, value: Callable[[Values], str]) -> Case:
    return Case(
        "updateActivity",
        UPDATE_DOC,
        lambda f, o: {"input": {"id": o.obj("Activity"), field: value(f)}},
        not_found("updateActivity", "activity", field),
    )


REFERENCES: dict[str, Callable[[Values], str]] = {
    "campaignId": lambda v: v.obj("Campaign"),
    "themeId": _theme,
    "pairId": _pair,
    "councilId": _council,
    "volunteerTeamId": lambda v: v.obj("VolunteerTeam"),
}

CASES: dict[str, Case] = {
    **{
        f"node/{name}": _node(name)
        for name in (
            "Activity",
            "ActivityParticipation",
            "ActivityUnit",
            "VolunteerTeam",
            "VolunteerTeamMembership",
        )
    },
    "activities/within": _activities("within", lambda v: v.org("s1")),
    "activities/campaign": Case(
        "activities",
        ACTIVITIES_DOC,
        lambda f, o: {"campaign": f.obj("Campaign")},
        empty("activities"),
    ),
    "activities/theme": _activities("theme", _theme),
    "activities/pair": _activities("pair", _pair),
    "activities/council": _activities("council", _council),
    "activities/volunteerTeam": _activities("team", lambda v: v.obj("VolunteerTeam")),
    "activityParticipants/activity": Case(
        "activityParticipants",
        PARTICIPANTS_DOC,
        lambda f, o: {"activity": f.obj("Activity")},
        empty("activityParticipants"),
        _listed("activityParticipants"),
    ),
    "memberActivities/member": Case(
        "memberActivities",
        MEMBER_ACTIVITIES_DOC,
        lambda f, o: {"member": f.member(0)},
        empty("memberActivities"),
        _listed("memberActivities"),
    ),
    "activityParticipation/within": Case(
        "activityParticipation",
        FIGURES_DOC,
        lambda f, o: {"within": f.org("s1")},
        _no_figures,
        _figures,
    ),
    "volunteerTeams/within": Case(
        "volunteerTeams",
        TEAMS_DOC,
        lambda f, o: {"within": f.org("s1")},
        empty("volunteerTeams"),
        found("volunteerTeams"),
    ),
    "volunteerTeamMembers/team": Case(
        "volunteerTeamMembers",
        TEAM_MEMBERS_DOC,
        lambda f, o: {"team": f.obj("VolunteerTeam")},
        empty("volunteerTeamMembers"),
        _listed("volunteerTeamMembers"),
    ),
    "createActivity/orgId": Case(
        "createActivity",
        CREATE_DOC,
        lambda f, o: {
            "input": {"orgId": f.org("s1-c1"), "title": "隔离测试", "occurredOn": "2025-05-10"}
        },
        not_found("createActivity", "activity", "orgId"),
    ),
    **{f"createActivity/{k}": _create_with(k, v) for k, v in REFERENCES.items()},
    "updateActivity/id": Case(
        "updateActivity",
        UPDATE_DOC,
        lambda f, o: {"input": {"id": f.obj("Activity"), "title": "已被改名"}},
        not_found("updateActivity", "activity", "id"),
    ),
    **{f"updateActivity/{k}": _update_with(k, v) for k, v in REFERENCES.items()},
    "cancelActivity/id": Case(
        "cancelActivity",
        CANCEL_DOC,
        lambda f, o: {"input": {"id": f.obj("Activity")}},
        not_found("cancelActivity", "activity", "id"),
    ),
    "addActivityParticipants/activityId": Case(
        "addActivityParticipants",
        ADD_DOC,
        lambda f, o: {
            "input": {"activityId": f.obj("Activity"), "members": [{"memberId": o.member(1)}]}
        },
        not_found("addActivityParticipants", "activity", "activityId"),
    ),
    "addActivityParticipants/members": Case(
        "addActivityParticipants",
        ADD_DOC,
        lambda f, o: {
            "input": {"activityId": o.obj("Activity"), "members": [{"memberId": f.member(1)}]}
        },
        not_found("addActivityParticipants", "activity", "members"),
    ),
    "addActivityParticipants/units": Case(
        "addActivityParticipants",
        ADD_DOC,
        lambda f, o: {"input": {"activityId": o.obj("Activity"), "units": [{"unitId": f.unit()}]}},
        not_found("addActivityParticipants", "activity", "units"),
    ),
    "removeActivityParticipants/activityId": Case(
        "removeActivityParticipants",
        REMOVE_DOC,
        lambda f, o: {"input": {"activityId": f.obj("Activity"), "memberIds": [f.member(0)]}},
        not_found("removeActivityParticipants", "activity", "activityId"),
    ),
    "removeActivityParticipants/memberIds": Case(
        "removeActivityParticipants",
        REMOVE_DOC,
        lambda f, o: {"input": {"activityId": o.obj("Activity"), "memberIds": [f.member(0)]}},
        not_found("removeActivityParticipants", "activity", "memberIds"),
    ),
    "removeActivityParticipants/unitIds": Case(
        "removeActivityParticipants",
        REMOVE_DOC,
        lambda f, o: {"input": {"activityId": o.obj("Activity"), "unitIds": [f.unit()]}},
        not_found("removeActivityParticipants", "activity", "unitIds"),
    ),
    "setActivityHours/activityId": Case(
        "setActivityHours",
        HOURS_DOC,
        lambda f, o: {
            "input": {
                "activityId": f.obj("Activity"),
                "members": [{"memberId": f.member(0), "hours": "3"}],
            }
        },
        not_found("setActivityHours", "activity", "activityId"),
    ),
    "createVolunteerTeam/orgId": Case(
        "createVolunteerTeam",
        CREATE_TEAM_DOC,
        lambda f, o: {
            "input": {"orgId": f.org("s1-c1"), "name": "隔离测试队", "foundedOn": "2025-01-01"}
        },
        not_found("createVolunteerTeam", "volunteerTeam", "orgId"),
    ),
    "createVolunteerTeam/unitId": Case(
        "createVolunteerTeam",
        CREATE_TEAM_DOC,
        lambda f, o: {
            "input": {"unitId": f.unit(), "name": "隔离测试队", "foundedOn": "2025-01-01"}
        },
        not_found("createVolunteerTeam", "volunteerTeam", "unitId"),
    ),
    "updateVolunteerTeam/id": Case(
        "updateVolunteerTeam",
        UPDATE_TEAM_DOC,
        lambda f, o: {"input": {"id": f.obj("VolunteerTeam"), "name": "已被改名"}},
        not_found("updateVolunteerTeam", "volunteerTeam", "id"),
    ),
    "dissolveVolunteerTeam/id": Case(
        "dissolveVolunteerTeam",
        DISSOLVE_DOC,
        lambda f, o: {"input": {"id": f.obj("VolunteerTeam"), "dissolvedOn": "2025-06-01"}},
        not_found("dissolveVolunteerTeam", "volunteerTeam", "id"),
    ),
    "addVolunteerTeamMember/teamId": Case(
        "addVolunteerTeamMember",
        JOIN_DOC,
        lambda f, o: {
            "input": {
                "teamId": f.obj("VolunteerTeam"),
                "memberId": o.member(1),
                "joinedOn": "2025-01-01",
            }
        },
        not_found("addVolunteerTeamMember", "volunteerTeamMembership", "teamId"),
    ),
    "addVolunteerTeamMember/memberId": Case(
        "addVolunteerTeamMember",
        JOIN_DOC,
        lambda f, o: {
            "input": {
                "teamId": o.obj("VolunteerTeam"),
                "memberId": f.member(1),
                "joinedOn": "2025-01-01",
            }
        },
        not_found("addVolunteerTeamMember", "volunteerTeamMembership", "memberId"),
    ),
    "leaveVolunteerTeam/id": Case(
        "leaveVolunteerTeam",
        LEAVE_DOC,
        lambda f, o: {"input": {"id": f.obj("VolunteerTeamMembership"), "leftOn": "2025-06-01"}},
        not_found("leaveVolunteerTeam", "volunteerTeamMembership", "id"),
    ),
    "setVolunteerTeamRole/id": Case(
        "setVolunteerTeamRole",
        ROLE_DOC,
        lambda f, o: {"input": {"id": f.obj("VolunteerTeamMembership"), "role": "MEMBER"}},
        not_found("setVolunteerTeamRole", "volunteerTeamMembership", "id"),
    ),
    # The in-service activity card's link to an activity (in_service's mutation, our input).
    "recordInServiceActivity/activityId": Case(
        "recordInServiceActivity",
        RECORD_DOC,
        lambda f, o: {
            "input": {
                "reporterIds": [o.obj("InServiceReporter")],
                "occurredOn": "2025-05-10",
                "title": "隔离测试活动",
                "kind": "ACTIVITY",
                "hours": "1.5",
                "activityId": f.obj("Activity"),
            }
        },
        not_found("recordInServiceActivity", "entries", "activityId"),
    ),
}
