"""Demo data for re-employment: in every community with laid-off members, a re-employment service
station (if it has none open), an employment archive for each of those members and for a few
laid-off workers who are not members, and up to two years of history: training at the 市民学校,
re-employment and flexible work, some of it led by a laid-off member (双带), a few archives closed.

Follows the services' rules: changes only along TRANSITIONS, never before the previous one nor
after `today`; a leader is a member in work on the day they lead; training outcomes only once a
course has ended. Runs in a district that already holds the generated orgs and members.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from backend.demo import names
from backend.demo.paths import community_of
from backend.members.id_numbers import make_id_number
from backend.members.identity import sealed_fields
from backend.members.models import Gender, Member, MemberCategory
from backend.members.personal_data import seal_id_number, seal_phone
from backend.orgs.models import PartyOrg
from backend.orgs.rules import COMMUNITY_KINDS
from backend.positions.models import Position, PositionKind
from backend.reemployment.models import (
    EMPLOYED,
    CloseReason,
    EmploymentArchive,
    EmploymentStatus,
    EmploymentStatusChange,
    TrainingRecord,
    TrainingResult,
)

S = EmploymentStatus
HISTORY_DAYS = 730
LEAD_SHARE = 0.45  # re-employments of others that a member in work led
CLOSE_SHARE = 0.08
# Where a status leads next, by weight; None = it stays so until today.
NEXT: dict[str, tuple[tuple[str | None, int], ...]] = {
    S.LAID_OFF: ((S.IN_TRAINING, 5), (S.REEMPLOYED, 3), (S.FLEXIBLE, 2)),
    S.IN_TRAINING: ((S.REEMPLOYED, 6), (S.FLEXIBLE, 2), (S.LAID_OFF, 2)),
    S.REEMPLOYED: ((None, 9), (S.LAID_OFF, 1)),
    S.FLEXIBLE: ((None, 5), (S.REEMPLOYED, 4), (S.LAID_OFF, 1)),
}
COURSES = (
    ("家政服务员", 60),
    ("养老护理员", 80),
    ("中式烹调师", 120),
    ("电工", 160),
    ("计算机操作", 48),
    ("电子商务", 40),
    ("保安员", 40),
    ("育婴员", 72),
)
PROVIDERS = ("社区市民学校", "街道市民学校", "区职业技能培训中心", "区就业训练中心")
EMPLOYERS = (
    ("物业管理有限公司", "保安"),
    ("家政服务有限公司", "家政服务员"),
    ("超市", "理货员"),
    ("餐饮管理有限公司", "厨师"),
    ("养老服务中心", "护理员"),
    ("快递服务站", "分拣员"),
    ("社区服务中心", "公益性岗位"),
    ("机械制造有限公司", "操作工"),
)
FLEXIBLE_WORK = ("个体经营（早餐店）", "网约车司机", "钟点工", "外卖骑手", "摆摊经营")
FORMER_EMPLOYERS = ("纺织厂", "针织厂", "机床厂", "食品厂", "运输公司", "百货公司", "自行车厂")


@dataclass
class _Person:
    archive: EmploymentArchive
    is_member: bool
    # (day, status) of each change, the registration first.
    timeline: list[tuple[date, str]] = field(default_factory=list)

    def status_on(self, day: date) -> str | None:
        current = None
        for changed_on, status in self.timeline:
            if changed_on > day:
                break
            current = status
        return current


def _short(org: PartyOrg) -> str:
    return org.name.removesuffix("党委").removesuffix("党总支")


def _stations(
    rng: random.Random, today: date, communities: list[PartyOrg]
) -> tuple[dict[int, Position], int]:
    """The open station of each community, created where there is none."""
    open_ones = {
        p.community_id: p
        for p in Position.objects.filter(
            kind=PositionKind.REEMPLOYMENT_STATION, closed_on__isnull=True
        )
    }
    new = [
        Position(
            community=org,
            kind=PositionKind.REEMPLOYMENT_STATION,
            name=f"{_short(org)}再就业服务站",
            address=f"{_short(org)}社区服务中心一楼",
            area_m2=Decimal(rng.randint(20, 80)),
            opening_hours="周一至周五 8:30-17:00",
            meets_standard=rng.random() < 0.7,
            opened_on=today - timedelta(days=HISTORY_DAYS + rng.randint(30, 2000)),
        )
        for org in communities
        if org.pk not in open_ones
    ]
    Position.objects.bulk_create(new)
    open_ones.update({p.community_id: p for p in new})
    return open_ones, len(new)


def _worker_archive(
    rng: random.Random, today: date, region: str, used_hashes: set[str]
) -> EmploymentArchive:
    """A laid-off worker who is not a member, with an ID number no member of the district has."""
    is_male = rng.random() < 0.5
    age = rng.randint(38, 58)
    born = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
    era = "old" if born.year < 1965 else "mid"
    sex = "male" if is_male else "female"
    while True:
        sealed_id = seal_id_number(make_id_number(region, born, rng.randrange(500) * 2 + is_male))
        if sealed_id.hash not in used_hashes:
            used_hashes.add(sealed_id.hash)
            break
    sealed_phone = seal_phone(
        f"1{rng.choice((35, 37, 38, 39, 58, 88))}{rng.randint(0, 10**8 - 1):08d}"
    )
    return EmploymentArchive(
        name=rng.choice(names.SURNAMES[:60]) + rng.choice(names.GIVEN_NAMES[era][sex]),
        gender=Gender.MALE if is_male else Gender.FEMALE,
        birth_date=born,
        **sealed_fields(id_number=sealed_id, phone=sealed_phone),
    )


def _simulate(
    rng: random.Random,
    today: date,
    person: _Person,
    leaders: list[_Person],
    changes: list[EmploymentStatusChange],
    trainings: list[TrainingRecord],
) -> None:
    """Walk one archive from its registration to today, appending its rows."""
    archive = person.archive
    day, status = archive.registered_on, str(S.LAID_OFF)
    person.timeline.append((day, status))
    changes.append(
        EmploymentStatusChange(archive=archive, changed_on=day, from_status="", to_status=status)
    )
    while True:
        options = NEXT[status]
        following = rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]
        day = day + timedelta(days=rng.randint(15, 120))
        if following is None or day > today:
            break
        change = EmploymentStatusChange(
            archive=archive, changed_on=day, from_status=status, to_status=following
        )
        ended: date | None = None
        if following == S.IN_TRAINING:
            ended = _train(rng, today, archive, day, trainings)
        elif following == S.REEMPLOYED:
            employer, post = rng.choice(EMPLOYERS)
            change.employer, change.post = f"{rng.choice(names.BRAND_FIRST)}{employer}", post
            able = [p for p in leaders if p is not person and p.status_on(day) in EMPLOYED]
            if able and rng.random() < LEAD_SHARE:
                leader = rng.choice(able)
                change.led_by, change.led_by_name = leader.archive, leader.archive.person_name
        elif following == S.FLEXIBLE:
            change.employer = rng.choice(FLEXIBLE_WORK)
        changes.append(change)
        person.timeline.append((change.changed_on, following))
        status = following
        if following == S.IN_TRAINING:
            if ended is None:
                break  # still in training today
            day = ended
    archive.status, archive.status_since = status, person.timeline[-1][0]


def _train(
    rng: random.Random,
    today: date,
    archive: EmploymentArchive,
    start: date,
    trainings: list[TrainingRecord],
) -> date | None:
    """A course starting on `start`; returns the day it ended (None while it runs)."""
    course, hours = rng.choice(COURSES)
    end = start + timedelta(days=max(hours // 4, 7))
    finished = end <= today
    result = (
        rng.choices(
            (TrainingResult.CERTIFICATE, TrainingResult.COMPLETED, TrainingResult.DROPPED),
            weights=(5, 4, 1),
        )[0]
        if finished
        else TrainingResult.IN_PROGRESS
    )
    trainings.append(
        TrainingRecord(
            archive=archive,
            course=course,
            provider=rng.choice(PROVIDERS),
            started_on=start,
            ended_on=end if finished else None,
            hours=Decimal(hours if result != TrainingResult.DROPPED else hours // 3),
            result=result,
        )
    )
    return end if finished else None


def _close(rng: random.Random, today: date, person: _Person, changes: list) -> bool:
    archive = person.archive
    if archive.status_since >= today or rng.random() >= CLOSE_SHARE:
        return False
    day = archive.status_since + timedelta(days=rng.randint(1, (today - archive.status_since).days))
    reason = rng.choice((CloseReason.RETIRED, CloseReason.RETIRED, CloseReason.MOVED_AWAY))
    changes.append(
        EmploymentStatusChange(
            archive=archive,
            changed_on=day,
            from_status=archive.status,
            to_status=S.EXITED,
            note=CloseReason(reason).label,
        )
    )
    archive.status, archive.status_since = S.EXITED, day
    archive.closed_on, archive.close_reason = day, reason
    return True


def populate(rng: random.Random, today: date) -> dict[str, int]:
    communities = {
        org.path: org for org in PartyOrg.objects.filter(kind__in=COMMUNITY_KINDS).order_by("path")
    }
    by_community: dict[int, list[Member]] = defaultdict(list)
    laid_off = Member.objects.filter(category=MemberCategory.LAID_OFF).select_related("org")
    for member in laid_off.order_by("id"):
        community = community_of(member.org.path, communities)
        if community is not None:
            by_community[community.pk].append(member)
    served = [org for org in communities.values() if org.pk in by_community]
    stations, new_stations = _stations(rng, today, served)
    first = next((m for ms in by_community.values() for m in ms), None)
    region = first.id_number[:6] if first is not None else "330212"
    used_hashes = set(Member.objects.values_list("id_number_hash", flat=True))

    people: list[_Person] = []
    for org in served:
        members = by_community[org.pk]
        workers = [
            _worker_archive(rng, today, region, used_hashes) for _ in range(rng.randint(1, 4))
        ]
        for archive, is_member in [
            *((EmploymentArchive(member=m), True) for m in members),
            *((w, False) for w in workers),
        ]:
            archive.community = org
            archive.station = stations[org.pk] if rng.random() < 0.9 else None
            archive.registered_on = today - timedelta(days=rng.randint(30, HISTORY_DAYS))
            archive.former_employer = (
                f"{rng.choice(names.PLACE_FIRST)}{rng.choice(FORMER_EMPLOYERS)}"
            )
            people.append(_Person(archive, is_member))

    # Members first: the ones simulated earlier may lead the others into work.
    people.sort(key=lambda p: (not p.is_member, p.archive.registered_on))
    changes: list[EmploymentStatusChange] = []
    trainings: list[TrainingRecord] = []
    leaders_by_community: dict[int, list[_Person]] = defaultdict(list)
    for person in people:
        pool = leaders_by_community[person.archive.community.pk]
        _simulate(rng, today, person, pool, changes, trainings)
        if person.is_member:
            pool.append(person)
    # Leaders stay open: a closed archive's member is in work on no later day.
    leading = {id(c.led_by) for c in changes if c.led_by is not None}
    closed = sum(
        _close(rng, today, person, changes)
        for person in people
        if id(person.archive) not in leading
    )

    EmploymentArchive.objects.bulk_create([p.archive for p in people])
    # The rows' archive and led_by ids are taken from the archives saved above.
    EmploymentStatusChange.objects.bulk_create(changes)
    TrainingRecord.objects.bulk_create(trainings)
    return {
        "reemployment_stations": new_stations,
        "employment_archives": len(people),
        "non_member_archives": sum(not p.is_member for p in people),
        "employment_status_changes": len(changes),
        "training_records": len(trainings),
        "led_reemployments": sum(c.led_by is not None for c in changes),
        "closed_archives": closed,
    }
