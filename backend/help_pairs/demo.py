"""Demo data for help pairs: households of every kind in each community, members paired with
most of them, a year of visits, and a few households nobody helps yet (the gap list).

Runs in a district that already holds the generated orgs and members; follows the app's rules
(no overlapping periods of a pair, visits within the pair's period, nothing after `today`)."""

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from backend.demo import names
from backend.demo.paths import community_of
from backend.help_pairs.models import (
    HelpPair,
    HelpPairEndReason,
    HelpVisit,
    HelpVisitKind,
    Household,
    HouseholdKind,
)
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.orgs.rules import COMMUNITY_KINDS

KINDS = (
    HouseholdKind.HARDSHIP_WORKER,
    HouseholdKind.LAID_OFF_WORKER,
    HouseholdKind.MILITARY_FAMILY,
    HouseholdKind.LONELY_ELDERLY,
)
GIVEN = ("秀英", "桂兰", "建国", "国强", "玉珍", "志明", "凤英", "德胜", "美华", "永康", "阿大")
SITUATIONS = {
    HouseholdKind.HARDSHIP_WORKER: "企业困难职工，家中有病人需长期照顾。",
    HouseholdKind.LAID_OFF_WORKER: "下岗后零工为生，子女在读。",
    HouseholdKind.MILITARY_FAMILY: "烈士遗属，年事已高。",
    HouseholdKind.LONELY_ELDERLY: "独居老人，行动不便。",
    HouseholdKind.OTHER: "因病致困。",
}
VISIT_KINDS: tuple[str, ...] = (
    HelpVisitKind.VISIT,
    HelpVisitKind.SERVICE,
    HelpVisitKind.MATERIAL,
    HelpVisitKind.MONEY,
    HelpVisitKind.OTHER,
)
VISIT_WEIGHTS = (0.5, 0.2, 0.15, 0.1, 0.05)
GAP_SHARE = 0.15  # households with nobody helping them


def _helpers_by_community(communities: dict[str, PartyOrg]) -> dict[int, list[Member]]:
    """Members of the community's subtree, and in-service members who live there."""
    helpers: dict[int, list[Member]] = defaultdict(list)
    members = (
        Member.objects.select_related("org")
        .order_by("id")
        .only("id", "org__path", "residence_community_id")
    )
    for member in members:
        community = community_of(member.org.path, communities)
        if community is not None:
            helpers[community.pk].append(member)
        elif member.residence_community_id is not None:
            helpers[member.residence_community_id].append(member)
    return helpers


def populate(rng: random.Random, today: date) -> dict[str, int]:
    communities = {
        org.path: org for org in PartyOrg.objects.filter(kind__in=COMMUNITY_KINDS).order_by("code")
    }
    helpers = _helpers_by_community(communities)
    households = _households(rng, today, list(communities.values()))
    pairs = _pairs(rng, today, households, helpers)
    visits = _visits(rng, today, pairs)
    gaps = sum(1 for h in households if h.closed_on is None) - len(
        {p.household_id for p in pairs if p.end_on is None}
    )
    return {
        "households": len(households),
        "help_pairs": len(pairs),
        "help_visits": len(visits),
        "households_without_helper": gaps,
    }


def _households(rng: random.Random, today: date, communities: list[PartyOrg]) -> list[Household]:
    rows = []
    for index, community in enumerate(communities):
        for number in range(rng.randint(2, 5)):
            # The first households go round the four kinds, so every kind appears.
            kind = KINDS[(index + number) % 4] if number < 2 else rng.choice(KINDS)
            registered = today - timedelta(days=rng.randint(120, 700))
            household = Household(
                community=community,
                head_name=rng.choice(names.SURNAMES) + rng.choice(GIVEN),
                kind=kind,
                address=f"{rng.randint(1, 30)}幢{rng.randint(1, 4)}单元",
                size=1 if kind == HouseholdKind.LONELY_ELDERLY else rng.randint(2, 5),
                situation=SITUATIONS[kind],
                registered_on=registered,
                closed_on=today - timedelta(days=rng.randint(1, 60))
                if rng.random() < 0.05
                else None,
            )
            household.set_phone(f"13{rng.randint(5, 9)}{rng.randint(0, 99999999):08d}")
            rows.append(household)
    return Household.objects.bulk_create(rows)


def _pairs(
    rng: random.Random,
    today: date,
    households: list[Household],
    helpers: dict[int, list[Member]],
) -> list[HelpPair]:
    rows = []
    for household in households:
        candidates = helpers.get(household.community_id, [])
        if not candidates or rng.random() < GAP_SHARE:
            continue
        last_day = household.closed_on or today
        for member in rng.sample(candidates, min(len(candidates), rng.randint(1, 2))):
            start = household.registered_on + timedelta(days=rng.randint(0, 30))
            pair = HelpPair(member=member, household=household, start_on=start)
            if household.closed_on is not None:
                pair.end_on, pair.end_reason = last_day, HelpPairEndReason.HOUSEHOLD_CLOSED
            elif rng.random() < 0.2 and (today - start).days > 90:
                # An earlier helper handed over; the household keeps a current one below.
                pair.end_on = start + timedelta(days=rng.randint(60, (today - start).days - 1))
                pair.end_reason = rng.choice(
                    (HelpPairEndReason.REASSIGNED, HelpPairEndReason.MEMBER_UNAVAILABLE)
                )
                rows.append(pair)
                rows.append(
                    HelpPair(
                        member=rng.choice(candidates),
                        household=household,
                        start_on=pair.end_on + timedelta(days=1),
                    )
                )
                continue
            rows.append(pair)
    return _without_overlaps(rows)


def _without_overlaps(rows: list[HelpPair]) -> list[HelpPair]:
    """Drop a pair that would overlap an earlier one of the same member and household."""
    kept: list[HelpPair] = []
    periods: dict[tuple[int, int], list[tuple[date, date]]] = defaultdict(list)
    for pair in rows:
        end = pair.end_on or date.max
        key = (pair.member.pk, pair.household.pk)
        if any(pair.start_on <= e and s <= end for s, e in periods[key]):
            continue
        periods[key].append((pair.start_on, end))
        kept.append(pair)
    return HelpPair.objects.bulk_create(kept)


def _visits(rng: random.Random, today: date, pairs: list[HelpPair]) -> list[HelpVisit]:
    rows = []
    year_ago = today - timedelta(days=365)
    for pair in pairs:
        day = max(pair.start_on, year_ago) + timedelta(days=rng.randint(0, 20))
        last = min(pair.end_on or today, today)
        # Some pairs fall behind: their last visit is months old ("not visited in N days").
        if pair.end_on is None and rng.random() < 0.15:
            last = today - timedelta(days=rng.randint(60, 150))
        while day <= last:
            kind = rng.choices(VISIT_KINDS, VISIT_WEIGHTS)[0]
            amount = None
            if kind == HelpVisitKind.MONEY:
                amount = Decimal(rng.choice((200, 300, 500, 800, 1000)))
            elif kind == HelpVisitKind.MATERIAL:
                amount = Decimal(rng.randint(50, 300))
            rows.append(
                HelpVisit(
                    pair=pair,
                    visited_on=day,
                    kind=kind,
                    hours=Decimal(rng.choice((5, 10, 15, 20, 30))) / 10,
                    amount=amount,
                    note="",
                )
            )
            day += timedelta(days=rng.randint(20, 45))
    return HelpVisit.objects.bulk_create(rows)
