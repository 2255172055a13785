"""What a client learns when something goes wrong, and what production settings hide: masked
internal errors with a request id, no introspection, no IDE, a capped page size."""

import base64
import logging
import re

import httpx
import pytest
import strawberry
from graphql import GraphQLError

from backend.common.graphql.extensions import MaskUnexpectedErrors
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient, Response

pytestmark = pytest.mark.usefixtures("db")

SECRET_ID_NUMBER = "110101199003071234"
MASKED = re.compile(r"^Internal server error \(request ([0-9a-f]{32})\)\.$")


def _assert_masked(response: Response, *, hidden: tuple[str, ...]) -> str:
    """The single error is the generic one; returns its request id."""
    errors = response.body["errors"]
    assert len(errors) == 1, errors
    match = MASKED.match(errors[0]["message"])
    assert match, errors[0]["message"]
    assert errors[0]["extensions"] == {"code": "INTERNAL_ERROR", "requestId": match.group(1)}
    for text in (*hidden, "Traceback", 'File "', ".py"):
        assert text not in response.text, text
    return match.group(1)


def _cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# A cursor with no "type:" prefix: the relay helper raises a ValueError that quotes the decoded
# cursor, i.e. whatever the client (or an attacker replaying a crafted link) put in it.
BAD_CURSOR = _cursor(f"secret {SECRET_ID_NUMBER}")


@pytest.mark.parametrize(
    "query",
    [
        "query($c: String) { orgs(after: $c) { edges { node { name } } } }",
        "query($c: String) { units(after: $c) { edges { node { name } } } }",
        "query($c: String) { members(before: $c, last: 5) { edges { node { name } } } }",
        "query($c: String) { district { rootOrg { children(after: $c) { totalCount } } } }",
    ],
)
def test_unexpected_error_from_a_crafted_cursor_is_masked(alpha: GraphQLClient, query: str) -> None:
    response = alpha.execute(query, {"c": BAD_CURSOR})
    _assert_masked(response, hidden=(SECRET_ID_NUMBER, "secret", "expected to contain"))
    assert "CANARY" not in response.text


def test_unexpected_database_error_is_masked(alpha: GraphQLClient) -> None:
    """A NUL byte cannot go into a PostgreSQL text parameter: the driver raises with its own
    text, which must not reach the client (nor the ID number the search carried)."""
    response = alpha.execute(
        "query($s: String) { members(search: $s) { totalCount } }",
        {"s": f"{SECRET_ID_NUMBER}\u0000"},
    )
    _assert_masked(response, hidden=(SECRET_ID_NUMBER, "NUL", "0x00", "psycopg", "DataError"))


def test_each_masked_error_gets_its_own_request_id(alpha: GraphQLClient) -> None:
    query = "query($c: String) { orgs(after: $c) { totalCount } }"
    ids = {_assert_masked(alpha.execute(query, {"c": BAD_CURSOR}), hidden=()) for _ in range(3)}
    assert len(ids) == 3


def test_a_well_formed_but_unknown_cursor_gets_a_plain_message(alpha: GraphQLClient) -> None:
    """Errors we word ourselves stay readable: masking is for the unexpected ones only."""
    response = alpha.execute(
        "query($c: String) { orgs(after: $c) { totalCount } }",
        {"c": _cursor('arrayconnection:["x"]')},
    )
    assert response.body["errors"][0]["message"] == "Invalid cursor"


# --- the extension in-process, on a tiny schema ----------------------------------------------


class _Public(Exception):
    """An application error that carries its own extensions (so was written for clients)."""

    extensions = {"code": "PUBLIC"}


@strawberry.type
class _Query:
    @strawberry.field
    def boom(self) -> str:
        raise RuntimeError(f"secret {SECRET_ID_NUMBER}")

    @strawberry.field
    def bad_value(self) -> str:
        raise ValueError(f"no such member {SECRET_ID_NUMBER}")

    @strawberry.field
    def argument(self) -> str:
        raise ValueError("Argument 'first' cannot be higher than 100.")

    @strawberry.field
    def public(self) -> str:
        raise _Public("你没有权限。")

    @strawberry.field
    def graphql_error(self) -> str:
        raise GraphQLError("Authentication required.", extensions={"code": "UNAUTHENTICATED"})


_schema = strawberry.Schema(query=_Query, extensions=[MaskUnexpectedErrors])


