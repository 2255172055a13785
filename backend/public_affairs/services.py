"""Writes of 社区公共事务协会: the association, its areas of work, officers, meetings with their
resolutions and follow-ups.

Every service validates first (typed errors, nothing written), then writes and audits in one
transaction; the database constraints catch what a concurrent request slipped past the checks.
"""

import re
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max, Min, Q

from backend.audit.changes import Masked, field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.common.constraints import constraint_errors
from backend.common.periods import not_in_future
from backend.common.validation import FieldError, ValidationFailed, raise_if
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.orgs.rules import COMMUNITY_KINDS
from backend.public_affairs.models import (
    FollowUpStatus,
    OfficerRole,
    PublicAffairsArea,
    PublicAffairsAssociation,
    PublicAffairsFollowUp,
    PublicAffairsMeeting,
    PublicAffairsOfficer,
    PublicAffairsResolution,
    WorkArea,
)

PHONE_PATTERN = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
ASSOCIATION_FIELDS = ("community_id", "name", "founded_on", "dissolved_on", "charter", "notes")
AREA_FIELDS = ("association_id", "area", "description", "lead_id")
OFFICER_FIELDS = (
    "association_id",
    "name",
    "member_id",
    "role",
    "area_id",
    "term_start",
    "term_end",
)
FOLLOW_UP_FIELDS = ("item", "owner_id", "due_on", "status", "done_on", "note")
ONE_ACTIVE = "pubaff_assoc_one_active_per_community"
ONE_PRESIDENT = ("pubaff_officer_one_current_president", "pubaff_officer_president_no_overlap")
PERSON_OVERLAP = "pubaff_officer_person_role_no_overlap"


def _already_active() -> FieldError:
    return FieldError("communityId", "ALREADY_ACTIVE", "该社区已有一个未撤销的公共事务协会。")


def _president_overlap() -> FieldError:
    return FieldError("role", "OVERLAP", "该期间协会已有会长，须先结束现任会长的任期。")


def _person_overlap() -> FieldError:
    return FieldError("name", "OVERLAP", "此人在该期间已担任此职务。")


def _text(errors: list[FieldError], name: str, value: str, limit: int, what: str) -> None:
    if not value:
        errors.append(FieldError(name, "REQUIRED", f"请填写{what}。"))
    elif len(value) > limit:
        errors.append(FieldError(name, "TOO_LONG", f"{what}不能超过 {limit} 字。"))


# --- associations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssociationData:
    community: PartyOrg
    name: str
    founded_on: date
    charter: str = ""
    notes: str = ""


def _association_errors(
    data: AssociationData, association: PublicAffairsAssociation | None
) -> list[FieldError]:
    errors: list[FieldError] = []
    if data.community.kind not in COMMUNITY_KINDS:
        errors.append(
            FieldError(
                "communityId", "INVALID_ORG_KIND", "公共事务协会须属于社区党委或社区党总支。"
            )
        )
    _text(errors, "name", data.name, 200, "协会名称")
    errors += not_in_future("foundedOn", data.founded_on)
    if association is not None:
        # The founding date cannot move past the association's own records.
        first = PublicAffairsOfficer.objects.filter(association=association).aggregate(
            first=Min("term_start")
        )
        first_meeting = association.meetings.aggregate(first=Min("held_on"))["first"]
        earliest = min((d for d in (first["first"], first_meeting) if d), default=None)
        if earliest and data.founded_on > earliest:
            errors.append(
                FieldError("foundedOn", "AFTER_RECORDS", "成立日期不能晚于协会最早的任职或会议。")
            )
        if association.dissolved_on and data.founded_on > association.dissolved_on:
            errors.append(FieldError("foundedOn", "END_BEFORE_START", "成立日期不能晚于撤销日期。"))
    elif _another_active(data.community, None):
        errors.append(_already_active())
    return errors


def _another_active(community: PartyOrg, association_id: int | None) -> bool:
    others = PublicAffairsAssociation.objects.filter(community=community, dissolved_on__isnull=True)
    return others.exclude(pk=association_id or 0).exists()


def _normalised_association(data: AssociationData) -> AssociationData:
    return replace(
        data, name=data.name.strip(), charter=data.charter.strip(), notes=data.notes.strip()
    )


