from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q

from backend.common.periods import DateSpan


class UnitKind(models.TextChoices):
    RESIDENT_UNIT = "resident_unit", "驻区单位"
    DISTRICT_UNIT = "district_unit", "区属单位"
    ORGAN = "organ", "区直机关"
    NON_PUBLIC_ENTERPRISE = "non_public_enterprise", "非公企业"
    SOCIAL_ORGANISATION = "social_organisation", "社会组织"


class PartyOrgStatus(models.TextChoices):
    OWN = "own", "单独组建"
    JOINT = "joint", "联合组建"
    ATTACHED = "attached", "挂靠"
    NONE = "none", "未建立"


class Unit(models.Model):
    """单位: an enterprise, organ or organisation in the district, and how Party work covers it."""

    name = models.CharField("名称", max_length=200)
    # NULL, not "", for "unknown": the unique constraint then ignores units without a code.
    credit_code = models.CharField(  # noqa: DJ001
        "统一社会信用代码", max_length=18, null=True, blank=True
    )
    kind = models.CharField("类型", max_length=30, choices=UnitKind.choices)
    address = models.CharField("地址", max_length=300, blank=True)
    employee_count = models.PositiveIntegerField("职工人数", default=0)
    party_member_count = models.PositiveIntegerField("党员人数", default=0)
    party_org_status = models.CharField(
        "党组织建立情况", max_length=10, choices=PartyOrgStatus.choices, default=PartyOrgStatus.NONE
    )
    covering_org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="覆盖的党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="covered_units",
    )
    locality = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="属地党组织",
        help_text="单位所在地的街道党工委或社区党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="local_units",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "单位"
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name", "id"], name="units_unit_name_id"),
            models.Index(fields=["kind", "party_org_status"], name="units_unit_kind_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=Q(credit_code__isnull=False),
                name="units_unit_credit_code_unique",
            ),
            models.CheckConstraint(
                condition=Q(party_org_status=PartyOrgStatus.NONE, covering_org__isnull=True)
                | (~Q(party_org_status=PartyOrgStatus.NONE) & Q(covering_org__isnull=False)),
                name="units_unit_status_matches_covering_org",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AssignmentRole(models.TextChoices):
    INSTRUCTOR = "instructor", "党建指导员"
    LIAISON = "liaison", "党建联络员"


class UnitAssignment(models.Model):
    """党建指导员 / 党建联络员: a person an org assigns to a unit (usually one with no Party
    organisation of its own) for a period — the unit's *work coverage* (工作覆盖). The period is
    [start_date, end_date): end_date is the first day no longer assigned, so a successor may start
    on the day the predecessor's assignment ended."""

    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField("职责", max_length=20, choices=AssignmentRole.choices)
    person_name = models.CharField("姓名", max_length=50)
    assigned_by = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="选派党组织",
        on_delete=models.PROTECT,
        related_name="unit_assignments",
    )
    start_date = models.DateField("选派日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "党建指导员/联络员"
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["unit", "start_date"], name="units_assignment_unit_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="units_assignment_end_after_start",
            ),
            # One instructor and one liaison at a time per unit; one not yet ended runs on.
            ExclusionConstraint(
                name="units_assignment_no_overlap_per_role",
                expressions=[
                    ("unit", RangeOperators.EQUAL),
                    ("role", RangeOperators.EQUAL),
                    (DateSpan("start_date", "end_date", "[)"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.role}) → {self.unit_id}"
