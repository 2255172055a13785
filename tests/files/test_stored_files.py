"""Stored files in-process: what goes in comes out byte for byte in ~1 MB chunks, names are made
safe, a local copy disappears after use, and the purge removes expired files (with their
chunks) and nothing else, in every district, on the beat schedule."""

import hashlib
import io
import os
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from backend.files.models import CHUNK_SIZE, StoredFile, StoredFileChunk
from backend.files.services import (
    clean_file_name,
    stored_file_chunks,
    stored_file_local_copy,
    stored_file_save,
    stored_files_purge_expired,
)
from backend.files.tasks import purge_expired_files, purge_expired_files_everywhere

pytestmark = pytest.mark.django_db


def _save(
    data: bytes | list[bytes], *, ttl: timedelta | None = None, name: str = "a.bin"
) -> StoredFile:
    source: Any = io.BytesIO(data) if isinstance(data, bytes) else iter(data)
    return stored_file_save(
        source=source,
        name=name,
        content_type="application/octet-stream",
        purpose="test",
        owner=None,
        ttl=ttl,
    )


def test_a_file_is_stored_in_chunks_and_read_back_unchanged(in_alpha: None) -> None:
    data = os.urandom(2 * CHUNK_SIZE + 12345)
    stored = _save(data)
    assert (stored.size, stored.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    sizes = list(
        StoredFileChunk.objects.filter(file=stored).order_by("seq").values_list("seq", "data")
    )
    assert [(seq, len(chunk)) for seq, chunk in sizes] == [
        (0, CHUNK_SIZE),
        (1, CHUNK_SIZE),
        (2, 12345),
    ]
    assert b"".join(stored_file_chunks(stored)) == data


def test_an_iterable_of_small_parts_is_regrouped_into_full_chunks(in_alpha: None) -> None:
    parts = [os.urandom(300_000) for _ in range(5)]  # 1.5 MB in five pieces
    stored = _save(parts)
    assert StoredFileChunk.objects.filter(file=stored).count() == 2
    assert b"".join(stored_file_chunks(stored)) == b"".join(parts)


def test_an_empty_file_has_no_chunks(in_alpha: None) -> None:
    stored = _save(b"")
    assert stored.size == 0
    assert list(stored_file_chunks(stored)) == []


def test_the_local_copy_holds_the_bytes_and_is_removed_afterwards(in_alpha: None) -> None:
    data = os.urandom(CHUNK_SIZE + 1)
    stored = _save(data, name="名册.xlsx")
    with stored_file_local_copy(stored) as path:
        assert path.suffix == ".xlsx"
        assert path.read_bytes() == data
    assert not path.exists()


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\王\\党员名册.xlsx", "党员名册.xlsx"),
        ('a"b<c>|d\x00e.csv', "a_b_c_d_e.csv"),
        ("  .  ", "file"),
        ("名" * 300 + ".xlsx", "名" * 250 + ".xlsx"),
    ],
)
def test_file_names_are_made_safe(given: str, kept: str) -> None:
    assert clean_file_name(given) == kept


def test_expiry_is_set_from_the_ttl(in_alpha: None) -> None:
    before = timezone.now()
    stored = _save(b"x", ttl=timedelta(hours=2))
    assert stored.expires_at is not None
    assert before + timedelta(hours=2) <= stored.expires_at <= timezone.now() + timedelta(hours=2)
    assert _save(b"x").expires_at is None


def test_the_purge_deletes_expired_files_and_their_chunks_only(in_alpha: None) -> None:
    keep_forever = _save(b"forever")
    keep_for_now = _save(b"later", ttl=timedelta(hours=1))
    expired = [_save(os.urandom(CHUNK_SIZE + 5), ttl=timedelta(seconds=1)) for _ in range(3)]
    in_two_seconds = timezone.now() + timedelta(seconds=2)
    assert stored_files_purge_expired(in_two_seconds) == 3
    assert not StoredFile.objects.filter(pk__in=[f.pk for f in expired]).exists()
    assert not StoredFileChunk.objects.filter(file_id__in=[f.pk for f in expired]).exists()
    assert set(StoredFile.objects.filter(purpose="test").values_list("pk", flat=True)) >= {
        keep_forever.pk,
        keep_for_now.pk,
    }
    assert stored_files_purge_expired(in_two_seconds) == 0  # idempotent


def test_the_purge_task_runs_in_its_district(in_alpha: None) -> None:
    stale = _save(b"old", ttl=timedelta(seconds=1))
    StoredFile.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    assert purge_expired_files.apply(headers={"_schema_name": "district_alpha"}).get() >= 1
    assert not StoredFile.objects.filter(pk=stale.pk).exists()


def test_the_purge_is_sent_to_every_district_hourly(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[str] = []
    monkeypatch.setattr(
        purge_expired_files,
        "apply_async",
        lambda *args, headers=None, **kwargs: sent.append(headers["_schema_name"]),
    )
    with django_capture_on_commit_callbacks(execute=True):
        schemas = purge_expired_files_everywhere()
    assert sorted(sent) == sorted(schemas)
    assert {"district_alpha", "district_beta"} <= set(sent)
    assert "public" not in sent  # files live in district schemas only
    beat = settings.CELERY_BEAT_SCHEDULE["files-purge-expired"]
    assert beat["task"] == purge_expired_files_everywhere.name
    assert purge_expired_files.schema_scope == "district"
    assert purge_expired_files_everywhere.schema_scope == "platform"
