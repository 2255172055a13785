"""The audit trail over HTTP: what the API's mutations and sign-ins leave on record (who, when,
from where, what, with what result), that personal data in it is masked, and reading it back
through `auditEntries`, filtered and paginated, as a district administrator only."""

import json
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.services import user_create
from backend.audit.models import AuditEntry
from backend.common.personal_data import current_key_id
from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from tenants.context import in_district
from tests.conftest import global_id
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.district_rows import masked_id_number
from tests.support.graphql_client import GraphQLClient
from tests.support.seed import PASSWORD, SeededDistrict

pytestmark = pytest.mark.usefixtures("db")

ERRORS = "errors { field code message }"
CREATE_ORG = (
    "mutation($input: CreatePartyOrgInput!) { createPartyOrg(input: $input)"
    " { org { id code } " + ERRORS + " } }"
)
UPDATE_UNIT = (
    "mutation($input: UpdateUnitInput!) { updateUnit(input: $input)"
    " { unit { id } " + ERRORS + " } }"
)
CREATE_MEMBER = (
    "mutation($input: CreateMemberInput!) { createMember(input: $input)"
    " { member { id idNumber phone } " + ERRORS + " } }"
)
UPDATE_MEMBER = (
    "mutation($input: UpdateMemberInput!) { updateMember(input: $input)"
    " { member { id idNumber phone } " + ERRORS + " } }"
)
LOGIN = (
    "mutation($u: String!, $p: String!) { login(username: $u, password: $p)"
    " { token " + ERRORS + " } }"
)
CREATE_TOKEN = (
    "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input)"
    " { key token { id name } " + ERRORS + " } }"
)
REVOKE_TOKEN = "mutation($id: ID!) { revokeApiToken(id: $id) { token { id } " + ERRORS + " } }"
ENTRY = (
    "id occurredAt actorUsername ipAddress userAgent action targetType targetId changes detail"
    " result reason"
)
ENTRIES = (
    "query($first: Int, $after: String, $action: String, $actorUsername: String,"
    " $since: DateTime, $until: DateTime, $targetType: String, $result: AuditResult) {"
    " auditEntries(first: $first, after: $after, action: $action, actorUsername: $actorUsername,"
    " since: $since, until: $until, targetType: $targetType, result: $result) {"
    f" totalCount pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ {ENTRY} }} }} }} }}"
)
USER_AGENT = "audit-test-agent/1.0"


def _entries(code: str, **filters: Any) -> list[AuditEntry]:
    """A district's entries, newest first, read in-process."""
    with in_district(code):
        return list(AuditEntry.objects.filter(**filters).order_by("-occurred_at", "-id"))


def _latest(code: str, **filters: Any) -> AuditEntry:
    entries = _entries(code, **filters)
    assert entries, f"no entry with {filters}"
    return entries[0]


def _pk(gid: str) -> int:
    import base64

    return int(base64.b64decode(gid).decode().rsplit(".", 1)[1])


@pytest.fixture
def admin(alpha: GraphQLClient) -> GraphQLClient:
    """alpha's admin, sending a recognisable User-Agent."""
    return GraphQLClient(alpha.base_url, alpha.host, alpha.token, {"User-Agent": USER_AGENT})


