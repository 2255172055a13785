"""Writes for mobile members (流动党员): their registration profile, assignments to party groups and
temporary branches, and what happens to them when a temporary branch closes."""

import re
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from backend.audit.changes import field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.common.constraints import constraint_errors, violated_constraint
from backend.common.validation import FieldError, ValidationFailed
from backend.members.models import Member, MemberCategory
from backend.mobile.models import (
    AssignmentEndReason,
    MobileAssignment,
    MobileMemberProfile,
    RelationLocation,
    Trade,
)
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import COMMUNITY_KINDS

REGION_CODE = re.compile(r"^[1-8]\d{5}$")
ASSIGNABLE_KINDS = frozenset({PartyOrgKind.PARTY_GROUP, PartyOrgKind.TEMPORARY_BRANCH})
ONE_OPEN = "mobile_assignment_one_open_per_member"
# Django's name for the one-to-one's unique constraint, or PostgreSQL's (…_key) in districts
# cloned from the template.
ONE_PROFILE_PREFIX = "mobile_mobilememberprofile_member_id_"
PROFILE_FIELDS = (
    "member_id",
    "origin_place",
    "origin_region_code",
    "relation_location",
    "relation_org_name",
    "relation_place",
    "trade",
    "occupation",
    "community_id",
    "registered_on",
    "contact_notes",
)
ASSIGNMENT_FIELDS = ("profile_id", "org_id", "start_date", "end_date", "end_reason", "note")
OVERLAP = FieldError("startDate", "OVERLAP", "该流动党员在此期间已有编组。")


@dataclass(frozen=True)
class ProfileData:
    origin_place: str
    relation_location: str
    trade: str
    community: PartyOrg
    registered_on: date
    origin_region_code: str = ""
    relation_org_name: str = ""
    relation_place: str = ""
    occupation: str = ""
    contact_notes: str = ""


# --- profiles -------------------------------------------------------------------------------


def _category_error(member: Member) -> list[FieldError]:
    if member.category != MemberCategory.MOBILE:
        return [FieldError("memberId", "WRONG_CATEGORY", "只有流动党员可以登记。")]
    return []


def _profile_errors(data: ProfileData) -> list[FieldError]:
    errors: list[FieldError] = []
    if not data.origin_place:
        errors.append(FieldError("originPlace", "REQUIRED", "请填写流出地。"))
    elif len(data.origin_place) > 100:
        errors.append(FieldError("originPlace", "TOO_LONG", "流出地不能超过 100 字。"))
    if data.origin_region_code and not REGION_CODE.match(data.origin_region_code):
        errors.append(FieldError("originRegionCode", "INVALID", "行政区划代码应为 6 位数字。"))
    if data.relation_location not in RelationLocation.values:
        errors.append(FieldError("relationLocation", "INVALID", "未知的组织关系所在。"))
    elif data.relation_location == RelationLocation.OUTSIDE:
        if not data.relation_org_name:
            errors.append(FieldError("relationOrgName", "REQUIRED", "请填写组织关系所在党组织。"))
        if not data.relation_place:
            errors.append(FieldError("relationPlace", "REQUIRED", "请填写组织关系所在地。"))
    if data.trade not in Trade.values:
        errors.append(FieldError("trade", "INVALID", f"未知的行业 {data.trade}。"))
    if data.community.kind not in COMMUNITY_KINDS:
        errors.append(
            FieldError("communityId", "INVALID_ORG_KIND", "登记社区须为社区党委或社区党总支。")
        )
    if data.registered_on > date.today():
        errors.append(FieldError("registeredOn", "IN_FUTURE", "登记日期不能晚于今天。"))
    return errors


def _clean(data: ProfileData) -> ProfileData:
    data = replace(
        data,
        **{
            f.name: getattr(data, f.name).strip()
            for f in fields(data)
            if isinstance(getattr(data, f.name), str)
        },
    )
    if data.relation_location == RelationLocation.IN_DISTRICT:
        data = replace(data, relation_org_name="", relation_place="")
    return data


@audited("mobile_profile.create")
@transaction.atomic
def profile_create(*, member: Member, data: ProfileData) -> MobileMemberProfile:
    data = _clean(data)
    errors = _category_error(member) + _profile_errors(data)
    if MobileMemberProfile.objects.filter(member=member).exists():
        errors.append(FieldError("memberId", "ALREADY_REGISTERED", "该党员已有流动党员登记。"))
    if errors:
        raise ValidationFailed(errors)
    profile = MobileMemberProfile(
        member=member, **{f.name: getattr(data, f.name) for f in fields(data)}
    )
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as exc:
        # A concurrent registration of the same member: the one-to-one's unique constraint.
        if violated_constraint(exc).startswith(ONE_PROFILE_PREFIX):
            raise ValidationFailed.single(
                "memberId", "ALREADY_REGISTERED", "该党员已有流动党员登记。"
            ) from None
        raise
    audit_record(
        action="mobile_profile.create",
        target=profile,
        changes=field_changes(None, snapshot(profile, PROFILE_FIELDS)),
    )
    return profile


