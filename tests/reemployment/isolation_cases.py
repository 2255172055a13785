"""The canary matrix's cases for re-employment (tests/api/test_tenant_isolation.py), over the
archives of isolation_seed.py: beta's archives, changes, trainings, positions, orgs, members, ID
numbers and canary on alpha's host find nothing, change nothing and read like IDs that exist
nowhere."""

from typing import Any

from tests.support.isolation import ERRORS, Case, empty, found, node_found, not_found, null

PERSON = "id name gender birthDate idNumber phone isMember status statusSince registeredOn"
ARCHIVE = (
    f"{PERSON} formerEmployer closedOn closeReason community {{ id name }} station {{ id name }}"
    " member { id name } trainings { id course provider hours result }"
    " history { id fromStatus toStatus changedOn employer ledByName ledBy { id name } }"
    " ledPeople { id employer archive { id name } }"
)
CHANGE = "id changedOn fromStatus toStatus employer ledByName ledBy { id name } archive { id name }"
TRAINING = "id course provider startedOn endedOn hours result archive { id name }"
NODE_DOC = (
    "query($id: ID!) { node(id: $id) { id ... on EmploymentArchive { "
    + ARCHIVE
    + " } ... on EmploymentStatusChange { "
    + CHANGE
    + " } ... on TrainingRecord { "
    + TRAINING
    + " } } }"
)
ARCHIVE_DOC = "query($id: ID!) { employmentArchive(id: $id) { " + ARCHIVE + " } }"
ARCHIVES_DOC = (
    "query($within: ID, $station: ID, $search: String, $idNumber: String) {"
    " employmentArchives(within: $within, station: $station, search: $search,"
    " idNumber: $idNumber, first: 100) { totalCount edges { node { " + ARCHIVE + " } } } }"
)
RANKING_DOC = (
    "query($within: ID) { doubleLeadRanking(within: $within) { rank ledCount selfReemployed "
    + ARCHIVE
    + " } }"
)
REGISTER_DOC = (
    "mutation($input: RegisterEmploymentArchiveInput!) { registerEmploymentArchive(input: $input)"
    " { archive { " + ARCHIVE + " } " + ERRORS + " } }"
)
UPDATE_DOC = (
    "mutation($input: UpdateEmploymentArchiveInput!) { updateEmploymentArchive(input: $input)"
    " { archive { " + ARCHIVE + " } " + ERRORS + " } }"
)
CHANGE_DOC = (
    "mutation($input: ChangeEmploymentStatusInput!) { changeEmploymentStatus(input: $input)"
    " { archive { " + ARCHIVE + " } " + ERRORS + " } }"
)
CLOSE_DOC = (
    "mutation($input: CloseEmploymentArchiveInput!) { closeEmploymentArchive(input: $input)"
    " { archive { " + ARCHIVE + " } " + ERRORS + " } }"
)
ADD_TRAINING_DOC = (
    "mutation($input: AddTrainingRecordInput!) { addTrainingRecord(input: $input)"
    " { training { " + TRAINING + " } " + ERRORS + " } }"
)
UPDATE_TRAINING_DOC = (
    "mutation($input: UpdateTrainingRecordInput!) { updateTrainingRecord(input: $input)"
    " { training { " + TRAINING + " } " + ERRORS + " } }"
)
LAID_OFF_MEMBER = 2


def _archive_found(data: dict[str, Any], _v: dict[str, Any]) -> None:
    assert "CANARYALPHA" in data["employmentArchive"]["name"], data


def _no_ranking(data: dict[str, Any], _v: dict[str, Any]) -> None:
    assert data["doubleLeadRanking"] == [], data


def _ranked(data: dict[str, Any], _v: dict[str, Any]) -> None:
    names = [entry["name"] for entry in data["doubleLeadRanking"]]
    assert any("CANARYALPHA" in n for n in names), names


def _only_in_future(data: dict[str, Any], _v: dict[str, Any]) -> None:
    """Beta's ID number raises no IS_MEMBER or ALREADY_REGISTERED: only the date is wrong."""
    result = data["registerEmploymentArchive"]
    assert result["archive"] is None, result
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("registeredOn", "IN_FUTURE")]


def _register(o: Any, **fields: Any) -> dict[str, Any]:
    return {
        "input": {
            "communityId": o.org("s1-c1"),
            "registeredOn": "2025-05-01",
            "memberId": o.member(LAID_OFF_MEMBER),
            **fields,
        }
    }


def _change(archive: str, **fields: Any) -> dict[str, Any]:
    return {
        "input": {"archiveId": archive, "status": "LAID_OFF", "changedOn": "2025-06-01", **fields}
    }


