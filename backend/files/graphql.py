"""The DownloadLink type: what a job's download fields return (exports, import reports)."""

from datetime import datetime
from typing import Any

import strawberry

from backend.files.links import download_link
from backend.files.models import StoredFile


@strawberry.type(
    name="DownloadLink",
    description=(
        "A link to download a file: GET url on this district's host with the same credentials "
        "(bearer token or session). Works for you only, until expiresAt; ask again for a new one."
    ),
)
class DownloadLinkType:
    url: str = strawberry.field(description="Relative to this district's host.")
    expires_at: datetime
    file_name: str
    size: int = strawberry.field(description="Bytes.")


def download_link_type(file: StoredFile, user: Any) -> DownloadLinkType:
    """A fresh link to `file` for `user` (the caller has decided they may have it)."""
    link = download_link(file, user)
    return DownloadLinkType(
        url=link.url, expires_at=link.expires_at, file_name=link.file_name, size=link.size
    )
