"""Reading the audit trail: newest first, filtered as the API offers."""

from datetime import datetime

from django.db.models import QuerySet

from backend.audit.models import AuditEntry


def audit_entry_list(
    *,
    action: str | None = None,
    actor_username: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    target_type: str | None = None,
    result: str | None = None,
) -> QuerySet[AuditEntry]:
    """`action` matches exactly, or, ending in ".", every action it starts (`org.`); `since` is
    inclusive, `until` exclusive."""
    qs = AuditEntry.objects.all()
    if action:
        qs = (
            qs.filter(action__startswith=action)
            if action.endswith(".")
            else qs.filter(action=action)
        )
    if actor_username is not None:
        qs = qs.filter(actor_username=actor_username)
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    if until is not None:
        qs = qs.filter(occurred_at__lt=until)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if result:
        qs = qs.filter(result=result)
    return qs.order_by("-occurred_at", "-id")