CASES: dict[str, Case] = {
    "node/EmploymentArchive": Case(
        "node", NODE_DOC, lambda f, o: {"id": f.obj("EmploymentArchive")}, null("node"), node_found
    ),
    "node/EmploymentStatusChange": Case(
        "node",
        NODE_DOC,
        lambda f, o: {"id": f.obj("EmploymentStatusChange")},
        null("node"),
        node_found,
    ),
    "node/TrainingRecord": Case(
        "node", NODE_DOC, lambda f, o: {"id": f.obj("TrainingRecord")}, null("node"), node_found
    ),
    "employmentArchive": Case(
        "employmentArchive",
        ARCHIVE_DOC,
        lambda f, o: {"id": f.obj("EmploymentArchive")},
        null("employmentArchive"),
        _archive_found,
    ),
    "employmentArchives/within": Case(
        "employmentArchives",
        ARCHIVES_DOC,
        lambda f, o: {"within": f.org("s1")},
        empty("employmentArchives"),
        found("employmentArchives"),
    ),
    "employmentArchives/station": Case(
        "employmentArchives",
        ARCHIVES_DOC,
        lambda f, o: {"station": f.obj("Position")},
        empty("employmentArchives"),
    ),
    "employmentArchives/search": Case(
        "employmentArchives",
        ARCHIVES_DOC,
        lambda f, o: {"search": f.canary},
        empty("employmentArchives"),
        found("employmentArchives"),
    ),
    "employmentArchives/idNumber": Case(
        "employmentArchives",
        ARCHIVES_DOC,
        lambda f, o: {"idNumber": f.id_numbers[LAID_OFF_MEMBER]},
        empty("employmentArchives"),
        found("employmentArchives"),
    ),
    "doubleLeadRanking/within": Case(
        "doubleLeadRanking",
        RANKING_DOC,
        lambda f, o: {"within": f.org("s1")},
        _no_ranking,
        _ranked,
    ),
    "registerEmploymentArchive/communityId": Case(
        "registerEmploymentArchive",
        REGISTER_DOC,
        lambda f, o: _register(o, communityId=f.org("s1-c1")),
        not_found("registerEmploymentArchive", "archive", "communityId"),
    ),
    "registerEmploymentArchive/memberId": Case(
        "registerEmploymentArchive",
        REGISTER_DOC,
        lambda f, o: _register(o, memberId=f.member(LAID_OFF_MEMBER)),
        not_found("registerEmploymentArchive", "archive", "memberId"),
    ),
    "registerEmploymentArchive/stationId": Case(
        "registerEmploymentArchive",
        REGISTER_DOC,
        lambda f, o: _register(o, stationId=f.obj("Position")),
        not_found("registerEmploymentArchive", "archive", "stationId"),
    ),
    "registerEmploymentArchive/idNumber": Case(
        "registerEmploymentArchive",
        REGISTER_DOC,
        lambda f, o: _register(
            o, memberId=None, name="隔离测试", idNumber=f.id_numbers[0], registeredOn="2999-01-01"
        ),
        _only_in_future,
    ),
    "updateEmploymentArchive/id": Case(
        "updateEmploymentArchive",
        UPDATE_DOC,
        lambda f, o: {"input": {"id": f.obj("EmploymentArchive"), "note": "已被改写"}},
        not_found("updateEmploymentArchive", "archive", "id"),
    ),
    "updateEmploymentArchive/stationId": Case(
        "updateEmploymentArchive",
        UPDATE_DOC,
        lambda f, o: {"input": {"id": o.obj("EmploymentArchive"), "stationId": f.obj("Position")}},
        not_found("updateEmploymentArchive", "archive", "stationId"),
    ),
    "changeEmploymentStatus/archiveId": Case(
        "changeEmploymentStatus",
        CHANGE_DOC,
        lambda f, o: _change(f.obj("EmploymentArchive")),
        not_found("changeEmploymentStatus", "archive", "archiveId"),
    ),
    "changeEmploymentStatus/ledById": Case(
        "changeEmploymentStatus",
        CHANGE_DOC,
        lambda f, o: _change(
            o.obj("EmploymentArchive"),
            status="FLEXIBLE",
            ledById=f.obj("EmploymentArchive"),
        ),
        not_found("changeEmploymentStatus", "archive", "ledById"),
    ),
    "closeEmploymentArchive/id": Case(
        "closeEmploymentArchive",
        CLOSE_DOC,
        lambda f, o: {
            "input": {"id": f.obj("EmploymentArchive"), "closedOn": "2025-06-01", "reason": "OTHER"}
        },
        not_found("closeEmploymentArchive", "archive", "id"),
    ),
    "addTrainingRecord/archiveId": Case(
        "addTrainingRecord",
        ADD_TRAINING_DOC,
        lambda f, o: {
            "input": {
                "archiveId": f.obj("EmploymentArchive"),
                "course": "隔离测试",
                "provider": "市民学校",
                "startedOn": "2025-05-01",
                "hours": "8",
            }
        },
        not_found("addTrainingRecord", "training", "archiveId"),
    ),
    "updateTrainingRecord/id": Case(
        "updateTrainingRecord",
        UPDATE_TRAINING_DOC,
        lambda f, o: {"input": {"id": f.obj("TrainingRecord"), "note": "已被改写"}},
        not_found("updateTrainingRecord", "training", "id"),
    ),
}
