"""Reads of 社区公共事务协会: associations, officers, meetings and overdue follow-ups."""

from datetime import date

from django.db.models import Q, QuerySet

from backend.orgs.models import PartyOrg
from backend.public_affairs.models import (
    PENDING_STATUSES,
    PublicAffairsAssociation,
    PublicAffairsFollowUp,
    PublicAffairsMeeting,
    PublicAffairsOfficer,
)


def _by_id(qs: QuerySet, field: str, obj: object | None) -> QuerySet:
    """By id: an unknown object (the scope helpers' unsaved placeholder) matches nothing."""
    if obj is None:
        return qs
    pk = getattr(obj, "pk", None)
    return qs.filter(**{field: pk}) if pk else qs.none()


def association_list(
    *,
    within: PartyOrg | None = None,
    community: PartyOrg | None = None,
    active: bool | None = None,
) -> QuerySet[PublicAffairsAssociation]:
    qs = PublicAffairsAssociation.objects.all()
    if within is not None:
        qs = qs.filter(community__path__descendant_of=within.path)
    qs = _by_id(qs, "community_id", community)
    if active is not None:
        qs = qs.filter(dissolved_on__isnull=active)
    return qs.order_by("community_id", "founded_on", "id")


def current_officers(day: date) -> Q:
    """Officers in office on `day`."""
    return Q(term_start__lte=day) & (Q(term_end__isnull=True) | Q(term_end__gte=day))


def officer_list(
    *,
    within: PartyOrg | None = None,
    association: PublicAffairsAssociation | None = None,
    current: bool | None = None,
    today: date | None = None,
) -> QuerySet[PublicAffairsOfficer]:
    qs = PublicAffairsOfficer.objects.all()
    if within is not None:
        qs = qs.filter(association__community__path__descendant_of=within.path)
    qs = _by_id(qs, "association_id", association)
    if current is not None:
        in_office = current_officers(today or date.today())
        qs = qs.filter(in_office) if current else qs.exclude(in_office)
    return qs.order_by("association_id", "role", "term_start", "id")


def meeting_list(
    *,
    within: PartyOrg | None = None,
    association: PublicAffairsAssociation | None = None,
    held_from: date | None = None,
    held_to: date | None = None,
) -> QuerySet[PublicAffairsMeeting]:
    qs = PublicAffairsMeeting.objects.all()
    if within is not None:
        qs = qs.filter(association__community__path__descendant_of=within.path)
    qs = _by_id(qs, "association_id", association)
    if held_from is not None:
        qs = qs.filter(held_on__gte=held_from)
    if held_to is not None:
        qs = qs.filter(held_on__lte=held_to)
    return qs.order_by("-held_on", "-id")


def overdue_follow_ups(
    *,
    within: PartyOrg | None = None,
    association: PublicAffairsAssociation | None = None,
    today: date | None = None,
) -> QuerySet[PublicAffairsFollowUp]:
    """Follow-ups still owed (open or in progress) past their due date, the most overdue first."""
    qs = PublicAffairsFollowUp.objects.filter(
        status__in=PENDING_STATUSES, due_on__lt=today or date.today()
    )
    if within is not None:
        qs = qs.filter(resolution__meeting__association__community__path__descendant_of=within.path)
    qs = _by_id(qs, "resolution__meeting__association_id", association)
    return qs.order_by("due_on", "id")
