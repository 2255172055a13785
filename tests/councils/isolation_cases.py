"""The canary matrix's cases for 三会一站 (tests/api/test_tenant_isolation.py); isolation_seed.py
seeds the council, membership, meeting and follow-up they name."""

from typing import Any

from tests.support.isolation import ERRORS, Case, empty, found, node_found, not_found, null

COUNCIL = (
    "id kind name establishedOn dissolvedOn isActive hostOrg { id name }"
    " parent { id name } branches { id name }"
    " memberships { id role joinedOn org { id name } unit { id name } }"
)
MEETING = (
    "id name: topic topic place heldOn council { id name }"
    " attendees { personName personTitle membership { org { name } } }"
    " resolutions { text } followUps { title ownerPerson note ownerOrg { name } }"
)
FOLLOW_UP = (
    "id name: title title ownerPerson note dueOn status ownerOrg { id name }"
    " ownerUnit { id name } meeting { topic council { name } }"
)
NODE_DOC = (
    "query($id: ID!) { node(id: $id) { id ... on Council { name }"
    " ... on CouncilMembership { joinedOn org { name } } ... on CouncilMeeting { topic }"
    " ... on CouncilMeetingAttendee { personName } ... on CouncilResolution { text }"
    " ... on CouncilFollowUp { title note } } }"
)
COUNCIL_DOC = f"query($id: ID!) {{ council(id: $id) {{ {COUNCIL} }} }}"
COUNCILS_DOC = (
    "query($within: ID, $parent: ID) { councils(within: $within, parentId: $parent, first: 100)"
    f" {{ totalCount edges {{ node {{ {COUNCIL} }} }} }} }}"
)
MEETINGS_DOC = (
    "query($council: ID, $within: ID) { councilMeetings(councilId: $council, within: $within,"
    f" first: 100) {{ totalCount edges {{ node {{ {MEETING} }} }} }} }}"
)
FOLLOW_UPS_DOC = (
    "query($council: ID, $within: ID) { councilFollowUps(councilId: $council, within: $within,"
    f" first: 100) {{ totalCount edges {{ node {{ {FOLLOW_UP} }} }} }} }}"
)
OVERDUE_DOC = (
    "query($within: ID) { overdueCouncilFollowUps(within: $within, first: 100)"
    f" {{ totalCount edges {{ node {{ {FOLLOW_UP} }} }} }} }}"
)


def _mutation(name: str, input_type: str, entity: str, fields: str) -> str:
    return (
        f"mutation($input: {input_type}!) {{ {name}(input: $input)"
        f" {{ {entity} {{ {fields} }} {ERRORS} }} }}"
    )


CREATE_DOC = _mutation("createCouncil", "CreateCouncilInput", "council", COUNCIL)
UPDATE_DOC = _mutation("updateCouncil", "UpdateCouncilInput", "council", COUNCIL)
DISSOLVE_DOC = _mutation("dissolveCouncil", "DissolveCouncilInput", "council", COUNCIL)
JOIN_DOC = _mutation("joinCouncil", "JoinCouncilInput", "membership", "id joinedOn")
LEAVE_DOC = _mutation("leaveCouncil", "LeaveCouncilInput", "membership", "id leftOn")
RECORD_DOC = _mutation("recordCouncilMeeting", "RecordCouncilMeetingInput", "meeting", MEETING)
FOLLOW_UP_DOC = _mutation(
    "updateCouncilFollowUp", "UpdateCouncilFollowUpInput", "followUp", FOLLOW_UP
)

_TYPES = (
    "Council",
    "CouncilMembership",
    "CouncilMeeting",
    "CouncilMeetingAttendee",
    "CouncilResolution",
    "CouncilFollowUp",
)


def _own_council(data: dict[str, Any], _v: dict[str, Any]) -> None:
    assert "CANARYALPHA" in data["council"]["name"], data


def _node_case(type_name: str) -> Case:
    return Case("node", NODE_DOC, lambda f, o: {"id": f.obj(type_name)}, null("node"), node_found)


def _meeting(council: str, **extra: object) -> dict[str, object]:
    return {"input": {"councilId": council, "heldOn": "2024-06-01", "topic": "隔离测试", **extra}}