@audited("public_affairs.association.create")
@transaction.atomic
def association_create(*, data: AssociationData) -> PublicAffairsAssociation:
    data = _normalised_association(data)
    raise_if(_association_errors(data, None))
    association = PublicAffairsAssociation(**{f.name: getattr(data, f.name) for f in fields(data)})
    with constraint_errors({ONE_ACTIVE: _already_active()}):
        association.save()
    audit_record(
        action="public_affairs.association.create",
        target=association,
        changes=field_changes(None, snapshot(association, ASSOCIATION_FIELDS)),
    )
    return association


@audited("public_affairs.association.update", target="association")
@transaction.atomic
def association_update(
    *, association: PublicAffairsAssociation, changes: dict[str, Any]
) -> PublicAffairsAssociation:
    """Changes name, founding date, charter and notes (not the community)."""
    association = PublicAffairsAssociation.objects.select_for_update().get(pk=association.pk)
    before = snapshot(association, ASSOCIATION_FIELDS)
    current = AssociationData(
        **{f.name: getattr(association, f.name) for f in fields(AssociationData)}
    )
    data = _normalised_association(replace(current, **changes))
    raise_if(_association_errors(data, association))
    for f in fields(data):
        setattr(association, f.name, getattr(data, f.name))
    association.save()
    audit_record(
        action="public_affairs.association.update",
        target=association,
        changes=field_changes(before, snapshot(association, ASSOCIATION_FIELDS)),
    )
    return association


@audited("public_affairs.association.dissolve", target="association")
@transaction.atomic
def association_dissolve(
    *, association: PublicAffairsAssociation, dissolved_on: date
) -> PublicAffairsAssociation:
    """Dissolve (撤销): the officers' current terms end the same day; the records stay."""
    association = PublicAffairsAssociation.objects.select_for_update().get(pk=association.pk)
    errors: list[FieldError] = []
    if association.dissolved_on is not None:
        raise ValidationFailed.single("id", "ALREADY_DISSOLVED", "该协会已撤销。")
    if dissolved_on < association.founded_on:
        errors.append(FieldError("dissolvedOn", "END_BEFORE_START", "撤销日期不能早于成立日期。"))
    errors += not_in_future("dissolvedOn", dissolved_on)
    current = PublicAffairsOfficer.objects.filter(association=association, term_end__isnull=True)
    latest = max(
        (
            d
            for d in (
                association.meetings.aggregate(last=Max("held_on"))["last"],
                current.aggregate(last=Max("term_start"))["last"],
            )
            if d
        ),
        default=None,
    )
    if latest and dissolved_on < latest:
        errors.append(
            FieldError(
                "dissolvedOn", "BEFORE_RECORDS", "撤销日期不能早于最近的会议或现任成员的任职。"
            )
        )
    raise_if(errors)
    ended = list(current.values_list("pk", flat=True))
    current.update(term_end=dissolved_on)
    PublicAffairsArea.objects.filter(association=association).update(lead=None)
    association.dissolved_on = dissolved_on
    association.save(update_fields=["dissolved_on", "updated_at"])
    audit_record(
        action="public_affairs.association.dissolve",
        target=association,
        changes=field_changes({"dissolved_on": None}, {"dissolved_on": dissolved_on}),
        detail={"ended_officer_ids": ended},
    )
    return association


def _require_active(association: PublicAffairsAssociation, field_name: str) -> list[FieldError]:
    if association.dissolved_on is not None:
        return [FieldError(field_name, "DISSOLVED", "该协会已撤销。")]
    return []


# --- areas of work ------------------------------------------------------------------------------


def _lead_errors(
    association: PublicAffairsAssociation, lead: PublicAffairsOfficer | None
) -> list[FieldError]:
    if lead is None:
        return []
    if lead.association_id != association.pk:
        return [FieldError("leadId", "NOT_IN_ASSOCIATION", "负责人须为本协会成员。")]
    if PublicAffairsOfficer.objects.filter(pk=lead.pk, term_end__isnull=False).exists():
        return [FieldError("leadId", "NOT_IN_OFFICE", "负责人须为现任协会成员。")]
    return []


