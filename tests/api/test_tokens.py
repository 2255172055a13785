"""Application tokens with scopes, listing and revoking through the API, sign-in lockout and the
idle timeout, over HTTP."""

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from backend.access.models import Role
from backend.access.services import role_grant
from backend.accounts.models import ApiToken, LoginThrottle, User
from backend.accounts.services import token_issue, user_create
from backend.orgs.models import PartyOrg
from tenants.context import in_district
from tests.conftest import global_id
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient
from tests.support.seed import PASSWORD, SeededDistrict

pytestmark = pytest.mark.usefixtures("db")

ERRORS = "errors { field code message }"
CREATE = (
    "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input)"
    " { key token { id name kind keyPrefix scopes expiresAt revokedAt } " + ERRORS + " } }"
)
REVOKE = "mutation($id: ID!) { revokeApiToken(id: $id) { token { id revokedAt } " + ERRORS + " } }"
LIST = "{ apiTokens(first: 100) { totalCount edges { node { id name kind keyPrefix scopes } } } }"
LOGIN = (
    "mutation($u: String!, $p: String!) { login(username: $u, password: $p)"
    " { token " + ERRORS + " } }"
)
CREATE_ORG = (
    'mutation($parent: ID!, $code: String!) { createPartyOrg(input: {code: $code, name: "令牌测试",'
    " kind: UNIT_ORG, parentId: $parent}) { org { id } errors { code } } }"
)


@pytest.fixture
def alpha_user(api_url: str) -> Iterator[GraphQLClient]:
    """A fresh alpha user, signed in: token tests then never see other tests' tokens."""
    username = f"token-user-{uuid.uuid4().hex[:8]}"
    with in_district("alpha"):
        user = user_create(username=username, password=PASSWORD)
        role_grant(user=user, role=Role.DISTRICT_ADMIN)
    client = GraphQLClient(api_url, "alpha.localhost")
    yield client.as_user(client.login(username, PASSWORD))
    with in_district("alpha"):
        user.delete()


def _create(client: GraphQLClient, **input_values: object) -> dict:
    values = {"name": "区级门户", "scopes": ["READ", "WRITE"], "expiresInDays": 30, **input_values}
    return client.execute(CREATE, {"input": values}).data["createApiToken"]


def test_application_token_is_shown_once_and_listed_without_its_key(
    alpha_user: GraphQLClient,
) -> None:
    created = _create(alpha_user, name="党建大屏", scopes=["READ"])
    assert created["errors"] == []
    key = created["key"]
    assert key.startswith(created["token"]["keyPrefix"])
    assert created["token"]["kind"] == "APPLICATION"
    assert created["token"]["scopes"] == ["READ"]
    expires = datetime.fromisoformat(created["token"]["expiresAt"])
    assert timedelta(days=29) < expires - timezone.now() <= timedelta(days=30)
    listed = alpha_user.execute(LIST).data["apiTokens"]
    names = {edge["node"]["name"]: edge["node"] for edge in listed["edges"]}
    assert set(names) == {"login", "党建大屏"}
    assert key not in alpha_user.execute(LIST).text


def test_read_only_token_reads_but_cannot_write(
    alpha_user: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    key = _create(alpha_user, scopes=["READ"])["key"]
    reader = alpha_user.as_user(key)
    assert reader.execute("{ me { username } }").data["me"]["username"].startswith("token-user-")
    before = _org_count()
    refused = reader.execute(
        CREATE_ORG,
        {
            "parent": global_id("PartyOrg", "alpha", seeded["alpha"].org_pks["root"]),
            "code": f"tok-{uuid.uuid4().hex[:6]}",
        },
    )
    assert refused.status == 403, refused.text
    assert refused.body["data"] is None
    assert refused.body["errors"][0]["extensions"]["code"] == "FORBIDDEN_SCOPE"
    assert _org_count() == before


def test_write_scope_token_can_write(
    alpha_user: GraphQLClient, seeded: dict[str, SeededDistrict]
) -> None:
    writer = alpha_user.as_user(_create(alpha_user, scopes=["READ", "WRITE"])["key"])
    code = f"tok-{uuid.uuid4().hex[:6]}"
    result = writer.execute(
        CREATE_ORG,
        {"parent": global_id("PartyOrg", "alpha", seeded["alpha"].org_pks["root"]), "code": code},
    )
    assert result.data["createPartyOrg"]["errors"] == []
    with in_district("alpha"):
        PartyOrg.objects.filter(code=code).delete()


def test_revoked_token_is_refused_and_revoking_again_changes_nothing(
    alpha_user: GraphQLClient,
) -> None:
    created = _create(alpha_user)
    holder = alpha_user.as_user(created["key"])
    assert holder.execute("{ me { username } }").status == 200
    revoked = alpha_user.execute(REVOKE, {"id": created["token"]["id"]}).data["revokeApiToken"]
    assert revoked["errors"] == []
    assert revoked["token"]["revokedAt"]
    again = alpha_user.execute(REVOKE, {"id": created["token"]["id"]}).data["revokeApiToken"]
    assert again["token"]["revokedAt"] == revoked["token"]["revokedAt"]
    refused = holder.execute("{ me { username } }")
    assert refused.status == 401
    assert refused.body["errors"][0]["extensions"]["code"] == "INVALID_TOKEN"


def test_another_users_token_is_invisible_and_cannot_be_revoked(
    alpha_user: GraphQLClient, alpha: GraphQLClient
) -> None:
    created = _create(alpha_user, name="别人的令牌")
    token_id = created["token"]["id"]
    assert "别人的令牌" not in alpha.execute(LIST).text
    assert alpha.execute("query($id: ID!) { node(id: $id) { id } }", {"id": token_id}).data == {
        "node": None
    }
    refused = alpha.execute(REVOKE, {"id": token_id}).data["revokeApiToken"]
    assert refused["token"] is None
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("id", "NOT_FOUND")]
    assert alpha_user.as_user(created["key"]).execute("{ me { username } }").status == 200


