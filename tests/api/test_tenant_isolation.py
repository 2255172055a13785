"""Tenant isolation over HTTP: a user of district alpha, on alpha's host, armed with everything of
district beta's (global IDs, org IDs in filters, ID numbers, canary names), learns nothing about
beta and changes nothing anywhere.

The canary matrix names every root query field and every mutation of schema.graphql;
`test_matrix_covers_every_root_field_and_mutation` fails when the schema grows a field the matrix
does not exercise.
"""

import json
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import httpx
import pytest

from backend.accounts.services import user_create
from backend.members.id_numbers import make_id_number
from backend.members.models import Member
from backend.members.personal_data import id_number_hash
from tenants.context import in_district
from tests.conftest import global_id
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.district_rows import (
    district_counts,
    district_fingerprints,
    district_rows,
    global_ids_of,
    leaks,
    masked_id_number,
)
from tests.support.graphql_client import GraphQLClient, Response
from tests.support.isolation import (
    ERRORS,
    Case,
    Values,
    assert_equal,
    empty,
    found,
    ghost_of,
    node_found,
    not_found,
    null,
    values_of,
)
from tests.support.member_work import member_work_cases
from tests.support.seed import PASSWORD, SeededDistrict

pytestmark = pytest.mark.usefixtures("db")


# Everything a response could carry, so a leak anywhere in an object would show.
ORG = (
    "id code name kind depth establishedOn endDate parent { id name } ancestors { id name }"
    " memberCounts { total inService mobile laidOff retired community }"
    " children(first: 10) { totalCount edges { node { id name } } }"
)
UNIT = (
    "id name creditCode unitKind: kind address employeeCount partyOrgStatus coveringOrg { id name }"
)
MEMBER = (
    "id name gender birthDate idNumber phone education joinedOn status category"
    " org { id name } residenceCommunity { id name } workUnit { id name }"
)
NODE = f"... on PartyOrg {{ {ORG} }} ... on Unit {{ {UNIT} }} ... on Member {{ {MEMBER} }}"


FRESH_ALPHA_ID_NUMBER = make_id_number("110101", date(1985, 6, 15), 321)


def _not_found_reveal(data: dict[str, Any], _v: dict[str, Any]) -> None:
    result = data["revealMemberPersonalData"]
    assert (result["idNumber"], result["phone"]) == (None, None), result
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("id", "NOT_FOUND")]


