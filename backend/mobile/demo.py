"""Demo data for discovery (公开亮相) and mobile members (流动党员), over the last two years.

`populate` runs both parts on a district that already holds the generated orgs and members:
- `populate_registrations`: in every community, registrations of all four sources, members of the
  district and people not on its roll; most placed, some moved away, some still waiting.
- `populate_mobile`: a profile for every mobile member; most assigned to a party group or a
  temporary branch (some after an earlier assignment), some with none; and one temporary branch
  of a finished project, closed through the service, its members re-assigned to a party group.
Rows are bulk-created under the same rules the services enforce; the closure runs the service.
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from backend.demo import names as n
from backend.members.id_numbers import make_id_number
from backend.members.identity import store_sealed
from backend.members.models import Member, MemberCategory, Registration, RegistrationSource
from backend.members.personal_data import seal_id_number, seal_phone
from backend.mobile.branch_closure import temporary_branch_close
from backend.mobile.models import (
    AssignmentEndReason,
    MobileAssignment,
    MobileMemberProfile,
    RelationLocation,
    Trade,
)
from backend.mobile.services import assignment_create
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import COMMUNITY_KINDS
from backend.orgs.services import org_create

K = PartyOrgKind
ORIGINS = (
    ("安徽省阜阳市", "341200"),
    ("河南省信阳市", "411500"),
    ("四川省达州市", "511700"),
    ("江西省上饶市", "361100"),
    ("贵州省毕节市", "520500"),
    ("湖南省邵阳市", "430500"),
    ("甘肃省天水市", "620500"),
    ("重庆市开州区", "500154"),
    ("云南省昭通市", "530600"),
    ("湖北省黄冈市", "421100"),
    ("江苏省徐州市", "320300"),
    ("山东省临沂市", "371300"),
)
OCCUPATIONS = {
    Trade.CONSTRUCTION: ("钢筋工", "木工", "泥瓦工", "施工员", "电焊工"),
    Trade.MANUFACTURING: ("装配工", "质检员", "机修工"),
    Trade.SERVICES: ("保安", "物业维修工", "快递员"),
    Trade.CATERING: ("厨师", "餐厅服务员"),
    Trade.RETAIL: ("个体经营", "超市店员"),
    Trade.LOGISTICS: ("货车司机", "仓库管理员"),
    Trade.DOMESTIC: ("家政服务员", "育婴员"),
    Trade.OTHER: ("灵活就业",),
}
TRADE_WEIGHTS = (
    (Trade.CONSTRUCTION, 30),
    (Trade.SERVICES, 18),
    (Trade.MANUFACTURING, 14),
    (Trade.CATERING, 10),
    (Trade.LOGISTICS, 10),
    (Trade.RETAIL, 8),
    (Trade.DOMESTIC, 6),
    (Trade.OTHER, 4),
)


@dataclass
class Tree:
    """The district's orgs as the demo needs them."""

    by_pk: dict[int, PartyOrg]
    communities: list[PartyOrg]
    community_of: dict[int, PartyOrg]  # org pk -> the community it lies in
    subtree: dict[int, list[PartyOrg]]  # community pk -> orgs inside it (itself included)
    street_communities: dict[int, list[PartyOrg]]  # street pk -> communities

    @classmethod
    def load(cls) -> "Tree":
        orgs = list(PartyOrg.objects.order_by("path"))
        by_pk = {org.pk: org for org in orgs}
        communities = [org for org in orgs if org.kind in COMMUNITY_KINDS]
        community_pks = {c.pk: c for c in communities}
        community_of: dict[int, PartyOrg] = {}
        subtree: dict[int, list[PartyOrg]] = defaultdict(list)
        street_communities: dict[int, list[PartyOrg]] = defaultdict(list)
        for org in orgs:
            for pk in (int(p) for p in str(org.path).split(".")):
                if pk in community_pks:
                    community_of[org.pk] = community_pks[pk]
                    subtree[pk].append(org)
        for community in communities:
            if community.parent_id is not None:
                street_communities[community.parent_id].append(community)
        return cls(by_pk, communities, community_of, subtree, street_communities)

    def closes(self, org: PartyOrg) -> date | None:
        """The first day the org no longer works (its own or its temporary branch's end)."""
        ends = [org.end_date]
        parent = self.by_pk.get(org.parent_id) if org.parent_id else None
        if org.kind == K.PARTY_GROUP and parent is not None and parent.kind == K.TEMPORARY_BRANCH:
            ends.append(parent.end_date)
        known = [end for end in ends if end is not None]
        return min(known) if known else None


