"""Writes of 三会一站: create, change and dissolve councils; members join and leave."""

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from django.db import transaction

from backend.audit.changes import field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.common.constraints import constraint_errors
from backend.common.validation import FieldError, ValidationFailed, raise_if
from backend.councils.models import Council, CouncilKind, CouncilMembership, CouncilRole
from backend.councils.rules import HOST_KINDS, PARENT_KIND, host_label
from backend.orgs.models import PartyOrg
from backend.positions.models import Position, PositionKind
from backend.units.models import Unit

COUNCIL_FIELDS = (
    "kind",
    "name",
    "host_org_id",
    "parent_id",
    "position_id",
    "established_on",
    "dissolved_on",
)
MEMBERSHIP_FIELDS = ("council_id", "org_id", "unit_id", "role", "joined_on", "left_on")
ONE_ACTIVE = "councils_council_one_active_per_host_kind"
NO_OVERLAP = ("councils_membership_org_no_overlap", "councils_membership_unit_no_overlap")


@dataclass(frozen=True)
class CouncilData:
    kind: str
    name: str
    host_org: PartyOrg
    parent: Council | None = None
    position: Position | None = None
    established_on: date | None = None


def _already_exists(kind: str) -> FieldError:
    return FieldError(
        "kind", "ALREADY_EXISTS", f"该党组织已有一个在运行的{CouncilKind(kind).label}。"
    )


def _check_parent(data: CouncilData) -> list[FieldError]:
    wanted = PARENT_KIND.get(data.kind)
    if wanted is None:
        if data.parent is not None:
            return [FieldError("parentId", "PARENT_NOT_ALLOWED", "该类型不设上级。")]
        return []
    if data.parent is None:
        return [FieldError("parentId", "REQUIRED", f"请指定所属的{CouncilKind(wanted).label}。")]
    if data.parent.kind != wanted:
        return [FieldError("parentId", "INVALID_PARENT", f"上级须为{CouncilKind(wanted).label}。")]
    # From the database: the caller's copy of the parent may predate its dissolution.
    if Council.objects.filter(pk=data.parent.pk, dissolved_on__isnull=False).exists():
        return [FieldError("parentId", "DISSOLVED", "上级已撤销。")]
    return []


def _check_position(data: CouncilData) -> list[FieldError]:
    position = data.position
    if position is None:
        return []
    if data.kind != CouncilKind.LIAISON_STATION or position.kind != PositionKind.LIAISON_STATION:
        return [
            FieldError("positionId", "INVALID_POSITION", "只有在职党员联络站可指定联络站阵地。")
        ]
    if position.community_id != data.host_org.pk:
        return [FieldError("positionId", "INVALID_POSITION", "阵地须属于牵头社区。")]
    return []


def _check_council(data: CouncilData, council_id: int | None) -> list[FieldError]:
    errors: list[FieldError] = []
    if not data.name:
        errors.append(FieldError("name", "REQUIRED", "请填写名称。"))
    elif len(data.name) > 200:
        errors.append(FieldError("name", "TOO_LONG", "名称不能超过 200 字。"))
    if data.kind not in CouncilKind.values:
        raise ValidationFailed.single("kind", "INVALID", f"未知的类型 {data.kind}。")
    if data.host_org.kind not in HOST_KINDS[data.kind]:
        errors.append(
            FieldError(
                "hostOrgId",
                "INVALID_ORG_KIND",
                f"{CouncilKind(data.kind).label}须由{host_label(data.kind)}牵头。",
            )
        )
    errors += _check_parent(data)
    errors += _check_position(data)
    if data.established_on and data.established_on > date.today():
        errors.append(FieldError("establishedOn", "IN_FUTURE", "成立日期不能晚于今天。"))
    others = Council.objects.filter(
        host_org=data.host_org, kind=data.kind, dissolved_on__isnull=True
    ).exclude(pk=council_id or 0)
    if others.exists():
        errors.append(_already_exists(data.kind))
    return errors


def _save_council(council: Council) -> None:
    with constraint_errors({ONE_ACTIVE: _already_exists(council.kind)}):
        council.save()


@audited("council.create")
@transaction.atomic
def council_create(*, data: CouncilData) -> Council:
    data = replace(data, name=data.name.strip())
    raise_if(_check_council(data, None))
    council = Council(**{f.name: getattr(data, f.name) for f in fields(data)})
    _save_council(council)
    audit_record(
        action="council.create",
        target=council,
        changes=field_changes(None, snapshot(council, COUNCIL_FIELDS)),
    )
    return council


def _locked(council: Council) -> Council:
    return Council.objects.select_for_update(of=("self",)).get(pk=council.pk)


@audited("council.update", target="council")
@transaction.atomic
def council_update(*, council: Council, changes: dict[str, Any]) -> Council:
    """Changes name, position and establishment date; kind, host and parent stay."""
    council = _locked(council)
    if council.dissolved_on is not None:
        raise ValidationFailed.single("id", "DISSOLVED", "该组织已撤销，不能修改。")
    before = snapshot(council, COUNCIL_FIELDS)
    current = CouncilData(**{f.name: getattr(council, f.name) for f in fields(CouncilData)})
    data = replace(current, **changes)
    data = replace(data, name=data.name.strip())
    errors = _check_council(data, council.pk)
    first_joined = council.memberships.order_by("joined_on").values_list("joined_on", flat=True)
    first_meeting = council.meetings.order_by("held_on").values_list("held_on", flat=True)
    earliest = min([d for d in (first_joined.first(), first_meeting.first()) if d], default=None)
    if data.established_on and earliest and data.established_on > earliest:
        errors.append(
            FieldError(
                "establishedOn", "AFTER_RECORDS", "成立日期不能晚于已有的成员加入或会议日期。"
            )
        )
    raise_if(errors)
    for f in fields(data):
        setattr(council, f.name, getattr(data, f.name))
    _save_council(council)
    audit_record(
        action="council.update",
        target=council,
        changes=field_changes(before, snapshot(council, COUNCIL_FIELDS)),
    )
    return council


