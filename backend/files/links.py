"""Download links: a signed token naming one stored file, one user and one district.

The token carries no secret and grants nothing by itself: the download view also requires the
same user signed in (bearer token or session) on the same district's host. It expires after
settings.DANGJIAN_DOWNLOAD_LINK_TTL seconds, and never outlives the file."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.utils import timezone

from backend.files.models import StoredFile
from tenants.context import current_schema_name

_SALT = "dangjian.files.download"


@dataclass(frozen=True)
class DownloadLink:
    url: str
    expires_at: datetime
    file_name: str
    size: int


def _ttl() -> timedelta:
    return timedelta(seconds=int(settings.DANGJIAN_DOWNLOAD_LINK_TTL))


def download_link(file: StoredFile, user: Any) -> DownloadLink:
    """A link for `user` to download `file` from this district's host."""
    token = signing.dumps({"f": file.pk, "u": user.pk, "s": current_schema_name()}, salt=_SALT)
    expires_at = timezone.now() + _ttl()
    if file.expires_at is not None:
        expires_at = min(expires_at, file.expires_at)
    return DownloadLink(
        url=f"/files/{token}/", expires_at=expires_at, file_name=file.name, size=file.size
    )


def linked_file(token: str, user: Any) -> StoredFile | None:
    """The file a token names, if it is valid here and now for `user`; None for a bad
    signature, an old token, another user, another district or an expired or deleted file."""
    try:
        claims = signing.loads(token, salt=_SALT, max_age=_ttl())
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(claims, dict) or claims.get("s") != current_schema_name():
        return None
    if claims.get("u") is None or claims.get("u") != getattr(user, "pk", None):
        return None
    file_id = claims.get("f")
    if not isinstance(file_id, int):
        return None
    file = StoredFile.objects.filter(pk=file_id).first()
    if file is None or (file.expires_at is not None and file.expires_at <= timezone.now()):
        return None
    return file
