"""Covering the planned units: their own organisations, the joint branches they join, or the
community they are attached to — whatever each unit's Party organisation status calls for."""

from functools import partial

from backend.demo import names as n
from backend.demo.org_plan import add_org
from backend.demo.plan import DistrictPlan, UnitPlan
from backend.orgs.models import PartyOrgKind
from backend.units.models import PartyOrgStatus, UnitKind

K, U, S = PartyOrgKind, UnitKind, PartyOrgStatus

# 党章: 100 members or more set up a 党委, 50 or more a 党总支 (both with branches below them),
# fewer a 党支部; a branch of 30 or more is split into 党小组.
COMMITTEE_THRESHOLD = 100
GENERAL_BRANCH_THRESHOLD = 50
GROUPS_THRESHOLD = 30
UNITS_PER_JOINT_BRANCH = 4


def cover_units(plan: DistrictPlan) -> None:
    """Create the unit organisations, joint branches and attachments the statuses call for."""
    rng = plan.rng
    # (street code, is social organisation) -> the units of the street joining one.
    joint_units: dict[tuple[str, bool], list[UnitPlan]] = {}
    for unit_plan in plan.units:
        unit, status = unit_plan.unit, unit_plan.unit.party_org_status
        if status == S.OWN:
            _own_org(plan, unit_plan)
        elif status == S.JOINT:
            key = (unit_plan.street.code, unit.kind == U.SOCIAL_ORGANISATION)
            joint_units.setdefault(key, []).append(unit_plan)
        elif status == S.ATTACHED:
            unit.covering_org = unit_plan.community
            unit_plan.member_orgs = [unit_plan.community]
    for (_, is_social), plans in joint_units.items():
        # Enterprises join a street's 联合党支部; a street's social organisations join one set
        # up by the community where the first of them sits.
        parent = plans[0].community if is_social else plans[0].street
        branch_count = max(1, round(len(plans) / UNITS_PER_JOINT_BRANCH))
        branches = []
        for number in range(branch_count):
            if parent.kind == K.STREET_WORKING_COMMITTEE:
                area = rng.choice(("商务楼宇", "工业园区", "创业园", "商贸街区", "科技园"))
                name = plan.unique(
                    partial(_joint_name, plan, plan.place_name_of[parent.code], area)
                )
            else:
                ordinal = f"第{n.CHINESE_NUMERALS[number]}" if branch_count > 1 else ""
                name = plan.claim(
                    f"{plan.place_name_of[parent.code]}社区社会组织{ordinal}联合党支部"
                )
            branch = add_org(plan, name=name, kind=K.JOINT_BRANCH, parent=parent)
            branches.append(branch)
            if rng.random() < 0.5:
                add_org(plan, name=f"{name}第一党小组", kind=K.PARTY_GROUP, parent=branch)
        for i, unit_plan in enumerate(plans):
            unit_plan.unit.covering_org = branches[i % branch_count]
            unit_plan.member_orgs = [branches[i % branch_count]]


def _joint_name(plan: DistrictPlan, street_name: str, area: str) -> str:
    return f"{street_name}街道{plan.place()}{area}非公企业联合党支部"


def _own_org(plan: DistrictPlan, unit_plan: UnitPlan) -> None:
    """The unit's own 党委/党总支 with branches, or 党支部 (with groups if large enough)."""
    unit = unit_plan.unit
    if unit.kind in (U.ORGAN, U.DISTRICT_UNIT):
        parent = plan.root  # 区直机关 and 区属单位 organisations answer to the district
    elif unit.kind == U.SOCIAL_ORGANISATION:
        parent = unit_plan.community
    else:
        parent = unit_plan.street
    base = f"{unit.name}机关" if unit.kind == U.ORGAN else unit.name
    if unit.party_member_count >= GENERAL_BRANCH_THRESHOLD:
        is_committee = unit.party_member_count >= COMMITTEE_THRESHOLD
        committee = add_org(
            plan,
            name=f"{base}{'党委' if is_committee else '党总支'}",
            kind=K.UNIT_ORG,
            parent=parent,
        )
        branch_count = 3 if is_committee else 2
        unit_plan.member_orgs = [
            add_org(
                plan,
                name=f"{base}第{n.CHINESE_NUMERALS[i]}党支部",
                kind=K.UNIT_ORG,
                parent=committee,
            )
            for i in range(branch_count)
        ]
        unit.covering_org = committee
        return
    branch = add_org(plan, name=f"{base}党支部", kind=K.UNIT_ORG, parent=parent)
    if unit.party_member_count >= GROUPS_THRESHOLD:
        for i in range(2):
            add_org(
                plan,
                name=f"{base}党支部第{n.CHINESE_NUMERALS[i]}党小组",
                kind=K.PARTY_GROUP,
                parent=branch,
            )
    unit.covering_org = branch
    unit_plan.member_orgs = [branch]
