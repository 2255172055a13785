"""Demo 共驻共建: every community pairs with 2–6 resident units, organs or their Party
organisations under 七携手 (and a few under 一创双促 or 旗帜行动), over the last two years, with
commitments on both sides and services recorded both ways; some pairs expired, half of those were
renewed, a few were ended early, and a few communities have no pair at all (the gap list).
Everything is bulk-created: a few statements per table, whatever the district's size."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from backend.campaigns.models import Campaign
from backend.cobuilding.models import (
    CoBuildingPair,
    PairCommitment,
    PairSide,
    ServiceDirection,
    ServiceRecord,
)
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import COMMUNITY_KINDS
from backend.units.models import Unit, UnitKind

COMMUNITY_PROMISES = (
    "为单位职工子女提供假期托管服务",
    "协助单位开展职工文体活动",
    "开放社区党员活动室供单位使用",
    "为单位在职党员报到提供服务岗位",
)
PARTNER_PROMISES = (
    "每季度开展一次进社区志愿服务",
    "开放单位食堂、停车场等资源",
    "结对帮扶社区困难家庭",
    "支持社区环境整治和文明创建",
    "派员参加社区党建联席会",
)
SERVICES_TO_COMMUNITY = (
    "志愿者上门慰问困难党员",
    "组织职工参与社区环境整治",
    "为社区居民开展义诊",
    "捐赠图书充实社区书屋",
    "开展法律咨询进社区",
)
SERVICES_TO_PARTNER = (
    "为单位职工举办政策宣讲",
    "组织社区文艺队到单位慰问演出",
    "协调解决单位周边停车问题",
    "为单位新入职员工办理居住登记指导",
)
END_REASONS = ("单位搬迁出辖区", "单位改制合并", "社区区划调整")
ISOLATED_SHARE = 0.03
Partner = tuple[str, int]  # ("org"|"unit", pk)


def _partners_by_street(
    communities: list[PartyOrg],
) -> tuple[dict[str, list[Partner]], list[Partner]]:
    """Units (or their own Party organisations) by the street they lie in, and organs'."""
    street_of_community = {c.pk: str(c.path).split(".")[1] for c in communities}
    by_street: dict[str, list[Partner]] = {s: [] for s in street_of_community.values()}
    organs: list[Partner] = []
    units = Unit.objects.filter(covering_org__isnull=False).values_list(
        "pk", "kind", "covering_org_id", "covering_org__path", "covering_org__kind"
    )
    for pk, kind, org_pk, path, org_kind in units.order_by("pk"):
        # A unit with its own Party organisation pairs now as the unit, now as its org.
        own_org = org_kind == PartyOrgKind.UNIT_ORG
        partner: Partner = ("org", org_pk) if own_org and pk % 3 == 0 else ("unit", pk)
        if kind in (UnitKind.ORGAN, UnitKind.DISTRICT_UNIT):
            organs.append(partner)
        labels = str(path).split(".")
        if len(labels) > 1 and labels[1] in by_street:
            by_street[labels[1]].append(partner)
    return by_street, list(dict.fromkeys(organs))


def _pair(community: PartyOrg, partner: Partner, starts: date, ends: date) -> CoBuildingPair:
    kind, pk = partner
    return CoBuildingPair(
        a_org=community,
        b_org_id=pk if kind == "org" else None,
        b_unit_id=pk if kind == "unit" else None,
        starts_on=starts,
        ends_on=ends,
    )


def _theme_for(rng: random.Random, pair: CoBuildingPair, campaigns: list[Campaign]) -> None:
    campaign = campaigns[0] if rng.random() < 0.8 else rng.choice(campaigns)
    pair.campaign = campaign
    themes = list(campaign.themes.all())
    pair.theme = rng.choice(themes) if themes else None


