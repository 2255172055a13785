"""Demo data for activities: a year of activities across the district under the built-in
campaigns and 七携手 themes (some under co-building pairs and councils), members of every category
taking part with service hours, units taking part, and volunteer teams of unit orgs and
communities.

Volume follows the member count: about ten participations per member a year (a 100,000-member
district gets ~1,000,000 rows), written with COPY."""

import random
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Q

from backend.activities.models import (
    Activity,
    ActivityParticipation,
    ActivityUnit,
    TeamRole,
    VolunteerTeam,
    VolunteerTeamMembership,
)
from backend.campaigns.models import Campaign, CampaignTheme
from backend.cobuilding.models import CoBuildingPair
from backend.councils.models import Council
from backend.members.models import Member, MemberCategory
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import COMMUNITY_KINDS

# Share of each category that takes part in activities in a year, and how many they attend.
TAKE_PART: dict[str, float] = {
    MemberCategory.IN_SERVICE: 0.75,
    MemberCategory.COMMUNITY: 0.6,
    MemberCategory.RETIRED: 0.8,
    MemberCategory.MOBILE: 0.45,
    MemberCategory.LAID_OFF: 0.55,
}
DEFAULT_TAKE_PART = 0.5
MEAN_ATTENDANCES = 15
# (campaign code, weight); the themed ones pick one of their themes.
CAMPAIGN_WEIGHTS = (
    ("seven_hands", 45),
    ("banner_action", 15),
    ("three_actions", 15),
    ("one_creation_two_promotions", 10),
    ("hundred_cadres_community", 5),
    (None, 10),
)
TITLES = {
    "economy": ("招商引资座谈会", "驻区企业用工对接会"),
    "community_service": ("便民服务日", "敬老助残上门服务", "义诊进社区"),
    "new_citizens": ("青少年暑期课堂", "道德讲堂"),
    "five_good_branches": ("支部共建主题党日", "三会一课联学"),
    "environment": ("环境卫生清扫", "垃圾分类宣传", "楼道整治"),
    "safety": ("平安巡逻", "消防安全演练", "防诈骗宣传"),
    "civilised_community": ("文明社区创建", "邻里节"),
    None: ("党员志愿服务", "主题党日活动", "党员亮身份承诺践诺", "政策宣讲"),
}
PLACES = (
    "社区党员活动室",
    "社区广场",
    "社区服务中心",
    "小区",
    "驻区单位会议室",
    "街道党群服务中心",
)
HOURS = tuple(Decimal(h) for h in ("1", "1.5", "2", "2", "2.5", "3", "4"))
TEAM_NAMES = ("党员志愿者服务队", "红色先锋服务队", "邻里守望服务队", "技能服务队")


@dataclass
class _Org:
    pk: int
    path: str
    kind: str

    @property
    def street(self) -> str:
        parts = self.path.split(".")
        return parts[1] if len(parts) > 1 else parts[0]


def _orgs(today: date) -> dict[int, _Org]:
    rows = PartyOrg.objects.filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
    return {
        pk: _Org(pk, str(path), kind) for pk, path, kind in rows.values_list("pk", "path", "kind")
    }


def _campaigns() -> list[tuple[Campaign | None, list[CampaignTheme], int]]:
    by_code = {c.code: c for c in Campaign.objects.prefetch_related("themes")}
    return [
        (
            by_code.get(code) if code else None,
            list(by_code[code].themes.all()) if code in by_code else [],
            w,
        )
        for code, w in CAMPAIGN_WEIGHTS
        if code is None or code in by_code
    ]


def _members_by_street(rng: random.Random, orgs: dict[int, _Org]) -> dict[str, list[int]]:
    """Attendance slots per street: each taking-part member repeated once per activity."""
    slots: dict[str, list[int]] = defaultdict(list)
    for pk, org_id, category in Member.objects.values_list("pk", "org_id", "category").order_by(
        "pk"
    ):
        org = orgs.get(org_id)
        if org is None or rng.random() >= TAKE_PART.get(category, DEFAULT_TAKE_PART):
            continue
        times = max(1, min(40, int(rng.expovariate(1 / MEAN_ATTENDANCES)) + 1))
        slots[org.street].extend([pk] * times)
    return slots


