"""公开亮相 (discovery): registering the Party members who live or work in a community, placing
them under the community's management, and closing a registration when the person moves away.

Writes are services (`registration_*`), reads are selectors (`registration_list`). A person is a
member of this district or someone not (yet) on its roll; either way the keyed hash of their ID
number identifies them, so one person has one active registration per community (also a
database constraint).
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from backend.audit.changes import Masked, field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.common.constraints import constraint_errors
from backend.common.periods import not_in_future
from backend.common.validation import FieldError, ValidationFailed
from backend.members.id_numbers import InvalidIdNumber, parse_id_number
from backend.members.identity import store_sealed
from backend.members.models import Member, MemberCategory, Registration, RegistrationSource
from backend.members.personal_data import id_number_hash, seal_id_number, seal_phone
from backend.members.services import PHONE_PATTERN
from backend.orgs.models import PartyOrg
from backend.orgs.rules import COMMUNITY_KINDS

ONE_ACTIVE = "members_registration_one_active_per_person"
ALREADY_REGISTERED = FieldError(
    "idNumber", "ALREADY_REGISTERED", "该人员在本社区已有未迁离的登记。"
)
AUDIT_FIELDS = (
    "source",
    "community_id",
    "registered_on",
    "member_id",
    "name",
    "relation_location",
    "category_hint",
    "placed_on",
    "placed_in_id",
    "left_on",
    "notes",
)


def _audit_snapshot(registration: Registration) -> dict[str, Any]:
    return {
        **snapshot(registration, AUDIT_FIELDS),
        "id_number": Masked(registration.id_number_masked, registration.id_number_hash),
        "phone": Masked(registration.phone_masked, registration.phone_hash),
    }


@dataclass(frozen=True)
class PersonData:
    """Who is registered: a member of this district, or a person given by name and ID number."""

    member: Member | None = None
    name: str = ""
    id_number: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)
    relation_location: str = ""
    category_hint: str = ""


# --- checks ---------------------------------------------------------------------------------


def check_community(community: PartyOrg, field_name: str = "communityId") -> None:
    if community.kind not in COMMUNITY_KINDS:
        raise ValidationFailed.single(field_name, "INVALID_ORG_KIND", "须为社区党委或社区党总支。")


def _date_errors(field_name: str, value: date, *, not_before: date | None) -> list[FieldError]:
    if future := not_in_future(field_name, value):
        return future
    if not_before is not None and value < not_before:
        return [FieldError(field_name, "BEFORE_REGISTERED", "日期不能早于登记日期。")]
    return []


def _person_errors(person: PersonData) -> list[FieldError]:
    errors: list[FieldError] = []
    if person.member is not None:
        if person.name or person.id_number:
            errors.append(
                FieldError("memberId", "CONFLICT", "本区党员无需再填写姓名和公民身份号码。")
            )
        return errors
    if not person.name.strip():
        errors.append(FieldError("name", "REQUIRED", "请填写姓名。"))
    elif len(person.name.strip()) > 50:
        errors.append(FieldError("name", "TOO_LONG", "姓名不能超过 50 字。"))
    if not person.id_number.strip():
        errors.append(FieldError("idNumber", "REQUIRED", "请填写公民身份号码。"))
    else:
        try:
            parse_id_number(person.id_number)
        except InvalidIdNumber as exc:
            errors.append(FieldError("idNumber", exc.code, exc.message))
    if person.phone.strip() and not PHONE_PATTERN.match(person.phone.strip()):
        errors.append(FieldError("phone", "INVALID", "联系电话应为 11 位手机号或区号加座机号。"))
    if person.category_hint and person.category_hint not in MemberCategory.values:
        errors.append(FieldError("categoryHint", "INVALID", "未知的党员类别。"))
    if len(person.relation_location) > 200:
        errors.append(FieldError("relationLocation", "TOO_LONG", "不能超过 200 字。"))
    return errors


def _active_exists(community: PartyOrg, hash_: str, exclude_pk: int | None = None) -> bool:
    rows = Registration.objects.filter(community=community, id_number_hash=hash_, left_on=None)
    return rows.exclude(pk=exclude_pk or 0).exists()


def _save(registration: Registration) -> None:
    """The partial unique index catches a concurrent duplicate; it reads like the checked one."""
    with constraint_errors({ONE_ACTIVE: ALREADY_REGISTERED}):
        registration.save()


def _fill_person(registration: Registration, person: PersonData) -> None:
    if person.member is not None:
        member = person.member
        registration.member = member
        registration.name = member.name
        registration.id_number_hash = member.id_number_hash
        registration.id_number_masked = member.id_number_masked
        registration.category_hint = member.category
        return
    registration.name = person.name.strip()
    store_sealed(
        registration, id_number=seal_id_number(person.id_number), phone=seal_phone(person.phone)
    )
    registration.relation_location = person.relation_location.strip()
    registration.category_hint = person.category_hint


# --- services -------------------------------------------------------------------------------


@audited("registration.create")
@transaction.atomic
def registration_create(
    *,
    source: str,
    community: PartyOrg,
    registered_on: date,
    person: PersonData,
    notes: str = "",
) -> Registration:
    errors: list[FieldError] = []
    if source not in RegistrationSource.values:
        errors.append(FieldError("source", "INVALID", f"未知的来源 {source}。"))
    if community.kind not in COMMUNITY_KINDS:
        errors.append(FieldError("communityId", "INVALID_ORG_KIND", "须为社区党委或社区党总支。"))
    errors += _date_errors("registeredOn", registered_on, not_before=None)
    errors += _person_errors(person)
    if not errors:
        hash_ = person.member.id_number_hash if person.member else id_number_hash(person.id_number)
        if _active_exists(community, hash_):
            errors.append(ALREADY_REGISTERED)
    if errors:
        raise ValidationFailed(errors)
    registration = Registration(
        source=source, community=community, registered_on=registered_on, notes=notes.strip()
    )
    _fill_person(registration, person)
    _save(registration)
    audit_record(
        action="registration.create",
        target=registration,
        changes=field_changes(None, _audit_snapshot(registration)),
    )
    return registration


def _locked(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("community", "member", "placed_in")
        .get(pk=registration.pk)
    )


def _write(registration: Registration, before: dict[str, Any], action: str) -> Registration:
    _save(registration)
    audit_record(
        action=action,
        target=registration,
        changes=field_changes(before, _audit_snapshot(registration)),
    )
    return registration


def _placement_errors(
    registration: Registration, placed_on: date, placed_in: PartyOrg | None, member: Member | None
) -> tuple[PartyOrg | None, list[FieldError]]:
    errors = _date_errors("placedOn", placed_on, not_before=registration.registered_on)
    if member is not None and member.id_number_hash != registration.id_number_hash:
        errors.append(
            FieldError("memberId", "MISMATCH_ID_NUMBER", "该党员的公民身份号码与登记不一致。")
        )
    if placed_in is None and member is not None:
        placed_in = member.org  # the member's organisational relation, if it is in the community
    if placed_in is None:
        errors.append(FieldError("placedInId", "REQUIRED", "请选择纳入管理的党组织。"))
    elif not _in_subtree(placed_in, registration.community):
        errors.append(
            FieldError("placedInId", "OUTSIDE_COMMUNITY", "纳入管理的党组织须在本社区之内。")
        )
    return placed_in, errors


def _in_subtree(org: PartyOrg, community: PartyOrg) -> bool:
    return org.path == community.path or str(org.path).startswith(f"{community.path}.")


@audited("registration.place", target="registration")
@transaction.atomic
def registration_place(
    *,
    registration: Registration,
    placed_on: date,
    placed_in: PartyOrg | None = None,
    member: Member | None = None,
) -> Registration:
    """纳入管理: the person is now managed by an org inside the community (a branch, a party group,
    the community itself), optionally linked to their member record once one exists."""
    registration = _locked(registration)
    before = _audit_snapshot(registration)
    if registration.left_on is not None:
        raise ValidationFailed.single("id", "ALREADY_LEFT", "该登记已因迁离关闭。")
    if registration.placed_on is not None:
        raise ValidationFailed.single("id", "ALREADY_PLACED", "该人员已纳入管理。")
    placed_in, errors = _placement_errors(registration, placed_on, placed_in, member)
    if errors:
        raise ValidationFailed(errors)
    registration.placed_on, registration.placed_in = placed_on, placed_in
    if member is not None:
        registration.member = member
    return _write(registration, before, "registration.place")


@audited("registration.update", target="registration")
@transaction.atomic
def registration_update(*, registration: Registration, changes: dict[str, Any]) -> Registration:
    """Correct a registration: source, date, notes, and for a non-member the person's details."""
    registration = _locked(registration)
    before = _audit_snapshot(registration)
    person_fields = {"name", "id_number", "phone", "relation_location", "category_hint"}
    errors: list[FieldError] = []
    if registration.member_id is not None and person_fields & changes.keys():
        errors.append(FieldError("id", "MEMBER_LINKED", "本区党员的个人信息以党员档案为准。"))
    source = changes.get("source", registration.source)
    if source not in RegistrationSource.values:
        errors.append(FieldError("source", "INVALID", f"未知的来源 {source}。"))
    registered_on = changes.get("registered_on", registration.registered_on)
    errors += _date_errors("registeredOn", registered_on, not_before=None)
    later = [d for d in (registration.placed_on, registration.left_on) if d is not None]
    if later and registered_on > min(later):
        errors.append(
            FieldError("registeredOn", "AFTER_LATER_DATE", "登记日期不能晚于纳入管理或迁离日期。")
        )
    if registration.member_id is None:
        new = PersonData(
            name=changes.get("name", registration.name),
            id_number=changes.get("id_number", ""),
            phone=changes.get("phone", ""),
            relation_location=changes.get("relation_location", registration.relation_location),
            category_hint=changes.get("category_hint", registration.category_hint),
        )
        # The stored number and phone were checked on entry: only new ones are checked here.
        kept = {
            field
            for field, key in (("idNumber", "id_number"), ("phone", "phone"))
            if key not in changes
        }
        errors += [e for e in _person_errors(new) if e.field not in kept]
    if errors:
        raise ValidationFailed(errors)
    registration.source, registration.registered_on = source, registered_on
    registration.notes = changes.get("notes", registration.notes).strip()
    if registration.member_id is None:
        registration.name = changes.get("name", registration.name).strip()
        registration.relation_location = changes.get(
            "relation_location", registration.relation_location
        ).strip()
        registration.category_hint = changes.get("category_hint", registration.category_hint)
        if "id_number" in changes:
            sealed = seal_id_number(changes["id_number"])
            if _active_exists(registration.community, sealed.hash, registration.pk):
                raise ValidationFailed([ALREADY_REGISTERED])
            store_sealed(registration, id_number=sealed)
        if "phone" in changes:
            store_sealed(registration, phone=seal_phone(changes["phone"]))
    return _write(registration, before, "registration.update")


