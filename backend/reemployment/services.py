"""Writes to employment archives: register, update, change status (with 双带), close.

The archive's `status` / `status_since` repeat the latest status change; every write that adds a
change locks the archive row first, so two concurrent changes cannot both build on the same
previous status.
"""

from datetime import date
from typing import Any

from django.db import transaction

from backend.audit.changes import Masked, field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.common.constraints import constraint_errors
from backend.common.validation import FieldError, ValidationFailed
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.positions.models import Position
from backend.reemployment.checks import (
    ALREADY_REGISTERED_MEMBER,
    ALREADY_REGISTERED_WORKER,
    NOTE_MAX,
    TEXT_MAX,
    WorkerData,
    community_errors,
    member_errors,
    not_in_future,
    phone_errors,
    required_text,
    station_errors,
    too_long,
    worker_errors,
)
from backend.reemployment.models import (
    EMPLOYED,
    TRANSITIONS,
    CloseReason,
    EmploymentArchive,
    EmploymentStatus,
    EmploymentStatusChange,
)
from backend.reemployment.selectors import status_on

S = EmploymentStatus
AUDIT_FIELDS = (
    "member_id",
    "name",
    "gender",
    "birth_date",
    "community_id",
    "station_id",
    "former_employer",
    "registered_on",
    "status",
    "status_since",
    "closed_on",
    "close_reason",
    "note",
)
CHANGE_AUDIT_FIELDS = (
    "changed_on",
    "from_status",
    "to_status",
    "employer",
    "post",
    "led_by_id",
    "led_by_name",
    "note",
)


def archive_closed(field_name: str) -> FieldError:
    return FieldError(field_name, "ARCHIVE_CLOSED", "该就业档案已关闭，不能再修改。")


def _audit_snapshot(archive: EmploymentArchive) -> dict[str, Any]:
    return {
        **snapshot(archive, AUDIT_FIELDS),
        "id_number": Masked(archive.id_number_masked, archive.id_number_hash),
        "phone": Masked(archive.phone_masked, f"{archive.phone_hash}:{archive.phone_masked}"),
    }


def _save_archive(archive: EmploymentArchive) -> None:
    """Insert or update; the partial unique indexes catch a registration that a concurrent
    request committed after our check, reported like the checked one."""
    with constraint_errors(
        {
            "reemp_archive_one_open_per_member": ALREADY_REGISTERED_MEMBER,
            "reemp_archive_one_open_per_id_number": ALREADY_REGISTERED_WORKER,
        }
    ):
        archive.save()


def _seal_worker(archive: EmploymentArchive, worker: WorkerData) -> None:
    archive.name, archive.gender, archive.birth_date = (
        worker.name,
        worker.gender or "",
        worker.birth_date,
    )
    archive.set_id_number(worker.id_number)
    archive.set_phone(worker.phone)


@audited("employment_archive.register")
@transaction.atomic
def archive_register(
    *,
    community: PartyOrg,
    registered_on: date,
    member: Member | None = None,
    worker: WorkerData | None = None,
    station: Position | None = None,
    former_employer: str = "",
    note: str = "",
) -> EmploymentArchive:
    """An archive for a laid-off member or a non-member worker, starting 下岗待业 on the day of
    registration (the first row of its history)."""
    errors = community_errors(community)
    errors += not_in_future("registeredOn", registered_on, "登记日期")
    errors += too_long("formerEmployer", former_employer.strip(), TEXT_MAX)
    errors += too_long("note", note.strip(), NOTE_MAX)
    if member is None and worker is None:
        errors.append(
            FieldError("memberId", "REQUIRED", "请选择党员，或填写非党员职工的姓名和身份号码。")
        )
    elif member is not None and worker is not None:
        errors.append(FieldError("memberId", "NOT_ALLOWED", "党员与非党员职工只能登记其一。"))
    elif member is not None:
        errors += member_errors(member)
    elif worker is not None:
        worker, worker_problems = worker_errors(worker)
        errors += worker_problems
    if station is not None and not errors:
        errors += station_errors(station, community, registered_on)
    if errors:
        raise ValidationFailed(errors)
    archive = EmploymentArchive(
        member=member,
        community=community,
        station=station,
        former_employer=former_employer.strip(),
        registered_on=registered_on,
        status=S.LAID_OFF,
        status_since=registered_on,
        note=note.strip(),
    )
    if worker is not None:
        _seal_worker(archive, worker)
    _save_archive(archive)
    EmploymentStatusChange.objects.create(
        archive=archive, changed_on=registered_on, from_status="", to_status=S.LAID_OFF
    )
    audit_record(
        action="employment_archive.register",
        target=archive,
        changes=field_changes(None, _audit_snapshot(archive)),
    )
    return archive