CASES: dict[str, Case] = {
    **{f"node/{name}": _node_case(name) for name in _TYPES},
    "council/id": Case(
        "council",
        COUNCIL_DOC,
        lambda f, o: {"id": f.obj("Council")},
        null("council"),
        _own_council,
    ),
    "councils/within": Case(
        "councils",
        COUNCILS_DOC,
        lambda f, o: {"within": f.org("s1")},
        empty("councils"),
        found("councils"),
    ),
    "councils/parentId": Case(
        "councils", COUNCILS_DOC, lambda f, o: {"parent": f.obj("Council")}, empty("councils")
    ),
    "councilMeetings/councilId": Case(
        "councilMeetings",
        MEETINGS_DOC,
        lambda f, o: {"council": f.obj("Council")},
        empty("councilMeetings"),
        found("councilMeetings"),
    ),
    "councilMeetings/within": Case(
        "councilMeetings",
        MEETINGS_DOC,
        lambda f, o: {"within": f.org("s1-c1")},
        empty("councilMeetings"),
        found("councilMeetings"),
    ),
    "councilFollowUps/councilId": Case(
        "councilFollowUps",
        FOLLOW_UPS_DOC,
        lambda f, o: {"council": f.obj("Council")},
        empty("councilFollowUps"),
        found("councilFollowUps"),
    ),
    "councilFollowUps/within": Case(
        "councilFollowUps",
        FOLLOW_UPS_DOC,
        lambda f, o: {"within": f.org("s1")},
        empty("councilFollowUps"),
        found("councilFollowUps"),
    ),
    "overdueCouncilFollowUps/within": Case(
        "overdueCouncilFollowUps",
        OVERDUE_DOC,
        lambda f, o: {"within": f.org("s1-c1")},
        empty("overdueCouncilFollowUps"),
        found("overdueCouncilFollowUps"),
    ),
    "createCouncil/hostOrgId": Case(
        "createCouncil",
        CREATE_DOC,
        lambda f, o: {
            "input": {"kind": "LIAISON_STATION", "name": "隔离测试", "hostOrgId": f.org("s1-c1")}
        },
        not_found("createCouncil", "council", "hostOrgId"),
    ),
    "createCouncil/parentId": Case(
        "createCouncil",
        CREATE_DOC,
        lambda f, o: {
            "input": {
                "kind": "RESEARCH_SOCIETY_BRANCH",
                "name": "隔离测试",
                "hostOrgId": o.org("s1"),
                "parentId": f.obj("Council"),
            }
        },
        not_found("createCouncil", "council", "parentId"),
    ),
    "createCouncil/positionId": Case(
        "createCouncil",
        CREATE_DOC,
        lambda f, o: {
            "input": {
                "kind": "LIAISON_STATION",
                "name": "隔离测试",
                "hostOrgId": o.org("s1-c1"),
                "positionId": f.obj("Position"),
            }
        },
        not_found("createCouncil", "council", "positionId"),
    ),
    "updateCouncil/id": Case(
        "updateCouncil",
        UPDATE_DOC,
        lambda f, o: {"input": {"id": f.obj("Council"), "name": "已被改名"}},
        not_found("updateCouncil", "council", "id"),
    ),
    "updateCouncil/positionId": Case(
        "updateCouncil",
        UPDATE_DOC,
        lambda f, o: {"input": {"id": o.obj("Council"), "positionId": f.obj("Position")}},
        not_found("updateCouncil", "council", "positionId"),
    ),
    "dissolveCouncil/id": Case(
        "dissolveCouncil",
        DISSOLVE_DOC,
        lambda f, o: {"input": {"id": f.obj("Council"), "dissolvedOn": "2025-01-01"}},
        not_found("dissolveCouncil", "council", "id"),
    ),
    "joinCouncil/councilId": Case(
        "joinCouncil",
        JOIN_DOC,
        lambda f, o: {
            "input": {"councilId": f.obj("Council"), "orgId": o.org("s2"), "joinedOn": "2024-01-01"}
        },
        not_found("joinCouncil", "membership", "councilId"),
    ),
    "joinCouncil/orgId": Case(
        "joinCouncil",
        JOIN_DOC,
        lambda f, o: {
            "input": {"councilId": o.obj("Council"), "orgId": f.org("s2"), "joinedOn": "2024-01-01"}
        },
        not_found("joinCouncil", "membership", "orgId"),
    ),
    "joinCouncil/unitId": Case(
        "joinCouncil",
        JOIN_DOC,
        lambda f, o: {
            "input": {"councilId": o.obj("Council"), "unitId": f.unit(), "joinedOn": "2024-01-01"}
        },
        not_found("joinCouncil", "membership", "unitId"),
    ),
    "leaveCouncil/id": Case(
        "leaveCouncil",
        LEAVE_DOC,
        lambda f, o: {"input": {"id": f.obj("CouncilMembership"), "leftOn": "2025-01-01"}},
        not_found("leaveCouncil", "membership", "id"),
    ),
    "recordCouncilMeeting/councilId": Case(
        "recordCouncilMeeting",
        RECORD_DOC,
        lambda f, o: _meeting(f.obj("Council")),
        not_found("recordCouncilMeeting", "meeting", "councilId"),
    ),
    "recordCouncilMeeting/attendingOrgIds": Case(
        "recordCouncilMeeting",
        RECORD_DOC,
        lambda f, o: _meeting(o.obj("Council"), attendingOrgIds=[f.org("s1-c1-b1")]),
        not_found("recordCouncilMeeting", "meeting", "attendingOrgIds.0"),
    ),
    "recordCouncilMeeting/attendingUnitIds": Case(
        "recordCouncilMeeting",
        RECORD_DOC,
        lambda f, o: _meeting(o.obj("Council"), attendingUnitIds=[f.unit()]),
        not_found("recordCouncilMeeting", "meeting", "attendingUnitIds.0"),
    ),
    "recordCouncilMeeting/followUps.ownerOrgId": Case(
        "recordCouncilMeeting",
        RECORD_DOC,
        lambda f, o: _meeting(
            o.obj("Council"),
            followUps=[{"title": "隔离", "dueOn": "2024-07-01", "ownerOrgId": f.org("s1-c1-b1")}],
        ),
        not_found("recordCouncilMeeting", "meeting", "followUps.0.ownerOrgId"),
    ),
    "recordCouncilMeeting/followUps.ownerUnitId": Case(
        "recordCouncilMeeting",
        RECORD_DOC,
        lambda f, o: _meeting(
            o.obj("Council"),
            followUps=[{"title": "隔离", "dueOn": "2024-07-01", "ownerUnitId": f.unit()}],
        ),
        not_found("recordCouncilMeeting", "meeting", "followUps.0.ownerUnitId"),
    ),
    "updateCouncilFollowUp/id": Case(
        "updateCouncilFollowUp",
        FOLLOW_UP_DOC,
        lambda f, o: {"input": {"id": f.obj("CouncilFollowUp"), "status": "CANCELLED"}},
        not_found("updateCouncilFollowUp", "followUp", "id"),
    ),
}
