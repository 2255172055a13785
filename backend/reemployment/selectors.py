"""Reads: archive lists, a worker's status on a day, and the 双带 ranking (all in SQL)."""

from datetime import date

from django.db.models import BooleanField, Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from backend.members.personal_data import id_number_hash
from backend.orgs.models import PartyOrg
from backend.positions.models import Position
from backend.reemployment.models import EmploymentArchive, EmploymentStatus, EmploymentStatusChange


def archive_list(
    *,
    within: PartyOrg | None = None,
    status: str | None = None,
    station: Position | None = None,
    is_member: bool | None = None,
    search: str | None = None,
    id_number: str | None = None,
) -> QuerySet[EmploymentArchive]:
    """Archives, newest registration first; `within` = the archive's community in that subtree."""
    qs = EmploymentArchive.objects.all()
    if within is not None:
        qs = qs.filter(community__path__descendant_of=within.path)
    if status:
        qs = qs.filter(status=status)
    if station is not None:
        qs = qs.filter(station=station)
    if is_member is not None:
        qs = qs.filter(member__isnull=not is_member)
    if search and search.strip():
        term = search.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(member__name__icontains=term))
    if id_number:  # an exact match, by keyed hash, of a member's or a worker's number
        hashed = id_number_hash(id_number)
        qs = qs.filter(Q(id_number_hash=hashed) | Q(member__id_number_hash=hashed))
    return qs.order_by("-registered_on", "-id")


def status_on(archive: EmploymentArchive, day: date) -> str | None:
    """The archive's status at the end of `day` (None before its registration)."""
    return (
        EmploymentStatusChange.objects.filter(archive=archive, changed_on__lte=day)
        .order_by("-changed_on", "-id")
        .values_list("to_status", flat=True)
        .first()
    )


def _in_period(prefix: str, start: date | None, end: date | None) -> Q:
    condition = Q()
    if start is not None:
        condition &= Q(**{f"{prefix}changed_on__gte": start})
    if end is not None:
        condition &= Q(**{f"{prefix}changed_on__lte": end})
    return condition


def double_lead_ranking(
    *,
    within: PartyOrg | None = None,
    start: date | None = None,
    end: date | None = None,
    top: int | None = None,
    visible: Q | None = None,
) -> QuerySet[EmploymentArchive]:
    """双带: laid-off members who re-employed themselves (a change to 已再就业 naming no leader)
    or led others into work in the period, annotated `led_count` (distinct people led) and
    `self_reemployed` and `rank` (1 = most people led), in that order; `top` keeps the first
    ranks; `visible` narrows the leaders before they are ranked. `within` = the leader's
    community."""
    self_led = EmploymentStatusChange.objects.filter(
        _in_period("", start, end),
        archive=OuterRef("pk"),
        to_status=EmploymentStatus.REEMPLOYED,
        led_by__isnull=True,
    )
    led_in_period = _in_period("led_changes__", start, end)
    qs = EmploymentArchive.objects.filter(visible or Q(), member__isnull=False)
    if within is not None:
        qs = qs.filter(community__path__descendant_of=within.path)
    order = (F("led_count").desc(), F("self_reemployed").desc(), F("member__name"), F("id"))
    ranked = (
        qs.annotate(
            led_count=Count("led_changes__archive", filter=led_in_period or None, distinct=True),
            self_reemployed=Exists(self_led, output_field=BooleanField()),
        )
        .filter(Q(led_count__gt=0) | Q(self_reemployed=True))
        .annotate(rank=Window(RowNumber(), order_by=order))
        .order_by("rank")
    )
    return ranked.filter(rank__lte=top) if top is not None else ranked
