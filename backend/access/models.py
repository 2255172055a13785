from django.conf import settings
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", "区级管理员"
    ORG_ADMIN = "org_admin", "组织管理员"
    VIEWER = "viewer", "只读用户"


class RoleGrant(models.Model):
    """授权: a role a district user holds, over the whole district or one org's subtree.

    A user may hold several grants; what they may read is the union of the subtrees, what they
    may change is the union of the subtrees of their admin grants."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="范围",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_grants",
    )
    may_unmask = models.BooleanField(
        "可查看完整身份信息",
        default=False,
        help_text="May reveal full ID numbers and phones in the grant's scope; every reveal is audited.",
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "授权"
        constraints = [
            models.CheckConstraint(
                condition=Q(role=Role.DISTRICT_ADMIN, org__isnull=True)
                | (~Q(role=Role.DISTRICT_ADMIN) & Q(org__isnull=False)),
                name="access_rolegrant_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "org"],
                name="access_rolegrant_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.role} @ {self.org_id or 'district'}"
