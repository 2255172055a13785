"""Reads of 组织关系转接: QuerySets the GraphQL layer scopes and pages."""

from datetime import date

from django.db.models import Q, QuerySet

from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.transfers.models import (
    RelationChange,
    RelationTransfer,
    TransferState,
    TransferStatus,
)


def state_filter(state: str, today: date | None = None) -> Q:
    """Rows whose shown state (TransferState) is `state`: 待接收 and 已超期 split on valid_until."""
    today = today or date.today()
    if state == TransferState.PENDING:
        return Q(status=TransferStatus.PENDING, valid_until__gte=today)
    if state == TransferState.EXPIRED:
        return Q(status=TransferStatus.PENDING, valid_until__lt=today)
    return Q(status=state)


def transfer_list(
    *,
    direction: str | None = None,
    scope: str | None = None,
    state: str | None = None,
    reason: str | None = None,
    within: PartyOrg | None = None,
    member: Member | None = None,
    search: str | None = None,
) -> QuerySet[RelationTransfer]:
    qs = RelationTransfer.objects.all()
    if direction:
        qs = qs.filter(direction=direction)
    if scope:
        qs = qs.filter(scope=scope)
    if state:
        qs = qs.filter(state_filter(state))
    if reason:
        qs = qs.filter(reason=reason)
    if within is not None:
        qs = qs.filter(
            Q(from_org__path__descendant_of=within.path)
            | Q(to_org__path__descendant_of=within.path)
        )
    if member is not None:
        qs = qs.filter(member=member)
    if search:
        term = search.strip()
        qs = qs.filter(Q(member_name__icontains=term) | Q(letter_number__iexact=term))
    return qs.order_by("-created_at", "-id")


def member_history(member: Member) -> QuerySet[RelationChange]:
    """A member's organisational relation history, oldest first (carried entries included)."""
    return RelationChange.objects.filter(member=member).order_by("date", "id")
