"""Signing in and proving who you are, over HTTP: passwords, bearer tokens, sessions with CSRF,
per-district accounts and unknown hosts."""

import hashlib
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.db import connection
from django.utils import timezone

from backend.accounts.models import ApiToken, User
from backend.accounts.services import IssuedToken, token_issue, user_create
from backend.orgs.models import PartyOrg
from tenants.context import in_district
from tests.conftest import global_id
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient, Response
from tests.support.seed import PASSWORD, SeededDistrict

pytestmark = pytest.mark.usefixtures("db")

LOGIN = (
    "mutation($u: String!, $p: String!, $s: Boolean! = false) {"
    " login(username: $u, password: $p, useSession: $s)"
    " { token expiresAt csrfToken user { username } errors { field code message } } }"
)
ME = "{ me { username } }"
ORGS = "{ orgs(first: 100) { totalCount edges { node { name } } } }"
# A valid create (a unit org under alpha's district committee, "ROOT" replaced by its ID): it is
# refused only for lack of credentials.
CREATE_ORG = (
    'mutation { createPartyOrg(input: {code: "%s", name: "不应建立", kind: UNIT_ORG,'
    ' parentId: "ROOT"}) { org { id } errors { code } } }'
)


def _with_alpha_root(query: str, seeded: dict[str, SeededDistrict]) -> str:
    return query.replace("ROOT", global_id("PartyOrg", "alpha", seeded["alpha"].org_pks["root"]))


def _anonymous(api_url: str, host: str = "alpha.localhost") -> GraphQLClient:
    return GraphQLClient(api_url, host)


def _assert_refused(response: Response, status: int, code: str) -> None:
    assert response.status == status, response.text
    assert response.body.get("data") is None, response.text
    assert response.body["errors"][0]["extensions"]["code"] == code
    assert "CANARY" not in response.text


def _issue(username: str, ttl: timedelta | None = None) -> IssuedToken:
    with in_district("alpha"):
        return token_issue(user=User.objects.get(username=username), name="test", ttl=ttl)


@pytest.fixture
def alpha_user() -> Iterator[str]:
    """A user that exists in alpha only, with a name no other test uses."""
    username = f"alpha-only-{uuid.uuid4().hex[:8]}"
    with in_district("alpha"):
        user = user_create(username=username, password=PASSWORD)
    yield username
    with in_district("alpha"):
        user.delete()


# --- passwords --------------------------------------------------------------------------------


def test_wrong_password_and_unknown_user_get_the_same_typed_error(api_url: str) -> None:
    client = _anonymous(api_url)
    wrong_password = client.execute(LOGIN, {"u": "admin", "p": "Wrong-pass-2024"})
    unknown_user = client.execute(LOGIN, {"u": f"nobody-{uuid.uuid4().hex[:6]}", "p": PASSWORD})

    for response in (wrong_password, unknown_user):
        assert response.status == 200
        login = response.data["login"]
        assert login["token"] is None
        assert login["expiresAt"] is None
        assert login["csrfToken"] is None
        assert login["user"] is None
        assert [e["code"] for e in login["errors"]] == ["INVALID_CREDENTIALS"]
        assert "set-cookie" not in response.text.lower()
    assert wrong_password.data == unknown_user.data


def test_correct_password_gives_a_working_token(api_url: str) -> None:
    client = _anonymous(api_url)
    login = client.execute(LOGIN, {"u": "admin", "p": PASSWORD}).data["login"]
    assert login["errors"] == []
    assert login["token"].startswith("dj_")
    assert login["user"] == {"username": "admin"}
    assert client.execute(ME, token=login["token"]).data["me"]["username"] == "admin"


def test_alpha_account_cannot_log_in_on_beta_host(api_url: str, alpha_user: str) -> None:
    on_alpha = _anonymous(api_url, "alpha.localhost").execute(
        LOGIN, {"u": alpha_user, "p": PASSWORD}
    )
    assert on_alpha.data["login"]["token"], on_alpha.text

    on_beta = _anonymous(api_url, "beta.localhost").execute(LOGIN, {"u": alpha_user, "p": PASSWORD})
    assert on_beta.status == 200
    assert on_beta.data["login"]["token"] is None
    assert on_beta.data["login"]["user"] is None
    assert [e["code"] for e in on_beta.data["login"]["errors"]] == ["INVALID_CREDENTIALS"]
    with in_district("beta"):
        assert not User.objects.filter(username=alpha_user).exists()