@pytest.mark.parametrize("field", ["boom", "badValue"])
def test_extension_masks_unexpected_exceptions_and_logs_them(
    field: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="dangjian.graphql"):
        result = _schema.execute_sync(f"{{ {field} }}")

    assert result.errors is not None
    assert len(result.errors) == 1
    error = result.errors[0].formatted
    match = MASKED.match(error["message"])
    assert match, error
    assert error["extensions"] == {"code": "INTERNAL_ERROR", "requestId": match.group(1)}
    assert SECRET_ID_NUMBER not in repr(result)
    assert SECRET_ID_NUMBER not in str(error)
    # The text goes to the server log, under the same request id, for the operator.
    logged = [r for r in caplog.records if r.name == "dangjian.graphql"]
    assert any(match.group(1) in r.getMessage() for r in logged)
    assert any(r.exc_info and SECRET_ID_NUMBER in str(r.exc_info[1]) for r in logged)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("argument", "Argument 'first' cannot be higher than 100."),
        ("public", "你没有权限。"),
        ("graphqlError", "Authentication required."),
    ],
)
def test_extension_keeps_errors_written_for_clients(field: str, message: str) -> None:
    result = _schema.execute_sync(f"{{ {field} }}")
    assert result.errors is not None
    assert result.errors[0].message == message


# --- production settings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "{ __schema { queryType { name } types { name fields { name } } } }",
        '{ __type(name: "Member") { name fields { name } } }',
        "{ orgs(first: 1) { edges { node { name __type: __typename } } } __schema { types { name } } }",
    ],
)
@pytest.mark.parametrize("client_name", ["alpha", "platform"])
def test_introspection_is_disabled(
    query: str, client_name: str, request: pytest.FixtureRequest
) -> None:
    client: GraphQLClient = request.getfixturevalue(client_name)
    response = client.execute(query)

    assert response.body.get("data") is None, response.text
    assert any("introspection" in e["message"].lower() for e in response.body["errors"])
    for leaked in ("idNumber", "MemberConnection", "DistrictSummary", "CANARY"):
        assert leaked not in response.text


def test_typename_still_works(alpha: GraphQLClient) -> None:
    """Clients need __typename for unions and caches; only the schema itself is hidden."""
    assert alpha.execute("{ district { __typename code } }").data["district"] == {
        "__typename": "District",
        "code": "alpha",
    }


@pytest.mark.parametrize("host", ["alpha.localhost", "localhost"])
def test_no_graphiql_page(api_url: str, host: str) -> None:
    response = httpx.get(
        f"{api_url}/graphql/", headers={"Host": host, "Accept": "text/html"}, timeout=30
    )
    assert response.status_code != 200 or "text/html" not in response.headers["content-type"]
    assert "graphiql" not in response.text.lower()


@pytest.mark.parametrize(
    "query",
    [
        "{ orgs(first: 99999999) { totalCount edges { node { name } } } }",
        "{ units(first: 99999999) { edges { node { name } } } }",
        "{ members(first: 99999999) { edges { node { name idNumber } } } }",
        "{ members(last: 99999999) { edges { node { name } } } }",
        "{ orgs(first: 101) { edges { node { name } } } }",
    ],
)
def test_oversized_page_is_refused_before_any_sql(alpha: GraphQLClient, query: str) -> None:
    response = alpha.execute(query)

    assert response.body.get("data") is None, response.text[:300]
    assert "100" in response.body["errors"][0]["message"]
    assert "CANARY" not in response.text
    assert response.sql_queries == 0


def test_oversized_nested_page_returns_no_rows(alpha: GraphQLClient) -> None:
    response = alpha.execute(
        "{ orgs(first: 1) { edges { node { name children(first: 99999999) { totalCount } } } } }"
    )
    assert response.body.get("data") is None
    assert "100" in response.body["errors"][0]["message"]
    assert "CANARY" not in response.text


def test_page_of_100_is_allowed(alpha: GraphQLClient) -> None:
    """The control for the refusals above: the cap itself is a valid page size."""
    response = alpha.execute("{ orgs(first: 100) { totalCount edges { node { name } } } }")
    assert response.data["orgs"]["totalCount"] == len(response.data["orgs"]["edges"]) > 0


@pytest.mark.parametrize(
    "query",
    [
        "{ orgz { totalCount } }",
        '{ members(idNumbr: "x") { totalCount } }',
        "{ district { rootOrg { nam } } }",
    ],
)
def test_validation_errors_give_no_did_you_mean_hints(alpha: GraphQLClient, query: str) -> None:
    response = alpha.execute(query)
    assert response.body["errors"]
    assert "did you mean" not in response.text.lower(), response.body["errors"]
