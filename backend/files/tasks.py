"""The hourly purge of expired stored files.

`purge_expired_files_everywhere` (settings.files.FILES_BEAT_SCHEDULE) sends one
`purge_expired_files` per serving district, stamped with its schema; files exist in district
schemas only. Both are idempotent: a second run, or a redelivery, deletes nothing more."""

import logging

from celery import shared_task

from backend.files.services import stored_files_purge_expired
from tenants.context import current_scope_code
from tenants.tasks import DistrictTask, PlatformTask, send_to_every_schema

logger = logging.getLogger("dangjian.files")


@shared_task(base=DistrictTask, name="files.purge_expired")
def purge_expired_files() -> int:
    deleted = stored_files_purge_expired()
    logger.info("files: purged %d expired files from %s", deleted, current_scope_code())
    return deleted


@shared_task(base=PlatformTask, name="files.purge_expired_everywhere")
def purge_expired_files_everywhere() -> list[str]:
    return send_to_every_schema(purge_expired_files, include_platform=False)