def test_platform_account_cannot_log_in_on_a_district_host(api_url: str) -> None:
    response = _anonymous(api_url, "alpha.localhost").execute(
        LOGIN, {"u": "operator", "p": PASSWORD}
    )
    assert response.data["login"]["token"] is None
    assert [e["code"] for e in response.data["login"]["errors"]] == ["INVALID_CREDENTIALS"]


# --- anonymous and malformed credentials ------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        ME,
        ORGS,
        "{ district { code name rootOrg { name } } }",
        "{ members(first: 5) { edges { node { name idNumber } } } }",
        CREATE_ORG % "anon-1",
    ],
)
def test_anonymous_call_is_401_unauthenticated(
    api_url: str, query: str, seeded: dict[str, SeededDistrict]
) -> None:
    orgs_before = _org_count("alpha")
    response = _anonymous(api_url).execute(_with_alpha_root(query, seeded))
    _assert_refused(response, 401, "UNAUTHENTICATED")
    assert _org_count("alpha") == orgs_before


def _org_count(code: str) -> int:
    with in_district(code):
        return PartyOrg.objects.count()


@pytest.mark.parametrize(
    "header",
    [
        "Basic YWRtaW46VGVzdC1wYXNzLTIwMjQ=",  # admin:Test-pass-2024
        "Bearer",
        "Bearer garbage",
        "Bearer dj_",
        "Bearer dj_" + "A" * 43,
        "Bearer dj_" + "A" * 200,
        "Token dj_" + "A" * 43,
        "garbage",
        "Bearer\tdj_garbage",
    ],
)
def test_malformed_authorization_header_is_401(api_url: str, header: str) -> None:
    client = GraphQLClient(api_url, "alpha.localhost", headers={"Authorization": header})
    response = client.execute(ORGS)
    _assert_refused(response, 401, "INVALID_TOKEN")


def test_valid_key_under_another_scheme_is_refused(api_url: str, alpha: GraphQLClient) -> None:
    assert alpha.token
    for header in (f"Basic {alpha.token}", f"Token {alpha.token}", alpha.token):
        client = GraphQLClient(api_url, "alpha.localhost", headers={"Authorization": header})
        _assert_refused(client.execute(ME), 401, "INVALID_TOKEN")


# --- token lifecycle --------------------------------------------------------------------------


def test_expired_token_is_401(api_url: str) -> None:
    expired = _issue("admin", ttl=timedelta(seconds=-1))
    fresh = _issue("admin")
    client = _anonymous(api_url)

    assert client.execute(ME, token=fresh.key).data["me"]["username"] == "admin"
    _assert_refused(client.execute(ME, token=expired.key), 401, "INVALID_TOKEN")


def test_revoked_token_is_401(api_url: str) -> None:
    issued = _issue("admin")
    client = _anonymous(api_url)
    assert client.execute(ORGS, token=issued.key).data["orgs"]["totalCount"] > 0

    with in_district("alpha"):
        ApiToken.objects.filter(pk=issued.token.pk).update(revoked_at=timezone.now())

    _assert_refused(client.execute(ORGS, token=issued.key), 401, "INVALID_TOKEN")


def test_token_of_deactivated_user_is_401(api_url: str, alpha_user: str) -> None:
    issued = _issue(alpha_user)
    client = _anonymous(api_url)
    assert client.execute(ME, token=issued.key).data["me"]["username"] == alpha_user

    with in_district("alpha"):
        User.objects.filter(username=alpha_user).update(is_active=False)

    _assert_refused(client.execute(ME, token=issued.key), 401, "INVALID_TOKEN")


def test_last_used_at_is_set_when_the_token_is_used(api_url: str) -> None:
    issued = _issue("admin")
    assert issued.token.last_used_at is None
    started = timezone.now()

    assert _anonymous(api_url).execute(ME, token=issued.key).status == 200

    with in_district("alpha"):
        token = ApiToken.objects.get(pk=issued.token.pk)
    assert token.last_used_at is not None
    assert started - timedelta(seconds=5) <= token.last_used_at <= timezone.now()


def test_token_is_stored_hashed(api_url: str) -> None:
    key = _anonymous(api_url).execute(LOGIN, {"u": "admin", "p": PASSWORD}).data["login"]["token"]
    assert key

    with in_district("alpha"):
        token = ApiToken.objects.get(key_hash=hashlib.sha256(key.encode()).hexdigest())
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")  # noqa: S608
            dump = repr(cursor.fetchall())
    assert key not in dump
    assert key[len("dj_") :] not in dump
    assert len(token.key_prefix) < len(key) // 3
    assert key.startswith(token.key_prefix)


