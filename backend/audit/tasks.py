"""The nightly purge of expired audit entries.

`purge_expired_entries_everywhere` (scheduled in settings.audit.AUDIT_BEAT_SCHEDULE) sends one
`purge_expired_entries` per serving district, stamped with that district's schema, and one for
the public schema (the platform's sign-ins). tenant-schemas-celery runs each in the schema it is
stamped with, so the purge itself is written for one schema. The purge is an AnySchemaTask (its
job is the same in every schema, public included), the dispatcher a PlatformTask (public only).
Both are idempotent: running them twice, or a redelivery, deletes nothing more.
"""

import logging

from celery import shared_task
from django.conf import settings

from backend.audit.purge import purge_expired
from tenants.context import current_scope_code
from tenants.tasks import AnySchemaTask, PlatformTask, send_to_every_schema

logger = logging.getLogger("dangjian.audit")


@shared_task(base=AnySchemaTask, name="audit.purge_expired_entries")
def purge_expired_entries() -> int:
    """Delete this schema's entries older than AUDIT_RETENTION_DAYS; returns how many."""
    deleted = purge_expired(retention_days=settings.AUDIT_RETENTION_DAYS)
    logger.info("audit: purged %d entries from %s", deleted, current_scope_code())
    return deleted


@shared_task(base=PlatformTask, name="audit.purge_expired_entries_everywhere")
def purge_expired_entries_everywhere() -> list[str]:
    """Fan out one purge per district and one for the public schema; returns the schemas."""
    return send_to_every_schema(purge_expired_entries, include_platform=True)
