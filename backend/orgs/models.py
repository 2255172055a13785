from django.contrib.postgres.indexes import GistIndex
from django.db import models
from django.db.models import F, Func, Q

from backend.common.ltree import LtreeField


class PartyOrgKind(models.TextChoices):
    DISTRICT_COMMITTEE = "district_committee", "区委"
    STREET_WORKING_COMMITTEE = "street_working_committee", "街道党工委"
    COMMUNITY_COMMITTEE = "community_committee", "社区党委"
    COMMUNITY_GENERAL_BRANCH = "community_general_branch", "社区党总支"
    COMPOUND_BRANCH = "compound_branch", "小区楼院党支部"
    PARTY_GROUP = "party_group", "党小组"
    BUILDING_GROUP = "building_group", "门栋党小组"
    TEMPORARY_BRANCH = "temporary_branch", "临时党支部"
    UNIT_ORG = "unit_org", "单位党组织"
    JOINT_BRANCH = "joint_branch", "联合党支部"


class PartyOrg(models.Model):
    """党组织: one node of the district's 三级纵向 organisation tree.

    `path` is an ltree of primary keys from the root ("1.4.37"): subtree and ancestor queries are
    single GiST-indexed statements. Only orgs.services writes it.
    """

    code = models.CharField("组织代码", max_length=50, unique=True)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=40, choices=PartyOrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = LtreeField(editable=False)
    depth = models.GeneratedField(
        expression=Func(F("path"), function="nlevel"),
        output_field=models.IntegerField(),
        db_persist=True,
    )
    established_on = models.DateField("成立日期", null=True, blank=True)
    end_date = models.DateField("撤销日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "党组织"
        ordering = ["code"]
        indexes = [
            GistIndex(fields=["path"], name="orgs_partyorg_path_gist"),
            models.Index(fields=["path"], name="orgs_partyorg_path_btree"),
            models.Index(fields=["kind", "path"], name="orgs_partyorg_kind_path"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(parent__isnull=True), name="orgs_partyorg_one_root"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, kind=PartyOrgKind.DISTRICT_COMMITTEE)
                | (Q(parent__isnull=False) & ~Q(kind=PartyOrgKind.DISTRICT_COMMITTEE)),
                name="orgs_partyorg_root_is_district_committee",
            ),
            models.CheckConstraint(
                condition=~Q(kind=PartyOrgKind.TEMPORARY_BRANCH) | Q(end_date__isnull=False),
                name="orgs_partyorg_temporary_branch_has_end_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name
