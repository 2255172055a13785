from decimal import Decimal

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q

from backend.common.periods import DateSpan

MAX_HOURS = Decimal("999.9")
# A member's hours at one activity, which takes place on one day.
MAX_PARTICIPANT_HOURS = Decimal(24)


class VolunteerTeam(models.Model):
    """志愿者服务队: a team formed by a Party organisation (of a unit, or an org such as a
    community) to serve an area. The forming org anchors its scope."""

    org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="组建党组织",
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
    )
    # The unit whose Party organisation formed the team, when a unit did.
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name="组建单位",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer_teams",
    )
    name = models.CharField("名称", max_length=200)
    service_area = models.CharField("服务范围", max_length=300, blank=True)
    description = models.TextField("简介", blank=True)
    founded_on = models.DateField("成立日期")
    dissolved_on = models.DateField("解散日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "志愿者服务队"
        ordering = ["org_id", "name", "id"]
        indexes = [models.Index(fields=["org", "dissolved_on"], name="activities_team_org")]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=F("founded_on")),
                name="activities_team_dissolved_after_founded",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def covering_org(self) -> object:
        """The org whose readers see the team (access.relations.ScopedRelation reads this)."""
        return self.org


class TeamRole(models.TextChoices):
    LEADER = "leader", "队长"
    MEMBER = "member", "队员"


class VolunteerTeamMembership(models.Model):
    """志愿者服务队队员: a member's time in a team, from joining to leaving. Belongs to the
    member: deleting the member (transferred out of the district) deletes it."""

    team = models.ForeignKey(
        VolunteerTeam,
        verbose_name="志愿者服务队",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员",
        on_delete=models.CASCADE,
        related_name="volunteer_memberships",
    )
    role = models.CharField("角色", max_length=10, choices=TeamRole.choices, default="member")
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("退出日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "志愿者服务队队员"
        ordering = ["team_id", "joined_on", "id"]
        indexes = [
            models.Index(fields=["member", "joined_on"], name="activities_teammember_member")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="activities_teammember_left_after_joined",
            ),
            models.CheckConstraint(
                condition=Q(role__in=TeamRole.values), name="activities_teammember_role_valid"
            ),
            # A member's periods in one team never overlap.
            ExclusionConstraint(
                name="activities_teammember_no_overlap",
                expressions=[
                    ("team", RangeOperators.EQUAL),
                    ("member", RangeOperators.EQUAL),
                    (DateSpan("joined_on", "left_on"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id}: {self.member_id}"


class Activity(models.Model):
    """活动: an activity an org organised on a date, under a campaign (and one of its themes),
    possibly within a co-building pair or a council, with participating members and units."""

    org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="组织党组织",
        on_delete=models.PROTECT,
        related_name="organised_activities",
    )
    title = models.CharField("活动名称", max_length=200)
    pair = models.ForeignKey(
        "cobuilding.CoBuildingPair",
        verbose_name="共建对子",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    council = models.ForeignKey(
        "councils.Council",
        verbose_name="三会一站",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="活动载体",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    theme = models.ForeignKey(
        "campaigns.CampaignTheme",
        verbose_name="主题",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    volunteer_team = models.ForeignKey(
        VolunteerTeam,
        verbose_name="志愿者服务队",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    occurred_on = models.DateField("活动日期")
    starts_at = models.TimeField("开始时间", null=True, blank=True)
    duration_hours = models.DecimalField(
        "时长 (小时)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    place = models.CharField("地点", max_length=300, blank=True)
    description = models.TextField("活动内容", blank=True)
    cancelled_on = models.DateField("取消日期", null=True, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "活动"
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["org", "occurred_on"], name="activities_activity_org_on"),
            models.Index(fields=["campaign", "occurred_on"], name="activities_activity_camp_on"),
            models.Index(fields=["theme", "occurred_on"], name="activities_activity_theme_on"),
            models.Index(fields=["pair", "occurred_on"], name="activities_activity_pair_on"),
            models.Index(fields=["council", "occurred_on"], name="activities_activity_council"),
            models.Index(fields=["volunteer_team", "occurred_on"], name="activities_activity_team"),
            models.Index(fields=["occurred_on", "id"], name="activities_activity_on_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(theme__isnull=True) | Q(campaign__isnull=False),
                name="activities_activity_theme_needs_campaign",
            ),
            # Under a pair or a council, not both.
            models.CheckConstraint(
                condition=Q(pair__isnull=True) | Q(council__isnull=True),
                name="activities_activity_pair_or_council",
            ),
            models.CheckConstraint(
                condition=Q(duration_hours__isnull=True)
                | (Q(duration_hours__gt=0) & Q(duration_hours__lte=MAX_HOURS)),
                name="activities_activity_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def covering_org(self) -> object:
        """The org whose readers see the activity (access.relations.ScopedRelation reads this)."""
        return self.org


class ActivityParticipation(models.Model):
    """活动参与: a member's part in an activity, with service hours. The activity's date is
    copied here so that "members with an activity in a period" reads one index; the services
    keep it in step. Belongs to the member (CASCADE)."""

    activity = models.ForeignKey(
        Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="participations"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员",
        on_delete=models.CASCADE,
        related_name="activity_participations",
    )
    hours = models.DecimalField("服务时长 (小时)", max_digits=3, decimal_places=1, default=0)
    occurred_on = models.DateField("活动日期")

    class Meta:
        verbose_name = "活动参与党员"
        ordering = ["activity_id", "id"]
        indexes = [
            # The participation metric: a period's rows, with member and hours, from the index.
            models.Index(
                fields=["occurred_on", "member"],
                include=["hours"],
                name="activities_part_on_member",
            ),
            models.Index(fields=["member", "occurred_on"], name="activities_part_member_on"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="activities_part_unique"),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=MAX_PARTICIPANT_HOURS),
                name="activities_part_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.member_id}"


class ActivityUnit(models.Model):
    """活动参与单位: a unit that took part in an activity, with hours and people if known."""

    activity = models.ForeignKey(
        Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="unit_participations"
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name="单位",
        on_delete=models.CASCADE,
        related_name="activity_participations",
    )
    hours = models.DecimalField(
        "服务时长 (小时)", max_digits=6, decimal_places=1, null=True, blank=True
    )
    people = models.PositiveIntegerField("参与人数", null=True, blank=True)

    class Meta:
        verbose_name = "活动参与单位"
        ordering = ["activity_id", "id"]
        indexes = [models.Index(fields=["unit"], name="activities_unit_unit")]
        constraints = [
            models.UniqueConstraint(fields=["activity", "unit"], name="activities_unit_unique"),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0),
                name="activities_unit_hours_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.unit_id}"
