"""Writes for retired members: Party-member home memberships, building roles, interest teams.

Every service validates first (typed errors, nothing written), then writes and audits in one
transaction; the database constraints catch what a concurrent request slipped past the checks.
"""

from datetime import date

from django.db import transaction

from backend.audit.changes import field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.common.constraints import constraint_errors
from backend.common.periods import not_in_future
from backend.common.validation import FieldError, ValidationFailed, raise_if
from backend.members.models import Member, MemberCategory
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import COMMUNITY_KINDS
from backend.positions.models import Position, PositionKind
from backend.retirees.models import (
    BuildingRole,
    BuildingRoleKind,
    HomeMembership,
    InterestTeam,
    InterestTeamKind,
    InterestTeamMembership,
    InterestTeamRole,
)
from backend.retirees.periods import (
    community_of,
    end_errors,
    in_subtree,
    overlapping,
)

HOME_OVERLAP = FieldError("memberId", "OVERLAP", "该党员在此期间已是该党员之家的成员。")
LEADER_TAKEN = FieldError("buildingGroupId", "LEADER_TAKEN", "该门栋党小组在此期间已有党小组长。")
ROLE_OVERLAP = FieldError("memberId", "OVERLAP", "该党员在此期间已担任该门栋的这一角色。")
TEAM_OVERLAP = FieldError("memberId", "OVERLAP", "该党员在此期间已是该队伍的成员。")
TEAM_LEADER_TAKEN = FieldError("role", "LEADER_TAKEN", "该队伍在此期间已有队长。")
TEAM_NAME_TAKEN = FieldError("name", "DUPLICATE", "本社区已有同名的兴趣队伍。")
LABEL_MAX = 50
NAME_MAX = 100


def _member_errors(member: Member, community: PartyOrg) -> list[FieldError]:
    """Retired members of this community only: their organisational relation lies below it."""
    if member.category != MemberCategory.RETIRED:
        return [FieldError("memberId", "WRONG_CATEGORY", "只有离退休党员可以登记。")]
    if not in_subtree(member.org.path, community.path):
        return [FieldError("memberId", "NOT_IN_COMMUNITY", "该党员的组织关系不在本社区。")]
    return []


def _audit_create(action: str, obj: object, fields: tuple[str, ...]) -> None:
    audit_record(action=action, target=obj, changes=field_changes(None, snapshot(obj, fields)))  # type: ignore[arg-type]


def _audit_end(action: str, obj: object, field: str, before: date | None) -> None:
    audit_record(
        action=action,
        target=obj,  # type: ignore[arg-type]
        changes=field_changes({field: before}, {field: getattr(obj, field)}),
    )


# --- Party-member home 党员之家 ------------------------------------------------------------------


@audited("retirees.home_membership.create")
@transaction.atomic
def home_membership_create(*, home: Position, member: Member, joined_on: date) -> HomeMembership:
    errors: list[FieldError] = []
    if home.kind != PositionKind.MEMBER_HOME:
        errors.append(FieldError("homeId", "INVALID", "该阵地不是党员之家。"))
    elif home.closed_on is not None:
        errors.append(FieldError("homeId", "CLOSED", "该党员之家已停用。"))
    errors += _member_errors(member, home.community)
    errors += not_in_future("joinedOn", joined_on)
    if home.opened_on and joined_on < home.opened_on:
        errors.append(FieldError("joinedOn", "BEFORE_OPENED", "加入日期早于党员之家启用日期。"))
    if not errors:
        others = HomeMembership.objects.filter(member=member, home=home)
        if others.filter(overlapping("joined_on", "left_on", joined_on)).exists():
            errors.append(HOME_OVERLAP)
    raise_if(errors)
    membership = HomeMembership(member=member, home=home, joined_on=joined_on)
    with constraint_errors({"retirees_home_no_overlap": HOME_OVERLAP}):
        membership.save()
    _audit_create(
        "retirees.home_membership.create", membership, ("member_id", "home_id", "joined_on")
    )
    return membership


@audited("retirees.home_membership.end", target="membership")
@transaction.atomic
def home_membership_end(*, membership: HomeMembership, left_on: date) -> HomeMembership:
    membership = HomeMembership.objects.select_for_update().get(pk=membership.pk)
    before = membership.left_on
    raise_if(end_errors("leftOn", left_on, membership.joined_on, before is not None))
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    _audit_end("retirees.home_membership.end", membership, "left_on", before)
    return membership


