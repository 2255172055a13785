import uuid
from typing import Any

from backend.access.services import role_grant
from backend.accounts.services import user_create
from backend.orgs.models import PartyOrg
from tenants.context import in_district
from tests.support.graphql_client import GraphQLClient, Response
from tests.support.seed import PASSWORD

ERRORS = "errors { field code message }"


def sign_in_as(
    api_url: str, district: str, grants: list[tuple[str, PartyOrg | None]]
) -> GraphQLClient:
    """A new user of `district` with the given (role, org) grants, signed in over HTTP."""
    with in_district(district):
        user = user_create(username=f"insvc-{uuid.uuid4().hex[:10]}", password=PASSWORD)
        for role, org in grants:
            role_grant(user=user, role=role, org=org)
    client = GraphQLClient(api_url, f"{district}.localhost")
    return client.as_user(client.login(user.username, PASSWORD))


def ok(result: Response, field: str) -> Any:
    """The payload of mutation `field`, asserting it reported no errors."""
    payload = result.data[field]
    assert payload["errors"] == [], payload["errors"]
    return payload


def error_codes(result: Response, field: str) -> set[str]:
    return {e["code"] for e in result.data[field]["errors"]}


def nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]
