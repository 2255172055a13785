"""Reads of 三会一站: councils, meetings and follow-up items."""

from datetime import date

from django.db.models import Q, QuerySet

from backend.councils.models import Council, CouncilFollowUp, CouncilMeeting, FollowUpStatus
from backend.orgs.models import PartyOrg


def _by_pk(qs: QuerySet, field: str, obj: object | None) -> QuerySet:
    """Filter by an object's id; an unknown one (a placeholder, never saved) matches nothing."""
    if obj is None:
        return qs
    pk = getattr(obj, "pk", None)
    return qs.filter(**{field: pk}) if pk else qs.none()


def council_list(
    *,
    within: PartyOrg | None = None,
    kind: str | None = None,
    active: bool | None = None,
    parent: Council | None = None,
) -> QuerySet[Council]:
    qs = Council.objects.all()
    if within is not None:
        qs = qs.filter(host_org__path__descendant_of=within.path)
    if kind:
        qs = qs.filter(kind=kind)
    if active is not None:
        qs = qs.filter(dissolved_on__isnull=active)
    qs = _by_pk(qs, "parent_id", parent)
    return qs.order_by("host_org__path", "kind", "id")


def meeting_list(
    *,
    council: Council | None = None,
    within: PartyOrg | None = None,
    held_from: date | None = None,
    held_to: date | None = None,
) -> QuerySet[CouncilMeeting]:
    qs = _by_pk(CouncilMeeting.objects.all(), "council_id", council)
    if within is not None:
        qs = qs.filter(council__host_org__path__descendant_of=within.path)
    if held_from is not None:
        qs = qs.filter(held_on__gte=held_from)
    if held_to is not None:
        qs = qs.filter(held_on__lte=held_to)
    return qs.order_by("-held_on", "-id")


def follow_up_list(
    *,
    council: Council | None = None,
    within: PartyOrg | None = None,
    status: str | None = None,
) -> QuerySet[CouncilFollowUp]:
    qs = _by_pk(CouncilFollowUp.objects.all(), "meeting__council_id", council)
    if within is not None:
        qs = qs.filter(meeting__council__host_org__path__descendant_of=within.path)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("due_on", "id")


def overdue_follow_ups(
    *, within: PartyOrg | None = None, as_of: date | None = None
) -> QuerySet[CouncilFollowUp]:
    """Open follow-ups whose due date passed before `as_of` (today by default), oldest first."""
    qs = follow_up_list(within=within, status=FollowUpStatus.OPEN)
    return qs.filter(due_on__lt=as_of or date.today())


def current_filter(day: date) -> Q:
    return Q(joined_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day))
