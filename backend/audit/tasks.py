"""The nightly purge of expired audit entries.

`purge_expired_entries_everywhere` (scheduled in settings.audit.CELERY_BEAT_SCHEDULE) sends one
`purge_expired_entries` per serving district, stamped with that district's schema, and one for
the public schema (the platform's sign-ins). tenant-schemas-celery runs each in the schema it is
stamped with, so the purge itself is written for one schema. The purge is an AnySchemaTask (its
job is the same in every schema, public included), the dispatcher a PlatformTask (public only).
Both are idempotent: running them twice, or a redelivery, deletes nothing more.
"""

import functools
import logging

from celery import shared_task
from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name

from backend.audit.purge import purge_expired
from tenants.models import District
from tenants.tasks import AnySchemaTask, PlatformTask

logger = logging.getLogger("dangjian.audit")


@shared_task(base=AnySchemaTask, name="audit.purge_expired_entries")
def purge_expired_entries() -> int:
    """Delete this schema's entries older than AUDIT_RETENTION_DAYS; returns how many."""
    deleted = purge_expired(retention_days=settings.AUDIT_RETENTION_DAYS)
    logger.info("audit: purged %d entries from %s", deleted, connection.schema_name)  # type: ignore[attr-defined]
    return deleted


@shared_task(base=PlatformTask, name="audit.purge_expired_entries_everywhere")
def purge_expired_entries_everywhere() -> list[str]:
    """Fan out one purge per district and one for the public schema; returns the schemas."""
    schemas = [get_public_schema_name()]
    schemas += list(District.objects.serving().values_list("schema_name", flat=True))
    for schema_name in schemas:
        # Sent after commit, should this ever run inside a transaction.
        transaction.on_commit(functools.partial(_send_purge, schema_name))
    return schemas


def _send_purge(schema_name: str) -> None:
    # Stamped explicitly: the header, not whatever schema this worker is in, decides where the
    # purge runs.
    purge_expired_entries.apply_async(headers={"_schema_name": schema_name})
