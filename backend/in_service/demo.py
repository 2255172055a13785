"""Demo 在职党员 work: about 70% of the in-service members report to their residence community
over the last two to four half-years (a few cancel), with information cards listing skills,
activity registration entries, and feedback cards for the last quarters (sent to the members'
organisations, mostly acknowledged; the latest quarter partly still drafts). A few people from
outside the platform report too, and get printed cards.

`populate_between` (run by the platform once every demo district exists) has members of one
district report in another and sends their feedback cards across through tenants.exchange."""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from backend.common.validation import ValidationFailed
from backend.in_service.models import (
    ActivityEntry,
    ActivityKind,
    FeedbackCard,
    FeedbackChannel,
    FeedbackRating,
    FeedbackState,
    Report,
    Reporter,
    ReporterKind,
    ReportStatus,
    SkillTag,
)
from backend.in_service.periods import Period, half_year_of, period_before, period_containing
from backend.in_service.services import activity, feedback, received, reporting
from backend.members.id_numbers import make_id_number
from backend.members.identity import sealed_fields
from backend.members.models import Member, MemberCategory
from backend.members.personal_data import seal_id_number, seal_phone
from backend.orgs.models import PartyOrg
from backend.orgs.rules import COMMUNITY_KINDS
from tenants.context import in_district
from tenants.exchange import inbox
from tenants.models import DispatchKind

REPORT_SHARE = 0.7
POSTS = ("科员", "工程师", "教师", "医生", "护士", "会计", "部门经理", "技术员", "律师", "职员")
SKILL_WEIGHTS = (
    (SkillTag.MEDICAL, 8),
    (SkillTag.LEGAL, 5),
    (SkillTag.EDUCATION, 10),
    (SkillTag.ARTS, 8),
    (SkillTag.IT, 9),
    (SkillTag.REPAIR, 7),
    (SkillTag.COUNSELLING, 4),
    (SkillTag.FINANCE, 5),
    (SkillTag.CONSTRUCTION, 4),
    (SkillTag.OTHER, 3),
)
SKILL_NOTES = {
    SkillTag.MEDICAL: ("能做基础体检和急救培训", "社区义诊志愿者", "熟悉慢病管理"),
    SkillTag.LEGAL: ("可提供法律咨询", "熟悉劳动纠纷调解"),
    SkillTag.EDUCATION: ("可辅导中小学功课", "能讲党课"),
    SkillTag.ARTS: ("擅长书法", "会组织合唱排练", "摄影"),
    SkillTag.IT: ("能教老人用智能手机", "会维护网站和电脑"),
    SkillTag.REPAIR: ("水电维修", "家电维修"),
    SkillTag.COUNSELLING: ("国家二级心理咨询师",),
    SkillTag.FINANCE: ("可帮助社区理财务账目",),
    SkillTag.CONSTRUCTION: ("熟悉房屋安全检查",),
    SkillTag.OTHER: ("热心社区事务",),
}
ACTIVITIES = (
    ("楼道环境整治", ActivityKind.ACTIVITY),
    ("社区党课学习", ActivityKind.ACTIVITY),
    ("文明创建志愿服务", ActivityKind.ACTIVITY),
    ("关爱空巢老人走访", ActivityKind.ACTIVITY),
    ("社区义诊", ActivityKind.CONTRIBUTION),
    ("法律咨询进社区", ActivityKind.CONTRIBUTION),
    ("为社区捐赠图书", ActivityKind.CONTRIBUTION),
    ("辅导青少年功课", ActivityKind.CONTRIBUTION),
    ("防汛值守", ActivityKind.ACTIVITY),
    ("垃圾分类宣传", ActivityKind.ACTIVITY),
)
RATING_WEIGHTS = (
    (FeedbackRating.EXCELLENT, 30),
    (FeedbackRating.GOOD, 50),
    (FeedbackRating.FAIR, 16),
    (FeedbackRating.POOR, 4),
)
COMMENTS = {
    FeedbackRating.EXCELLENT: "积极参加社区活动，发挥专长服务居民，表现突出。",
    FeedbackRating.GOOD: "能按时参加社区活动，服务意识较强。",
    FeedbackRating.FAIR: "参加社区活动次数偏少，希望进一步发挥作用。",
    FeedbackRating.POOR: "本期基本未参加社区活动，请单位党组织加强教育。",
}
CANCEL_REASONS = ("搬离本社区", "工作调动至外地", "长期外派")
OUTSIDE_ORGS = ("市交通局机关党委", "省电力公司党委", "市第一人民医院党委", "某大学机关党总支")
OUTSIDE_REGION = "440305"  # ID numbers of people from outside the platform

T = TypeVar("T")


def _weighted(rng: random.Random, weights: tuple[tuple[T, int], ...]) -> T:
    return rng.choices([v for v, _ in weights], [w for _, w in weights])[0]


@dataclass(frozen=True)
class HalfYear:
    label: str
    start: date
    end: date