@audited("public_affairs.area.add")
@transaction.atomic
def area_add(
    *,
    association: PublicAffairsAssociation,
    area: str,
    description: str = "",
    lead: PublicAffairsOfficer | None = None,
) -> PublicAffairsArea:
    association = PublicAffairsAssociation.objects.select_for_update().get(pk=association.pk)
    errors = _require_active(association, "associationId")
    if area not in WorkArea.values:
        errors.append(FieldError("area", "INVALID", f"未知的工作领域 {area}。"))
    elif PublicAffairsArea.objects.filter(association=association, area=area).exists():
        errors.append(FieldError("area", "ALREADY_EXISTS", "协会已有该工作领域。"))
    errors += _lead_errors(association, lead)
    raise_if(errors)
    row = PublicAffairsArea.objects.create(
        association=association, area=area, description=description.strip(), lead=lead
    )
    audit_record(
        action="public_affairs.area.add",
        target=row,
        changes=field_changes(None, snapshot(row, AREA_FIELDS)),
    )
    return row


@audited("public_affairs.area.update", target="area")
@transaction.atomic
def area_update(*, area: PublicAffairsArea, changes: dict[str, Any]) -> PublicAffairsArea:
    """`changes` may hold description and lead (None clears the lead)."""
    area = PublicAffairsArea.objects.select_related("association").get(pk=area.pk)
    before = snapshot(area, AREA_FIELDS)
    errors = _require_active(area.association, "id")
    if "lead" in changes:
        errors += _lead_errors(area.association, changes["lead"])
    raise_if(errors)
    if "description" in changes:
        area.description = (changes["description"] or "").strip()
    if "lead" in changes:
        area.lead = changes["lead"]
    area.save()
    audit_record(
        action="public_affairs.area.update",
        target=area,
        changes=field_changes(before, snapshot(area, AREA_FIELDS)),
    )
    return area


# --- officers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficerData:
    association: PublicAffairsAssociation
    name: str
    role: str
    term_start: date
    term_end: date | None = None
    member: Member | None = None
    area: PublicAffairsArea | None = None
    phone: str = field(default="", repr=False)  # kept out of reprs, hence out of logs


def _overlapping(data: OfficerData) -> Q:
    """Terms of the association overlapping data's term (both ends included, open ends endless)."""
    overlap = Q(term_end__isnull=True) | Q(term_end__gte=data.term_start)
    if data.term_end is not None:
        overlap &= Q(term_start__lte=data.term_end)
    return overlap


def _officer_errors(data: OfficerData) -> list[FieldError]:
    association = data.association
    errors = _require_active(association, "associationId")
    _text(errors, "name", data.name, 50, "姓名")
    if data.role not in OfficerRole.values:
        errors.append(FieldError("role", "INVALID", f"未知的职务 {data.role}。"))
    if data.area is not None and data.area.association_id != association.pk:
        errors.append(FieldError("areaId", "NOT_IN_ASSOCIATION", "分管领域须为本协会的工作领域。"))
    if data.phone and not PHONE_PATTERN.match(data.phone):
        errors.append(FieldError("phone", "INVALID", "联系电话应为 11 位手机号或区号加座机号。"))
    errors += not_in_future("termStart", data.term_start)
    if data.term_start < association.founded_on:
        errors.append(FieldError("termStart", "BEFORE_FOUNDED", "任期不能早于协会成立日期。"))
    if data.term_end is not None:
        if data.term_end < data.term_start:
            errors.append(FieldError("termEnd", "END_BEFORE_START", "任期结束不能早于开始。"))
        else:
            errors += not_in_future("termEnd", data.term_end)
    if errors:
        return errors
    terms = PublicAffairsOfficer.objects.filter(Q(association=association) & _overlapping(data))
    if data.role == OfficerRole.PRESIDENT and terms.filter(role=OfficerRole.PRESIDENT).exists():
        errors.append(_president_overlap())
    if terms.filter(role=data.role, name=data.name).exists():
        errors.append(_person_overlap())
    return errors


@audited("public_affairs.officer.appoint")
@transaction.atomic
def officer_appoint(*, data: OfficerData) -> PublicAffairsOfficer:
    """Appoint a resident (聘任); a past term may be recorded with its end date."""
    # Locked and fresh: appointments to one association are checked one after another.
    association = PublicAffairsAssociation.objects.select_for_update().get(pk=data.association.pk)
    name = data.name.strip() or (data.member.name if data.member else "")
    data = replace(data, association=association, name=name, phone=data.phone.strip())
    raise_if(_officer_errors(data))
    officer = PublicAffairsOfficer(
        association=data.association,
        name=data.name,
        member=data.member,
        role=data.role,
        area=data.area,
        term_start=data.term_start,
        term_end=data.term_end,
    )
    officer.set_phone(data.phone)
    constraint_map = {name: _president_overlap() for name in ONE_PRESIDENT}
    with constraint_errors({**constraint_map, PERSON_OVERLAP: _person_overlap()}):
        officer.save()
    audit_record(
        action="public_affairs.officer.appoint",
        target=officer,
        changes=field_changes(
            None,
            {
                **snapshot(officer, OFFICER_FIELDS),
                "phone": Masked(officer.phone_masked, officer.phone_hash),
            },
        ),
    )
    return officer


