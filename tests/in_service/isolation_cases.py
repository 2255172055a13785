"""The canary matrix's cases for 在职党员报到 (tests/api/test_tenant_isolation.py), over the objects
of isolation_seed.py: beta's reporters, reports, activity entries, feedback cards, orgs, unit,
members, ID numbers and canary on alpha's host find nothing, change nothing and read like IDs
that exist nowhere. The mutations have no controls: those would change alpha's rows."""

import base64
import json
from collections.abc import Callable
from typing import Any

from tests.conftest import global_id
from tests.support.isolation import ERRORS, Case, Values, empty, node_found, not_found, null

Check = Callable[[dict[str, Any], dict[str, Any]], None]

MEMBER = (
    "id name gender idNumber phone reportedHalfYears org { id name }"
    " residenceCommunity { id name } workUnit { id name }"
)
REPORTER = (
    "id kind name idNumber phone homeDistrictCode homeDistrictName workPartyOrgName"
    " workUnitName post skills skillNote community { id name } workUnit { id name }"
    " member { id name idNumber } reports { id halfYear status }"
)
REPORT = (
    "id halfYear reportedOn status cancelledOn cancelReason community { id name }"
    " reporter { id name skillNote }"
)
ENTRY = "id title occurredOn activityKind: kind hours description reporter { id name }"
CARD = (
    "id memberName communityName periodLabel periodStart periodEnd rating comment activityCount"
    " serviceHours issuedOn channel state sentAt acknowledgedAt recipientDistrictName printUrl"
    " printable { title text } reporter { id name } recipientOrg { id name }"
)
RECEIVED = (
    "id receivedAt acknowledged acknowledgedAt sendingDistrictName communityName periodLabel"
    " periodStart periodEnd rating comment activityCount serviceHours issuedOn matched memberId"
    " matchedMemberName: memberName memberIdNumber"
)


def _connection(root: str, node: str, **arguments: str) -> str:
    """A query document of list field `root`, each argument passed as a variable of its type."""
    declared = ", ".join(f"${name}: {kind}" for name, kind in arguments.items())
    passed = "".join(f"{name}: ${name}, " for name in arguments)
    return (
        f"query{f'({declared})' if declared else ''} {{ {root}({passed}first: 100)"
        f" {{ totalCount edges {{ node {{ {node} }} }} }} }}"
    )


NODE_DOC = (
    "query($id: ID!) { node(id: $id) { id"
    f" ... on InServiceMember {{ {MEMBER} }}"
    f" ... on InServiceReporter {{ {REPORTER} }}"
    f" ... on InServiceReport {{ {REPORT} }}"
    f" ... on InServiceActivityEntry {{ {ENTRY} }}"
    f" ... on InServiceFeedbackCard {{ {CARD} }}"
    f" ... on InServiceReceivedFeedback {{ {RECEIVED} }} }} }}"
)
MEMBERS_DOC = _connection("inServiceMembers", MEMBER, within="ID", residenceWithin="ID")
REPORTERS_DOC = _connection("inServiceReporters", REPORTER, within="ID", search="String")
SKILLS_DOC = _connection("skillsDirectory", REPORTER, within="ID", search="String")
REPORTS_DOC = _connection("inServiceReports", REPORT, within="ID")
ENTRIES_DOC = _connection("inServiceActivityEntries", ENTRY, reporterId="ID", within="ID")
CARDS_DOC = _connection("inServiceFeedbackCards", CARD, within="ID")
RECEIVED_LOCAL_DOC = _connection("receivedInServiceFeedback", CARD, within="ID")
RECEIVED_PLATFORM_DOC = _connection("receivedPlatformFeedback", RECEIVED)
SETTINGS_DOC = "{ inServiceFeedbackSettings { periodMonths currentPeriod previousPeriod } }"


def _mutation(root: str, input_type: str, payload: str) -> str:
    return f"mutation($input: {input_type}!) {{ {root}(input: $input) {{ {payload} {ERRORS} }} }}"


def _by_id(root: str, payload: str) -> str:
    return f"mutation($id: ID!) {{ {root}(id: $id) {{ {payload} {ERRORS} }} }}"


