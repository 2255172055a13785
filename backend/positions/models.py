from django.db import models
from django.db.models import Q


class PositionKind(models.TextChoices):
    ACTIVITY_ROOM = "activity_room", "党员标准活动室"
    MEMBER_HOME = "member_home", "党员之家"
    REEMPLOYMENT_STATION = "reemployment_station", "再就业服务站"
    LIAISON_STATION = "liaison_station", "在职党员联络站"


class Position(models.Model):
    """阵地: a facility a community has for Party work (activity room, Party-member home,
    re-employment service station, liaison station). Visible to readers of the community."""

    community = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="所属社区党组织",
        on_delete=models.PROTECT,
        related_name="positions",
    )
    kind = models.CharField("类型", max_length=30, choices=PositionKind.choices)
    name = models.CharField("名称", max_length=200)
    address = models.CharField("地址", max_length=300, blank=True)
    area_m2 = models.DecimalField(
        "面积 (平方米)", max_digits=8, decimal_places=1, null=True, blank=True
    )
    opening_hours = models.CharField("开放时间", max_length=200, blank=True)
    meets_standard = models.BooleanField("达到建设标准", default=False)
    opened_on = models.DateField("启用日期", null=True, blank=True)
    closed_on = models.DateField("停用日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "阵地"
        ordering = ["community_id", "kind", "id"]
        indexes = [models.Index(fields=["community", "kind"], name="positions_community_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="positions_position_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(area_m2__isnull=True) | Q(area_m2__gt=0),
                name="positions_position_area_positive",
            ),
            # A community runs one activity room, one member home, one station and one liaison
            # station at a time; a closed one stays on record beside its successor.
            models.UniqueConstraint(
                fields=["community", "kind"],
                condition=Q(closed_on__isnull=True),
                name="positions_position_one_open_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name
