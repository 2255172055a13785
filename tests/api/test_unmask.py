"""The unmask permission: full ID numbers and phones only for grants that carry it, only with a
purpose, and every reveal and refusal in the audit trail."""

import uuid

import pytest

from backend.access.models import Role
from backend.access.services import role_grant
from backend.accounts.services import user_create
from backend.audit.models import AuditEntry
from backend.orgs.models import PartyOrg
from tenants.context import in_district
from tests.conftest import global_id
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient
from tests.support.seed import PASSWORD, SeededDistrict

pytestmark = pytest.mark.usefixtures("db")

REVEAL = (
    "mutation($id: ID!, $purpose: String!) { revealMemberPersonalData(id: $id, purpose: $purpose)"
    " { idNumber phone errors { field code message } } }"
)


def _user(api_url: str, grants: list[tuple[str, str | None, bool]]) -> tuple[GraphQLClient, str]:
    username = f"unmask-{uuid.uuid4().hex[:8]}"
    with in_district("alpha"):
        user = user_create(username=username, password=PASSWORD)
        for role, org_code, may_unmask in grants:
            org = PartyOrg.objects.get(code=org_code) if org_code else None
            role_grant(user=user, role=role, org=org, may_unmask=may_unmask)
    client = GraphQLClient(api_url, "alpha.localhost")
    return client.as_user(client.login(username, PASSWORD)), username


def _entries(username: str) -> list[AuditEntry]:
    with in_district("alpha"):
        return list(
            AuditEntry.objects.filter(
                actor_username=username, action="personal_data.unmask"
            ).order_by("id")
        )


def _member(seeded: dict[str, SeededDistrict], index: int) -> str:
    return global_id("Member", "alpha", seeded["alpha"].member_pks[index])


def test_district_admin_reveals_with_a_purpose_and_it_is_audited(
    alpha: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    result = alpha.execute(REVEAL, {"id": _member(seeded, 0), "purpose": "核对组织关系转接"})
    revealed = result.data["revealMemberPersonalData"]
    assert revealed["errors"] == []
    assert revealed["idNumber"] == seeded["alpha"].id_numbers[0]
    assert revealed["phone"] == seeded["alpha"].phones[0]
    with in_district("alpha"):
        entry = AuditEntry.objects.filter(action="personal_data.unmask").latest("id")
    assert entry.actor_username == "admin"
    assert entry.result == "ok"
    assert entry.target_id == seeded["alpha"].member_pks[0]
    assert entry.detail["purpose"] == "核对组织关系转接"
    assert seeded["alpha"].id_numbers[0] not in str(entry.detail)


def test_no_purpose_no_data(alpha: GraphQLClient, seeded: dict[str, SeededDistrict]) -> None:
    revealed = alpha.execute(REVEAL, {"id": _member(seeded, 0), "purpose": " "}).data[
        "revealMemberPersonalData"
    ]
    assert (revealed["idNumber"], revealed["phone"]) == (None, None)
    assert [(e["field"], e["code"]) for e in revealed["errors"]] == [("purpose", "REQUIRED")]


def test_org_admin_without_the_permission_is_refused_and_the_refusal_audited(
    api_url: str, seeded: dict[str, SeededDistrict]
) -> None:
    client, username = _user(api_url, [(Role.ORG_ADMIN, "alpha-s1", False)])
    revealed = client.execute(REVEAL, {"id": _member(seeded, 0), "purpose": "好奇"}).data[
        "revealMemberPersonalData"
    ]
    assert revealed["idNumber"] is None
    assert [(e["field"], e["code"]) for e in revealed["errors"]] == [("id", "FORBIDDEN")]
    assert seeded["alpha"].id_numbers[0] not in str(revealed)
    entries = _entries(username)
    assert [(e.result, e.reason) for e in entries] == [("refused", "NO_UNMASK_PERMISSION")]


def test_unmask_reaches_only_as_far_as_the_grant(
    api_url: str, seeded: dict[str, SeededDistrict]
) -> None:
    # A viewer of the community with the permission: members in its compound branch (even
    # indexes), not those of the unit org under the street (odd indexes), which it cannot see.
    client, username = _user(api_url, [(Role.VIEWER, "alpha-s1-c1", True)])
    inside = client.execute(REVEAL, {"id": _member(seeded, 2), "purpose": "走访慰问"}).data[
        "revealMemberPersonalData"
    ]
    assert inside["idNumber"] == seeded["alpha"].id_numbers[2]
    outside = client.execute(REVEAL, {"id": _member(seeded, 1), "purpose": "走访慰问"}).data[
        "revealMemberPersonalData"
    ]
    assert outside["idNumber"] is None
    assert [(e["field"], e["code"]) for e in outside["errors"]] == [("id", "NOT_FOUND")]
    assert [e.result for e in _entries(username)] == ["ok"]


def test_lists_stay_masked_for_a_user_who_may_unmask(
    alpha: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    page = alpha.execute("{ members(first: 100) { edges { node { idNumber phone } } } }")
    for secret in (*seeded["alpha"].id_numbers, *seeded["alpha"].phones):
        assert secret not in page.text