def _locked(archive: EmploymentArchive) -> EmploymentArchive:
    return (
        EmploymentArchive.objects.select_for_update(of=("self",))
        .select_related("community", "member")
        .get(pk=archive.pk)
    )


@audited("employment_archive.update", target="archive")
@transaction.atomic
def archive_update(*, archive: EmploymentArchive, changes: dict[str, Any]) -> EmploymentArchive:
    """Change the station, former employer, note, or a non-member's phone. `changes` holds
    only what the user sent; a `station` of None detaches the archive from its station."""
    archive = _locked(archive)
    before = _audit_snapshot(archive)
    errors: list[FieldError] = []
    if archive.closed_on is not None:
        errors.append(archive_closed("id"))
    if "station" in changes and changes["station"] is not None:
        errors += station_errors(changes["station"], archive.community, date.today())
    if "former_employer" in changes:
        errors += too_long("formerEmployer", changes["former_employer"].strip(), TEXT_MAX)
    if "note" in changes:
        errors += too_long("note", changes["note"].strip(), NOTE_MAX)
    if "phone" in changes:
        if archive.member_id is not None:
            errors.append(FieldError("phone", "NOT_ALLOWED", "党员的联系电话在党员信息中修改。"))
        errors += phone_errors(changes["phone"].strip())
    if errors:
        raise ValidationFailed(errors)
    if "station" in changes:
        archive.station = changes["station"]
    for name in ("former_employer", "note"):
        if name in changes:
            setattr(archive, name, changes[name].strip())
    if "phone" in changes:
        archive.set_phone(changes["phone"].strip())
    _save_archive(archive)
    audit_record(
        action="employment_archive.update",
        target=archive,
        changes=field_changes(before, _audit_snapshot(archive)),
    )
    return archive


def _transition_errors(archive: EmploymentArchive, to_status: str, on: date) -> list[FieldError]:
    if archive.closed_on is not None:
        return [archive_closed("archiveId")]
    errors: list[FieldError] = []
    if to_status == S.EXITED:
        errors.append(FieldError("status", "INVALID_TRANSITION", "退出须通过关闭就业档案办理。"))
    elif to_status not in TRANSITIONS.get(archive.status, frozenset()):
        current, target = S(archive.status).label, S(to_status).label
        errors.append(
            FieldError("status", "INVALID_TRANSITION", f"不能从“{current}”变为“{target}”。")
        )
    if on < archive.status_since:
        errors.append(
            FieldError("changedOn", "BEFORE_PREVIOUS_CHANGE", "变动日期不能早于上一次状态变动。")
        )
    errors += not_in_future("changedOn", on, "变动日期")
    return errors


def _leader_errors(
    archive: EmploymentArchive, to_status: str, leader: EmploymentArchive, on: date
) -> list[FieldError]:
    if to_status != S.REEMPLOYED:
        return [FieldError("ledById", "NOT_ALLOWED", "只有实现再就业时可登记带领人。")]
    if leader.pk == archive.pk:
        return [FieldError("ledById", "SELF_LEAD", "本人再就业无需登记带领人。")]
    if leader.member_id is None:
        return [FieldError("ledById", "LEADER_NOT_MEMBER", "带领人须为下岗职工党员。")]
    if status_on(leader, on) not in EMPLOYED:
        return [
            FieldError("ledById", "LEADER_NOT_EMPLOYED", "带领人须在当日已实现再就业或灵活就业。")
        ]
    return []


