"""三会一站: councils that bring the orgs and units of an area together, their member orgs and
units, and their meetings with resolutions and follow-up items."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q

from backend.common.periods import DateSpan


class CouncilKind(models.TextChoices):
    DISTRICT_GUIDANCE_COMMITTEE = "district_guidance_committee", "区党建工作指导委员会"
    STREET_COORDINATION_COMMITTEE = "street_coordination_committee", "街道党建工作协调委员会"
    COMMUNITY_JOINT_MEETING = "community_joint_meeting", "社区党建工作联席会"
    LIAISON_STATION = "liaison_station", "在职党员联络站"
    RESEARCH_SOCIETY = "research_society", "党建工作研究会"
    RESEARCH_SOCIETY_BRANCH = "research_society_branch", "党建工作研究会街道分会"


class CouncilRole(models.TextChoices):
    DIRECTOR = "director", "主任"
    DEPUTY_DIRECTOR = "deputy_director", "副主任"
    MEMBER = "member", "成员"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "办理中"
    DONE = "done", "已办结"
    CANCELLED = "cancelled", "已取消"


class Council(models.Model):
    """三会一站: a council that brings orgs and units of an area together, hosted by the org of
    that area (the district committee, a street working committee, a community)."""

    kind = models.CharField("类型", max_length=40, choices=CouncilKind.choices)
    name = models.CharField("名称", max_length=200)
    host_org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="牵头党组织",
        on_delete=models.PROTECT,
        related_name="hosted_councils",
    )
    # A research society's street branches hang under it.
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
    )
    # A liaison station may meet in the community's 阵地 of kind liaison_station.
    position = models.ForeignKey(
        "positions.Position",
        verbose_name="所在阵地",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="councils",
    )
    established_on = models.DateField("成立日期", null=True, blank=True)
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "三会一站"
        ordering = ["host_org_id", "kind", "id"]
        indexes = [models.Index(fields=["kind", "dissolved_on"], name="councils_kind_dissolved")]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(dissolved_on__gte=F("established_on")),
                name="councils_council_dissolved_after_established",
            ),
            # Only a research society's street branch has a parent, and it always has one.
            models.CheckConstraint(
                condition=Q(kind=CouncilKind.RESEARCH_SOCIETY_BRANCH, parent__isnull=False)
                | (~Q(kind=CouncilKind.RESEARCH_SOCIETY_BRANCH) & Q(parent__isnull=True)),
                name="councils_council_parent_only_for_branch",
            ),
            # One active council of each kind per host org.
            models.UniqueConstraint(
                fields=["host_org", "kind"],
                condition=Q(dissolved_on__isnull=True),
                name="councils_council_one_active_per_host_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CouncilMembership(models.Model):
    """A member org or unit of a council, from joining to leaving (成员单位). The membership
    covers [joined_on, left_on): left_on is the first day it is no longer a member."""

    council = models.ForeignKey(
        Council, verbose_name="三会一站", on_delete=models.CASCADE, related_name="memberships"
    )
    org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="成员党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="council_memberships",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name="成员单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="council_memberships",
    )
    role = models.CharField(
        "职务", max_length=20, choices=CouncilRole.choices, default=CouncilRole.MEMBER
    )
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("退出日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "三会一站成员"
        ordering = ["council_id", "joined_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(org__isnull=False, unit__isnull=True)
                | Q(org__isnull=True, unit__isnull=False),
                name="councils_membership_org_xor_unit",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="councils_membership_left_after_joined",
            ),
            ExclusionConstraint(
                name="councils_membership_org_no_overlap",
                expressions=[
                    ("council", RangeOperators.EQUAL),
                    ("org", RangeOperators.EQUAL),
                    (DateSpan("joined_on", "left_on", "[)"), RangeOperators.OVERLAPS),
                ],
                condition=Q(org__isnull=False),
            ),
            ExclusionConstraint(
                name="councils_membership_unit_no_overlap",
                expressions=[
                    ("council", RangeOperators.EQUAL),
                    ("unit", RangeOperators.EQUAL),
                    (DateSpan("joined_on", "left_on", "[)"), RangeOperators.OVERLAPS),
                ],
                condition=Q(unit__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council_id}: {self.org_id or self.unit_id}"


class CouncilMeeting(models.Model):
    """会议: one meeting of a council, with its attendees, resolutions (决议) and follow-ups."""

    council = models.ForeignKey(
        Council, verbose_name="三会一站", on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField("会议日期")
    place = models.CharField("地点", max_length=200, blank=True)
    topic = models.CharField("议题", max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "三会一站会议"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["council", "held_on"], name="councils_meeting_held")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class CouncilMeetingAttendee(models.Model):
    """出席: a member org/unit of the council at the meeting's date, or a person by name."""

    meeting = models.ForeignKey(
        CouncilMeeting, verbose_name="会议", on_delete=models.CASCADE, related_name="attendees"
    )
    membership = models.ForeignKey(
        CouncilMembership,
        verbose_name="成员",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendances",
    )
    person_name = models.CharField("姓名", max_length=50, blank=True)
    person_title = models.CharField("职务", max_length=100, blank=True)

    class Meta:
        verbose_name = "会议出席"
        ordering = ["meeting_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(membership__isnull=False) | ~Q(person_name=""),
                name="councils_attendee_member_or_person",
            ),
            models.UniqueConstraint(
                fields=["meeting", "membership"],
                condition=Q(membership__isnull=False),
                name="councils_attendee_once",
            ),
        ]

    def __str__(self) -> str:
        return self.person_name or f"membership {self.membership_id}"


class CouncilResolution(models.Model):
    """决议: one resolution of a meeting, in order."""

    meeting = models.ForeignKey(
        CouncilMeeting, verbose_name="会议", on_delete=models.CASCADE, related_name="resolutions"
    )
    position = models.PositiveSmallIntegerField("序号")
    text = models.TextField("内容")

    class Meta:
        verbose_name = "会议决议"
        ordering = ["meeting_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="councils_resolution_position"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:50]


class CouncilFollowUp(models.Model):
    """事项: a follow-up item a meeting assigned to an org or unit, with a due date and status."""

    meeting = models.ForeignKey(
        CouncilMeeting, verbose_name="会议", on_delete=models.CASCADE, related_name="follow_ups"
    )
    position = models.PositiveSmallIntegerField("序号")
    title = models.CharField("事项", max_length=300)
    owner_org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="责任党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="council_follow_ups",
    )
    owner_unit = models.ForeignKey(
        "units.Unit",
        verbose_name="责任单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="council_follow_ups",
    )
    owner_person = models.CharField("责任人", max_length=50, blank=True)
    due_on = models.DateField("办结期限")
    status = models.CharField(
        "状态", max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    done_on = models.DateField("办结日期", null=True, blank=True)
    note = models.TextField("备注", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "会议事项"
        ordering = ["meeting_id", "position"]
        indexes = [models.Index(fields=["status", "due_on"], name="councils_follow_up_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_org__isnull=False, owner_unit__isnull=True)
                | Q(owner_org__isnull=True, owner_unit__isnull=False),
                name="councils_follow_up_owner_xor",
            ),
            models.CheckConstraint(
                condition=Q(status=FollowUpStatus.DONE, done_on__isnull=False)
                | (~Q(status=FollowUpStatus.DONE) & Q(done_on__isnull=True)),
                name="councils_follow_up_done_on_iff_done",
            ),
            models.UniqueConstraint(
                fields=["meeting", "position"], name="councils_follow_up_position"
            ),
        ]

    def __str__(self) -> str:
        return self.title
