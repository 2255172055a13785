"""Demo 三会一站: the district guidance committee (streets, district organs and units, large
resident units), a coordination committee per street (its unit orgs and resident units), a joint
meeting per community (2–6 members), liaison stations in some communities (at their liaison
station 阵地 when there is one), and the research society with street branches. A year of
meetings — quarterly for committees and stations, monthly for joint meetings, twice a year for the
society — with resolutions and follow-ups, some of them open past their due date.

Everything is written with bulk_create, a few statements per table, so a district of hundreds of
communities and thousands of units takes a second or two."""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q

from backend.councils.models import (
    Council,
    CouncilFollowUp,
    CouncilKind,
    CouncilMeeting,
    CouncilMeetingAttendee,
    CouncilMembership,
    CouncilResolution,
    CouncilRole,
    FollowUpStatus,
)
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import COMMUNITY_KINDS
from backend.positions.models import Position, PositionKind
from backend.units.models import Unit, UnitKind

K = CouncilKind
TOPICS: dict[str, tuple[str, ...]] = {
    K.DISTRICT_GUIDANCE_COMMITTEE: (
        "全区区域化党建工作推进会",
        "共驻共建项目年度评议",
        "驻区单位党建工作联系会",
        "七携手活动部署会",
    ),
    K.STREET_COORDINATION_COMMITTEE: (
        "街道共建项目协调会",
        "驻街单位党建联席会议",
        "社区服务资源共享协调会",
        "旗帜行动推进会",
    ),
    K.COMMUNITY_JOINT_MEETING: (
        "社区党建联席会例会",
        "老旧小区改造协调",
        "为民办实事项目议定",
        "社区环境整治",
        "节日慰问活动安排",
        "志愿服务项目对接",
    ),
    K.LIAISON_STATION: ("在职党员报到情况通报", "在职党员进社区服务安排", "双报到工作推进"),
    K.RESEARCH_SOCIETY: ("党建工作理论研讨会", "年度课题评审会"),
    K.RESEARCH_SOCIETY_BRANCH: ("街道党建课题研讨", "基层党建经验交流"),
}
RESOLUTIONS = (
    "建立驻区单位资源清单并按季度更新",
    "共建单位每季度至少开展一次联合活动",
    "开放单位活动场所供社区党员使用",
    "组织在职党员参加社区志愿服务",
    "设立困难群众帮扶专项",
    "推进小区环境综合整治",
    "完善联席会议议事规则",
    "开展党员先锋岗评选",
)
FOLLOW_UPS = (
    "落实活动场地",
    "报送共建项目清单",
    "组织志愿服务队",
    "走访困难党员",
    "整理会议纪要并公示",
    "协调停车难问题",
    "修缮社区活动室",
    "对接就业岗位",
)
PLACES = ("社区党群服务中心", "街道党建活动室", "区委党校会议室", "共建单位会议室")
PERSON_TITLES = ("社区党委书记", "街道党工委副书记", "驻区单位党委书记", "居民代表")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高"

# Months between meetings, by kind.
MEETING_EVERY: dict[str, int] = {
    K.DISTRICT_GUIDANCE_COMMITTEE: 3,
    K.STREET_COORDINATION_COMMITTEE: 3,
    K.COMMUNITY_JOINT_MEETING: 1,
    K.LIAISON_STATION: 3,
    K.RESEARCH_SOCIETY: 6,
    K.RESEARCH_SOCIETY_BRANCH: 6,
}


@dataclass
class _Member:
    org_id: int | None = None
    unit_id: int | None = None


@dataclass
class _Area:
    """What the demo knows of the district: units and unit orgs by the street/community holding
    them (by the covering org's path)."""

    street_units: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    street_orgs: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    community_units: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    district_units: list[int] = field(default_factory=list)
    big_resident_units: list[int] = field(default_factory=list)


def _short(org: PartyOrg) -> str:
    for suffix in ("党工委", "党委", "党总支"):
        if org.name.endswith(suffix):
            return org.name.removesuffix(suffix)
    return org.name


def _area(streets: set[int], communities: set[int]) -> _Area:
    area = _Area()
    units = (
        Unit.objects.filter(covering_org__isnull=False)
        .values_list(
            "pk",
            "kind",
            "employee_count",
            "covering_org_id",
            "covering_org__path",
            "covering_org__kind",
            "covering_org__parent_id",
        )
        .order_by("pk")
    )
    resident: list[tuple[int, int]] = []
    for pk, kind, employees, org_id, path, org_kind, parent_id in units:
        ids = [int(part) for part in path.split(".")]
        street = next((i for i in ids if i in streets), None)
        community = next((i for i in ids if i in communities), None)
        if kind in (UnitKind.ORGAN, UnitKind.DISTRICT_UNIT):
            area.district_units.append(pk)
        if kind == UnitKind.RESIDENT_UNIT:
            resident.append((employees, pk))
        if street is not None:
            area.street_units[street].append(pk)
            # A street's own unit orgs and joint branches sit right under it.
            if (
                parent_id == street
                and org_kind
                in (
                    PartyOrgKind.UNIT_ORG,
                    PartyOrgKind.JOINT_BRANCH,
                )
                and org_id not in area.street_orgs[street]
            ):
                area.street_orgs[street].append(org_id)
        if community is not None:
            area.community_units[community].append(pk)
    area.big_resident_units = [pk for _, pk in sorted(resident, reverse=True)[:8]]
    return area


