"""报到: reporting to the residence community, cancelling, reporting again; the information card.

A member of this district reports to the community recorded as their residence; one without a
residence community gets this one recorded (through members.services, so it is validated and
audited as a member change). Someone whose organisational relation is held elsewhere reports as
an external reporter, known by sealed ID number.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.audit.changes import Masked, field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.common.validation import FieldError, ValidationFailed
from backend.in_service.models import Report, Reporter, ReporterKind, ReportStatus, SkillTag
from backend.in_service.periods import half_year_of
from backend.members.id_numbers import InvalidIdNumber, parse_id_number
from backend.members.identity import sealed_fields
from backend.members.models import Member, MemberCategory
from backend.members.personal_data import id_number_hash, seal_id_number, seal_phone
from backend.members.services import PHONE_PATTERN, member_update
from backend.orgs.models import PartyOrg
from backend.orgs.rules import COMMUNITY_KINDS
from backend.units.models import Unit
from tenants.exchange import platform_district

REPORT_FIELDS = ("reporter_id", "community_id", "half_year", "reported_on", "status")
CARD_FIELDS = ("work_unit_id", "work_unit_name", "work_party_org_name", "post", "skills")
MAX_SKILL_NOTE = 500


@dataclass(frozen=True)
class ExternalPerson:
    """Someone reporting whose organisational relation is not in this district: in another
    district of the platform (`home_district_code`) or outside it (`work_party_org_name`)."""

    name: str
    id_number: str = field(repr=False)
    phone: str = field(default="", repr=False)
    home_district_code: str = ""
    work_party_org_name: str = ""
    work_unit_name: str = ""
    post: str = ""


def _today() -> date:
    return timezone.localdate()


def _audit_report(action: str, report: Report, before: dict[str, Any] | None) -> None:
    after = snapshot(report, (*REPORT_FIELDS, "cancelled_on", "cancel_reason"))
    audit_record(action=action, target=report, changes=field_changes(before, after))


def check_community(community: PartyOrg, field_name: str = "communityId") -> None:
    if community.kind not in COMMUNITY_KINDS:
        raise ValidationFailed.single(
            field_name, "INVALID_ORG_KIND", "报到社区须为社区党委或社区党总支。"
        )


def _check_reported_on(reported_on: date) -> None:
    if reported_on > _today():
        raise ValidationFailed.single("reportedOn", "IN_FUTURE", "报到日期不能晚于今天。")


def _check_local_member(member: Member, community: PartyOrg, field_name: str) -> None:
    if member.category != MemberCategory.IN_SERVICE:
        raise ValidationFailed.single(field_name, "WRONG_CATEGORY", "只有在职党员向居住社区报到。")
    if member.residence_community_id not in (None, community.pk):
        raise ValidationFailed.single(
            "communityId",
            "MISMATCH_RESIDENCE",
            "该党员登记的居住社区不是此社区，请先更正居住社区。",
        )


def _local_reporter(member: Member, community: PartyOrg) -> Reporter:
    _check_local_member(member, community, "memberId")
    if member.residence_community_id is None:
        member_update(member=member, changes={"residence_community": community})
    reporter = Reporter.objects.filter(community=community, member=member).first()
    if reporter is None:
        reporter = Reporter(
            community=community,
            kind=ReporterKind.LOCAL,
            member=member,
            name=member.name,
            work_unit=member.work_unit,
        )
        reporter.save()
        audit_record(
            action="in_service.reporter.create",
            target=reporter,
            changes=field_changes(None, snapshot(reporter, ("community_id", "kind", "member_id"))),
        )
    elif reporter.name != member.name:  # the snapshot follows the member while they are here
        reporter.name = member.name
        reporter.save(update_fields=["name", "updated_at"])
    return reporter


def _external_errors(person: ExternalPerson) -> tuple[list[FieldError], str]:
    errors: list[FieldError] = []
    if not person.name.strip():
        errors.append(FieldError("name", "REQUIRED", "请填写姓名。"))
    elif len(person.name.strip()) > 50:
        errors.append(FieldError("name", "TOO_LONG", "姓名不能超过 50 字。"))
    if person.phone.strip() and not PHONE_PATTERN.match(person.phone.strip()):
        errors.append(FieldError("phone", "INVALID", "联系电话应为 11 位手机号或区号加座机号。"))
    district_name = ""
    code, org_name = person.home_district_code.strip(), person.work_party_org_name.strip()
    if bool(code) == bool(org_name):
        errors.append(
            FieldError(
                "homeDistrictCode",
                "REQUIRED",
                "请填写组织关系所在的平台区代码，或平台外工作单位党组织名称（二者选一）。",
            )
        )
    elif code:
        try:
            district_name = platform_district(code, field="homeDistrictCode").name
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    try:
        parse_id_number(person.id_number)
    except InvalidIdNumber as exc:
        errors.append(FieldError("idNumber", exc.code, exc.message))
    else:
        if Member.objects.filter(id_number_hash=id_number_hash(person.id_number)).exists():
            errors.append(
                FieldError("idNumber", "LOCAL_MEMBER", "该党员的组织关系在本区，请按本区党员报到。")
            )
    return errors, district_name


def _external_reporter(person: ExternalPerson, community: PartyOrg) -> Reporter:
    errors, district_name = _external_errors(person)
    if errors:
        raise ValidationFailed(errors)
    sealed = seal_id_number(person.id_number)
    reporter = Reporter.objects.filter(community=community, id_number_hash=sealed.hash).first()
    if reporter is not None:
        return reporter
    phone = seal_phone(person.phone)
    code = person.home_district_code.strip()
    reporter = Reporter(
        community=community,
        kind=ReporterKind.PLATFORM if code else ReporterKind.EXTERNAL,
        name=person.name.strip(),
        home_district_code=code,
        home_district_name=district_name,
        **sealed_fields(id_number=sealed, phone=phone),
        work_party_org_name=person.work_party_org_name.strip(),
        work_unit_name=person.work_unit_name.strip(),
        post=person.post.strip(),
    )
    reporter.save()
    audit_record(
        action="in_service.reporter.create",
        target=reporter,
        changes=field_changes(
            None,
            {
                **snapshot(reporter, ("community_id", "kind", "name", "home_district_code")),
                "id_number": Masked(reporter.id_number_masked, reporter.id_number_hash),
            },
        ),
    )
    return reporter


def _new_report(reporter: Reporter, reported_on: date) -> Report:
    half_year = half_year_of(reported_on)
    taken = Report.objects.filter(
        reporter=reporter, half_year=half_year, status=ReportStatus.ACTIVE
    )
    duplicate = ValidationFailed.single(
        "reportedOn", "ALREADY_REPORTED", f"该党员 {half_year} 已向本社区报到。"
    )
    if taken.exists():
        raise duplicate
    report = Report(
        reporter=reporter,
        community_id=reporter.community_id,
        half_year=half_year,
        reported_on=reported_on,
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise duplicate from None  # a concurrent report for the same half-year won
    _audit_report("in_service.report.create", report, None)
    return report


@audited("in_service.report.create")
@transaction.atomic
def report_create(
    *,
    community: PartyOrg,
    reported_on: date | None = None,
    member: Member | None = None,
    external: ExternalPerson | None = None,
) -> Report:
    """A report for the half-year of `reported_on` (default today), by a member of this
    district or by someone from elsewhere (exactly one of the two)."""
    if (member is None) == (external is None):
        raise ValidationFailed.single(
            "memberId", "REQUIRED", "请选择本区党员，或填写外区（平台外）党员的信息（二者选一）。"
        )
    check_community(community)
    reported_on = reported_on or _today()
    _check_reported_on(reported_on)
    if member is not None:
        reporter = _local_reporter(member, community)
    else:
        assert external is not None
        reporter = _external_reporter(external, community)
    return _new_report(reporter, reported_on)


@audited("in_service.report.renew", target="reporter")
@transaction.atomic
def report_renew(*, reporter: Reporter, reported_on: date | None = None) -> Report:
    """Report again (a new half-year), carrying over the person and their cards."""
    reported_on = reported_on or _today()
    _check_reported_on(reported_on)
    if reporter.kind == ReporterKind.LOCAL:
        if reporter.member is None:
            raise ValidationFailed.single(
                "reporterId", "MEMBER_LEFT", "该党员已不在本区（组织关系已转出）。"
            )
        _check_local_member(reporter.member, reporter.community, "reporterId")
    return _new_report(reporter, reported_on)


@audited("in_service.report.cancel", target="report")
@transaction.atomic
def report_cancel(*, report: Report, reason: str, cancelled_on: date | None = None) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    before = snapshot(report, (*REPORT_FIELDS, "cancelled_on", "cancel_reason"))
    if report.status == ReportStatus.CANCELLED:
        raise ValidationFailed.single("id", "ALREADY_CANCELLED", "该报到已撤销。")
    cancelled_on = cancelled_on or _today()
    errors = []
    if not reason.strip():
        errors.append(FieldError("reason", "REQUIRED", "请填写撤销原因。"))
    elif len(reason.strip()) > 500:
        errors.append(FieldError("reason", "TOO_LONG", "撤销原因不能超过 500 字。"))
    if cancelled_on > _today():
        errors.append(FieldError("cancelledOn", "IN_FUTURE", "撤销日期不能晚于今天。"))
    elif cancelled_on < report.reported_on:
        errors.append(FieldError("cancelledOn", "END_BEFORE_START", "撤销日期不能早于报到日期。"))
    if errors:
        raise ValidationFailed(errors)
    report.status = ReportStatus.CANCELLED
    report.cancelled_on = cancelled_on
    report.cancel_reason = reason.strip()
    report.save(update_fields=["status", "cancelled_on", "cancel_reason"])
    audit_record(
        action="in_service.report.cancel",
        target=report,
        changes=field_changes(
            before, snapshot(report, (*REPORT_FIELDS, "cancelled_on", "cancel_reason"))
        ),
    )
    return report


_CARD_TEXT_LIMITS = {
    "work_unit_name": ("workUnitName", 200),
    "work_party_org_name": ("workPartyOrgName", 200),
    "post": ("post", 100),
    "skill_note": ("skillNote", MAX_SKILL_NOTE),
}


@audited("in_service.card.update", target="reporter")
@transaction.atomic
def info_card_update(*, reporter: Reporter, changes: dict[str, Any]) -> Reporter:
    """信息卡: work unit (a unit of this district or its name), post, skills and a note."""
    reporter = Reporter.objects.select_for_update().get(pk=reporter.pk)
    before = snapshot(reporter, (*CARD_FIELDS, "skill_note"))
    errors = []
    for name, (input_name, limit) in _CARD_TEXT_LIMITS.items():
        if name in changes:
            changes[name] = (changes[name] or "").strip()
            if len(changes[name]) > limit:
                errors.append(FieldError(input_name, "TOO_LONG", f"不能超过 {limit} 字。"))
    if "skills" in changes:
        skills = list(dict.fromkeys(changes["skills"] or []))
        if any(skill not in SkillTag.values for skill in skills):
            errors.append(FieldError("skills", "INVALID", "未知的特长类别。"))
        changes["skills"] = skills
    if (
        reporter.kind == ReporterKind.EXTERNAL
        and "work_party_org_name" in changes
        and not changes["work_party_org_name"]
    ):
        errors.append(FieldError("workPartyOrgName", "REQUIRED", "平台外党员须填写单位党组织。"))
    if errors:
        raise ValidationFailed(errors)
    work_unit = changes.get("work_unit")
    if work_unit is not None and not isinstance(work_unit, Unit):
        raise TypeError("work_unit must be a Unit")
    for name, value in changes.items():
        setattr(reporter, name, value)
    reporter.save()
    audit_record(
        action="in_service.card.update",
        target=reporter,
        changes=field_changes(before, snapshot(reporter, (*CARD_FIELDS, "skill_note"))),
    )
    return reporter
