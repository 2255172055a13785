"""志愿者服务队: form, change and dissolve a team; its members join and leave."""

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from backend.activities.models import TeamRole, VolunteerTeam, VolunteerTeamMembership
from backend.audit.changes import field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.common.constraints import constraint_errors
from backend.common.validation import FieldError, ValidationFailed
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.orgs.rules import HOLDS_NO_MEMBERS
from backend.units.models import Unit

TEAM_FIELDS = ("org_id", "unit_id", "name", "service_area", "founded_on", "dissolved_on")
MEMBER_FIELDS = ("team_id", "member_id", "role", "joined_on", "left_on")
NO_OVERLAP = "activities_teammember_no_overlap"


@dataclass(frozen=True)
class TeamData:
    org: PartyOrg
    name: str
    founded_on: date
    unit: Unit | None = None
    service_area: str = ""
    description: str = ""


def forming_org(*, org: PartyOrg | None, unit: Unit | None) -> PartyOrg:
    """The org that forms a team: the org given, or the Party organisation covering the unit."""
    if (org is None) == (unit is None):
        raise ValidationFailed.single("orgId", "ORG_XOR_UNIT", "请选择组建党组织或组建单位之一。")
    if unit is not None:
        if unit.covering_org is None:
            raise ValidationFailed.single("unitId", "NO_PARTY_ORG", "该单位尚无党组织覆盖。")
        return unit.covering_org
    assert org is not None
    return org


def _check(data: TeamData) -> list[FieldError]:
    errors = []
    if not data.name:
        errors.append(FieldError("name", "REQUIRED", "请填写服务队名称。"))
    elif len(data.name) > 200:
        errors.append(FieldError("name", "TOO_LONG", "名称不能超过 200 字。"))
    if len(data.service_area) > 300:
        errors.append(FieldError("serviceArea", "TOO_LONG", "服务范围不能超过 300 字。"))
    if data.founded_on > timezone.localdate():
        errors.append(FieldError("foundedOn", "IN_FUTURE", "成立日期不能晚于今天。"))
    if data.org.kind in HOLDS_NO_MEMBERS and data.unit is None:
        errors.append(
            FieldError("orgId", "INVALID_ORG_KIND", "请选择社区、单位等基层党组织组建服务队。")
        )
    return errors


def _normalised(data: TeamData) -> TeamData:
    return replace(
        data,
        name=data.name.strip(),
        service_area=data.service_area.strip(),
        description=data.description.strip(),
    )


@audited("volunteer_team.create")
@transaction.atomic
def team_create(*, data: TeamData) -> VolunteerTeam:
    data = _normalised(data)
    errors = _check(data)
    if errors:
        raise ValidationFailed(errors)
    team = VolunteerTeam(**{f.name: getattr(data, f.name) for f in fields(data)})
    team.save()
    audit_record(
        action="volunteer_team.create",
        target=team,
        changes=field_changes(None, snapshot(team, TEAM_FIELDS)),
    )
    return team


def _locked(team: VolunteerTeam) -> VolunteerTeam:
    team = VolunteerTeam.objects.select_for_update(of=("self",)).get(pk=team.pk)
    if team.dissolved_on is not None:
        raise ValidationFailed.single("id", "ALREADY_DISSOLVED", "该服务队已解散。")
    return team


@audited("volunteer_team.update", target="team")
@transaction.atomic
def team_update(*, team: VolunteerTeam, changes: dict[str, Any]) -> VolunteerTeam:
    team = _locked(team)
    before = snapshot(team, TEAM_FIELDS)
    current = TeamData(**{f.name: getattr(team, f.name) for f in fields(TeamData)})
    data = _normalised(replace(current, **changes))
    errors = _check(data)
    earliest = team.memberships.order_by("joined_on").values_list("joined_on", flat=True).first()
    first_activity = team.activities.order_by("occurred_on").values_list("occurred_on", flat=True)
    for first in (earliest, first_activity.first()):
        if first is not None and data.founded_on > first:
            errors.append(
                FieldError("foundedOn", "AFTER_HISTORY", "成立日期不能晚于已有的队员或活动记录。")
            )
            break
    if errors:
        raise ValidationFailed(errors)
    for f in fields(data):
        setattr(team, f.name, getattr(data, f.name))
    team.save()
    audit_record(
        action="volunteer_team.update",
        target=team,
        changes=field_changes(before, snapshot(team, TEAM_FIELDS)),
    )
    return team