# --- sessions and CSRF ------------------------------------------------------------------------


def _session(api_url: str, host: str = "alpha.localhost") -> dict[str, Any]:
    response = httpx.post(
        f"{api_url}/graphql/",
        json={"query": LOGIN, "variables": {"u": "admin", "p": PASSWORD, "s": True}},
        headers={"Host": host},
    )
    login = response.json()["data"]["login"]
    assert login["errors"] == []
    return {"login": login, "cookies": dict(response.cookies)}


def _post(
    api_url: str, query: str, *, cookies: dict[str, str], headers: dict[str, str] | None = None
) -> httpx.Response:
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    return httpx.post(
        f"{api_url}/graphql/",
        json={"query": query},
        headers={"Host": "alpha.localhost", "Cookie": cookie, **(headers or {})},
    )


def test_session_login_sets_cookies_and_returns_no_token(api_url: str) -> None:
    session = _session(api_url)
    assert session["login"]["token"] is None
    assert session["login"]["csrfToken"]
    assert session["login"]["user"] == {"username": "admin"}
    assert {"sessionid", "csrftoken"} <= set(session["cookies"])


def test_session_cookie_with_csrf_header_works_for_a_mutation(
    api_url: str, seeded: dict[str, SeededDistrict]
) -> None:
    """The control for the CSRF refusals below: with the header, the same mutation goes through."""
    session = _session(api_url)
    code = f"csrf-ok-{uuid.uuid4().hex[:6]}"
    response = _post(
        api_url,
        _with_alpha_root(CREATE_ORG % code, seeded),
        cookies=session["cookies"],
        headers={"X-CSRFToken": session["login"]["csrfToken"]},
    )
    try:
        assert response.status_code == 200, response.text
        assert response.json()["data"]["createPartyOrg"]["errors"] == []
    finally:
        with in_district("alpha"):
            PartyOrg.objects.filter(code=code).delete()


def test_session_cookie_with_csrf_header_works_for_a_query(api_url: str) -> None:
    session = _session(api_url)
    response = _post(
        api_url,
        ORGS,
        cookies=session["cookies"],
        headers={"X-CSRFToken": session["login"]["csrfToken"]},
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["orgs"]["totalCount"] > 0


@pytest.mark.parametrize("csrf_header", [None, "wrong-token-" + "x" * 20])
def test_session_post_without_valid_csrf_header_is_refused(
    api_url: str, csrf_header: str | None, seeded: dict[str, SeededDistrict]
) -> None:
    session = _session(api_url)
    headers = {"X-CSRFToken": csrf_header} if csrf_header else {}
    orgs_before = _org_count("alpha")

    for query in (
        ORGS,
        CREATE_ORG % "csrf-1",
    ):
        response = _post(
            api_url, _with_alpha_root(query, seeded), cookies=session["cookies"], headers=headers
        )
        assert response.status_code == 403, response.text
        assert response.json().get("data") is None
        assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_FAILED"
        assert "CANARY" not in response.text
    assert _org_count("alpha") == orgs_before


def test_bearer_login_sets_no_session_cookie(api_url: str) -> None:
    response = httpx.post(
        f"{api_url}/graphql/",
        json={"query": LOGIN, "variables": {"u": "admin", "p": PASSWORD}},
        headers={"Host": "alpha.localhost"},
    )
    assert response.json()["data"]["login"]["token"]
    assert "sessionid" not in response.cookies


# --- hosts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["gamma.localhost", "example.com", "alpha.localhost.evil.test"])
@pytest.mark.parametrize("query", [ME, LOGIN])
def test_unknown_host_is_404_with_no_data(
    api_url: str, alpha: GraphQLClient, host: str, query: str, seeded: dict[str, SeededDistrict]
) -> None:
    response = GraphQLClient(api_url, host, alpha.token).execute(
        query, {"u": "admin", "p": PASSWORD} if query == LOGIN else None
    )
    assert response.status == 404, response.text
    assert "data" not in response.body
    assert response.body["errors"][0]["extensions"]["code"] == "UNKNOWN_HOST"
    for district in seeded.values():
        assert district.canary not in response.text