def _between(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


def populate(rng: random.Random, today: date) -> dict[str, int]:
    return {**populate_registrations(rng, today), **populate_mobile(rng, today)}


# --- 公开亮相 ---------------------------------------------------------------------------------


def _person_name(rng: random.Random) -> tuple[str, bool]:
    era = rng.choice(("mid", "young"))
    is_male = rng.random() < 0.55
    given = n.GIVEN_NAMES[era]["male" if is_male else "female"]
    return rng.choice(n.SURNAMES) + rng.choice(given), is_male


def populate_registrations(rng: random.Random, today: date) -> dict[str, int]:
    tree = Tree.load()
    members_by_community: dict[int, list[Member]] = defaultdict(list)
    for resident in Member.objects.order_by("pk").only(
        "pk",
        "name",
        "category",
        "org_id",
        "residence_community_id",
        "id_number_hash",
        "id_number_masked",
    ):
        community = tree.community_of.get(resident.org_id) or (
            tree.by_pk.get(resident.residence_community_id or 0)
        )
        if community is not None:
            members_by_community[community.pk].append(resident)
    used_hashes: set[str] = set()
    rows: list[Registration] = []
    sources = list(RegistrationSource.values)
    for community in tree.communities:
        placements = [o for o in tree.subtree[community.pk] if o.kind != K.TEMPORARY_BRANCH]
        pool = list(members_by_community[community.pk])
        rng.shuffle(pool)
        count = rng.randint(8, 14)
        for index in range(count):
            source = sources[index] if index < len(sources) else rng.choice(sources)
            registered = _between(rng, today - timedelta(days=730), today - timedelta(days=7))
            row = Registration(source=source, community=community, registered_on=registered)
            member: Member | None = pool.pop() if pool and rng.random() < 0.4 else None
            if member is not None and member.id_number_hash not in used_hashes:
                row.member, row.name = member, member.name
                row.id_number_hash, row.id_number_masked = (
                    member.id_number_hash,
                    member.id_number_masked,
                )
                row.category_hint = member.category
            else:
                member = None
                _fill_non_member(rng, row, used_hashes)
            used_hashes.add(row.id_number_hash)
            roll = rng.random()
            # The last of each community is always still waiting: every list has someone.
            if index == count - 1 or roll >= 0.72:
                pass
            else:
                if roll < 0.6:
                    row.placed_on = min(today, registered + timedelta(days=rng.randint(7, 120)))
                    in_community = member is not None and member.org_id in {
                        o.pk for o in tree.subtree[community.pk]
                    }
                    row.placed_in = (
                        tree.by_pk[member.org_id]
                        if member and in_community
                        else rng.choice(placements)
                    )
                if roll >= 0.6 or rng.random() < 0.05:
                    start = row.placed_on or registered
                    row.left_on = min(today, start + timedelta(days=rng.randint(30, 300)))
                    row.notes = "已迁离本社区"
            rows.append(row)
        used_hashes.clear()  # the rule is per community
    Registration.objects.bulk_create(rows, batch_size=500)
    unplaced = sum(1 for r in rows if r.placed_on is None and r.left_on is None)
    return {"registrations": len(rows), "registrations_unplaced": unplaced}


def _fill_non_member(rng: random.Random, row: Registration, used: set[str]) -> None:
    name, is_male = _person_name(rng)
    place, region = rng.choice(ORIGINS)
    while True:
        born = date(rng.randint(1965, 1998), rng.randint(1, 12), rng.randint(1, 28))
        sealed = seal_id_number(make_id_number(region, born, rng.randrange(500) * 2 + is_male))
        if sealed.hash not in used:
            break
    phone = seal_phone(rng.choice(n.MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}")
    row.name = name
    store_sealed(row, id_number=sealed, phone=phone)
    row.relation_location = f"{place}{rng.choice(n.PLACE_FIRST)}{rng.choice(('村', '社区'))}党支部"
    row.category_hint = rng.choice(
        (MemberCategory.IN_SERVICE, MemberCategory.RETIRED, MemberCategory.MOBILE, "")
    )
    row.notes = {
        RegistrationSource.HOME_PURCHASE: "购房入住后由物业告知社区",
        RegistrationSource.EMPLOYMENT: "入职辖区企业后登记",
        RegistrationSource.SELF_DECLARED: "主动到社区亮明身份",
        RegistrationSource.TRANSFER_IN: "组织关系转入",
    }[RegistrationSource(row.source)]


# --- 流动党员 ---------------------------------------------------------------------------------


def _assignable(tree: Tree, community: PartyOrg) -> list[PartyOrg]:
    """Groups inside the community and temporary branches (with their groups) of its street."""
    inside = [
        o for o in tree.subtree[community.pk] if o.kind in (K.PARTY_GROUP, K.TEMPORARY_BRANCH)
    ]
    nearby = [
        o
        for o in tree.by_pk.values()
        if o.kind == K.TEMPORARY_BRANCH and o.parent_id == community.parent_id
    ]
    return inside + nearby


def _window(tree: Tree, org: PartyOrg, after: date, today: date) -> tuple[date, date] | None:
    """The days an assignment to `org` may start on: open, not before `after`, not after today."""
    lo = max(after, org.established_on or after)
    closes = tree.closes(org)
    hi = today if closes is None else min(today, closes - timedelta(days=1))
    return (lo, hi) if lo <= hi else None


def _profile_for(
    rng: random.Random, member: Member, community: PartyOrg, registered: date
) -> MobileMemberProfile:
    place, region = rng.choice(ORIGINS)
    trade = (
        Trade.CONSTRUCTION
        if member.org.kind == K.TEMPORARY_BRANCH
        else Trade(_weighted(rng, TRADE_WEIGHTS))
    )
    outside = member.org.kind != K.TEMPORARY_BRANCH and rng.random() < 0.35
    return MobileMemberProfile(
        member=member,
        origin_place=place,
        origin_region_code=region if rng.random() < 0.85 else "",
        relation_location=RelationLocation.OUTSIDE if outside else RelationLocation.IN_DISTRICT,
        relation_org_name=f"{place}{rng.choice(n.PLACE_FIRST)}村党支部" if outside else "",
        relation_place=place if outside else "",
        trade=trade,
        occupation=rng.choice(OCCUPATIONS[trade]),
        community=community,
        registered_on=registered,
        contact_notes=rng.choice(("微信联系", "春节返乡，节后回", "工地宿舍", "")),
    )


def populate_mobile(rng: random.Random, today: date) -> dict[str, int]:
    tree = Tree.load()
    members = list(
        Member.objects.filter(category=MemberCategory.MOBILE).select_related("org").order_by("pk")
    )
    if not members or not tree.communities:
        return {"mobile_profiles": 0, "mobile_assignments": 0, "temporary_branches_closed": 0}
    profiles: list[MobileMemberProfile] = []
    for member in members:
        community = tree.community_of.get(member.org_id)
        if community is None:  # a temporary branch under a street: one of that street's communities
            candidates = tree.street_communities.get(member.org.parent_id or 0) or tree.communities
            community = rng.choice(candidates)
        registered = _between(rng, today - timedelta(days=700), today - timedelta(days=20))
        if member.org.kind == K.TEMPORARY_BRANCH and member.org.established_on:
            registered = max(registered, member.org.established_on)
        profiles.append(_profile_for(rng, member, community, min(registered, today)))
    MobileMemberProfile.objects.bulk_create(profiles, batch_size=500)

    story = _closed_branch_story(rng, today, tree, profiles)
    assignments: list[MobileAssignment] = []
    waiting = [p for p in profiles if p.pk not in story]
    for index, profile in enumerate(waiting):
        # The last one is never assigned: every district has someone on the 未编组 list.
        assignments += _history(rng, today, tree, profile, unassigned=index == len(waiting) - 1)
    MobileAssignment.objects.bulk_create(assignments, batch_size=500)
    return {
        "mobile_profiles": len(profiles),
        "mobile_assignments": len(assignments) + 2 * len(story),
        "temporary_branches_closed": 1 if story else 0,
    }


def _history(
    rng: random.Random,
    today: date,
    tree: Tree,
    profile: MobileMemberProfile,
    *,
    unassigned: bool = False,
) -> list[MobileAssignment]:
    """Most members assigned now, a third of them after an earlier group; some with none."""
    own = profile.member.org
    options = _assignable(tree, profile.community)
    if own.kind == K.TEMPORARY_BRANCH:
        options = [own] * 4 + options  # most likely their own branch
    rng.shuffle(options)
    rows: list[MobileAssignment] = []
    after = profile.registered_on
    if rng.random() < 0.3 and options:  # an earlier, finished assignment
        earlier = options[-1]
        window = _window(tree, earlier, after, today - timedelta(days=60))
        if window is not None:
            start = _between(rng, window[0], window[0] + timedelta(days=60))
            start = min(start, window[1])
            end = min(today, start + timedelta(days=rng.randint(30, 200)))
            closes = tree.closes(earlier)
            if closes is not None:
                end = min(end, closes)
            rows.append(
                MobileAssignment(
                    profile=profile,
                    org=earlier,
                    start_date=start,
                    end_date=end,
                    end_reason=rng.choice(
                        (AssignmentEndReason.COMPLETED, AssignmentEndReason.REASSIGNED)
                    ),
                )
            )
            after = end
    if rng.random() < 0.2 or unassigned:
        return rows  # 未编组 today
    for org in options:
        window = _window(tree, org, after, today)
        if window is not None and (tree.closes(org) or today + timedelta(days=1)) > today:
            rows.append(
                MobileAssignment(profile=profile, org=org, start_date=_between(rng, *window))
            )
            break
    return rows


def _closed_branch_story(
    rng: random.Random, today: date, tree: Tree, profiles: list[MobileMemberProfile]
) -> set[int]:
    """A finished project's temporary branch: its members are assigned through the service,
    then the branch is closed and they move to a party group of the community."""
    for community in tree.communities:
        groups = [
            o
            for o in tree.subtree[community.pk]
            if o.kind == K.PARTY_GROUP
            and tree.closes(o) is None
            and (o.established_on or today) <= today - timedelta(days=200)
        ]
        members = [
            p
            for p in profiles
            if p.community_id == community.pk and p.member.org.kind != K.TEMPORARY_BRANCH
        ]
        if groups and len(members) >= 2:
            break
    else:
        return set()
    established = today - timedelta(days=rng.randint(500, 620))
    closed_on = today - timedelta(days=rng.randint(90, 160))
    branch = org_create(
        code=f"{community.code}-T1",
        name=f"{community.name.removesuffix('党委').removesuffix('党总支')}安置房建设项目临时党支部",
        kind=K.TEMPORARY_BRANCH,
        parent=community,
        established_on=established,
        end_date=today + timedelta(days=120),  # the plan; the project finished early
    )
    chosen = members[: min(6, len(members))]
    for profile in chosen:
        profile.registered_on = min(profile.registered_on, established + timedelta(days=10))
        MobileMemberProfile.objects.filter(pk=profile.pk).update(
            registered_on=profile.registered_on
        )
        assignment_create(
            profile=profile,
            org=branch,
            start_date=_between(
                rng, established + timedelta(days=10), closed_on - timedelta(days=30)
            ),
            note="随施工单位进驻",
        )
    temporary_branch_close(branch=branch, closed_on=closed_on, reassign_to=rng.choice(groups))
    return {p.pk for p in chosen}
