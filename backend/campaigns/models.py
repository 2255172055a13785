from django.db import models
from django.db.models import Q


class Campaign(models.Model):
    """活动载体: a named campaign such as 七携手 or 干部下基层. Campaigns are data: the built-in
    ones come with every district (migration 0002), and a district adds its own; a campaign may
    sit under another (百名干部进社区 under 干部下基层)."""

    code = models.CharField("代码", max_length=50, unique=True)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("内容", blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="所属载体",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_builtin = models.BooleanField("内置", default=False)
    started_on = models.DateField("开始日期", null=True, blank=True)
    ended_on = models.DateField("结束日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "活动载体"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="campaigns_campaign_ended_after_started",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="campaigns_campaign_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignTheme(models.Model):
    """A theme of a campaign, e.g. 携手共办社区服务, one of 七携手's seven."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="活动载体", on_delete=models.CASCADE, related_name="themes"
    )
    code = models.CharField("代码", max_length=50)
    name = models.CharField("名称", max_length=100)
    position = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        verbose_name = "主题"
        ordering = ["campaign_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="campaigns_theme_code_unique")
        ]

    def __str__(self) -> str:
        return self.name