def _login_refused(data: dict[str, Any], _v: dict[str, Any]) -> None:
    result = data["login"]
    assert result["token"] is None
    assert result["user"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [
        ("password", "INVALID_CREDENTIALS")
    ]


def _own_audit_entries(data: dict[str, Any], _v: dict[str, Any]) -> None:
    """alpha's own trail is there (its admin's sign-ins at least), and holds nothing of beta's."""
    entries = data["auditEntries"]
    assert entries["totalCount"] > 0, data
    assert entries["edges"], data
    assert global_ids_of(json.dumps(data), "beta") == []
    if _v.get("actorUsername"):
        assert {e["node"]["actorUsername"] for e in entries["edges"]} == {_v["actorUsername"]}


NODE_DOC = f"query($id: ID!) {{ node(id: $id) {{ id {NODE} }} }}"
NODES_DOC = f"query($ids: [ID!]!) {{ nodes(ids: $ids) {{ id {NODE} }} }}"
ORG_DOC = f"query($id: ID!) {{ org(id: $id) {{ {ORG} }} }}"
ORGS_DOC = (
    "query($within: ID, $search: String) { orgs(within: $within, search: $search, first: 100)"
    f" {{ totalCount edges {{ node {{ {ORG} }} }} }} }}"
)
AUDIT_DOC = (
    "query($actorUsername: String) { auditEntries(actorUsername: $actorUsername, first: 100)"
    " { totalCount edges { node { id occurredAt actorUsername ipAddress userAgent action"
    " targetType targetId changes detail result reason } } } }"
)
UNITS_DOC = (
    "query($within: ID, $search: String) {"
    " units(coveredWithin: $within, search: $search, first: 100)"
    f" {{ totalCount edges {{ node {{ {UNIT} }} }} }} }}"
)
MEMBERS_DOC = (
    "query($within: ID, $search: String, $idNumber: String) {"
    " members(within: $within, search: $search, idNumber: $idNumber, first: 100)"
    f" {{ totalCount edges {{ node {{ {MEMBER} }} }} }} }}"
)
LOGIN_DOC = (
    "mutation($u: String!, $p: String!) { login(username: $u, password: $p)"
    " { token expiresAt csrfToken user { username } " + ERRORS + " } }"
)
CREATE_ORG_DOC = (
    "mutation($input: CreatePartyOrgInput!) { createPartyOrg(input: $input)"
    f" {{ org {{ {ORG} }} {ERRORS} }} }}"
)
UPDATE_ORG_DOC = (
    "mutation($input: UpdatePartyOrgInput!) { updatePartyOrg(input: $input)"
    f" {{ org {{ {ORG} }} {ERRORS} }} }}"
)
MOVE_ORG_DOC = (
    "mutation($input: MovePartyOrgInput!) { movePartyOrg(input: $input)"
    f" {{ org {{ {ORG} }} {ERRORS} }} }}"
)
CREATE_UNIT_DOC = (
    "mutation($input: CreateUnitInput!) { createUnit(input: $input)"
    f" {{ unit {{ {UNIT} }} {ERRORS} }} }}"
)
UPDATE_UNIT_DOC = (
    "mutation($input: UpdateUnitInput!) { updateUnit(input: $input)"
    f" {{ unit {{ {UNIT} }} {ERRORS} }} }}"
)
CREATE_MEMBER_DOC = (
    "mutation($input: CreateMemberInput!) { createMember(input: $input)"
    f" {{ member {{ {MEMBER} }} {ERRORS} }} }}"
)
UPDATE_MEMBER_DOC = (
    "mutation($input: UpdateMemberInput!) { updateMember(input: $input)"
    f" {{ member {{ {MEMBER} }} {ERRORS} }} }}"
)


def _member_input(own: Values, **overrides: Any) -> dict[str, Any]:
    return {
        "input": {
            "name": "隔离测试党员",
            "idNumber": FRESH_ALPHA_ID_NUMBER,
            "education": "BACHELOR",
            "joinedOn": "2010-07-01",
            "status": "FULL",
            "category": "RETIRED",
            "orgId": own.org("s1-c1-b1"),
            "phone": "13800138000",
            **overrides,
        }
    }


def _created_member_with_beta_id_number(
    before: dict[str, list[tuple[Any, ...]]],
    after: dict[str, list[tuple[Any, ...]]],
    data: dict[str, Any],
    variables: dict[str, Any],
) -> None:
    id_number = variables["input"]["idNumber"]
    assert data["createMember"]["errors"] == []
    assert data["createMember"]["member"]["idNumber"] == masked_id_number(id_number)
    assert after["orgs"] == before["orgs"]
    assert after["units"] == before["units"]
    assert after["members"][: len(before["members"])] == before["members"]
    assert len(after["members"]) == len(before["members"]) + 1
    with in_district("alpha"):
        Member.objects.filter(id_number_hash=id_number_hash(id_number)).delete()


def _updated_member_to_beta_id_number(
    before: dict[str, list[tuple[Any, ...]]],
    after: dict[str, list[tuple[Any, ...]]],
    data: dict[str, Any],
    variables: dict[str, Any],
) -> None:
    id_number = variables["input"]["idNumber"]
    assert data["updateMember"]["errors"] == []
    assert data["updateMember"]["member"]["idNumber"] == masked_id_number(id_number)
    assert after["orgs"] == before["orgs"]
    assert after["units"] == before["units"]
    assert len(after["members"]) == len(before["members"])
    with in_district("alpha"):
        member = Member.objects.get(id_number_hash=id_number_hash(id_number))
        original = next(row for row in before["members"] if row[0] == member.pk)
        names = [f.attname for f in Member._meta.concrete_fields]
        Member.objects.filter(pk=member.pk).update(**dict(zip(names, original, strict=True)))


CASES: dict[str, Case] = {
    # --- queries --------------------------------------------------------------------------
    "node/PartyOrg": Case(
        "node", NODE_DOC, lambda f, o: {"id": f.org("root")}, null("node"), node_found
    ),
    "node/Unit": Case("node", NODE_DOC, lambda f, o: {"id": f.unit()}, null("node"), node_found),
    "node/Member": Case(
        "node", NODE_DOC, lambda f, o: {"id": f.member(0)}, null("node"), node_found
    ),
    "nodes": Case(
        "nodes",
        NODES_DOC,
        lambda f, o: {"ids": [f.org("s1-c1"), f.unit(), f.member(1)]},
        lambda data, _v: assert_equal(data["nodes"], [None, None, None]),
        lambda data, _v: assert_equal([n is not None for n in data["nodes"]], [True] * 3),
    ),
    "org": Case("org", ORG_DOC, lambda f, o: {"id": f.org("s1")}, null("org"), None),
    "orgs/within": Case(
        "orgs", ORGS_DOC, lambda f, o: {"within": f.org("root")}, empty("orgs"), found("orgs")
    ),
    "orgs/search": Case(
        "orgs", ORGS_DOC, lambda f, o: {"search": f.canary}, empty("orgs"), found("orgs")
    ),
    "units/coveredWithin": Case(
        "units",
        UNITS_DOC,
        lambda f, o: {"within": f.org("s1-u1")},
        empty("units"),
        found("units"),
    ),
    "units/search": Case(
        "units", UNITS_DOC, lambda f, o: {"search": f.canary}, empty("units"), found("units")
    ),
    "members/within": Case(
        "members",
        MEMBERS_DOC,
        lambda f, o: {"within": f.org("s1-c1-b1")},
        empty("members"),
        found("members"),
    ),
    "members/idNumber": Case(
        "members",
        MEMBERS_DOC,
        lambda f, o: {"idNumber": f.id_numbers[2]},
        empty("members"),
        found("members"),
    ),
    "members/search": Case(
        "members",
        MEMBERS_DOC,
        lambda f, o: {"search": f.canary},
        empty("members"),
        found("members"),
    ),
    "me": Case(
        "me",
        "{ me { username displayName } }",
        lambda f, o: {},
        lambda data, _v: assert_equal(data["me"]["username"], "admin"),
    ),
    "district": Case(
        "district",
        f"{{ district {{ code name municipalityName rootOrg {{ {ORG} }} }} }}",
        lambda f, o: {},
        lambda data, _v: assert_equal(
            (data["district"]["code"], data["district"]["rootOrg"]["name"]),
            ("alpha", "CANARYALPHA区委"),
        ),
    ),
    "apiTokens": Case(
        "apiTokens",
        "{ apiTokens(first: 100) { totalCount edges { node { id name kind keyPrefix } } } }",
        lambda f, o: {},
        lambda data, _v: assert_equal(global_ids_of(json.dumps(data), "beta"), []),
    ),
    # Before the mutations below: their sign-ins on alpha with beta's user name are alpha's own
    # entries (a name typed on alpha's host), and would show under that name.
    "auditEntries/actorUsername": Case(
        "auditEntries",
        AUDIT_DOC,
        lambda f, o: {"actorUsername": f.username},
        empty("auditEntries"),
        _own_audit_entries,
    ),
    "auditEntries/all": Case(
        "auditEntries",
        AUDIT_DOC,
        lambda f, o: {},
        _own_audit_entries,
        compare_with_ghost=False,
    ),
    # --- mutations ------------------------------------------------------------------------
    "revealMemberPersonalData": Case(
        "revealMemberPersonalData",
        'mutation($id: ID!) { revealMemberPersonalData(id: $id, purpose: "隔离测试")'
        " { idNumber phone " + ERRORS + " } }",
        lambda f, o: {"id": f.member(0)},
        _not_found_reveal,
    ),
    "revokeApiToken": Case(
        "revokeApiToken",
        "mutation($id: ID!) { revokeApiToken(id: $id) { token { id revokedAt } " + ERRORS + " } }",
        # beta's first token: the session's beta login issued it.
        lambda f, o: {"id": global_id("ApiToken", f.district, 1)},
        not_found("revokeApiToken", "token", "id"),
    ),
    "createApiToken": Case(
        "createApiToken",
        "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input)"
        " { token { name scopes } key " + ERRORS + " } }",
        lambda f, o: {"input": {"name": "隔离测试令牌", "scopes": ["READ"], "expiresInDays": 1}},
        lambda data, _v: assert_equal(
            (data["createApiToken"]["errors"], data["createApiToken"]["token"]),
            ([], {"name": "隔离测试令牌", "scopes": ["READ"]}),
        ),
        compare_with_ghost=False,
    ),
    "login/beta-only account": Case(
        "login", LOGIN_DOC, lambda f, o: {"u": f.username, "p": PASSWORD}, _login_refused
    ),
    "login/platform account": Case(
        "login", LOGIN_DOC, lambda f, o: {"u": f.platform_username, "p": PASSWORD}, _login_refused
    ),
    "createPartyOrg/parentId": Case(
        "createPartyOrg",
        CREATE_ORG_DOC,
        lambda f, o: {
            "input": {
                "code": "iso-new-1",
                "name": "隔离测试社区党委",
                "kind": "COMMUNITY_COMMITTEE",
                "parentId": f.org("s1"),
            }
        },
        not_found("createPartyOrg", "org", "parentId"),
    ),
    "updatePartyOrg/id": Case(
        "updatePartyOrg",
        UPDATE_ORG_DOC,
        lambda f, o: {"input": {"id": f.org("s1"), "name": "已被改名", "code": "iso-renamed"}},
        not_found("updatePartyOrg", "org", "id"),
    ),
    "movePartyOrg/id+newParentId": Case(
        "movePartyOrg",
        MOVE_ORG_DOC,
        lambda f, o: {"input": {"id": f.org("s1-c1"), "newParentId": f.org("s2")}},
        not_found("movePartyOrg", "org", "id"),
    ),
    "movePartyOrg/id": Case(
        "movePartyOrg",
        MOVE_ORG_DOC,
        lambda f, o: {"input": {"id": f.org("s1-c1"), "newParentId": o.org("s2")}},
        not_found("movePartyOrg", "org", "id"),
    ),
    "movePartyOrg/newParentId": Case(
        "movePartyOrg",
        MOVE_ORG_DOC,
        lambda f, o: {"input": {"id": o.org("s1-c1"), "newParentId": f.org("s2")}},
        not_found("movePartyOrg", "org", "newParentId"),
    ),
    "createUnit/coveringOrgId": Case(
        "createUnit",
        CREATE_UNIT_DOC,
        lambda f, o: {
            "input": {
                "name": "隔离测试有限公司",
                "kind": "NON_PUBLIC_ENTERPRISE",
                "partyOrgStatus": "OWN",
                "coveringOrgId": f.org("s1-u1"),
            }
        },
        not_found("createUnit", "unit", "coveringOrgId"),
    ),
    "updateUnit/id": Case(
        "updateUnit",
        UPDATE_UNIT_DOC,
        lambda f, o: {"input": {"id": f.unit(), "name": "已被改名", "address": "x"}},
        not_found("updateUnit", "unit", "id"),
    ),
    "updateUnit/coveringOrgId": Case(
        "updateUnit",
        UPDATE_UNIT_DOC,
        lambda f, o: {"input": {"id": o.unit(), "coveringOrgId": f.org("s1-u1")}},
        not_found("updateUnit", "unit", "coveringOrgId"),
    ),
    "createMember/orgId": Case(
        "createMember",
        CREATE_MEMBER_DOC,
        lambda f, o: _member_input(o, orgId=f.org("s1-c1-b1")),
        not_found("createMember", "member", "orgId"),
    ),
    "createMember/residenceCommunityId": Case(
        "createMember",
        CREATE_MEMBER_DOC,
        lambda f, o: _member_input(o, category="IN_SERVICE", residenceCommunityId=f.org("s1-c1")),
        not_found("createMember", "member", "residenceCommunityId"),
    ),
    "createMember/workUnitId": Case(
        "createMember",
        CREATE_MEMBER_DOC,
        lambda f, o: _member_input(o, category="IN_SERVICE", workUnitId=f.unit()),
        not_found("createMember", "member", "workUnitId"),
    ),
    "createMember/beta's idNumber": Case(
        "createMember",
        CREATE_MEMBER_DOC,
        lambda f, o: _member_input(o, idNumber=f.id_numbers[0], phone=""),
        lambda data, _v: None,
        alpha_write=_created_member_with_beta_id_number,
        compare_with_ghost=False,
    ),
    "updateMember/id": Case(
        "updateMember",
        UPDATE_MEMBER_DOC,
        lambda f, o: {"input": {"id": f.member(0), "name": "已被改名", "phone": "13800138000"}},
        not_found("updateMember", "member", "id"),
    ),
    "updateMember/orgId": Case(
        "updateMember",
        UPDATE_MEMBER_DOC,
        lambda f, o: {"input": {"id": o.member(1), "orgId": f.org("s1-c1-b1")}},
        not_found("updateMember", "member", "orgId"),
    ),
    "updateMember/residenceCommunityId": Case(
        "updateMember",
        UPDATE_MEMBER_DOC,
        lambda f, o: {"input": {"id": o.member(0), "residenceCommunityId": f.org("s1-c1")}},
        not_found("updateMember", "member", "residenceCommunityId"),
    ),
    "updateMember/workUnitId": Case(
        "updateMember",
        UPDATE_MEMBER_DOC,
        lambda f, o: {"input": {"id": o.member(0), "workUnitId": f.unit()}},
        not_found("updateMember", "member", "workUnitId"),
    ),
    "updateMember/beta's idNumber": Case(
        "updateMember",
        UPDATE_MEMBER_DOC,
        # Members with the same index differ only in the region digits: same birth date and sex.
        lambda f, o: {"input": {"id": o.member(4), "idNumber": f.id_numbers[4]}},
        lambda data, _v: None,
        alpha_write=_updated_member_to_beta_id_number,
        compare_with_ghost=False,
    ),
}


CASES.update(member_work_cases())


def _roots(kind: str) -> set[str]:
    from backend.api.schema import district_schema

    schema = district_schema._schema
    root = schema.query_type if kind == "query" else schema.mutation_type
    assert root is not None
    return set(root.fields)


@pytest.fixture(scope="module")
def beta_only_username() -> str:
    return f"beta-only-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def _beta_only_user(
    django_db_setup: Any, django_db_blocker: Any, beta_only_username: str
) -> Iterator[None]:
    with django_db_blocker.unblock(), in_district("beta"):
        user = user_create(username=beta_only_username, password=PASSWORD)
    yield
    with django_db_blocker.unblock(), in_district("beta"):
        user.delete()