@audited("registration.close_left", target="registration")
@transaction.atomic
def registration_close_left(
    *, registration: Registration, left_on: date, note: str = ""
) -> Registration:
    """The person moved away: the registration closes (placed or not) and stays on record."""
    registration = _locked(registration)
    before = _audit_snapshot(registration)
    if registration.left_on is not None:
        raise ValidationFailed.single("id", "ALREADY_LEFT", "该登记已因迁离关闭。")
    errors = _date_errors("leftOn", left_on, not_before=registration.registered_on)
    if registration.placed_on is not None and left_on < registration.placed_on:
        errors.append(FieldError("leftOn", "BEFORE_PLACED", "迁离日期不能早于纳入管理日期。"))
    if errors:
        raise ValidationFailed(errors)
    registration.left_on = left_on
    if note.strip():
        registration.notes = "\n".join(filter(None, [registration.notes, note.strip()]))
    return _write(registration, before, "registration.close_left")


# --- selectors ------------------------------------------------------------------------------


def registration_list(
    *,
    within: PartyOrg | None = None,
    community: PartyOrg | None = None,
    source: str | None = None,
    placed: bool | None = None,
    include_left: bool = True,
    registered_from: date | None = None,
    registered_to: date | None = None,
    search: str | None = None,
) -> QuerySet[Registration]:
    """Registrations, newest first. `placed` False = still open (neither placed nor left)."""
    qs = Registration.objects.all()
    if within is not None:
        qs = qs.filter(community__path__descendant_of=within.path)
    if community is not None:
        qs = qs.filter(community__path=community.path)  # an unsaved stand-in matches none
    if source:
        qs = qs.filter(source=source)
    if placed is True:
        qs = qs.filter(placed_on__isnull=False)
    elif placed is False:
        qs = qs.filter(placed_on__isnull=True, left_on__isnull=True)
    if not include_left:
        qs = qs.filter(left_on__isnull=True)
    if registered_from is not None:
        qs = qs.filter(registered_on__gte=registered_from)
    if registered_to is not None:
        qs = qs.filter(registered_on__lte=registered_to)
    if search:
        qs = qs.filter(Q(name__icontains=search.strip()))
    return qs.order_by("-registered_on", "-id")


def unplaced_registrations(
    *, within: PartyOrg | None = None, community: PartyOrg | None = None
) -> QuerySet[Registration]:
    """Open registrations (neither placed nor moved away), oldest first: who waits longest."""
    qs = registration_list(within=within, community=community, placed=False)
    return qs.order_by("registered_on", "id")
