from django.db import models
from django.db.models import F, Q


class CoBuildingPair(models.Model):
    """共建对子: an agreement between two parties, each an org or a unit, for a period. Either
    side may be an org or a unit; `a` and `b` have no order of rank."""

    a_org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="甲方党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairs_as_a",
    )
    a_unit = models.ForeignKey(
        "units.Unit",
        verbose_name="甲方单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairs_as_a",
    )
    b_org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="乙方党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairs_as_b",
    )
    b_unit = models.ForeignKey(
        "units.Unit",
        verbose_name="乙方单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairs_as_b",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="活动载体",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairs",
    )
    theme = models.ForeignKey(
        "campaigns.CampaignTheme",
        verbose_name="主题",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairs",
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    # The day it was ended early (解除), if it was.
    ended_on = models.DateField("解除日期", null=True, blank=True)
    end_reason = models.CharField("解除原因", max_length=500, blank=True)
    renewed_from = models.OneToOneField(
        "self",
        verbose_name="续签自",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "共建对子"
        ordering = ["-starts_on", "id"]
        indexes = [
            models.Index(fields=["starts_on", "ends_on"], name="cobuilding_pair_period"),
            models.Index(fields=["campaign", "theme"], name="cobuilding_pair_campaign"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(a_org__isnull=False) ^ Q(a_unit__isnull=False))
                & (Q(b_org__isnull=False) ^ Q(b_unit__isnull=False)),
                name="cobuilding_pair_each_side_org_xor_unit",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="cobuilding_pair_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(ended_on__gte=F("starts_on"), ended_on__lte=F("ends_on")),
                name="cobuilding_pair_ended_within_period",
            ),
            # A party never pairs with itself.
            models.CheckConstraint(
                condition=~Q(a_org=F("b_org")) | Q(a_org__isnull=True),
                name="cobuilding_pair_not_same_org",
            ),
            models.CheckConstraint(
                condition=~Q(a_unit=F("b_unit")) | Q(a_unit__isnull=True),
                name="cobuilding_pair_not_same_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"共建对子 {self.pk} ({self.starts_on}–{self.ends_on})"


class PairSide(models.TextChoices):
    A = "a", "甲方"
    B = "b", "乙方"


class PairCommitment(models.Model):
    """共建承诺: one thing one side of a pair promises to do (承诺事项)."""

    pair = models.ForeignKey(
        CoBuildingPair,
        verbose_name="共建对子",
        on_delete=models.CASCADE,
        related_name="commitments",
    )
    side = models.CharField("承诺方", max_length=1, choices=PairSide.choices)
    text = models.CharField("承诺内容", max_length=500)
    position = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        verbose_name = "共建承诺"
        ordering = ["pair_id", "side", "position", "id"]

    def __str__(self) -> str:
        return self.text


class ServiceDirection(models.TextChoices):
    A_TO_B = "a_to_b", "甲方服务乙方"
    B_TO_A = "b_to_a", "乙方服务甲方"


class ServiceRecord(models.Model):
    """共建服务记录: one service one side of a pair gave the other (双向服务), with its hours."""

    pair = models.ForeignKey(
        CoBuildingPair,
        verbose_name="共建对子",
        on_delete=models.CASCADE,
        related_name="service_records",
    )
    served_on = models.DateField("服务日期")
    direction = models.CharField("服务方向", max_length=6, choices=ServiceDirection.choices)
    description = models.CharField("服务内容", max_length=500)
    hours = models.DecimalField("服务时长 (小时)", max_digits=7, decimal_places=1)
    beneficiaries = models.PositiveIntegerField("受益人数", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "共建服务记录"
        ordering = ["-served_on", "-id"]
        indexes = [
            models.Index(fields=["pair", "direction", "served_on"], name="cobuilding_service_pair")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=10000),
                name="cobuilding_service_hours_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pair_id} {self.served_on} {self.direction}"