@pytest.fixture(scope="module")
def values(
    seeded: dict[str, SeededDistrict], beta_only_username: str, _beta_only_user: None
) -> dict[str, Values]:
    beta = values_of(seeded["beta"], beta_only_username, "operator")
    return {
        "beta": beta,
        "ghost": ghost_of(beta),
        "alpha": values_of(seeded["alpha"], "admin", "operator"),
    }


def _answer(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != "extensions"}


def _assert_no_leak(
    response: Response, seeded: dict[str, SeededDistrict], allow: tuple[str, ...] = ()
) -> None:
    assert leaks(response.text, seeded["beta"], allow=allow) == [], response.text


def test_matrix_covers_every_root_field_and_mutation() -> None:
    covered = {case.root for case in CASES.values()}
    document_roots = {case.root for case in CASES.values() if "mutation" not in case.document}
    assert _roots("query") == document_roots, "Query fields and the matrix differ"
    assert _roots("mutation") == covered - document_roots, "Mutations and the matrix differ"


def _beta_valued_inputs(values: dict[str, Values]) -> set[str]:
    """`root/arg` and `root/arg.inputField` names to which some case passes one of beta's values
    (a global ID beta handed out, beta's canary, one of beta's ID numbers)."""
    from graphql import VariableNode, parse

    beta = values["beta"]

    def is_beta(value: Any) -> bool:
        if isinstance(value, list):
            return any(is_beta(item) for item in value)
        if not isinstance(value, str):
            return False
        return (
            value in beta.id_numbers
            or beta.canary in value
            or value == beta.username
            or bool(global_ids_of(json.dumps({"id": value}), "beta"))
        )

    found = set()
    for case in CASES.values():
        variables = case.variables(beta, values["alpha"])
        operation = parse(case.document).definitions[0]
        for selection in operation.selection_set.selections:  # type: ignore[attr-defined]
            for argument in selection.arguments or ():
                if not isinstance(argument.value, VariableNode):
                    continue
                value = variables.get(argument.value.name.value)
                name = f"{selection.name.value}/{argument.name.value}"
                if isinstance(value, dict):
                    found |= {f"{name}.{k}" for k, v in value.items() if is_beta(v)}
                elif is_beta(value):
                    found.add(name)
    return found


