"""A feedback card crossing districts: a member of beta reports in a community of alpha; alpha
sends the card through the platform; beta's organisation of that member signs for it. Only the
feedback crosses, each side sees only its own data, and the acknowledgement comes back."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from backend.access.models import Role
from backend.in_service.models import FeedbackCard
from backend.in_service.periods import period_containing
from backend.in_service.services.feedback import PAYLOAD_KEYS
from backend.orgs.models import PartyOrg
from tenants.context import in_district
from tenants.models import Dispatch
from tests.conftest import global_id
from tests.in_service.conftest import ERRORS, error_codes, nodes, ok, sign_in_as
from tests.in_service.factory import make_member, make_street, new_id_number
from tests.in_service.test_api import ISSUE, RATE, RECORD, REPORT, SEND
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient

pytestmark = pytest.mark.usefixtures("db")

TODAY = timezone.localdate()
PERIOD = period_containing(TODAY, 3).label
REPORTER_NAME = "跨区报到人甲"

RECEIVED = (
    "query($n: Int, $matched: Boolean) { receivedPlatformFeedback(first: $n, matched: $matched)"
    " { totalCount edges { node { id sendingDistrictName communityName periodLabel periodStart"
    " periodEnd rating comment activityCount serviceHours issuedOn receivedAt acknowledged"
    " acknowledgedAt matched memberId memberName memberIdNumber } } } }"
)
ACK = (
    "mutation($id: ID!) { acknowledgeReceivedFeedback(id: $id) { feedback { id acknowledged }"
    " " + ERRORS + " } }"
)
SENT_CARDS = (
    "query($within: ID) { inServiceFeedbackCards(within: $within, first: 20) { edges { node {"
    " id state channel recipientDistrictName sentAt acknowledgedAt memberName } } } }"
)


@dataclass
class Crossing:
    alpha_admin: GraphQLClient  # org admin of alpha's community
    community: str
    card_ids: dict[str, str]  # "matched" / "unmatched": alpha's card IDs
    member_name: str
    member_gid: str
    id_number: str
    unit_admin: GraphQLClient  # beta: org admin of the member's organisation
    stranger: GraphQLClient  # beta: org admin of another street
    beta_community_name: str


@pytest.fixture(scope="module")
def crossing(api_url: str, seeded: Any, django_db_blocker: Any) -> Crossing:
    id_number = new_id_number()
    with django_db_blocker.unblock():
        with in_district("beta"):
            b = make_street("B")
            member = make_member(b, name="乙区在职党员", id_number=id_number)
            other_street = PartyOrg.objects.get(pk=seeded["beta"].org_pks["s2"])
        unit_admin = sign_in_as(api_url, "beta", [(Role.ORG_ADMIN, b.unit_org)])
        stranger = sign_in_as(api_url, "beta", [(Role.ORG_ADMIN, other_street)])
        with in_district("alpha"):
            a = make_street("P")
        alpha_admin = sign_in_as(api_url, "alpha", [(Role.ORG_ADMIN, a.community)])
    community = global_id("PartyOrg", "alpha", a.community.pk)
    reporters = {}
    for key, name, number in [
        ("matched", REPORTER_NAME, id_number),
        ("unmatched", "跨区报到人乙", new_id_number()),
    ]:
        result = alpha_admin.execute(
            REPORT,
            {
                "input": {
                    "communityId": community,
                    "name": name,
                    "idNumber": number,
                    "homeDistrictCode": "beta",
                }
            },
        )
        reporters[key] = ok(result, "reportInService")["report"]["reporter"]
        assert reporters[key]["kind"] == "PLATFORM"
    ok(
        alpha_admin.execute(
            RECORD,
            {
                "input": {
                    "reporterIds": [reporters["matched"]["id"]],
                    "occurredOn": TODAY.isoformat(),
                    "title": "义诊",
                    "kind": "CONTRIBUTION",
                    "hours": "3",
                }
            },
        ),
        "recordInServiceActivity",
    )
    cards = ok(
        alpha_admin.execute(ISSUE, {"input": {"communityId": community, "period": PERIOD}}),
        "issueInServiceFeedbackCards",
    )["cards"]
    card_ids = {}
    for card in cards:
        key = "matched" if card["memberName"] == REPORTER_NAME else "unmatched"
        card_ids[key] = card["id"]
        ok(
            alpha_admin.execute(
                RATE, {"input": {"id": card["id"], "rating": "GOOD", "comment": "表现良好"}}
            ),
            "updateInServiceFeedbackCard",
        )
        sent = ok(alpha_admin.execute(SEND, {"id": card["id"]}), "sendInServiceFeedbackCard")
        assert sent["card"]["state"] == "SENT"
    return Crossing(
        alpha_admin=alpha_admin,
        community=community,
        card_ids=card_ids,
        member_name=member.name,
        member_gid=global_id("Member", "beta", member.pk),
        id_number=id_number,
        unit_admin=unit_admin,
        stranger=stranger,
        beta_community_name=b.community.name,
    )


def _received(client: GraphQLClient, **variables: Any) -> tuple[list[dict[str, Any]], str]:
    result = client.execute(RECEIVED, {"n": 50, **variables})
    return nodes(result.data["receivedPlatformFeedback"]), result.text


def _ours(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cards of this module (other tests may send cards to beta too)."""
    return [c for c in cards if c["communityName"] == "在职测试一社区P"]


