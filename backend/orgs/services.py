"""Writes to the org tree. Every write keeps `path` equal to the parent's path plus the node's id."""

import re
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction

from backend.audit.changes import field_changes, snapshot
from backend.audit.services import audit_record, audited
from backend.common.validation import FieldError, ValidationFailed
from backend.members.models import Member
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import COMMUNITY_KINDS, HOLDS_NO_MEMBERS, may_contain
from backend.units.models import Unit
from backend.units.rules import COVERING_ORG_KINDS

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$")
# What an org's audit entries show before and after a write.
AUDIT_FIELDS = ("code", "name", "kind", "parent_id", "path", "established_on", "end_date")


def lock_org_tree(*, exclusive: bool) -> None:
    """Inserts share the lock and a move takes it alone, so no insert lands in a moving subtree
    and two concurrent moves cannot build a cycle between them."""
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(hashtext(current_schema() || '.orgs_partyorg'))")


def _next_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('orgs_partyorg', 'id'))")
        return int(cursor.fetchone()[0])


def org_field_errors(
    *,
    code: str,
    name: str,
    kind: str,
    parent: PartyOrg | None,
    established_on: date | None,
    end_date: date | None,
) -> list[FieldError]:
    """Every rule on an org's own fields and its parent's kind that needs no database (the org
    import checks a whole tree with it, parents possibly still unsaved)."""
    errors: list[FieldError] = []
    if not CODE_PATTERN.match(code):
        errors.append(FieldError("code", "INVALID", "组织代码须为 1–50 位字母、数字或 _ . -。"))
    if not name.strip():
        errors.append(FieldError("name", "REQUIRED", "请填写组织名称。"))
    elif len(name) > 200:
        errors.append(FieldError("name", "TOO_LONG", "组织名称不能超过 200 字。"))
    if kind not in PartyOrgKind.values:
        errors.append(FieldError("kind", "INVALID", f"未知的组织类型 {kind}。"))
    elif parent is None and kind != PartyOrgKind.DISTRICT_COMMITTEE:
        errors.append(FieldError("parentId", "REQUIRED", "除区委外，党组织须有上级党组织。"))
    elif parent is not None and not may_contain(parent.kind, kind):
        errors.append(_wrong_parent_kind(parent.kind, kind))
    if kind == PartyOrgKind.TEMPORARY_BRANCH and end_date is None:
        errors.append(FieldError("endDate", "REQUIRED", "临时党支部须填写撤销日期。"))
    if established_on and end_date and end_date < established_on:
        errors.append(FieldError("endDate", "BEFORE_START", "撤销日期不能早于成立日期。"))
    return errors


DUPLICATE_ROOT = FieldError("kind", "DUPLICATE_ROOT", "本区已有区委，不能再建第二个根组织。")


def code_taken_error(code: str) -> FieldError:
    return FieldError("code", "DUPLICATE", f"组织代码 {code} 已被使用。")


def _check_fields(
    *,
    org_id: int | None,
    code: str,
    name: str,
    kind: str,
    parent: PartyOrg | None,
    established_on: date | None,
    end_date: date | None,
) -> list[FieldError]:
    errors = org_field_errors(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        established_on=established_on,
        end_date=end_date,
    )
    if CODE_PATTERN.match(code) and (
        PartyOrg.objects.filter(code=code).exclude(id=org_id or 0).exists()
    ):
        errors.insert(0, code_taken_error(code))
    if (
        parent is None
        and kind == PartyOrgKind.DISTRICT_COMMITTEE
        and PartyOrg.objects.filter(parent__isnull=True).exclude(id=org_id or 0).exists()
    ):
        errors.append(DUPLICATE_ROOT)
    return errors


def _wrong_parent_kind(parent_kind: str, kind: str) -> FieldError:
    return FieldError(
        "parentId",
        "INVALID_PARENT_KIND",
        f"{PartyOrgKind(kind).label}不能设在{PartyOrgKind(parent_kind).label}之下。",
    )


@audited("org.create")
@transaction.atomic
def org_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: PartyOrg | None,
    established_on: date | None = None,
    end_date: date | None = None,
) -> PartyOrg:
    lock_org_tree(exclusive=False)
    if parent is not None:
        parent.refresh_from_db(fields=["path", "kind"])
    errors = _check_fields(
        org_id=None,
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        established_on=established_on,
        end_date=end_date,
    )
    if errors:
        raise ValidationFailed(errors)
    org_id = _next_id()
    org = PartyOrg(
        id=org_id,
        code=code,
        name=name.strip(),
        kind=kind,
        parent=parent,
        path=f"{parent.path}.{org_id}" if parent else str(org_id),
        established_on=established_on,
        end_date=end_date,
    )
    org.save(force_insert=True)
    org.refresh_from_db(fields=["depth"])
    audit_record(
        action="org.create", target=org, changes=field_changes(None, snapshot(org, AUDIT_FIELDS))
    )
    return org


@dataclass(frozen=True)
class OrgDependants:
    """What hangs on an org and must stay valid when its kind changes."""

    child_kinds: frozenset[str] = frozenset()
    has_members: bool = False  # members whose organisational relation is here
    has_residents: bool = False  # in-service members living in this community
    covered_unit_statuses: frozenset[str] = frozenset()