def _inputs_that_need_beta_values() -> set[str]:
    """Every ID argument and ID input field of every root field and mutation, plus the free-text
    `search` and the ID-number arguments and input fields."""
    from graphql import GraphQLInputObjectType, get_named_type

    from backend.api.schema import district_schema

    schema = district_schema._schema
    expected = set()
    for root in (schema.query_type, schema.mutation_type):
        assert root is not None
        for name, root_field in root.fields.items():
            for arg_name, arg in root_field.args.items():
                arg_type = get_named_type(arg.type)
                if isinstance(arg_type, GraphQLInputObjectType):
                    for field_name, input_field in arg_type.fields.items():
                        if get_named_type(input_field.type).name == "ID" or field_name in {
                            "idNumber"
                        }:
                            expected.add(f"{name}/{arg_name}.{field_name}")
                elif arg_type.name == "ID" or arg_name in {"search", "idNumber"}:
                    expected.add(f"{name}/{arg_name}")
    return expected


def test_matrix_gives_beta_values_to_every_id_search_and_id_number_input(
    values: dict[str, Values],
) -> None:
    missing = _inputs_that_need_beta_values() - _beta_valued_inputs(values)
    assert not missing, f"no case passes beta's value to {sorted(missing)}"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=case.xfail))
        if case.xfail
        else name
        for name, case in CASES.items()
    ],
)
def test_canary_matrix(
    name: str, alpha: GraphQLClient, seeded: dict[str, SeededDistrict], values: dict[str, Values]
) -> None:
    case = CASES[name]
    variables = case.variables(values["beta"], values["alpha"])
    beta_before = district_fingerprints("beta")
    if case.alpha_write is not None:
        # The case legitimately writes alpha: compare alpha row by row, and undo the write.
        alpha_rows = district_rows("alpha")
        response = case.send(alpha, values["beta"], values["alpha"])
        case.alpha_write(alpha_rows, district_rows("alpha"), response.data, variables)
        assert district_rows("alpha") == alpha_rows
    else:
        alpha_before = district_fingerprints("alpha")
        response = case.send(alpha, values["beta"], values["alpha"])
        assert district_fingerprints("alpha") == alpha_before, "alpha's rows changed"
    assert district_fingerprints("beta") == beta_before, "beta's rows changed"

    assert response.status == 200, response.text
    # A new alpha record made with beta's ID number shows that number, masked, as alpha's own.
    sent_id_number = variables.get("input", {}).get("idNumber", "")
    allow: tuple[str, ...] = case.allow
    if case.alpha_write and sent_id_number:
        allow += (masked_id_number(sent_id_number),)
    _assert_no_leak(response, seeded, allow)
    case.expect(response.data, variables)

    if case.compare_with_ghost:
        ghost = case.send(alpha, values["ghost"], values["alpha"])
        # The test server's sqlQueries count is diagnostics, not part of the answer (production
        # does not send it): a first failed sign-in for a name inserts its throttle row.
        assert _answer(ghost.body) == _answer(response.body), (
            "beta's existing rows and rows that exist nowhere get different answers"
        )


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.control is not None])
def test_canary_matrix_control(name: str, alpha: GraphQLClient, values: dict[str, Values]) -> None:
    """The same queries with alpha's own values do find alpha's rows."""
    case = CASES[name]
    variables = case.variables(values["alpha"], values["alpha"])
    response = case.send(alpha, values["alpha"], values["alpha"])
    assert response.status == 200
    assert case.control is not None
    case.control(response.data, variables)


