from django.db import transaction

from backend.access.models import Role, RoleGrant
from backend.accounts.models import User
from backend.audit.services import audit_record, audited
from backend.common.validation import ValidationFailed
from backend.orgs.models import PartyOrg


@audited("role.grant", target="user")
@transaction.atomic
def role_grant(
    *, user: User, role: str, org: PartyOrg | None = None, may_unmask: bool = False
) -> RoleGrant:
    if role not in Role.values:
        raise ValidationFailed.single("role", "INVALID", f"未知的角色 {role}。")
    if role == Role.DISTRICT_ADMIN and org is not None:
        raise ValidationFailed.single(
            "orgId", "NOT_ALLOWED", "区级管理员的范围是全区，不能指定组织。"
        )
    if role != Role.DISTRICT_ADMIN and org is None:
        raise ValidationFailed.single("orgId", "REQUIRED", "组织管理员和只读用户须指定组织范围。")
    grant, _ = RoleGrant.objects.update_or_create(
        user=user, role=role, org=org, defaults={"may_unmask": may_unmask}
    )
    audit_record(
        action="role.grant",
        target=user,
        detail={"role": role, "org_id": org.pk if org else None, "may_unmask": may_unmask},
    )
    return grant


@audited("role.revoke", target="grant")
@transaction.atomic
def role_revoke(*, grant: RoleGrant) -> None:
    audit_record(
        action="role.revoke",
        target=grant.user,
        detail={"role": grant.role, "org_id": grant.org_id, "may_unmask": grant.may_unmask},
    )
    grant.delete()