def _pairs_by_org(today: date, start: date) -> dict[int, list[CoBuildingPair]]:
    by_org: dict[int, list[CoBuildingPair]] = defaultdict(list)
    pairs = CoBuildingPair.objects.filter(starts_on__lte=today, ends_on__gte=start).select_related(
        "a_unit", "b_unit"
    )
    for pair in pairs.order_by("pk"):
        for org_id in (pair.a_org_id, pair.b_org_id):
            if org_id is not None:
                by_org[org_id].append(pair)
    return by_org


def _councils_by_host() -> dict[int, list[Council]]:
    by_host: dict[int, list[Council]] = defaultdict(list)
    for council in Council.objects.order_by("pk"):
        by_host[council.host_org_id].append(council)
    return by_host


def _teams(rng: random.Random, orgs: dict[int, _Org], today: date) -> list[VolunteerTeam]:
    teams = []
    for org in orgs.values():
        share = (
            0.7 if org.kind in COMMUNITY_KINDS else 0.4 if org.kind == PartyOrgKind.UNIT_ORG else 0
        )
        if rng.random() >= share:
            continue
        founded = today - timedelta(days=rng.randint(200, 1800))
        dissolved = None
        if rng.random() < 0.05:
            dissolved = founded + timedelta(days=rng.randint(60, (today - founded).days))
        teams.append(
            VolunteerTeam(
                org_id=org.pk,
                name=rng.choice(TEAM_NAMES),
                service_area="本社区及周边" if org.kind in COMMUNITY_KINDS else "驻地社区",
                founded_on=founded,
                dissolved_on=dissolved,
            )
        )
    VolunteerTeam.objects.bulk_create(teams, batch_size=2000)
    return teams


def _team_members(
    rng: random.Random,
    teams: list[VolunteerTeam],
    slots: dict[str, list[int]],
    orgs: dict[int, _Org],
    today: date,
) -> list[VolunteerTeamMembership]:
    rows = []
    for team in teams:
        pool = slots.get(orgs[team.org_id].street, [])
        chosen = list(dict.fromkeys(rng.sample(pool, min(len(pool), rng.randint(5, 20)))))
        end = team.dissolved_on or today
        for index, member_id in enumerate(chosen):
            joined = team.founded_on + timedelta(days=rng.randint(0, (end - team.founded_on).days))
            left = team.dissolved_on
            if left is None and rng.random() < 0.1:
                left = joined + timedelta(days=rng.randint(0, (today - joined).days))
            rows.append(
                VolunteerTeamMembership(
                    team=team,
                    member_id=member_id,
                    role=TeamRole.LEADER if index == 0 else TeamRole.MEMBER,
                    joined_on=joined,
                    left_on=left,
                )
            )
    VolunteerTeamMembership.objects.bulk_create(rows, batch_size=5000)
    return rows