@audited("council.dissolve", target="council")
@transaction.atomic
def council_dissolve(*, council: Council, dissolved_on: date) -> Council:
    """Dissolve a council: its current members leave on that day; branches must go first."""
    council = _locked(council)
    errors: list[FieldError] = []
    if council.dissolved_on is not None:
        raise ValidationFailed.single("id", "DISSOLVED", "该组织已撤销。")
    if dissolved_on > date.today():
        errors.append(FieldError("dissolvedOn", "IN_FUTURE", "撤销日期不能晚于今天。"))
    if council.established_on and dissolved_on < council.established_on:
        errors.append(FieldError("dissolvedOn", "END_BEFORE_START", "撤销日期不能早于成立日期。"))
    if council.branches.filter(dissolved_on__isnull=True).exists():
        errors.append(FieldError("id", "HAS_ACTIVE_BRANCHES", "请先撤销其下属分会。"))
    if council.memberships.filter(left_on__isnull=True, joined_on__gt=dissolved_on).exists():
        errors.append(
            FieldError("dissolvedOn", "BEFORE_RECORDS", "撤销日期不能早于现有成员的加入日期。")
        )
    if council.meetings.filter(held_on__gte=dissolved_on).exists():
        errors.append(FieldError("dissolvedOn", "BEFORE_RECORDS", "撤销日期不能早于已有会议。"))
    raise_if(errors)
    before = snapshot(council, COUNCIL_FIELDS)
    council.dissolved_on = dissolved_on
    council.save(update_fields=["dissolved_on", "updated_at"])
    ended = council.memberships.filter(left_on__isnull=True).update(left_on=dissolved_on)
    audit_record(
        action="council.dissolve",
        target=council,
        changes=field_changes(before, snapshot(council, COUNCIL_FIELDS)),
        detail={"memberships_ended": ended},
    )
    return council


@dataclass(frozen=True)
class JoinData:
    council: Council
    joined_on: date
    org: PartyOrg | None = None
    unit: Unit | None = None
    role: str = CouncilRole.MEMBER


def _overlap(field: str) -> FieldError:
    return FieldError(field, "OVERLAP", "该成员在此期间已是本组织成员。")


@audited("council.join")
@transaction.atomic
def membership_join(*, data: JoinData) -> CouncilMembership:
    council = _locked(data.council)
    errors: list[FieldError] = []
    if (data.org is None) == (data.unit is None):
        errors.append(FieldError("orgId", "ORG_XOR_UNIT", "请指定一个党组织或一个单位（二选一）。"))
    if data.role not in CouncilRole.values:
        errors.append(FieldError("role", "INVALID", f"未知的职务 {data.role}。"))
    if council.dissolved_on is not None:
        errors.append(FieldError("councilId", "DISSOLVED", "该组织已撤销。"))
    if data.joined_on > date.today():
        errors.append(FieldError("joinedOn", "IN_FUTURE", "加入日期不能晚于今天。"))
    elif council.established_on and data.joined_on < council.established_on:
        errors.append(FieldError("joinedOn", "BEFORE_ESTABLISHED", "加入日期不能早于成立日期。"))
    raise_if(errors)
    field = "orgId" if data.org is not None else "unitId"
    same = council.memberships.filter(org=data.org) if data.org else None
    same = same if same is not None else council.memberships.filter(unit=data.unit)
    # [joined, left) overlaps [new joined, ∞) when the other has not left by the new date.
    if same.exclude(left_on__lte=data.joined_on).exists():
        raise ValidationFailed([_overlap(field)])
    membership = CouncilMembership(
        council=council, org=data.org, unit=data.unit, role=data.role, joined_on=data.joined_on
    )
    with constraint_errors({name: _overlap(field) for name in NO_OVERLAP}):
        membership.save()
    audit_record(
        action="council.join",
        target=membership,
        changes=field_changes(None, snapshot(membership, MEMBERSHIP_FIELDS)),
    )
    return membership


@audited("council.leave", target="membership")
@transaction.atomic
def membership_leave(*, membership: CouncilMembership, left_on: date) -> CouncilMembership:
    membership = CouncilMembership.objects.select_for_update(of=("self",)).get(pk=membership.pk)
    errors: list[FieldError] = []
    if membership.left_on is not None:
        raise ValidationFailed.single("id", "ALREADY_LEFT", "该成员已退出。")
    if left_on > date.today():
        errors.append(FieldError("leftOn", "IN_FUTURE", "退出日期不能晚于今天。"))
    elif left_on < membership.joined_on:
        errors.append(FieldError("leftOn", "END_BEFORE_START", "退出日期不能早于加入日期。"))
    elif membership.attendances.filter(meeting__held_on__gte=left_on).exists():
        errors.append(FieldError("leftOn", "BEFORE_RECORDS", "该成员在此日期之后还出席过会议。"))
    raise_if(errors)
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    audit_record(
        action="council.leave",
        target=membership,
        changes=field_changes(before, snapshot(membership, MEMBERSHIP_FIELDS)),
    )
    return membership
