"""The canary matrix's cases for 社区公共事务协会 (tests/api/test_tenant_isolation.py), over the
records of isolation_seed.py: beta's associations, officers, meetings, follow-ups, orgs and
members on alpha's host find nothing, change nothing and read like IDs that exist nowhere."""

from collections.abc import Callable
from typing import Any

from tests.support.isolation import ERRORS, Case, node_found, not_found, null

OFFICER = (
    "id name role phone termStart termEnd isCurrent member { id name idNumber phone }"
    " area { id area description }"
)
ASSOCIATION = (
    "id name foundedOn dissolvedOn charter notes isActive community { id name }"
    f" areas {{ id area description lead {{ id name }} }} officers {{ {OFFICER} }}"
)
AREA = f"id area description association {{ id name }} lead {{ {OFFICER} }}"
FOLLOW_UP = f"id item dueOn status doneOn note isOverdue owner {{ {OFFICER} }}"
RESOLUTION = f"id position text followUps {{ {FOLLOW_UP} }}"
MEETING = (
    f"id heldOn topic place notes association {{ id name }} attendees {{ {OFFICER} }}"
    f" resolutions {{ {RESOLUTION} }}"
)
SELECTIONS = {
    "PublicAffairsAssociation": ASSOCIATION,
    "PublicAffairsArea": AREA,
    "PublicAffairsOfficer": OFFICER,
    "PublicAffairsMeeting": MEETING,
    "PublicAffairsResolution": f"{RESOLUTION} meeting {{ id topic }}",
    "PublicAffairsFollowUp": f"{FOLLOW_UP} resolution {{ id text meeting {{ id topic }} }}",
}


def _list(root: str, selection: str, args: str = "$within: ID, $associationId: ID") -> str:
    passed = ", ".join(f"{a.split(':')[0][1:]}: {a.split(':')[0]}" for a in args.split(", "))
    return (
        f"query({args}) {{ {root}({passed}, first: 50) {{ totalCount"
        f" edges {{ node {{ {selection} }} }} }} }}"
    )


ASSOCIATIONS_DOC = _list("publicAffairsAssociations", ASSOCIATION, "$within: ID, $community: ID")
OFFICERS_DOC = _list("publicAffairsOfficers", OFFICER)
MEETINGS_DOC = _list("publicAffairsMeetings", MEETING)
OVERDUE_DOC = _list("publicAffairsOverdueFollowUps", SELECTIONS["PublicAffairsFollowUp"])


def _mutation(name: str, entity: str, selection: str) -> str:
    input_type = name[0].upper() + name[1:] + "Input"
    return (
        f"mutation($input: {input_type}!) {{ {name}(input: $input)"
        f" {{ {entity} {{ {selection} }} {ERRORS} }} }}"
    )


def empty(name: str) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    def check(data: dict[str, Any], _v: dict[str, Any]) -> None:
        assert data[name]["totalCount"] == 0, data
        assert data[name]["edges"] == [], data

    return check


def found_canary(name: str, key: str) -> Callable[..., None]:
    """alpha's own rows, recognised by alpha's canary in a text field."""

    def check(data: dict[str, Any], _v: dict[str, Any]) -> None:
        texts = [e["node"][key] for e in data[name]["edges"]]
        assert data[name]["totalCount"] > 0, data
        assert any("CANARYALPHA" in text for text in texts), texts
        assert not any("CANARYBETA" in text for text in texts), texts

    return check


def _node_case(type_name: str) -> Case:
    document = (
        f"query($id: ID!) {{ node(id: $id) {{ id ... on {type_name}"
        f" {{ {SELECTIONS[type_name]} }} }} }}"
    )
    return Case("node", document, lambda f, o: {"id": f.obj(type_name)}, null("node"), node_found)


def _list_cases(root: str, document: str, key: str, by: str, by_value: Any) -> dict[str, Case]:
    return {
        f"{root}/within": Case(
            root,
            document,
            lambda f, o: {"within": f.org("s1")},
            empty(root),
            found_canary(root, key),
        ),
        f"{root}/{by}": Case(
            root, document, lambda f, o: {by: by_value(f)}, empty(root), found_canary(root, key)
        ),
    }


def _write(root: str, entity: str, selection: str, field: str, values: Any) -> Case:
    return Case(
        root,
        _mutation(root, entity, selection),
        lambda f, o: {"input": values(f, o)},
        not_found(root, entity, field),
    )


ASSOC = "PublicAffairsAssociation"
OFF = "PublicAffairsOfficer"
PA_AREA = "PublicAffairsArea"
PA_FOLLOW_UP = "PublicAffairsFollowUp"

