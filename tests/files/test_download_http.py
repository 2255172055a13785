"""The download view over HTTP, as a browser or script follows a DownloadLink: the same bearer
token gets the file, streamed with its name; nobody else, no expired link and no other district's
host gets anything but the same 404; every download is audited."""

import io
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from unittest import mock
from urllib.parse import quote

import httpx
import pytest
from django.utils import timezone

from backend.access.models import Role
from backend.access.services import role_grant
from backend.accounts.models import User
from backend.accounts.services import user_create
from backend.audit.models import AuditEntry
from backend.files.links import download_link
from backend.files.models import CHUNK_SIZE, StoredFile
from backend.files.services import stored_file_save
from backend.orgs.models import PartyOrg
from tenants.context import in_district
from tests.support.committed_db import db  # noqa: F401 (the fixture)
from tests.support.graphql_client import GraphQLClient
from tests.support.seed import PASSWORD

pytestmark = pytest.mark.usefixtures("db")

NAME = "党员名册 2026.csv"
DATA = ("姓名,公民身份号码\r\n" * 80_000).encode() + b"end"  # more than one chunk


@pytest.fixture(scope="module")
def stored(django_db_blocker: Any) -> Iterator[StoredFile]:
    with django_db_blocker.unblock(), in_district("alpha"):
        file = stored_file_save(
            source=io.BytesIO(DATA),
            name=NAME,
            content_type="text/csv; charset=utf-8",
            purpose="test",
            owner=None,
            ttl=timedelta(hours=1),
        )
    assert len(DATA) > CHUNK_SIZE
    yield file
    with django_db_blocker.unblock(), in_district("alpha"):
        StoredFile.objects.filter(pk=file.pk).delete()


@pytest.fixture(scope="module")
def stranger(api_url: str, django_db_blocker: Any) -> GraphQLClient:
    """A district admin of alpha too, but not the one the link is for."""
    with django_db_blocker.unblock(), in_district("alpha"):
        user = user_create(username=f"files-{uuid.uuid4().hex[:6]}", password=PASSWORD)
        role_grant(user=user, role=Role.DISTRICT_ADMIN, may_unmask=True)
    client = GraphQLClient(api_url, "alpha.localhost")
    return client.as_user(client.login(user.username, PASSWORD))


def _link_for_admin(file: StoredFile, *, issued_ago: int = 0) -> str:
    with in_district("alpha"):
        admin = User.objects.get(username="admin")
        issued = timezone.now().timestamp() - issued_ago
        with mock.patch("django.core.signing.time.time", return_value=issued):
            return download_link(file, admin).url


def _get(
    api_url: str, url: str, client: GraphQLClient | None, host: str = "alpha.localhost"
) -> httpx.Response:
    headers = {"Host": host}
    if client is not None:
        headers["Authorization"] = f"Bearer {client.token}"
    return httpx.get(f"{api_url}{url}", headers=headers, timeout=30)


def test_the_same_user_downloads_the_file(
    api_url: str, alpha: GraphQLClient, stored: StoredFile
) -> None:
    url = _link_for_admin(stored)
    response = _get(api_url, url, alpha)
    assert response.status_code == 200
    assert response.content == DATA
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-length"] == str(len(DATA))
    assert response.headers["cache-control"] == "no-store"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="____ 2026.csv"')
    assert f"filename*=UTF-8''{quote(NAME, safe='')}" in disposition
    with in_district("alpha"):
        entry = AuditEntry.objects.filter(action="file.download", target_id=stored.pk).latest("id")
    assert (entry.target_type, entry.actor_username, entry.result) == ("StoredFile", "admin", "ok")
    assert entry.detail == {"name": NAME, "purpose": "test", "size": len(DATA)}


def test_without_credentials_it_is_401(api_url: str, stored: StoredFile) -> None:
    assert _get(api_url, _link_for_admin(stored), None).status_code == 401


def test_another_users_token_gets_404(
    api_url: str, stranger: GraphQLClient, stored: StoredFile
) -> None:
    response = _get(api_url, _link_for_admin(stored), stranger)
    assert response.status_code == 404
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "姓名" not in response.text


def test_an_expired_link_gets_404(api_url: str, alpha: GraphQLClient, stored: StoredFile) -> None:
    assert _get(api_url, _link_for_admin(stored, issued_ago=901), alpha).status_code == 404
    assert _get(api_url, _link_for_admin(stored, issued_ago=800), alpha).status_code == 200


def test_an_expired_file_gets_404(api_url: str, alpha: GraphQLClient, stored: StoredFile) -> None:
    url = _link_for_admin(stored)
    with in_district("alpha"):
        original = StoredFile.objects.get(pk=stored.pk).expires_at
        StoredFile.objects.filter(pk=stored.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    try:
        assert _get(api_url, url, alpha).status_code == 404
    finally:
        with in_district("alpha"):
            StoredFile.objects.filter(pk=stored.pk).update(expires_at=original)


def test_another_districts_host_gets_nothing(
    api_url: str, alpha: GraphQLClient, beta: GraphQLClient, stored: StoredFile
) -> None:
    url = _link_for_admin(stored)
    # beta's own admin (the same user id in beta's schema) on beta's host: the link names alpha.
    on_beta = _get(api_url, url, beta, host="beta.localhost")
    assert on_beta.status_code == 404
    assert "姓名" not in on_beta.text
    # alpha's token is nobody on beta's host.
    assert _get(api_url, url, alpha, host="beta.localhost").status_code == 401


def test_a_tampered_token_gets_404(api_url: str, alpha: GraphQLClient, stored: StoredFile) -> None:
    url = _link_for_admin(stored)
    assert _get(api_url, url[:-3] + "x/", alpha).status_code == 404
    with in_district("alpha"):
        other_pk = PartyOrg.objects.order_by("pk").values_list("pk", flat=True).first()
    assert _get(api_url, f"/files/{other_pk}/", alpha).status_code == 404
