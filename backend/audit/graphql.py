"""The audit trail through the API: district administrators read their district's entries."""

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated

import strawberry
import strawberry_django
from strawberry.relay import to_base64
from strawberry.scalars import JSON

from backend.audit import selectors
from backend.audit.models import AuditEntry, AuditResult
from backend.common.graphql.connection import DjangoCursorConnection, page_connection
from backend.common.graphql.fields import model_type
from backend.common.graphql.permissions import IsDistrictAdmin
from tenants.global_ids import encode_node_id

strawberry.enum(AuditResult, name="AuditResult", description="审计结果")


@model_type(
    AuditEntry,
    name="AuditEntry",
    description="审计日志: who did what, when, from where, and with what result.",
)
class AuditEntryType:
    occurred_at: datetime
    actor_username: str = strawberry_django.field(
        description="Who: the signed-in user, or the name typed in a failed sign-in."
    )
    ip_address: str | None = strawberry_django.field(description="From where: the client address.")
    user_agent: str
    action: str = strawberry_django.field(
        description="What: login, login_failed, org.create, member.update, token.revoke, …"
    )
    changes: JSON = strawberry_django.field(
        description="{field: [before, after]} of what changed; ID numbers and phones masked."
    )
    detail: JSON = strawberry_django.field(
        description="More about the event: error fields and codes, revealed fields, counts."
    )
    result: AuditResult
    reason: str = strawberry_django.field(description="Why not ok: error codes, comma-separated.")

    @strawberry_django.field(only=["id"], description="Identifies the entry; not a Relay node.")
    def id(self, root: strawberry.Parent[AuditEntry]) -> strawberry.ID:
        return strawberry.ID(to_base64("AuditEntry", encode_node_id(root.pk)))

    @strawberry_django.field(only=["target_type"], description="PartyOrg, Unit, Member, …")
    def target_type(self, root: strawberry.Parent[AuditEntry]) -> str | None:
        return root.target_type or None

    @strawberry_django.field(
        only=["target_type", "target_id"],
        description="The global ID of the object acted on (it may no longer exist).",
    )
    def target_id(self, root: strawberry.Parent[AuditEntry]) -> strawberry.ID | None:
        if not root.target_type or root.target_id is None:
            return None
        return strawberry.ID(to_base64(root.target_type, encode_node_id(root.target_id)))


@strawberry.type
class AuditQuery:
    @page_connection(
        # Not a Relay node (so `node(id:)` cannot reach an entry), which the type hints of
        # DjangoCursorConnection do not foresee; at run time it needs no Node.
        DjangoCursorConnection[AuditEntryType],  # type: ignore[type-var]
        permission_classes=[IsDistrictAdmin],
        description="This district's audit trail, newest first (district administrators only).",
    )
    def audit_entries(
        self,
        action: Annotated[
            str | None,
            strawberry.argument(description='Exact, or a prefix ending in "." (e.g. "org.").'),
        ] = None,
        actor_username: str | None = None,
        since: Annotated[
            datetime | None, strawberry.argument(description="From this time (inclusive).")
        ] = None,
        until: Annotated[
            datetime | None, strawberry.argument(description="Before this time (exclusive).")
        ] = None,
        target_type: str | None = None,
        result: AuditResult | None = None,
    ) -> Iterable[AuditEntryType]:
        return selectors.audit_entry_list(  # type: ignore[return-value]
            action=action,
            actor_username=actor_username,
            since=since,
            until=until,
            target_type=target_type,
            result=result.value if result is not None else None,
        )
