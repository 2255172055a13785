"""Writes of council meetings: record a meeting with its attendees, resolutions and follow-up
items in one call (all or nothing), and update a follow-up's status."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q

from backend.audit.changes import field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.common.validation import FieldError, ValidationFailed, raise_if
from backend.councils.models import (
    Council,
    CouncilFollowUp,
    CouncilMeeting,
    CouncilMeetingAttendee,
    CouncilMembership,
    CouncilResolution,
    FollowUpStatus,
)
from backend.orgs.models import PartyOrg
from backend.units.models import Unit

FOLLOW_UP_FIELDS = ("status", "done_on", "note", "due_on", "owner_person")


@dataclass(frozen=True)
class PersonData:
    name: str
    title: str = ""


@dataclass(frozen=True)
class FollowUpData:
    title: str
    due_on: date
    owner_org: PartyOrg | None = None
    owner_unit: Unit | None = None
    owner_person: str = ""


@dataclass(frozen=True)
class MeetingData:
    council: Council
    held_on: date
    topic: str
    place: str = ""
    orgs: Sequence[PartyOrg] = ()
    units: Sequence[Unit] = ()
    persons: Sequence[PersonData] = ()
    resolutions: Sequence[str] = ()
    follow_ups: Sequence[FollowUpData] = field(default_factory=tuple)


def members_on(council: Council, day: date) -> list[CouncilMembership]:
    """The council's memberships current on `day` ([joined_on, left_on))."""
    return list(
        council.memberships.filter(joined_on__lte=day).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=day)
        )
    )


def _check_meeting(data: MeetingData) -> list[FieldError]:
    errors: list[FieldError] = []
    council = data.council
    if not data.topic:
        errors.append(FieldError("topic", "REQUIRED", "请填写议题。"))
    elif len(data.topic) > 300:
        errors.append(FieldError("topic", "TOO_LONG", "议题不能超过 300 字。"))
    if len(data.place) > 200:
        errors.append(FieldError("place", "TOO_LONG", "地点不能超过 200 字。"))
    if data.held_on > date.today():
        errors.append(FieldError("heldOn", "IN_FUTURE", "会议日期不能晚于今天。"))
    elif council.established_on and data.held_on < council.established_on:
        errors.append(FieldError("heldOn", "BEFORE_ESTABLISHED", "会议日期不能早于成立日期。"))
    elif council.dissolved_on and data.held_on >= council.dissolved_on:
        errors.append(FieldError("heldOn", "DISSOLVED", "该组织在此日期已撤销。"))
    for index, person in enumerate(data.persons):
        if not person.name:
            errors.append(FieldError(f"persons.{index}.name", "REQUIRED", "请填写姓名。"))
        elif len(person.name) > 50 or len(person.title) > 100:
            errors.append(FieldError(f"persons.{index}.name", "TOO_LONG", "姓名或职务过长。"))
    for index, text in enumerate(data.resolutions):
        if not text:
            errors.append(FieldError(f"resolutions.{index}", "REQUIRED", "决议内容不能为空。"))
    return errors


def _check_attendees(
    data: MeetingData, by_org: dict[int, CouncilMembership], by_unit: dict[int, CouncilMembership]
) -> list[FieldError]:
    errors: list[FieldError] = []
    pairs: tuple[tuple[str, Sequence[PartyOrg | Unit], dict[int, CouncilMembership]], ...] = (
        ("attendingOrgIds", data.orgs, by_org),
        ("attendingUnitIds", data.units, by_unit),
    )
    for name, items, current in pairs:
        seen: set[int] = set()
        for index, item in enumerate(items):
            if item.pk in seen:
                errors.append(FieldError(f"{name}.{index}", "DUPLICATE", "重复的出席单位。"))
            elif item.pk not in current:
                errors.append(
                    FieldError(
                        f"{name}.{index}", "NOT_A_MEMBER", f"{item.name}在会议当日不是成员。"
                    )
                )
            seen.add(item.pk)
    return errors


def _check_follow_ups(
    data: MeetingData, by_org: dict[int, CouncilMembership], by_unit: dict[int, CouncilMembership]
) -> list[FieldError]:
    errors: list[FieldError] = []
    host = data.council.host_org_id
    for index, item in enumerate(data.follow_ups):
        prefix = f"followUps.{index}"
        if not item.title:
            errors.append(FieldError(f"{prefix}.title", "REQUIRED", "请填写事项。"))
        elif len(item.title) > 300:
            errors.append(FieldError(f"{prefix}.title", "TOO_LONG", "事项不能超过 300 字。"))
        if len(item.owner_person) > 50:
            errors.append(FieldError(f"{prefix}.ownerPerson", "TOO_LONG", "责任人姓名过长。"))
        if (item.owner_org is None) == (item.owner_unit is None):
            errors.append(
                FieldError(f"{prefix}.ownerOrgId", "ORG_XOR_UNIT", "请指定一个责任党组织或单位。")
            )
        elif item.owner_org is not None and item.owner_org.pk not in by_org | {host: None}:
            errors.append(
                FieldError(
                    f"{prefix}.ownerOrgId", "NOT_A_MEMBER", "责任党组织须为牵头党组织或成员。"
                )
            )
        elif item.owner_unit is not None and item.owner_unit.pk not in by_unit:
            errors.append(FieldError(f"{prefix}.ownerUnitId", "NOT_A_MEMBER", "责任单位须为成员。"))
        if item.due_on < data.held_on:
            errors.append(
                FieldError(f"{prefix}.dueOn", "END_BEFORE_START", "办结期限不能早于会议日期。")
            )
    return errors


