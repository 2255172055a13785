"""Deleting expired audit entries in the current schema (the purge task calls this)."""

from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models.functions import Now

from backend.audit.models import MIN_RETENTION_DAYS, AuditEntry

BATCH_SIZE = 5000


def purge_expired(*, retention_days: int, batch_size: int = BATCH_SIZE) -> int:
    """Delete the entries older than `retention_days`, in batches; returns how many.

    The cut-off is computed by PostgreSQL (now() - interval), the clock its trigger checks the
    184-day floor against, so a skewed application clock cannot make it refuse the batch."""
    if retention_days < MIN_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"Audit entries are kept at least {MIN_RETENTION_DAYS} days, not {retention_days}."
        )
    expired = AuditEntry.objects.filter(occurred_at__lt=Now() - timedelta(days=retention_days))
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(expired.order_by("id").values_list("id", flat=True)[:batch_size])
            if not ids:
                return deleted
            count, _ = AuditEntry.objects.filter(id__in=ids).delete()
        deleted += count
