"""Demo 干部下基层: four half-year waves of 百名干部进社区 over the last two years. The first
three have ended with a summary; the current one is under way (a few cadres came back early).
Cadres are in-service members of district organs (their Party organisation a unit org, their
work unit an organ) where the district has them, else other in-service members."""

import random
from datetime import date, timedelta

from django.db.models import Q

from backend.campaigns.models import Campaign
from backend.members.models import Member, MemberCategory
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import COMMUNITY_KINDS
from backend.secondments.models import Secondment
from backend.units.models import UnitKind

WAVE_STARTS_DAYS_AGO = (630, 450, 270, 90)
WAVE_DAYS = 180
# Share of the communities each wave reaches (the rest are the gap list).
WAVE_COVERAGE = 0.7
TITLES = {
    "科级": ("科长", "副科长", "主任科员", "办公室主任"),
    "处级": ("副局长", "副主任", "调研员"),
}
TASKS = (
    "协助社区党委开展在职党员报到和联系卡工作",
    "蹲点调研社区党建工作，帮助完善党员管理制度",
    "联系困难党员和困难群众，协调解决实际问题",
    "指导社区党员之家和党员标准活动室建设",
    "推动驻区单位与社区结对共建",
)
SUMMARIES = (
    "完成蹲点任务，走访党员和群众 {n} 户，形成调研报告一份。",
    "协调解决群众反映问题 {n} 件，帮助社区完善了党员管理台账。",
    "推动 {n} 家驻区单位与社区签订共建协议。",
)


def _cadre_pool() -> tuple[list[Member], list[Member]]:
    """District organs' cadres first, then other in-service members of unit orgs."""
    in_service = Member.objects.filter(category=MemberCategory.IN_SERVICE).select_related(
        "work_unit"
    )
    # Cadres already seconded (another run, real data) are left alone: no overlaps.
    in_service = in_service.exclude(secondments__isnull=False)
    organ = list(
        in_service.filter(org__kind=PartyOrgKind.UNIT_ORG, work_unit__kind=UnitKind.ORGAN).order_by(
            "id"
        )
    )
    others = list(
        in_service.filter(
            Q(work_unit__kind__in=[UnitKind.ORGAN, UnitKind.DISTRICT_UNIT])
            | Q(org__kind=PartyOrgKind.UNIT_ORG)
        )
        .exclude(pk__in=[m.pk for m in organ])
        .order_by("id")
    )
    return organ, others


def _pick(rng: random.Random, pool: tuple[list[Member], list[Member]], count: int) -> list[Member]:
    organ, others = pool
    picked = rng.sample(organ, min(count, len(organ)))
    return picked + rng.sample(others, min(count - len(picked), len(others)))


def _secondment(
    rng: random.Random,
    cadre: Member,
    community: PartyOrg,
    campaign: Campaign,
    start: date,
    today: date,
) -> Secondment:
    rank = "处级" if rng.random() < 0.2 else "科级"
    planned_end = start + timedelta(days=WAVE_DAYS)
    ended_on: date | None = None
    summary = ""
    if planned_end < today:
        # Back the day before the next wave starts at the latest.
        ended_on = planned_end - timedelta(days=rng.randint(1, 10))
    elif rng.random() < 0.05:
        ended_on = start + timedelta(days=rng.randint(20, max(21, (today - start).days - 1)))
        ended_on = min(ended_on, today)
        summary = "因工作调动提前结束下派。"
    if ended_on is not None and not summary:
        summary = rng.choice(SUMMARIES).format(n=rng.randint(3, 40))
    return Secondment(
        cadre=cadre,
        cadre_name=cadre.name,
        rank=rank,
        title=rng.choice(TITLES[rank]),
        home_unit=cadre.work_unit,
        community=community,
        campaign=campaign,
        started_on=start,
        planned_end_on=planned_end,
        ended_on=ended_on,
        tasks=rng.choice(TASKS),
        summary=summary,
    )


def populate(rng: random.Random, today: date) -> dict[str, int]:
    campaign = Campaign.objects.get(code="hundred_cadres_community")
    communities = list(
        PartyOrg.objects.filter(kind__in=COMMUNITY_KINDS)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
        .order_by("path")
    )
    pool = _cadre_pool()
    rows: list[Secondment] = []
    if not communities or not any(pool):
        return {"secondments": 0, "active_secondments": 0}
    for days_ago in WAVE_STARTS_DAYS_AGO:
        start = today - timedelta(days=days_ago)
        reached = rng.sample(communities, max(1, round(len(communities) * WAVE_COVERAGE)))
        # Within a wave a cadre serves one community; the waves do not overlap in time.
        cadres = _pick(rng, pool, len(reached))
        for cadre, community in zip(cadres, sorted(reached, key=lambda c: c.path), strict=False):
            rows.append(_secondment(rng, cadre, community, campaign, start, today))
    Secondment.objects.bulk_create(rows)
    active = sum(1 for row in rows if row.ended_on is None and row.started_on <= today)
    return {"secondments": len(rows), "active_secondments": active}
