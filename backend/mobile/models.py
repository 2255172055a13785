from django.db import models
from django.db.models import F, Q


class RelationLocation(models.TextChoices):
    IN_DISTRICT = "in_district", "本区 (组织关系即党员档案所在党组织)"
    OUTSIDE = "outside", "区外"


class Trade(models.TextChoices):
    CONSTRUCTION = "construction", "建筑业"
    MANUFACTURING = "manufacturing", "制造业"
    SERVICES = "services", "服务业"
    CATERING = "catering", "餐饮业"
    RETAIL = "retail", "商贸零售"
    LOGISTICS = "logistics", "物流运输"
    DOMESTIC = "domestic", "家政服务"
    OTHER = "other", "其他"


class MobileMemberProfile(models.Model):
    """流动党员登记: where a mobile Party member comes from, where their organisational relation
    sits, what they do, and the community where they registered (which manages them: the scope
    anchor of the profile and of its assignments)."""

    member = models.OneToOneField(
        "members.Member",
        verbose_name="党员",
        on_delete=models.CASCADE,
        related_name="mobile_profile",
    )
    origin_place = models.CharField("流出地", max_length=100)
    origin_region_code = models.CharField("流出地行政区划代码", max_length=6, blank=True)
    relation_location = models.CharField(
        "组织关系所在", max_length=20, choices=RelationLocation.choices
    )
    relation_org_name = models.CharField("组织关系所在党组织 (区外)", max_length=200, blank=True)
    relation_place = models.CharField("组织关系所在地 (区外)", max_length=100, blank=True)
    trade = models.CharField("从业行业", max_length=20, choices=Trade.choices)
    occupation = models.CharField("职业/工种", max_length=100, blank=True)
    community = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="登记社区",
        on_delete=models.PROTECT,
        related_name="mobile_profiles",
    )
    registered_on = models.DateField("登记日期")
    contact_notes = models.TextField("联系方式备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "流动党员登记"
        ordering = ["community_id", "id"]
        indexes = [
            models.Index(fields=["community", "id"], name="mobile_profile_community"),
            models.Index(fields=["origin_region_code"], name="mobile_profile_origin_code"),
            models.Index(fields=["trade"], name="mobile_profile_trade"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(origin_region_code="")
                | Q(origin_region_code__regex=r"^[1-8][0-9]{5}$"),
                name="mobile_profile_region_code_six_digits",
            ),
            models.CheckConstraint(
                condition=Q(relation_location=RelationLocation.IN_DISTRICT)
                | (~Q(relation_org_name="") & ~Q(relation_place="")),
                name="mobile_profile_outside_relation_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.origin_place}"


class AssignmentEndReason(models.TextChoices):
    COMPLETED = "completed", "工程/务工结束"
    MOVED_AWAY = "moved_away", "离开本地"
    REASSIGNED = "reassigned", "调整编组"
    BRANCH_CLOSED = "branch_closed", "临时党支部撤销"
    OTHER = "other", "其他"


class MobileAssignment(models.Model):
    """流动党员编组: a mobile member assigned to a party group (党小组) or a temporary branch
    (临时党支部) for a period. The period is [start_date, end_date): end_date is the first day
    no longer assigned, so a re-assignment may start on the day the previous one ended."""

    profile = models.ForeignKey(
        MobileMemberProfile,
        verbose_name="流动党员登记",
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="党小组或临时党支部",
        on_delete=models.PROTECT,
        related_name="mobile_assignments",
    )
    start_date = models.DateField("编入日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    end_reason = models.CharField(
        "结束原因", max_length=20, choices=AssignmentEndReason.choices, blank=True
    )
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "流动党员编组"
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["profile", "start_date"], name="mobile_assign_profile_start"),
            models.Index(
                fields=["org"], condition=Q(end_date__isnull=True), name="mobile_assign_open_org"
            ),
        ]
        constraints = [
            # One open-ended assignment per member; overlaps between dated periods are checked
            # by the service under a lock on the profile.
            models.UniqueConstraint(
                fields=["profile"],
                condition=Q(end_date__isnull=True),
                name="mobile_assignment_one_open_per_member",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="mobile_assignment_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, end_reason="")
                | (Q(end_date__isnull=False) & ~Q(end_reason="")),
                name="mobile_assignment_end_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} → {self.org_id}"
