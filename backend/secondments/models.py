from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import Q

from backend.common.periods import DateSpan


class Secondment(models.Model):
    """干部下基层: a cadre (usually of a district organ) seconded to a community for a period,
    under a campaign such as 百名干部进社区. The community's record of who served there outlives
    the cadre's member record: the cadre is a SET_NULL reference with a name snapshot."""

    cadre = models.ForeignKey(
        "members.Member",
        verbose_name="下派干部",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="secondments",
    )
    cadre_name = models.CharField("干部姓名", max_length=50)
    rank = models.CharField("职级", max_length=30, blank=True, help_text="如 科级、处级")
    title = models.CharField("职务", max_length=100, blank=True)
    home_unit = models.ForeignKey(
        "units.Unit",
        verbose_name="派出单位",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="secondments",
    )
    community = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="下派社区党组织",
        on_delete=models.PROTECT,
        related_name="secondments",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="活动载体",
        on_delete=models.PROTECT,
        related_name="secondments",
    )
    started_on = models.DateField("下派日期")
    planned_end_on = models.DateField("计划结束日期")
    ended_on = models.DateField("实际结束日期", null=True, blank=True)
    tasks = models.TextField("蹲点任务", blank=True)
    summary = models.TextField("工作小结", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "干部下派"
        ordering = ["-started_on", "id"]
        indexes = [
            models.Index(fields=["community", "started_on"], name="secondments_community_start"),
            models.Index(fields=["campaign", "started_on"], name="secondments_campaign_start"),
            models.Index(fields=["cadre", "started_on"], name="secondments_cadre_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_on__gte=models.F("started_on")),
                name="secondments_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="secondments_ended_after_start",
            ),
            # One secondment at a time per cadre; one not yet ended runs on without limit.
            ExclusionConstraint(
                name="secondments_no_overlap_per_cadre",
                expressions=[
                    ("cadre", RangeOperators.EQUAL),
                    (DateSpan("started_on", "ended_on"), RangeOperators.OVERLAPS),
                ],
                condition=Q(cadre__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_name} → {self.community_id}"
