"""Demo 社区公共事务协会: an association in most communities with 3–6 areas of work, resident
officers (some of them Party members, some past terms), monthly meetings over the last year with
resolutions and follow-ups, a few of them overdue.

Follows the app's rules: one active association per community, one 会长 at a time, no overlapping
terms of a person in a role, attendees and owners in office on the meeting day, nothing after
`today`."""

import random
from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q

from backend.demo import names
from backend.demo.paths import community_of
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.orgs.rules import COMMUNITY_KINDS
from backend.public_affairs.models import (
    FollowUpStatus,
    OfficerRole,
    PublicAffairsArea,
    PublicAffairsAssociation,
    PublicAffairsFollowUp,
    PublicAffairsMeeting,
    PublicAffairsOfficer,
    PublicAffairsResolution,
    WorkArea,
)

SHARE = 0.85  # communities with an association
GIVEN = names.GIVEN_NAMES["old"]["male"] + names.GIVEN_NAMES["old"]["female"]
AREA_TEXT = {
    WorkArea.SERVICE: "为老助残、邻里互助、便民服务。",
    WorkArea.HEALTH: "楼道卫生、病媒防治、健康讲座。",
    WorkArea.CULTURE: "文体队伍、节庆活动、社区读书会。",
    WorkArea.ENVIRONMENT: "垃圾分类督导、绿化认养、停车秩序。",
    WorkArea.SECURITY: "治安巡逻、邻里守望、消防检查。",
    WorkArea.EMPLOYMENT: "就业信息、技能培训、公益岗位推荐。",
    WorkArea.OTHER: "其他居民公共事务。",
}
TOPICS = (
    "垃圾分类督导安排",
    "老旧小区加装电梯意见征集",
    "夏季防汛准备",
    "重阳节敬老活动筹备",
    "停车秩序整治",
    "楼道堆物清理",
    "春节慰问困难家庭",
    "社区文化节筹备",
    "治安巡逻排班",
    "就业援助信息发布",
    "健康义诊组织",
    "年度工作总结",
)
RESOLUTIONS = (
    "分片包干，由各楼组长负责落实。",
    "形成书面意见，报社区党组织研究。",
    "组织志愿者队伍，按月轮值。",
    "向物业提出整改要求并跟踪。",
    "经费从协会活动经费中列支。",
)
ITEMS = ("联系物业落实", "统计居民意见", "排出值班表", "采购所需物资", "上报社区党委", "张贴通知")
# Roles of a sitting committee, with how many of each.
COMMITTEE = (
    (OfficerRole.PRESIDENT, 1, 1),
    (OfficerRole.VICE_PRESIDENT, 1, 2),
    (OfficerRole.SECRETARY_GENERAL, 1, 1),
    (OfficerRole.COMMITTEE_MEMBER, 2, 4),
    (OfficerRole.CLERK, 1, 2),
)


def _phone(rng: random.Random) -> str:
    return f"{rng.choice(names.MOBILE_PREFIXES)}{rng.randint(0, 99_999_999):08d}"


def _members_by_community(communities: dict[str, PartyOrg]) -> dict[int, list[Member]]:
    found: dict[int, list[Member]] = defaultdict(list)
    for member in Member.objects.select_related("org").order_by("id").only("id", "name", "org"):
        community = community_of(member.org.path, communities)
        if community is not None:
            found[community.pk].append(member)
    return found


class _Builder:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng, self.today = rng, today
        self.officers: list[PublicAffairsOfficer] = []

    def officer(
        self,
        association: PublicAffairsAssociation,
        taken: set[str],
        role: str,
        start: date,
        end: date | None,
        members: list[Member],
        area: PublicAffairsArea | None,
    ) -> PublicAffairsOfficer:
        member = None
        if members and self.rng.random() < 0.2:
            member = self.rng.choice(members)
        name = member.name if member is not None else ""
        while not name or name in taken:
            member = None
            name = self.rng.choice(names.SURNAMES) + self.rng.choice(GIVEN)
        taken.add(name)
        officer = PublicAffairsOfficer(
            association=association,
            name=name,
            member=member,
            role=role,
            area=area,
            term_start=start,
            term_end=end,
        )
        officer.set_phone(_phone(self.rng))
        self.officers.append(officer)
        return officer


