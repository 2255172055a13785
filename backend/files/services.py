"""Storing files and reading them back, one chunk at a time, and purging the expired ones."""

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path, PurePath
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone

from backend.files.models import CHUNK_SIZE, StoredFile, StoredFileChunk

PURGE_BATCH = 200
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def clean_file_name(name: str) -> str:
    """A name safe to store and to offer in a download: no directories, no control or reserved
    characters, at most 255 characters with the extension kept."""
    base = PurePath(name.replace("\\", "/")).name
    base = _UNSAFE_NAME.sub("_", base).strip(" .") or "file"
    if len(base) > 255:
        stem, dot, suffix = base.rpartition(".")
        base = (
            stem[: 255 - len(suffix) - 1] + dot + suffix if dot and len(suffix) < 16 else base[:255]
        )
    return base


def _pieces(source: BinaryIO | Iterable[bytes]) -> Iterator[bytes]:
    """The source cut into CHUNK_SIZE pieces (the last one shorter), never more in memory."""
    if hasattr(source, "read"):
        reader: Any = source
        while piece := reader.read(CHUNK_SIZE):
            yield bytes(piece)
        return
    buffer = bytearray()
    for part in source:
        buffer += part
        while len(buffer) >= CHUNK_SIZE:
            yield bytes(buffer[:CHUNK_SIZE])
            del buffer[:CHUNK_SIZE]
    if buffer:
        yield bytes(buffer)


@transaction.atomic
def stored_file_save(
    *,
    source: BinaryIO | Iterable[bytes],
    name: str,
    content_type: str,
    purpose: str,
    owner: Any | None,
    ttl: timedelta | None,
) -> StoredFile:
    """Store everything `source` yields as one file; `ttl` None keeps it until deleted."""
    now = timezone.now()
    stored = StoredFile.objects.create(
        name=clean_file_name(name),
        content_type=content_type,
        purpose=purpose,
        owner=owner if getattr(owner, "pk", None) else None,
        expires_at=now + ttl if ttl is not None else None,
    )
    digest = hashlib.sha256()
    size = 0
    for seq, piece in enumerate(_pieces(source)):
        StoredFileChunk.objects.create(file=stored, seq=seq, data=piece)
        digest.update(piece)
        size += len(piece)
    stored.size, stored.sha256 = size, digest.hexdigest()
    stored.save(update_fields=["size", "sha256"])
    return stored


def stored_file_chunks(file: StoredFile) -> Iterator[bytes]:
    """The file's bytes chunk by chunk, one query per chunk (about 1 MB each)."""
    seqs = list(
        StoredFileChunk.objects.filter(file_id=file.pk)
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    for seq in seqs:
        data = (
            StoredFileChunk.objects.filter(file_id=file.pk, seq=seq)
            .values_list("data", flat=True)
            .first()
        )
        if data is None:  # purged while being read
            return
        yield bytes(data)


@contextmanager
def stored_file_local_copy(file: StoredFile) -> Iterator[Path]:
    """The file copied to a private temporary file (for libraries that need a path); removed
    when the block ends."""
    suffix = Path(file.name).suffix[:16]
    fd, raw_path = tempfile.mkstemp(prefix="dangjian-file-", suffix=suffix)
    path = Path(raw_path)
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in stored_file_chunks(file):
                handle.write(piece)
        yield path
    finally:
        path.unlink(missing_ok=True)


def stored_files_purge_expired(now: datetime | None = None) -> int:
    """Delete the files whose expiry has passed, with their chunks, in batches; returns how
    many files. Idempotent: a second run finds nothing."""
    cutoff = now or timezone.now()
    expired = StoredFile.objects.filter(expires_at__isnull=False, expires_at__lte=cutoff)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(expired.order_by("id").values_list("id", flat=True)[:PURGE_BATCH])
            if not ids:
                return deleted
            StoredFileChunk.objects.filter(file_id__in=ids).delete()
            StoredFile.objects.filter(id__in=ids).delete()
        deleted += len(ids)