def test_only_the_feedback_crosses(crossing: Crossing, seeded: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock(), in_district("alpha"):
        sent = FeedbackCard.objects.filter(reporter__community__name="在职测试一社区P")
        dispatches = Dispatch.objects.filter(pk__in=[c.dispatch_id for c in sent])
        assert dispatches.count() == 2
        for dispatch in dispatches:
            assert set(dispatch.payload) == set(PAYLOAD_KEYS)
            assert crossing.id_number not in str(dispatch.payload)
            assert REPORTER_NAME not in str(dispatch.payload)


def test_beta_admin_receives_matched_and_unmatched(
    crossing: Crossing, beta: GraphQLClient, seeded: Any
) -> None:
    cards, text = _received(beta)
    ours = _ours(cards)
    assert len(ours) == 2
    matched = next(c for c in ours if c["matched"])
    unmatched = next(c for c in ours if not c["matched"])
    assert matched["memberName"] == crossing.member_name
    assert matched["memberId"] == crossing.member_gid
    assert matched["memberIdNumber"].endswith(crossing.id_number[-4:])
    assert matched["sendingDistrictName"] == "alpha区"
    assert matched["rating"] == "GOOD"
    assert matched["activityCount"] == 1
    assert matched["serviceHours"] == "3.0"
    assert matched["periodLabel"] == PERIOD
    assert unmatched["memberName"] is None
    assert unmatched["memberId"] is None
    # Nothing else of alpha's: not its canaries, not the reporter's name, not the plain number.
    for secret in (*seeded["alpha"].secrets, REPORTER_NAME, "跨区报到人乙", crossing.id_number):
        assert secret not in text


def test_beta_scope(crossing: Crossing) -> None:
    cards, _ = _received(crossing.unit_admin)
    ours = _ours(cards)
    assert [c["memberName"] for c in ours] == [crossing.member_name]  # not the unmatched one
    assert _ours(_received(crossing.stranger)[0]) == []
    card_id = ours[0]["id"]
    assert error_codes(
        crossing.stranger.execute(ACK, {"id": card_id}), "acknowledgeReceivedFeedback"
    ) == {"NOT_FOUND"}


def test_alpha_cannot_see_betas_side(
    crossing: Crossing, alpha: GraphQLClient, beta: GraphQLClient, seeded: Any
) -> None:
    beta_card = _ours(_received(beta)[0])[0]["id"]
    assert _ours(_received(alpha)[0]) == []
    node = alpha.execute("query($id: ID!) { node(id: $id) { id } }", {"id": beta_card})
    assert node.data["node"] is None
    refused = alpha.execute(ACK, {"id": beta_card})
    assert error_codes(refused, "acknowledgeReceivedFeedback") == {"NOT_FOUND"}
    sent = crossing.alpha_admin.execute(SENT_CARDS, {"within": crossing.community})
    for secret in (*seeded["beta"].secrets, crossing.member_name, crossing.beta_community_name):
        assert secret not in sent.text
    assert {c["recipientDistrictName"] for c in nodes(sent.data["inServiceFeedbackCards"])} == {
        "beta区"
    }


def test_acknowledging_in_beta_shows_in_alpha(crossing: Crossing, beta: GraphQLClient) -> None:
    ours = _ours(_received(crossing.unit_admin)[0])
    signed = ok(
        crossing.unit_admin.execute(ACK, {"id": ours[0]["id"]}), "acknowledgeReceivedFeedback"
    )
    assert signed["feedback"]["acknowledged"] is True
    again = crossing.unit_admin.execute(ACK, {"id": ours[0]["id"]})
    assert error_codes(again, "acknowledgeReceivedFeedback") == {"ALREADY_ANSWERED"}
    sent = crossing.alpha_admin.execute(SENT_CARDS, {"within": crossing.community})
    states = {c["id"]: c for c in nodes(sent.data["inServiceFeedbackCards"])}
    assert states[crossing.card_ids["matched"]]["state"] == "ACKNOWLEDGED"
    assert states[crossing.card_ids["matched"]]["acknowledgedAt"]
    assert states[crossing.card_ids["unmatched"]]["state"] == "SENT"


def test_received_list_query_count(crossing: Crossing, beta: GraphQLClient) -> None:
    one = beta.execute(RECEIVED, {"n": 1})
    many = beta.execute(RECEIVED, {"n": 50})
    assert len(nodes(many.data["receivedPlatformFeedback"])) >= 2
    assert one.sql_queries == many.sql_queries
