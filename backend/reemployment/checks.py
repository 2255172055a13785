"""Validation shared by the re-employment services: each check returns the errors it finds."""

from dataclasses import dataclass, field, replace
from datetime import date

from backend.common.validation import FieldError
from backend.members.id_numbers import InvalidIdNumber, normalise, parse_id_number
from backend.members.models import Gender, Member, MemberCategory
from backend.members.personal_data import id_number_hash
from backend.members.services import PHONE_PATTERN
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import COMMUNITY_KINDS
from backend.positions.models import Position, PositionKind
from backend.reemployment.models import EmploymentArchive

NAME_MAX = 50
TEXT_MAX = 200
NOTE_MAX = 500


@dataclass(frozen=True)
class WorkerData:
    """A laid-off worker who is not a Party member, as entered."""

    name: str
    id_number: str = field(repr=False)  # kept out of reprs, hence out of logs and tracebacks
    phone: str = field(default="", repr=False)
    gender: str | None = None
    birth_date: date | None = None


def too_long(field_name: str, value: str, limit: int) -> list[FieldError]:
    if len(value) > limit:
        return [FieldError(field_name, "TOO_LONG", f"不能超过 {limit} 字。")]
    return []


def required_text(field_name: str, value: str, limit: int, label: str) -> list[FieldError]:
    if not value.strip():
        return [FieldError(field_name, "REQUIRED", f"请填写{label}。")]
    return too_long(field_name, value.strip(), limit)


def not_in_future(field_name: str, day: date | None, label: str) -> list[FieldError]:
    if day is not None and day > date.today():
        return [FieldError(field_name, "IN_FUTURE", f"{label}不能晚于今天。")]
    return []


def community_errors(community: PartyOrg) -> list[FieldError]:
    if community.kind not in COMMUNITY_KINDS:
        return [
            FieldError(
                "communityId",
                "INVALID_ORG_KIND",
                f"就业档案须登记在{PartyOrgKind.COMMUNITY_COMMITTEE.label}或"
                f"{PartyOrgKind.COMMUNITY_GENERAL_BRANCH.label}。",
            )
        ]
    return []


def station_errors(station: Position, community: PartyOrg, on: date) -> list[FieldError]:
    if station.kind != PositionKind.REEMPLOYMENT_STATION:
        return [FieldError("stationId", "WRONG_KIND", "所选阵地不是再就业服务站。")]
    if station.community_id != community.pk:
        return [FieldError("stationId", "NOT_IN_COMMUNITY", "再就业服务站不属于该社区。")]
    if station.closed_on is not None and station.closed_on <= on:
        return [FieldError("stationId", "STATION_CLOSED", "该再就业服务站已停用。")]
    return []


def member_errors(member: Member) -> list[FieldError]:
    if member.category != MemberCategory.LAID_OFF:
        return [FieldError("memberId", "WRONG_CATEGORY", "只有下岗职工党员可登记就业档案。")]
    if EmploymentArchive.objects.filter(member=member, closed_on__isnull=True).exists():
        return [ALREADY_REGISTERED_MEMBER]
    return []


ALREADY_REGISTERED_MEMBER = FieldError(
    "memberId", "ALREADY_REGISTERED", "该党员已有未关闭的就业档案。"
)
# Messages never repeat the number: they reach logs and screens.
ALREADY_REGISTERED_WORKER = FieldError(
    "idNumber", "ALREADY_REGISTERED", "该公民身份号码已有未关闭的就业档案。"
)


def phone_errors(phone: str) -> list[FieldError]:
    if phone and not PHONE_PATTERN.match(phone):
        return [FieldError("phone", "INVALID", "联系电话应为 11 位手机号或区号加座机号。")]
    return []


def worker_errors(worker: WorkerData) -> tuple[WorkerData, list[FieldError]]:
    """Check a non-member worker; fill in (or cross-check) the sex and birth date the ID number
    encodes. A member's number is refused: register the member instead."""
    worker = replace(
        worker,
        name=worker.name.strip(),
        id_number=normalise(worker.id_number),
        phone=worker.phone.strip(),
    )
    errors = required_text("name", worker.name, NAME_MAX, "姓名")
    errors += phone_errors(worker.phone)
    try:
        facts = parse_id_number(worker.id_number)
    except InvalidIdNumber as exc:
        return worker, [*errors, FieldError("idNumber", exc.code, exc.message)]
    gender = Gender.MALE if facts.is_male else Gender.FEMALE
    if worker.gender and worker.gender != gender:
        errors.append(FieldError("gender", "MISMATCH_ID_NUMBER", "性别与公民身份号码不一致。"))
    if worker.birth_date and worker.birth_date != facts.birth_date:
        errors.append(
            FieldError("birthDate", "MISMATCH_ID_NUMBER", "出生日期与公民身份号码不一致。")
        )
    hashed = id_number_hash(worker.id_number)
    if Member.objects.filter(id_number_hash=hashed).exists():
        errors.append(
            FieldError("idNumber", "IS_MEMBER", "该公民身份号码属于本区党员，请按党员登记。")
        )
    elif EmploymentArchive.objects.filter(
        member__isnull=True, closed_on__isnull=True, id_number_hash=hashed
    ).exists():
        errors.append(ALREADY_REGISTERED_WORKER)
    return replace(worker, gender=gender, birth_date=facts.birth_date), errors
