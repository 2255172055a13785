"""The audit trail (backend/audit): retention, the nightly purge, and whom to believe about
client addresses.

DANGJIAN_AUDIT_RETENTION_DAYS   how long entries are kept; at least 184 (six months), which the
                                database also enforces (migration audit 0001): a smaller value
                                stops the process at startup.
DANGJIAN_TRUSTED_PROXY_COUNT    how many reverse proxies in front of the application append to
                                X-Forwarded-For. 0 (the default): the client address is the TCP
                                peer (REMOTE_ADDR) and X-Forwarded-For is ignored, since any
                                client can send one. N: the address N-th from the right in
                                X-Forwarded-For, the one the outermost trusted proxy saw.
"""

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from backend.config.env import env_int

__all__ = [
    "AUDIT_BEAT_SCHEDULE",
    "AUDIT_MIN_RETENTION_DAYS",
    "AUDIT_RETENTION_DAYS",
    "AUDIT_TRUSTED_PROXY_COUNT",
]

# Also in backend.audit.models.MIN_RETENTION_DAYS and the database trigger; settings cannot import
# models, so the number is repeated here.
AUDIT_MIN_RETENTION_DAYS = 184


def retention_days(raw_days: int) -> int:
    if raw_days < AUDIT_MIN_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"DANGJIAN_AUDIT_RETENTION_DAYS must be at least {AUDIT_MIN_RETENTION_DAYS}"
            f" (six months), not {raw_days}."
        )
    return raw_days


AUDIT_RETENTION_DAYS = retention_days(
    env_int("DANGJIAN_AUDIT_RETENTION_DAYS", AUDIT_MIN_RETENTION_DAYS)
)

AUDIT_TRUSTED_PROXY_COUNT = env_int("DANGJIAN_TRUSTED_PROXY_COUNT", 0)
if AUDIT_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("DANGJIAN_TRUSTED_PROXY_COUNT must be 0 or more.")

AUDIT_BEAT_SCHEDULE = {
    # One purge per district and one for the public schema (audit.tasks), every night.
    "audit-purge-expired-entries": {
        "task": "audit.purge_expired_entries_everywhere",
        "schedule": crontab(hour=3, minute=17),
    },
}
