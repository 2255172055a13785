"""活动参与: add, remove and set the hours of an activity's members and units, in batches
(all rows or none)."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.activities.models import (
    MAX_PARTICIPANT_HOURS,
    Activity,
    ActivityParticipation,
    ActivityUnit,
)
from backend.activities.services.activity import check_not_cancelled, hours_error
from backend.audit.services import audit_record, audited
from backend.common.validation import FieldError, ValidationFailed
from backend.members.models import Member
from backend.units.models import Unit


@dataclass(frozen=True)
class MemberPart:
    member: Member
    hours: Decimal = Decimal(0)


@dataclass(frozen=True)
class UnitPart:
    unit: Unit
    hours: Decimal | None = None
    people: int | None = None


def _locked(activity: Activity) -> Activity:
    activity = Activity.objects.select_for_update(of=("self",)).get(pk=activity.pk)
    check_not_cancelled(activity, "activityId")
    return activity


def participant_hours_errors(activity: Activity, hours: Sequence[Any]) -> list[FieldError]:
    """Members' service hours: each within 0–24 with one decimal, and none recorded before the
    activity has taken place (the participation import checks each row with it)."""
    errors = [e for h in hours if (e := hours_error("members", h, limit=MAX_PARTICIPANT_HOURS))]
    if activity.occurred_on > timezone.localdate() and any(hours):
        errors.append(FieldError("members", "IN_FUTURE", "活动尚未举行，服务时长须待活动后登记。"))
    return errors


def _hours_errors(activity: Activity, members: Sequence[MemberPart]) -> list[FieldError]:
    return participant_hours_errors(activity, [part.hours for part in members])


def _unit_errors(units: Sequence[UnitPart]) -> list[FieldError]:
    errors = []
    for part in units:
        if part.hours is not None and (e := hours_error("units", part.hours)):
            errors.append(e)
        if part.people is not None and part.people < 0:
            errors.append(FieldError("units", "INVALID", "参与人数不能为负数。"))
    return errors


def _duplicates(keys: list[int]) -> bool:
    return len(keys) != len(set(keys))


@audited("activity.participants.add", target="activity")
@transaction.atomic
def participants_add(
    *, activity: Activity, members: Sequence[MemberPart], units: Sequence[UnitPart]
) -> Activity:
    activity = _locked(activity)
    errors = _hours_errors(activity, members) + _unit_errors(units)
    if not members and not units:
        errors.append(FieldError("members", "REQUIRED", "请至少选择一名党员或一个单位。"))
    member_ids = [p.member.pk for p in members]
    unit_ids = [p.unit.pk for p in units]
    if _duplicates(member_ids):
        errors.append(FieldError("members", "DUPLICATE", "同一党员不能重复添加。"))
    if _duplicates(unit_ids):
        errors.append(FieldError("units", "DUPLICATE", "同一单位不能重复添加。"))
    if activity.participations.filter(member_id__in=member_ids).exists():
        errors.append(FieldError("members", "ALREADY_PARTICIPANT", "所选党员已参加该活动。"))
    if activity.unit_participations.filter(unit_id__in=unit_ids).exists():
        errors.append(FieldError("units", "ALREADY_PARTICIPANT", "所选单位已参加该活动。"))
    if errors:
        raise ValidationFailed(errors)
    ActivityParticipation.objects.bulk_create(
        ActivityParticipation(
            activity=activity,
            member=part.member,
            hours=Decimal(part.hours),
            occurred_on=activity.occurred_on,
        )
        for part in members
    )
    ActivityUnit.objects.bulk_create(
        ActivityUnit(activity=activity, unit=part.unit, hours=part.hours, people=part.people)
        for part in units
    )
    audit_record(
        action="activity.participants.add",
        target=activity,
        detail={
            "members": {str(p.member.pk): str(p.hours) for p in members},
            "unit_ids": unit_ids,
        },
    )
    return activity


@audited("activity.participants.remove", target="activity")
@transaction.atomic
def participants_remove(
    *, activity: Activity, members: Sequence[Member], units: Sequence[Unit]
) -> Activity:
    activity = _locked(activity)
    member_ids = {m.pk for m in members}
    unit_ids = {u.pk for u in units}
    errors = []
    if not member_ids and not unit_ids:
        errors.append(FieldError("memberIds", "REQUIRED", "请至少选择一名党员或一个单位。"))
    found_members = activity.participations.filter(member_id__in=member_ids)
    if found_members.count() != len(member_ids):
        errors.append(FieldError("memberIds", "NOT_PARTICIPANT", "所选党员未参加该活动。"))
    found_units = activity.unit_participations.filter(unit_id__in=unit_ids)
    if found_units.count() != len(unit_ids):
        errors.append(FieldError("unitIds", "NOT_PARTICIPANT", "所选单位未参加该活动。"))
    if errors:
        raise ValidationFailed(errors)
    found_members.delete()
    found_units.delete()
    audit_record(
        action="activity.participants.remove",
        target=activity,
        detail={"member_ids": sorted(member_ids), "unit_ids": sorted(unit_ids)},
    )
    return activity


@audited("activity.hours.set", target="activity")
@transaction.atomic
def participant_hours_set(*, activity: Activity, members: Sequence[MemberPart]) -> Activity:
    """Set the service hours of some of the activity's members (all or none)."""
    activity = _locked(activity)
    errors = _hours_errors(activity, members)
    ids = [p.member.pk for p in members]
    if not members:
        errors.append(FieldError("members", "REQUIRED", "请至少选择一名党员。"))
    if _duplicates(ids):
        errors.append(FieldError("members", "DUPLICATE", "同一党员不能重复填写。"))
    rows = {p.member_id: p for p in activity.participations.filter(member_id__in=ids)}
    if len(rows) != len(set(ids)):
        errors.append(FieldError("members", "NOT_PARTICIPANT", "所选党员未参加该活动。"))
    if errors:
        raise ValidationFailed(errors)
    before = {str(pk): str(row.hours) for pk, row in rows.items()}
    for part in members:
        rows[part.member.pk].hours = Decimal(part.hours)
    ActivityParticipation.objects.bulk_update(rows.values(), ["hours"])
    audit_record(
        action="activity.hours.set",
        target=activity,
        detail={"before": before, "after": {str(p.member.pk): str(p.hours) for p in members}},
    )
    return activity