REPORT_DOC = _mutation("reportInService", "ReportInServiceInput", f"report {{ {REPORT} }}")
RENEW_DOC = _mutation("renewInServiceReport", "RenewInServiceReportInput", f"report {{ {REPORT} }}")
CANCEL_DOC = _mutation(
    "cancelInServiceReport", "CancelInServiceReportInput", f"report {{ {REPORT} }}"
)
INFO_CARD_DOC = _mutation(
    "updateInServiceInfoCard", "UpdateInServiceInfoCardInput", f"reporter {{ {REPORTER} }}"
)
RECORD_DOC = _mutation(
    "recordInServiceActivity", "RecordInServiceActivityInput", f"entries {{ {ENTRY} }}"
)
DELETE_ENTRY_DOC = _by_id("deleteInServiceActivityEntry", "deletedId")
ISSUE_DOC = _mutation(
    "issueInServiceFeedbackCards", "IssueInServiceFeedbackCardsInput", f"cards {{ {CARD} }}"
)
UPDATE_CARD_DOC = _mutation(
    "updateInServiceFeedbackCard", "UpdateInServiceFeedbackCardInput", f"card {{ {CARD} }}"
)
SEND_CARD_DOC = _by_id("sendInServiceFeedbackCard", f"card {{ {CARD} }}")
ACK_CARD_DOC = _by_id("acknowledgeInServiceFeedbackCard", f"card {{ {CARD} }}")
ACK_RECEIVED_DOC = _by_id("acknowledgeReceivedFeedback", f"feedback {{ {RECEIVED} }}")
SETTINGS_UPDATE_DOC = (
    "mutation($months: Int!) { updateInServiceFeedbackSettings(periodMonths: $months)"
    " { settings { periodMonths currentPeriod previousPeriod } " + ERRORS + " } }"
)


def _found(root: str) -> Check:
    """alpha's own values find alpha's seeded rows (the canary anywhere in a node)."""

    def check(data: dict[str, Any], _v: dict[str, Any]) -> None:
        nodes = [json.dumps(e["node"], ensure_ascii=False) for e in data[root]["edges"]]
        assert data[root]["totalCount"] > 0, data
        assert any("CANARYALPHA" in n for n in nodes), nodes
        assert not any("CANARYBETA" in n for n in nodes), nodes

    return check


def _errors(payload: str, entity: str, expected: list[tuple[str, str]]) -> Check:
    def check(data: dict[str, Any], _v: dict[str, Any]) -> None:
        result = data[payload]
        assert result[entity] is None, result
        assert [(e["field"], e["code"]) for e in result["errors"]] == expected, result

    return check


def _no_beta_member(data: dict[str, Any], _v: dict[str, Any]) -> None:
    """Whatever alpha received from other districts, none of it names one of beta's members."""
    for edge in data["receivedPlatformFeedback"]["edges"]:
        member_id = edge["node"]["memberId"]
        if member_id:
            assert ":beta." not in base64.b64decode(member_id).decode(), edge


def _settings(data: dict[str, Any], _v: dict[str, Any]) -> None:
    assert data["inServiceFeedbackSettings"]["periodMonths"] in (1, 3, 6, 12), data


def _received_id(values: Values) -> str:
    """Cards another district sent are dispatches of the platform: none is seeded (the seed
    sends nothing across), so a low primary key stands for one beta would hand out."""
    return global_id("InServiceReceivedFeedback", values.district, 1)


def _report(o: Values, **fields: Any) -> dict[str, Any]:
    return {
        "input": {
            "communityId": o.org("s1-c1"),
            "reportedOn": "2025-07-01",
            "memberId": o.member(0),
            **fields,
        }
    }


def _record(reporter_ids: list[str]) -> dict[str, Any]:
    return {
        "input": {
            "reporterIds": reporter_ids,
            "occurredOn": "2025-07-02",
            "title": "隔离测试活动",
            "kind": "ACTIVITY",
            "hours": "1.5",
        }
    }


def _node(type_name: str) -> Case:
    return Case("node", NODE_DOC, lambda f, o: {"id": f.obj(type_name)}, null("node"), node_found)