# --- building roles 门栋党小组长 / 门栋关照员 ----------------------------------------------------


def _building_errors(
    role: str, building_group: PartyOrg | None, community: PartyOrg | None, label: str
) -> tuple[PartyOrg | None, list[FieldError]]:
    """Where the role is held; returns the community it belongs to."""
    if building_group is not None:
        if building_group.kind != PartyOrgKind.BUILDING_GROUP:
            return None, [FieldError("buildingGroupId", "INVALID_ORG_KIND", "须为门栋党小组。")]
        group_community = community_of(building_group)
        if group_community is None:
            return None, [
                FieldError("buildingGroupId", "INVALID_ORG_KIND", "该门栋党小组不在任何社区内。")
            ]
        if community is not None and community.pk != group_community.pk:
            return None, [FieldError("communityId", "MISMATCH", "门栋党小组不属于该社区。")]
        return group_community, []
    if role == BuildingRoleKind.GROUP_LEADER:
        return None, [FieldError("buildingGroupId", "REQUIRED", "门栋党小组长须指定门栋党小组。")]
    errors = []
    if community is None:
        errors.append(FieldError("communityId", "REQUIRED", "请指定社区或门栋党小组。"))
    elif community.kind not in COMMUNITY_KINDS:
        errors.append(FieldError("communityId", "INVALID_ORG_KIND", "须为社区党委或社区党总支。"))
    if not label:
        errors.append(FieldError("buildingLabel", "REQUIRED", "请填写楼栋，如 3幢2单元。"))
    elif len(label) > LABEL_MAX:
        errors.append(FieldError("buildingLabel", "TOO_LONG", f"楼栋不能超过 {LABEL_MAX} 字。"))
    return community, errors


@audited("retirees.building_role.create")
@transaction.atomic
def building_role_create(
    *,
    member: Member,
    role: str,
    start_on: date,
    building_group: PartyOrg | None = None,
    community: PartyOrg | None = None,
    building_label: str = "",
) -> BuildingRole:
    """A building-group leader (of a building_group org) or a caretaker (of a building group, or
    of a building named by `building_label` in `community`), from `start_on`."""
    label = building_label.strip() if building_group is None else ""
    if role not in BuildingRoleKind.values:
        raise ValidationFailed.single("role", "INVALID", f"未知的角色 {role}。")
    community, errors = _building_errors(role, building_group, community, label)
    if community is not None and not errors:
        errors += _member_errors(member, community)
    errors += not_in_future("startOn", start_on)
    if not errors:
        same_building = BuildingRole.objects.filter(
            building_group=building_group,
            community=community,
            building_label=label,
        ).filter(overlapping("start_on", "end_on", start_on))
        if same_building.filter(role=role, member=member).exists():
            errors.append(ROLE_OVERLAP)
        elif role == BuildingRoleKind.GROUP_LEADER and same_building.filter(role=role).exists():
            errors.append(LEADER_TAKEN)
    raise_if(errors)
    assert community is not None
    building_role = BuildingRole(
        member=member,
        role=role,
        community=community,
        building_group=building_group,
        building_label=label,
        start_on=start_on,
    )
    with constraint_errors({"retirees_role_one_leader": LEADER_TAKEN}):
        building_role.save()
    _audit_create(
        "retirees.building_role.create",
        building_role,
        ("member_id", "role", "community_id", "building_group_id", "building_label", "start_on"),
    )
    return building_role


@audited("retirees.building_role.end", target="building_role")
@transaction.atomic
def building_role_end(*, building_role: BuildingRole, end_on: date) -> BuildingRole:
    building_role = BuildingRole.objects.select_for_update().get(pk=building_role.pk)
    before = building_role.end_on
    raise_if(end_errors("endOn", end_on, building_role.start_on, before is not None))
    building_role.end_on = end_on
    building_role.save(update_fields=["end_on"])
    _audit_end("retirees.building_role.end", building_role, "end_on", before)
    return building_role


# --- interest teams 兴趣队伍 ----------------------------------------------------------------------