class _Writer:
    """Collects the rows and writes them table by table."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng, self.today = rng, today
        self.councils: list[Council] = []
        self.members: dict[int, list[_Member]] = {}  # by index into self.councils

    def council(
        self,
        kind: str,
        name: str,
        host: PartyOrg,
        members: list[_Member],
        parent_index: int | None = None,
        position_id: int | None = None,
    ) -> int:
        established = self.today - timedelta(days=self.rng.randint(500, 3000))
        council = Council(
            kind=kind, name=name, host_org=host, established_on=established, position_id=position_id
        )
        council._parent_index = parent_index  # type: ignore[attr-defined]
        self.councils.append(council)
        self.members[len(self.councils) - 1] = members
        return len(self.councils) - 1

    def write(self) -> dict[str, int]:
        rng, today = self.rng, self.today
        # Parents first, so branches can point at their saved society.
        roots = [c for c in self.councils if c._parent_index is None]  # type: ignore[attr-defined]
        Council.objects.bulk_create(roots)
        branches = [c for c in self.councils if c._parent_index is not None]  # type: ignore[attr-defined]
        for branch in branches:
            branch.parent = self.councils[branch._parent_index]  # type: ignore[attr-defined]
        Council.objects.bulk_create(branches)

        memberships: list[CouncilMembership] = []
        for index, council in enumerate(self.councils):
            assert council.established_on is not None
            for number, member in enumerate(self.members[index]):
                span = max(1, (today - council.established_on).days - 400)
                joined = council.established_on + timedelta(days=rng.randint(0, span))
                left = None
                if rng.random() < 0.08:
                    left = today - timedelta(days=rng.randint(1, 360))
                role = (
                    CouncilRole.DIRECTOR
                    if number == 0
                    else CouncilRole.DEPUTY_DIRECTOR
                    if number == 1
                    else CouncilRole.MEMBER
                )
                memberships.append(
                    CouncilMembership(
                        council=council,
                        org_id=member.org_id,
                        unit_id=member.unit_id,
                        role=role,
                        joined_on=joined,
                        left_on=left,
                    )
                )
        CouncilMembership.objects.bulk_create(memberships)
        by_council: dict[int, list[CouncilMembership]] = defaultdict(list)
        for membership in memberships:
            by_council[membership.council_id].append(membership)

        meetings: list[CouncilMeeting] = []
        for council in self.councils:
            every = MEETING_EVERY[council.kind]
            for step in range(12 // every):
                held = today - timedelta(days=30 * every * step + rng.randint(1, 25))
                meetings.append(
                    CouncilMeeting(
                        council=council,
                        held_on=held,
                        topic=rng.choice(TOPICS[council.kind]),
                        place=rng.choice(PLACES),
                    )
                )
        CouncilMeeting.objects.bulk_create(meetings)

        attendees: list[CouncilMeetingAttendee] = []
        resolutions: list[CouncilResolution] = []
        follow_ups: list[CouncilFollowUp] = []
        counts = {"overdue_follow_ups": 0}
        for meeting in meetings:
            current = [
                m
                for m in by_council[meeting.council_id]
                if m.joined_on <= meeting.held_on
                and (m.left_on is None or m.left_on > meeting.held_on)
            ]
            for membership in current:
                if rng.random() < 0.85:
                    attendees.append(CouncilMeetingAttendee(meeting=meeting, membership=membership))
            if rng.random() < 0.5:
                attendees.append(
                    CouncilMeetingAttendee(
                        meeting=meeting,
                        person_name=f"{rng.choice(SURNAMES)}{rng.choice('明华丽军芳伟')}",
                        person_title=rng.choice(PERSON_TITLES),
                    )
                )
            for position, text in enumerate(rng.sample(RESOLUTIONS, rng.randint(1, 3)), start=1):
                resolutions.append(CouncilResolution(meeting=meeting, position=position, text=text))
            for position in range(1, rng.randint(0, 2) + 1):
                follow_ups.append(self._follow_up(meeting, position, current, counts))
        CouncilMeetingAttendee.objects.bulk_create(attendees)
        CouncilResolution.objects.bulk_create(resolutions)
        CouncilFollowUp.objects.bulk_create(follow_ups)
        return {
            "councils": len(self.councils),
            "council_memberships": len(memberships),
            "council_meetings": len(meetings),
            "council_attendees": len(attendees),
            "council_resolutions": len(resolutions),
            "council_follow_ups": len(follow_ups),
            **counts,
        }

    def _follow_up(
        self,
        meeting: CouncilMeeting,
        position: int,
        current: list[CouncilMembership],
        counts: dict[str, int],
    ) -> CouncilFollowUp:
        rng, today = self.rng, self.today
        owner = rng.choice(current) if current else None
        due = meeting.held_on + timedelta(days=rng.randint(14, 90))
        status, done_on = FollowUpStatus.OPEN, None
        roll = rng.random()
        if due < today:
            if roll < 0.72:
                status = FollowUpStatus.DONE
            elif roll < 0.8:
                status = FollowUpStatus.CANCELLED
            else:
                counts["overdue_follow_ups"] += 1
        elif roll < 0.25:
            status = FollowUpStatus.DONE
        if status == FollowUpStatus.DONE:
            latest = min(today, due + timedelta(days=20))
            done_on = meeting.held_on + timedelta(
                days=rng.randint(1, max(1, (latest - meeting.held_on).days))
            )
        return CouncilFollowUp(
            meeting=meeting,
            position=position,
            title=rng.choice(FOLLOW_UPS),
            owner_org_id=owner.org_id if owner else meeting.council.host_org_id,
            owner_unit_id=owner.unit_id if owner else None,
            owner_person=f"{rng.choice(SURNAMES)}{rng.choice(('主任', '书记', '经理'))}",
            due_on=due,
            status=status,
            done_on=done_on,
            note="已按期办结" if status == FollowUpStatus.DONE else "",
        )


def _sample(rng: random.Random, items: list[int], low: int, high: int) -> list[int]:
    return rng.sample(items, min(len(items), rng.randint(low, high)))


def populate(rng: random.Random, today: date) -> dict[str, int]:
    active = Q(end_date__isnull=True) | Q(end_date__gt=today)
    root = PartyOrg.objects.get(parent__isnull=True)
    streets = list(
        PartyOrg.objects.filter(active, kind=PartyOrgKind.STREET_WORKING_COMMITTEE).order_by("path")
    )
    communities = list(PartyOrg.objects.filter(active, kind__in=COMMUNITY_KINDS).order_by("path"))
    taken = set(
        Council.objects.filter(dissolved_on__isnull=True).values_list("host_org_id", "kind")
    )
    stations = dict(
        Position.objects.filter(
            kind=PositionKind.LIAISON_STATION, closed_on__isnull=True
        ).values_list("community_id", "pk")
    )
    area = _area({s.pk for s in streets}, {c.pk for c in communities})
    writer = _Writer(rng, today)

    def free(host: PartyOrg, kind: str) -> bool:
        return (host.pk, kind) not in taken

    if free(root, K.DISTRICT_GUIDANCE_COMMITTEE):
        members = [_Member(org_id=s.pk) for s in streets]
        members += [_Member(unit_id=pk) for pk in _sample(rng, area.district_units, 6, 15)]
        members += [_Member(unit_id=pk) for pk in area.big_resident_units]
        rng.shuffle(members)
        writer.council(
            K.DISTRICT_GUIDANCE_COMMITTEE, f"{_short(root)}党建工作指导委员会", root, members
        )
    society = None
    if free(root, K.RESEARCH_SOCIETY):
        members = [_Member(unit_id=pk) for pk in _sample(rng, area.district_units, 3, 8)]
        society = writer.council(K.RESEARCH_SOCIETY, f"{_short(root)}党建工作研究会", root, members)
    for street in streets:
        name = _short(street)
        if free(street, K.STREET_COORDINATION_COMMITTEE):
            members = [
                _Member(org_id=pk) for pk in _sample(rng, area.street_orgs[street.pk], 3, 12)
            ]
            members += [
                _Member(unit_id=pk) for pk in _sample(rng, area.street_units[street.pk], 3, 10)
            ]
            writer.council(
                K.STREET_COORDINATION_COMMITTEE, f"{name}党建工作协调委员会", street, members
            )
        if society is not None and free(street, K.RESEARCH_SOCIETY_BRANCH) and rng.random() < 0.7:
            members = [_Member(org_id=pk) for pk in _sample(rng, area.street_orgs[street.pk], 1, 4)]
            writer.council(
                K.RESEARCH_SOCIETY_BRANCH,
                f"{_short(root)}党建工作研究会{name}分会",
                street,
                members,
                parent_index=society,
            )
    street_of = {c.pk: c.parent_id for c in communities}
    for community in communities:
        name = _short(community)
        near = area.community_units[community.pk] or area.street_units[street_of[community.pk] or 0]
        if free(community, K.COMMUNITY_JOINT_MEETING):
            units = _sample(rng, near, 1, 4)
            orgs = _sample(rng, area.street_orgs[street_of[community.pk] or 0], 1, 6 - len(units))
            members = [_Member(unit_id=pk) for pk in units] + [_Member(org_id=pk) for pk in orgs]
            if len(members) < 2:
                members.append(_Member(org_id=street_of[community.pk]))
            writer.council(K.COMMUNITY_JOINT_MEETING, f"{name}党建工作联席会", community, members)
        if free(community, K.LIAISON_STATION) and rng.random() < 0.45:
            members = [_Member(unit_id=pk) for pk in _sample(rng, near, 1, 3)]
            writer.council(
                K.LIAISON_STATION,
                f"{name}在职党员联络站",
                community,
                members,
                position_id=stations.get(community.pk),
            )
    return writer.write()