@audited("public_affairs.officer.end", target="officer")
@transaction.atomic
def officer_end(*, officer: PublicAffairsOfficer, term_end: date) -> PublicAffairsOfficer:
    """End a current term (离任); the areas the officer led lose their lead."""
    officer = PublicAffairsOfficer.objects.select_for_update().get(pk=officer.pk)
    if officer.term_end is not None:
        raise ValidationFailed.single("id", "ALREADY_ENDED", "该成员的任期已结束。")
    errors: list[FieldError] = []
    if term_end < officer.term_start:
        errors.append(FieldError("termEnd", "END_BEFORE_START", "任期结束不能早于开始。"))
    errors += not_in_future("termEnd", term_end)
    raise_if(errors)
    officer.term_end = term_end
    officer.save(update_fields=["term_end"])
    PublicAffairsArea.objects.filter(lead=officer).update(lead=None)
    audit_record(
        action="public_affairs.officer.end",
        target=officer,
        changes=field_changes({"term_end": None}, {"term_end": term_end}),
    )
    return officer


# --- meetings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpData:
    item: str
    owner: PublicAffairsOfficer
    due_on: date


@dataclass(frozen=True)
class ResolutionData:
    text: str
    follow_ups: list[FollowUpData] = field(default_factory=list)


@dataclass(frozen=True)
class MeetingData:
    association: PublicAffairsAssociation
    held_on: date
    topic: str
    attendees: list[PublicAffairsOfficer]
    resolutions: list[ResolutionData] = field(default_factory=list)
    place: str = ""
    notes: str = ""


def _in_office(
    officer: PublicAffairsOfficer, association: PublicAffairsAssociation, day: date
) -> bool:
    return (
        officer.association_id == association.pk
        and officer.term_start <= day
        and (officer.term_end is None or officer.term_end >= day)
    )


def _meeting_errors(data: MeetingData) -> list[FieldError]:
    association = data.association
    errors: list[FieldError] = []
    _text(errors, "topic", data.topic, 200, "会议议题")
    if len(data.place) > 200:
        errors.append(FieldError("place", "TOO_LONG", "地点不能超过 200 字。"))
    errors += not_in_future("heldOn", data.held_on)
    if data.held_on < association.founded_on:
        errors.append(FieldError("heldOn", "BEFORE_FOUNDED", "会议日期不能早于协会成立日期。"))
    if association.dissolved_on and data.held_on > association.dissolved_on:
        errors.append(FieldError("heldOn", "DISSOLVED", "会议日期不能晚于协会撤销日期。"))
    if not data.attendees:
        errors.append(FieldError("attendeeIds", "REQUIRED", "请登记出席成员。"))
    elif any(not _in_office(o, association, data.held_on) for o in data.attendees):
        errors.append(
            FieldError("attendeeIds", "NOT_IN_OFFICE", "出席成员须为会议当日在任的本协会成员。")
        )
    for index, resolution in enumerate(data.resolutions):
        _text(errors, f"resolutions.{index}.text", resolution.text, 2000, "决议内容")
        for number, follow_up in enumerate(resolution.follow_ups):
            prefix = f"resolutions.{index}.followUps.{number}"
            _text(errors, f"{prefix}.item", follow_up.item, 300, "督办事项")
            if not _in_office(follow_up.owner, association, data.held_on):
                errors.append(
                    FieldError(
                        f"{prefix}.ownerId", "NOT_IN_OFFICE", "责任人须为会议当日在任的本协会成员。"
                    )
                )
            if follow_up.due_on < data.held_on:
                errors.append(
                    FieldError(f"{prefix}.dueOn", "BEFORE_MEETING", "办结期限不能早于会议日期。")
                )
    return errors