@audited("mobile_profile.update", target="profile")
@transaction.atomic
def profile_update(*, profile: MobileMemberProfile, changes: dict[str, Any]) -> MobileMemberProfile:
    profile = (
        MobileMemberProfile.objects.select_for_update(of=("self",))
        .select_related("community", "member")
        .get(pk=profile.pk)
    )
    before = snapshot(profile, PROFILE_FIELDS)
    current = ProfileData(**{f.name: getattr(profile, f.name) for f in fields(ProfileData)})
    data = _clean(replace(current, **changes))
    errors = _profile_errors(data)
    if errors:
        raise ValidationFailed(errors)
    for f in fields(data):
        setattr(profile, f.name, getattr(data, f.name))
    profile.save()
    audit_record(
        action="mobile_profile.update",
        target=profile,
        changes=field_changes(before, snapshot(profile, PROFILE_FIELDS)),
    )
    return profile


# --- assignments ----------------------------------------------------------------------------


def closing_date(org: PartyOrg) -> date | None:
    """The first day the org no longer works: its own end date, or that of the temporary branch
    a party group sits in, whichever comes first."""
    ends = [org.end_date]
    if org.parent_id is not None and org.kind == PartyOrgKind.PARTY_GROUP:
        parent = PartyOrg.objects.only("kind", "end_date").get(pk=org.parent_id)
        if parent.kind == PartyOrgKind.TEMPORARY_BRANCH:
            ends.append(parent.end_date)
    known = [end for end in ends if end is not None]
    return min(known) if known else None


def assignable_org_errors(org: PartyOrg, start: date, field_name: str) -> list[FieldError]:
    if org.kind not in ASSIGNABLE_KINDS:
        return [FieldError(field_name, "INVALID_ORG_KIND", "只能编入党小组或临时党支部。")]
    if org.established_on is not None and start < org.established_on:
        return [FieldError(field_name, "NOT_YET_ESTABLISHED", "编入日期早于该组织成立日期。")]
    closes = closing_date(org)
    if closes is not None and start >= closes:
        return [FieldError(field_name, "BRANCH_CLOSED", f"该组织已于 {closes} 撤销。")]
    return []


def _overlaps(profile: MobileMemberProfile, start: date, exclude_pk: int | None = None) -> bool:
    """Another period of the member reaches past `start` (periods are [start, end))."""
    others = profile.assignments.exclude(pk=exclude_pk or 0)
    return (
        others.filter(end_date__isnull=True).exists() or others.filter(end_date__gt=start).exists()
    )


def _locked_profile(profile: MobileMemberProfile) -> MobileMemberProfile:
    """Assignments of one member are written one at a time: the overlap check then holds."""
    return (
        MobileMemberProfile.objects.select_for_update(of=("self",))
        .select_related("member", "community")
        .get(pk=profile.pk)
    )


def _insert_assignment(assignment: MobileAssignment) -> None:
    with constraint_errors({ONE_OPEN: OVERLAP}):
        assignment.save()


@audited("mobile_assignment.create")
@transaction.atomic
def assignment_create(
    *, profile: MobileMemberProfile, org: PartyOrg, start_date: date, note: str = ""
) -> MobileAssignment:
    profile = _locked_profile(profile)
    errors = _category_error(profile.member)
    if start_date > date.today():
        errors.append(FieldError("startDate", "IN_FUTURE", "编入日期不能晚于今天。"))
    elif start_date < profile.registered_on:
        errors.append(FieldError("startDate", "BEFORE_REGISTERED", "编入日期不能早于登记日期。"))
    errors += assignable_org_errors(org, start_date, "orgId")
    if len(note) > 200:
        errors.append(FieldError("note", "TOO_LONG", "备注不能超过 200 字。"))
    if not errors and _overlaps(profile, start_date):
        errors.append(OVERLAP)
    if errors:
        raise ValidationFailed(errors)
    assignment = MobileAssignment(
        profile=profile, org=org, start_date=start_date, note=note.strip()
    )
    _insert_assignment(assignment)
    audit_record(
        action="mobile_assignment.create",
        target=assignment,
        changes=field_changes(None, snapshot(assignment, ASSIGNMENT_FIELDS)),
    )
    return assignment


def _end_errors(assignment: MobileAssignment, end_date: date, reason: str) -> list[FieldError]:
    errors = []
    if assignment.end_date is not None:
        errors.append(FieldError("id", "ALREADY_ENDED", "该编组已结束。"))
    if end_date < assignment.start_date:
        errors.append(FieldError("endDate", "END_BEFORE_START", "结束日期不能早于编入日期。"))
    elif end_date > date.today():
        errors.append(FieldError("endDate", "IN_FUTURE", "结束日期不能晚于今天。"))
    if reason not in AssignmentEndReason.values:
        errors.append(FieldError("reason", "INVALID", f"未知的结束原因 {reason}。"))
    return errors


@audited("mobile_assignment.end", target="assignment")
@transaction.atomic
def assignment_end(
    *, assignment: MobileAssignment, end_date: date, reason: str
) -> MobileAssignment:
    assignment = MobileAssignment.objects.select_for_update().get(pk=assignment.pk)
    before = snapshot(assignment, ASSIGNMENT_FIELDS)
    errors = _end_errors(assignment, end_date, reason)
    if errors:
        raise ValidationFailed(errors)
    assignment.end_date, assignment.end_reason = end_date, reason
    assignment.save(update_fields=["end_date", "end_reason", "updated_at"])
    audit_record(
        action="mobile_assignment.end",
        target=assignment,
        changes=field_changes(before, snapshot(assignment, ASSIGNMENT_FIELDS)),
    )
    return assignment