def kind_change_errors(new_kind: str, dependants: OrgDependants) -> list[FieldError]:
    """A new kind must keep everything that hangs on the org valid: children, members whose
    organisational relation is here, residents of a community, and units it covers."""
    label = PartyOrgKind(new_kind).label
    errors = [
        FieldError(
            "kind",
            "INVALID_CHILD_KIND",
            f"改为{label}后，下级的{PartyOrgKind(child_kind).label}将不再合规。",
        )
        for child_kind in sorted(dependants.child_kinds)
        if not may_contain(new_kind, child_kind)
    ]
    if new_kind in HOLDS_NO_MEMBERS and dependants.has_members:
        errors.append(
            FieldError("kind", "HAS_MEMBERS", f"该组织有党员的组织关系，不能改为{label}。")
        )
    if new_kind not in COMMUNITY_KINDS and dependants.has_residents:
        errors.append(
            FieldError("kind", "HAS_RESIDENTS", f"有在职党员以该社区为居住社区，不能改为{label}。")
        )
    for status in dependants.covered_unit_statuses:
        allowed = COVERING_ORG_KINDS.get(status)
        if new_kind in HOLDS_NO_MEMBERS or (allowed is not None and new_kind not in allowed):
            errors.append(
                FieldError("kind", "COVERS_UNITS", f"该组织覆盖的单位不允许由{label}覆盖。")
            )
    return errors


def _dependants(org: PartyOrg) -> OrgDependants:
    return OrgDependants(
        child_kinds=frozenset(org.children.values_list("kind", flat=True)),
        has_members=Member.objects.filter(org=org).exists(),
        has_residents=Member.objects.filter(residence_community=org).exists(),
        covered_unit_statuses=frozenset(
            Unit.objects.filter(covering_org=org).values_list("party_org_status", flat=True)
        ),
    )


@audited("org.update", target="org")
@transaction.atomic
def org_update(
    *,
    org: PartyOrg,
    code: str | None = None,
    name: str | None = None,
    kind: str | None = None,
    established_on: date | None = None,
    end_date: date | None = None,
    clear_end_date: bool = False,
) -> PartyOrg:
    # of=("self",): the parent join is an outer join, which PostgreSQL cannot lock.
    org = PartyOrg.objects.select_for_update(of=("self",)).select_related("parent").get(pk=org.pk)
    before = snapshot(org, AUDIT_FIELDS)
    new_kind = kind if kind is not None else org.kind
    new_end_date = None if clear_end_date else (end_date if end_date is not None else org.end_date)
    new_established = established_on if established_on is not None else org.established_on
    errors = _check_fields(
        org_id=org.pk,
        code=code if code is not None else org.code,
        name=name if name is not None else org.name,
        kind=new_kind,
        parent=org.parent,
        established_on=new_established,
        end_date=new_end_date,
    )
    if new_kind != org.kind and new_kind in PartyOrgKind.values:
        errors.extend(kind_change_errors(new_kind, _dependants(org)))
    if errors:
        raise ValidationFailed(errors)
    org.code = code if code is not None else org.code
    org.name = name.strip() if name is not None else org.name
    org.kind = new_kind
    org.established_on = new_established
    org.end_date = new_end_date
    org.save()
    audit_record(
        action="org.update",
        target=org,
        changes=field_changes(before, snapshot(org, AUDIT_FIELDS)),
    )
    return org


@audited("org.move", target="org")
@transaction.atomic
def org_move(*, org: PartyOrg, new_parent: PartyOrg) -> PartyOrg:
    """Re-hang `org` with its whole subtree under `new_parent`, in one UPDATE of the paths."""
    lock_org_tree(exclusive=True)
    org = PartyOrg.objects.select_related("parent").get(pk=org.pk)
    new_parent = PartyOrg.objects.get(pk=new_parent.pk)
    if org.parent_id is None:
        raise ValidationFailed.single("id", "ROOT_IMMOVABLE", "区委是根组织，不能移动。")
    if PartyOrg.objects.filter(pk=new_parent.pk, path__descendant_of=org.path).exists():
        raise ValidationFailed.single(
            "newParentId", "CYCLE", "不能把党组织移到它自己或它的下级组织之下。"
        )
    if not may_contain(new_parent.kind, org.kind):
        raise ValidationFailed([_wrong_parent_kind(new_parent.kind, org.kind)])
    before = snapshot(org, ("parent_id", "path"))
    if org.parent_id == new_parent.pk:
        audit_record(action="org.move", target=org, detail={"moved": 0})
        return org
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orgs_partyorg SET path = %s::ltree || subpath(path, nlevel(%s::ltree) - 1),"
            " updated_at = now() WHERE path <@ %s::ltree",
            [new_parent.path, org.path, org.path],
        )
        moved = cursor.rowcount
    PartyOrg.objects.filter(pk=org.pk).update(parent=new_parent)
    org = PartyOrg.objects.get(pk=org.pk)
    audit_record(
        action="org.move",
        target=org,
        changes=field_changes(before, snapshot(org, ("parent_id", "path"))),
        detail={"moved": moved},  # the org and everything below it
    )
    return org