def _copy_participations(rows: list[tuple[int, int, Decimal, date]]) -> None:
    table = connection.ops.quote_name(ActivityParticipation._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {table} (activity_id, member_id, hours, occurred_on) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            copy.write_row(row)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")


def populate(rng: random.Random, today: date) -> dict[str, int]:
    start = today - timedelta(days=364)
    orgs = _orgs(today)
    campaigns = _campaigns()
    weights = [w for _, _, w in campaigns]
    slots = _members_by_street(rng, orgs)
    teams = _teams(rng, orgs, today)
    memberships = _team_members(rng, teams, slots, orgs, today)
    teams_by_org: dict[int, list[VolunteerTeam]] = defaultdict(list)
    for team in teams:
        teams_by_org[team.org_id].append(team)
    pairs_by_org = _pairs_by_org(today, start)
    councils_by_host = _councils_by_host()
    organisers: dict[str, list[_Org]] = defaultdict(list)
    for org in orgs.values():
        if org.kind in COMMUNITY_KINDS:
            organisers[org.street] += [org] * 4
        elif org.kind in (PartyOrgKind.UNIT_ORG, PartyOrgKind.STREET_WORKING_COMMITTEE):
            organisers[org.street].append(org)

    activities: list[Activity] = []
    attendees: list[list[int]] = []
    units: list[ActivityUnit] = []
    for street in sorted(slots):
        pool = slots[street]
        hosts = organisers.get(street)
        if not hosts:
            continue
        rng.shuffle(pool)
        index = 0
        while index < len(pool):
            size = rng.randint(8, 40)
            chunk = list(dict.fromkeys(pool[index : index + size]))
            index += size
            org = rng.choice(hosts)
            on = start + timedelta(days=rng.randint(0, 364))
            campaign, themes, _ = rng.choices(campaigns, weights)[0]
            theme = rng.choice(themes) if themes and rng.random() < 0.9 else None
            activity = Activity(
                org_id=org.pk,
                title=rng.choice(TITLES.get(theme.code if theme else None, TITLES[None])),
                occurred_on=on,
                duration_hours=rng.choice(HOURS),
                place=rng.choice(PLACES),
                campaign=campaign,
                theme=theme,
            )
            _attach(rng, activity, org, pairs_by_org, councils_by_host, teams_by_org, units)
            activities.append(activity)
            attendees.append(chunk)
    Activity.objects.bulk_create(activities, batch_size=5000)
    for unit in units:
        unit.activity_id = unit.activity.pk
    ActivityUnit.objects.bulk_create(units, batch_size=5000)
    rows = [
        (activity.pk, member_id, rng.choice(HOURS), activity.occurred_on)
        for activity, chunk in zip(activities, attendees, strict=True)
        for member_id in chunk
    ]
    began = time.perf_counter()
    _copy_participations(rows)
    seconds = max(time.perf_counter() - began, 1e-6)
    return {
        "activities": len(activities),
        "activity_participations": len(rows),
        "activity_units": len(units),
        "activities_under_pairs": sum(1 for a in activities if a.pair_id),
        "activities_under_councils": sum(1 for a in activities if a.council_id),
        "volunteer_teams": len(teams),
        "volunteer_team_memberships": len(memberships),
        "participation_rows_per_second": int(len(rows) / seconds),
    }


def _attach(
    rng: random.Random,
    activity: Activity,
    org: _Org,
    pairs_by_org: dict[int, list[CoBuildingPair]],
    councils_by_host: dict[int, list[Council]],
    teams_by_org: dict[int, list[VolunteerTeam]],
    units: list[ActivityUnit],
) -> None:
    """Under a pair of the organiser's (its unit taking part), or a council it hosts, or served
    by one of its volunteer teams — each only when the dates allow it."""
    on = activity.occurred_on
    pairs = [
        p for p in pairs_by_org.get(org.pk, ()) if p.starts_on <= on <= (p.ended_on or p.ends_on)
    ]
    if pairs and rng.random() < 0.35:
        pair = rng.choice(pairs)
        activity.pair = pair
        for unit_id in (pair.a_unit_id, pair.b_unit_id):
            if unit_id is not None:
                units.append(
                    ActivityUnit(activity=activity, unit_id=unit_id, people=rng.randint(2, 15))
                )
    else:
        councils = [
            c
            for c in councils_by_host.get(org.pk, ())
            if (c.established_on is None or c.established_on <= on)
            and (c.dissolved_on is None or on <= c.dissolved_on)
        ]
        if councils and rng.random() < 0.2:
            activity.council = rng.choice(councils)
    teams = [
        t
        for t in teams_by_org.get(org.pk, ())
        if t.founded_on <= on and (t.dissolved_on is None or on <= t.dissolved_on)
    ]
    if teams and rng.random() < 0.25:
        activity.volunteer_team = rng.choice(teams)
