import re
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from backend.audit.changes import Masked, field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.common.personal_data import current_key_id
from backend.common.validation import FieldError, ValidationFailed
from backend.members.id_numbers import InvalidIdNumber, normalise, parse_id_number
from backend.members.models import (
    ID_NUMBER_UNIQUE_PREFIX,
    Education,
    Gender,
    Member,
    MemberCategory,
    MemberStatus,
)
from backend.members.personal_data import ID_NUMBER, PHONE, id_number_hash, reseal
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import COMMUNITY_KINDS, HOLDS_NO_MEMBERS
from backend.units.models import Unit

PHONE_PATTERN = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
PHONE_MESSAGE = "联系电话应为 11 位手机号或区号加座机号。"
MIN_JOINING_AGE = 18
NAME_MAX = 50
# Messages never repeat the number: they reach logs and screens.
DUPLICATE_ID_NUMBER = FieldError("idNumber", "DUPLICATE", "本区已登记该公民身份号码的党员。")
# What a member's audit entries show before and after a write; the ID number and phone only in
# their masked forms (see _audit_snapshot).
AUDIT_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "education",
    "joined_on",
    "status",
    "category",
    "org_id",
    "residence_community_id",
    "work_unit_id",
)


def _audit_snapshot(member: Member) -> dict[str, Any]:
    """The audited fields; the ID number and phone as their stored masked forms, compared by
    keyed hash (and, for phones, the masked form: the same number written differently)."""
    return {
        **snapshot(member, AUDIT_FIELDS),
        "id_number": Masked(member.id_number_masked, member.id_number_hash),
        "phone": Masked(member.phone_masked, f"{member.phone_hash}:{member.phone_masked}"),
    }


@dataclass(frozen=True)
class MemberData:
    name: str
    id_number: str = field(repr=False)  # kept out of reprs, hence out of logs and tracebacks
    education: str
    joined_on: date
    status: str
    category: str
    org: PartyOrg
    gender: str | None = None
    birth_date: date | None = None
    phone: str = field(default="", repr=False)
    residence_community: PartyOrg | None = None
    work_unit: Unit | None = None


# Computed once: an enum's `values` builds a new list on every access.
_CHOICES = {
    "education": frozenset(Education.values),
    "status": frozenset(MemberStatus.values),
    "category": frozenset(MemberCategory.values),
}


def _choice_errors(data: MemberData) -> list[FieldError]:
    given = {"education": data.education, "status": data.status, "category": data.category}
    return [
        FieldError(field, "INVALID", f"未知的取值 {value}。")
        for field, value in given.items()
        if value not in _CHOICES[field]
    ]


def _identity_errors(data: MemberData) -> tuple[MemberData, list[FieldError]]:
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
    return replace(data, gender=gender, birth_date=facts.birth_date), errors


def id_number_taken(id_number: str, member_id: int | None) -> bool:
    """Whether another member of this district has the number (compared by keyed hash)."""
    others = Member.objects.filter(id_number_hash=id_number_hash(id_number))
    return others.exclude(id=member_id or 0).exists()


def _save(member: Member) -> None:
    """Insert or update; the unique hash in PostgreSQL catches a duplicate that a concurrent
    request committed after our check, and it is reported like the checked one."""
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or ""
        if constraint.startswith(ID_NUMBER_UNIQUE_PREFIX):
            raise ValidationFailed([DUPLICATE_ID_NUMBER]) from None
        raise


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


def member_data_errors(data: MemberData) -> tuple[MemberData, list[FieldError]]:
    """Every member rule that needs no database, on trimmed data whose sex and birth date now
    come from the ID number. The roster import checks whole batches with it (and looks up
    duplicate numbers in bulk)."""
    data = replace(
        data, name=data.name.strip(), id_number=normalise(data.id_number), phone=data.phone.strip()
    )
    errors: list[FieldError] = []
    if not data.name:
        errors.append(FieldError("name", "REQUIRED", "请填写姓名。"))
    elif len(data.name) > NAME_MAX:
        errors.append(FieldError("name", "TOO_LONG", f"姓名不能超过 {NAME_MAX} 字。"))
    errors.extend(_choice_errors(data))
    data, identity_errors = _identity_errors(data)
    errors.extend(identity_errors)
    if data.phone and not PHONE_PATTERN.match(data.phone):
        errors.append(FieldError("phone", "INVALID", PHONE_MESSAGE))
    if data.joined_on > date.today():
        errors.append(FieldError("joinedOn", "IN_FUTURE", "入党日期不能晚于今天。"))
    elif data.birth_date and _age_on(data.birth_date, data.joined_on) < MIN_JOINING_AGE:
        errors.append(FieldError("joinedOn", "TOO_YOUNG", "入党时须年满十八岁。"))
    errors.extend(_relation_errors(data))
    return data, errors


def _check(data: MemberData, member_id: int | None) -> MemberData:
    data, errors = member_data_errors(data)
    identity_valid = not any(e.field == "idNumber" for e in errors)
    if identity_valid and id_number_taken(data.id_number, member_id):
        errors.append(DUPLICATE_ID_NUMBER)
    if errors:
        raise ValidationFailed(errors)
    return data


def _age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@audited("member.create")
@transaction.atomic
def member_create(*, data: MemberData) -> Member:
    data = _check(data, None)
    # The id_number and phone properties encrypt, hash and mask.
    member = Member(**{f.name: getattr(data, f.name) for f in fields(data)})
    _save(member)
    audit_record(
        action="member.create",
        target=member,
        changes=field_changes(None, _audit_snapshot(member)),
    )
    return member


@audited("member.update", target="member")
@transaction.atomic
def member_update(*, member: Member, changes: dict[str, Any]) -> Member:
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("org", "residence_community", "work_unit")
        .get(pk=member.pk)
    )
    before = _audit_snapshot(member)
    current = MemberData(**{f.name: getattr(member, f.name) for f in fields(MemberData)})
    data = _check(replace(current, **changes), member.pk)
    for f in fields(data):
        # An unchanged ID number or phone keeps its ciphertext; a changed one is sealed anew.
        setattr(member, f.name, getattr(data, f.name))
    _save(member)
    audit_record(
        action="member.update",
        target=member,
        changes=field_changes(before, _audit_snapshot(member)),
    )
    return member


def members_reencrypt(*, batch_size: int = 1000) -> int:
    """Re-encrypt under the current data key every ID number and phone of this district that an
    older key encrypted (the hashes and masked forms do not change). Returns how many members
    were rewritten. Run it in every district after putting a new key first in
    DANGJIAN_DATA_KEYS (`manage.py reencrypt_personal_data`), then drop the old key."""
    prefix = f"{current_key_id()}:"
    stale = ~Q(id_number_encrypted__startswith=prefix) | (
        ~Q(phone_encrypted="") & ~Q(phone_encrypted__startswith=prefix)
    )
    rewritten, after = 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                Member.objects.select_for_update()
                .filter(stale, pk__gt=after)
                .order_by("pk")
                .only("pk", "id_number_encrypted", "phone_encrypted")[:batch_size]
            )
            if not batch:
                audit_record(
                    action="personal_data.reencrypt",
                    detail={"members": rewritten, "key_id": current_key_id()},
                )
                return rewritten
            for member in batch:
                member.id_number_encrypted = reseal(member.id_number_encrypted, context=ID_NUMBER)
                member.phone_encrypted = reseal(member.phone_encrypted, context=PHONE)
            Member.objects.bulk_update(batch, ["id_number_encrypted", "phone_encrypted"])
        rewritten += len(batch)
        after = batch[-1].pk