@audited("employment_status.change", target="archive")
@transaction.atomic
def status_change(
    *,
    archive: EmploymentArchive,
    to_status: str,
    changed_on: date,
    employer: str = "",
    post: str = "",
    led_by: EmploymentArchive | None = None,
    note: str = "",
) -> EmploymentArchive:
    """Add the next step of the history and make it the archive's current status. A change to
    re-employed without a leader is the worker's own doing; with one, the leader (a laid-off
    Party member in work that day) led them into work (双带)."""
    archive = _locked(archive)
    employer, post, note = employer.strip(), post.strip(), note.strip()
    if to_status not in S.values:
        raise ValidationFailed.single("status", "INVALID", f"未知的状态 {to_status}。")
    errors = _transition_errors(archive, to_status, changed_on)
    if to_status == S.REEMPLOYED:
        errors += required_text("employer", employer, TEXT_MAX, "就业单位")
    elif (employer or post) and to_status != S.FLEXIBLE:
        field_name = "employer" if employer else "post"
        errors.append(FieldError(field_name, "NOT_ALLOWED", "只有就业时登记就业单位和岗位。"))
    else:
        errors += too_long("employer", employer, TEXT_MAX)
    errors += too_long("post", post, 100)
    errors += too_long("note", note, NOTE_MAX)
    leader = None
    if led_by is not None and not errors:
        leader = EmploymentArchive.objects.select_related("member").get(pk=led_by.pk)
        errors += _leader_errors(archive, to_status, leader, changed_on)
    if errors:
        raise ValidationFailed(errors)
    change = EmploymentStatusChange.objects.create(
        archive=archive,
        changed_on=changed_on,
        from_status=archive.status,
        to_status=to_status,
        employer=employer,
        post=post,
        led_by=leader,
        led_by_name=leader.person_name if leader is not None else "",
        note=note,
    )
    archive.status, archive.status_since = to_status, changed_on
    archive.save(update_fields=["status", "status_since", "updated_at"])
    audit_record(
        action="employment_status.change",
        target=archive,
        changes=field_changes(None, snapshot(change, CHANGE_AUDIT_FIELDS)),
    )
    return archive


@audited("employment_archive.close", target="archive")
@transaction.atomic
def archive_close(
    *, archive: EmploymentArchive, closed_on: date, reason: str, note: str = ""
) -> EmploymentArchive:
    """The worker leaves the station's care (retired, moved away …): a last change to 退出.
    A closed archive takes no further changes or training."""
    archive = _locked(archive)
    before = _audit_snapshot(archive)
    note = note.strip()
    if archive.closed_on is not None:
        raise ValidationFailed([archive_closed("id")])
    errors: list[FieldError] = []
    if reason not in CloseReason.values:
        errors.append(FieldError("reason", "INVALID", f"未知的关闭原因 {reason}。"))
    if closed_on < archive.status_since:
        errors.append(
            FieldError("closedOn", "BEFORE_PREVIOUS_CHANGE", "关闭日期不能早于上一次状态变动。")
        )
    errors += not_in_future("closedOn", closed_on, "关闭日期")
    errors += too_long("note", note, NOTE_MAX)
    if errors:
        raise ValidationFailed(errors)
    EmploymentStatusChange.objects.create(
        archive=archive,
        changed_on=closed_on,
        from_status=archive.status,
        to_status=S.EXITED,
        note=note or CloseReason(reason).label,
    )
    archive.status, archive.status_since = S.EXITED, closed_on
    archive.closed_on, archive.close_reason = closed_on, reason
    archive.save()
    audit_record(
        action="employment_archive.close",
        target=archive,
        changes=field_changes(before, _audit_snapshot(archive)),
    )
    return archive