def _strip(data: MeetingData) -> MeetingData:
    return MeetingData(
        council=data.council,
        held_on=data.held_on,
        topic=data.topic.strip(),
        place=data.place.strip(),
        orgs=data.orgs,
        units=data.units,
        persons=[PersonData(p.name.strip(), p.title.strip()) for p in data.persons],
        resolutions=[text.strip() for text in data.resolutions],
        follow_ups=[
            FollowUpData(
                title=f.title.strip(),
                due_on=f.due_on,
                owner_org=f.owner_org,
                owner_unit=f.owner_unit,
                owner_person=f.owner_person.strip(),
            )
            for f in data.follow_ups
        ],
    )


@audited("council.meeting_record")
@transaction.atomic
def meeting_record(*, data: MeetingData) -> CouncilMeeting:
    data = _strip(data)
    current = members_on(data.council, data.held_on)
    by_org = {m.org_id: m for m in current if m.org_id is not None}
    by_unit = {m.unit_id: m for m in current if m.unit_id is not None}
    raise_if(
        _check_meeting(data)
        + _check_attendees(data, by_org, by_unit)
        + _check_follow_ups(data, by_org, by_unit)
    )
    meeting = CouncilMeeting.objects.create(
        council=data.council, held_on=data.held_on, topic=data.topic, place=data.place
    )
    attendees = [
        CouncilMeetingAttendee(meeting=meeting, membership=by_org[o.pk]) for o in data.orgs
    ]
    attendees += [
        CouncilMeetingAttendee(meeting=meeting, membership=by_unit[u.pk]) for u in data.units
    ]
    attendees += [
        CouncilMeetingAttendee(meeting=meeting, person_name=p.name, person_title=p.title)
        for p in data.persons
    ]
    CouncilMeetingAttendee.objects.bulk_create(attendees)
    CouncilResolution.objects.bulk_create(
        CouncilResolution(meeting=meeting, position=i + 1, text=text)
        for i, text in enumerate(data.resolutions)
    )
    CouncilFollowUp.objects.bulk_create(
        CouncilFollowUp(
            meeting=meeting,
            position=i + 1,
            title=f.title,
            owner_org=f.owner_org,
            owner_unit=f.owner_unit,
            owner_person=f.owner_person,
            due_on=f.due_on,
        )
        for i, f in enumerate(data.follow_ups)
    )
    audit_record(
        action="council.meeting_record",
        target=meeting,
        detail={
            "council_id": data.council.pk,
            "held_on": data.held_on.isoformat(),
            "attendees": len(attendees),
            "resolutions": len(data.resolutions),
            "follow_ups": len(data.follow_ups),
        },
    )
    return meeting


@audited("council.follow_up_update", target="follow_up")
@transaction.atomic
def follow_up_update(
    *, follow_up: CouncilFollowUp, status: str, done_on: date | None, note: str | None
) -> CouncilFollowUp:
    """Mark a follow-up done (with the day), cancelled, or open again; the note may change."""
    follow_up = (
        CouncilFollowUp.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=follow_up.pk)
    )
    errors: list[FieldError] = []
    if status not in FollowUpStatus.values:
        raise ValidationFailed.single("status", "INVALID", f"未知的状态 {status}。")
    if status == FollowUpStatus.DONE:
        if done_on is None:
            errors.append(FieldError("doneOn", "REQUIRED", "请填写办结日期。"))
        elif done_on > date.today():
            errors.append(FieldError("doneOn", "IN_FUTURE", "办结日期不能晚于今天。"))
        elif done_on < follow_up.meeting.held_on:
            errors.append(FieldError("doneOn", "END_BEFORE_START", "办结日期不能早于会议日期。"))
    elif done_on is not None:
        errors.append(FieldError("doneOn", "NOT_DONE", "只有已办结的事项才有办结日期。"))
    raise_if(errors)
    before = snapshot(follow_up, FOLLOW_UP_FIELDS)
    follow_up.status = status
    follow_up.done_on = done_on
    if note is not None:
        follow_up.note = note.strip()
    follow_up.save(update_fields=["status", "done_on", "note", "updated_at"])
    audit_record(
        action="council.follow_up_update",
        target=follow_up,
        changes=field_changes(before, snapshot(follow_up, FOLLOW_UP_FIELDS)),
    )
    return follow_up
