"""Download links in-process: the token names one file, one user and one district, expires after
DANGJIAN_DOWNLOAD_LINK_TTL, and never outlives its file."""

import io
from datetime import timedelta
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone

from backend.accounts.models import User
from backend.files.links import download_link, linked_file
from backend.files.models import StoredFile
from backend.files.services import stored_file_save
from tenants.context import in_district

pytestmark = pytest.mark.django_db


def _file(ttl: timedelta | None = timedelta(hours=1)) -> StoredFile:
    return stored_file_save(
        source=io.BytesIO(b"data"),
        name="导出.csv",
        content_type="text/csv",
        purpose="test",
        owner=None,
        ttl=ttl,
    )


@pytest.fixture
def admin(in_alpha: None) -> User:
    return User.objects.get(username="admin")


@pytest.fixture
def other(in_alpha: None) -> User:
    return User.objects.create(username="links-other")


def _token(url: str) -> str:
    assert url.startswith("/files/")
    assert url.endswith("/")
    return url.removeprefix("/files/").removesuffix("/")


def test_a_link_works_for_its_user_only(admin: User, other: User) -> None:
    stored = _file()
    link = download_link(stored, admin)
    assert (link.file_name, link.size) == ("导出.csv", 4)
    assert linked_file(_token(link.url), admin) == stored
    assert linked_file(_token(link.url), other) is None
    assert linked_file(_token(link.url) + "x", admin) is None  # tampered
    assert linked_file("not-a-token", admin) is None


def test_a_link_expires_after_the_ttl(admin: User) -> None:
    stored = _file()
    issued_at = timezone.now().timestamp()
    with mock.patch("django.core.signing.time.time", return_value=issued_at - 901):
        old = download_link(stored, admin)
    assert linked_file(_token(old.url), admin) is None
    with override_settings(DANGJIAN_DOWNLOAD_LINK_TTL=1000):
        assert linked_file(_token(old.url), admin) == stored
        fresh = download_link(stored, admin)
        assert fresh.expires_at > timezone.now() + timedelta(seconds=990)


def test_a_link_never_outlives_its_file(admin: User) -> None:
    stored = _file(ttl=timedelta(minutes=5))
    link = download_link(stored, admin)
    assert link.expires_at == stored.expires_at  # 5 minutes, not the link's 15
    assert download_link(_file(ttl=None), admin).expires_at > timezone.now() + timedelta(minutes=14)
    StoredFile.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert linked_file(_token(link.url), admin) is None


def test_a_link_from_one_district_is_nothing_in_another(admin: User) -> None:
    stored = _file()
    token = _token(download_link(stored, admin).url)
    with in_district("beta"):
        # A user of beta with the same id as alpha's admin: the schema tells them apart.
        assert linked_file(token, SimpleNamespace(pk=admin.pk)) is None


def test_a_deleted_file_has_no_link(admin: User, other: Any) -> None:
    stored = _file()
    token = _token(download_link(stored, admin).url)
    stored.delete()
    assert linked_file(token, admin) is None