@audited("volunteer_team.dissolve", target="team")
@transaction.atomic
def team_dissolve(*, team: VolunteerTeam, dissolved_on: date) -> VolunteerTeam:
    """Dissolve a team; its members still in it leave on that day."""
    team = _locked(team)
    errors = []
    if dissolved_on > timezone.localdate():
        errors.append(FieldError("dissolvedOn", "IN_FUTURE", "解散日期不能晚于今天。"))
    if dissolved_on < team.founded_on:
        errors.append(FieldError("dissolvedOn", "END_BEFORE_START", "解散日期不能早于成立日期。"))
    later = Q(joined_on__gt=dissolved_on) | Q(left_on__gt=dissolved_on)
    if team.memberships.filter(later).exists():
        errors.append(
            FieldError("dissolvedOn", "MEMBERS_AFTER", "解散日期之后仍有队员加入或在队记录。")
        )
    if team.activities.filter(occurred_on__gt=dissolved_on, cancelled_on__isnull=True).exists():
        errors.append(FieldError("dissolvedOn", "ACTIVITIES_AFTER", "解散日期之后仍有服务活动。"))
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(team, TEAM_FIELDS)
    team.memberships.filter(left_on__isnull=True).update(left_on=dissolved_on)
    team.dissolved_on = dissolved_on
    team.save(update_fields=["dissolved_on", "updated_at"])
    audit_record(
        action="volunteer_team.dissolve",
        target=team,
        changes=field_changes(before, snapshot(team, TEAM_FIELDS)),
    )
    return team


def _overlap() -> FieldError:
    return FieldError("memberId", "OVERLAP", "该党员在此期间已是本队队员。")


@audited("volunteer_team.member.add", target="team")
@transaction.atomic
def team_member_add(
    *, team: VolunteerTeam, member: Member, role: str, joined_on: date
) -> VolunteerTeamMembership:
    team = _locked(team)
    errors = []
    if role not in TeamRole.values:
        errors.append(FieldError("role", "INVALID", f"未知的角色 {role}。"))
    if joined_on > timezone.localdate():
        errors.append(FieldError("joinedOn", "IN_FUTURE", "加入日期不能晚于今天。"))
    if joined_on < team.founded_on:
        errors.append(FieldError("joinedOn", "BEFORE_FOUNDED", "加入日期不能早于服务队成立日期。"))
    overlapping = team.memberships.filter(member=member).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=joined_on)
    )
    if overlapping.exists():
        errors.append(_overlap())
    if errors:
        raise ValidationFailed(errors)
    membership = VolunteerTeamMembership(team=team, member=member, role=role, joined_on=joined_on)
    with constraint_errors({NO_OVERLAP: _overlap()}):
        membership.save()
    audit_record(
        action="volunteer_team.member.add",
        target=membership,
        changes=field_changes(None, snapshot(membership, MEMBER_FIELDS)),
    )
    return membership


@audited("volunteer_team.member.leave", target="membership")
@transaction.atomic
def team_member_leave(
    *, membership: VolunteerTeamMembership, left_on: date
) -> VolunteerTeamMembership:
    membership = VolunteerTeamMembership.objects.select_for_update().get(pk=membership.pk)
    errors = []
    if membership.left_on is not None:
        errors.append(FieldError("id", "ALREADY_LEFT", "该队员已退出。"))
    if left_on > timezone.localdate():
        errors.append(FieldError("leftOn", "IN_FUTURE", "退出日期不能晚于今天。"))
    if left_on < membership.joined_on:
        errors.append(FieldError("leftOn", "END_BEFORE_START", "退出日期不能早于加入日期。"))
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(membership, MEMBER_FIELDS)
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    audit_record(
        action="volunteer_team.member.leave",
        target=membership,
        changes=field_changes(before, snapshot(membership, MEMBER_FIELDS)),
    )
    return membership


@audited("volunteer_team.member.role", target="membership")
@transaction.atomic
def team_member_set_role(
    *, membership: VolunteerTeamMembership, role: str
) -> VolunteerTeamMembership:
    membership = VolunteerTeamMembership.objects.select_for_update().get(pk=membership.pk)
    if role not in TeamRole.values:
        raise ValidationFailed.single("role", "INVALID", f"未知的角色 {role}。")
    if membership.left_on is not None:
        raise ValidationFailed.single("id", "ALREADY_LEFT", "该队员已退出。")
    before = snapshot(membership, MEMBER_FIELDS)
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        action="volunteer_team.member.role",
        target=membership,
        changes=field_changes(before, snapshot(membership, MEMBER_FIELDS)),
    )
    return membership