CASES: dict[str, Case] = {
    # --- queries --------------------------------------------------------------------------
    "node/InServiceMember": _node("InServiceMember"),
    "node/InServiceReporter": _node("InServiceReporter"),
    "node/InServiceReport": _node("InServiceReport"),
    "node/InServiceActivityEntry": _node("InServiceActivityEntry"),
    "node/InServiceFeedbackCard": _node("InServiceFeedbackCard"),
    "node/InServiceReceivedFeedback": Case(
        "node", NODE_DOC, lambda f, o: {"id": _received_id(f)}, null("node")
    ),
    "inServiceMembers/within": Case(
        "inServiceMembers",
        MEMBERS_DOC,
        lambda f, o: {"within": f.org("s1")},
        empty("inServiceMembers"),
        _found("inServiceMembers"),
    ),
    "inServiceMembers/residenceWithin": Case(
        "inServiceMembers",
        MEMBERS_DOC,
        lambda f, o: {"residenceWithin": f.org("s1-c1")},
        empty("inServiceMembers"),
        _found("inServiceMembers"),
    ),
    "inServiceReporters/within": Case(
        "inServiceReporters",
        REPORTERS_DOC,
        lambda f, o: {"within": f.org("s1-c1")},
        empty("inServiceReporters"),
        _found("inServiceReporters"),
    ),
    "inServiceReporters/search": Case(
        "inServiceReporters",
        REPORTERS_DOC,
        lambda f, o: {"search": f.canary},
        empty("inServiceReporters"),
        _found("inServiceReporters"),
    ),
    "skillsDirectory/within": Case(
        "skillsDirectory",
        SKILLS_DOC,
        lambda f, o: {"within": f.org("s1")},
        empty("skillsDirectory"),
        _found("skillsDirectory"),
    ),
    "skillsDirectory/search": Case(
        "skillsDirectory",
        SKILLS_DOC,
        lambda f, o: {"search": f.canary},
        empty("skillsDirectory"),
        _found("skillsDirectory"),
    ),
    "inServiceReports/within": Case(
        "inServiceReports",
        REPORTS_DOC,
        lambda f, o: {"within": f.org("s1-c1")},
        empty("inServiceReports"),
        _found("inServiceReports"),
    ),
    "inServiceActivityEntries/within": Case(
        "inServiceActivityEntries",
        ENTRIES_DOC,
        lambda f, o: {"within": f.org("s1-c1")},
        empty("inServiceActivityEntries"),
        _found("inServiceActivityEntries"),
    ),
    "inServiceActivityEntries/reporterId": Case(
        "inServiceActivityEntries",
        ENTRIES_DOC,
        lambda f, o: {"reporterId": f.obj("InServiceReporter")},
        empty("inServiceActivityEntries"),
        _found("inServiceActivityEntries"),
    ),
    "inServiceFeedbackCards/within": Case(
        "inServiceFeedbackCards",
        CARDS_DOC,
        lambda f, o: {"within": f.org("s1-c1")},
        empty("inServiceFeedbackCards"),
        _found("inServiceFeedbackCards"),
    ),
    "receivedInServiceFeedback/within": Case(
        "receivedInServiceFeedback",
        RECEIVED_LOCAL_DOC,
        lambda f, o: {"within": f.org("s1-c1-b1")},
        empty("receivedInServiceFeedback"),
        _found("receivedInServiceFeedback"),
    ),
    "receivedPlatformFeedback": Case(
        "receivedPlatformFeedback", RECEIVED_PLATFORM_DOC, lambda f, o: {}, _no_beta_member
    ),
    "inServiceFeedbackSettings": Case(
        "inServiceFeedbackSettings", SETTINGS_DOC, lambda f, o: {}, _settings
    ),
    # --- mutations ------------------------------------------------------------------------
    "reportInService/communityId": Case(
        "reportInService",
        REPORT_DOC,
        lambda f, o: _report(o, communityId=f.org("s1-c1")),
        not_found("reportInService", "report", "communityId"),
    ),
    "reportInService/memberId": Case(
        "reportInService",
        REPORT_DOC,
        lambda f, o: _report(o, memberId=f.member(0)),
        not_found("reportInService", "report", "memberId"),
    ),
    "reportInService/memberId as InServiceMember": Case(
        "reportInService",
        REPORT_DOC,
        lambda f, o: _report(o, memberId=f.obj("InServiceMember")),
        not_found("reportInService", "report", "memberId"),
    ),
    # Beta's member's ID number raises no LOCAL_MEMBER (or any) error on alpha: only the missing
    # name is wrong, so nothing is written.
    "reportInService/idNumber": Case(
        "reportInService",
        REPORT_DOC,
        lambda f, o: _report(
            o,
            memberId=None,
            name="",
            idNumber=f.id_numbers[0],
            workPartyOrgName="隔离测试外单位党委",
        ),
        _errors("reportInService", "report", [("name", "REQUIRED")]),
    ),
    "renewInServiceReport/reporterId": Case(
        "renewInServiceReport",
        RENEW_DOC,
        lambda f, o: {"input": {"reporterId": f.obj("InServiceReporter")}},
        not_found("renewInServiceReport", "report", "reporterId"),
    ),
    "cancelInServiceReport/id": Case(
        "cancelInServiceReport",
        CANCEL_DOC,
        lambda f, o: {"input": {"id": f.obj("InServiceReport"), "reason": "隔离测试"}},
        not_found("cancelInServiceReport", "report", "id"),
    ),
    "updateInServiceInfoCard/reporterId": Case(
        "updateInServiceInfoCard",
        INFO_CARD_DOC,
        lambda f, o: {"input": {"reporterId": f.obj("InServiceReporter"), "post": "已被改写"}},
        not_found("updateInServiceInfoCard", "reporter", "reporterId"),
    ),
    "updateInServiceInfoCard/workUnitId": Case(
        "updateInServiceInfoCard",
        INFO_CARD_DOC,
        lambda f, o: {"input": {"reporterId": o.obj("InServiceReporter"), "workUnitId": f.unit()}},
        not_found("updateInServiceInfoCard", "reporter", "workUnitId"),
    ),
    "recordInServiceActivity/reporterIds": Case(
        "recordInServiceActivity",
        RECORD_DOC,
        lambda f, o: _record([f.obj("InServiceReporter")]),
        not_found("recordInServiceActivity", "entries", "reporterIds"),
    ),
    # With alpha's own reporter first: all or none, so alpha's gets no entry either.
    "recordInServiceActivity/reporterIds mixed": Case(
        "recordInServiceActivity",
        RECORD_DOC,
        lambda f, o: _record([o.obj("InServiceReporter"), f.obj("InServiceReporter")]),
        not_found("recordInServiceActivity", "entries", "reporterIds"),
    ),
    "deleteInServiceActivityEntry/id": Case(
        "deleteInServiceActivityEntry",
        DELETE_ENTRY_DOC,
        lambda f, o: {"id": f.obj("InServiceActivityEntry")},
        not_found("deleteInServiceActivityEntry", "deletedId", "id"),
    ),
    "issueInServiceFeedbackCards/communityId": Case(
        "issueInServiceFeedbackCards",
        ISSUE_DOC,
        lambda f, o: {"input": {"communityId": f.org("s1-c1"), "period": "2025Q3"}},
        not_found("issueInServiceFeedbackCards", "cards", "communityId"),
    ),
    "updateInServiceFeedbackCard/id": Case(
        "updateInServiceFeedbackCard",
        UPDATE_CARD_DOC,
        lambda f, o: {"input": {"id": f.obj("InServiceFeedbackCard"), "comment": "已被改写"}},
        not_found("updateInServiceFeedbackCard", "card", "id"),
    ),
    "sendInServiceFeedbackCard/id": Case(
        "sendInServiceFeedbackCard",
        SEND_CARD_DOC,
        lambda f, o: {"id": f.obj("InServiceFeedbackCard")},
        not_found("sendInServiceFeedbackCard", "card", "id"),
    ),
    "acknowledgeInServiceFeedbackCard/id": Case(
        "acknowledgeInServiceFeedbackCard",
        ACK_CARD_DOC,
        lambda f, o: {"id": f.obj("InServiceFeedbackCard")},
        not_found("acknowledgeInServiceFeedbackCard", "card", "id"),
    ),
    "acknowledgeReceivedFeedback/id": Case(
        "acknowledgeReceivedFeedback",
        ACK_RECEIVED_DOC,
        lambda f, o: {"id": _received_id(f)},
        not_found("acknowledgeReceivedFeedback", "feedback", "id"),
    ),
    # No ID to give: an invalid length, so alpha's settings stay as they are.
    "updateInServiceFeedbackSettings": Case(
        "updateInServiceFeedbackSettings",
        SETTINGS_UPDATE_DOC,
        lambda f, o: {"months": 5},
        _errors(
            "updateInServiceFeedbackSettings", "settings", [("periodMonths", "INVALID_PERIOD")]
        ),
    ),
}