def populate(rng: random.Random, today: date) -> dict[str, int]:
    has_active = PublicAffairsAssociation.objects.filter(
        community=OuterRef("pk"), dissolved_on__isnull=True
    )
    communities = {
        org.path: org
        for org in PartyOrg.objects.filter(kind__in=COMMUNITY_KINDS)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
        .exclude(Exists(has_active))
        .order_by("path")
    }
    members = _members_by_community(communities)
    chosen = [org for org in communities.values() if rng.random() < SHARE]
    associations = PublicAffairsAssociation.objects.bulk_create(
        PublicAffairsAssociation(
            community=org,
            name=f"{org.name.removesuffix('党委').removesuffix('党总支')}公共事务协会",
            founded_on=today - timedelta(days=rng.randint(800, 2500)),
            charter="本会是社区居民自我管理、自我服务的群众性组织，在社区党组织领导下开展工作。",
        )
        for org in chosen
    )
    areas: list[PublicAffairsArea] = PublicAffairsArea.objects.bulk_create(
        PublicAffairsArea(association=a, area=area, description=AREA_TEXT[WorkArea(area)])
        for a in associations
        for area in sorted(rng.sample(WorkArea.values, rng.randint(3, 6)))
    )
    areas_of: dict[int, list[PublicAffairsArea]] = defaultdict(list)
    for area in areas:
        areas_of[area.association_id].append(area)

    builder = _Builder(rng, today)
    sitting: dict[int, list[PublicAffairsOfficer]] = {}
    for association in associations:
        taken: set[str] = set()
        pool = members[association.community_id]
        start = today - timedelta(days=rng.randint(370, 700))
        current: list[PublicAffairsOfficer] = []
        own_areas = list(areas_of[association.pk])
        for role, low, high in COMMITTEE:
            for _ in range(rng.randint(low, high)):
                duty = (
                    own_areas.pop() if role == OfficerRole.COMMITTEE_MEMBER and own_areas else None
                )
                current.append(builder.officer(association, taken, role, start, None, pool, duty))
        # The previous committee's president and a member or two served until the election.
        before = start - timedelta(days=1)
        builder.officer(
            association, taken, OfficerRole.PRESIDENT, association.founded_on, before, pool, None
        )
        for _ in range(rng.randint(1, 2)):
            role = rng.choice((OfficerRole.COMMITTEE_MEMBER, OfficerRole.CLERK))
            builder.officer(association, taken, role, association.founded_on, before, pool, None)
        sitting[association.pk] = current
    PublicAffairsOfficer.objects.bulk_create(builder.officers)
    for area in areas:
        leads = [o for o in sitting[area.association_id] if o.area_id == area.pk]
        area.lead = leads[0] if leads else None
    PublicAffairsArea.objects.bulk_update(areas, ["lead"])

    meetings: list[PublicAffairsMeeting] = []
    for association in associations:
        for month in range(12):
            held = today - timedelta(days=365 - 30 * month - rng.randint(0, 6))
            meetings.append(
                PublicAffairsMeeting(
                    association=association,
                    held_on=min(held, today),
                    topic=TOPICS[month],
                    place="社区党群服务中心会议室",
                )
            )
    PublicAffairsMeeting.objects.bulk_create(meetings)
    attendance = []
    resolutions: list[PublicAffairsResolution] = []
    for meeting in meetings:
        current = sitting[meeting.association_id]
        for officer in rng.sample(current, rng.randint(min(3, len(current)), len(current))):
            attendance.append(
                PublicAffairsMeeting.attendees.through(
                    publicaffairsmeeting=meeting, publicaffairsofficer=officer
                )
            )
        for position in range(1, rng.randint(1, 3) + 1):
            text = rng.choice(RESOLUTIONS)
            resolutions.append(
                PublicAffairsResolution(meeting=meeting, position=position, text=text)
            )
    PublicAffairsMeeting.attendees.through.objects.bulk_create(attendance)
    PublicAffairsResolution.objects.bulk_create(resolutions)

    follow_ups: list[PublicAffairsFollowUp] = []
    for resolution in resolutions:
        meeting = resolution.meeting
        for _ in range(rng.randint(0, 2)):
            due = meeting.held_on + timedelta(days=rng.randint(14, 75))
            status, done_on = FollowUpStatus.OPEN, None
            if due < today and rng.random() < 0.85:
                status = FollowUpStatus.DONE
                done_on = min(today, meeting.held_on + timedelta(days=rng.randint(3, 80)))
            elif rng.random() < 0.5:
                status = FollowUpStatus.IN_PROGRESS
            follow_ups.append(
                PublicAffairsFollowUp(
                    resolution=resolution,
                    item=rng.choice(ITEMS),
                    owner=rng.choice(sitting[meeting.association_id]),
                    due_on=due,
                    status=status,
                    done_on=done_on,
                )
            )
    PublicAffairsFollowUp.objects.bulk_create(follow_ups)
    overdue = sum(
        1
        for f in follow_ups
        if f.status in (FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS) and f.due_on < today
    )
    return {
        "public_affairs_associations": len(associations),
        "public_affairs_areas": len(areas),
        "public_affairs_officers": len(builder.officers),
        "public_affairs_meetings": len(meetings),
        "public_affairs_resolutions": len(resolutions),
        "public_affairs_follow_ups": len(follow_ups),
        "public_affairs_overdue_follow_ups": overdue,
    }
