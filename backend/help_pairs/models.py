"""Help pairs (结对帮扶): members paired with households in difficulty, and their visits."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q

from backend.common.periods import DateSpan
from backend.members.identity import SealedPhone


class HouseholdKind(models.TextChoices):
    HARDSHIP_WORKER = "hardship_worker", "特困职工"
    LAID_OFF_WORKER = "laid_off_worker", "下岗职工"
    MILITARY_FAMILY = "military_family", "军烈属"
    LONELY_ELDERLY = "lonely_elderly", "孤寡老人"
    OTHER = "other", "其他"


class Household(SealedPhone):
    """困难户: a household in difficulty that the community registers for help pairs (结对帮扶).
    The phone is sealed like a member's (encrypted, keyed hash, masked); only the masked form
    leaves the database. The address stops at the building (3幢2单元), never the flat."""

    community = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="所在社区党组织",
        on_delete=models.PROTECT,
        related_name="+",
    )
    head_name = models.CharField("户主姓名", max_length=50)
    kind = models.CharField("困难类型", max_length=20, choices=HouseholdKind.choices)
    address = models.CharField("住址 (到楼栋)", max_length=100)
    size = models.PositiveSmallIntegerField("家庭人口", default=1)
    situation = models.TextField("困难情况", blank=True)
    registered_on = models.DateField("登记日期")
    closed_on = models.DateField("销户日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "困难户"
        ordering = ["community_id", "head_name", "id"]
        indexes = [
            models.Index(fields=["community", "kind"], name="help_household_comm_kind"),
            models.Index(fields=["closed_on"], name="help_household_closed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("registered_on")),
                name="help_household_closed_after_registered",
            ),
            models.CheckConstraint(condition=Q(size__gte=1), name="help_household_size_positive"),
        ]

    def __str__(self) -> str:
        return self.head_name


class HelpPairEndReason(models.TextChoices):
    OUT_OF_DIFFICULTY = "out_of_difficulty", "已脱困"
    HOUSEHOLD_CLOSED = "household_closed", "困难户销户"
    MEMBER_UNAVAILABLE = "member_unavailable", "党员不能继续帮扶"
    REASSIGNED = "reassigned", "调整帮扶人"
    OTHER = "other", "其他"


class HelpPair(models.Model):
    """结对帮扶: a member (of any category) helping a household for a period. A household may
    have several helpers and a member several households, but never two periods of the same pair
    at once."""

    member = models.ForeignKey(
        "members.Member",
        verbose_name="帮扶党员",
        on_delete=models.CASCADE,
        related_name="help_pairs",
    )
    household = models.ForeignKey(
        Household, verbose_name="困难户", on_delete=models.CASCADE, related_name="pairs"
    )
    start_on = models.DateField("结对日期")
    end_on = models.DateField("结束日期", null=True, blank=True)
    end_reason = models.CharField(
        "结束原因", max_length=20, choices=HelpPairEndReason.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "结对帮扶"
        ordering = ["household_id", "start_on", "id"]
        indexes = [
            models.Index(fields=["household", "end_on"], name="help_pair_household_end"),
            models.Index(fields=["member", "end_on"], name="help_pair_member_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                name="help_pair_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True, end_reason="")
                | (Q(end_on__isnull=False) & ~Q(end_reason="")),
                name="help_pair_end_reason_with_end",
            ),
            models.UniqueConstraint(
                fields=["member", "household"],
                condition=Q(end_on__isnull=True),
                name="help_pair_one_active",
            ),
            ExclusionConstraint(
                name="help_pair_no_overlap",
                expressions=[
                    ("member", RangeOperators.EQUAL),
                    ("household", RangeOperators.EQUAL),
                    (DateSpan("start_on", "end_on"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}→{self.household_id}"


class HelpVisitKind(models.TextChoices):
    VISIT = "visit", "走访"
    MATERIAL = "material", "物资帮扶"
    MONEY = "money", "资金帮扶"
    SERVICE = "service", "服务"
    OTHER = "other", "其他"


class HelpVisit(models.Model):
    """帮扶记录: one visit or piece of help given within a pair."""

    pair = models.ForeignKey(
        HelpPair, verbose_name="结对", on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField("日期")
    kind = models.CharField("方式", max_length=20, choices=HelpVisitKind.choices)
    hours = models.DecimalField("时长 (小时)", max_digits=5, decimal_places=1, default=0)
    amount = models.DecimalField(
        "金额/折价 (元)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    note = models.TextField("记录", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "帮扶记录"
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["pair", "-visited_on"], name="help_visit_pair_date"),
            models.Index(fields=["visited_on"], name="help_visit_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="help_visit_hours_not_negative"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="help_visit_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pair_id} {self.visited_on}"
