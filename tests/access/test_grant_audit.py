import uuid

import pytest

from backend.access.models import Role
from backend.access.services import role_grant, role_revoke
from backend.accounts.services import user_create
from backend.audit.models import AuditEntry
from backend.common.validation import ValidationFailed
from backend.orgs.models import PartyOrg


@pytest.mark.usefixtures("in_alpha")
def test_granting_and_revoking_roles_is_on_record() -> None:
    user = user_create(username=f"grant-{uuid.uuid4().hex[:6]}", password="Grant-pass-2024")
    street = PartyOrg.objects.get(code="alpha-s1")
    grant = role_grant(user=user, role=Role.ORG_ADMIN, org=street, may_unmask=True)
    role_revoke(grant=grant)
    entries = list(
        AuditEntry.objects.filter(target_id=user.pk, action__startswith="role.").order_by("id")
    )
    assert [(e.action, e.result, e.detail["role"]) for e in entries] == [
        ("role.grant", "ok", "org_admin"),
        ("role.revoke", "ok", "org_admin"),
    ]
    assert entries[0].detail == {"role": "org_admin", "org_id": street.pk, "may_unmask": True}


@pytest.mark.usefixtures("in_alpha")
def test_a_refused_grant_is_on_record_and_grants_nothing() -> None:
    user = user_create(username=f"grant-{uuid.uuid4().hex[:6]}", password="Grant-pass-2024")
    with pytest.raises(ValidationFailed):
        role_grant(user=user, role=Role.VIEWER, org=None)
    assert not user.role_grants.exists()
    entry = AuditEntry.objects.filter(action="role.grant", target_id=user.pk).get()
    assert (entry.result, entry.reason) == ("refused", "REQUIRED")