def test_update_member_control_with_alpha_values(
    alpha: GraphQLClient, values: dict[str, Values]
) -> None:
    """The mutation the matrix calls with beta's IDs works with alpha's own (else the matrix's
    NOT_FOUND answers would prove little)."""
    member_pk = values["alpha"].member_pks[3]
    with in_district("alpha"):
        phone_columns = ("phone_encrypted", "phone_hash", "phone_masked", "updated_at")
        original = Member.objects.filter(pk=member_pk).values(*phone_columns).get()
    try:
        response = alpha.execute(
            UPDATE_MEMBER_DOC, {"input": {"id": values["alpha"].member(3), "phone": "13800138000"}}
        )
        assert response.status == 200
        assert response.data["updateMember"]["errors"] == []
        assert response.data["updateMember"]["member"]["phone"] == "138****8000"
    finally:
        with in_district("alpha"):
            Member.objects.filter(pk=member_pk).update(**original)


def test_alpha_id_of_another_type_is_not_taken_for_an_org(
    alpha: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    """Type confusion inside one district: a Member or Unit ID whose primary key is also an
    org's primary key does not stand in for that org."""
    own = seeded["alpha"]
    member_pk = own.member_pks[0]
    assert member_pk in own.org_pks.values(), "the check needs a member pk that is an org pk"
    for wrong in (global_id("Member", "alpha", member_pk), global_id("Unit", "alpha", own.unit_pk)):
        assert alpha.execute(ORG_DOC, {"id": wrong}).data == {"org": None}
        orgs = alpha.execute(ORGS_DOC, {"within": wrong}).data["orgs"]
        assert orgs["totalCount"] == 0
        update = alpha.execute(UPDATE_ORG_DOC, {"input": {"id": wrong, "name": "混淆"}})
        assert [e["code"] for e in update.data["updatePartyOrg"]["errors"]] == ["NOT_FOUND"]
        node = alpha.execute(NODE_DOC, {"id": wrong}).data["node"]
        assert "code" not in node, "a Member/Unit ID resolved to a PartyOrg"


def test_beta_org_id_via_node_is_null_on_alpha(
    alpha: GraphQLClient, beta: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    beta_root = global_id("PartyOrg", "beta", seeded["beta"].org_pks["root"])
    query = "query($id: ID!) { node(id: $id) { id ... on PartyOrg { name } } }"

    on_beta = beta.execute(query, {"id": beta_root})
    assert on_beta.data["node"]["name"] == "CANARYBETA区委"

    on_alpha = alpha.execute(query, {"id": beta_root})
    assert on_alpha.status == 200
    assert on_alpha.data == {"node": None}
    _assert_no_leak(on_alpha, seeded)


@pytest.mark.parametrize(
    ("holder", "host", "query"),
    [
        ("alpha", "beta.localhost", "{ orgs(first: 100) { edges { node { name } } } }"),
        ("alpha", "beta.localhost", "{ me { username } }"),
        ("beta", "alpha.localhost", "{ members(first: 100) { edges { node { name } } } }"),
        ("alpha", "localhost", "{ districts { code orgCount memberCount } }"),
        ("alpha", "localhost", "{ me { username } }"),
    ],
)
def test_token_of_one_district_is_refused_on_another_host(
    holder: str,
    host: str,
    query: str,
    request: pytest.FixtureRequest,
    api_url: str,
    seeded: dict[str, SeededDistrict],
) -> None:
    client: GraphQLClient = request.getfixturevalue(holder)
    assert client.execute("{ me { username } }").data["me"]["username"] == "admin"

    response = GraphQLClient(api_url, host, client.token).execute(query)

    assert response.status == 401, response.text
    assert "data" not in response.body
    assert response.body["errors"][0]["extensions"]["code"] == "INVALID_TOKEN"
    for district in seeded.values():
        assert district.canary not in response.text


def _session_login(api_url: str, host: str) -> dict[str, str]:
    response = httpx.post(
        f"{api_url}/graphql/",
        json={
            "query": 'mutation { login(username: "admin", password: "'
            + PASSWORD
            + '", useSession: true) { token csrfToken errors { code } } }'
        },
        headers={"Host": host},
    )
    body = response.json()["data"]["login"]
    assert body["errors"] == []
    assert body["token"] is None
    cookies = {name: response.cookies[name] for name in ("sessionid", "csrftoken")}
    return {"csrf": body["csrfToken"], **cookies}


@pytest.mark.parametrize("host", ["beta.localhost", "localhost"])
def test_session_of_alpha_is_refused_on_another_host(
    host: str, api_url: str, seeded: dict[str, SeededDistrict]
) -> None:
    session = _session_login(api_url, "alpha.localhost")
    cookie = f"sessionid={session['sessionid']}; csrftoken={session['csrftoken']}"
    headers = {"Cookie": cookie, "X-CSRFToken": session["csrf"]}

    at_home = httpx.post(
        f"{api_url}/graphql/",
        json={"query": "{ me { username } }"},
        headers={"Host": "alpha.localhost", **headers},
    )
    assert at_home.status_code == 200
    assert at_home.json()["data"]["me"]["username"] == "admin"

    query = "{ me { username } }" if host == "localhost" else "{ orgs { totalCount } }"
    away = httpx.post(
        f"{api_url}/graphql/", json={"query": query}, headers={"Host": host, **headers}
    )
    assert away.status_code in (401, 403), away.text
    assert away.json().get("data") is None
    assert away.json()["errors"][0]["extensions"]["code"] in {"UNAUTHENTICATED", "CSRF_FAILED"}
    for district in seeded.values():
        assert district.canary not in away.text


HYGIENE_DISTRICT_QUERY = (
    "{ district { code } orgs(first: 100) { totalCount edges { node { id name } } }"
    " members(first: 100) { edges { node { name idNumber } } } }"
)


def _hygiene_request(
    kind: str, clients: dict[str, GraphQLClient], seeded: dict[str, SeededDistrict]
) -> tuple[str, Response]:
    if kind == "platform":
        return kind, clients["platform"].execute("{ districts { code orgCount memberCount } }")
    district = kind.split("/")[0]
    client = clients[district]
    if kind.endswith("/rollback"):
        # Fails inside the service's transaction after it has run SQL: rolled back.
        root = global_id("PartyOrg", district, seeded[district].org_pks["root"])
        return kind, client.execute(
            CREATE_ORG_DOC,
            {
                "input": {
                    "code": f"{district}-s1",
                    "name": "重复代码",
                    "kind": "STREET_WORKING_COMMITTEE",
                    "parentId": root,
                }
            },
        )
    if kind.endswith("/error"):
        # An internal error (NUL byte in a text parameter) on the connection.
        return kind, client.execute(
            "query($s: String) { members(search: $s) { totalCount } }", {"s": "x\u0000"}
        )
    return kind, client.execute(HYGIENE_DISTRICT_QUERY)


def test_connection_hygiene_under_interleaved_requests(
    alpha: GraphQLClient,
    beta: GraphQLClient,
    platform: GraphQLClient,
    seeded: dict[str, SeededDistrict],
) -> None:
    """Two sync workers with persistent connections serve alpha, beta and the platform in
    turn: every answer holds its own district's rows only."""
    clients = {"alpha": alpha, "beta": beta, "platform": platform}
    pattern = [
        "alpha",
        "beta",
        "platform",
        "alpha/rollback",
        "beta",
        "alpha",
        "beta/error",
        "platform",
        "alpha",
        "alpha/error",
        "beta",
        "beta/rollback",
        "alpha",
        "platform",
    ]
    kinds = pattern * 8
    expected_orgs = {code: district_counts(code)["orgs"] for code in seeded}
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda k: _hygiene_request(k, clients, seeded), kinds))
    sequential = [_hygiene_request(k, clients, seeded) for k in pattern * 2]

    for kind, response in results + sequential:
        assert response.status == 200, (kind, response.text)
        if kind == "platform":
            summary = {d["code"]: d["orgCount"] for d in response.data["districts"]}
            assert {code: summary[code] for code in seeded} == expected_orgs
            for district in seeded.values():
                assert district.canary not in response.text
            continue
        own, other = kind.split("/")[0], "beta" if kind.startswith("alpha") else "alpha"
        assert leaks(response.text, seeded[other]) == [], (kind, response.text)
        if kind.endswith("/rollback"):
            assert [e["code"] for e in response.data["createPartyOrg"]["errors"]] == ["DUPLICATE"]
        elif kind.endswith("/error"):
            assert response.body["errors"][0]["extensions"]["code"] == "INTERNAL_ERROR"
        else:
            data = response.data
            assert data["district"]["code"] == own
            assert data["orgs"]["totalCount"] == expected_orgs[own]
            names = [e["node"]["name"] for e in data["orgs"]["edges"]]
            names += [e["node"]["name"] for e in data["members"]["edges"]]
            assert any(n.startswith(seeded[own].canary) for n in names), names
    # Nothing was written by the rolled-back attempts.
    assert {code: district_counts(code)["orgs"] for code in seeded} == expected_orgs
