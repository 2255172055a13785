import re
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from django.db import transaction

from backend.common.validation import FieldError, ValidationFailed
from backend.members.id_numbers import InvalidIdNumber, normalise, parse_id_number
from backend.members.models import Education, Gender, Member, MemberCategory, MemberStatus
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import COMMUNITY_KINDS, HOLDS_NO_MEMBERS
from backend.units.models import Unit

PHONE_PATTERN = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
MIN_JOINING_AGE = 18


@dataclass(frozen=True)
class MemberData:
    name: str
    id_number: str
    education: str
    joined_on: date
    status: str
    category: str
    org: PartyOrg
    gender: str | None = None
    birth_date: date | None = None
    phone: str = ""
    residence_community: PartyOrg | None = None
    work_unit: Unit | None = None


def _choice_errors(data: MemberData) -> list[FieldError]:
    checks = [
        ("education", data.education, Education),
        ("status", data.status, MemberStatus),
        ("category", data.category, MemberCategory),
    ]
    return [
        FieldError(field, "INVALID", f"未知的取值 {value}。")
        for field, value, choices in checks
        if value not in choices.values
    ]


def _identity_errors(
    data: MemberData, member_id: int | None
) -> tuple[MemberData, list[FieldError]]:
    """Check the ID number and fill in (or cross-check) the birth date and sex it encodes."""
    try:
        facts = parse_id_number(data.id_number)
    except InvalidIdNumber as exc:
        return data, [FieldError("idNumber", exc.code, exc.message)]
    errors = []
    gender = Gender.MALE if facts.is_male else Gender.FEMALE
    if data.gender and data.gender != gender:
        errors.append(FieldError("gender", "MISMATCH_ID_NUMBER", "性别与公民身份号码不一致。"))
    if data.birth_date and data.birth_date != facts.birth_date:
        errors.append(
            FieldError("birthDate", "MISMATCH_ID_NUMBER", "出生日期与公民身份号码不一致。")
        )
    if Member.objects.filter(id_number=data.id_number).exclude(id=member_id or 0).exists():
        errors.append(FieldError("idNumber", "DUPLICATE", "本区已登记该公民身份号码的党员。"))
    return replace(data, gender=gender, birth_date=facts.birth_date), errors


def _relation_errors(data: MemberData) -> list[FieldError]:
    errors = []
    if data.org.kind in HOLDS_NO_MEMBERS:
        errors.append(
            FieldError("orgId", "INVALID_ORG_KIND", "组织关系须在党支部及以上组织，不能在党小组。")
        )
    if data.residence_community is not None:
        if data.category != MemberCategory.IN_SERVICE:
            errors.append(
                FieldError("residenceCommunityId", "NOT_ALLOWED", "只有在职党员需登记居住社区。")
            )
        elif data.residence_community.kind not in COMMUNITY_KINDS:
            errors.append(
                FieldError(
                    "residenceCommunityId",
                    "INVALID_ORG_KIND",
                    f"居住社区须为{PartyOrgKind.COMMUNITY_COMMITTEE.label}或"
                    f"{PartyOrgKind.COMMUNITY_GENERAL_BRANCH.label}。",
                )
            )
    return errors


def _check(data: MemberData, member_id: int | None) -> MemberData:
    data = replace(
        data, name=data.name.strip(), id_number=normalise(data.id_number), phone=data.phone.strip()
    )
    errors: list[FieldError] = []
    if not data.name:
        errors.append(FieldError("name", "REQUIRED", "请填写姓名。"))
    elif len(data.name) > 50:
        errors.append(FieldError("name", "TOO_LONG", "姓名不能超过 50 字。"))
    errors.extend(_choice_errors(data))
    data, identity_errors = _identity_errors(data, member_id)
    errors.extend(identity_errors)
    if data.phone and not PHONE_PATTERN.match(data.phone):
        errors.append(FieldError("phone", "INVALID", "联系电话应为 11 位手机号或区号加座机号。"))
    if data.joined_on > date.today():
        errors.append(FieldError("joinedOn", "IN_FUTURE", "入党日期不能晚于今天。"))
    elif data.birth_date and _age_on(data.birth_date, data.joined_on) < MIN_JOINING_AGE:
        errors.append(FieldError("joinedOn", "TOO_YOUNG", "入党时须年满十八岁。"))
    errors.extend(_relation_errors(data))
    if errors:
        raise ValidationFailed(errors)
    return data


def _age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@transaction.atomic
def member_create(*, data: MemberData) -> Member:
    data = _check(data, None)
    return Member.objects.create(**{f.name: getattr(data, f.name) for f in fields(data)})


@transaction.atomic
def member_update(*, member: Member, changes: dict[str, Any]) -> Member:
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("org", "residence_community", "work_unit")
        .get(pk=member.pk)
    )
    current = MemberData(**{f.name: getattr(member, f.name) for f in fields(MemberData)})
    data = _check(replace(current, **changes), member.pk)
    for f in fields(data):
        setattr(member, f.name, getattr(data, f.name))
    member.save()
    return member
