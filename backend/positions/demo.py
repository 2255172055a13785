"""Demo 阵地: an activity room in every community (most up to standard, some replacing an older
room) and in-service members' liaison stations in most. Runs after the other member-work demos,
which add member homes and re-employment stations: a kind a community already has open is
skipped, so nothing is duplicated."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from backend.orgs.models import PartyOrg
from backend.orgs.rules import COMMUNITY_KINDS
from backend.positions.models import Position, PositionKind

ROOM_PLACES = ("社区服务中心二楼", "居委会一楼", "社区党群服务站", "社区文化活动中心三楼")
HOURS = ("周一至周五 8:30-17:30", "周一至周六 9:00-17:00", "每日 8:00-20:00")
STATION_HOURS = ("每周六 9:00-11:30", "每月第一个周六全天", "工作日 18:00-20:00")


def _community_name(org: PartyOrg) -> str:
    return org.name.removesuffix("党委").removesuffix("党总支")


def _days_before(rng: random.Random, today: date, low: int, high: int) -> date:
    return today - timedelta(days=rng.randint(low, high))


def _room(rng: random.Random, org: PartyOrg, opened: date, closed: date | None) -> Position:
    base = _community_name(org)
    return Position(
        community=org,
        kind=PositionKind.ACTIVITY_ROOM,
        name=f"{base}党员标准活动室" if closed is None else f"{base}党员活动室（旧址）",
        address=f"{base}{rng.choice(ROOM_PLACES)}",
        area_m2=Decimal(rng.randint(40, 220)),
        opening_hours=rng.choice(HOURS),
        # Older rooms were small and plain; most current ones meet the standard.
        meets_standard=closed is None and rng.random() < 0.85,
        opened_on=opened,
        closed_on=closed,
    )


def populate(rng: random.Random, today: date) -> dict[str, int]:
    communities = list(
        PartyOrg.objects.filter(kind__in=COMMUNITY_KINDS)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
        .order_by("path")
    )
    already_open = set(
        Position.objects.filter(closed_on__isnull=True).values_list("community_id", "kind")
    )
    rows: list[Position] = []
    counts = {"activity_rooms": 0, "closed_activity_rooms": 0, "liaison_stations": 0}
    for org in communities:
        if (org.pk, PositionKind.ACTIVITY_ROOM) not in already_open:
            opened = _days_before(rng, today, 60, 2500)
            if rng.random() < 0.25:
                # The room moved to a bigger place in the last two years.
                opened = _days_before(rng, today, 30, 700)
                rows.append(_room(rng, org, _days_before(rng, opened, 800, 2500), opened))
                counts["closed_activity_rooms"] += 1
            rows.append(_room(rng, org, opened, None))
            counts["activity_rooms"] += 1
        if (org.pk, PositionKind.LIAISON_STATION) not in already_open and rng.random() < 0.7:
            base = _community_name(org)
            rows.append(
                Position(
                    community=org,
                    kind=PositionKind.LIAISON_STATION,
                    name=f"{base}在职党员联络站",
                    address=f"{base}{rng.choice(ROOM_PLACES)}",
                    area_m2=Decimal(rng.randint(15, 60)),
                    opening_hours=rng.choice(STATION_HOURS),
                    meets_standard=rng.random() < 0.6,
                    opened_on=_days_before(rng, today, 30, 1500),
                )
            )
            counts["liaison_stations"] += 1
    Position.objects.bulk_create(rows)
    return counts