def _half_years(today: date, count: int) -> list[HalfYear]:
    """The last `count` half-years, oldest first, the current one last."""
    out = []
    period = period_containing(today, 6)
    for _ in range(count):
        out.append(HalfYear(half_year_of(period.start), period.start, period.end))
        period = period_before(period, 6)
    return out[::-1]


def _day_in(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _skills(rng: random.Random) -> tuple[list[str], str]:
    count = _weighted(rng, ((0, 3), (1, 5), (2, 2)))
    skills: list[str] = []
    while len(skills) < count:
        tag = _weighted(rng, SKILL_WEIGHTS)
        if tag not in skills:
            skills.append(tag)
    note = rng.choice(SKILL_NOTES[SkillTag(skills[0])]) if skills and rng.random() < 0.8 else ""
    return skills, note


def _moment(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59))))


def _outside_reporters(rng: random.Random, communities: list[PartyOrg]) -> list[Reporter]:
    out = []
    for index, community in enumerate(rng.sample(communities, min(len(communities), 4))):
        born = date(1975, 1, 1) + timedelta(days=rng.randint(0, 7000))
        sealed = seal_id_number(make_id_number(OUTSIDE_REGION, born, 800 + index))
        phone = seal_phone(f"139{rng.randint(0, 99_999_999):08d}")
        skills, note = _skills(rng)
        out.append(
            Reporter(
                community=community,
                kind=ReporterKind.EXTERNAL,
                name=rng.choice("赵钱孙李周吴郑王") + rng.choice(("建华", "丽娟", "志强", "海燕")),
                **sealed_fields(id_number=sealed, phone=phone),
                work_party_org_name=rng.choice(OUTSIDE_ORGS),
                work_unit_name="（平台外单位）",
                post=rng.choice(POSTS),
                skills=skills,
                skill_note=note,
            )
        )
    return out


def _reports(
    rng: random.Random, reporters: list[Reporter], today: date
) -> tuple[list[Report], dict[int, set[str]]]:
    reports: list[Report] = []
    active: dict[int, set[str]] = defaultdict(set)
    for reporter in reporters:
        span = _half_years(today, rng.randint(2, 4))
        for index, half in enumerate(span):
            if index and rng.random() < 0.12:
                continue  # missed a half-year
            reported_on = _day_in(rng, half.start, min(half.end, today, half.start + timedelta(60)))
            report = Report(
                reporter=reporter,
                community_id=reporter.community_id,
                half_year=half.label,
                reported_on=reported_on,
            )
            # A few cancel; the first report of all too, so even a tiny district shows one.
            if rng.random() < 0.05 or not reports:
                report.status = ReportStatus.CANCELLED
                report.cancelled_on = _day_in(rng, reported_on, min(half.end, today))
                report.cancel_reason = rng.choice(CANCEL_REASONS)
            else:
                active[reporter.pk].add(half.label)
            reports.append(report)
    return reports, active


def _entries(
    rng: random.Random, reporters: list[Reporter], active: dict[int, set[str]], today: date
) -> list[ActivityEntry]:
    entries = []
    for reporter in reporters:
        for half in _half_years(today, 4):
            if half.label not in active[reporter.pk]:
                continue
            for _ in range(rng.randint(0, 4)):
                title, kind = rng.choice(ACTIVITIES)
                entries.append(
                    ActivityEntry(
                        reporter=reporter,
                        occurred_on=_day_in(rng, half.start, min(half.end, today)),
                        title=title,
                        kind=kind,
                        hours=Decimal(rng.randint(2, 8)) / 2,
                    )
                )
    return entries


def _cards(
    rng: random.Random,
    reporters: list[Reporter],
    active: dict[int, set[str]],
    entries: list[ActivityEntry],
    org_of: dict[int, int],
    today: date,
) -> list[FeedbackCard]:
    """Cards for the last three completed quarters; the latest is partly unsent."""
    periods: list[Period] = []
    period = period_before(period_containing(today, 3), 3)
    for _ in range(3):
        periods.append(period)
        period = period_before(period, 3)
    by_reporter: dict[int, list[ActivityEntry]] = defaultdict(list)
    for entry in entries:
        by_reporter[entry.reporter.pk].append(entry)
    cards = []
    for age, period in enumerate(periods):
        touched = {half_year_of(period.start), half_year_of(period.end)}
        issued_on = min(today, period.end + timedelta(days=rng.randint(3, 15)))
        for reporter in reporters:
            if not touched & active[reporter.pk] or reporter.kind == ReporterKind.PLATFORM:
                continue
            mine = [
                e for e in by_reporter[reporter.pk] if period.start <= e.occurred_on <= period.end
            ]
            local = reporter.kind == ReporterKind.LOCAL
            card = FeedbackCard(
                reporter=reporter,
                period_label=period.label,
                period_start=period.start,
                period_end=period.end,
                activity_count=len(mine),
                service_hours=sum((e.hours for e in mine), Decimal(0)),
                issued_on=issued_on,
                channel=FeedbackChannel.LOCAL if local else FeedbackChannel.PRINTED,
                recipient_org_id=org_of.get(reporter.member_id or 0) if local else None,
            )
            if age == 0 and rng.random() < 0.3:
                cards.append(card)  # still a draft
                continue
            card.rating = _weighted(rng, RATING_WEIGHTS)
            card.comment = COMMENTS[FeedbackRating(card.rating)]
            card.state = FeedbackState.SENT
            card.sent_at = _moment(issued_on, rng)
            if local and rng.random() < (0.5 if age == 0 else 0.9):
                card.state = FeedbackState.ACKNOWLEDGED
                card.acknowledged_at = card.sent_at + timedelta(days=rng.randint(1, 20))
            cards.append(card)
    return cards


