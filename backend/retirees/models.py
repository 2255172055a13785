"""Retired members (离退休党员): the Party-member home, building roles and interest teams."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q

from backend.common.periods import DateSpan


class HomeMembership(models.Model):
    """党员之家成员: a retired member taking part in the community's Party-member home for a
    period. The home is a positions.Position of kind member_home."""

    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员",
        on_delete=models.CASCADE,
        related_name="home_memberships",
    )
    home = models.ForeignKey(
        "positions.Position",
        verbose_name="党员之家",
        on_delete=models.PROTECT,
        related_name="home_memberships",
    )
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("退出日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "党员之家成员"
        ordering = ["home_id", "joined_on", "id"]
        indexes = [models.Index(fields=["home", "left_on"], name="retirees_home_left")]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="retirees_home_left_after_joined",
            ),
            ExclusionConstraint(
                name="retirees_home_no_overlap",
                expressions=[
                    ("member", RangeOperators.EQUAL),
                    ("home", RangeOperators.EQUAL),
                    (DateSpan("joined_on", "left_on"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.home_id}"


class BuildingRoleKind(models.TextChoices):
    GROUP_LEADER = "group_leader", "门栋党小组长"
    CARETAKER = "caretaker", "门栋关照员"


class BuildingRole(models.Model):
    """门栋角色: a member serving as building-group leader (门栋党小组长, of a building_group org)
    or building caretaker (门栋关照员, of a building group or a building named by a label such as
    "3幢2单元") for a period. `community` is always set: the building's community."""

    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员",
        on_delete=models.CASCADE,
        related_name="building_roles",
    )
    role = models.CharField("角色", max_length=20, choices=BuildingRoleKind.choices)
    community = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="所在社区党组织",
        on_delete=models.PROTECT,
        related_name="+",
    )
    building_group = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="门栋党小组",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    building_label = models.CharField("楼栋", max_length=50, blank=True)
    start_on = models.DateField("任职开始日期")
    end_on = models.DateField("任职结束日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "门栋角色"
        ordering = ["community_id", "role", "start_on", "id"]
        indexes = [
            models.Index(fields=["community", "role", "end_on"], name="retirees_role_comm_role"),
            models.Index(fields=["building_group", "role"], name="retirees_role_group_role"),
            models.Index(fields=["member"], name="retirees_role_member"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                name="retirees_role_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(building_group__isnull=False) | ~Q(building_label=""),
                name="retirees_role_has_building",
            ),
            models.CheckConstraint(
                condition=~Q(role=BuildingRoleKind.GROUP_LEADER) | Q(building_group__isnull=False),
                name="retirees_role_leader_of_group",
            ),
            # One leader per building group at any time.
            ExclusionConstraint(
                name="retirees_role_one_leader",
                expressions=[
                    ("building_group", RangeOperators.EQUAL),
                    (DateSpan("start_on", "end_on"), RangeOperators.OVERLAPS),
                ],
                condition=Q(role=BuildingRoleKind.GROUP_LEADER),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.member_id}"


class InterestTeamKind(models.TextChoices):
    ELDER_UNIVERSITY = "elder_university", "老年大学"
    GREENING = "greening", "老年护绿队"
    CULTURE = "culture", "文艺队"
    FITNESS = "fitness", "健身队"
    OTHER = "other", "其他"


class InterestTeam(models.Model):
    """兴趣队伍: a team of retired members in a community (elder university 老年大学, greening
    team 老年护绿队, culture, fitness ...)."""

    community = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="所在社区党组织",
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=InterestTeamKind.choices)
    founded_on = models.DateField("成立日期")
    dissolved_on = models.DateField("解散日期", null=True, blank=True)
    description = models.TextField("简介", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "兴趣队伍"
        ordering = ["community_id", "name", "id"]
        indexes = [models.Index(fields=["community", "kind"], name="retirees_team_comm_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=F("founded_on")),
                name="retirees_team_dissolved_after_founded",
            ),
            models.UniqueConstraint(
                fields=["community", "name"],
                condition=Q(dissolved_on__isnull=True),
                name="retirees_team_active_name_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class InterestTeamRole(models.TextChoices):
    MEMBER = "member", "队员"
    LEADER = "leader", "队长"


class InterestTeamMembership(models.Model):
    """兴趣队伍成员: a member in a team for a period, optionally its leader (队长)."""

    team = models.ForeignKey(
        InterestTeam,
        verbose_name="兴趣队伍",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员",
        on_delete=models.CASCADE,
        related_name="interest_team_memberships",
    )
    role = models.CharField(
        "角色", max_length=10, choices=InterestTeamRole.choices, default=InterestTeamRole.MEMBER
    )
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("退出日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "兴趣队伍成员"
        ordering = ["team_id", "joined_on", "id"]
        indexes = [models.Index(fields=["member"], name="retirees_teamm_member")]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="retirees_teamm_left_after_joined",
            ),
            ExclusionConstraint(
                name="retirees_teamm_no_overlap",
                expressions=[
                    ("member", RangeOperators.EQUAL),
                    ("team", RangeOperators.EQUAL),
                    (DateSpan("joined_on", "left_on"), RangeOperators.OVERLAPS),
                ],
            ),
            ExclusionConstraint(
                name="retirees_teamm_one_leader",
                expressions=[
                    ("team", RangeOperators.EQUAL),
                    (DateSpan("joined_on", "left_on"), RangeOperators.OVERLAPS),
                ],
                condition=Q(role=InterestTeamRole.LEADER),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.team_id}"