@audited("retirees.interest_team.create")
@transaction.atomic
def interest_team_create(
    *, community: PartyOrg, name: str, kind: str, founded_on: date, description: str = ""
) -> InterestTeam:
    name = name.strip()
    errors: list[FieldError] = []
    if community.kind not in COMMUNITY_KINDS:
        errors.append(FieldError("communityId", "INVALID_ORG_KIND", "须为社区党委或社区党总支。"))
    if not name:
        errors.append(FieldError("name", "REQUIRED", "请填写队伍名称。"))
    elif len(name) > NAME_MAX:
        errors.append(FieldError("name", "TOO_LONG", f"名称不能超过 {NAME_MAX} 字。"))
    elif InterestTeam.objects.filter(
        community=community, name=name, dissolved_on__isnull=True
    ).exists():
        errors.append(TEAM_NAME_TAKEN)
    if kind not in InterestTeamKind.values:
        errors.append(FieldError("kind", "INVALID", f"未知的类型 {kind}。"))
    errors += not_in_future("foundedOn", founded_on)
    raise_if(errors)
    team = InterestTeam(
        community=community,
        name=name,
        kind=kind,
        founded_on=founded_on,
        description=description.strip(),
    )
    with constraint_errors({"retirees_team_active_name_unique": TEAM_NAME_TAKEN}):
        team.save()
    _audit_create(
        "retirees.interest_team.create", team, ("community_id", "name", "kind", "founded_on")
    )
    return team


@audited("retirees.interest_team.dissolve", target="team")
@transaction.atomic
def interest_team_dissolve(*, team: InterestTeam, dissolved_on: date) -> InterestTeam:
    """Dissolving a team ends every current membership on the same day."""
    team = InterestTeam.objects.select_for_update().get(pk=team.pk)
    before = team.dissolved_on
    errors = end_errors("dissolvedOn", dissolved_on, team.founded_on, before is not None)
    current = InterestTeamMembership.objects.filter(team=team, left_on__isnull=True)
    if not errors and current.filter(joined_on__gt=dissolved_on).exists():
        errors.append(
            FieldError("dissolvedOn", "END_BEFORE_START", "有成员在解散日期之后才加入该队伍。")
        )
    raise_if(errors)
    ended = current.update(left_on=dissolved_on)
    team.dissolved_on = dissolved_on
    team.save(update_fields=["dissolved_on"])
    audit_record(
        action="retirees.interest_team.dissolve",
        target=team,
        changes=field_changes({"dissolved_on": before}, {"dissolved_on": dissolved_on}),
        detail={"memberships_ended": ended},
    )
    return team


@audited("retirees.interest_team_membership.create")
@transaction.atomic
def interest_team_membership_create(
    *, team: InterestTeam, member: Member, joined_on: date, role: str = InterestTeamRole.MEMBER
) -> InterestTeamMembership:
    # Locked: a concurrent dissolution or a second leader waits for this write.
    team = InterestTeam.objects.select_for_update().select_related("community").get(pk=team.pk)
    errors: list[FieldError] = []
    if role not in InterestTeamRole.values:
        errors.append(FieldError("role", "INVALID", f"未知的角色 {role}。"))
    if team.dissolved_on is not None:
        errors.append(FieldError("teamId", "DISSOLVED", "该队伍已解散。"))
    errors += _member_errors(member, team.community)
    errors += not_in_future("joinedOn", joined_on)
    if joined_on < team.founded_on:
        errors.append(FieldError("joinedOn", "BEFORE_FOUNDED", "加入日期早于队伍成立日期。"))
    if not errors:
        others = InterestTeamMembership.objects.filter(team=team).filter(
            overlapping("joined_on", "left_on", joined_on)
        )
        if others.filter(member=member).exists():
            errors.append(TEAM_OVERLAP)
        elif role == InterestTeamRole.LEADER and others.filter(role=role).exists():
            errors.append(TEAM_LEADER_TAKEN)
    raise_if(errors)
    membership = InterestTeamMembership(team=team, member=member, joined_on=joined_on, role=role)
    with constraint_errors(
        {
            "retirees_teamm_no_overlap": TEAM_OVERLAP,
            "retirees_teamm_one_leader": TEAM_LEADER_TAKEN,
        }
    ):
        membership.save()
    _audit_create(
        "retirees.interest_team_membership.create",
        membership,
        ("team_id", "member_id", "role", "joined_on"),
    )
    return membership


@audited("retirees.interest_team_membership.end", target="membership")
@transaction.atomic
def interest_team_membership_end(
    *, membership: InterestTeamMembership, left_on: date
) -> InterestTeamMembership:
    membership = InterestTeamMembership.objects.select_for_update().get(pk=membership.pk)
    before = membership.left_on
    raise_if(end_errors("leftOn", left_on, membership.joined_on, before is not None))
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    _audit_end("retirees.interest_team_membership.end", membership, "left_on", before)
    return membership