def populate(rng: random.Random, today: date) -> dict[str, int]:
    members = list(
        Member.objects.filter(
            category=MemberCategory.IN_SERVICE, residence_community__isnull=False
        ).order_by("id")
    )
    chosen = [m for m in members if rng.random() < REPORT_SHARE]
    communities = list(PartyOrg.objects.filter(kind__in=COMMUNITY_KINDS).order_by("code"))
    reporters = []
    for member in chosen:
        skills, note = _skills(rng)
        assert member.residence_community_id is not None  # the query asked for it
        reporters.append(
            Reporter(
                community_id=member.residence_community_id,
                kind=ReporterKind.LOCAL,
                member=member,
                name=member.name,
                work_unit_id=member.work_unit_id,
                post=rng.choice(POSTS),
                skills=skills,
                skill_note=note,
            )
        )
    if communities:
        reporters += _outside_reporters(rng, communities)
    with transaction.atomic():
        reporters = Reporter.objects.bulk_create(reporters)
        reports, active = _reports(rng, reporters, today)
        Report.objects.bulk_create(reports)
        entries = ActivityEntry.objects.bulk_create(_entries(rng, reporters, active, today))
        org_of = {m.pk: m.org_id for m in chosen}
        cards = FeedbackCard.objects.bulk_create(
            _cards(rng, reporters, active, entries, org_of, today)
        )
    return {
        "in_service_reporters": len(reporters),
        "in_service_reports": len(reports),
        "in_service_activity_entries": len(entries),
        "in_service_feedback_cards": len(cards),
    }


# --- between districts ---------------------------------------------------------------------

BETWEEN_PEOPLE = 4


def populate_between(
    rng: random.Random, today: date, sender_code: str, recipient_code: str
) -> dict[str, int]:
    """A few in-service members of the recipient district report in a community of the sender
    (as reporters from another district of the platform), get entries and a feedback card for
    the last completed quarter, sent through the platform; the recipient signs for most.
    Called from the platform (public schema) context; runs through the services."""
    today = min(today, timezone.localdate())  # the services refuse future dates
    with in_district(recipient_code):
        people = [
            (m.name, m.id_number)
            for m in Member.objects.filter(category=MemberCategory.IN_SERVICE).order_by("id")[:200]
        ]
    people = rng.sample(people, min(BETWEEN_PEOPLE, len(people)))
    quarter = period_before(period_containing(today, 3), 3)
    sent = 0
    with in_district(sender_code):
        communities = list(PartyOrg.objects.filter(kind__in=COMMUNITY_KINDS).order_by("code"))
        if not communities:
            return {"in_service_feedback_between_sent": 0}
        community = rng.choice(communities)
        for name, id_number in people:
            person = reporting.ExternalPerson(
                name=name, id_number=id_number, home_district_code=recipient_code
            )
            try:
                first = reporting.report_create(
                    community=community,
                    external=person,
                    reported_on=_day_in(rng, quarter.start, quarter.end),
                )
                if half_year_of(today) != first.half_year:
                    reporting.report_renew(reporter=first.reporter, reported_on=today)
            except ValidationFailed:
                continue  # e.g. already reporting there
            title, kind = rng.choice(ACTIVITIES)
            activity.entries_record(
                reporters=[first.reporter],
                data=activity.EntryData(
                    occurred_on=_day_in(rng, quarter.start, quarter.end),
                    title=title,
                    kind=kind,
                    hours=Decimal(rng.randint(2, 6)) / 2,
                ),
            )
        for card in feedback.feedback_issue(community=community, period=quarter):
            if card.channel != FeedbackChannel.PLATFORM:
                continue
            rating = _weighted(rng, RATING_WEIGHTS)
            feedback.feedback_update(
                card=card, changes={"rating": rating, "comment": COMMENTS[FeedbackRating(rating)]}
            )
            feedback.feedback_send(card=card)
            sent += 1
    acknowledged = 0
    with in_district(recipient_code):
        for dispatch in inbox(DispatchKind.FEEDBACK_CARD).filter(state="sent"):
            if dispatch.sender.code == sender_code and rng.random() < 0.75:
                received.platform_feedback_acknowledge(dispatch=dispatch)
                acknowledged += 1
    return {
        "in_service_feedback_between_sent": sent,
        "in_service_feedback_between_acknowledged": acknowledged,
    }