CASES: dict[str, Case] = {
    **{f"node/{type_name}": _node_case(type_name) for type_name in SELECTIONS},
    **_list_cases(
        "publicAffairsAssociations", ASSOCIATIONS_DOC, "name", "community", lambda f: f.org("s1-c1")
    ),
    **_list_cases(
        "publicAffairsOfficers", OFFICERS_DOC, "name", "associationId", lambda f: f.obj(ASSOC)
    ),
    **_list_cases(
        "publicAffairsMeetings", MEETINGS_DOC, "topic", "associationId", lambda f: f.obj(ASSOC)
    ),
    **_list_cases(
        "publicAffairsOverdueFollowUps",
        OVERDUE_DOC,
        "item",
        "associationId",
        lambda f: f.obj(ASSOC),
    ),
    "createPublicAffairsAssociation/communityId": _write(
        "createPublicAffairsAssociation",
        "association",
        ASSOCIATION,
        "communityId",
        lambda f, o: {"communityId": f.org("s1-c1"), "name": "隔离", "foundedOn": "2024-01-01"},
    ),
    "updatePublicAffairsAssociation/id": _write(
        "updatePublicAffairsAssociation",
        "association",
        ASSOCIATION,
        "id",
        lambda f, o: {"id": f.obj(ASSOC), "name": "已被改名"},
    ),
    "dissolvePublicAffairsAssociation/id": _write(
        "dissolvePublicAffairsAssociation",
        "association",
        ASSOCIATION,
        "id",
        lambda f, o: {"id": f.obj(ASSOC), "dissolvedOn": "2025-01-01"},
    ),
    "addPublicAffairsArea/associationId": _write(
        "addPublicAffairsArea",
        "area",
        AREA,
        "associationId",
        lambda f, o: {"associationId": f.obj(ASSOC), "area": "CULTURE"},
    ),
    "addPublicAffairsArea/leadId": _write(
        "addPublicAffairsArea",
        "area",
        AREA,
        "leadId",
        lambda f, o: {"associationId": o.obj(ASSOC), "area": "CULTURE", "leadId": f.obj(OFF)},
    ),
    "updatePublicAffairsArea/id": _write(
        "updatePublicAffairsArea",
        "area",
        AREA,
        "id",
        lambda f, o: {"id": f.obj(PA_AREA), "description": "改"},
    ),
    "updatePublicAffairsArea/leadId": _write(
        "updatePublicAffairsArea",
        "area",
        AREA,
        "leadId",
        lambda f, o: {"id": o.obj(PA_AREA), "leadId": f.obj(OFF)},
    ),
    "appointPublicAffairsOfficer/associationId": _write(
        "appointPublicAffairsOfficer",
        "officer",
        OFFICER,
        "associationId",
        lambda f, o: {
            "associationId": f.obj(ASSOC),
            "name": "隔离",
            "role": "CLERK",
            "termStart": "2024-01-01",
        },
    ),
    "appointPublicAffairsOfficer/memberId": _write(
        "appointPublicAffairsOfficer",
        "officer",
        OFFICER,
        "memberId",
        lambda f, o: {
            "associationId": o.obj(ASSOC),
            "memberId": f.member(4),
            "role": "CLERK",
            "termStart": "2024-01-01",
        },
    ),
    "appointPublicAffairsOfficer/areaId": _write(
        "appointPublicAffairsOfficer",
        "officer",
        OFFICER,
        "areaId",
        lambda f, o: {
            "associationId": o.obj(ASSOC),
            "areaId": f.obj(PA_AREA),
            "name": "隔离",
            "role": "CLERK",
            "termStart": "2024-01-01",
        },
    ),
    "endPublicAffairsOfficerTerm/id": _write(
        "endPublicAffairsOfficerTerm",
        "officer",
        OFFICER,
        "id",
        lambda f, o: {"id": f.obj(OFF), "termEnd": "2025-01-01"},
    ),
    "recordPublicAffairsMeeting/associationId": _write(
        "recordPublicAffairsMeeting",
        "meeting",
        MEETING,
        "associationId",
        lambda f, o: {
            "associationId": f.obj(ASSOC),
            "heldOn": "2024-01-01",
            "topic": "隔离",
            "attendeeIds": [f.obj(OFF)],
        },
    ),
    "recordPublicAffairsMeeting/attendeeIds": _write(
        "recordPublicAffairsMeeting",
        "meeting",
        MEETING,
        "attendeeIds",
        lambda f, o: {
            "associationId": o.obj(ASSOC),
            "heldOn": "2024-01-01",
            "topic": "隔离",
            "attendeeIds": [o.obj(OFF), f.obj(OFF)],
        },
    ),
    "recordPublicAffairsMeeting/ownerId": _write(
        "recordPublicAffairsMeeting",
        "meeting",
        MEETING,
        "resolutions.0.followUps.0.ownerId",
        lambda f, o: {
            "associationId": o.obj(ASSOC),
            "heldOn": "2024-01-01",
            "topic": "隔离",
            "attendeeIds": [o.obj(OFF)],
            "resolutions": [
                {
                    "text": "隔离",
                    "followUps": [{"item": "x", "ownerId": f.obj(OFF), "dueOn": "2024-02-01"}],
                }
            ],
        },
    ),
    "updatePublicAffairsFollowUp/id": _write(
        "updatePublicAffairsFollowUp",
        "followUp",
        FOLLOW_UP,
        "id",
        lambda f, o: {"id": f.obj(PA_FOLLOW_UP), "status": "DONE"},
    ),
    "updatePublicAffairsFollowUp/ownerId": _write(
        "updatePublicAffairsFollowUp",
        "followUp",
        FOLLOW_UP,
        "ownerId",
        lambda f, o: {"id": o.obj(PA_FOLLOW_UP), "ownerId": f.obj(OFF)},
    ),
}