def test_a_created_org_is_on_record_with_who_when_where_and_what(
    admin: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    code = f"audit-{uuid.uuid4().hex[:8]}"
    root_pk = seeded["alpha"].org_pks["root"]
    started = timezone.now()
    response = admin.execute(
        CREATE_ORG,
        {
            "input": {
                "code": code,
                "name": "审计测试党支部",
                "kind": "UNIT_ORG",
                "parentId": global_id("PartyOrg", "alpha", root_pk),
                "establishedOn": "2024-07-01",
            }
        },
    )
    created = response.data["createPartyOrg"]
    assert created["errors"] == []
    org_pk = _pk(created["org"]["id"])

    entry = _latest("alpha", action="org.create", target_id=org_pk)
    with in_district("alpha"):
        admin_pk = User.objects.get(username="admin").pk
    assert (entry.actor_id, entry.actor_username) == (admin_pk, "admin")
    assert started - timedelta(seconds=5) <= entry.occurred_at <= timezone.now()
    assert entry.ip_address == "127.0.0.1"
    assert entry.user_agent == USER_AGENT
    assert (entry.target_type, entry.result, entry.reason) == ("PartyOrg", "ok", "")
    assert entry.changes == {
        "code": [None, code],
        "name": [None, "审计测试党支部"],
        "kind": [None, "unit_org"],
        "parent_id": [None, root_pk],
        "path": [None, f"{root_pk}.{org_pk}"],
        "established_on": [None, "2024-07-01"],
    }

    # The same entry through the API, with the org's own global ID as its target.
    listed = admin.execute(ENTRIES, {"first": 1, "action": "org.create"}).data["auditEntries"]
    node = listed["edges"][0]["node"]
    assert node["targetId"] == created["org"]["id"]
    assert (node["actorUsername"], node["ipAddress"], node["userAgent"]) == (
        "admin",
        "127.0.0.1",
        USER_AGENT,
    )
    assert (node["action"], node["targetType"], node["result"]) == ("org.create", "PartyOrg", "OK")
    assert node["changes"]["code"] == [None, code]
    assert datetime.fromisoformat(node["occurredAt"]) == entry.occurred_at


def test_an_update_and_a_move_record_before_and_after_of_the_changed_fields(
    admin: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    orgs = seeded["alpha"].org_pks
    code = f"audit-{uuid.uuid4().hex[:8]}"
    created = admin.execute(
        CREATE_ORG,
        {
            "input": {
                "code": code,
                "name": "待改名党支部",
                "kind": "UNIT_ORG",
                "parentId": global_id("PartyOrg", "alpha", orgs["s1"]),
            }
        },
    ).data["createPartyOrg"]
    org_id = created["org"]["id"]
    org_pk = _pk(org_id)
    updated = admin.execute(
        "mutation($input: UpdatePartyOrgInput!) { updatePartyOrg(input: $input)"
        " { org { id } " + ERRORS + " } }",
        {"input": {"id": org_id, "name": "已改名党支部", "code": code}},
    ).data["updatePartyOrg"]
    assert updated["errors"] == []
    assert _latest("alpha", action="org.update", target_id=org_pk).changes == {
        "name": ["待改名党支部", "已改名党支部"]
    }
    moved = admin.execute(
        "mutation($input: MovePartyOrgInput!) { movePartyOrg(input: $input)"
        " { org { id } " + ERRORS + " } }",
        {"input": {"id": org_id, "newParentId": global_id("PartyOrg", "alpha", orgs["s2"])}},
    ).data["movePartyOrg"]
    assert moved["errors"] == []
    move = _latest("alpha", action="org.move", target_id=org_pk)
    root = orgs["root"]
    assert move.changes == {
        "parent_id": [orgs["s1"], orgs["s2"]],
        "path": [f"{root}.{orgs['s1']}.{org_pk}", f"{root}.{orgs['s2']}.{org_pk}"],
    }
    assert (move.result, move.detail) == ("ok", {"moved": 1})


def test_a_refused_mutation_is_on_record_with_its_error_codes(
    admin: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    alpha = seeded["alpha"]
    with in_district("alpha"):
        orgs_before = PartyOrg.objects.count()
    duplicate = admin.execute(
        CREATE_ORG,
        {
            "input": {
                "code": "alpha-s1",
                "name": "重复代码党委",
                "kind": "STREET_WORKING_COMMITTEE",
                "parentId": global_id("PartyOrg", "alpha", alpha.org_pks["root"]),
            }
        },
    ).data["createPartyOrg"]
    assert [e["code"] for e in duplicate["errors"]] == ["DUPLICATE"]
    entry = _latest("alpha", action="org.create", result="refused")
    assert (entry.actor_username, entry.ip_address, entry.reason) == (
        "admin",
        "127.0.0.1",
        "DUPLICATE",
    )
    assert entry.detail == {"errors": [{"field": "code", "code": "DUPLICATE"}]}
    assert (entry.target_type, entry.target_id, entry.changes) == ("", None, {})
    with in_district("alpha"):
        assert PartyOrg.objects.count() == orgs_before

    too_many = admin.execute(
        UPDATE_UNIT,
        {
            "input": {
                "id": global_id("Unit", "alpha", alpha.unit_pk),
                "employeeCount": 1,
                "partyMemberCount": 5,
            }
        },
    ).data["updateUnit"]
    assert too_many["errors"]
    entry = _latest("alpha", action="unit.update", target_id=alpha.unit_pk)
    assert (entry.result, entry.target_type) == ("refused", "Unit")
    assert "EXCEEDS_EMPLOYEES" in entry.reason.split(",")

    # Through the API, filtered by result.
    refused = admin.execute(ENTRIES, {"first": 5, "result": "REFUSED"}).data["auditEntries"]
    assert refused["edges"][0]["node"]["action"] == "unit.update"
    assert {edge["node"]["result"] for edge in refused["edges"]} == {"REFUSED"}


def test_sign_ins_failed_sign_ins_and_the_lockout_are_on_record(api_url: str) -> None:
    username = f"audit-login-{uuid.uuid4().hex[:8]}"
    with in_district("alpha"):
        user = user_create(username=username, password=PASSWORD)
    anonymous = GraphQLClient(api_url, "alpha.localhost", headers={"User-Agent": USER_AGENT})

    ok = anonymous.execute(LOGIN, {"u": username, "p": PASSWORD}).data["login"]
    assert ok["token"]
    login = _latest("alpha", action="login", actor_username=username)
    assert (login.actor_id, login.target_type, login.target_id) == (user.pk, "User", user.pk)
    assert (login.result, login.ip_address, login.user_agent) == ("ok", "127.0.0.1", USER_AGENT)
    issued = _latest("alpha", action="token.create", actor_username=username)
    assert issued.changes["kind"] == [None, "personal"]
    assert "key_hash" not in issued.changes
    assert ok["token"] not in json.dumps(issued.changes)

    for attempt in range(1, settings.LOGIN_MAX_FAILURES + 2):
        anonymous.execute(LOGIN, {"u": username, "p": "wrong-password"})
        failed = _latest("alpha", action="login_failed", actor_username=username)
        assert (failed.actor_id, failed.result, failed.ip_address) == (None, "refused", "127.0.0.1")
        if attempt <= settings.LOGIN_MAX_FAILURES:
            assert failed.reason == "INVALID_CREDENTIALS"
            locked = attempt == settings.LOGIN_MAX_FAILURES
            assert failed.detail == {"failures": attempt, "locked": locked}
        else:
            assert (failed.reason, failed.detail) == ("LOCKED_OUT", {})
    assert "wrong-password" not in json.dumps([e.detail for e in _entries("alpha")])

    # An unknown name is recorded the same way, as typed.
    ghost = f"nobody-{uuid.uuid4().hex[:8]}"
    anonymous.execute(LOGIN, {"u": ghost, "p": "whatever"})
    assert _latest("alpha", actor_username=ghost).reason == "INVALID_CREDENTIALS"
    user_pk = user.pk
    with in_district("alpha"):
        user.delete()
    # Entries outlive the account they name.
    assert _entries("alpha", action="login", actor_id=user_pk)


def test_token_creation_and_revocation_are_on_record(admin: GraphQLClient) -> None:
    created = admin.execute(
        CREATE_TOKEN, {"input": {"name": "审计令牌", "scopes": ["READ"], "expiresInDays": 7}}
    ).data["createApiToken"]
    token_pk = _pk(created["token"]["id"])
    entry = _latest("alpha", action="token.create", target_id=token_pk)
    assert entry.actor_username == "admin"
    assert entry.changes["name"] == [None, "审计令牌"]
    assert entry.changes["scopes"] == [None, ["read"]]
    assert created["key"] not in json.dumps(entry.changes)

    revoked = admin.execute(REVOKE_TOKEN, {"id": created["token"]["id"]}).data["revokeApiToken"]
    assert revoked["errors"] == []
    entry = _latest("alpha", action="token.revoke", target_id=token_pk)
    assert entry.result == "ok"
    assert entry.changes["revoked_at"][0] is None
    assert entry.changes["revoked_at"][1]

    refused = admin.execute(
        CREATE_TOKEN, {"input": {"name": "", "scopes": ["READ"], "expiresInDays": 7}}
    ).data["createApiToken"]
    assert refused["errors"]
    assert _latest("alpha", action="token.create").reason == "REQUIRED"


def test_member_writes_record_masked_values_and_never_plain_ones(
    admin: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    alpha = seeded["alpha"]
    member_pk = alpha.member_pks[3]
    old_id_number, old_phone = alpha.id_numbers[3], alpha.phones[3]
    # Same region, birth date and sex (odd sequence): only the ID number changes.
    new_id_number = make_id_number("110101", date(1973, 3, 4), 117)
    new_phone = "13700137000"
    fresh_id_number = make_id_number("110101", date(1988, 8, 8), 555)
    with in_district("alpha"):
        columns = (
            *("id_number_encrypted", "id_number_hash", "id_number_masked"),
            *("phone_encrypted", "phone_hash", "phone_masked", "updated_at"),
        )
        original = Member.objects.filter(pk=member_pk).values(*columns).get()
    created_pk = None
    try:
        updated = admin.execute(
            UPDATE_MEMBER,
            {
                "input": {
                    "id": global_id("Member", "alpha", member_pk),
                    "idNumber": new_id_number,
                    "phone": new_phone,
                }
            },
        ).data["updateMember"]
        assert updated["errors"] == []
        entry = _latest("alpha", action="member.update", target_id=member_pk)
        assert entry.changes == {
            "id_number": [masked_id_number(old_id_number), masked_id_number(new_id_number)],
            "phone": [old_phone[:3] + "****" + old_phone[-4:], "137****7000"],
        }
        created = admin.execute(
            CREATE_MEMBER,
            {
                "input": {
                    "name": "审计测试党员",
                    "idNumber": fresh_id_number,
                    "education": "BACHELOR",
                    "joinedOn": "2012-07-01",
                    "status": "FULL",
                    "category": "RETIRED",
                    "orgId": global_id("PartyOrg", "alpha", alpha.org_pks["s1-c1-b1"]),
                    "phone": "0574-87654321",
                }
            },
        ).data["createMember"]
        assert created["errors"] == []
        created_pk = _pk(created["member"]["id"])
        entry = _latest("alpha", action="member.create", target_id=created_pk)
        assert entry.changes["id_number"] == [None, masked_id_number(fresh_id_number)]
        assert entry.changes["phone"] == [None, "057******4321"]
        assert entry.changes["birth_date"] == [None, "1988-08-08"]

        # A refused attempt with a plain ID number leaves none on record either.
        refused = admin.execute(
            UPDATE_MEMBER,
            {
                "input": {
                    "id": global_id("Member", "alpha", member_pk),
                    "idNumber": alpha.id_numbers[0],
                }
            },
        ).data["updateMember"]
        assert {e["code"] for e in refused["errors"]} >= {"DUPLICATE"}
    finally:
        with in_district("alpha"):
            Member.objects.filter(pk=member_pk).update(**original)
            if created_pk is not None:
                Member.objects.filter(pk=created_pk).delete()

    # Every entry of the district, every column: no plain number, no ciphertext.
    with in_district("alpha"):
        stored = json.dumps(list(AuditEntry.objects.values()), default=str, ensure_ascii=False)
    plain = [*alpha.id_numbers, *alpha.phones, new_id_number, new_phone, fresh_id_number]
    plain += ["0574-87654321", "057487654321"]
    assert [value for value in plain if value in stored] == []
    assert f'"{current_key_id()}:' not in stored
    assert f" {current_key_id()}:" not in stored


def test_audit_entries_are_filtered_and_paginated(admin: GraphQLClient) -> None:
    tag = uuid.uuid4().hex[:8]
    now = timezone.now()
    with in_district("alpha"):
        rows = [
            AuditEntry.objects.create(
                occurred_at=now - timedelta(hours=hours),
                action=f"test{tag}.{'write' if hours % 2 else 'read'}",
                actor_username=f"who-{tag}-{hours % 3}",
                target_type="Unit" if hours < 3 else "Member",
                target_id=hours,
                result="ok",
            )
            for hours in range(1, 8)
        ]
    newest_first = [row.pk for row in rows]  # 1 hour ago first

    def listed(**variables: Any) -> dict[str, Any]:
        return admin.execute(ENTRIES, {"first": 3, **variables}).data["auditEntries"]

    def targets(connection: dict[str, Any]) -> list[int]:
        return [_pk(edge["node"]["targetId"]) for edge in connection["edges"]]

    pages, after = [], None
    while True:
        page = listed(action=f"test{tag}.", after=after)
        assert page["totalCount"] == 7
        pages.append(targets(page))
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == [[1, 2, 3], [4, 5, 6], [7]]
    assert len(newest_first) == 7

    assert targets(listed(action=f"test{tag}.write")) == [1, 3, 5]
    assert listed(action=f"test{tag}.write")["totalCount"] == 4
    assert targets(listed(action=f"test{tag}.", actorUsername=f"who-{tag}-0")) == [3, 6]
    assert targets(listed(action=f"test{tag}.", targetType="Unit")) == [1, 2]
    since, until = (now - timedelta(hours=5, minutes=30)), (now - timedelta(hours=2, minutes=30))
    window = listed(action=f"test{tag}.", since=since.isoformat(), until=until.isoformat())
    assert targets(window) == [3, 4, 5]
    assert listed(action=f"test{tag}.", result="FAILED")["totalCount"] == 0
    assert listed(action=f"test{tag}")["totalCount"] == 0  # exact, without the dot

    too_big = admin.execute(ENTRIES, {"first": 101})
    assert too_big.body.get("errors"), too_big.text


@pytest.fixture
def plain_user(api_url: str) -> Iterator[GraphQLClient]:
    """A signed-in alpha user who holds no role."""
    username = f"audit-plain-{uuid.uuid4().hex[:8]}"
    with in_district("alpha"):
        user = user_create(username=username, password=PASSWORD)
    client = GraphQLClient(api_url, "alpha.localhost")
    yield client.as_user(client.login(username, PASSWORD))
    with in_district("alpha"):
        user.delete()


def test_only_district_admins_read_the_trail(api_url: str, plain_user: GraphQLClient) -> None:
    anonymous = GraphQLClient(api_url, "alpha.localhost").execute(ENTRIES, {"first": 5})
    assert anonymous.status == 401, anonymous.text
    assert anonymous.body.get("data") is None
    assert "edges" not in anonymous.text

    no_role = plain_user.execute(ENTRIES, {"first": 5})
    assert no_role.status == 403, no_role.text
    assert no_role.body.get("data") is None
    assert no_role.body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "edges" not in no_role.text

    platform = GraphQLClient(api_url, "localhost").execute(ENTRIES, {"first": 5})
    assert platform.body.get("data") is None