def _services(rng: random.Random, pair: CoBuildingPair, today: date) -> list[ServiceRecord]:
    """Roughly monthly; a partner that mostly gives, or a pair that truly serves both ways."""
    last = min(pair.ended_on or pair.ends_on, today)
    share_to_community = rng.choice((0.5, 0.7, 0.9, 1.0))
    rows: list[ServiceRecord] = []
    day = pair.starts_on + timedelta(days=rng.randint(5, 40))
    while day <= last:
        to_community = rng.random() < share_to_community
        rows.append(
            ServiceRecord(
                pair=pair,
                served_on=day,
                # The community is side A: the partner serving it is B→A.
                direction=ServiceDirection.B_TO_A if to_community else ServiceDirection.A_TO_B,
                description=rng.choice(
                    SERVICES_TO_COMMUNITY if to_community else SERVICES_TO_PARTNER
                ),
                hours=Decimal(rng.randint(2, 16)) / 2,
                beneficiaries=rng.randint(5, 120) if rng.random() < 0.7 else None,
            )
        )
        day += timedelta(days=rng.randint(20, 60))
    return rows


def _commitments(rng: random.Random, pair: CoBuildingPair) -> list[PairCommitment]:
    rows = []
    for side, promises in ((PairSide.A, COMMUNITY_PROMISES), (PairSide.B, PARTNER_PROMISES)):
        for position, text in enumerate(rng.sample(promises, rng.randint(1, 2)), start=1):
            rows.append(PairCommitment(pair=pair, side=side, text=text, position=position))
    return rows


def populate(rng: random.Random, today: date) -> dict[str, int]:
    communities = list(
        PartyOrg.objects.filter(kind__in=COMMUNITY_KINDS)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
        .order_by("path")
    )
    campaigns = list(
        Campaign.objects.filter(
            code__in=["seven_hands", "one_creation_two_promotions", "banner_action"]
        ).prefetch_related("themes")
    )
    campaigns.sort(key=lambda c: c.code != "seven_hands")  # 七携手 first
    by_street, organs = _partners_by_street(communities)
    first_round: list[CoBuildingPair] = []
    for community in communities:
        if rng.random() < ISOLATED_SHARE:
            continue
        local = by_street.get(str(community.path).split(".")[1], [])
        pool = rng.sample(local, min(len(local), 5)) + rng.sample(organs, min(len(organs), 2))
        for partner in list(dict.fromkeys(pool))[: rng.randint(2, 6)]:
            starts = today - timedelta(days=rng.randint(30, 730))
            pair = _pair(
                community, partner, starts, starts + timedelta(days=rng.choice((364, 729, 1094)))
            )
            _theme_for(rng, pair, campaigns)
            first_round.append(pair)
    renewals: list[tuple[CoBuildingPair, CoBuildingPair]] = []  # (original, renewal)
    ended = 0
    for pair in first_round:
        if pair.ends_on < today and rng.random() < 0.5:
            renewal = CoBuildingPair(
                a_org=pair.a_org,
                b_org_id=pair.b_org_id,
                b_unit_id=pair.b_unit_id,
                campaign=pair.campaign,
                theme=pair.theme,
                starts_on=pair.ends_on + timedelta(days=1),
                ends_on=pair.ends_on + timedelta(days=365),
            )
            renewals.append((pair, renewal))
        elif rng.random() < 0.05:
            span = (min(pair.ends_on, today) - pair.starts_on).days
            pair.ended_on = pair.starts_on + timedelta(days=rng.randint(0, span))
            pair.end_reason = rng.choice(END_REASONS)
            ended += 1
    CoBuildingPair.objects.bulk_create(first_round, batch_size=2000)
    renewal_rows = []
    for original, renewal in renewals:
        renewal.renewed_from = original  # saved above, so it has its primary key now
        renewal_rows.append(renewal)
    CoBuildingPair.objects.bulk_create(renewal_rows, batch_size=2000)
    pairs = first_round + renewal_rows
    commitments = [row for pair in pairs for row in _commitments(rng, pair)]
    PairCommitment.objects.bulk_create(commitments, batch_size=5000)
    services = [row for pair in pairs for row in _services(rng, pair, today)]
    ServiceRecord.objects.bulk_create(services, batch_size=5000)
    return {
        "cobuilding_pairs": len(first_round),
        "cobuilding_renewals": len(renewal_rows),
        "cobuilding_ended_pairs": ended,
        "cobuilding_commitments": len(commitments),
        "cobuilding_service_records": len(services),
    }