@audited("public_affairs.meeting.record")
@transaction.atomic
def meeting_record(*, data: MeetingData) -> PublicAffairsMeeting:
    """Record a meeting with its resolutions and follow-ups: all of them or nothing."""
    data = replace(
        data,
        association=PublicAffairsAssociation.objects.get(pk=data.association.pk),
        topic=data.topic.strip(),
        place=data.place.strip(),
        notes=data.notes.strip(),
        attendees=list({o.pk: o for o in data.attendees}.values()),
        resolutions=[
            ResolutionData(
                text=r.text.strip(),
                follow_ups=[replace(f, item=f.item.strip()) for f in r.follow_ups],
            )
            for r in data.resolutions
        ],
    )
    raise_if(_meeting_errors(data))
    meeting = PublicAffairsMeeting.objects.create(
        association=data.association,
        held_on=data.held_on,
        topic=data.topic,
        place=data.place,
        notes=data.notes,
    )
    meeting.attendees.set(data.attendees)
    resolutions = PublicAffairsResolution.objects.bulk_create(
        PublicAffairsResolution(meeting=meeting, position=index + 1, text=r.text)
        for index, r in enumerate(data.resolutions)
    )
    follow_ups = PublicAffairsFollowUp.objects.bulk_create(
        PublicAffairsFollowUp(resolution=row, item=f.item, owner=f.owner, due_on=f.due_on)
        for row, r in zip(resolutions, data.resolutions, strict=True)
        for f in r.follow_ups
    )
    audit_record(
        action="public_affairs.meeting.record",
        target=meeting,
        changes=field_changes(
            None,
            {
                "association_id": meeting.association_id,
                "held_on": meeting.held_on,
                "topic": meeting.topic,
                "attendee_ids": sorted(o.pk for o in data.attendees),
                "resolutions": [r.text for r in data.resolutions],
                "follow_up_ids": [f.pk for f in follow_ups],
            },
        ),
    )
    return meeting


# --- follow-ups ---------------------------------------------------------------------------------


@audited("public_affairs.follow_up.update", target="follow_up")
@transaction.atomic
def follow_up_update(
    *, follow_up: PublicAffairsFollowUp, changes: dict[str, Any]
) -> PublicAffairsFollowUp:
    """`changes` may hold status, done_on, due_on, note and owner. Marking it done without a
    date dates it today; any other status clears the done date."""
    follow_up = (
        PublicAffairsFollowUp.objects.select_for_update(of=("self",))
        .select_related("resolution__meeting__association")
        .get(pk=follow_up.pk)
    )
    meeting = follow_up.resolution.meeting
    before = snapshot(follow_up, FOLLOW_UP_FIELDS)
    status = changes.get("status", follow_up.status)
    errors: list[FieldError] = []
    if status not in FollowUpStatus.values:
        errors.append(FieldError("status", "INVALID", f"未知的状态 {status}。"))
    done_on = changes.get("done_on", follow_up.done_on)
    if status == FollowUpStatus.DONE:
        done_on = done_on or date.today()
        if done_on < meeting.held_on:
            errors.append(FieldError("doneOn", "BEFORE_MEETING", "办结日期不能早于会议日期。"))
        errors += not_in_future("doneOn", done_on)
    elif changes.get("done_on") is not None:
        errors.append(FieldError("doneOn", "INVALID", "只有已办结的事项才有办结日期。"))
    else:
        done_on = None
    due_on = changes.get("due_on") or follow_up.due_on
    if due_on < meeting.held_on:
        errors.append(FieldError("dueOn", "BEFORE_MEETING", "办结期限不能早于会议日期。"))
    owner = changes.get("owner", follow_up.owner)
    if "owner" in changes and (
        owner is None or not _in_office(owner, meeting.association, date.today())
    ):
        errors.append(FieldError("ownerId", "NOT_IN_OFFICE", "责任人须为本协会现任成员。"))
    raise_if(errors)
    follow_up.status, follow_up.done_on, follow_up.due_on = status, done_on, due_on
    follow_up.owner = owner
    if "note" in changes:
        follow_up.note = (changes["note"] or "").strip()
    follow_up.save()
    audit_record(
        action="public_affairs.follow_up.update",
        target=follow_up,
        changes=field_changes(before, snapshot(follow_up, FOLLOW_UP_FIELDS)),
    )
    return follow_up