def test_beta_token_cannot_be_revoked_from_alpha(alpha: GraphQLClient, beta: GraphQLClient) -> None:
    with in_district("beta"):
        token = token_issue(user=User.objects.get(username="admin"), name="beta-own")
    refused = alpha.execute(REVOKE, {"id": global_id("ApiToken", "beta", token.token.pk)})
    assert refused.data["revokeApiToken"]["errors"][0]["code"] == "NOT_FOUND"
    assert beta.as_user(token.key).execute("{ me { username } }").status == 200
    with in_district("beta"):
        assert ApiToken.objects.get(pk=token.token.pk).revoked_at is None


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"name": "  "}, "name", "REQUIRED"),
        ({"scopes": []}, "scopes", "INVALID"),
        ({"expiresInDays": 0}, "expiresInDays", "OUT_OF_RANGE"),
        ({"expiresInDays": 10_000}, "expiresInDays", "OUT_OF_RANGE"),
    ],
)
def test_bad_token_input_is_a_typed_error_and_creates_nothing(
    alpha_user: GraphQLClient, values: dict, field: str, code: str
) -> None:
    before = _token_count()
    result = _create(alpha_user, **values)
    assert result["token"] is None
    assert result["key"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, code)]
    assert _token_count() == before


# --- sign-in lockout and idle timeout -----------------------------------------------------------


def test_repeated_failures_lock_the_user_name_even_for_the_right_password(api_url: str) -> None:
    username = f"lockout-{uuid.uuid4().hex[:8]}"
    with in_district("alpha"):
        user_create(username=username, password=PASSWORD)
    client = GraphQLClient(api_url, "alpha.localhost")
    for _ in range(settings.LOGIN_MAX_FAILURES):
        failed = client.execute(LOGIN, {"u": username, "p": "wrong-password"}).data["login"]
        assert failed["errors"][0]["code"] == "INVALID_CREDENTIALS"
    locked = client.execute(LOGIN, {"u": username, "p": PASSWORD}).data["login"]
    assert locked["token"] is None
    assert locked["errors"][0]["code"] == "LOCKED_OUT"
    with in_district("alpha"):
        LoginThrottle.objects.filter(username=username).update(
            locked_until=timezone.now() - timedelta(seconds=1)
        )
    assert client.execute(LOGIN, {"u": username, "p": PASSWORD}).data["login"]["token"]
    with in_district("alpha"):
        assert not LoginThrottle.objects.filter(username=username).exists()


def test_unknown_user_names_lock_the_same_way(api_url: str) -> None:
    """Otherwise the lock itself would tell which user names exist."""
    username = f"nobody-{uuid.uuid4().hex[:8]}"
    client = GraphQLClient(api_url, "alpha.localhost")
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.execute(LOGIN, {"u": username, "p": "wrong-password"})
    locked = client.execute(LOGIN, {"u": username, "p": "wrong-password"}).data["login"]
    assert locked["errors"][0]["code"] == "LOCKED_OUT"


def test_personal_token_ends_when_idle_but_application_token_does_not(
    alpha_user: GraphQLClient,
) -> None:
    application_key = _create(alpha_user)["key"]
    personal_key = alpha_user.token
    assert personal_key is not None
    idle_since = timezone.now() - timedelta(minutes=settings.IDLE_TIMEOUT_MINUTES + 1)
    with in_district("alpha"):
        ApiToken.objects.filter(key_prefix__in=[personal_key[:9], application_key[:9]]).update(
            last_used_at=idle_since
        )
    refused = alpha_user.execute("{ me { username } }")
    assert refused.status == 401
    assert alpha_user.as_user(application_key).execute("{ me { username } }").status == 200


def test_sessions_expire_after_the_idle_timeout(api_url: str) -> None:
    import httpx

    response = httpx.post(
        f"{api_url}/graphql/",
        json={
            "query": "mutation($u: String!, $p: String!) { login(username: $u, password: $p,"
            " useSession: true) { csrfToken errors { code } } }",
            "variables": {"u": "admin", "p": PASSWORD},
        },
        headers={"Host": "alpha.localhost"},
    )
    cookie = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookie if c.startswith("sessionid="))
    assert f"Max-Age={settings.IDLE_TIMEOUT_MINUTES * 60}" in session_cookie


def _org_count() -> int:
    with in_district("alpha"):
        return PartyOrg.objects.count()


def _token_count() -> int:
    with in_district("alpha"):
        return ApiToken.objects.count()
