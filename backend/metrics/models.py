from django.db import models

from backend.metrics.definitions import DEFINITIONS
from backend.metrics.periods import PeriodKind


class MetricSnapshot(models.Model):
    """One metric for one org subtree and period, as computed at `computed_at`: numerator and
    denominator summed over the subtree (the org and everything below it), and their ratio in the
    metric's unit. A recompute replaces the row (one per natural key); a period nobody recomputes
    keeps the figures it had, so history stays after the data changes."""

    org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name="党组织", on_delete=models.CASCADE, related_name="+"
    )
    metric = models.CharField(
        "指标", max_length=40, choices=[(d.code, d.name_zh) for d in DEFINITIONS]
    )
    breakdown = models.CharField("分类", max_length=40, blank=True, default="")
    period_kind = models.CharField(
        "期间类型", max_length=10, choices=[(kind.value, kind.value) for kind in PeriodKind]
    )
    period_start = models.DateField("期初")
    period_end = models.DateField("期末")
    as_of = models.DateField("统计截止日")
    numerator = models.DecimalField("分子", max_digits=16, decimal_places=2)
    denominator = models.DecimalField("分母", max_digits=16, decimal_places=2)
    # NULL when the denominator is 0: an empty subtree has no rate, which is not a rate of 0 %.
    value = models.DecimalField("值", max_digits=14, decimal_places=4, null=True)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "指标快照"
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "period_kind", "period_start", "org", "breakdown"],
                name="metrics_snapshot_natural_key",
            ),
            models.CheckConstraint(
                condition=models.Q(numerator__gte=0) & models.Q(denominator__gte=0),
                name="metrics_snapshot_not_negative",
            ),
        ]
        indexes = [
            # A subtree's trend: one org, one metric, periods in order.
            models.Index(
                fields=["org", "metric", "period_kind", "period_start"],
                name="metrics_snapshot_org_trend",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric}/{self.breakdown or 'all'} {self.period_start} org {self.org_id}"
